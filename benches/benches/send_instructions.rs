//! `cargo bench --bench send_instructions`: instructions the *sender* executes for 100 cluster
//! sends, to a process on its own node and to one on another node.
//!
//! Instruction counts (valgrind's callgrind, through gungraun) are repeatable where wall time is
//! not, so a ratio between them can gate CI. Only the sending thread's instructions inside the
//! benchmark function are counted: the encode and the link push of a remote send are in, the far
//! node's decode (on another thread) is not. Needs valgrind and `gungraun-runner` 0.20.0.

// gungraun's macros generate items without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use workbook::send_cost::measure::processes::ClusterSend;

const SENDS: u64 = 100;

fn rig(remote: bool) -> ClusterSend {
    let rig = ClusterSend::new(remote).expect("could not start a cluster");
    rig.send_only(SENDS); // warm up: first-touch allocations are not what we count
    rig
}

#[library_benchmark]
#[bench::local(setup = rig, args = (false))]
#[bench::remote(setup = rig, args = (true))]
fn hundred_sends(rig: ClusterSend) -> ClusterSend {
    rig.send_only(black_box(SENDS));
    rig
}

library_benchmark_group!(name = cluster_send; benchmarks = hundred_sends);

/// gungraun's `main`, run only when the runner is there (see `workbook::common::instructions`).
mod counted {
    use super::*;

    main!(library_benchmark_groups = cluster_send);

    pub(super) fn run() {
        main()
    }
}

fn main() {
    if !workbook::common::instructions::skip("send_instructions") {
        counted::run();
    }
}
