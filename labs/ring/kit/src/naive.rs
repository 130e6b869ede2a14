//! The ways to share the ring that come before FastGlobal, complete.
//!
//! - [`Actor`]: the ring lives in one process and every lookup is a call to it, Discord's first
//!   design (a GenServer in front of a C port). Every lookup pays a request, a reply and two
//!   wake-ups, and all of them queue at one process: during a reconnect storm, that process *is*
//!   the bottleneck.
//! - [`CopyOut`]: a shared table every thread reads directly, but each read copies the ring out,
//!   as `:ets.lookup` copies a term out of ETS into the caller's heap. No queue any more, but a
//!   ring is thousands of points, and copying it is most of the cost.
//! - [`Locked`] and [`ReadLocked`]: what Rust offers the BEAM does not, sharing without copying,
//!   behind a `Mutex` or an `RwLock`. Cheap when one thread reads; every reader still writes to the
//!   lock's shared cache line, so many cores reading at once contend on it.
//! - [`Raw`]: a plain `&Ring` that never changes: no synchronization at all, the floor that
//!   every strategy is measured against.

use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};

use cluster::{Cluster, DEFAULT_CALL_TIMEOUT, Node, Pid, Process, Request};
use serde::{Deserialize, Serialize};

use crate::ring::{Placement, Ring, hash_id};
use crate::{Lookup, RingAccess, RingRead};

// ANCHOR: actor
/// What the ring process answers: a lookup by guild id (it hashes) or by hash.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub enum Query {
    /// A guild id: the process hashes it, as `ex_hash_ring`'s `find_node` did inside the process.
    Guild(u64),
    /// A hash computed by the caller.
    Hash(u64),
}

/// The ring process's mailbox: lookups, and new rings to install.
#[derive(Serialize, Deserialize)]
pub enum RingCall {
    /// `GenServer.call(ring, {:find_node, key})`.
    Lookup(Request<Query, Option<Placement>>),
    /// Install a new ring; the reply says it is in place.
    Publish(Request<Ring, ()>),
}

impl From<Request<Query, Option<Placement>>> for RingCall {
    fn from(request: Request<Query, Option<Placement>>) -> Self {
        RingCall::Lookup(request)
    }
}

impl From<Request<Ring, ()>> for RingCall {
    fn from(request: Request<Ring, ()>) -> Self {
        RingCall::Publish(request)
    }
}

/// The body of the process that owns the ring: answer calls, one at a time, forever.
///
/// Public so that a model can start the same process on a cluster of its own, virtual time
/// included (`node.spawn(|inbox| ring_process(inbox, ring))`): the `reconnect` scenario does.
pub async fn ring_process(mut inbox: Process<RingCall>, mut ring: Ring) {
    while let Some(call) = inbox.recv().await {
        match call {
            RingCall::Lookup(request) => {
                let hash = match request.body {
                    Query::Guild(guild) => hash_id(guild),
                    Query::Hash(hash) => hash,
                };
                let _ = request.reply(inbox.node(), ring.placement(hash));
            }
            RingCall::Publish(mut request) => {
                ring = std::mem::replace(&mut request.body, Ring::new(1));
                let _ = request.reply(inbox.node(), ());
            }
        }
    }
}
// ANCHOR_END: actor

/// The ring owned by one process on a one-node cluster; lookups are calls.
pub struct Actor {
    node: Node,
    pid: Pid<RingCall>,
    // Last, so the runtime shuts down after the handles above are gone.
    _cluster: Cluster,
}

impl Actor {
    /// Starts a one-node cluster with `threads` worker threads, and the ring process on it.
    pub fn start(ring: Ring, threads: usize) -> io::Result<Actor> {
        let cluster = Cluster::builder()
            .nodes(1)
            .threads_per_node(threads)
            .build()?;
        let node = cluster.node(0);
        let pid = node.spawn(move |inbox| ring_process(inbox, ring));
        Ok(Actor {
            node,
            pid,
            _cluster: cluster,
        })
    }

