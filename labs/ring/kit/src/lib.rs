//! Lab: fast access shared data.
//!
//! Every Discord session that connects looks up, for each of its guilds, the node that owns the
//! guild on a consistent hash ring ([`ring`]). After a restart half a million sessions do that at
//! once: 2.5 million lookups. How long they take depends almost entirely on *how a session gets at
//! the ring*, and the blog climbs a ladder:
//!
//! | rung | BEAM | per lookup (blog) | here |
//! | --- | --- | --- | --- |
//! | a process owns the ring | GenServer call | 12 µs | [`naive::Actor`] |
//! | ETS: a shared table, values copied out | `:ets.lookup` | 7 µs | [`naive::CopyOut`] |
//! | FastGlobal: a shared constant, no copy | compiled module | 0.3 µs | `FastGlobal` (yours, `labs/ring/src/fastglobal.rs`) |
//!
//! Rust has rungs the BEAM does not ([`naive::Locked`], [`naive::ReadLocked`]: share the ring
//! behind a lock, no copy) and a floor ([`naive::Raw`]: a plain `&Ring`, which only works because
//! it never changes).
//!
//! # The two traits
//!
//! A strategy is shared by every thread ([`RingRead`], `Send + Sync`), and each thread reads through
//! its own [`Lookup`] reader. For most strategies the reader is just a reference; a *cached* reader
//! keeps thread-local state (its own handle on the current ring), which is why the split exists.
//! [`RingAccess`] adds publishing a new ring.
//!
//! # What you write
//!
//! `labs/ring/src/fastglobal.rs` (crate `lab-ring`): a named global with lock-free, copy-free reads ([`Global`]) and a cached reader
//! ([`Cached`]). The adapters that turn any [`Global`] into a ring strategy ([`Published`],
//! [`PublishedCached`]) are given, so your global is measured exactly like the reference.
//! Run `cargo test -p lab-ring` until [`check`]'s suite ([`suite!`]) passes, then
//! `cargo run --release -- labs` for the bar.

pub mod check;
pub mod naive;
pub mod ring;
pub mod storm;

pub use crate::ring::{Placement, Ring, RingId, hash_id, hash_key};

// ANCHOR: traits
/// A way to share the ring between threads: each thread gets its own reader.
pub trait RingRead: Send + Sync {
    /// What one thread reads through.
    type Reader<'a>: Lookup
    where
        Self: 'a;

    /// A reader for the calling thread.
    fn reader(&self) -> Self::Reader<'_>;
}

/// A way to share the ring that can also replace it.
pub trait RingAccess: RingRead {
    /// Makes `ring` the one every later lookup sees. Readers must never see half of it.
    fn publish(&self, ring: Ring);
}

/// One thread's view of the shared ring.
pub trait Lookup {
    /// The owner of the key whose ring hash is `hash` (the access cost alone); `None` when there
    /// is no ring yet or it is empty.
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement>;

    /// The owner of a guild: hash its id, then look it up (what a session does).
    fn owner(&mut self, guild: u64) -> Option<Placement> {
        self.owner_of_hash(hash_id(guild))
    }

    /// A session's lookups, one per guild, into `owners`. By default one read of the shared ring
    /// per lookup; a strategy may read once for the whole session.
    fn session(&mut self, guilds: &[u64], owners: &mut [Option<Placement>]) {
        for (guild, owner) in guilds.iter().zip(owners) {
            *owner = self.owner(*guild);
        }
    }

    /// [`Lookup::session`] with the hashes computed beforehand.
    fn session_prehashed(&mut self, hashes: &[u64], owners: &mut [Option<Placement>]) {
        for (hash, owner) in hashes.iter().zip(owners) {
            *owner = self.owner_of_hash(*hash);
        }
    }
}
// ANCHOR_END: traits

