//! The storm and the lone readers with every caller a task on a node, as every caller on the BEAM
//! is a process.
//!
//! [`Storm::run`] splits the sessions over a few threads that loop; a BEAM session is a process of
//! its own, spawned, parked until the storm starts, and scheduled among half a million others.
//! To set the two side by side, a rung is run here in the BEAM's two shapes:
//!
//! - the storm ([`Storm::run_tasks`]): one task per session on a node's runtime, all spawned
//!   first, released together, each making its session's lookups with a reader of its own;
//! - alone ([`Storm::run_alone`], [`Storm::run_actor_alone`]): one task per worker thread, each
//!   looking up every key of the storm in a row, one lookup at a time.
//!
//! Both time from the release to the moment the last task finishes: the last one reads the clock.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use tokio::runtime::Handle;
use tokio::sync::watch;

use super::{Storm, StormRun, digest};
use crate::naive::{Actor, Query};
use crate::{Lookup, RingRead};

/// What every task of one run shares: the start signal, the count of tasks still running, the
/// digest so far, and where the last task sends the time it finished.
struct Finish {
    left: AtomicUsize,
    digest: AtomicU64,
    done: mpsc::SyncSender<Instant>,
}

impl Finish {
    /// Adds one task's digest; the last task to finish reads the clock and reports it.
    fn task_done(&self, digest: u64) {
        self.digest.fetch_add(digest, Relaxed);
        if self.left.fetch_sub(1, Relaxed) == 1 {
            let _ = self.done.send(Instant::now());
        }
    }
}

/// Spawns `tasks` tasks on `runtime` (task `i` runs `task(i)` once released), releases them
/// together and waits for the last one: the wall time from the release, and the sum of the
/// digests the tasks returned.
fn released_together<F, Fut>(runtime: &Handle, tasks: usize, task: F) -> StormRun
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = u64> + Send + 'static,
{
    let (start, ready) = watch::channel(false);
    let (done, finished) = mpsc::sync_channel(1);
    let finish = Arc::new(Finish {
        left: AtomicUsize::new(tasks),
        digest: AtomicU64::new(0),
        done,
    });
    for i in 0..tasks {
        let (work, finish, mut ready) = (task(i), Arc::clone(&finish), ready.clone());
        drop(runtime.spawn(async move {
            let _ = ready.wait_for(|&go| go).await;
            finish.task_done(work.await);
        }));
    }
    let began = Instant::now();
    start.send_replace(true);
    let ended = finished.recv().expect("a storm task panicked");
    StormRun {
        elapsed: ended - began,
        digest: finish.digest.load(Relaxed),
    }
}

impl Storm {
    // ANCHOR: run_tasks
    /// Runs every session once as a task of its own on `runtime` (a node's), each with its own
    /// reader of `access`, as each BEAM session is a process: all spawned before the clock starts,
    /// released together by one signal, so up to every session waits for a worker at once.
    pub fn run_tasks<A>(&self, access: &Arc<A>, runtime: &Handle, prehashed: bool) -> StormRun
    where
        A: RingRead + 'static,
    {
        released_together(runtime, self.sessions(), |session| {
            let (access, storm) = (Arc::clone(access), self.clone());
            async move {
                let mut owners = vec![None; storm.per_session];
                let keys = storm.session(session, prehashed);
                let mut reader = access.reader();
                if prehashed {
                    reader.session_prehashed(keys, &mut owners);
                } else {
                    reader.session(keys, &mut owners);
                }
                digest(&owners)
            }
        })
    }
    // ANCHOR_END: run_tasks

    // ANCHOR: run_alone
    /// `readers` tasks on `runtime` (one per worker thread), each looking up every key of the
    /// storm, prehashed, one lookup and one read of the shared ring at a time. The time per lookup
    /// is the elapsed time ÷ [`Storm::lookups`]: what one reader waits for a lookup while the
    /// others read too.
    pub fn run_alone<A>(&self, access: &Arc<A>, runtime: &Handle, readers: usize) -> StormRun
    where
        A: RingRead + 'static,
    {
        released_together(runtime, readers.max(1), |_| {
            let (access, storm) = (Arc::clone(access), self.clone());
            async move {
                let mut reader = access.reader();
                let owners: Vec<_> = storm
                    .hashes
                    .iter()
                    .map(|&h| reader.owner_of_hash(h))
                    .collect();
                digest(&owners)
            }
        })
    }
    // ANCHOR_END: run_alone

    /// [`Storm::run_alone`] against the ring process: `readers` tasks on its node, each calling
    /// it once per key of the storm, one call at a time.
    pub fn run_actor_alone(&self, actor: &Arc<Actor>, readers: usize) -> StormRun {
        let runtime = actor.node().runtime().clone();
        released_together(&runtime, readers.max(1), |_| {
            let (actor, storm) = (Arc::clone(actor), self.clone());
            async move {
                let mut owners = Vec::with_capacity(storm.hashes.len());
                for &hash in storm.hashes.iter() {
                    owners.push(actor.call(Query::Hash(hash)).await);
                }
                digest(&owners)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use super::*;
    use crate::naive::{CopyOut, Raw};
    use crate::ring::Ring;

    #[test]
    fn tasks_give_the_answers_of_threads() {
        let ring = Ring::with_nodes(["a", "b", "c"], 64);
        let storm = Storm::new(500, 5, 3);
        let actor = Arc::new(Actor::start(ring.clone(), 2).unwrap());
        let runtime = actor.node().runtime().clone();
        let copy = Arc::new(CopyOut::new(ring.clone()));
        let floor = storm.run(&Raw(ring.clone()), 1, true).digest;
        assert_eq!(storm.run_tasks(&copy, &runtime, true).digest, floor);
        let hashed = storm.run(&Raw(ring.clone()), 2, false).digest;
        assert_eq!(storm.run_tasks(&copy, &runtime, false).digest, hashed);
        // Alone, each reader looks every key up: every reader's digest is the same.
        let alone = storm.run_alone(&Arc::new(Raw(ring)), &runtime, 3).digest;
        assert_ne!(alone, 0);
        assert_eq!(storm.run_actor_alone(&actor, 3).digest, alone);
    }

    #[test]
    fn lone_readers_spread_over_the_workers() {
        let ring = Ring::with_nodes(["a", "b"], 16);
        let storm = Storm::new(20_000, 5, 4);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let threads = Arc::new(Mutex::new(HashSet::new()));
        let seen = Arc::clone(&threads);
        let run = released_together(runtime.handle(), 2, move |_| {
            let seen = Arc::clone(&seen);
            async move {
                // Long enough that an idle worker takes the other task.
                std::thread::sleep(std::time::Duration::from_millis(50));
                seen.lock().unwrap().insert(std::thread::current().id());
                1
            }
        });
        assert_eq!(run.digest, 2);
        assert_eq!(
            threads.lock().unwrap().len(),
            2,
            "each task ran on a worker of its own"
        );
        assert!(
            storm
                .run_alone(&Arc::new(Raw(ring)), runtime.handle(), 2)
                .elapsed
                > Default::default()
        );
    }
}
