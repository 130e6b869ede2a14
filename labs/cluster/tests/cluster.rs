//! The cluster's promises, each checked the way a lab will lean on it.
//!
//! Every promise about links (order, counters, calls, drops, shutdown) is checked on both
//! transports: `memory::…` and `tcp::…` run the same function, see [`on_every_transport!`].

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cluster::watchdog::within;
use cluster::{
    CallError, Cluster, FRAME_HEADER_BYTES, Node, NodeId, Pid, Request, SendError, Transport, codec,
};

const LIMIT: Duration = Duration::from_secs(20);

/// Runs each named `fn(Transport)` as two tests: `memory::name` and `tcp::name`.
macro_rules! on_every_transport {
    ($($check:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $check() { super::$check(cluster::Transport::Memory) })*
        }
        mod tcp {
            $(#[test] fn $check() { super::$check(cluster::Transport::Tcp) })*
        }
    };
}

on_every_transport!(
    remote_sends_keep_per_pair_order_under_concurrent_senders,
    links_count_exact_messages_and_bytes,
    large_messages_cross_whole_and_in_order,
    calls_work_on_real_threads_across_nodes,
    a_timed_out_remote_call_is_still_served_and_counted_as_wasted,
    a_send_to_a_dead_remote_process_is_accepted_then_dropped_and_counted,
    dropping_the_cluster_stops_every_thread,
);

/// A cluster on real threads whose links use `transport`.
fn threads(transport: Transport, nodes: usize, threads_per_node: usize) -> Cluster {
    let cluster = Cluster::builder()
        .nodes(nodes)
        .threads_per_node(threads_per_node)
        .transport(transport)
        .build()
        .unwrap();
    assert_eq!(cluster.transport(), transport);
    cluster
}

