//! Process and node identifiers.
//!
//! On the BEAM a pid is a small value that names a process anywhere in the cluster: you can copy it,
//! put it in a message, and send to it from any node. [`Pid`] is the same: a node id and a local id,
//! eight bytes, `Copy`. It is also *typed*: a `Pid<M>` only accepts messages of type `M`, so a
//! message sent to the wrong kind of process is a compile error rather than a crash in production.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The index of a node in its cluster: `0..cluster.len()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u16);

impl NodeId {
    /// The node's position in the cluster, usable as an index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node{}", self.0)
    }
}

/// The id of a process whose mailbox takes messages of type `M`.
///
/// The type is checked by the compiler, not on the wire: a pid that travels inside a message is
/// deserialized as whatever `Pid<M>` the receiver declares, so keep message types honest.
///
/// Local ids are never reused, so a pid kept after its process has died can never reach a newer
/// process by accident (the BEAM gives the same guarantee for a long time).
pub struct Pid<M> {
    node: NodeId,
    local: u32,
    // `fn() -> M` keeps `Pid<M>` `Send + Sync + Copy` whatever `M` is: a pid holds no `M`.
    kind: PhantomData<fn() -> M>,
}

impl<M> Pid<M> {
    pub(crate) fn new(node: NodeId, local: u32) -> Self {
        Pid {
            node,
            local,
            kind: PhantomData,
        }
    }

    /// The node the process lives on.
    pub fn node(self) -> NodeId {
        self.node
    }

    /// The process's index on its node.
    pub fn local(self) -> u32 {
        self.local
    }
}

// Derives would demand `M: Clone`, `M: Eq`…; a pid is just two integers, whatever it carries.
impl<M> Clone for Pid<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Pid<M> {}
impl<M> PartialEq for Pid<M> {
    fn eq(&self, other: &Self) -> bool {
        (self.node, self.local) == (other.node, other.local)
    }
}
impl<M> Eq for Pid<M> {}
impl<M> Hash for Pid<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.node, self.local).hash(state);
    }
}
impl<M> fmt::Debug for Pid<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The BEAM prints pids as <node.id.serial>; this is close enough to read in a log.
        write!(f, "<{}.{}>", self.node.0, self.local)
    }
}
impl<M> Serialize for Pid<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.node.0, self.local).serialize(serializer)
    }
}
impl<'de, M> Deserialize<'de> for Pid<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (node, local) = <(u16, u32)>::deserialize(deserializer)?;
        Ok(Pid::new(NodeId(node), local))
    }
}
