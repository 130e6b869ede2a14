//! Dropping a cluster closes its sockets.
//!
//! Alone in its own test binary on purpose: it counts every socket this test process has open
//! (Linux's /proc/self/fd), so no other test may open or close one meanwhile.

use std::sync::mpsc;
use std::time::Duration;

use cluster::{Cluster, Transport};

/// Sockets this process has open.
fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("this test reads /proc/self/fd (Linux)")
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

#[test]
fn dropping_a_cluster_closes_every_socket() {
    const NODES: usize = 4;
    // One connection per pair of nodes, two ends each: 6 connections, 12 sockets. No listener left.
    for (transport, expected) in [
        (Transport::Memory, 0),
        (Transport::Tcp, NODES * (NODES - 1)),
    ] {
        let before = sockets();
        let cluster = Cluster::builder()
            .nodes(NODES)
            .transport(transport)
            .build()
            .unwrap();
        assert_eq!(
            sockets() - before,
            expected,
            "{transport}: sockets open while the cluster runs"
        );
        // A message across every link, so every writer and reader is at work.
        let (done, finished) = mpsc::channel();
        for node in cluster.nodes() {
            let done = done.clone();
            let pid = node.spawn(move |mut inbox: cluster::Process<u8>| async move {
                for _ in 1..NODES {
                    inbox.recv().await;
                }
                done.send(()).unwrap();
            });
            for other in cluster.nodes().filter(|other| other.id() != node.id()) {
                other.send(pid, 1).unwrap();
            }
        }
        for _ in 0..NODES {
            finished
                .recv_timeout(Duration::from_secs(20))
                .expect("a message did not cross its link");
        }
        drop(cluster);
        assert_eq!(
            sockets(),
            before,
            "{transport}: sockets left open after the cluster was dropped"
        );
    }
}
