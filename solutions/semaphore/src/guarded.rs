//! The guarded client: a semaphore in front of every (session node, registry) pair.
//!
//! Why per pair and not one global counter: each session node decides locally, with no
//! cross-node coordination (Discord's Semaphore is an ETS table on one node), and each registry
//! gets its own budget, so one slow registry cannot eat the permits meant for the others. With
//! `limit` per pair, a registry never has more than `limit × session nodes` requests queued,
//! which is what keeps every queued request young enough to be worth serving.

use std::time::Duration;

use cluster::{Node, Pid};
use lab_semaphore::{Client, Limiter, Lookup, Outcome, call_registry};

use crate::semaphore::Semaphore;

/// The guarded client: one semaphore per (session node, registry), `limit` calls in flight each.
pub struct Guarded<S = Semaphore> {
    /// `semaphores[node * registries + registry]`.
    semaphores: Vec<S>,
    registries: usize,
}

impl<S: Limiter> Guarded<S> {
    /// Semaphores for every node of a `nodes`-node cluster and every one of `registries`.
    pub fn new(nodes: usize, registries: usize, limit: usize) -> Self {
        let semaphores = (0..nodes * registries)
            .map(|_| S::with_max(limit))
            .collect();
        Guarded {
            semaphores,
            registries,
        }
    }

    /// The semaphore guarding calls from `node` to `registry`.
    pub fn semaphore(&self, node: &Node, registry: usize) -> &S {
        &self.semaphores[node.id().index() * self.registries + registry]
    }
}

// ANCHOR: guarded
impl<S: Limiter> Client for Guarded<S> {
    async fn call(
        &self,
        node: &Node,
        registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> Outcome {
        let Some(_permit) = self.semaphore(node, registry).try_acquire() else {
            return Outcome::Rejected; // at the limit: do not join a queue we cannot win
        };
        call_registry(node, to, guild, timeout).await
        // `_permit` is dropped here, after the reply or the timeout: the slot comes back.
    }
}
// ANCHOR_END: guarded
