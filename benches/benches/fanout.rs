//! `cargo bench --bench fanout`: time spent inside the guild per publish, by member count, for
//! the naive strategy and the reference Manifold. Four session nodes, two threads each, as in the
//! `fanout` scenario. Your Manifold is measured by `workbook labs` (the lab's bar), never here:
//! nothing at the root compiles your file, so a half-written lab cannot stop `cargo bench`.
//!
//! The same rig as the scenario (`workbook::fanout::measure::rigs`): each iteration is one publish,
//! waited for until every member has it, so publishes never pile up; only the guild's time is
//! summed.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fanout_kit::Fanout;
use fanout_kit::naive::Naive;
use workbook::fanout::measure::Strategy;
use workbook::fanout::measure::rigs::{Setup, rig};

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

fn fanout(c: &mut Criterion) {
    // Named by their results keys, as the scenario's.
    bench::<Naive>(c, Strategy::Naive.facts().key);
    bench::<Reference>(c, Strategy::Manifold.facts().key);
}

criterion_group!(benches, fanout);
criterion_main!(benches);
