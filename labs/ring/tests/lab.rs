//! The suite on YOUR FastGlobal (`src/fastglobal.rs`). It fails until the lab is solved.
//!
//! `cargo test -p lab-ring --test lab` runs just these; then `cargo run --release -p workbook --
//! labs` measures your global against the bar.

use lab_ring::check;
use lab_ring::fastglobal::FastGlobal;

#[test]
fn a_name_never_put_reads_none() {
    check::never_put_reads_none::<FastGlobal<String>>();
}

#[test]
fn concurrent_puts_lose_nothing() {
    check::concurrent_puts_lose_nothing::<FastGlobal<(usize, usize)>>();
}

#[test]
fn fastglobal_agrees_with_the_ring() {
    check::agrees_with_the_ring(check::published::<FastGlobal<_>>);
}

#[test]
fn fastglobal_answers_from_whole_rings() {
    check::whole_rings_while_publishing(check::published::<FastGlobal<_>>);
}

#[test]
fn cached_reader_agrees_with_the_ring() {
    check::agrees_with_the_ring(check::published_cached::<FastGlobal<_>>);
}

#[test]
fn cached_reader_answers_from_whole_rings_and_follows_puts() {
    check::whole_rings_while_publishing(check::published_cached::<FastGlobal<_>>);
}
