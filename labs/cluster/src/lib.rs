//! A miniature BEAM: the cluster every lab of the workbook runs on.
//!
//! Discord's system is Elixir on the Erlang VM (the BEAM): millions of processes spread over many
//! nodes, talking by message. The workbook's three bottlenecks are all about what that talking
//! costs, so the labs need a model of it that is small enough to read in one sitting and faithful
//! where it matters:
//!
//! | BEAM | here |
//! | --- | --- |
//! | node | a [`Node`] on its own tokio runtime with its own worker threads ([`cluster`]) |
//! | process | a task reading an unbounded mailbox ([`Process`], [`process`]) |
//! | pid | a copyable [`Pid`]: node id + local id ([`pid`]) |
//! | local `send/2` | a push onto the mailbox ([`Node::send`]) |
//! | remote `send/2` | encode, queue on the ordered link, decode on the far node ([`link`], [`codec`]) |
//! | distribution over TCP | links in memory, or over loopback TCP ([`Transport`], [`tcp`]) |
//! | `busy_dist_port` | off by default; a [`LinkBound`] makes remote senders wait ([`busy`]) |
//! | `GenServer.call/3` | request + reply slot + timeout; a late request is still served ([`call`]) |
//!
//! Order is FIFO per (sender, receiver) pair, local and remote, as on the BEAM: a local send is one
//! push onto one channel, and a remote one goes down the single link between the two nodes, whose
//! one reader delivers in order. The order is per route, so a process sends with its own node's
//! handle ([`Process::node`]); sending through another node's handle is sending from that node.
//!
//! ```
//! use cluster::Cluster;
//!
//! let cluster = Cluster::builder().nodes(2).build().unwrap();
//! let (guild, session) = (cluster.node(0), cluster.node(1));
//! let (seen_tx, seen) = std::sync::mpsc::channel();
//! let pid = session.spawn(move |mut inbox| async move {
//!     while let Some(event) = inbox.recv().await {
//!         seen_tx.send(event).unwrap();
//!     }
//! });
//! guild.send(pid, String::from("presence update")).unwrap(); // crosses the link, encoded
//! assert_eq!(seen.recv().unwrap(), "presence update");
//! assert_eq!(cluster.stats().cross_node_messages(), 1);
//! ```

pub mod busy;
pub mod call;
pub mod cluster;
pub mod codec;
pub mod error;
pub mod link;
pub mod node;
pub mod pid;
pub mod process;
pub mod race;
pub mod seeded;
mod slot;
pub mod stats;
pub mod tcp;
pub mod watchdog;
mod world;

pub use crate::busy::LinkBound;
pub use crate::call::{DEFAULT_CALL_TIMEOUT, Request};
pub use crate::cluster::{Cluster, ClusterBuilder};
pub use crate::codec::Message;
pub use crate::error::{CallError, CallerGone, SendError};
pub use crate::link::{Transport, UnknownTransport};
pub use crate::node::Node;
pub use crate::pid::{NodeId, Pid};
pub use crate::process::Process;
pub use crate::stats::{ClusterStats, FRAME_HEADER_BYTES, LinkStats};
