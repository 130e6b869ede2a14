//! The naive client: every call goes to the registry, whatever the registry's state.
//!
//! This is what Discord's sessions did before the Semaphore library: `GenServer.call` with the
//! default five-second timeout, and a retry after a backoff when it failed. Nothing here is wrong
//! line by line; the failure is in what a million of these do together.

use std::time::Duration;

use cluster::{Node, Pid};

use crate::{Client, Lookup, Outcome, call_registry};

/// Always calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unguarded;

// ANCHOR: naive
impl Client for Unguarded {
    async fn call(
        &self,
        node: &Node,
        _registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> Outcome {
        call_registry(node, to, guild, timeout).await
    }
}
// ANCHOR_END: naive
