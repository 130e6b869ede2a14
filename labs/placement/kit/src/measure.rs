//! The figures the `placement` scenario reports, for any [`Placement`], so that the scenario is a
//! thin adapter and the suite checks Maglev with the very same code.
//!
//! Everything is measured on the same keys: the reconnect storm's guild ids ([`Keys::storm`]),
//! hashed as the ring hashes them, on nodes named `node-0`, `node-1`, … as in the ring lab.
//!
//! - **balance** ([`balance`]): the most and the fewest keys on one node, over the mean;
//! - **keys moved** ([`moved_on_add`], [`moved_on_remove`]): the share of keys whose owner *name*
//!   changes when an eleventh node joins, or when a middle node leaves, beside the ideal (only the
//!   newcomer's share, or only the leaver's keys), and the keys that moved between two nodes that
//!   were there before and after (`moved_elsewhere`): pure waste, a cache lost for nothing;
//! - **time** ([`lookup_ns`], [`lookup_hashed_ns`], [`build_ns`]): one thread, the median of
//!   rounds, every answer through [`std::hint::black_box`] so that nothing is optimized away.
//!   Machines are shared and noisy; compare ways within one run.
//!
//! Bounded loads is a stream: its keys are placed with [`Placement::assign`], in the storm's order,
//! and its lookups are timed at the loads the stream left.

mod time;

use std::collections::BTreeMap;

use ring_kit::storm::Storm;
use serde::{Deserialize, Serialize};

pub use self::time::{Timing, build_ns, lookup_hashed_ns, lookup_ns};
use crate::{
    BoundedLoad, Capabilities, ExHashRing, HrwCrate, Jump, MultiProbe, Placement, Rendezvous,
};

/// The scenario's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Nodes before a change: the storm's ten.
    pub nodes: usize,
    /// Keys placed for balance and moves: the storm's first `keys` guild ids.
    pub keys: usize,
    /// Keys looked up in each timed round (the first ones).
    pub timed: usize,
    /// The storm's seed.
    pub seed: u64,
    /// Timed rounds; the median is reported.
    pub rounds: usize,
}

impl Default for Params {
    /// The scale: ten nodes, a million keys.
    fn default() -> Params {
        Params {
            nodes: 10,
            keys: 1_000_000,
            timed: 100_000,
            seed: 2017,
            rounds: 7,
        }
    }
}

/// The keys every way places: guild ids and their hashes.
#[derive(Clone, Debug)]
pub struct Keys {
    guilds: Vec<u64>,
    hashes: Vec<u64>,
}

impl Keys {
    /// The reconnect storm's first `count` guild ids (seed `seed`), and their hashes.
    pub fn storm(count: usize, seed: u64) -> Keys {
        let storm = Storm::new(1, count.max(1), seed);
        let mut keys = Keys {
            guilds: storm.session(0, false).to_vec(),
            hashes: storm.session(0, true).to_vec(),
        };
        keys.guilds.truncate(count);
        keys.hashes.truncate(count);
        keys
    }

    /// The guild ids.
    pub fn guilds(&self) -> &[u64] {
        &self.guilds
    }

    /// Their hashes ([`hash_guild`](crate::hash_guild)), in the same order.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }
}

/// `count` node names: `node-0`, `node-1`, …
pub fn node_names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("node-{i}")).collect()
}

fn as_strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

/// How evenly keys spread over the nodes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    /// Keys placed.
    pub keys: usize,
    /// Nodes they were placed on.
    pub nodes: usize,
    /// The most keys on one node, over the mean: 1 is perfect.
    pub peak_to_mean: f64,
    /// The fewest keys on one node, over the mean: 1 is perfect.
    pub min_to_mean: f64,
}

impl Balance {
    /// The balance of these per-node counts.
    pub fn of(counts: &[usize]) -> Balance {
        let keys: usize = counts.iter().sum();
        let mean = keys as f64 / counts.len().max(1) as f64;
        let ratio = |count: Option<&usize>| count.map_or(0.0, |&c| c as f64 / mean);
        Balance {
            keys,
            nodes: counts.len(),
            peak_to_mean: ratio(counts.iter().max()),
            min_to_mean: ratio(counts.iter().min()),
        }
    }
}

/// Places `hashes`, in order, on `nodes` nodes of the way `build` makes.
pub fn balance<P: Placement>(
    build: impl Fn(&[&str]) -> P,
    nodes: usize,
    hashes: &[u64],
) -> Balance {
    let names = node_names(nodes);
    let mut placement = build(&as_strs(&names));
    let mut counts = vec![0; nodes];
    for &hash in hashes {
        counts[placement.assign(hash)] += 1;
    }
    Balance::of(&counts)
}