/// Polls `done` until it holds, or fails with `stuck` after [`LIMIT`].
fn wait_until(stuck: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !done() {
        assert!(Instant::now() < deadline, "{stuck} (after {LIMIT:?})");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A message tagged with its sender and its place in that sender's sequence.
type Tagged = (u32, u64);

/// Spawns a receiver that expects `total` messages and reports, per sender, whether the sequence
/// numbers arrived in order.
fn order_checker(
    node: &Node,
    total: usize,
) -> (Pid<Tagged>, mpsc::Receiver<HashMap<u32, Vec<u64>>>) {
    let (report, reported) = mpsc::channel();
    let pid = node.spawn(move |mut inbox| async move {
        let mut seen: HashMap<u32, Vec<u64>> = HashMap::new();
        for _ in 0..total {
            let Some((sender, seq)) = inbox.recv().await else {
                return;
            };
            seen.entry(sender).or_default().push(seq);
        }
        report.send(seen).unwrap();
    });
    (pid, reported)
}

/// Starts `senders` processes on each node in `from`, each sending `per_sender` numbered messages
/// to `to` as fast as it can, all at once.
fn run_concurrent_senders(
    cluster: &Cluster,
    from: &[usize],
    to: usize,
    senders: u32,
    per_sender: u64,
) {
    let total = from.len() * senders as usize * per_sender as usize;
    let (target, reported) = order_checker(&cluster.node(to), total);
    let mut sender_id = 0;
    for &node in from {
        for _ in 0..senders {
            let me = sender_id;
            sender_id += 1;
            cluster
                .node(node)
                .spawn(move |inbox: cluster::Process<()>| async move {
                    for seq in 0..per_sender {
                        inbox.node().send(target, (me, seq)).unwrap();
                        if seq % 64 == 0 {
                            tokio::task::yield_now().await; // interleave with the other senders
                        }
                    }
                });
        }
    }
    let seen = within(
        LIMIT,
        "the receiver did not get every message: lost or stuck?",
        move || reported.recv().unwrap(),
    );
    assert_eq!(
        seen.len(),
        sender_id as usize,
        "messages from some senders are missing"
    );
    for (sender, seqs) in seen {
        let expected: Vec<u64> = (0..per_sender).collect();
        assert_eq!(
            seqs, expected,
            "sender {sender}'s messages arrived out of order or incomplete"
        );
    }
}

#[test]
fn local_sends_keep_per_pair_order_under_concurrent_senders() {
    let cluster = Cluster::builder()
        .nodes(1)
        .threads_per_node(2)
        .build()
        .unwrap();
    run_concurrent_senders(&cluster, &[0], 0, 8, 5_000);
}

fn remote_sends_keep_per_pair_order_under_concurrent_senders(transport: Transport) {
    let cluster = threads(transport, 3, 2);
    // Senders on two other nodes and on the receiver's own node, all interleaving.
    run_concurrent_senders(&cluster, &[0, 2, 1], 1, 4, 5_000);
}

fn links_count_exact_messages_and_bytes(transport: Transport) {
    let cluster = threads(transport, 3, 1);
    let (done, finished) = mpsc::channel();
    let receiver = cluster.node(1).spawn(move |mut inbox| async move {
        for _ in 0..100 {
            let _: Option<String> = inbox.recv().await;
        }
        done.send(()).unwrap();
    });
    let message = String::from("a presence update");
    let encoded_len = codec::encode(&message).unwrap().len() as u64;
    for _ in 0..100 {
        cluster.node(0).send(receiver, message.clone()).unwrap();
    }
    within(LIMIT, "remote messages were not delivered", move || {
        finished.recv().unwrap()
    });

    let stats = cluster.stats();
    let link = stats.link(NodeId(0), NodeId(1)).unwrap();
    assert_eq!(link.messages, 100);
    assert_eq!(link.bytes, 100 * (FRAME_HEADER_BYTES + encoded_len));
    assert_eq!(
        stats.cross_node_messages(),
        100,
        "no other link may carry anything"
    );
    assert_eq!(stats.links.len(), 6, "3 nodes have 6 ordered links");
    // A local send crosses no link.
    let local = cluster
        .node(1)
        .spawn(|_: cluster::Process<String>| async {});
    let _ = cluster.node(1).send(local, message);
    assert_eq!(cluster.stats().cross_node_messages(), 100);
}

fn large_messages_cross_whole_and_in_order(transport: Transport) {
    let cluster = threads(transport, 2, 1);
    // Larger than any buffer on the way, then small ones that must not overtake it.
    let sizes = [4 << 20, 0, 1, 70_000, 3];
    let (got_tx, got) = mpsc::channel();
    let receiver = cluster
        .node(1)
        .spawn(move |mut inbox: cluster::Process<Vec<u8>>| async move {
            while let Some(bytes) = inbox.recv().await {
                got_tx.send(bytes).unwrap();
            }
        });
    let messages: Vec<Vec<u8>> = sizes
        .iter()
        .map(|&size| (0..size).map(|i| (i % 251) as u8).collect())
        .collect();
    for message in &messages {
        cluster.node(0).send(receiver, message.clone()).unwrap();
    }
    for (i, sent) in messages.iter().enumerate() {
        let arrived = got
            .recv_timeout(LIMIT)
            .expect("a large message did not arrive");
        assert!(
            arrived == *sent,
            "message {i} arrived changed or out of order"
        );
    }
    let expected: u64 = messages
        .iter()
        .map(|m| FRAME_HEADER_BYTES + codec::encode(m).unwrap().len() as u64)
        .sum();
    assert_eq!(cluster.stats().cross_node_bytes(), expected);
}

/// A registry that takes `work` per request and records what it served and whether the reply
/// found its caller.
fn slow_echo(
    node: &Node,
    work: Duration,
    served: mpsc::Sender<(u64, bool)>,
) -> Pid<Request<u64, u64>> {
    node.spawn(
        move |mut inbox: cluster::Process<Request<u64, u64>>| async move {
            while let Some(request) = inbox.recv().await {
                tokio::time::sleep(work).await; // the work happens whether or not anyone still waits
                let value = request.body;
                let delivered = request.reply(inbox.node(), value * 2).is_ok();
                served.send((value, delivered)).unwrap();
            }
        },
    )
}

fn check_timed_out_call_is_still_served_in_virtual_time(caller_node: usize) {
    let cluster = Cluster::virtual_time(2).unwrap();
    let (served_tx, served) = mpsc::channel();
    let echo = slow_echo(&cluster.node(0), Duration::from_millis(100), served_tx);
    let caller = cluster.node(caller_node);
    let (fast, slow) = cluster.block_on(async move {
        let slow = caller.call(echo, 1, Duration::from_millis(30)).await;
        // Wait long enough for the abandoned request to be served, then call with patience.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let fast = caller.call(echo, 2, Duration::from_secs(1)).await;
        (fast, slow)
    });
    assert_eq!(slow, Err(CallError::Timeout));
    assert_eq!(fast, Ok(4));
    assert_eq!(
        served.try_iter().collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
    let stats = cluster.stats();
    assert_eq!(
        (stats.calls, stats.replies, stats.timeouts, stats.wasted),
        (2, 1, 1, 1)
    );
}

#[test]
fn a_timed_out_local_call_is_still_served_and_counted_as_wasted_in_virtual_time() {
    check_timed_out_call_is_still_served_in_virtual_time(0);
}

#[test]
fn a_timed_out_remote_call_is_still_served_and_counted_as_wasted_in_virtual_time() {
    check_timed_out_call_is_still_served_in_virtual_time(1);
}

/// The same story on real threads: request 1 times out and is still served (wasted), request 2
/// is answered. The registry works on request 1 until its caller has given up, however slow the
/// machine, so the outcome does not hang on timing.
fn a_timed_out_remote_call_is_still_served_and_counted_as_wasted(transport: Transport) {
    let cluster = threads(transport, 2, 1);
    let (served_tx, served) = mpsc::channel();
    let echo = cluster.node(0).spawn(
        move |mut inbox: cluster::Process<Request<u64, u64>>| async move {
            while let Some(request) = inbox.recv().await {
                let deadline = tokio::time::Instant::now() + LIMIT;
                while request.body == 1
                    && request.caller_waiting(inbox.node())
                    && tokio::time::Instant::now() < deadline
                {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                let value = request.body;
                let delivered = request.reply(inbox.node(), value * 2).is_ok();
                served_tx.send((value, delivered)).unwrap();
            }
        },
    );
    let caller = cluster.node(1);
    let (slow, fast) = cluster.block_on(async move {
        let slow = caller.call(echo, 1, Duration::from_millis(30)).await;
        let fast = caller.call(echo, 2, LIMIT).await;
        (slow, fast)
    });
    assert_eq!(slow, Err(CallError::Timeout));
    assert_eq!(fast, Ok(4));
    let served: Vec<_> = (0..2)
        .map(|_| served.recv_timeout(LIMIT).unwrap())
        .collect();
    assert_eq!(served, vec![(1, false), (2, true)]);
    // The wasted reply crossed the link before the answered one, so it has been counted.
    let stats = cluster.stats();
    assert_eq!(
        (stats.calls, stats.replies, stats.timeouts, stats.wasted),
        (2, 1, 1, 1)
    );
    let requests = stats.link(NodeId(1), NodeId(0)).unwrap();
    let replies = stats.link(NodeId(0), NodeId(1)).unwrap();
    assert_eq!(
        (requests.messages, replies.messages),
        (2, 2),
        "both replies cross the link, wanted or not"
    );
}

fn calls_work_on_real_threads_across_nodes(transport: Transport) {
    let cluster = threads(transport, 2, 1);
    let (served_tx, _served) = mpsc::channel();
    let echo = slow_echo(&cluster.node(1), Duration::ZERO, served_tx);
    let caller = cluster.node(0);
    let replies = cluster.block_on(async move {
        let mut replies = Vec::new();
        for i in 0..50 {
            replies.push(caller.call(echo, i, Duration::from_secs(5)).await.unwrap());
        }
        replies
    });
    assert_eq!(replies, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    let stats = cluster.stats();
    assert_eq!((stats.calls, stats.replies, stats.wasted), (50, 50, 0));
    let requests = stats.link(NodeId(0), NodeId(1)).unwrap();
    let answers = stats.link(NodeId(1), NodeId(0)).unwrap();
    assert_eq!((requests.messages, answers.messages), (50, 50));
    let reply_bytes: u64 = (0..50u64)
        .map(|i| FRAME_HEADER_BYTES + codec::encode(&(i * 2)).unwrap().len() as u64)
        .sum();
    assert_eq!(answers.bytes, reply_bytes);
}

#[test]
fn a_send_to_a_dead_local_process_is_an_error_and_counted() {
    let cluster = Cluster::builder().nodes(1).build().unwrap();
    let node = cluster.node(0);
    let (exited_tx, exited) = mpsc::channel();
    let pid =
        node.spawn(move |_: cluster::Process<u32>| async move { exited_tx.send(()).unwrap() });
    exited.recv().unwrap();
    // The task has returned; give the runtime a moment to drop its mailbox.
    let deadline = Instant::now() + LIMIT;
    let error = loop {
        match node.send(pid, 7) {
            Err(error) => break error,
            Ok(()) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(()) => panic!("a send to an exited process kept succeeding"),
        }
    };
    assert_eq!(
        error,
        SendError::Dead {
            node: NodeId(0),
            local: pid.local()
        }
    );
    assert!(cluster.stats().dropped >= 1);
}

fn a_send_to_a_dead_remote_process_is_accepted_then_dropped_and_counted(transport: Transport) {
    let cluster = threads(transport, 2, 1);
    let pid = cluster.node(1).spawn(|_: cluster::Process<u32>| async {});
    // Once the process is gone, a send from its own node fails (and counts as dropped).
    wait_until("the process never exited", || {
        cluster.node(1).send(pid, 0).is_err()
    });
    let before = cluster.stats();
    assert_eq!(
        cluster.node(0).send(pid, 7),
        Ok(()),
        "like the BEAM, a remote send does not report a dead receiver"
    );
    wait_until("the far node did not count the drop", || {
        cluster.stats().since(&before).dropped == 1
    });
    let link = cluster.stats().since(&before).link(NodeId(0), NodeId(1));
    assert_eq!(link.unwrap().messages, 1, "the message crossed the link");
}

#[test]
fn a_send_to_a_dead_remote_process_is_accepted_then_dropped_and_counted_in_virtual_time() {
    let cluster = Cluster::virtual_time(2).unwrap();
    let pid = cluster.node(1).spawn(|_: cluster::Process<u32>| async {});
    let sender = cluster.node(0);
    let result = cluster.block_on(async move {
        tokio::task::yield_now().await; // let the process exit
        let result = sender.send(pid, 7);
        tokio::time::sleep(Duration::from_millis(1)).await; // let the link deliver
        result
    });
    assert_eq!(
        result,
        Ok(()),
        "like the BEAM, a remote send does not report a dead receiver"
    );
    assert_eq!(cluster.stats().dropped, 1);
}

#[test]
fn a_send_to_a_node_that_does_not_exist_is_an_error() {
    let small = Cluster::builder().nodes(1).build().unwrap();
    let big = Cluster::builder().nodes(3).build().unwrap();
    let far = big.node(2).spawn(|_: cluster::Process<u32>| async {});
    assert_eq!(
        small.node(0).send(far, 1),
        Err(SendError::NoSuchNode(NodeId(2)))
    );
}

/// Names of this process's threads, from /proc (Linux).
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("this test reads /proc/self/task (Linux)")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

fn dropping_the_cluster_stops_every_thread(transport: Transport) {
    let cluster = threads(transport, 3, 2);
    let prefix = cluster.thread_name_prefix();
    let mine = || {
        thread_names()
            .into_iter()
            .filter(|name| name.starts_with(&prefix))
            .count()
    };
    // Give every node and every link some work so that everything is really up.
    let (done, finished) = mpsc::channel();
    for node in cluster.nodes() {
        let done = done.clone();
        let pid = node.spawn(move |mut inbox: cluster::Process<()>| async move {
            for _ in 0..2 {
                inbox.recv().await; // one message from each other node
            }
            done.send(()).unwrap()
        });
        for other in cluster.nodes().filter(|other| other.id() != node.id()) {
            other.send(pid, ()).unwrap();
        }
    }
    for _ in 0..3 {
        finished.recv_timeout(LIMIT).unwrap();
    }
    // A worker thread names itself once it runs; on a busy machine the last one may not have yet.
    let deadline = Instant::now() + LIMIT;
    while mine() < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(mine(), 6, "3 nodes × 2 worker threads");
    drop(cluster);
    assert_eq!(
        mine(),
        0,
        "threads left running after the cluster was dropped"
    );
}

#[test]
fn virtual_time_is_fast_and_repeatable() {
    fn run() -> (Vec<(u64, u32)>, Duration) {
        let cluster = Cluster::virtual_time(2).unwrap();
        let started = Instant::now();
        let (log_tx, log) = mpsc::channel();
        let sink = cluster
            .node(1)
            .spawn(move |mut inbox: cluster::Process<u32>| async move {
                let start = tokio::time::Instant::now();
                while let Some(value) = inbox.recv().await {
                    log_tx
                        .send((start.elapsed().as_millis() as u64, value))
                        .unwrap();
                }
            });
        for i in 0..20u32 {
            cluster
                .node(0)
                .spawn(move |inbox: cluster::Process<()>| async move {
                    // Twenty processes each wait a different number of virtual seconds.
                    tokio::time::sleep(Duration::from_secs(u64::from(i * 7 % 20))).await;
                    inbox.node().send(sink, i).unwrap();
                });
        }
        cluster.block_on(async { tokio::time::sleep(Duration::from_secs(120)).await });
        (log.try_iter().collect(), started.elapsed())
    }
    let (first, wall) = run();
    let (second, _) = run();
    assert_eq!(first.len(), 20);
    assert_eq!(
        first, second,
        "the same virtual-time run gave two different histories"
    );
    assert!(
        wall < Duration::from_secs(5),
        "120 virtual seconds took {wall:?} of wall time"
    );
}
