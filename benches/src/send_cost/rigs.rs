//! Rigs that time sends to a live receiver: the Rust counterparts of the blog's `send/2`.
//!
//! Each rig keeps a receiver running on another thread, draining as fast as it can, and times
//! only the sender's side: what the *sending* process pays, which is what the blog measured (30–70
//! µs of wall clock per `send/2` inside the guild process). After each timed batch the rig waits,
//! untimed, until the receiver has everything, so batches never pile up on each other.
//!
//! The scenario `send-cost` and the criterion bench `send_cost` use the same rigs, so the book's
//! table and `cargo bench` measure the same code.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc as std_mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use cluster::{Cluster, Pid, Process, Transport};
use tokio::runtime::Runtime;
use tokio::sync::mpsc as tokio_mpsc;

use crate::send_cost::event::Presence;

/// How long a rig waits for its receiver before calling the run broken.
const PATIENCE: Duration = Duration::from_secs(60);

/// Capacity of the bounded tokio channel: large enough that a draining receiver rarely makes the
/// sender wait, small enough to be a real bound.
pub const BOUNDED_CAPACITY: usize = 1024;

/// A sender with a live receiver, ready to time batches.
pub trait SendRig {
    /// The figure's key in the results (`per_send_ns.<key>`).
    fn key(&self) -> &'static str;
    /// Sends `n` events; returns the time the sender spent, once the receiver has them all.
    fn send_batch(&mut self, n: u64) -> Result<Duration, String>;
}

/// Every rig, in the order of the results table, with the cluster's links in memory.
pub fn all_rigs() -> std::io::Result<Vec<Box<dyn SendRig>>> {
    rigs_over(&[Transport::Memory])
}

/// Every rig, in the order of the results table: the channels, a cluster send on the same node,
/// then a cluster send to another node over each of `transports` (`cluster_remote` in memory,
/// `cluster_remote_tcp` over loopback TCP). The same-node send never crosses a link, so it runs
/// once, on the first transport's cluster.
pub fn rigs_over(transports: &[Transport]) -> std::io::Result<Vec<Box<dyn SendRig>>> {
    let first = transports.first().copied().unwrap_or_default();
    let mut rigs: Vec<Box<dyn SendRig>> = vec![
        Box::new(TokioUnbounded::new()?),
        Box::new(TokioBounded::new()?),
        Box::new(crossbeam()),
        Box::new(std_mpsc()),
        Box::new(ClusterSend::over(false, first)?),
    ];
    for &transport in transports {
        rigs.push(Box::new(ClusterSend::over(true, transport)?));
    }
    Ok(rigs)
}

/// The results key of a cluster rig: `cluster_local`, `cluster_remote` (links in memory) or
/// `cluster_remote_tcp`.
pub fn cluster_key(remote: bool, transport: Transport) -> &'static str {
    match (remote, transport) {
        (false, _) => "cluster_local",
        (true, Transport::Memory) => "cluster_remote",
        (true, Transport::Tcp) => "cluster_remote_tcp",
    }
}

/// Counts what a receiver has taken, so the rig can wait for it.
#[derive(Clone, Default)]
struct Received(Arc<AtomicU64>);

impl Received {
    /// The receiver's side: consume the event (so the optimizer cannot skip it) and count it.
    fn take(&self, event: Presence) {
        black_box(event);
        self.0.fetch_add(1, Relaxed);
    }

    fn wait_for(&self, total: u64, what: &str) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        while self.0.load(Relaxed) < total {
            if Instant::now() > deadline {
                let got = self.0.load(Relaxed);
                return Err(format!(
                    "{what}: the receiver got {got} of {total} messages in {PATIENCE:?}"
                ));
            }
            thread::yield_now();
        }
        Ok(())
    }
}

fn one_worker_runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
}

struct TokioUnbounded {
    /// Runs the receiver task; dropping it stops the receiver.
    _runtime: Runtime,
    tx: tokio_mpsc::UnboundedSender<Presence>,
    received: Received,
    sent: u64,
}

