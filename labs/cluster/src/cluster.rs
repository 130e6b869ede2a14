//! A cluster: N nodes, each on its own runtime, joined by links.
//!
//! Two ways to run one:
//!
//! - **Threads** ([`Cluster::builder`]): each node gets its own multi-thread tokio runtime with its
//!   own worker threads, like a BEAM node with its schedulers. Benches and the wall-clock scenarios
//!   use this.
//! - **Virtual time** ([`Cluster::virtual_time`]): every node shares one current-thread runtime whose
//!   clock is paused. Time only moves when every task is waiting, and then jumps straight to the
//!   next timer, so a two-minute stampede runs in seconds, and runs the same way every time.
//!   Processes only run while [`Cluster::block_on`] drives the runtime; computation takes no
//!   virtual time (model work with `tokio::time::sleep`); and a blocking call
//!   (`std::thread::sleep`, a blocking channel receive) freezes the whole virtual cluster.
//!
//! And two ways for frames to cross between nodes, the [`Transport`]: in memory (the default), or
//! over loopback TCP like distributed Erlang ([`ClusterBuilder::transport`], [`crate::tcp`]). TCP
//! needs real threads: the paused clock would jump ahead while bytes are in the kernel.
//!
//! Links are unbounded by default; [`ClusterBuilder::link_bound`] makes a remote sender wait while
//! its link holds too many bytes, as the BEAM's `busy_dist_port` ([`crate::busy`]).
//!
//! Dropping a cluster shuts every runtime down and joins their threads, which also closes every
//! socket. Drop it outside any async context (tokio forbids dropping a runtime from inside one).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

use crate::busy::LinkBound;
use crate::link::Transport;
use crate::node::Node;
use crate::stats::ClusterStats;
use crate::world::{World, node_id};

static NEXT_CLUSTER: AtomicU32 = AtomicU32::new(0);

/// A running cluster. Get [`Node`] handles from it to spawn processes and send.
pub struct Cluster {
    id: u32,
    world: Arc<World>,
    runtimes: Vec<Runtime>,
    transport: Transport,
    link_bound: LinkBound,
}

/// Settings for a cluster: how many nodes, on what threads, over which transport.
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    nodes: usize,
    threads_per_node: usize,
    transport: Transport,
    link_bound: LinkBound,
    virtual_time: bool,
}

impl ClusterBuilder {
    /// How many nodes (default 2).
    pub fn nodes(mut self, nodes: usize) -> Self {
        self.nodes = nodes;
        self
    }

    /// Worker threads per node (default 1: every node of this cluster shares this machine's cores).
    /// Ignored in virtual time.
    pub fn threads_per_node(mut self, threads: usize) -> Self {
        self.threads_per_node = threads;
        self
    }