    /// The node the ring process runs on: spawn session processes here to call it concurrently.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// One lookup as a call, from a task on the cluster. Panics if the process does not answer.
    pub async fn call(&self, query: Query) -> Option<Placement> {
        self.node
            .call(self.pid, query, DEFAULT_CALL_TIMEOUT)
            .await
            .unwrap_or_else(|error| panic!("the ring process did not answer a lookup: {error}"))
    }

    /// Installs a new ring and waits until the process has it.
    pub async fn install(&self, ring: Ring) {
        self.node
            .call::<RingCall, Ring, ()>(self.pid, ring, DEFAULT_CALL_TIMEOUT)
            .await
            .unwrap_or_else(|error| panic!("the ring process did not take a new ring: {error}"));
    }
}

impl RingRead for Actor {
    type Reader<'a> = &'a Actor;
    fn reader(&self) -> &Actor {
        self
    }
}

impl RingAccess for Actor {
    fn publish(&self, ring: Ring) {
        self.node.runtime().block_on(self.install(ring));
    }
}

/// From a plain thread, a lookup blocks the thread until the reply comes back.
impl Lookup for &Actor {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.node.runtime().block_on(self.call(Query::Hash(hash)))
    }

    fn owner(&mut self, guild: u64) -> Option<Placement> {
        self.node.runtime().block_on(self.call(Query::Guild(guild)))
    }
}

// ANCHOR: copy_out
/// ETS's semantics: a shared table read by every thread, each read copying the ring out.
pub struct CopyOut(RwLock<Ring>);

impl CopyOut {
    /// A table holding `ring`.
    pub fn new(ring: Ring) -> CopyOut {
        CopyOut(RwLock::new(ring))
    }
}

impl Lookup for &CopyOut {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        // `:ets.lookup(:ring, :ring)`: the term is copied into the reader's heap.
        let copy: Ring = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        copy.placement(hash)
    }
}
// ANCHOR_END: copy_out

impl RingRead for CopyOut {
    type Reader<'a> = &'a CopyOut;
    fn reader(&self) -> &CopyOut {
        self
    }
}

impl RingAccess for CopyOut {
    fn publish(&self, ring: Ring) {
        let old = std::mem::replace(
            &mut *self.0.write().unwrap_or_else(PoisonError::into_inner),
            ring,
        );
        drop(old); // freed after the lock is released
    }
}

// ANCHOR: locked
/// The ring behind a mutex: shared, not copied; one reader at a time.
pub struct Locked(Mutex<Ring>);

impl Locked {
    /// A mutex holding `ring`.
    pub fn new(ring: Ring) -> Locked {
        Locked(Mutex::new(ring))
    }

    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Lookup for &Locked {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.lock().placement(hash)
    }
}
// ANCHOR_END: locked

impl RingRead for Locked {
    type Reader<'a> = &'a Locked;
    fn reader(&self) -> &Locked {
        self
    }
}

impl RingAccess for Locked {
    fn publish(&self, ring: Ring) {
        let old = std::mem::replace(&mut *self.lock(), ring);
        drop(old);
    }
}

/// The ring behind a reader-writer lock: many readers at once, but each one still writes the
/// lock's reader count, one cache line every core fights over.
pub struct ReadLocked(RwLock<Ring>);

impl ReadLocked {
    /// A reader-writer lock holding `ring`.
    pub fn new(ring: Ring) -> ReadLocked {
        ReadLocked(RwLock::new(ring))
    }
}

impl Lookup for &ReadLocked {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .placement(hash)
    }
}

impl RingRead for ReadLocked {
    type Reader<'a> = &'a ReadLocked;
    fn reader(&self) -> &ReadLocked {
        self
    }
}

impl RingAccess for ReadLocked {
    fn publish(&self, ring: Ring) {
        let old = std::mem::replace(
            &mut *self.0.write().unwrap_or_else(PoisonError::into_inner),
            ring,
        );
        drop(old);
    }
}

/// A ring that never changes, shared as a plain reference: the floor. It cannot be published to,
/// which is exactly why it needs no synchronization.
pub struct Raw(pub Ring);

impl RingRead for Raw {
    type Reader<'a> = &'a Ring;
    fn reader(&self) -> &Ring {
        &self.0
    }
}

impl Lookup for &Ring {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.placement(hash)
    }
}
