//! The call: a process asking a process on its own node, and waiting for the answer.
//!
//! A send only pushes; a call is the round trip most BEAM code is made of (`GenServer.call/3`):
//! register a reply slot, send the request, wait with a timeout, and the callee's reply wakes the
//! caller. [`ClusterCall`] times it the way the BEAM side times `GenServer.call`: the caller is a
//! process on the callee's node, never a foreign thread (a thread would add a crossing into the
//! runtime and back to every call), and it makes its calls one after the other.
//!
//! Beside the times, [`wakeups`] counts the context switches a batch of sends or calls causes
//! ([`switches`](super::switches)): a receiver that has to be woken costs a system call, and that
//! is where a send through a runtime loses to a bare channel.

use std::hint::black_box;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use cluster::{Cluster, DEFAULT_CALL_TIMEOUT, Pid, Process, Request, Transport};

use crate::send_cost::measure::channels::crossbeam;
use crate::send_cost::measure::processes::ClusterSend;
use crate::send_cost::measure::rigs::{PATIENCE, SendRig, Via};
use crate::send_cost::measure::{Spread, switches};

/// What a call asks: a number. What it answers: the number plus one.
pub type Echo = Request<u64, u64>;

/// A one-node cluster (one worker thread, as every send-cost cluster) with a process answering
/// calls, and a way to have another process on the same node call it.
pub struct ClusterCall {
    cluster: Cluster,
    server: Pid<Echo>,
}

impl ClusterCall {
    /// Starts the node and the process that answers.
    pub fn new() -> std::io::Result<Self> {
        let cluster = Cluster::builder().nodes(1).threads_per_node(1).build()?;
        // ANCHOR: server
        let server = cluster
            .node(0)
            .spawn(|mut inbox: Process<Echo>| async move {
                while let Some(request) = inbox.recv().await {
                    let answer = request.body.wrapping_add(1);
                    let _ = request.reply(inbox.node(), answer);
                }
            });
        // ANCHOR_END: server
        Ok(ClusterCall { cluster, server })
    }

    /// Has a new process on the node make `n` calls, one after the other; returns the time the
    /// caller spent, from its first request to its last reply.
    pub fn calls(&self, n: u64) -> Result<Duration, String> {
        let (report, spent) = std_mpsc::channel();
        let server = self.server;
        // ANCHOR: caller
        self.cluster
            .node(0)
            .spawn(move |caller: Process<()>| async move {
                let start = Instant::now();
                for ask in 0..n {
                    match caller.node().call(server, ask, DEFAULT_CALL_TIMEOUT).await {
                        Ok(answer) if answer == ask + 1 => black_box(answer),
                        other => {
                            let _ = report.send(Err(format!("call {ask} answered {other:?}")));
                            return;
                        }
                    };
                }
                let _ = report.send(Ok(start.elapsed()));
            });
        // ANCHOR_END: caller
        spent
            .recv_timeout(PATIENCE)
            .map_err(|_| format!("the caller did not finish {n} calls in {PATIENCE:?}"))?
    }
}

/// What the calls cost: time per call, and context switches per call.
#[derive(Clone, Copy, Debug)]
pub struct CallCost {
    /// ns per call, over the rounds.
    pub per_call: Spread,
    /// Context switches in the whole OS process per call (median over the rounds); `None` where
    /// the kernel does not count them.
    pub switches_per_call: Option<f64>,
}

/// Times `calls` calls, `rounds` times after a warm-up, counting context switches around each.
pub fn time_calls(calls: u64, rounds: usize) -> Result<CallCost, String> {
    let rig = ClusterCall::new().map_err(|e| format!("could not start a cluster: {e}"))?;
    rig.calls(calls.div_ceil(10))?; // warm up
    let (mut times, mut switched) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = switches::total();
        let spent = rig.calls(calls)?;
        let per_op = switches::per_op(before, switches::total(), calls);
        times.push(spent.as_nanos() as f64 / calls as f64);
        switched.extend(per_op);
    }
    Ok(CallCost {
        per_call: Spread::of(times),
        switches_per_call: (!switched.is_empty()).then(|| Spread::of(switched).median),
    })
}

/// The rigs whose wake-ups [`wakeups`] counts: the crossbeam channel (the floor), the cluster
/// send on the same node, and one to another node over each of `transports`.
pub fn wakeup_rigs(transports: &[Transport]) -> std::io::Result<Vec<Box<dyn SendRig>>> {
    let first = transports.first().copied().unwrap_or_default();
    let mut rigs: Vec<Box<dyn SendRig>> = vec![
        Box::new(crossbeam()),
        Box::new(ClusterSend::over(false, first)?),
    ];
    for &transport in transports {
        rigs.push(Box::new(ClusterSend::over(true, transport)?));
    }
    Ok(rigs)
}

/// Context switches per send through each rig, median of `rounds` batches of `sends` after a
/// warm-up. A batch counts until its receiver has every message, so the receiver's wake-ups are in.
pub fn wakeups(
    rigs: Vec<Box<dyn SendRig>>,
    sends: u64,
    rounds: usize,
) -> Result<Vec<(Via, Option<f64>)>, String> {
    let mut per_send = Vec::new();
    for mut rig in rigs {
        rig.send_batch(sends.div_ceil(10))?;
        let mut switched = Vec::new();
        for _ in 0..rounds {
            let before = switches::total();
            rig.send_batch(sends)?;
            switched.extend(switches::per_op(before, switches::total(), sends));
        }
        let median = (!switched.is_empty()).then(|| Spread::of(switched).median);
        per_send.push((rig.via(), median));
    }
    Ok(per_send)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_gets_its_answer_and_is_timed() {
        let rig = ClusterCall::new().unwrap();
        assert!(rig.calls(100).unwrap() > Duration::ZERO);
        let cost = time_calls(50, 3).unwrap();
        assert!(cost.per_call.median > 0.0);
        if cfg!(target_os = "linux") {
            assert!(cost.switches_per_call.is_some());
        }
    }
}
