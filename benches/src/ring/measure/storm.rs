//! The storm through each strategy: hashed and prehashed, the reader-threads sweep, the ring
//! process's sweep over sessions calling at once, and the shared reads run in turns with the
//! floor.

use std::sync::Arc;
use std::time::Duration;

use cluster::Cluster;
use ring_kit::naive::{Actor, CopyOut, Locked, Raw, ReadLocked};
use ring_kit::storm::StormRun;
use ring_kit::{Global, Published, PublishedCached, RingAccess, RingRead};
use solution_ring::{FastGlobal, WithArcSwapCache};
use tokio::runtime::Handle;

use super::setup::{Measured, Measurements, Setup, Strategy};
use super::shapes::{self, median_of};
use super::updates::updates;
use crate::common::scenario::Progress;
use crate::common::stats::{median, nanos};

/// Measures every strategy, checks that all gave the ring's own owners, then runs the shared
/// reads in turns with the floor: one progress step each.
pub fn all(setup: &Setup, progress: &Progress) -> Result<Measurements, String> {
    // The node the shared reads' session tasks run on, as the ring process's callers run on its.
    let cluster = Cluster::builder()
        .nodes(1)
        .threads_per_node(setup.threads)
        .build()
        .map_err(|e| format!("could not start a cluster: {e}"))?;
    let node = cluster.node(0).runtime().clone();
    let mut strategies = Vec::new();
    for strategy in Strategy::ALL {
        progress.step(strategy.key());
        strategies.push(measure(strategy, setup, &node)?);
        progress.done();
    }
    let floor = strategies
        .iter()
        .find(|m| m.strategy == Strategy::FLOOR)
        .expect("the floor is measured");
    for m in &strategies {
        if m.hashed.digest != floor.hashed.digest || m.prehashed.digest != floor.prehashed.digest {
            return Err(format!(
                "strategy {} gave other owners than the ring itself for the same guilds",
                m.strategy.key()
            ));
        }
    }
    progress.step("against the floor");
    let floor = against_the_floor(setup);
    progress.done();
    Ok(Measurements { strategies, floor })
}

fn measure(strategy: Strategy, setup: &Setup, node: &Handle) -> Result<Measured, String> {
    let ring = || setup.ring.clone();
    let global = |strategy: Strategy| {
        let global = FastGlobal::named(&format!("ring-scenario/{}", strategy.key()));
        global.put(ring());
        global
    };
    match strategy {
        Strategy::Actor => measure_actor(setup),
        Strategy::CopyOut => measure_with(strategy, setup, node, CopyOut::new(ring())),
        Strategy::Locked => measure_with(strategy, setup, node, Locked::new(ring())),
        Strategy::ReadLocked => measure_with(strategy, setup, node, ReadLocked::new(ring())),
        Strategy::FastGlobal => measure_with(strategy, setup, node, Published(global(strategy))),
        Strategy::FastGlobalCached => {
            measure_with(strategy, setup, node, PublishedCached(global(strategy)))
        }
        Strategy::ArcSwapCache => {
            let global = WithArcSwapCache::named("ring-scenario/arc_swap_cache");
            global.put(ring());
            measure_with(strategy, setup, node, PublishedCached(global))
        }
        Strategy::Raw => measure_read(strategy, setup, node, &Arc::new(Raw(ring()))),
    }
}

/// Sweep, then the storm hashed and prehashed on threads, then the BEAM's shapes on `node`, for
/// a strategy that cannot be updated.
fn measure_read<A: RingRead + 'static>(
    strategy: Strategy,
    setup: &Setup,
    node: &Handle,
    shared: &Arc<A>,
) -> Result<Measured, String> {
    let access: &A = shared;
    let by_threads = setup
        .sweep_threads
        .iter()
        .map(|&threads| {
            let run = median_of(|| setup.sweep.run(access, threads, true))?;
            Ok((threads, per_second(setup.sweep.lookups(), run.elapsed)))
        })
        .collect::<Result<_, String>>()?;
    Ok(Measured {
        strategy,
        hashed: median_of(|| setup.storm.run(access, setup.threads, false))?,
        prehashed: median_of(|| setup.storm.run(access, setup.threads, true))?,
        by_threads,
        by_callers: Vec::new(),
        updates: None,
        shapes: shapes::shared_read(setup, shared, node)?,
    })
}

/// [`measure_read`], then updates while readers run.
fn measure_with<A: RingAccess + 'static>(
    strategy: Strategy,
    setup: &Setup,
    node: &Handle,
    access: A,
) -> Result<Measured, String> {
    let access = Arc::new(access);
    let mut measured = measure_read(strategy, setup, node, &access)?;
    measured.updates = Some(updates(&*access, &setup.ring, setup.updates, setup.threads));
    Ok(measured)
}

