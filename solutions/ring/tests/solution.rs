//! The lab's suite on the reference FastGlobal and its hand-written cached reader, and the
//! checks that apply to arc-swap's own cache.

use ring_kit::check;
use solution_ring::{FastGlobal, WithArcSwapCache};

ring_kit::suite!(FastGlobal);

#[test]
fn arc_swap_cache_reads_none_before_a_put() {
    check::never_put_reads_none::<WithArcSwapCache<String>>();
}

#[test]
fn arc_swap_cache_follows_puts() {
    check::a_cached_reader_follows_puts::<WithArcSwapCache<String>>();
}

#[test]
fn arc_swap_cache_sees_every_put_once_it_returns() {
    check::cached_readers_see_every_put_once_it_returns::<WithArcSwapCache<check::Bulky>>();
}

#[test]
fn arc_swap_cache_agrees_with_the_ring() {
    check::agrees_with_the_ring(check::published_cached::<WithArcSwapCache<_>>);
}

#[test]
fn arc_swap_cache_answers_from_whole_rings_and_follows_puts() {
    check::whole_rings_while_publishing(check::published_cached::<WithArcSwapCache<_>>);
}