impl TokioUnbounded {
    fn new() -> std::io::Result<Self> {
        let runtime = one_worker_runtime()?;
        let (tx, mut rx) = tokio_mpsc::unbounded_channel();
        let received = Received::default();
        let counter = received.clone();
        runtime.spawn(async move {
            while let Some(event) = rx.recv().await {
                counter.take(event);
            }
        });
        Ok(TokioUnbounded {
            _runtime: runtime,
            tx,
            received,
            sent: 0,
        })
    }
}

impl SendRig for TokioUnbounded {
    fn key(&self) -> &'static str {
        "tokio_unbounded"
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let start = Instant::now();
        for seq in 0..n {
            self.tx
                .send(Presence::numbered(seq))
                .map_err(|_| "tokio receiver gone")?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }
}

struct TokioBounded {
    runtime: Runtime,
    tx: tokio_mpsc::Sender<Presence>,
    received: Received,
    sent: u64,
}

impl TokioBounded {
    fn new() -> std::io::Result<Self> {
        let runtime = one_worker_runtime()?;
        let (tx, mut rx) = tokio_mpsc::channel(BOUNDED_CAPACITY);
        let received = Received::default();
        let counter = received.clone();
        runtime.spawn(async move {
            while let Some(event) = rx.recv().await {
                counter.take(event);
            }
        });
        Ok(TokioBounded {
            runtime,
            tx,
            received,
            sent: 0,
        })
    }
}

impl SendRig for TokioBounded {
    fn key(&self) -> &'static str {
        "tokio_bounded"
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let tx = self.tx.clone();
        // The sender is an async task, as it would be in a tokio program; `send` waits when full.
        let spent = self.runtime.block_on(async move {
            let start = Instant::now();
            for seq in 0..n {
                tx.send(Presence::numbered(seq))
                    .await
                    .map_err(|_| "tokio receiver gone")?;
            }
            Ok::<_, String>(start.elapsed())
        })?;
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }
}

/// A receiver on a plain thread, for the two thread-based channels.
struct ThreadRig<S> {
    key: &'static str,
    tx: Option<S>,
    send: fn(&S, Presence) -> Result<(), ()>,
    receiver: Option<JoinHandle<()>>,
    received: Received,
    sent: u64,
}

impl<S> SendRig for ThreadRig<S> {
    fn key(&self) -> &'static str {
        self.key
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let tx = self
            .tx
            .as_ref()
            .expect("a rig's sender lives as long as the rig");
        let start = Instant::now();
        for seq in 0..n {
            (self.send)(tx, Presence::numbered(seq))
                .map_err(|_| format!("{} receiver gone", self.key))?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, self.key)?;
        Ok(spent)
    }
}

impl<S> Drop for ThreadRig<S> {
    fn drop(&mut self) {
        drop(self.tx.take()); // closes the channel: the receiver's loop ends
        if let Some(receiver) = self.receiver.take() {
            let _ = receiver.join();
        }
    }
}

impl<S> ThreadRig<S> {
    /// Starts a receiver thread draining `rx` and returns the rig that sends through `tx`.
    fn start<R>(key: &'static str, tx: S, rx: R, send: fn(&S, Presence) -> Result<(), ()>) -> Self
    where
        R: IntoIterator<Item = Presence> + Send + 'static,
    {
        let received = Received::default();
        let counter = received.clone();
        let receiver = thread::spawn(move || {
            for event in rx {
                counter.take(event);
            }
        });
        ThreadRig {
            key,
            tx: Some(tx),
            send,
            receiver: Some(receiver),
            received,
            sent: 0,
        }
    }
}

/// The `crossbeam-channel` unbounded channel.
fn crossbeam() -> ThreadRig<crossbeam_channel::Sender<Presence>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    ThreadRig::start("crossbeam", tx, rx, |tx, event| {
        tx.send(event).map_err(drop)
    })
}

/// The standard library's `mpsc::channel`.
fn std_mpsc() -> ThreadRig<std_mpsc::Sender<Presence>> {
    let (tx, rx) = std_mpsc::channel();
    ThreadRig::start("std_mpsc", tx, rx, |tx, event| tx.send(event).map_err(drop))
}

/// A cluster send: to a process on the sender's node, or across a link to another node.
pub struct ClusterSend {
    cluster: Cluster,
    target: Pid<Presence>,
    received: Received,
    sent: u64,
    key: &'static str,
}

