//! `cargo bench --bench ring_lookup`: wall time of one ring lookup, per way of sharing the ring.
//!
//! Three situations per strategy, all with prehashed keys (the access cost alone):
//! - `alone`: one thread looks up, nothing else runs;
//! - `every_core`: one more reader per remaining core hammers the same ring meanwhile;
//! - `with_writer`: a writer publishes a new ring every millisecond meanwhile.
//!
//! The strategies are the `ring` scenario's (`ring_kit::naive`, `solution_ring`), plus
//! `fastglobal_by_name`: a FastGlobal looked up by name on every read, which is what the handle
//! (`FastGlobal.new/1`) saves. The actor is called from a plain thread that blocks on each reply.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use ring_kit::naive::{Actor, CopyOut, Locked, Raw, ReadLocked};
use ring_kit::{Global, Lookup, Published, PublishedCached, Ring, RingAccess, RingRead, hash_id};
use solution_ring::{FastGlobal, WithArcSwapCache};
use workbook::ring::measure::Strategy;

/// What runs beside the measured thread.
#[derive(Clone, Copy, PartialEq)]
enum Beside {
    Nothing,
    EveryCore,
    Writer,
}

fn ring() -> Ring {
    ring_kit::check::production_ring()
}

fn hashes() -> Vec<u64> {
    (0..4_096u64)
        .map(|i| hash_id(80_000_000_000_000_000 + i * 7_919))
        .collect()
}

/// Times `lookups` lookups through one reader, cycling over prepared hashes.
fn time_lookups<L: Lookup>(reader: &mut L, hashes: &[u64], lookups: u64) -> Duration {
    let began = Instant::now();
    for i in 0..lookups as usize {
        black_box(reader.owner_of_hash(hashes[i % hashes.len()]));
    }
    began.elapsed()
}

fn bench_read<A: RingRead>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    access: &A,
    beside: Beside,
) {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let stop = AtomicBool::new(false);
    let hashes = hashes();
    std::thread::scope(|scope| {
        if beside == Beside::EveryCore {
            for _ in 1..cores {
                let (stop, hashes) = (&stop, &hashes);
                scope.spawn(move || {
                    let mut reader = access.reader();
                    while !stop.load(Ordering::Relaxed) {
                        time_lookups(&mut reader, hashes, 1_000);
                    }
                });
            }
        }
        let mut reader = access.reader();
        group.bench_function(name, |b| {
            b.iter_custom(|n| time_lookups(&mut reader, &hashes, n))
        });
        stop.store(true, Ordering::Relaxed);
    });
}

fn bench_access<A: RingAccess>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    access: &A,
    beside: Beside,
) {
    if beside != Beside::Writer {
        return bench_read(group, name, access, beside);
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stop = &stop;
        scope.spawn(move || {
            let mut next = ring();
            let mut joined = false;
            while !stop.load(Ordering::Relaxed) {
                if joined {
                    next.remove_node("node-joining").expect("it joined");
                } else {
                    next.add_node("node-joining").expect("a new name");
                }
                joined = !joined;
                access.publish(next.clone());
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        bench_read(group, name, access, Beside::Nothing);
        stop.store(true, Ordering::Relaxed);
    });
}

/// `FastGlobal` found by name on every read: the registry's lock on the hot path.
struct ByName(&'static str);

impl RingRead for ByName {
    type Reader<'a> = &'a ByName;
    fn reader(&self) -> &ByName {
        self
    }
}

impl Lookup for &ByName {
    fn owner_of_hash(&mut self, hash: u64) -> Option<ring_kit::Placement> {
        FastGlobal::<Ring>::named(self.0)
            .with(|ring| ring.placement(hash))
            .flatten()
    }
}

fn lookups(c: &mut Criterion) {
    for (situation, beside) in [
        ("alone", Beside::Nothing),
        ("every_core", Beside::EveryCore),
        ("with_writer", Beside::Writer),
    ] {
        let mut group = c.benchmark_group(format!("ring/{situation}"));
        group.throughput(Throughput::Elements(1));
        group.measurement_time(Duration::from_secs(3));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let actor = Arc::new(Actor::start(ring(), cores).expect("a cluster"));
        bench_access(&mut group, Strategy::Actor.key(), &*actor, beside);
        bench_access(
            &mut group,
            Strategy::CopyOut.key(),
            &CopyOut::new(ring()),
            beside,
        );
        bench_access(
            &mut group,
            Strategy::Locked.key(),
            &Locked::new(ring()),
            beside,
        );
        bench_access(
            &mut group,
            Strategy::ReadLocked.key(),
            &ReadLocked::new(ring()),
            beside,
        );
        let global = FastGlobal::named(&format!("bench/{situation}"));
        global.put(ring());
        bench_access(
            &mut group,
            Strategy::FastGlobal.key(),
            &Published(global.clone()),
            beside,
        );
        bench_access(
            &mut group,
            Strategy::FastGlobalCached.key(),
            &PublishedCached(global),
            beside,
        );
        let arc_swap = WithArcSwapCache::named(&format!("bench/{situation}/arc_swap"));
        arc_swap.put(ring());
        bench_access(
            &mut group,
            Strategy::ArcSwapCache.key(),
            &PublishedCached(arc_swap),
            beside,
        );
        if beside != Beside::Writer {
            bench_read(&mut group, Strategy::Raw.key(), &Raw(ring()), beside);
            FastGlobal::<Ring>::named("bench/by_name").put(ring());
            bench_read(
                &mut group,
                "fastglobal_by_name",
                &ByName("bench/by_name"),
                beside,
            );
        }
        group.finish();
    }
}

criterion_group!(benches, lookups);
criterion_main!(benches);
