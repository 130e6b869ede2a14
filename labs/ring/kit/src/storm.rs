//! The reconnect storm: every session of a restarted node looks up the owner of each of its guilds.
//!
//! The blog's arithmetic: 500,000 sessions × 5 guilds = 2.5 million lookups, at 12 µs a call
//! 30 s, through ETS 17.5 s, through FastGlobal 0.75 s. [`Storm`] is that workload: fixed guild ids
//! (snowflake-sized, from a seed, so every strategy answers the same questions), split over some
//! threads, each thread reading through its own [`Lookup`] reader. The same driver serves the
//! `ring` scenario, the criterion benches and the lab's bar, so they all measure the same thing.
//! `storm/tasks.rs` runs the same sessions as the BEAM does, a task per session on a node, and
//! the lone readers, a task per worker thread.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::naive::{Actor, Query};
use crate::ring::{Placement, hash_id};
use crate::{Lookup, RingRead};
use cluster::seeded::splitmix;

mod tasks;

/// The sessions of a storm and their guilds.
#[derive(Clone)]
pub struct Storm {
    per_session: usize,
    guilds: Arc<[u64]>,
    hashes: Arc<[u64]>,
}

/// What one storm did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StormRun {
    /// Wall time from the moment every thread was ready until the last session was done.
    pub elapsed: Duration,
    /// A digest of every answer: equal digests mean equal answers (and keep the work from being
    /// optimized away).
    pub digest: u64,
}

fn digest(owners: &[Option<Placement>]) -> u64 {
    owners.iter().fold(0u64, |acc, owner| {
        let value = owner.map_or(u64::MAX, |p| (p.ring << 32) ^ u64::from(p.node));
        acc.wrapping_mul(31).wrapping_add(value)
    })
}

impl Storm {
    /// `sessions` sessions of `per_session` guilds each, guild ids drawn from `seed`.
    pub fn new(sessions: usize, per_session: usize, seed: u64) -> Storm {
        assert!(per_session > 0, "a session has at least one guild");
        let mut state = seed;
        // Snowflake-sized ids: Discord's guild ids are 17–19 decimal digits.
        let guilds: Arc<[u64]> = (0..sessions * per_session)
            .map(|_| (1 << 56) + splitmix(&mut state) % (1 << 60))
            .collect();
        let hashes = guilds.iter().map(|&guild| hash_id(guild)).collect();
        Storm {
            per_session,
            guilds,
            hashes,
        }
    }

    /// How many sessions.
    pub fn sessions(&self) -> usize {
        self.guilds.len() / self.per_session
    }

    /// How many lookups in all.
    pub fn lookups(&self) -> usize {
        self.guilds.len()
    }

    /// The guild ids (or their hashes) of session `index`.
    pub fn session(&self, index: usize, prehashed: bool) -> &[u64] {
        let keys = if prehashed {
            &self.hashes
        } else {
            &self.guilds
        };
        &keys[index * self.per_session..(index + 1) * self.per_session]
    }

