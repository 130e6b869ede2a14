//! The gates that live in this process's memory, from the floor up ([`GateKind`] names them all,
//! the process gate included): a bare `fetch_add` + `fetch_sub` pair, the lab's semaphore (a
//! compare-exchange), `tokio::sync::Semaphore` and a `Mutex<usize>`; and the rig that times them
//! from plain threads, which is what their callers are (no scheduler stands between a thread and
//! an atomic). The process gate is in [`super::process`]: its callers are processes.
//!
//! This file imports no other file of the folder.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use solution_semaphore::Semaphore;

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
    /// [`ProcessSemaphore`](super::ProcessSemaphore): the design Discord rejected.
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
/// not a [`Gate`] (its cycles are calls from processes: [`super::ProcessSemaphore`]).
pub fn gate(kind: GateKind) -> Option<Arc<dyn Gate>> {
    gates().into_iter().find(|gate| gate.kind() == kind)
}
