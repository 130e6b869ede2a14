//! The lab's suite on the reference FastGlobal, its hand-written cached reader and arc-swap's.

use lab_ring::check;
use solution_ring::{FastGlobal, WithArcSwapCache};

#[test]
fn a_name_never_put_reads_none() {
    check::never_put_reads_none::<FastGlobal<String>>();
    check::never_put_reads_none::<WithArcSwapCache<String>>();
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

#[test]
fn arc_swap_cache_agrees_with_the_ring() {
    check::agrees_with_the_ring(check::published_cached::<WithArcSwapCache<_>>);
}

#[test]
fn arc_swap_cache_answers_from_whole_rings_and_follows_puts() {
    check::whole_rings_while_publishing(check::published_cached::<WithArcSwapCache<_>>);
}
