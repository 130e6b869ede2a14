//! The design Discord rejected: a semaphore run by a process, and its callers.
//!
//! One process owns the count; every acquire is a call to it (a send, a wake-up of the gate, a
//! reply, a wake-up of the caller), every release a send. On the BEAM its callers are processes
//! on the VM, so here they are too: [`ProcessSemaphore::per_call_ns`] spawns the callers as
//! processes on the gate's node, on the same runtime threads as the gate, released together,
//! each timing its own calls, as `beam/run semaphore` times its GenServer gate (the calling
//! process alone; one process per scheduler at once). A caller on a foreign thread (through
//! [`Cluster::block_on`]) would cross threads and park twice per call, and time the rig rather
//! than the gate; only the instruction bench does that ([`ProcessSemaphore::cycles`]), because
//! callgrind counts the one thread that calls.
//!
//! This file imports no other file of the folder.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cluster::{Cluster, DEFAULT_CALL_TIMEOUT, Node, Pid, Process, Request};
use tokio::sync::Barrier;

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
    /// A one-node cluster with `threads` worker threads (a BEAM with that many schedulers) and a
    /// semaphore process on it admitting `max`.
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

    /// Runs `ops` enter-and-leave cycles from the calling thread, a thread foreign to the node,
    /// through [`Cluster::block_on`]; returns how many got in. For the instruction bench only,
    /// which counts the calling thread; never for timing (see the module's docs).
    pub fn cycles(&self, ops: u64) -> u64 {
        let node = self.cluster.node(0);
        let pid = self.pid;
        self.cluster
            .block_on(async move { calls(&node, pid, ops).await })
    }

    /// Nanoseconds per enter-and-leave as each of `callers` processes on the gate's node sees
    /// it, all released together, each doing `ops` calls (with the GenServer default timeout,
    /// 5 s): the mean over the callers of their elapsed time ÷ their calls, as the BEAM side
    /// reports its GenServer gate. `callers` = 1 is the gate alone. Errs if an acquire was
    /// refused (the gate admits far more than `callers`) or the callers did not finish in time.
    pub fn per_call_ns(&self, callers: usize, ops: u64) -> Result<f64, String> {
        let node = self.cluster.node(0);
        let start = Arc::new(Barrier::new(callers));
        let (done, finished) = mpsc::channel();
        for _ in 0..callers {
            let (start, done, gate) = (Arc::clone(&start), done.clone(), self.pid);
            node.spawn(move |caller: Process<()>| async move {
                start.wait().await;
                let t0 = Instant::now();
                let granted = calls(caller.node(), gate, ops).await;
                let _ = done.send((t0.elapsed(), granted));
            });
        }
        // Generous: a call takes microseconds; only a stuck gate takes this long.
        let limit = Duration::from_secs(60) + Duration::from_micros(100 * ops);
        let mut per_op = Vec::with_capacity(callers);
        for _ in 0..callers {
            let (elapsed, granted) = finished.recv_timeout(limit).map_err(|_| {
                format!(
                    "the process gate's {callers} callers did not finish {ops} calls in {limit:?}"
                )
            })?;
            if granted != ops {
                return Err(format!(
                    "the process gate refused {} of {ops} acquires",
                    ops - granted
                ));
            }
            per_op.push(elapsed.as_nanos() as f64 / ops as f64);
        }
        Ok(per_op.iter().sum::<f64>() / per_op.len() as f64)
    }
}

/// `ops` acquire-and-release cycles through the gate `gate` from a process of `node` (or a
/// thread driving it); how many got in.
async fn calls(node: &Node, gate: Pid<GateMsg>, ops: u64) -> u64 {
    let mut granted = 0;
    for _ in 0..ops {
        let ok: bool = node
            .call(gate, (), DEFAULT_CALL_TIMEOUT)
            .await
            .unwrap_or(false);
        if ok {
            granted += 1;
            let _ = node.send(gate, GateMsg::Release);
        }
    }
    granted
}