    // ANCHOR: transport
    /// How frames cross between nodes (default [`Transport::Memory`]).
    ///
    /// With [`Transport::Tcp`] every pair of nodes is joined by a loopback TCP connection, as
    /// distributed Erlang joins its nodes; the frames, their order and the link counters are the
    /// same as in memory, so figures compare like for like. TCP needs real threads: asked for
    /// together with [`ClusterBuilder::virtual_time`], [`ClusterBuilder::build`] returns an error.
    ///
    /// ```
    /// use cluster::{Cluster, Transport};
    ///
    /// let transport: Transport = "tcp".parse().unwrap(); // e.g. from `--set transport=tcp`
    /// let cluster = Cluster::builder().nodes(3).transport(transport).build().unwrap();
    /// assert_eq!(cluster.transport(), Transport::Tcp);
    /// ```
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }
    // ANCHOR_END: transport

    // ANCHOR: link_bound
    /// How many bytes each link may hold before a remote sender waits (default
    /// [`LinkBound::Unbounded`]: never). [`LinkBound::BEAM_DEFAULT`] is the BEAM's 1 MiB.
    ///
    /// On a busy bounded link, [`Node::send`](crate::Node::send) blocks its thread and
    /// [`Node::send_async`](crate::Node::send_async) suspends its task, until the link drains
    /// to the bound ([`crate::busy`]). A bounded link needs real threads: asked for together with
    /// [`ClusterBuilder::virtual_time`], [`ClusterBuilder::build`] returns an error.
    ///
    /// ```
    /// use cluster::{Cluster, LinkBound};
    ///
    /// let cluster = Cluster::builder().link_bound(LinkBound::BEAM_DEFAULT).build().unwrap();
    /// assert_eq!(cluster.link_bound(), LinkBound::Bytes(1 << 20));
    /// ```
    pub fn link_bound(mut self, bound: LinkBound) -> Self {
        self.link_bound = bound;
        self
    }
    // ANCHOR_END: link_bound

    /// Run every node on one paused-clock, current-thread runtime instead of real threads (see
    /// [`Cluster::virtual_time`]). In-memory transport only.
    pub fn virtual_time(mut self) -> Self {
        self.virtual_time = true;
        self
    }

    /// Starts the nodes and their links.
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] for a cluster without nodes, a node without
    /// threads, TCP or a bounded link in virtual time; and with the socket's error if a TCP link cannot connect.
    pub fn build(self) -> io::Result<Cluster> {
        check_size(self.nodes)?;
        if self.virtual_time {
            return self.build_virtual();
        }
        if self.threads_per_node == 0 {
            return Err(invalid("a node needs at least one thread"));
        }
        let id = NEXT_CLUSTER.fetch_add(1, Relaxed);
        let runtimes = (0..self.nodes)
            .map(|node| {
                let mut runtime = Builder::new_multi_thread();
                runtime
                    .worker_threads(self.threads_per_node)
                    .thread_name(thread_name(id, node))
                    .enable_time();
                if self.transport == Transport::Tcp {
                    runtime.enable_io(); // the node's runtime polls its sockets
                }
                runtime.build()
            })
            .collect::<io::Result<Vec<_>>>()?;
        let handles = runtimes.iter().map(|rt| rt.handle().clone()).collect();
        let world = World::start(handles, self.transport, self.link_bound)?;
        Ok(Cluster {
            id,
            world,
            runtimes,
            transport: self.transport,
            link_bound: self.link_bound,
        })
    }

    fn build_virtual(self) -> io::Result<Cluster> {
        if self.transport != Transport::Memory {
            // Under a paused clock tokio jumps to the next timer as soon as no task can run, even
            // while bytes are still on their way through the kernel: a call would time out before
            // its reply could arrive. A deterministic run needs links that live in the runtime.
            return Err(invalid(
                "virtual time needs the memory transport: with a paused clock, timers would fire \
                 while TCP bytes are still in flight (use real threads for TCP)",
            ));
        }
        if self.link_bound != LinkBound::Unbounded {
            // A sender blocked on a full link would hold the one thread the link's reader needs.
            return Err(invalid(
                "virtual time needs unbounded links: a sender waiting on a full link would block \
                 the one thread that drains it (use real threads for a bounded link)",
            ));
        }
        let runtime = Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()?;
        let world = World::start(
            vec![runtime.handle().clone(); self.nodes],
            Transport::Memory,
            LinkBound::Unbounded,
        )?;
        let id = NEXT_CLUSTER.fetch_add(1, Relaxed);
        Ok(Cluster {
            id,
            world,
            runtimes: vec![runtime],
            transport: Transport::Memory,
            link_bound: LinkBound::Unbounded,
        })
    }
}

