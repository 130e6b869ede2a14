//! What a ring run is given and what it gives back: the ways of sharing the ring, the shape of a
//! run, and the figures each strategy measured.
//!
//! Every other file of the folder reads these types, and this file reads none of them, so the
//! imports between the folder's files run one way only.

use ring_kit::Ring;
use ring_kit::storm::{Storm, StormRun};

use crate::common::stats::nanos;

/// A way of sharing the ring, in table order. Its key (the results' and the benches' name) and
/// its label (the tables') are stated here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// A process owns the ring; every lookup is a call (`ring_kit::naive::Actor`).
    Actor,
    /// The ring in a table, copied out on every read, as ETS does (`CopyOut`).
    CopyOut,
    /// `Mutex<Ring>`.
    Locked,
    /// `RwLock<Ring>`.
    ReadLocked,
    /// The reference FastGlobal: an `ArcSwapOption` load per lookup.
    FastGlobal,
    /// FastGlobal through a reader that keeps the ring until it changes (by hand).
    FastGlobalCached,
    /// FastGlobal through `arc_swap::Cache`.
    ArcSwapCache,
    /// A raw `&Ring`: no synchronization at all, the floor.
    Raw,
}

impl Strategy {
    /// Every strategy, in table order.
    pub const ALL: [Strategy; 8] = [
        Strategy::Actor,
        Strategy::CopyOut,
        Strategy::Locked,
        Strategy::ReadLocked,
        Strategy::FastGlobal,
        Strategy::FastGlobalCached,
        Strategy::ArcSwapCache,
        Strategy::Raw,
    ];

    /// The floor every shared read is held against.
    pub const FLOOR: Strategy = Strategy::Raw;

    /// The shared reads that should cost what the floor costs, in the order they run after it.
    pub const NEAR_THE_FLOOR: [Strategy; 3] = [
        Strategy::FastGlobal,
        Strategy::FastGlobalCached,
        Strategy::ArcSwapCache,
    ];

    /// Its name in the results file and the benches: `copy_out`.
    pub const fn key(self) -> &'static str {
        match self {
            Strategy::Actor => "actor",
            Strategy::CopyOut => "copy_out",
            Strategy::Locked => "locked",
            Strategy::ReadLocked => "read_locked",
            Strategy::FastGlobal => "fastglobal",
            Strategy::FastGlobalCached => "fastglobal_cached",
            Strategy::ArcSwapCache => "arc_swap_cache",
            Strategy::Raw => "raw",
        }
    }

    /// Its name in the tables (markdown).
    pub const fn label(self) -> &'static str {
        match self {
            Strategy::Actor => "Actor: a process owns the ring",
            Strategy::CopyOut => "CopyOut: copy the ring out of a table",
            Strategy::Locked => "Locked: `Mutex<Ring>`",
            Strategy::ReadLocked => "ReadLocked: `RwLock<Ring>`",
            Strategy::FastGlobal => "FastGlobal: `ArcSwapOption` load",
            Strategy::FastGlobalCached => "FastGlobal, cached reader (by hand)",
            Strategy::ArcSwapCache => "FastGlobal, `arc_swap::Cache`",
            Strategy::Raw => "raw `&Ring`: no synchronization (floor)",
        }
    }
}

/// The shape of one run.
pub struct Setup {
    /// The ring every strategy shares.
    pub ring: Ring,
    /// The storm: every session's lookups.
    pub storm: Storm,
    /// The smaller storm of the sweeps.
    pub sweep: Storm,
    /// Reader threads of the storm (every core).
    pub threads: usize,
    /// Reader threads of each point of the sweep (`sweep_threads`).
    pub sweep_threads: Vec<usize>,
    /// Session tasks calling the ring process at once.
    pub callers: usize,
    /// Rings built and published while readers run, per updatable strategy.
    pub updates: usize,
}

/// What an update cost, and what readers saw meanwhile.
#[derive(Clone, Copy, Debug)]
pub struct Updates {
    /// Median: build the ring with one more (or one less) node, and publish it.
    pub update_ns: f64,
    /// Median: the publish alone.
    pub publish_ns: f64,
    /// The longest single lookup any reader saw while the updates ran.
    pub longest_lookup_ns: f64,
    /// The longest single lookup the same readers saw in a window about as long without updates.
    pub longest_idle_lookup_ns: f64,
    /// How many of the longest lookups each phase kept, over all readers: half the updates.
    pub kept: usize,
    /// The `kept`-th longest lookup during updates: a wait on most updates would show here.
    pub kth_longest_lookup_ns: f64,
    /// The `kept`-th longest lookup without updates.
    pub kth_longest_idle_lookup_ns: f64,
}

/// A rung in the BEAM's two shapes, every caller a task on a node (`ring_kit`'s `storm/tasks.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Shapes {
    /// The storm, prehashed: one task per session, all released at once.
    pub storm: StormRun,
    /// Session tasks in that storm.
    pub storm_sessions: usize,
    /// Lookups in that storm, every session's.
    pub storm_lookups: usize,
    /// One task per worker thread, each looking up `alone_lookups` keys in a row.
    pub alone: StormRun,
    /// Lookups each lone reader made.
    pub alone_lookups: usize,
}

impl Shapes {
    /// The storm's wall time ÷ every lookup it made.
    pub fn storm_ns_per_lookup(&self) -> f64 {
        nanos(self.storm.elapsed) / self.storm_lookups as f64
    }

    /// The lone readers' wall time ÷ the lookups each made.
    pub fn alone_ns_per_lookup(&self) -> f64 {
        nanos(self.alone.elapsed) / self.alone_lookups as f64
    }
}

/// Everything measured for one strategy.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Which.
    pub strategy: Strategy,
    /// The storm, each key hashed at lookup.
    pub hashed: StormRun,
    /// The storm, keys hashed beforehand: the access alone.
    pub prehashed: StormRun,
    /// `(reader threads, lookups per second)`, prehashed.
    pub by_threads: Vec<(usize, f64)>,
    /// `(sessions calling at once, ns per lookup)` on the sweep's storm, prehashed: the ring
    /// process only.
    pub by_callers: Vec<(usize, f64)>,
    /// Publishing new rings while readers run; `None` for the floor, which cannot take one.
    pub updates: Option<Updates>,
    /// The storm and the lone readers as tasks on a node: the BEAM's shapes.
    pub shapes: Shapes,
}

/// Everything one run measured: each strategy, in table order, and the shared reads against
/// the floor.
pub struct Measurements {
    /// Each of [`Strategy::ALL`], in that order.
    pub strategies: Vec<Measured>,
    /// Each of [`Strategy::NEAR_THE_FLOOR`] ÷ the floor, run in turns (`storm.rs`).
    pub floor: Vec<(Strategy, f64)>,
}

impl Measurements {
    /// What `strategy` measured.
    pub fn get(&self, strategy: Strategy) -> &Measured {
        self.strategies
            .iter()
            .find(|m| m.strategy == strategy)
            .expect("every strategy is measured")
    }

    /// `a ÷ b` on the prehashed storm.
    pub fn ratio(&self, a: Strategy, b: Strategy) -> f64 {
        nanos(self.get(a).prehashed.elapsed) / nanos(self.get(b).prehashed.elapsed)
    }

    /// `strategy ÷ raw` from the storms run in turns with the floor; NaN if it did not run so.
    pub fn over_the_floor(&self, strategy: Strategy) -> f64 {
        self.floor
            .iter()
            .find(|(s, _)| *s == strategy)
            .map_or(f64::NAN, |(_, ratio)| *ratio)
    }
}
