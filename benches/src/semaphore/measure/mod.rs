//! What the two scenarios measure, and the types every other file of the folder reads.
//!
//! **The model, twice.** Both scenarios run the lab's model (`semaphore_kit::model`) in virtual
//! time, once with the naive client and once with the reference semaphore in front of every
//! (session node, registry) pair: [`Story`] says which story (the stampede, or the outage), and
//! [`Timelines`] holds both runs.
//!
//! **Ways to limit concurrency, side by side: the cost of one enter-and-leave.** Discord rejected
//! a semaphore run by a process ("orders of magnitude slower": every acquire is a call to one
//! process, which becomes the bottleneck) and built theirs on an atomic counter in ETS. Here the
//! same choice in Rust, from the floor up ([`GateKind`]): the gates in memory ([`gates`]: a bare
//! `fetch_add` + `fetch_sub` pair, the lab's semaphore, `tokio::sync::Semaphore`, a
//! `Mutex<usize>`), timed from plain threads, and a semaphore that is a cluster process answering
//! calls ([`process`]), timed from caller processes on its node, as the BEAM times its GenServer
//! gate. The `stampede` scenario ([`time_gates`]) and the criterion and gungraun benches
//! (`semaphore`, `semaphore_instructions`) use these rigs.
//!
//! The folder's other files import this one (its children never do).

pub mod gates;
pub mod process;

use semaphore_kit::model::{Config, Run, simulate};
use semaphore_kit::naive::Unguarded;
use solution_semaphore::{Guarded, Semaphore};

pub use self::gates::{
    AtomicSemaphore, BareAtomic, Gate, GateKind, MutexCounter, TokioSemaphore, gate, gate_cycles,
    gates, per_op_ns,
};
pub use self::process::{GateMsg, ProcessSemaphore};
use crate::common::scenario::Progress;
use crate::common::stats::median;

/// Which story a run of the model tells: its scenario's name, and its model's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Story {
    /// Every session reconnects at once: the blog's stampede.
    Stampede,
    /// The registries stop for 30 s and come back.
    Outage,
}

impl Story {
    /// The scenario's name on the command line, in its results and in its plot's titles.
    pub const fn name(self) -> &'static str {
        match self {
            Story::Stampede => "stampede",
            Story::Outage => "outage",
        }
    }

    /// The model's configuration for `sessions` and `registries` (the rest as the story has it).
    pub fn config(self, sessions: usize, registries: usize) -> Config {
        match self {
            Story::Stampede => Config::stampede(sessions, registries),
            Story::Outage => Config::outage(sessions, registries),
        }
    }
}

/// The model run twice on one configuration: with the naive client and with the semaphore.
pub struct Timelines {
    /// Which story.
    pub story: Story,
    /// The configuration both ran.
    pub config: Config,
    /// Every session always calls.
    pub naive: Run,
    /// Sessions bail at the limit.
    pub guarded: Run,
}

impl Timelines {
    /// Both runs, by the key the results, the tables and the plots give them.
    pub fn runs(&self) -> [(&'static str, &Run); 2] {
        [("naive", &self.naive), ("semaphore", &self.guarded)]
    }

    /// When the registries came back (the outage's end), in seconds; `None` without an outage.
    pub fn outage_end_s(&self) -> Option<f64> {
        self.config
            .outage
            .map(|(start, length)| (start + length).as_secs_f64())
    }

    /// Seconds after the outage's end until `run`'s registry queue is back within the sum of the
    /// limits; `None` if it never is, or if there was no outage.
    pub fn drained_after_outage(&self, run: &Run) -> Option<f64> {
        let end = self.outage_end_s()?;
        let limit_sum = self.config.limit_sum();
        run.timeline
            .iter()
            .find(|t| t.t_s >= end && t.registry_queue <= limit_sum)
            .map(|t| t.t_s - end)
    }
}

/// Runs the model with the naive client, then with the guarded one: one progress step each.
pub fn both(story: Story, config: Config, progress: &Progress) -> Result<Timelines, String> {
    progress.step("naive: every session always calls");
    let naive = simulate(&config, Unguarded)?;
    progress.done();
    progress.step("semaphore: sessions bail at the limit");
    let guarded = simulate(
        &config,
        Guarded::<Semaphore>::new(config.nodes(), config.registries, config.limit),
    )?;
    progress.done();
    Ok(Timelines {
        story,
        config,
        naive,
        guarded,
    })
}

/// How many times the process gate is timed, alone and contended, the median kept: as many as
/// the BEAM side's trials of its GenServer gate.
pub const PROCESS_TRIALS: u64 = 5;

/// Calls per process-gate caller, over all its [`PROCESS_TRIALS`], when the in-memory gates do
/// `ops` cycles per thread: a call costs microseconds, so a tenth of the cycles says the same.
/// The BEAM side's GenServer gate does as many (`--genserver-ops`).
pub fn process_calls(ops: u64) -> u64 {
    (ops / 10).max(PROCESS_TRIALS * 100)
}

/// What one enter-and-leave cost through each gate, alone and with every core contending.
pub struct GateTimes {
    /// Threads contending (every core), and the process gate's callers at once.
    pub threads: usize,
    /// `(gate, ns alone, ns per op per thread contended)`, in [`GateKind::ALL`]'s order.
    pub ns: Vec<(GateKind, f64, f64)>,
    /// Calls per process-gate caller in each of its [`PROCESS_TRIALS`].
    pub process_calls_per_trial: u64,
}

impl GateTimes {
    /// Nanoseconds per enter-and-leave through `kind`, alone; NaN if it was not timed.
    pub fn alone(&self, kind: GateKind) -> f64 {
        self.find(kind).map_or(f64::NAN, |(_, alone, _)| alone)
    }

    /// Nanoseconds per enter-and-leave through `kind`, per thread, every core contending.
    pub fn contended(&self, kind: GateKind) -> f64 {
        self.find(kind)
            .map_or(f64::NAN, |(_, _, contended)| contended)
    }

    fn find(&self, kind: GateKind) -> Option<(GateKind, f64, f64)> {
        self.ns.iter().copied().find(|(k, _, _)| *k == kind)
    }
}

/// Times one enter-and-leave through every gate, alone and with every core contending: the
/// in-memory gates `ops` times per thread; the process gate from caller processes on its node
/// (one alone, one per worker thread at once), the median of [`PROCESS_TRIALS`] trials of
/// [`process_calls`]`(ops) / PROCESS_TRIALS` calls per caller.
pub fn time_gates(ops: u64) -> Result<GateTimes, String> {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut ns: Vec<(GateKind, f64, f64)> = gates()
        .iter()
        .map(|gate| {
            let time = |threads| per_op_ns(threads, ops, |n| gate_cycles(gate.as_ref(), n));
            (gate.kind(), time(1), time(threads))
        })
        .collect();
    let per_trial = process_calls(ops) / PROCESS_TRIALS;
    let process = ProcessSemaphore::new(1 << 20, threads)
        .map_err(|e| format!("could not start a cluster: {e}"))?;
    process.per_call_ns(threads, per_trial.min(10_000))?; // warm up
    let time = |callers| -> Result<f64, String> {
        let trials = (0..PROCESS_TRIALS)
            .map(|_| process.per_call_ns(callers, per_trial))
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(median(trials))
    };
    ns.push((GateKind::Process, time(1)?, time(threads)?));
    Ok(GateTimes {
        threads,
        ns,
        process_calls_per_trial: per_trial,
    })
}
