//! `cargo bench --bench send_cost`: wall time of one send, per channel and through the cluster,
//! and of one event sent to 30,000 processes one by one.
//!
//! The same rigs as the `send-cost` scenario (`workbook::send_cost::measure`): criterion adds its
//! statistics (confidence intervals, outliers, comparison with the last run) on top.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use workbook::send_cost::measure::all_rigs;
use workbook::send_cost::measure::processes::OneByOne;

fn one_send(c: &mut Criterion) {
    let mut group = c.benchmark_group("send_cost");
    group.throughput(Throughput::Elements(1));
    for mut rig in all_rigs().expect("could not start the rigs") {
        group.bench_function(rig.key(), |b| {
            b.iter_custom(|sends| {
                rig.send_batch(sends)
                    .expect("the receiver stopped taking messages")
            });
        });
    }
    group.finish();
}

fn one_by_one(c: &mut Criterion) {
    const MEMBERS: usize = 30_000;
    let mut group = c.benchmark_group("one_by_one_30k");
    group.throughput(Throughput::Elements(MEMBERS as u64));
    group.sample_size(20);
    // Named by their results keys, as the scenario's: `cluster_local`, `cluster_remote`.
    for remote in [false, true] {
        let mut guild = OneByOne::new(MEMBERS, remote).expect("could not start the cluster");
        group.bench_function(guild.key(), |b| {
            b.iter_custom(|publishes| {
                (0..publishes)
                    .map(|_| guild.publish().expect("a publish did not complete").0)
                    .sum::<Duration>()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, one_send, one_by_one);
criterion_main!(benches);
