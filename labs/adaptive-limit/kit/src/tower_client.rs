//! The `tower` strategy: the Rust ecosystem's own building blocks, composed as a user would.
//!
//! `tower::limit::ConcurrencyLimit` holds a `tokio::sync::Semaphore`: it takes a permit in
//! `poll_ready`, keeps it in the response future, and gives it back when that future ends.
//! Alone it *waits* for a permit, which is exactly the queue the blog's semaphore exists to avoid.
//! `tower::load_shed::LoadShed` on top turns "not ready" into an immediate `Overloaded` error:
//! together they are the blog's semaphore, a fixed limit that bails at once.
//!
//! Tower runs inside the virtual-time model unchanged: its semaphore is tokio's, its futures are
//! polled by the simulation's runtime, and nothing in it reads a clock. One stack per (session
//! node, registry), like the semaphore; a call clones its stack (clones share the semaphore, as
//! tower intends), asks it for readiness and calls it once, the way `ServiceExt::oneshot` does.

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use cluster::{Node, Pid};
use semaphore_kit::model::{Admission, Admit, Call, Config, Job, call_admit};
use tower::limit::ConcurrencyLimit;
use tower::load_shed::LoadShed;
use tower::load_shed::error::Overloaded;
use tower::{Service, ServiceBuilder};

use crate::Ended;

/// What the innermost service is asked: one registry call.
pub struct RegistryCall {
    /// The calling session's node.
    pub node: Node,
    /// The registry.
    pub to: Pid<Admit>,
    /// What to send.
    pub job: Job,
    /// How long to wait for the reply.
    pub timeout: Duration,
}

/// The innermost service: makes the call through the cluster. Always ready.
#[derive(Clone, Copy, Debug, Default)]
pub struct Registry;

impl Service<RegistryCall> for Registry {
    type Response = Ended;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Ended, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: RegistryCall) -> Self::Future {
        Box::pin(async move { Ok(call_admit(&call.node, call.to, call.job, call.timeout).await) })
    }
}

/// The stack a user would build: shed load when the concurrency limit is reached.
pub type Stack = LoadShed<ConcurrencyLimit<Registry>>;

// ANCHOR: tower
/// Calls through `ServiceBuilder::new().load_shed().concurrency_limit(limit)`, one stack per
/// (node, registry).
pub struct Tower {
    /// `stacks[node × registries + registry]`. A stack's readiness future is not `Sync`, so each
    /// sits behind a lock, held only to clone it.
    stacks: Vec<Mutex<Stack>>,
    registries: usize,
    limit: usize,
}

impl Tower {
    /// A stack of `limit` permits for every (node, registry) pair of `config`'s cluster.
    pub fn new(config: &Config, limit: usize) -> Self {
        let stacks = (0..config.nodes() * config.registries)
            .map(|_| {
                Mutex::new(
                    ServiceBuilder::new()
                        .load_shed()
                        .concurrency_limit(limit)
                        .service(Registry),
                )
            })
            .collect();
        Tower {
            stacks,
            registries: config.registries,
            limit,
        }
    }
}

impl Admission for Tower {
    async fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> Ended {
        let index = crate::clients::pair(node, call.registry, self.registries);
        let mut stack = self.stacks[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        // LoadShed is always ready; it remembers whether the limit was, and sheds in `call`.
        if poll_fn(|cx| stack.poll_ready(cx)).await.is_err() {
            return Ended::Rejected;
        }
        let request = RegistryCall {
            node: node.clone(),
            to,
            job,
            timeout,
        };
        match stack.call(request).await {
            Ok(ended) => ended,
            Err(error) if error.is::<Overloaded>() => Ended::Rejected,
            Err(_) => Ended::Rejected, // the inner service cannot fail; nothing else can
        }
    }

    fn limit(&self) -> Option<f64> {
        Some(self.limit as f64)
    }
}
// ANCHOR_END: tower
