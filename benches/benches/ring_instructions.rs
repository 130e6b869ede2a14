//! `cargo bench --bench ring_instructions`: instructions one thread executes for 100 prehashed
//! ring lookups, per way of sharing the ring.
//!
//! Instruction counts (valgrind's callgrind, through gungraun) repeat where wall time does not,
//! so CI gates a ratio on them (the `ring` scenario declares the gates; `workbook registry` prints
//! them): copying the ring out costs at least
//! [`workbook::ring::bars::COPY_OUT_OVER_FASTGLOBAL`] times the instructions of a FastGlobal read,
//! and a cached read at most [`workbook::ring::bars::CACHED_OVER_RAW`] times a raw `&Ring`. Only
//! the calling thread is counted. For the actor that is the caller's half of each call (reply
//! slot, mailbox push, blocking on the reply); the ring process's own work runs on the cluster's
//! thread and is not in the count. Needs valgrind and `gungraun-runner`.

// gungraun's macros generate items without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use ring_kit::naive::{Actor, CopyOut, Locked, Raw, ReadLocked};
use ring_kit::{Global, Lookup, Published, PublishedCached, RingRead};
use solution_ring::{FastGlobal, WithArcSwapCache};
use workbook::ring::measure::Strategy;

const LOOKUPS: u64 = 100;

/// One strategy, ready to look up.
enum Rig {
    Actor(Actor),
    CopyOut(CopyOut),
    Locked(Locked),
    ReadLocked(ReadLocked),
    FastGlobal(Published<FastGlobal<ring_kit::Ring>>),
    Cached(PublishedCached<FastGlobal<ring_kit::Ring>>),
    ArcSwapCache(PublishedCached<WithArcSwapCache<ring_kit::Ring>>),
    Raw(Raw),
}

/// Prehashed keys: the count is the access, not MD5.
fn hundred<A: RingRead>(access: &A) {
    let mut reader = access.reader();
    for i in 0..black_box(LOOKUPS) {
        // A cheap, well-spread stand-in for a precomputed hash (no MD5 in the count).
        let hash = black_box(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        black_box(reader.owner_of_hash(hash));
    }
}

impl Rig {
    fn hundred_lookups(&self) {
        match self {
            Rig::Actor(a) => hundred(a),
            Rig::CopyOut(a) => hundred(a),
            Rig::Locked(a) => hundred(a),
            Rig::ReadLocked(a) => hundred(a),
            Rig::FastGlobal(a) => hundred(a),
            Rig::Cached(a) => hundred(a),
            Rig::ArcSwapCache(a) => hundred(a),
            Rig::Raw(a) => hundred(a),
        }
    }
}

/// The strategy's rig: the scenario's [`Strategy`], so a misspelt strategy does not compile (a
/// string would silently measure whatever the fallback is).
fn rig(strategy: Strategy) -> Rig {
    let ring = ring_kit::check::production_ring();
    let global = |name: &str| {
        let global = FastGlobal::named(name);
        global.put(ring.clone());
        global
    };
    let rig = match strategy {
        Strategy::Actor => Rig::Actor(Actor::start(ring, 1).expect("a cluster")),
        Strategy::CopyOut => Rig::CopyOut(CopyOut::new(ring)),
        Strategy::Locked => Rig::Locked(Locked::new(ring)),
        Strategy::ReadLocked => Rig::ReadLocked(ReadLocked::new(ring)),
        Strategy::FastGlobal => Rig::FastGlobal(Published(global("bench/fastglobal"))),
        Strategy::FastGlobalCached => Rig::Cached(PublishedCached(global("bench/cached"))),
        Strategy::ArcSwapCache => {
            let global = WithArcSwapCache::named("bench/arc_swap_cache");
            global.put(ring);
            Rig::ArcSwapCache(PublishedCached(global))
        }
        Strategy::Raw => Rig::Raw(Raw(ring)),
    };
    rig.hundred_lookups(); // warm up: first-touch allocations are not what we count
    rig
}

#[library_benchmark]
#[bench::actor(setup = rig, args = (Strategy::Actor))]
#[bench::copy_out(setup = rig, args = (Strategy::CopyOut))]
#[bench::locked(setup = rig, args = (Strategy::Locked))]
#[bench::read_locked(setup = rig, args = (Strategy::ReadLocked))]
#[bench::fastglobal(setup = rig, args = (Strategy::FastGlobal))]
#[bench::fastglobal_cached(setup = rig, args = (Strategy::FastGlobalCached))]
#[bench::arc_swap_cache(setup = rig, args = (Strategy::ArcSwapCache))]
#[bench::raw(setup = rig, args = (Strategy::Raw))]
fn hundred_lookups(rig: Rig) -> Rig {
    rig.hundred_lookups();
    rig
}

library_benchmark_group!(name = ring_lookup; benchmarks = hundred_lookups);

/// gungraun's `main`, run only when the runner is there (see `workbook::common::instructions`).
mod counted {
    use super::*;

    main!(library_benchmark_groups = ring_lookup);

    pub(super) fn run() {
        main()
    }
}

fn main() {
    if !workbook::common::instructions::skip("ring_instructions") {
        counted::run();
    }
}
