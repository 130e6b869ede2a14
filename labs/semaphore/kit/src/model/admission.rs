//! Admission runs: the same sessions, registries, timeouts and retries, with calls that say more
//! about themselves, for the scenario "admission" (lab `adaptive-limit`).
//!
//! In the stampede a call is a guild id and nothing else, as on the BEAM: the registry cannot
//! tell a join from a background fetch, nor a caller that gave up from one that still waits.
//! An admission run sends a [`Job`] instead: the guild, its [`Priority`], when it was sent and
//! when its caller will give up. Clients that implement [`Admission`] see every call's
//! [`Call`] (its registry, its priority, whether it is a retry) and report how it [`Ended`],
//! including [`Ended::Shed`], a registry's "not now" (CoDel's fast failure). Everything else,
//! the sessions, the background load, the timeline, is the stampede's own code.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use cluster::{Node, Pid, Request};
use serde::{Deserialize, Serialize};

use crate::{Client, Lookup, Outcome};

/// Who is waiting on a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// A session's own join: a person is looking at a spinner.
    High,
    /// A background fetch from an already-connected session: it can wait, or be dropped.
    Low,
}

/// What a call asks of a registry in an admission run: the guild, and what a server may use to
/// decide how to treat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The guild to look up.
    pub guild: u64,
    /// Who waits on it.
    pub priority: Priority,
    /// When it was sent, in µs since the start of the run (links take no time in virtual time,
    /// so it is also when it reached the registry's mailbox).
    pub sent_us: u64,
    /// When its caller gives up, in µs since the start of the run: the caller's deadline.
    pub deadline_us: u64,
}

/// A registry's answer in an admission run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The lookup, done.
    Found(u64),
    /// Turned away without being served (the registry's queue discipline shed it).
    Shed,
}

/// A registry's mailbox in an admission run.
pub type Admit = Request<Job, Reply>;

/// One call a session is about to make, as its client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// Which registry (its index).
    pub registry: usize,
    /// Who waits on it.
    pub priority: Priority,
    /// Whether an earlier attempt at the same lookup failed.
    pub retry: bool,
}

/// How one call ended, as the session sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Ended {
    /// The registry replied within the timeout.
    Replied,
    /// The client refused to send it. Nothing reached the registry.
    Rejected,
    /// The registry turned it away at once, unserved.
    Shed,
    /// No reply within the timeout.
    TimedOut,
}

// ANCHOR: admission
/// How a session's call reaches a registry in an admission run: the successor of
/// [`Client`](crate::Client), with the call's priority and retry flag, and a limit to plot.
pub trait Admission: Send + Sync + 'static {
    /// One call from a session on `node` to the registry `to`; `job` is what to send.
    fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> impl Future<Output = Ended> + Send;

    /// The client's current limit on calls in flight per (session node, registry), averaged over
    /// them, for the timeline; `None` (the default) for a client that has none.
    fn limit(&self) -> Option<f64> {
        None
    }
}
// ANCHOR_END: admission

/// A shared admission client is one: a run can keep a handle to read it afterwards.
impl<A: Admission> Admission for Arc<A> {
    fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> impl Future<Output = Ended> + Send {
        (**self).call(node, to, call, job, timeout)
    }

    fn limit(&self) -> Option<f64> {
        (**self).limit()
    }
}

/// Sends `job` to `to` and waits at most `timeout`: [`call_registry`](crate::call_registry) for
/// admission runs.
pub async fn call_admit(node: &Node, to: Pid<Admit>, job: Job, timeout: Duration) -> Ended {
    match node.call::<Admit, Job, Reply>(to, job, timeout).await {
        Ok(Reply::Found(_)) => Ended::Replied,
        Ok(Reply::Shed) => Ended::Shed,
        Err(_) => Ended::TimedOut,
    }
}

/// What the sessions call through: a semaphore-lab [`Client`] on [`Lookup`] registries, or an
/// [`Admission`] client on [`Admit`] ones. The session code is the same for both.
pub(crate) trait Caller: Send + Sync + 'static {
    /// One call; `now_us` is the moment, in µs since the start of the run.
    fn call(
        &self,
        node: &Node,
        call: Call,
        guild: u64,
        timeout: Duration,
        now_us: u64,
    ) -> impl Future<Output = Ended> + Send;

    /// The client's limit, for the timeline.
    fn limit(&self) -> Option<f64>;
}

/// A semaphore-lab client on the stampede's registries.
pub(crate) struct ByClient<C> {
    pub(crate) client: C,
    pub(crate) registries: Vec<Pid<Lookup>>,
}

impl<C: Client> Caller for ByClient<C> {
    async fn call(&self, node: &Node, call: Call, guild: u64, timeout: Duration, _: u64) -> Ended {
        let to = self.registries[call.registry];
        match self
            .client
            .call(node, call.registry, to, guild, timeout)
            .await
        {
            Outcome::Replied => Ended::Replied,
            Outcome::Rejected => Ended::Rejected,
            Outcome::TimedOut => Ended::TimedOut,
        }
    }

    fn limit(&self) -> Option<f64> {
        None
    }
}

/// An admission client on registries that read [`Job`]s.
pub(crate) struct ByAdmission<A> {
    pub(crate) admission: A,
    pub(crate) registries: Vec<Pid<Admit>>,
}

impl<A: Admission> Caller for ByAdmission<A> {
    fn call(
        &self,
        node: &Node,
        call: Call,
        guild: u64,
        timeout: Duration,
        now_us: u64,
    ) -> impl Future<Output = Ended> + Send {
        let job = Job {
            guild,
            priority: call.priority,
            sent_us: now_us,
            deadline_us: now_us + timeout.as_micros() as u64,
        };
        let to = self.registries[call.registry];
        self.admission.call(node, to, call, job, timeout)
    }

    fn limit(&self) -> Option<f64> {
        self.admission.limit()
    }
}
