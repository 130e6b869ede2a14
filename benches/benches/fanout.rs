//! `cargo bench --bench fanout`: time spent inside the guild per publish, by member count, for
//! the naive strategy, the reference Manifold, and yours (`labs/fanout/src/manifold.rs`) once it
//! runs. Four session nodes, two threads each, as in the `fanout` scenario.
//!
//! The same rig as the scenario (`workbook::fanout_measure`): each iteration is one publish,
//! waited for until every member has it, so publishes never pile up; only the guild's time is
//! summed. Your Manifold is skipped, with a line saying so, while it is still `todo!()`.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_fanout::Fanout;
use lab_fanout::naive::Naive;
use workbook::fanout_measure::{Setup, rig};

type LabManifold = lab_fanout::manifold::Manifold;
type Reference = solution_fanout::manifold::Manifold;

const MEMBERS: [usize; 2] = [1_000, 30_000];

fn setup(members: usize) -> Setup {
    Setup {
        members,
        session_nodes: 4,
        threads: 2,
    }
}

fn bench<F: Fanout>(c: &mut Criterion, name: &str) {
    let mut group = c.benchmark_group("fanout");
    group.sample_size(10);
    for members in MEMBERS {
        let mut rig = rig::<F>(setup(members)).expect("could not start the rig");
        rig.publish(0)
            .expect("the warm-up publish did not complete");
        group.throughput(Throughput::Elements(members as u64));
        group.bench_function(BenchmarkId::new(name, members), |b| {
            b.iter_custom(|publishes| {
                (0..publishes)
                    .map(|_| rig.publish(0).expect("a publish did not complete").in_guild)
                    .sum::<Duration>()
            });
        });
    }
    group.finish();
}

/// Whether the lab's Manifold runs at all: one publish to a few members, with any panic
/// (`todo!()`) caught and silenced.
fn lab_runs() -> bool {
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let runs = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut rig = rig::<LabManifold>(setup(8))?;
        rig.set_patience(Duration::from_secs(2));
        rig.publish(0)?;
        rig.verify()
    }));
    panic::set_hook(quiet);
    matches!(runs, Ok(Ok(())))
}

fn fanout(c: &mut Criterion) {
    bench::<Naive>(c, "naive");
    bench::<Reference>(c, "manifold");
    if lab_runs() {
        bench::<LabManifold>(c, "lab");
    } else {
        println!("fanout/lab: skipped: labs/fanout/src/manifold.rs does not deliver yet (todo!())");
    }
}

criterion_group!(benches, fanout);
criterion_main!(benches);