/// What a change of nodes moved.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    /// Keys placed before and after.
    pub keys: usize,
    /// The share of keys whose owner changed (by name).
    pub moved: f64,
    /// The least share any consistent hash must move: the newcomer's share, or the leaver's.
    pub ideal: f64,
    /// The share of keys that moved between two nodes that were there before and after.
    pub moved_elsewhere: f64,
}

/// The keys moved when node `node-{nodes}` joins `nodes` nodes.
pub fn moved_on_add<P: Placement>(
    build: impl Fn(&[&str]) -> P,
    nodes: usize,
    hashes: &[u64],
) -> Moved {
    let before = node_names(nodes);
    let after = node_names(nodes + 1);
    let ideal = 1.0 / (nodes + 1) as f64;
    moved(build, &as_strs(&before), &as_strs(&after), hashes, ideal)
}

/// The keys moved when the middle node, `node-{nodes / 2}`, leaves `nodes` nodes.
pub fn moved_on_remove<P: Placement>(
    build: impl Fn(&[&str]) -> P,
    nodes: usize,
    hashes: &[u64],
) -> Moved {
    let before = node_names(nodes);
    let mut after = before.clone();
    after.remove(nodes / 2);
    let ideal = 1.0 / nodes as f64;
    moved(build, &as_strs(&before), &as_strs(&after), hashes, ideal)
}

/// The keys moved between the way built on `before` and on `after`, by owner name. Each is fed
/// the keys in the same order (which matters only to bounded loads).
pub fn moved<P: Placement>(
    build: impl Fn(&[&str]) -> P,
    before: &[&str],
    after: &[&str],
    hashes: &[u64],
    ideal: f64,
) -> Moved {
    let position = |name: &str, list: &[&str]| list.iter().position(|n| *n == name);
    let stays: Vec<Option<usize>> = before.iter().map(|n| position(n, after)).collect();
    let was_there: Vec<bool> = after
        .iter()
        .map(|n| position(n, before).is_some())
        .collect();
    let (mut old, mut new) = (build(before), build(after));
    let (mut moved, mut elsewhere) = (0usize, 0usize);
    for &hash in hashes {
        let (from, to) = (old.assign(hash), new.assign(hash));
        if stays[from] != Some(to) {
            moved += 1;
            if stays[from].is_some() && was_there[to] {
                elsewhere += 1;
            }
        }
    }
    let share = |count: usize| count as f64 / hashes.len().max(1) as f64;
    Moved {
        keys: hashes.len(),
        moved: share(moved),
        ideal,
        moved_elsewhere: share(elsewhere),
    }
}

/// Every figure of one way, as `placement.json` has it under `ways.<name>`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// [`lookup_ns`], prehashed.
    pub lookup_ns: f64,
    /// [`lookup_hashed_ns`], hashing the guild id.
    pub lookup_hashed_ns: f64,
    /// [`Balance::peak_to_mean`] over every key.
    pub peak_to_mean: f64,
    /// [`Balance::min_to_mean`] over every key.
    pub min_to_mean: f64,
    /// [`moved_on_add`]: ten nodes to eleven.
    pub moved_on_add: f64,
    /// Its ideal, 1/11.
    pub moved_on_add_ideal: f64,
    /// [`moved_on_remove`]: a middle node leaves.
    pub moved_on_remove: f64,
    /// Its ideal, 1/10.
    pub moved_on_remove_ideal: f64,
    /// Keys that moved between two nodes that both stayed, when the middle node left.
    pub moved_elsewhere: f64,
    /// The same when the eleventh node joined.
    pub moved_elsewhere_on_add: f64,
    /// [`build_ns`], from the names.
    pub build_ns: f64,
    /// [`Placement::memory_bytes`].
    pub memory_bytes: usize,
    /// What the way can and cannot do.
    pub capabilities: Capabilities,
}

