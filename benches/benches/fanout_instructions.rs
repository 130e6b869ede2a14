//! `cargo bench --bench fanout_instructions`: instructions the *guild* executes for one publish
//! to 3,000 members on four session nodes: naive, Manifold, and the relay.
//!
//! The publish runs on the bench thread, through the guild node's handle, exactly as the guild
//! process would call it. Only that thread's instructions inside the benchmark function are
//! counted: the grouping, the encoding and the link pushes are in; the partitioners, workers,
//! link readers and members (other threads) are not. That is the guild's share of the work,
//! which is what Manifold exists to shrink, and it is repeatable where wall time is not.
//! Needs valgrind and `gungraun-runner` 0.20.0.

// gungraun's macros generate items without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use fanout_kit::Fanout;
use fanout_kit::naive::Naive;
use fanout_kit::rig::Rig;
use gungraun::{library_benchmark, library_benchmark_group, main};
use solution_fanout::manifold::Manifold;
use solution_fanout::relay::Relay;
use workbook::fanout::measure::rigs::{Setup, rig};

const MEMBERS: usize = 3_000;

fn guild<F: Fanout>() -> Rig<F> {
    let rig = rig::<F>(Setup {
        members: MEMBERS,
        session_nodes: 4,
        threads: 1,
    })
    .expect("could not start the rig");
    rig.publish_here(0); // warm up (and, for the relay, register the member lists)
    rig
}

#[library_benchmark]
#[bench::members_3000(setup = guild::<Naive>)]
fn naive_publish(rig: Rig<Naive>) -> Rig<Naive> {
    rig.publish_here(black_box(0));
    rig
}

#[library_benchmark]
#[bench::members_3000(setup = guild::<Manifold>)]
fn manifold_publish(rig: Rig<Manifold>) -> Rig<Manifold> {
    rig.publish_here(black_box(0));
    rig
}

#[library_benchmark]
#[bench::members_3000(setup = guild::<Relay>)]
fn relay_publish(rig: Rig<Relay>) -> Rig<Relay> {
    rig.publish_here(black_box(0));
    rig
}

library_benchmark_group!(
    name = guild_publish;
    benchmarks = naive_publish, manifold_publish, relay_publish
);

/// gungraun's `main`, run only when the runner is there (see `workbook::common::instructions`).
mod counted {
    use super::*;

    main!(library_benchmark_groups = guild_publish);

    pub(super) fn run() {
        main()
    }
}

fn main() {
    if !workbook::common::instructions::skip("fanout_instructions") {
        counted::run();
    }
}
