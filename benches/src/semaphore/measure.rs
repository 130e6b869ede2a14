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
//! same choice in Rust, from the floor up ([`GateKind`]): a bare `fetch_add` + `fetch_sub` pair,
//! the lab's semaphore (a compare-exchange), `tokio::sync::Semaphore`, a `Mutex<usize>`, and a
//! semaphore that is a cluster process answering calls. The `stampede` scenario ([`time_gates`])
//! and the criterion and gungraun benches (`semaphore`, `semaphore_instructions`) use these rigs.
//!
//! This file imports no other file of the folder; they all import it.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cluster::{Cluster, Pid, Process, Request};
use semaphore_kit::model::{Config, Run, simulate};
use semaphore_kit::naive::Unguarded;
use solution_semaphore::{Guarded, Semaphore};

use crate::common::scenario::Progress;

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

/// A way of limiting concurrency, in table order. Its key (the results' `gate_ns.<key>` and the
/// benches' name) and its label (the table's) are stated here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateKind {
    /// [`BareAtomic`]: the floor, no limit at all.
    BareAtomicPair,
    /// [`AtomicSemaphore`]: the lab's reference semaphore.
    Semaphore,
    /// [`TokioSemaphore`].
    TokioSemaphore,
    /// [`MutexCounter`].
    MutexCounter,
    /// [`ProcessSemaphore`]: the design Discord rejected.
    Process,
}

impl GateKind {
    /// Every gate, in table order.
    pub const ALL: [GateKind; 5] = [
        GateKind::BareAtomicPair,
        GateKind::Semaphore,
        GateKind::TokioSemaphore,
        GateKind::MutexCounter,
        GateKind::Process,
    ];

    /// Its key in the results (`gate_ns.alone.<key>`) and the benches.
    pub const fn key(self) -> &'static str {
        match self {
            GateKind::BareAtomicPair => "bare_atomic_pair",
            GateKind::Semaphore => "semaphore",
            GateKind::TokioSemaphore => "tokio_semaphore",
            GateKind::MutexCounter => "mutex_counter",
            GateKind::Process => "process",
        }
    }

    /// Its name in the table (markdown).
    pub const fn label(self) -> &'static str {
        match self {
            GateKind::BareAtomicPair => "bare `fetch_add` + `fetch_sub` (the floor, no limit)",
            GateKind::Semaphore => "this semaphore: `try_acquire` + release",
            GateKind::TokioSemaphore => "`tokio::sync::Semaphore`: `try_acquire` + release",
            GateKind::MutexCounter => "a `Mutex<usize>` counter",
            GateKind::Process => "a semaphore run by a process (a call per acquire)",
        }
    }
}

/// Something that lets a caller in (or not) and out again, in this process.
pub trait Gate: Send + Sync {
    /// Which gate it is.
    fn kind(&self) -> GateKind;
    /// The key of the results (`gate_ns.<key>`).
    fn key(&self) -> &'static str {
        self.kind().key()
    }
    /// Enters and leaves once; false if refused.
    fn enter_leave(&self) -> bool;
}

/// The floor: a counter incremented and decremented, with no limit at all.
#[derive(Default)]
pub struct BareAtomic(AtomicUsize);

impl Gate for BareAtomic {
    fn kind(&self) -> GateKind {
        GateKind::BareAtomicPair
    }
    fn enter_leave(&self) -> bool {
        self.0.fetch_add(1, Ordering::Acquire);
        self.0.fetch_sub(1, Ordering::Release);
        true
    }
}

/// The lab's reference semaphore.
pub struct AtomicSemaphore(pub Semaphore);

impl Gate for AtomicSemaphore {
    fn kind(&self) -> GateKind {
        GateKind::Semaphore
    }
    fn enter_leave(&self) -> bool {
        black_box(self.0.try_acquire()).is_some()
    }
}

/// `tokio::sync::Semaphore::try_acquire`: a fair, queue-capable semaphore used without waiting.
pub struct TokioSemaphore(pub tokio::sync::Semaphore);

impl Gate for TokioSemaphore {
    fn kind(&self) -> GateKind {
        GateKind::TokioSemaphore
    }
    fn enter_leave(&self) -> bool {
        black_box(self.0.try_acquire()).is_ok()
    }
}

/// A counter behind a lock.
pub struct MutexCounter {
    count: Mutex<usize>,
    max: usize,
}

impl MutexCounter {
    /// A counter that admits `max` at once.
    pub fn new(max: usize) -> Self {
        MutexCounter {
            count: Mutex::new(0),
            max,
        }
    }
}

impl Gate for MutexCounter {
    fn kind(&self) -> GateKind {
        GateKind::MutexCounter
    }
    fn enter_leave(&self) -> bool {
        let mut count = self.count.lock().unwrap_or_else(|e| e.into_inner());
        if *count >= self.max {
            return false;
        }
        *count += 1;
        drop(count);
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        true
    }
}