impl ClusterSend {
    /// A two-node cluster with a receiving process on node 0 (`remote == false`) or node 1; the
    /// sender uses node 0's handle. Links in memory.
    pub fn new(remote: bool) -> std::io::Result<Self> {
        ClusterSend::over(remote, Transport::Memory)
    }

    /// [`ClusterSend::new`] on a cluster whose links use `transport`.
    pub fn over(remote: bool, transport: Transport) -> std::io::Result<Self> {
        let cluster = Cluster::builder()
            .nodes(2)
            .threads_per_node(1)
            .transport(transport)
            .build()?;
        let received = Received::default();
        let counter = received.clone();
        let home = cluster.node(usize::from(remote));
        let target = home.spawn(move |mut inbox: Process<Presence>| async move {
            while let Some(event) = inbox.recv().await {
                counter.take(event);
            }
        });
        Ok(ClusterSend {
            cluster,
            target,
            received,
            sent: 0,
            key: cluster_key(remote, transport),
        })
    }

    /// Sends `n` events without timing or waiting (for instruction counts).
    pub fn send_only(&self, n: u64) {
        let sender = self.cluster.node(0);
        for seq in 0..n {
            sender
                .send(self.target, Presence::numbered(seq))
                .expect("the receiver is alive");
        }
    }
}

impl SendRig for ClusterSend {
    fn key(&self) -> &'static str {
        self.key
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let sender = self.cluster.node(0);
        let start = Instant::now();
        for seq in 0..n {
            sender
                .send(self.target, Presence::numbered(seq))
                .map_err(|e| e.to_string())?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }
}

/// One guild process sending one event to each of its members, one send per member: the blog's
/// "before", on the cluster.
pub struct OneByOne {
    cluster: Cluster,
    guild: Pid<u64>,
    guild_times: std_mpsc::Receiver<Duration>,
    received: Received,
    members: u64,
    published: u64,
    key: &'static str,
}

impl OneByOne {
    /// A guild on node 0 with `members` member processes on node 0 (`remote == false`) or node 1.
    /// Links in memory.
    pub fn new(members: usize, remote: bool) -> std::io::Result<Self> {
        OneByOne::over(members, remote, Transport::Memory)
    }

    /// [`OneByOne::new`] on a cluster whose links use `transport`.
    pub fn over(members: usize, remote: bool, transport: Transport) -> std::io::Result<Self> {
        let cluster = Cluster::builder()
            .nodes(2)
            .threads_per_node(1)
            .transport(transport)
            .build()?;
        let received = Received::default();
        let home = cluster.node(usize::from(remote));
        let member_pids: Vec<Pid<Presence>> = (0..members)
            .map(|_| {
                let counter = received.clone();
                home.spawn(move |mut inbox: Process<Presence>| async move {
                    while let Some(event) = inbox.recv().await {
                        counter.take(event);
                    }
                })
            })
            .collect();
        let (report, guild_times) = std_mpsc::channel();
        // ANCHOR: one_by_one
        let guild = cluster
            .node(0)
            .spawn(move |mut inbox: Process<u64>| async move {
                while let Some(seq) = inbox.recv().await {
                    let start = Instant::now();
                    for &member in &member_pids {
                        let _ = inbox.node().send(member, Presence::numbered(seq));
                    }
                    let _ = report.send(start.elapsed());
                }
            });
        // ANCHOR_END: one_by_one
        Ok(OneByOne {
            cluster,
            guild,
            guild_times,
            received,
            members: members as u64,
            published: 0,
            key: cluster_key(remote, transport),
        })
    }

    /// Its results key (`one_by_one_30k_ns.<key>`): as [`cluster_key`].
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Publishes one event. Returns the time spent inside the guild process, and the time from the
    /// publish request until the last member had the event.
    pub fn publish(&mut self) -> Result<(Duration, Duration), String> {
        let what = self.key;
        let start = Instant::now();
        self.cluster
            .node(0)
            .send(self.guild, self.published)
            .map_err(|e| e.to_string())?;
        self.published += 1;
        self.received
            .wait_for(self.published * self.members, what)?;
        let delivered = start.elapsed();
        let in_guild = self
            .guild_times
            .recv_timeout(PATIENCE)
            .map_err(|_| format!("{what}: the guild never reported its publish time"))?;
        Ok((in_guild, delivered))
    }
}
