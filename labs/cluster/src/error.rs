//! What can go wrong with a send or a call, in words a test failure can print.

use std::fmt;

use crate::pid::NodeId;

/// Why a send was refused at the sender.
///
/// Only what the sending node can know on the spot is an error: a local process that has exited,
/// or a node that does not exist. A message to a dead process on *another* node is accepted, then
/// dropped and counted by the far node ([`crate::ClusterStats::dropped`]), exactly as the BEAM's
/// `send/2` to a remote pid never fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The receiving process, on the sender's own node, has exited. The message was dropped and counted.
    Dead {
        /// The node of the dead process.
        node: NodeId,
        /// Its local id.
        local: u32,
    },
    /// No node with this id in the cluster.
    NoSuchNode(NodeId),
    /// The cluster is shutting down.
    Shutdown,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Dead { node, local } => write!(f, "process <{}.{local}> has exited", node.0),
            SendError::NoSuchNode(node) => write!(f, "there is no {node} in this cluster"),
            SendError::Shutdown => write!(f, "the cluster is shutting down"),
        }
    }
}

impl std::error::Error for SendError {}

/// Why a call returned no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallError {
    /// The request could not be sent.
    Send(SendError),
    /// No reply within the timeout. The request is still queued at the callee.
    Timeout,
    /// The reply was not of the type the caller expected.
    BadReply,
    /// The cluster shut down while the caller waited.
    Shutdown,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Send(error) => write!(f, "the request was not sent: {error}"),
            CallError::Timeout => {
                write!(f, "no reply within the timeout (the request stays queued)")
            }
            CallError::BadReply => write!(f, "the reply did not decode as the expected type"),
            CallError::Shutdown => write!(f, "the cluster shut down during the call"),
        }
    }
}

impl std::error::Error for CallError {}

/// A reply found nobody waiting: the caller had timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerGone;

impl fmt::Display for CallerGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the caller gave up before the reply: wasted work")
    }
}

impl std::error::Error for CallerGone {}