/// What callers ask the semaphore process.
#[derive(serde::Serialize, serde::Deserialize)]
pub enum GateMsg {
    /// "May I?" answered with a bool.
    Acquire(Request<(), bool>),
    /// "I am done."
    Release,
}

impl From<Request<(), bool>> for GateMsg {
    fn from(request: Request<(), bool>) -> Self {
        GateMsg::Acquire(request)
    }
}

/// The design Discord rejected: one process owns the count; every acquire is a call to it.
pub struct ProcessSemaphore {
    cluster: Cluster,
    pid: Pid<GateMsg>,
}

impl ProcessSemaphore {
    /// A one-node cluster with `threads` worker threads and a semaphore process admitting `max`.
    pub fn new(max: usize, threads: usize) -> std::io::Result<Self> {
        let cluster = Cluster::builder()
            .nodes(1)
            .threads_per_node(threads)
            .build()?;
        let pid = cluster
            .node(0)
            .spawn(move |mut inbox: Process<GateMsg>| async move {
                let mut count = 0usize;
                while let Some(message) = inbox.recv().await {
                    match message {
                        GateMsg::Acquire(request) => {
                            let granted = count < max;
                            count += usize::from(granted);
                            let _ = request.reply(inbox.node(), granted);
                        }
                        GateMsg::Release => count = count.saturating_sub(1),
                    }
                }
            });
        Ok(ProcessSemaphore { cluster, pid })
    }

    /// Runs `ops` enter-and-leave cycles from the calling thread; returns how many got in.
    pub fn cycles(&self, ops: u64) -> u64 {
        let node = self.cluster.node(0);
        let pid = self.pid;
        self.cluster.block_on(async move {
            let mut granted = 0;
            for _ in 0..ops {
                let ok: bool = node
                    .call(pid, (), Duration::from_secs(5))
                    .await
                    .unwrap_or(false);
                if ok {
                    granted += 1;
                    let _ = node.send(pid, GateMsg::Release);
                }
            }
            granted
        })
    }
}

/// Nanoseconds per enter-and-leave, per thread, with `threads` threads doing `ops` each at once.
pub fn per_op_ns(threads: usize, ops: u64, cycles: impl Fn(u64) + Sync) -> f64 {
    let start = Instant::now();
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| cycles(ops));
        }
    });
    start.elapsed().as_nanos() as f64 / ops as f64
}

/// Runs `ops` cycles through `gate` (for [`per_op_ns`]).
pub fn gate_cycles(gate: &dyn Gate, ops: u64) {
    for _ in 0..ops {
        black_box(gate.enter_leave());
    }
}

/// Every in-process gate (all but the process), with room for every thread of this machine.
pub fn gates() -> Vec<Arc<dyn Gate>> {
    let max = 1 << 20;
    vec![
        Arc::new(BareAtomic::default()),
        Arc::new(AtomicSemaphore(Semaphore::new(max))),
        Arc::new(TokioSemaphore(tokio::sync::Semaphore::new(max))),
        Arc::new(MutexCounter::new(max)),
    ]
}

/// The in-process gate of `kind`, with room for every thread; `None` for the process, which is
/// not a [`Gate`] (its cycles are calls: [`ProcessSemaphore::cycles`]).
pub fn gate(kind: GateKind) -> Option<Arc<dyn Gate>> {
    gates().into_iter().find(|gate| gate.kind() == kind)
}

/// What one enter-and-leave cost through each gate, alone and with every core contending.
pub struct GateTimes {
    /// Threads contending (every core).
    pub threads: usize,
    /// `(gate, ns alone, ns per op per thread contended)`, in [`GateKind::ALL`]'s order.
    pub ns: Vec<(GateKind, f64, f64)>,
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

/// Times one enter-and-leave through every gate, `ops` times per thread, alone and with every
/// core contending.
pub fn time_gates(ops: u64) -> Result<GateTimes, String> {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut ns: Vec<(GateKind, f64, f64)> = gates()
        .iter()
        .map(|gate| {
            let time = |threads| per_op_ns(threads, ops, |n| gate_cycles(gate.as_ref(), n));
            (gate.kind(), time(1), time(threads))
        })
        .collect();
    // A call per acquire costs microseconds: a hundredth of the cycles says the same.
    let process_ops = (ops / 100).max(100);
    let process = ProcessSemaphore::new(1 << 20, threads)
        .map_err(|e| format!("could not start a cluster: {e}"))?;
    let time = |threads| {
        per_op_ns(threads, process_ops, |n| {
            black_box(process.cycles(n));
        })
    };
    ns.push((GateKind::Process, time(1), time(threads)));
    Ok(GateTimes { threads, ns })
}
