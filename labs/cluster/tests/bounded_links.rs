//! Bounded links: a burst of remote sends over a small bound waits for the link (counted), and
//! every message still arrives, in order; an unbounded link never makes a sender wait.
//!
//! Each test makes the link's drainer unable to keep up on purpose, so the bound is reached on
//! every run, not only when the scheduler happens to let the sender run ahead:
//!
//! - a plain thread sends while the nodes' only worker threads sleep (the drainers cannot run);
//! - a process sends without ever yielding, on the node whose one worker also runs the TCP writer.

use std::sync::mpsc;
use std::time::Duration;

use cluster::{Cluster, LinkBound, LinkStats, NodeId, Pid, Process, SendError, Transport};

/// A message with some weight: its sequence number and 100 bytes.
type Numbered = (u64, Vec<u8>);

const BURST: u64 = 2_000;
/// About ten of the burst's frames (each ~110 bytes on the link).
const SMALL: LinkBound = LinkBound::Bytes(1024);

fn cluster(transport: Transport, bound: LinkBound) -> Cluster {
    Cluster::builder()
        .nodes(2)
        .threads_per_node(1)
        .transport(transport)
        .link_bound(bound)
        .build()
        .unwrap()
}

/// A process on node 1 that expects `0..BURST` in order and reports what it saw out of order.
fn receiver(cluster: &Cluster) -> (Pid<Numbered>, mpsc::Receiver<Vec<u64>>) {
    let (report, reported) = mpsc::channel();
    let pid = cluster
        .node(1)
        .spawn(move |mut inbox: Process<Numbered>| async move {
            let mut out_of_order = Vec::new();
            for expected in 0..BURST {
                let (seq, _) = inbox.recv().await.unwrap();
                if seq != expected {
                    out_of_order.push(seq);
                }
            }
            report.send(out_of_order).unwrap();
        });
    (pid, reported)
}

fn numbered(seq: u64) -> Numbered {
    (seq, vec![7; 100])
}

/// Waits for the receiver's report, checks it saw the whole burst in order, and returns the
/// counters of the link it came over.
fn all_in_order(cluster: &Cluster, reported: mpsc::Receiver<Vec<u64>>) -> LinkStats {
    let out_of_order = reported
        .recv_timeout(Duration::from_secs(30))
        .expect("the receiver did not get the whole burst");
    assert!(out_of_order.is_empty(), "out of order: {out_of_order:?}");
    let link = cluster.stats().link(NodeId(0), NodeId(1)).unwrap();
    assert_eq!(link.messages, BURST);
    link
}

/// Puts every node's only worker to sleep for a while, so that no link drains meanwhile; returns
/// once they all sleep.
fn stall_every_node(cluster: &Cluster, for_how_long: Duration) {
    let (asleep, sleeping) = mpsc::channel();
    for node in cluster.nodes() {
        let asleep = asleep.clone();
        node.runtime().spawn(async move {
            asleep.send(()).unwrap();
            std::thread::sleep(for_how_long); // blocks the worker on purpose
        });
    }
    for _ in 0..cluster.len() {
        sleeping.recv().unwrap();
    }
}

/// A plain thread's burst while the links cannot drain.
fn burst_from_a_thread(transport: Transport, bound: LinkBound) -> LinkStats {
    let cluster = cluster(transport, bound);
    let (pid, reported) = receiver(&cluster);
    stall_every_node(&cluster, Duration::from_millis(100));
    let sender = cluster.node(0);
    for seq in 0..BURST {
        sender.send(pid, numbered(seq)).unwrap();
    }
    all_in_order(&cluster, reported)
}

/// A process's burst on node 0, which never yields between sends (`send_async` only awaits when
/// the link is busy): over TCP, the link's writer shares the process's one worker thread.
fn burst_from_a_process(transport: Transport, bound: LinkBound, suspend_task: bool) -> LinkStats {
    let cluster = cluster(transport, bound);
    let (pid, reported) = receiver(&cluster);
    cluster.node(0).spawn(move |me: Process<()>| async move {
        for seq in 0..BURST {
            if suspend_task {
                me.node().send_async(pid, numbered(seq)).await.unwrap();
            } else {
                me.node().send(pid, numbered(seq)).unwrap();
            }
        }
    });
    all_in_order(&cluster, reported)
}

#[test]
fn a_thread_bursting_over_a_small_bound_waits_and_everything_arrives_in_order() {
    for transport in Transport::ALL {
        let link = burst_from_a_thread(transport, SMALL);
        assert!(link.suspensions > 0, "{transport}: {link:?}");
        // The sender waited for the sleeping drainer: a good part of its 100 ms nap.
        assert!(
            link.suspended_ns > 10_000_000,
            "{transport}: waited only {} ns",
            link.suspended_ns
        );
    }
}

#[test]
fn a_process_bursting_over_tcp_is_suspended_and_its_writer_still_runs() {
    // Async: the task is suspended. Sync: its thread blocks, and the worker's other tasks (the
    // link's writer among them) move to another thread. Either way no deadlock, all in order.
    for suspend_task in [true, false] {
        let link = burst_from_a_process(Transport::Tcp, SMALL, suspend_task);
        assert!(link.suspensions > 0, "send_async: {suspend_task}, {link:?}");
    }
}

#[test]
fn an_unbounded_link_never_makes_a_sender_wait() {
    for transport in Transport::ALL {
        let from_thread = burst_from_a_thread(transport, LinkBound::Unbounded);
        let from_process = burst_from_a_process(transport, LinkBound::Unbounded, true);
        for link in [from_thread, from_process] {
            assert_eq!((link.suspensions, link.suspended_ns), (0, 0), "{transport}");
        }
    }
}

#[test]
fn a_bound_the_burst_never_reaches_never_makes_a_sender_wait() {
    // 2,000 frames of ~110 bytes: about 220 KB in all, under the BEAM's 1 MiB.
    let link = burst_from_a_thread(Transport::Memory, LinkBound::BEAM_DEFAULT);
    assert_eq!(link.suspensions, 0, "{link:?}");
    assert!(link.bytes < 1 << 20);
}

#[test]
fn a_sender_waiting_on_a_full_link_is_released_when_the_cluster_shuts_down() {
    for transport in Transport::ALL {
        let cluster = cluster(transport, SMALL);
        let (pid, _reported) = receiver(&cluster);
        stall_every_node(&cluster, Duration::from_millis(300));
        let sender = cluster.node(0);
        let (outcome, sent) = mpsc::channel();
        std::thread::spawn(move || {
            let first_error = (0..1_000_000).find_map(|seq| sender.send(pid, numbered(seq)).err());
            outcome.send(first_error).unwrap();
        });
        // The burst fills the link in far less than the nodes' 300 ms nap; the sender then waits.
        std::thread::sleep(Duration::from_millis(50));
        assert!(cluster.stats().link(NodeId(0), NodeId(1)).unwrap().messages < 1_000_000);
        drop(cluster);
        let error = sent
            .recv_timeout(Duration::from_secs(20))
            .expect("the waiting sender was never released");
        assert_eq!(error, Some(SendError::Shutdown), "{transport}");
    }
}