fn measure_actor(setup: &Setup) -> Result<Measured, String> {
    let start = |threads| {
        Actor::start(setup.ring.clone(), threads)
            .map(Arc::new)
            .map_err(|e| format!("could not start a cluster: {e}"))
    };
    let mut by_threads = Vec::new();
    for &threads in &setup.sweep_threads {
        let actor = start(threads)?;
        let run = median_of(|| setup.sweep.run_actor(&actor, setup.callers, true))?;
        by_threads.push((threads, per_second(setup.sweep.lookups(), run.elapsed)));
    }
    let actor = start(setup.threads)?;
    let by_callers = caller_counts(setup.sweep.sessions())
        .into_iter()
        .map(|callers| {
            let run = median_of(|| setup.sweep.run_actor(&actor, callers, true))?;
            Ok((callers, nanos(run.elapsed) / setup.sweep.lookups() as f64))
        })
        .collect::<Result<_, String>>()?;
    let hashed = median_of(|| setup.storm.run_actor(&actor, setup.callers, false))?;
    let prehashed = median_of(|| setup.storm.run_actor(&actor, setup.callers, true))?;
    let shapes = shapes::ring_process(setup, &actor, prehashed)?;
    let updates = updates(&*actor, &setup.ring, setup.updates, setup.threads);
    Ok(Measured {
        strategy: Strategy::Actor,
        hashed,
        prehashed,
        by_threads,
        by_callers,
        updates: Some(updates),
        shapes,
    })
}

/// Each of [`Strategy::NEAR_THE_FLOOR`] ÷ `raw` on the prehashed storm, run in turns: in each of
/// 9 rounds the floor and every shared read run once (the order rotating from round to round),
/// and a ratio is taken within the round; for each strategy the median of its 9 ratios is kept.
/// Measured one after another, two strategies meet different moments of a shared machine, and a
/// few nanoseconds a lookup is less than the difference between moments.
fn against_the_floor(setup: &Setup) -> Vec<(Strategy, f64)> {
    const ROUNDS: usize = 9;
    let storm = |access: &dyn Fn() -> StormRun| nanos(access().elapsed);
    let name = |s: Strategy| format!("ring-scenario/against-the-floor/{}", s.key());
    let [fast, cached, arc_cache] = Strategy::NEAR_THE_FLOOR.map(name);
    let raw = Raw(setup.ring.clone());
    let (fast, cached) = (FastGlobal::named(&fast), FastGlobal::named(&cached));
    let arc_cache = WithArcSwapCache::named(&arc_cache);
    fast.put(setup.ring.clone());
    cached.put(setup.ring.clone());
    arc_cache.put(setup.ring.clone());
    let (fast, cached, arc_cache) = (
        Published(fast),
        PublishedCached(cached),
        PublishedCached(arc_cache),
    );
    // The floor first, then NEAR_THE_FLOOR's order.
    let storms: [&dyn Fn() -> StormRun; 4] = [
        &|| setup.storm.run(&raw, setup.threads, true),
        &|| setup.storm.run(&fast, setup.threads, true),
        &|| setup.storm.run(&cached, setup.threads, true),
        &|| setup.storm.run(&arc_cache, setup.threads, true),
    ];
    let mut ratios = vec![Vec::with_capacity(ROUNDS); Strategy::NEAR_THE_FLOOR.len()];
    for round in 0..ROUNDS {
        // Each round starts one further along, so no strategy always runs first.
        let mut took = [0.0; 4];
        for turn in 0..storms.len() {
            let which = (round + turn) % storms.len();
            took[which] = storm(storms[which]);
        }
        for (ratios, shared) in ratios.iter_mut().zip(&took[1..]) {
            ratios.push(shared / took[0]);
        }
    }
    Strategy::NEAR_THE_FLOOR
        .into_iter()
        .zip(ratios)
        .map(|(strategy, ratios)| (strategy, median(ratios)))
        .collect()
}

fn per_second(lookups: usize, elapsed: Duration) -> f64 {
    lookups as f64 / elapsed.as_secs_f64()
}

/// Reader-thread counts for the sweep: powers of two up to twice the cores, and the cores.
pub fn sweep_threads(cores: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 2))
        .take_while(|n| *n <= cores * 2)
        .collect();
    counts.push(cores);
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// Sessions calling the ring process at once, for its sweep: 1, then powers of ten, then every
/// session of the sweep's storm.
fn caller_counts(sessions: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 10))
        .take_while(|n| *n < sessions)
        .collect();
    counts.push(sessions.max(1));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_cover_one_thread_to_twice_the_cores() {
        assert_eq!(sweep_threads(2), [1, 2, 4]);
        assert_eq!(sweep_threads(6), [1, 2, 4, 6, 8]);
        assert_eq!(sweep_threads(1), [1, 2]);
    }

    #[test]
    fn callers_go_from_one_to_every_session() {
        assert_eq!(caller_counts(40_000), [1, 10, 100, 1_000, 10_000, 40_000]);
        assert_eq!(caller_counts(1_000), [1, 10, 100, 1_000]);
        assert_eq!(caller_counts(1), [1]);
    }
}
