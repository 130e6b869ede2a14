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
//! Dropping a cluster shuts every runtime down and joins their threads. Drop it outside any async
//! context (tokio forbids dropping a runtime from inside one).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

use crate::node::Node;
use crate::stats::ClusterStats;
use crate::world::{World, node_id};

static NEXT_CLUSTER: AtomicU32 = AtomicU32::new(0);

/// A running cluster. Get [`Node`] handles from it to spawn processes and send.
pub struct Cluster {
    id: u32,
    world: Arc<World>,
    runtimes: Vec<Runtime>,
}

/// Settings for a cluster on real threads.
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    nodes: usize,
    threads_per_node: usize,
}

impl ClusterBuilder {
    /// How many nodes (default 2).
    pub fn nodes(mut self, nodes: usize) -> Self {
        self.nodes = nodes;
        self
    }

    /// Worker threads per node (default 1: every node of this cluster shares this machine's cores).
    pub fn threads_per_node(mut self, threads: usize) -> Self {
        self.threads_per_node = threads;
        self
    }

    /// Starts the nodes and their links.
    pub fn build(self) -> io::Result<Cluster> {
        check_size(self.nodes)?;
        if self.threads_per_node == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a node needs at least one thread",
            ));
        }
        let id = NEXT_CLUSTER.fetch_add(1, Relaxed);
        let runtimes = (0..self.nodes)
            .map(|node| {
                Builder::new_multi_thread()
                    .worker_threads(self.threads_per_node)
                    .thread_name(thread_name(id, node))
                    .enable_time()
                    .build()
            })
            .collect::<io::Result<Vec<_>>>()?;
        let world = World::start(runtimes.iter().map(|rt| rt.handle().clone()).collect());
        Ok(Cluster {
            id,
            world,
            runtimes,
        })
    }
}

impl Cluster {
    /// Settings for a cluster whose nodes run on real threads.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder {
            nodes: 2,
            threads_per_node: 1,
        }
    }

    /// A cluster of `nodes` nodes on one paused-clock, current-thread runtime: deterministic and
    /// fast-forwarding. Drive it with [`Cluster::block_on`].
    pub fn virtual_time(nodes: usize) -> io::Result<Cluster> {
        check_size(nodes)?;
        let runtime = Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()?;
        let world = World::start(vec![runtime.handle().clone(); nodes]);
        let id = NEXT_CLUSTER.fetch_add(1, Relaxed);
        Ok(Cluster {
            id,
            world,
            runtimes: vec![runtime],
        })
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
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a cluster has 1 to 65,536 nodes, not {nodes}"),
        ));
    }
    Ok(())
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
    fn node_ids_follow_their_index() {
        let cluster = Cluster::builder().nodes(3).build().unwrap();
        let ids: Vec<NodeId> = cluster.nodes().map(|node| node.id()).collect();
        assert_eq!(ids, vec![NodeId(0), NodeId(1), NodeId(2)]);
    }
}
