//! Publishing new rings while readers run: what an update costs, and whether any reader waits
//! on one. A reader that waited on updates would wait on most of them; the OS pauses a reader
//! only now and then, so the longest lookups of a window with updates are set beside those of a
//! window without.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ring_kit::{Lookup, Ring, RingAccess, hash_id};

use super::setup::Updates;
use crate::common::stats::{median, nanos};

// ANCHOR: updates
/// The phases readers go through: no writer, updates, done.
const IDLE: u8 = 0;
const UPDATING: u8 = 1;
const STOP: u8 = 2;

/// Readers on the other cores look up keys one at a time, timing each lookup: first for a while
/// with no writer (the baseline: on a shared machine the longest lookups are set by the OS
/// scheduler), then while `count` rings are built and published (a node joins, then leaves).
/// The `count / 2` longest lookups of each phase are kept, over all readers: a reader that waited
/// on updates would wait on most of them, while the OS preempts a reader only now and then.
/// After each publish the writer waits until every reader has looked up again, so no reader
/// can sleep through the updates on a busy machine and come back with nothing to show.
pub(super) fn updates<A: RingAccess>(
    access: &A,
    ring: &Ring,
    count: usize,
    cores: usize,
) -> Updates {
    let readers = cores.saturating_sub(1).max(1); // leave the writer a core
    let keep = count.div_ceil(2);
    let phase = AtomicU8::new(IDLE);
    let lookups: Vec<AtomicU64> = (0..readers).map(|_| AtomicU64::new(0)).collect();
    let (mut update, mut publish) = (Vec::new(), Vec::new());
    let pause = Duration::from_millis(2); // between updates: readers run on the new ring
    let (idle, during) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..readers as u64)
            .map(|r| {
                let (phase, lookups) = (&phase, &lookups[r as usize]);
                scope.spawn(move || read_until_stopped(access, phase, lookups, keep, r << 40))
            })
            .collect();
        std::thread::sleep(pause * count as u32 + Duration::from_millis(5));
        phase.store(UPDATING, Ordering::Relaxed);
        let mut current = ring.clone();
        for round in 0..count {
            let began = Instant::now();
            let mut next = current.clone();
            if round % 2 == 0 {
                next.add_node("node-joining").expect("a new name");
            } else {
                next.remove_node("node-joining").expect("it joined");
            }
            let built = began.elapsed();
            current = next.clone(); // bookkeeping, not timed
            let publishing = Instant::now();
            access.publish(next);
            let published = publishing.elapsed();
            if round % 2 == 0 {
                update.push(nanos(built + published)); // `update_ns`: a node joins
            }
            publish.push(nanos(published));
            std::thread::sleep(pause);
            every_reader_read_since(&lookups, pause);
        }
        phase.store(STOP, Ordering::Relaxed);
        workers
            .into_iter()
            .map(|w| w.join().expect("a reader panicked"))
            .fold(
                (Longest::new(keep), Longest::new(keep)),
                |(mut i, mut d), [idle, during]| {
                    i.merge(idle);
                    d.merge(during);
                    (i, d)
                },
            )
    });
    Updates {
        update_ns: median(update),
        publish_ns: median(publish),
        longest_lookup_ns: nanos(during.first()),
        longest_idle_lookup_ns: nanos(idle.first()),
        kept: keep,
        kth_longest_lookup_ns: nanos(during.last()),
        kth_longest_idle_lookup_ns: nanos(idle.last()),
    }
}

/// Waits (a second at most) until each reader's count of lookups has moved on from now.
fn every_reader_read_since(lookups: &[AtomicU64], pause: Duration) {
    let seen: Vec<u64> = lookups.iter().map(|l| l.load(Ordering::Relaxed)).collect();
    let give_up = Instant::now() + Duration::from_secs(1);
    while Instant::now() < give_up
        && lookups
            .iter()
            .zip(&seen)
            .any(|(l, &s)| l.load(Ordering::Relaxed) == s)
    {
        std::thread::sleep(pause / 10);
    }
}

/// One reader: looks up keys from `key` on, one at a time, and keeps the `keep` longest lookups
/// of each phase until told to stop, counting its lookups as it goes.
fn read_until_stopped<A: RingAccess>(
    access: &A,
    phase: &AtomicU8,
    lookups: &AtomicU64,
    keep: usize,
    mut key: u64,
) -> [Longest; 2] {
    let mut reader = access.reader();
    let mut longest = [Longest::new(keep), Longest::new(keep)];
    loop {
        let now = phase.load(Ordering::Relaxed);
        if now == STOP {
            return longest;
        }
        key += 1;
        let hash = hash_id(key);
        let began = Instant::now();
        black_box(reader.owner_of_hash(hash));
        longest[now as usize].offer(began.elapsed());
        lookups.fetch_add(1, Ordering::Relaxed);
    }
}

/// The `k` longest durations seen, longest first.
struct Longest(Vec<Duration>, usize);

impl Longest {
    fn new(k: usize) -> Longest {
        Longest(Vec::with_capacity(k + 1), k.max(1))
    }

    fn offer(&mut self, took: Duration) {
        let Longest(kept, k) = self;
        if kept.len() < *k || kept.last().is_some_and(|&shortest| took > shortest) {
            let at = kept.partition_point(|&d| d >= took);
            kept.insert(at, took);
            kept.truncate(*k);
        }
    }

    fn merge(&mut self, other: Longest) {
        other.0.into_iter().for_each(|d| self.offer(d));
    }

    fn first(&self) -> Duration {
        self.0.first().copied().unwrap_or_default()
    }

    /// The `k`-th longest (the shortest kept).
    fn last(&self) -> Duration {
        self.0.last().copied().unwrap_or_default()
    }
}
// ANCHOR_END: updates