impl Cluster {
    /// Settings for a cluster: by default 2 nodes, 1 worker thread each, links in memory.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder {
            nodes: 2,
            threads_per_node: 1,
            transport: Transport::Memory,
            link_bound: LinkBound::Unbounded,
            virtual_time: false,
        }
    }

    /// A cluster of `nodes` nodes on one paused-clock, current-thread runtime: deterministic and
    /// fast-forwarding. Drive it with [`Cluster::block_on`]. The same as
    /// `Cluster::builder().nodes(nodes).virtual_time().build()`.
    pub fn virtual_time(nodes: usize) -> io::Result<Cluster> {
        Cluster::builder().nodes(nodes).virtual_time().build()
    }

    /// A handle to node `index`. Panics if there is no such node.
    pub fn node(&self, index: usize) -> Node {
        assert!(
            index < self.len(),
            "node {index} of a {}-node cluster",
            self.len()
        );
        Node::new(Arc::clone(&self.world), node_id(index))
    }

    /// Handles to every node, in id order.
    pub fn nodes(&self) -> impl Iterator<Item = Node> + '_ {
        (0..self.len()).map(|index| self.node(index))
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.world.len()
    }

    /// Always false: a cluster has at least one node.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Runs `future` to completion on node 0's runtime (in virtual time, the only runtime) from
    /// the current thread. Use it to drive a scenario from a test or a command.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtimes[0].block_on(future)
    }

    /// A snapshot of the cluster's counters.
    pub fn stats(&self) -> ClusterStats {
        self.world.stats()
    }

    /// How this cluster's frames cross between nodes.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// How many bytes each link may hold before a remote sender waits.
    pub fn link_bound(&self) -> LinkBound {
        self.link_bound
    }

    /// The prefix of this cluster's thread names: threads are named `{prefix}{node}`.
    pub fn thread_name_prefix(&self) -> String {
        format!("c{}n", self.id)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Stop the runtimes explicitly, waiting for their threads, so that a test can check that
        // nothing is left running once the cluster is gone.
        for runtime in self.runtimes.drain(..) {
            runtime.shutdown_timeout(Duration::from_secs(10));
        }
    }
}

fn check_size(nodes: usize) -> io::Result<()> {
    if nodes == 0 || nodes > usize::from(u16::MAX) + 1 {
        return Err(invalid(format!(
            "a cluster has 1 to 65,536 nodes, not {nodes}"
        )));
    }
    Ok(())
}

fn invalid(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why.into())
}

fn thread_name(cluster: u32, node: usize) -> String {
    // Linux keeps 15 bytes of a thread's name; this stays well under for any realistic ids.
    format!("c{cluster}n{node}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::NodeId;

    #[test]
    fn refuses_empty_clusters_and_threadless_nodes() {
        assert!(Cluster::builder().nodes(0).build().is_err());
        assert!(Cluster::builder().threads_per_node(0).build().is_err());
        assert!(Cluster::virtual_time(0).is_err());
    }

    #[test]
    fn refuses_tcp_in_virtual_time_with_a_reason() {
        let error = Cluster::builder()
            .transport(Transport::Tcp)
            .virtual_time()
            .build()
            .err()
            .expect("TCP in virtual time must be refused");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(
            error
                .to_string()
                .contains("virtual time needs the memory transport")
        );
        let bounded = Cluster::builder()
            .link_bound(LinkBound::Bytes(1))
            .virtual_time()
            .build()
            .err()
            .expect("a bounded link in virtual time must be refused");
        assert!(
            bounded
                .to_string()
                .contains("virtual time needs unbounded links")
        );
        let memory = Cluster::builder().virtual_time().build().unwrap();
        assert_eq!(memory.transport(), Transport::Memory);
    }

    #[test]
    fn transports_parse_from_and_print_as_their_names() {
        for transport in Transport::ALL {
            assert_eq!(transport.to_string().parse(), Ok(transport));
        }
        assert_eq!(" TCP ".parse(), Ok(Transport::Tcp));
        assert_eq!("Memory".parse(), Ok(Transport::Memory));
        let error = "udp".parse::<Transport>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown transport `udp`: expected `memory` or `tcp`"
        );
        assert_eq!(Transport::default(), Transport::Memory);
    }

    #[test]
    fn node_ids_follow_their_index() {
        let cluster = Cluster::builder().nodes(3).build().unwrap();
        let ids: Vec<NodeId> = cluster.nodes().map(|node| node.id()).collect();
        assert_eq!(ids, vec![NodeId(0), NodeId(1), NodeId(2)]);
    }
}