// ANCHOR: global
/// FastGlobal's contract: a value shared under a name, read far more often than written.
///
/// - [`Global::named`] is `FastGlobal.new/1`: it finds (or creates) the global called `name` and
///   returns a handle, so a hot path never looks the name up again.
/// - [`Global::put`] replaces the value; puts are rare and may be slow, but never lose a value to
///   a concurrent put of another name, and never crash.
/// - [`Global::with`] reads: lock-free (a writer never blocks it) and copy-free (the value is
///   borrowed, not cloned). `None` when nothing was ever put under the name.
/// - [`Global::cached`] makes a reader for one thread that keeps the value at hand and reloads only
///   when a put has replaced it.
///
/// Handles to one name, made on any thread, all see the same value. Names are per value type.
pub trait Global<T: Send + Sync + 'static>: Clone + Send + Sync + 'static {
    /// One thread's cached reader.
    type Cached: Cached<T>;
    /// The global called `name`, created empty if it does not exist yet.
    fn named(name: &str) -> Self;
    /// Replaces the value.
    fn put(&self, value: T);
    /// Runs `read` on the current value without copying it; `None` if nothing was ever put.
    fn with<R>(&self, read: impl FnOnce(&T) -> R) -> Option<R>;
    /// A cached reader for the calling thread.
    fn cached(&self) -> Self::Cached;
}

/// A thread's cached reader of a [`Global`].
pub trait Cached<T> {
    /// The current value (reloaded first if a put replaced it), or `None` if nothing was put.
    fn get(&mut self) -> Option<&T>;
}
// ANCHOR_END: global

// ANCHOR: published
/// A ring published through a [`Global`]: each session takes one read for all its lookups.
pub struct Published<G>(pub G);

impl<G: Global<Ring>> RingRead for Published<G> {
    type Reader<'a> = GlobalLookup<'a, G>;
    fn reader(&self) -> GlobalLookup<'_, G> {
        GlobalLookup(&self.0)
    }
}

impl<G: Global<Ring>> RingAccess for Published<G> {
    fn publish(&self, ring: Ring) {
        self.0.put(ring);
    }
}

/// A thread's lookups straight through a [`Global`] handle.
pub struct GlobalLookup<'a, G>(pub &'a G);

impl<G: Global<Ring>> Lookup for GlobalLookup<'_, G> {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.0.with(|ring| ring.placement(hash)).flatten()
    }

    fn session(&mut self, guilds: &[u64], owners: &mut [Option<Placement>]) {
        self.0
            .with(|ring| {
                for (guild, owner) in guilds.iter().zip(owners.iter_mut()) {
                    *owner = ring.placement(hash_id(*guild));
                }
            })
            .unwrap_or_else(|| owners.fill(None));
    }

    fn session_prehashed(&mut self, hashes: &[u64], owners: &mut [Option<Placement>]) {
        self.0
            .with(|ring| {
                for (hash, owner) in hashes.iter().zip(owners.iter_mut()) {
                    *owner = ring.placement(*hash);
                }
            })
            .unwrap_or_else(|| owners.fill(None));
    }
}
// ANCHOR_END: published

/// A ring published through a [`Global`], read through each thread's [`Cached`] reader.
pub struct PublishedCached<G>(pub G);

impl<G: Global<Ring>> RingRead for PublishedCached<G> {
    type Reader<'a> = CachedLookup<G::Cached>;
    fn reader(&self) -> Self::Reader<'_> {
        CachedLookup(self.0.cached())
    }
}

impl<G: Global<Ring>> RingAccess for PublishedCached<G> {
    fn publish(&self, ring: Ring) {
        self.0.put(ring);
    }
}

/// A thread's lookups through a cached reader: one freshness check per session.
pub struct CachedLookup<C>(pub C);

impl<C: Cached<Ring>> Lookup for CachedLookup<C> {
    fn owner_of_hash(&mut self, hash: u64) -> Option<Placement> {
        self.0.get()?.placement(hash)
    }

    fn session(&mut self, guilds: &[u64], owners: &mut [Option<Placement>]) {
        match self.0.get() {
            Some(ring) => {
                for (guild, owner) in guilds.iter().zip(owners.iter_mut()) {
                    *owner = ring.placement(hash_id(*guild));
                }
            }
            None => owners.fill(None),
        }
    }

    fn session_prehashed(&mut self, hashes: &[u64], owners: &mut [Option<Placement>]) {
        match self.0.get() {
            Some(ring) => {
                for (hash, owner) in hashes.iter().zip(owners.iter_mut()) {
                    *owner = ring.placement(*hash);
                }
            }
            None => owners.fill(None),
        }
    }
}
