//! Ways to limit concurrency, side by side: the cost of one enter-and-leave.
//!
//! Discord rejected a semaphore run by a process ("orders of magnitude slower": every acquire is
//! a call to one process, which becomes the bottleneck) and built theirs on an atomic counter in
//! ETS. Here the same choice in Rust, from the floor up: a bare `fetch_add` + `fetch_sub` pair,
//! the lab's semaphore (a compare-exchange), `tokio::sync::Semaphore`, a `Mutex<usize>`, and a
//! semaphore that is a cluster process answering calls. The `stampede` scenario and the criterion
//! bench `semaphore` use these rigs.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cluster::{Cluster, Pid, Process, Request};
use solution_semaphore::Semaphore;

/// Something that lets a caller in (or not) and out again.
pub trait Gate: Send + Sync {
    /// The key of the results (`gate_ns.<key>`).
    fn key(&self) -> &'static str;
    /// Enters and leaves once; false if refused.
    fn enter_leave(&self) -> bool;
}

/// The floor: a counter incremented and decremented, with no limit at all.
#[derive(Default)]
pub struct BareAtomic(AtomicUsize);

impl Gate for BareAtomic {
    fn key(&self) -> &'static str {
        "bare_atomic_pair"
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
    fn key(&self) -> &'static str {
        "semaphore"
    }
    fn enter_leave(&self) -> bool {
        black_box(self.0.try_acquire()).is_some()
    }
}

/// `tokio::sync::Semaphore::try_acquire`: a fair, queue-capable semaphore used without waiting.
pub struct TokioSemaphore(pub tokio::sync::Semaphore);

impl Gate for TokioSemaphore {
    fn key(&self) -> &'static str {
        "tokio_semaphore"
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
    fn key(&self) -> &'static str {
        "mutex_counter"
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

/// Every in-process gate, with room for every thread of this machine.
pub fn gates() -> Vec<Arc<dyn Gate>> {
    let max = 1 << 20;
    vec![
        Arc::new(BareAtomic::default()),
        Arc::new(AtomicSemaphore(Semaphore::new(max))),
        Arc::new(TokioSemaphore(tokio::sync::Semaphore::new(max))),
        Arc::new(MutexCounter::new(max)),
    ]
}