    // ANCHOR: run
    /// Runs every session once, spread over `threads` threads, each with its own reader of
    /// `access`. With `prehashed` the hashes were computed beforehand: the access cost alone.
    pub fn run<A: RingRead>(&self, access: &A, threads: usize, prehashed: bool) -> StormRun {
        let threads = threads.clamp(1, self.sessions().max(1));
        let start = Barrier::new(threads + 1);
        let chunk = self.sessions().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|t| {
                    let start = &start;
                    scope.spawn(move || {
                        let mut reader = access.reader();
                        let mut owners = vec![None; self.per_session];
                        let mut digest_so_far = 0u64;
                        let sessions = (t * chunk)..((t + 1) * chunk).min(self.sessions());
                        start.wait();
                        let began = Instant::now();
                        for session in sessions {
                            let keys = self.session(session, prehashed);
                            if prehashed {
                                reader.session_prehashed(keys, &mut owners);
                            } else {
                                reader.session(keys, &mut owners);
                            }
                            digest_so_far = digest_so_far.wrapping_add(digest(&owners));
                        }
                        (began, Instant::now(), digest_so_far)
                    })
                })
                .collect();
            start.wait();
            // Each thread times itself: the main thread may well be descheduled right after the
            // barrier, so its own clock would miss the start. The storm spans from the first
            // thread's start to the last one's end.
            let (mut first, mut last, mut digest) = (None::<Instant>, None::<Instant>, 0u64);
            for worker in workers {
                let (began, ended, part) = worker.join().expect("a storm thread panicked");
                first = Some(first.map_or(began, |f| f.min(began)));
                last = Some(last.map_or(ended, |l| l.max(ended)));
                digest = digest.wrapping_add(part);
            }
            StormRun {
                elapsed: last.zip(first).map_or(Duration::ZERO, |(l, f)| l - f),
                digest,
            }
        })
    }
    // ANCHOR_END: run

    // ANCHOR: run_actor
    /// Runs every session once against the ring process, from `callers` session tasks on the
    /// process's own node (so up to `callers` calls wait in its mailbox at once, as the blog's
    /// sessions did). Each session makes its lookups one call at a time. The tasks are spawned
    /// first and wait for a start signal, so the time is the lookups', not the spawning's.
    pub fn run_actor(&self, actor: &Arc<Actor>, callers: usize, prehashed: bool) -> StormRun {
        let next = Arc::new(AtomicUsize::new(0));
        let runtime = actor.node().runtime().clone();
        let (start, ready) = tokio::sync::watch::channel(false);
        let tasks: Vec<_> = (0..callers.clamp(1, self.sessions().max(1)))
            .map(|_| {
                let (actor, next, storm) = (Arc::clone(actor), Arc::clone(&next), self.clone());
                let mut ready = ready.clone();
                runtime.spawn(async move {
                    let _ = ready.wait_for(|&go| go).await;
                    let mut digest_so_far = 0u64;
                    let mut owners = vec![None; storm.per_session];
                    loop {
                        let session = next.fetch_add(1, Relaxed);
                        if session >= storm.sessions() {
                            return digest_so_far;
                        }
                        for (key, owner) in
                            storm.session(session, prehashed).iter().zip(&mut owners)
                        {
                            let query = if prehashed {
                                Query::Hash(*key)
                            } else {
                                Query::Guild(*key)
                            };
                            *owner = actor.call(query).await;
                        }
                        digest_so_far = digest_so_far.wrapping_add(digest(&owners));
                    }
                })
            })
            .collect();
        let began = Instant::now();
        start.send_replace(true);
        let digest = runtime.block_on(async {
            let mut total = 0u64;
            for task in tasks {
                total = total.wrapping_add(task.await.expect("a session task panicked"));
            }
            total
        });
        StormRun {
            elapsed: began.elapsed(),
            digest,
        }
    }
    // ANCHOR_END: run_actor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naive::{Locked, Raw};
    use crate::ring::Ring;

    #[test]
    fn every_strategy_and_every_split_gives_the_same_answers() {
        let ring = Ring::with_nodes(["a", "b", "c"], 64);
        let storm = Storm::new(300, 5, 1);
        assert_eq!((storm.sessions(), storm.lookups()), (300, 1_500));
        let floor = storm.run(&Raw(ring.clone()), 1, false);
        assert_eq!(storm.run(&Raw(ring.clone()), 3, true).digest, floor.digest);
        assert_eq!(
            storm.run(&Locked::new(ring.clone()), 2, false).digest,
            floor.digest
        );
        let actor = Arc::new(Actor::start(ring, 1).unwrap());
        assert_eq!(storm.run_actor(&actor, 8, true).digest, floor.digest);
        assert_eq!(storm.run_actor(&actor, 8, false).digest, floor.digest);
    }
}
