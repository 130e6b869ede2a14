//! The suite: what every way of sharing the ring must do, and what every FastGlobal must do.
//!
//! It is generic, so the same checks run on the naive strategies (`tests/naive.rs`), on your
//! FastGlobal (`tests/lab.rs`) and on the reference solution. Every check runs under
//! [`cluster::watchdog::within`]: a deadlocked reader fails with a sentence instead of hanging.
//!
//! - [`agrees_with_the_ring`]: 100,000 guilds, the same owner as the ring itself.
//! - [`whole_rings_while_publishing`]: a writer publishes a new ring every millisecond; readers
//!   only ever see whole rings, and see a new one within [`FRESHNESS`].
//! - [`concurrent_puts_lose_nothing`]: many threads create the same names and put at once; nothing
//!   crashes, every handle agrees, nothing is lost but what a later put overwrote.
//! - [`never_put_reads_none`]: reading a name nobody put is `None`.
//! - [`a_cached_reader_follows_puts`]: a cached reader sees each put made before its read.
//! - [`cached_readers_see_every_put_once_it_returns`]: while one thread puts, over and over, a
//!   cached reader on another thread always sees at least the last put that has returned.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, RwLock};
use std::time::{Duration, Instant};

use cluster::race::{Padded, sleep_till_next_burst};
use cluster::watchdog::within;

use crate::ring::{Ring, RingId, hash_id};
use crate::storm::Storm;
use crate::{Cached, Global, Lookup, Published, PublishedCached, RingAccess};

/// How long a reader may keep answering from an old ring after a newer one was published.
pub const FRESHNESS: Duration = Duration::from_millis(250);

/// The ring the checks use: ten nodes of 512 points, as in the reconnect storm.
pub fn production_ring() -> Ring {
    Ring::with_nodes(
        (0..10).map(|i| format!("node-{i}")),
        crate::ring::DEFAULT_REPLICAS,
    )
}

