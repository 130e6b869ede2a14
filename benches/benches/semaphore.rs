//! `cargo bench --bench semaphore`: one enter-and-leave through each way of limiting concurrency,
//! alone and with every core contending. The floor is a bare `fetch_add` + `fetch_sub` pair; the
//! ceiling is the design Discord rejected, a semaphore run by a process, called (as on the BEAM)
//! by processes on its node: one alone, one per worker thread contending.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use workbook::semaphore::measure::{GateKind, ProcessSemaphore, gate_cycles, gates};

/// Time for `iters` cycles on each of `threads` threads at once.
fn contended(threads: usize, iters: u64, cycles: impl Fn(u64) + Sync) -> Duration {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| cycles(iters));
        }
    });
    start.elapsed()
}

fn semaphores(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    for (group_name, threads) in [("semaphore_alone", 1), ("semaphore_contended", threads)] {
        let mut group = c.benchmark_group(group_name);
        for gate in gates() {
            group.bench_function(gate.key(), |b| {
                b.iter_custom(|iters| contended(threads, iters, |n| gate_cycles(gate.as_ref(), n)))
            });
        }
        let process = ProcessSemaphore::new(1 << 20, threads).expect("could not start a cluster");
        group.bench_function(GateKind::Process.key(), |b| {
            b.iter_custom(|iters| {
                let ns = process
                    .per_call_ns(threads, iters)
                    .expect("the process gate");
                Duration::from_nanos((ns * iters as f64) as u64)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, semaphores);
criterion_main!(benches);