// ANCHOR: figures
/// Every figure of the way `build` makes, on `keys`.
pub fn figures<P: Placement>(
    build: impl Fn(&[&str]) -> P,
    keys: &Keys,
    params: &Params,
) -> Figures {
    let names = node_names(params.nodes);
    let mut placement = build(&as_strs(&names));
    let mut counts = vec![0; params.nodes];
    for &hash in keys.hashes() {
        counts[placement.assign(hash)] += 1;
    }
    let balance = Balance::of(&counts);
    let timed = params.timed.min(keys.hashes().len());
    let lookup = lookup_ns(&placement, &keys.hashes()[..timed], params.rounds);
    let hashed = lookup_hashed_ns(&placement, &keys.guilds()[..timed], params.rounds);
    let add = moved_on_add(&build, params.nodes, keys.hashes());
    let remove = moved_on_remove(&build, params.nodes, keys.hashes());
    Figures {
        lookup_ns: lookup.median_ns,
        lookup_hashed_ns: hashed.median_ns,
        peak_to_mean: balance.peak_to_mean,
        min_to_mean: balance.min_to_mean,
        moved_on_add: add.moved,
        moved_on_add_ideal: add.ideal,
        moved_on_remove: remove.moved,
        moved_on_remove_ideal: remove.ideal,
        moved_elsewhere: remove.moved_elsewhere,
        moved_elsewhere_on_add: add.moved_elsewhere,
        build_ns: build_ns(&build, params.nodes, params.rounds).median_ns,
        memory_bytes: placement.memory_bytes(),
        capabilities: P::CAPABILITIES,
    }
}
// ANCHOR_END: figures

/// [`figures`] of a way built with [`Placement::build`], under its name.
pub fn way<P: Placement>(keys: &Keys, params: &Params) -> (&'static str, Figures) {
    (P::NAME, figures(P::build, keys, params))
}

/// Every way the kit gives, by name: all but Maglev, which is the lab's.
pub fn given_ways(keys: &Keys, params: &Params) -> BTreeMap<&'static str, Figures> {
    BTreeMap::from([
        way::<ExHashRing>(keys, params),
        way::<Jump>(keys, params),
        way::<Rendezvous>(keys, params),
        way::<MultiProbe>(keys, params),
        way::<BoundedLoad>(keys, params),
        way::<HrwCrate>(keys, params),
    ])
}

/// The ring's points per node that [`by_points`] sweeps.
pub const BY_POINTS: [u32; 4] = [1, 8, 64, 512];

/// The ring's balance against its points per node ([`BY_POINTS`]): how many points it takes.
pub fn by_points(keys: &Keys, params: &Params) -> BTreeMap<u32, Balance> {
    BY_POINTS
        .into_iter()
        .map(|points| {
            let build = |nodes: &[&str]| ExHashRing::with_points(nodes, points);
            (points, balance(build, params.nodes, keys.hashes()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_is_the_peak_and_the_least_over_the_mean() {
        let balance = Balance::of(&[90, 100, 110]);
        assert_eq!((balance.keys, balance.nodes), (300, 3));
        assert!((balance.peak_to_mean - 1.1).abs() < 1e-12);
        assert!((balance.min_to_mean - 0.9).abs() < 1e-12);
    }

    #[test]
    fn moves_are_counted_by_name() {
        let keys = Keys::storm(20_000, 5);
        // Jump grows by moving keys only to the new bucket...
        let add = moved_on_add(Jump::build, 10, keys.hashes());
        assert!((add.moved - 1.0 / 11.0).abs() < 0.01, "{add:?}");
        assert_eq!(add.moved_elsewhere, 0.0);
        // ...but node-5 leaving renumbers node-6..node-9, whose keys all change names.
        let remove = moved_on_remove(Jump::build, 10, keys.hashes());
        assert!(
            remove.moved > 0.4 && remove.moved_elsewhere > 0.3,
            "{remove:?}"
        );
        // The ring moves only the leaver's keys, to the nodes after its points.
        let ring = moved_on_remove(ExHashRing::build, 10, keys.hashes());
        assert!(
            (ring.moved - 0.1).abs() < 0.02 && ring.moved_elsewhere == 0.0,
            "{ring:?}"
        );
    }

    #[test]
    fn the_figures_of_a_way_are_all_there() {
        let params = Params {
            keys: 5_000,
            timed: 1_000,
            rounds: 1,
            ..Params::default()
        };
        let keys = Keys::storm(params.keys, params.seed);
        assert_eq!(keys.guilds().len(), 5_000);
        let figures = given_ways(&keys, &params);
        assert_eq!(figures.len(), 6);
        for (name, way) in &figures {
            assert!(way.lookup_ns > 0.0 && way.build_ns > 0.0, "{name}: {way:?}");
            assert!(
                way.peak_to_mean >= 1.0 && way.min_to_mean <= 1.0,
                "{name}: {way:?}"
            );
        }
        assert_eq!(figures["jump"].memory_bytes, 0);
        assert_eq!(figures["ex_hash_ring"].memory_bytes, 10 * 512 * 16);
        let by_points = by_points(&keys, &params);
        assert!(by_points[&1].peak_to_mean > by_points[&512].peak_to_mean);
    }
}