/// A name no other check (or test thread) uses.
pub fn fresh_name(what: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("check-{what}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Makes a ring strategy from a [`Global`]: the ring put under a fresh name.
pub fn published<G: Global<Ring>>(ring: Ring) -> Published<G> {
    let global = G::named(&fresh_name("ring"));
    global.put(ring);
    Published(global)
}

/// Makes a cached ring strategy from a [`Global`]: the ring put under a fresh name.
pub fn published_cached<G: Global<Ring>>(ring: Ring) -> PublishedCached<G> {
    let global = G::named(&fresh_name("ring"));
    global.put(ring);
    PublishedCached(global)
}

// ANCHOR: agrees
/// Every lookup through `start(ring)` names the owner the ring itself names, for 100,000 guilds:
/// one by one, by session, and prehashed.
pub fn agrees_with_the_ring<A, F>(start: F)
where
    A: RingAccess + 'static,
    F: FnOnce(Ring) -> A + Send + 'static,
{
    within(
        Duration::from_secs(120),
        "100,000 lookups did not finish in 120 s: is a lookup stuck on a lock or a reply?",
        move || {
            let ring = production_ring();
            let access = start(ring.clone());
            let mut reader = access.reader();
            let storm = Storm::new(20_000, 5, 42);
            let mut owners = vec![None; 5];
            for session in 0..storm.sessions() {
                let guilds = storm.session(session, false);
                let expected: Vec<_> = guilds.iter().map(|g| ring.placement(hash_id(*g))).collect();
                match session % 3 {
                    0 => reader.session(guilds, &mut owners),
                    1 => reader.session_prehashed(storm.session(session, true), &mut owners),
                    _ => {
                        for (guild, owner) in guilds.iter().zip(&mut owners) {
                            *owner = reader.owner(*guild);
                        }
                    }
                }
                assert_eq!(
                    owners, expected,
                    "session {session} (guilds {guilds:?}) got other owners than the ring gives"
                );
            }
        },
    );
}
// ANCHOR_END: agrees

/// Rings that differ in who owns what: published in turn, a mixed-up answer shows.
fn ring_variants() -> Vec<Ring> {
    let base = Ring::with_nodes((0..6).map(|i| format!("n{i}")), 64);
    let mut joined = base.clone();
    joined.add_node("n6").expect("a new name");
    let mut left = base.clone();
    left.remove_node("n0").expect("a present name");
    let mut both = joined.clone();
    both.remove_node("n3").expect("a present name");
    vec![base, joined, left, both]
}

// ANCHOR: whole_rings
/// While a writer publishes a new ring every millisecond, two readers only ever get answers from
/// whole rings (the answer's ring id and owner belong together), and never keep answering from an
/// old ring for longer than [`FRESHNESS`] after a newer one was published.
pub fn whole_rings_while_publishing<A, F>(start: F)
where
    A: RingAccess + 'static,
    F: FnOnce(Ring) -> A + Send + 'static,
{
    within(
        Duration::from_secs(60),
        "readers and a writer did not finish: does a read wait for a publish, or the reverse?",
        move || {
            let variants = ring_variants();
            // Which variant every published id is; written before the ring is published.
            let published: RwLock<Vec<usize>> = RwLock::new(vec![0]);
            let access = start(variants[0].clone().with_id(0));
            let newest = AtomicU64::new(0); // the newest id whose publish has returned
            let done = AtomicBool::new(false);
            std::thread::scope(|scope| {
                for reader_index in 0..2u64 {
                    let (access, published, newest, done, variants) =
                        (&access, &published, &newest, &done, &variants);
                    scope.spawn(move || {
                        let mut reader = access.reader();
                        let mut key = reader_index;
                        let mut stale_since: Option<(RingId, Instant)> = None;
                        while !done.load(Ordering::Acquire) {
                            key += 1;
                            let hash = hash_id(key);
                            let published_before = newest.load(Ordering::Acquire);
                            let answer = reader
                                .owner_of_hash(hash)
                                .expect("a ring was published, yet a lookup found none");
                            let variant = published.read().unwrap()[answer.ring as usize];
                            let expected = variants[variant].placement(hash).unwrap().node;
                            assert_eq!(
                                answer.node, expected,
                                "ring {}'s answer has another ring's owner: half a ring?",
                                answer.ring
                            );
                            if answer.ring >= published_before {
                                stale_since = None;
                                continue;
                            }
                            // Stale: start (or keep) the clock on the newest ring it misses.
                            let (waiting_for, since) = match stale_since {
                                Some((waiting_for, since)) if answer.ring < waiting_for => {
                                    (waiting_for, since)
                                }
                                _ => (published_before, Instant::now()),
                            };
                            stale_since = Some((waiting_for, since));
                            assert!(
                                since.elapsed() <= FRESHNESS,
                                "ring {waiting_for} was published, yet a reader \
                                 answered from ring {} {:?} later",
                                answer.ring,
                                since.elapsed()
                            );
                        }
                    });
                }
                let began = Instant::now();
                let mut id: RingId = 0;
                while began.elapsed() < Duration::from_millis(400) {
                    id += 1;
                    let variant = id as usize % variants.len();
                    published.write().unwrap().push(variant);
                    access.publish(variants[variant].clone().with_id(id));
                    newest.store(id, Ordering::Release);
                    std::thread::sleep(Duration::from_millis(1));
                }
                done.store(true, Ordering::Release);
            });
        },
    );
}
// ANCHOR_END: whole_rings

// ANCHOR: puts
/// Eight threads name the same global at the same moment and put into it and into one global of
/// their own, while reading. Nothing panics; every handle to a name sees one value; each thread's
/// own global keeps its last put; the shared one holds some thread's last put.
pub fn concurrent_puts_lose_nothing<G: Global<(usize, usize)>>() {
    within(
        Duration::from_secs(60),
        "concurrent puts did not finish in 60 s: does a put wait for something that never comes?",
        || {
            const THREADS: usize = 8;
            const PUTS: usize = 200;
            let shared = fresh_name("shared");
            let own: Vec<String> = (0..THREADS).map(|_| fresh_name("own")).collect();
            // Once on this thread first: a `todo!()` fails here once, not once per thread.
            let smoke = G::named(&fresh_name("smoke"));
            smoke.put((0, 0));
            assert_eq!(
                smoke.with(|v| *v),
                Some((0, 0)),
                "a put value did not read back"
            );
            let start = Barrier::new(THREADS);
            let handles: Vec<G> = std::thread::scope(|scope| {
                let workers: Vec<_> = (0..THREADS)
                    .map(|t| {
                        let (shared, own, start) = (&shared, &own[t], &start);
                        scope.spawn(move || {
                            start.wait(); // every thread creates the names at the same moment
                            let (global, mine) = (G::named(shared), G::named(own));
                            for i in 0..PUTS {
                                global.put((t, i));
                                mine.put((t, i));
                                let seen = global.with(|v| *v).expect("a put value vanished");
                                assert!(
                                    seen.0 < THREADS && seen.1 < PUTS,
                                    "read {seen:?}: never put"
                                );
                            }
                            global
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| {
                        w.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            });
            for (t, name) in own.iter().enumerate() {
                assert_eq!(
                    G::named(name).with(|v| *v),
                    Some((t, PUTS - 1)),
                    "thread {t}'s own global lost its last put"
                );
            }
            let last = G::named(&shared)
                .with(|v| *v)
                .expect("the shared global lost every put");
            assert_eq!(
                last.1,
                PUTS - 1,
                "the shared global holds {last:?}, not a last put"
            );
            for (t, handle) in handles.iter().enumerate() {
                assert_eq!(
                    handle.with(|v| *v),
                    Some(last),
                    "thread {t}'s handle sees another value than a fresh one: two globals for one name?"
                );
            }
        },
    );
}
// ANCHOR_END: puts

/// A name nobody put reads as `None`, through a handle and through a cached reader.
pub fn never_put_reads_none<G: Global<String>>() {
    within(
        Duration::from_secs(10),
        "reading an empty global did not return in 10 s",
        || {
            let global = G::named(&fresh_name("never-put"));
            assert_eq!(
                global.with(|v| v.clone()),
                None,
                "a name never put must read None, through `with`"
            );
            assert_eq!(
                global.cached().get(),
                None,
                "a cached reader of a name never put must read None"
            );
            assert_eq!(
                G::named(&fresh_name("never-put")).with(|v| v.len()),
                None,
                "a second name never put must read None too"
            );
        },
    );
}

/// A cached reader made before any put sees the first put, then the next one: its reads follow
/// the puts made before them, by any handle to the name.
pub fn a_cached_reader_follows_puts<G: Global<String>>() {
    within(
        Duration::from_secs(10),
        "reading after a put did not return in 10 s",
        || {
            let name = fresh_name("follows");
            let global = G::named(&name);
            let mut cached = global.cached();
            assert_eq!(
                cached.get(),
                None,
                "nothing was put yet, but the reader saw a value"
            );
            G::named(&name).put("first".to_owned());
            assert_eq!(
                global.with(|v| v.clone()).as_deref(),
                Some("first"),
                "a put through one handle is not seen through another handle to the same name"
            );
            assert_eq!(
                cached.get().map(String::as_str),
                Some("first"),
                "a cached reader missed a put: does `get` check whether a put happened?"
            );
            global.put("second".to_owned());
            assert_eq!(
                cached.get().map(String::as_str),
                Some("second"),
                "a cached reader kept a replaced value: does `get` reload after every put?"
            );
        },
    );
}

/// How many puts [`cached_readers_see_every_put_once_it_returns`] makes, each while a reader runs
/// on another core. A put that bumps the version before it stores the value is caught by the
/// first few of them; the rest is margin.
pub const PUTS_WITH_A_READER_RUNNING: u64 = 100;

/// How long [`cached_readers_see_every_put_once_it_returns`] may go on in all, on a machine so busy
/// that its readers seldom run while the writer does; it passes then, unable to tell.
pub const PUTS_CAP: Duration = Duration::from_secs(10);

/// A value that takes a while to move: 64 KiB, copied into place by every put. Copying it is
/// what makes a put slow enough for a cached reader to look at the global in the middle of one.
pub struct Bulky {
    /// Which put this is.
    pub put: u64,
    /// The bulk.
    pub pad: [u64; 8_192],
}

impl Bulky {
    /// The value of put number `put`.
    pub fn new(put: u64) -> Bulky {
        Bulky {
            put,
            pad: [put; 8_192],
        }
    }
}

// ANCHOR: every_put
/// While one thread puts, over and over, cached readers on other threads keep reading, and each
/// time a put has returned, every reader's next `get` must give that put's value (or a later one).
///
/// The writer puts value number *i*, announces *i*, and gives the readers a moment to read at
/// least *i* before the next put. The readers read all the time, and the writer only starts a
/// put when it sees one of them running at that moment on another core, so a reader also reads
/// in the middle of each put. A put that bumps the version *before* it stores the value lets a
/// reader that looks in between take the new version with the old value: it then believes it is
/// up to date and keeps the old value (the old ring) until the next put, hours away in production.
///
/// Whether a reader runs at that moment is the OS's choice, so readers and writer work in bursts
/// after sleeping together (see [`cluster::race`]), in short rounds on fresh threads the OS places anew,
/// until the stale value shows, or [`PUTS_WITH_A_READER_RUNNING`] puts are made, or [`PUTS_CAP`]
/// has passed.
pub fn cached_readers_see_every_put_once_it_returns<G: Global<Bulky>>() {
    within(
        PUTS_CAP + Duration::from_secs(20),
        "puts and cached reads did not finish in 30 s: does a read wait for a put, or the reverse?",
        || {
            const ROUND: Duration = Duration::from_millis(20);
            const STAGGER: Duration = Duration::from_micros(500);
            // How long the writer waits for the readers to look after a put.
            const PAUSE: Duration = Duration::from_micros(20);
            let readers =
                (std::thread::available_parallelism().map_or(2, usize::from) * 2).clamp(4, 8);
            let global = G::named(&fresh_name("every-put"));
            global.put(Bulky::new(0));
            let announced = AtomicU64::new(0); // the last put that has returned
            let stale: Mutex<Option<(u64, Option<u64>)>> = Mutex::new(None);
            let began = Instant::now();
            let (mut put, mut rounds) = (0, 0);
            while stale.lock().unwrap().is_none()
                && put < PUTS_WITH_A_READER_RUNNING
                && began.elapsed() < PUTS_CAP
            {
                rounds += 1;
                // Per reader: the last announced put it checked, and a heartbeat.
                let seen: Vec<Padded> = (0..readers).map(|_| Padded::new(put)).collect();
                let beats: Vec<Padded> = (0..readers).map(|_| Padded::new(0)).collect();
                let stop = AtomicBool::new(false);
                std::thread::scope(|scope| {
                    for (seen, beat) in seen.iter().zip(&beats) {
                        let (global, announced, stop, stale, began) =
                            (&global, &announced, &stop, &stale, began);
                        // Started one by one, so the OS sees each running before it places the
                        // next (started together, they tend to land on one core).
                        std::thread::sleep(STAGGER);
                        scope.spawn(move || {
                            let mut cached = global.cached();
                            let mut reads = 0u32;
                            while !stop.load(Ordering::Acquire) {
                                reads = reads.wrapping_add(1);
                                if reads.is_multiple_of(16) {
                                    sleep_till_next_burst(began);
                                }
                                beat.0.fetch_add(1, Ordering::Relaxed);
                                let returned = announced.load(Ordering::Acquire);
                                let got = cached.get().map(|value| value.put);
                                if got < Some(returned) {
                                    *stale.lock().unwrap() = Some((returned, got));
                                    stop.store(true, Ordering::Release);
                                    break;
                                }
                                seen.0.store(returned, Ordering::Release);
                            }
                        });
                    }
                    let (global, announced, stop, seen, beats, put) =
                        (&global, &announced, &stop, &seen, &beats, &mut put);
                    scope.spawn(move || {
                        let round = Instant::now();
                        while !stop.load(Ordering::Acquire)
                            && round.elapsed() < ROUND
                            && *put < PUTS_WITH_A_READER_RUNNING
                        {
                            if sleep_till_next_burst(began) {
                                continue;
                            }
                            if !a_reader_is_running(beats) {
                                std::thread::yield_now();
                                continue;
                            }
                            *put += 1;
                            global.put(Bulky::new(*put));
                            announced.store(*put, Ordering::Release);
                            // The readers look: wait until they all have, or PAUSE has passed
                            // (a reader the OS has put aside cannot hold the writer up).
                            let paused = Instant::now();
                            while !stop.load(Ordering::Acquire)
                                && paused.elapsed() < PAUSE
                                && seen.iter().any(|s| s.0.load(Ordering::Acquire) < *put)
                            {
                                std::hint::spin_loop();
                            }
                        }
                        stop.store(true, Ordering::Release);
                    });
                });
            }
            if let Some((returned, got)) = stale.into_inner().unwrap() {
                let got = got.map_or("nothing".to_owned(), |got| format!("put {got}'s value"));
                panic!(
                    "put {returned} had returned, yet a cached reader's next get gave {got} \
                     (after {:?}, {put} puts in {rounds} rounds): the reader took the new version \
                     with the old value, and would keep the old value until the next put. Does \
                     `put` bump the version before it stores the value? Store the value first \
                     (and in `get`, read the version before the value)",
                    began.elapsed()
                );
            }
        },
    );
}

/// Whether a reader's heartbeat moves while the calling thread spins for a microsecond: a reader
/// running right now, on another core.
fn a_reader_is_running(beats: &[Padded]) -> bool {
    let before: Vec<u64> = beats.iter().map(|b| b.0.load(Ordering::Relaxed)).collect();
    let spun = Instant::now();
    while spun.elapsed() < Duration::from_micros(1) {
        std::hint::spin_loop();
    }
    beats
        .iter()
        .zip(before)
        .any(|(beat, before)| beat.0.load(Ordering::Relaxed) != before)
}

// ANCHOR_END: every_put

/// Declares the lab's suite, one `#[test]` per check: the given strategies' checks (they are slow,
/// not wrong, and pass from the start), then every check on the FastGlobal type given by name
/// (e.g. `FastGlobal`). The lab (`tests/lab.rs`) and the reference solution (`tests/solution.rs`)
/// both expand it, so both run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($global:ident) => {
        #[test]
        fn actor_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring(|ring| {
                $crate::naive::Actor::start(ring, 2).expect("a cluster")
            });
        }

        #[test]
        fn actor_answers_from_whole_rings() {
            $crate::check::whole_rings_while_publishing(|ring| {
                $crate::naive::Actor::start(ring, 2).expect("a cluster")
            });
        }

        #[test]
        fn locked_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring($crate::naive::Locked::new);
        }

        #[test]
        fn locked_answers_from_whole_rings() {
            $crate::check::whole_rings_while_publishing($crate::naive::Locked::new);
        }

        #[test]
        fn read_locked_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring($crate::naive::ReadLocked::new);
        }

        #[test]
        fn read_locked_answers_from_whole_rings() {
            $crate::check::whole_rings_while_publishing($crate::naive::ReadLocked::new);
        }

        #[test]
        fn copy_out_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring($crate::naive::CopyOut::new);
        }

        #[test]
        fn copy_out_answers_from_whole_rings() {
            $crate::check::whole_rings_while_publishing($crate::naive::CopyOut::new);
        }

        #[test]
        fn a_name_never_put_reads_none() {
            $crate::check::never_put_reads_none::<$global<String>>();
        }

        #[test]
        fn a_cached_reader_follows_puts() {
            $crate::check::a_cached_reader_follows_puts::<$global<String>>();
        }

        #[test]
        fn cached_readers_see_every_put_once_it_returns() {
            $crate::check::cached_readers_see_every_put_once_it_returns::<
                $global<$crate::check::Bulky>,
            >();
        }

        #[test]
        fn concurrent_puts_lose_nothing() {
            $crate::check::concurrent_puts_lose_nothing::<$global<(usize, usize)>>();
        }

        #[test]
        fn fastglobal_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring($crate::check::published::<$global<_>>);
        }

        #[test]
        fn fastglobal_answers_from_whole_rings() {
            $crate::check::whole_rings_while_publishing($crate::check::published::<$global<_>>);
        }

        #[test]
        fn cached_reader_agrees_with_the_ring() {
            $crate::check::agrees_with_the_ring($crate::check::published_cached::<$global<_>>);
        }

        #[test]
        fn cached_reader_answers_from_whole_rings_and_follows_puts() {
            $crate::check::whole_rings_while_publishing(
                $crate::check::published_cached::<$global<_>>,
            );
        }
    };
}
