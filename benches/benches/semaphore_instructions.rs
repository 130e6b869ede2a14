//! `cargo bench --bench semaphore_instructions`: instructions for 1,000 enter-and-leave cycles
//! through each gate, on one thread. For the process-run semaphore only the caller's thread is
//! counted (the call's encode-free local send, the reply wait): here the caller is that thread,
//! driving the node through `block_on` (the one shape callgrind can count), not a process on the
//! node as in the timings; the semaphore process's own work runs on the node's worker thread and
//! is not in the count, which flatters it.
// gungraun's macros generate items without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use gungraun::{library_benchmark, library_benchmark_group, main};
use workbook::semaphore::measure::{Gate, GateKind, ProcessSemaphore, gate_cycles};

const CYCLES: u64 = 1_000;

/// The in-process gate of `kind`, warmed up: an enum, so a misspelt gate does not compile.
fn gate(kind: GateKind) -> Arc<dyn Gate> {
    let gate = workbook::semaphore::measure::gate(kind).expect("an in-process gate");
    gate_cycles(gate.as_ref(), CYCLES); // warm up
    gate
}

#[library_benchmark]
#[bench::bare_atomic_pair(setup = gate, args = (GateKind::BareAtomicPair))]
#[bench::semaphore(setup = gate, args = (GateKind::Semaphore))]
#[bench::tokio_semaphore(setup = gate, args = (GateKind::TokioSemaphore))]
#[bench::mutex_counter(setup = gate, args = (GateKind::MutexCounter))]
fn thousand_cycles(gate: Arc<dyn Gate>) -> Arc<dyn Gate> {
    gate_cycles(gate.as_ref(), black_box(CYCLES));
    gate
}

fn process() -> ProcessSemaphore {
    let process = ProcessSemaphore::new(1 << 20, 1).expect("could not start a cluster");
    process.cycles(10); // warm up
    process
}

#[library_benchmark]
#[bench::process(setup = process)]
fn thousand_process_cycles(process: ProcessSemaphore) -> ProcessSemaphore {
    black_box(process.cycles(black_box(CYCLES)));
    process
}

library_benchmark_group!(name = gates_group; benchmarks = thousand_cycles, thousand_process_cycles);

/// gungraun's `main`, run only when the runner is there (see `workbook::common::instructions`).
mod counted {
    use super::*;

    main!(library_benchmark_groups = gates_group);

    pub(super) fn run() {
        main()
    }
}

fn main() {
    if !workbook::common::instructions::skip("semaphore_instructions") {
        counted::run();
    }
}
