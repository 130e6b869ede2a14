//! The suite: what any semaphore and any guarded client must do. It runs on your code
//! (`tests/lab.rs`) and on the reference solution, and every check runs under a watchdog so a
//! deadlock fails with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named by what it checks, and fails
//! with one sentence that says what went wrong and what usually causes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use cluster::Cluster;
use cluster::race::{Padded, sleep_till_next_burst};
use cluster::watchdog::within;

use crate::model::{Config, simulate};
use crate::naive::Unguarded;
use crate::{Client, Limiter, Lookup, Outcome, OverLimit};

const LIMIT: Duration = Duration::from_secs(30);

/// How long [`two_callers_never_both_take_the_last_permit`] must have raced with two racers
/// running at the same moment (measured, not assumed) before it passes. A semaphore that checks
/// the count and then increments it in a second step is caught within a few milliseconds of that.
pub const RACE_CONCURRENTLY: Duration = Duration::from_millis(100);

/// How long [`two_callers_never_both_take_the_last_permit`] may race in all, on a machine so busy
/// that its racers seldom run at the same moment; it passes then, unable to tell.
pub const RACE_CAP: Duration = Duration::from_secs(10);

/// Takes one permit on the calling thread before a check starts its own threads, so a
/// `todo!()` (or any panic) in `try_acquire` is reported once, here, and not once per thread.
#[track_caller]
fn first_permit<L: Limiter>(semaphore: &L) {
    let permit = semaphore.try_acquire();
    assert!(
        permit.is_some(),
        "a fresh semaphore refused its first permit"
    );
}

/// Joins `workers`, re-raising the first panic among them as this check's failure.
fn join_all(workers: Vec<thread::JoinHandle<()>>) {
    let mut first_panic = None;
    for worker in workers {
        if let Err(panic) = worker.join() {
            first_panic.get_or_insert(panic);
        }
    }
    if let Some(panic) = first_panic {
        std::panic::resume_unwind(panic);
    }
}

// ANCHOR: never_more_than_max
/// With every core hammering one semaphore, no more than `max` permits are ever out at once, and
/// permits are actually handed out.
pub fn never_more_than_max<L: Limiter>() {
    within(
        LIMIT,
        "hammering the semaphore never finished: does try_acquire spin or block?",
        || {
            const MAX: usize = 3;
            let threads = thread::available_parallelism()
                .map_or(4, usize::from)
                .max(4);
            let semaphore = Arc::new(L::with_max(MAX));
            first_permit(&*semaphore);
            let holders = Arc::new(AtomicUsize::new(0));
            let granted = Arc::new(AtomicUsize::new(0));
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let (semaphore, holders, granted) = (
                        Arc::clone(&semaphore),
                        Arc::clone(&holders),
                        Arc::clone(&granted),
                    );
                    thread::spawn(move || {
                        for _ in 0..20_000 {
                            if let Some(permit) = semaphore.try_acquire() {
                                let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
                                assert!(
                                    now <= MAX,
                                    "{now} permits out at once from a semaphore of {MAX}: \
                                     checking the limit and taking the permit must be one \
                                     atomic step"
                                );
                                granted.fetch_add(1, Ordering::Relaxed);
                                holders.fetch_sub(1, Ordering::SeqCst);
                                drop(permit);
                            }
                        }
                    })
                })
                .collect();
            join_all(workers);
            assert!(
                granted.load(Ordering::Relaxed) > 0,
                "no permit was ever granted"
            );
            assert_eq!(
                semaphore.count(),
                0,
                "permits are still out after every holder dropped theirs"
            );
        },
    );
}
// ANCHOR_END: never_more_than_max

// ANCHOR: race
/// Callers racing for the one permit of a semaphore of 1 never both get it.
///
/// Four racers per core (at least eight) take the permit whenever they can, hold it for two
/// microseconds, give it back and wait a random moment before trying again, so that the one
/// giving it back and the ones spinning for it reach `try_acquire` together. Each holder counts
/// itself on a counter of holders of the check's own, so a second permit out shows even if the
/// semaphore's count looks fine. A `try_acquire` that loads the count, compares it with the
/// limit and then increments it in a second step lets two racers through whenever both load
/// before either increments: that shows within milliseconds of two racers running at the same
/// time on two cores.
///
/// When they do is the OS's choice (on a busy machine, rarely), so the racers race in bursts
/// after sleeping together (see [`cluster::race`]), and measure how long they raced side by side: the
/// race goes on, in rounds on fresh threads, until it has run [`RACE_CONCURRENTLY`] on two cores
/// at once, or two holders show, or [`RACE_CAP`] has passed.
pub fn two_callers_never_both_take_the_last_permit<L: Limiter>() {
    within(
        RACE_CAP + Duration::from_secs(10),
        "racing for one permit never finished: does try_acquire spin or block?",
        || {
            const MAX: usize = 1;
            const HOLD: Duration = Duration::from_micros(2);
            const ROUND: Duration = Duration::from_millis(25);
            const STAGGER: Duration = Duration::from_micros(500);
            let racers = (thread::available_parallelism().map_or(2, usize::from) * 4).clamp(8, 16);
            let semaphore = L::with_max(MAX);
            first_permit(&semaphore);
            let epoch = Instant::now();
            let holders = Padded::new(0);
            let most = Padded::new(0);
            let granted = Padded::new(0);
            // Nanoseconds each racer spent racing while another one was running too, summed.
            let concurrent = Padded::new(0);
            let beats: Vec<Padded> = (0..racers).map(|_| Padded::new(0)).collect();
            let racing_enough = || {
                let concurrent = Duration::from_nanos(concurrent.0.load(Ordering::Relaxed));
                concurrent >= RACE_CONCURRENTLY * 2 || epoch.elapsed() >= RACE_CAP
            };
            let mut rounds = 0;
            while most.0.load(Ordering::Relaxed) <= MAX as u64 && !racing_enough() {
                rounds += 1;
                let round_ends = epoch.elapsed() + ROUND + STAGGER * racers as u32;
                let stop = Padded::new(0);
                thread::scope(|scope| {
                    for racer in 0..racers {
                        let (semaphore, holders, most, granted, concurrent, beats, stop) = (
                            &semaphore,
                            &holders,
                            &most,
                            &granted,
                            &concurrent,
                            &beats,
                            &stop,
                        );
                        let racing_enough = &racing_enough;
                        if racer > 0 {
                            // Started one by one, so the OS sees each running before it places
                            // the next (started together, they tend to land on one core).
                            thread::sleep(STAGGER);
                        }
                        scope.spawn(move || {
                            let mut random = 0x9E37_79B9_7F4A_7C15 ^ (racer as u64 + 1);
                            let (mut beat, mut looked, mut others_then) = (0, Instant::now(), 0);
                            while stop.0.load(Ordering::Relaxed) == 0 {
                                beat += 1;
                                beats[racer].0.store(beat, Ordering::Relaxed);
                                if let Some(permit) = semaphore.try_acquire() {
                                    let now = holders.0.fetch_add(1, Ordering::SeqCst) + 1;
                                    if now > MAX as u64 {
                                        most.0.fetch_max(now, Ordering::Relaxed);
                                        stop.0.store(1, Ordering::Relaxed);
                                    }
                                    let held = Instant::now();
                                    while held.elapsed() < HOLD {
                                        std::hint::spin_loop();
                                    }
                                    // Counted out before it is given back: with a correct
                                    // semaphore, no other racer can be counted in before this.
                                    holders.0.fetch_sub(1, Ordering::SeqCst);
                                    drop(permit);
                                    granted.0.fetch_add(1, Ordering::Relaxed);
                                    // xorshift: a random pause of up to 64 spins.
                                    random ^= random << 13;
                                    random ^= random >> 7;
                                    random ^= random << 17;
                                    for _ in 0..random % 64 {
                                        std::hint::spin_loop();
                                    }
                                }
                                // Every 10 µs, see whether another racer moved meanwhile: if
                                // this one ran all along (no gap), they raced side by side.
                                let since = looked.elapsed();
                                if since >= Duration::from_micros(10) {
                                    let others = beats
                                        .iter()
                                        .enumerate()
                                        .filter(|(other, _)| *other != racer)
                                        .map(|(_, beat)| beat.0.load(Ordering::Relaxed))
                                        .fold(0u64, u64::wrapping_add);
                                    if since <= Duration::from_micros(100) && others != others_then
                                    {
                                        concurrent
                                            .0
                                            .fetch_add(since.as_nanos() as u64, Ordering::Relaxed);
                                    }
                                    (looked, others_then) = (Instant::now(), others);
                                    if epoch.elapsed() >= round_ends || racing_enough() {
                                        stop.0.store(1, Ordering::Relaxed);
                                    }
                                    if sleep_till_next_burst(epoch) {
                                        looked = Instant::now();
                                    }
                                }
                            }
                        });
                    }
                });
            }
            let most = most.0.load(Ordering::Relaxed);
            let concurrent = Duration::from_nanos(concurrent.0.load(Ordering::Relaxed) / 2);
            assert!(
                most <= MAX as u64,
                "{most} callers held a permit at once from a semaphore of {MAX} (after {:?}, \
                 {concurrent:?} of it racing on two cores, round {rounds}): they all saw the \
                 count below the limit and each took a permit. Checking the limit and taking the \
                 permit must be one atomic step (a compare_exchange loop), not a load and then a \
                 separate increment",
                epoch.elapsed()
            );
            assert!(
                granted.0.load(Ordering::Relaxed) > 0,
                "{racers} callers raced for {:?} and no permit was ever granted",
                epoch.elapsed()
            );
        },
    );
}

// ANCHOR_END: race

/// A semaphore of 2 gives two permits and refuses a third while both are out.
pub fn a_full_semaphore_refuses<L: Limiter>() {
    within(LIMIT, "taking permits never finished", || {
        let semaphore = L::with_max(2);
        let _first = semaphore
            .try_acquire()
            .expect("a fresh semaphore of 2 refused its first permit");
        let _second = semaphore
            .try_acquire()
            .expect("a semaphore of 2 with one permit out refused the second");
        assert!(
            semaphore.try_acquire().is_none(),
            "a third permit came out of a semaphore of 2"
        );
        assert_eq!(
            semaphore.count(),
            2,
            "two permits are out, but count() says otherwise"
        );
    });
}

/// Dropping a permit gives it back, and the freed permit can be taken again.
pub fn a_dropped_permit_comes_back<L: Limiter>() {
    within(LIMIT, "giving a permit back never finished", || {
        let semaphore = L::with_max(2);
        let first = semaphore.try_acquire().expect("a first permit");
        let _second = semaphore.try_acquire().expect("a second permit");
        drop(first);
        assert_eq!(
            semaphore.count(),
            1,
            "dropping a permit did not give it back (is `Drop for Permit` written?)"
        );
        assert!(
            semaphore.try_acquire().is_some(),
            "a dropped permit could not be taken again"
        );
    });
}

/// A holder that panics gives its permit back as the panic unwinds.
pub fn a_panicking_holder_gives_its_permit_back<L: Limiter>() {
    within(LIMIT, "a panicking holder never finished", || {
        let semaphore = L::with_max(2);
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = semaphore.try_acquire().expect("a first permit");
            panic!("the call crashed while holding its permit");
        }));
        assert!(unwound.is_err());
        assert_eq!(
            semaphore.count(),
            0,
            "a permit held by a panicking call leaked: the permit must give itself back in Drop"
        );
    });
}

/// `call` runs `f` under a permit and gives the permit back, also when `f` panics.
pub fn call_gives_its_permit_back_even_if_f_panics<L: Limiter>() {
    within(LIMIT, "call never finished", || {
        let semaphore = L::with_max(2);
        let inside = semaphore.call(|| semaphore.count());
        assert_eq!(
            inside,
            Ok(1),
            "call(f) must run f holding one permit (count() inside f should be 1)"
        );
        assert_eq!(
            semaphore.count(),
            0,
            "call kept its permit after f returned"
        );
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            semaphore.call(|| panic!("boom"))
        }));
        assert!(crashed.is_err(), "call swallowed the panic of f");
        assert_eq!(
            semaphore.count(),
            0,
            "call leaked its permit when f panicked: hold the permit in a variable, so Drop gives \
             it back on unwinding"
        );
    });
}

/// `call` on a full semaphore returns `Err(OverLimit)` without running `f`.
pub fn call_refuses_without_running_f_when_full<L: Limiter>() {
    within(LIMIT, "call on a full semaphore never finished", || {
        let semaphore = L::with_max(2);
        let _a = semaphore.try_acquire().expect("a first permit");
        let _b = semaphore.try_acquire().expect("a second permit");
        let ran = AtomicBool::new(false);
        let refused = semaphore.call(|| ran.store(true, Ordering::Relaxed));
        assert!(
            !ran.load(Ordering::Relaxed),
            "call ran f although every permit was out"
        );
        assert_eq!(
            refused,
            Err(OverLimit),
            "call on a full semaphore must return Err(OverLimit)"
        );
    });
}

/// A limit lowered below the current count refuses new permits until enough come back (the
/// open bug #6 of Discord's library clamps the counter down and lets the caller in).
pub fn a_lowered_limit_refuses_new_permits<L: Limiter>() {
    within(LIMIT, "lowering the limit never finished", || {
        let semaphore = L::with_max(5);
        let held: Vec<_> = (0..5)
            .map(|_| semaphore.try_acquire().expect("a permit under the limit"))
            .collect();
        semaphore.set_max(3);
        assert!(
            semaphore.try_acquire().is_none(),
            "5 permits out, limit lowered to 3, and a 6th got in: refuse when count >= max, \
             not only when count == max"
        );
        assert_eq!(
            semaphore.count(),
            5,
            "lowering the limit changed the count of permits out"
        );
        let mut held = held;
        held.truncate(3); // two come back: 3 out, still at the limit
        assert!(
            semaphore.try_acquire().is_none(),
            "3 out with a limit of 3, and a 4th got in"
        );
        held.truncate(2);
        assert!(
            semaphore.try_acquire().is_some(),
            "2 out with a limit of 3, and the 3rd was refused"
        );
    });
}

/// Runs every semaphore check.
pub fn semaphore_suite<L: Limiter>() {
    never_more_than_max::<L>();
    two_callers_never_both_take_the_last_permit::<L>();
    a_full_semaphore_refuses::<L>();
    a_dropped_permit_comes_back::<L>();
    a_panicking_holder_gives_its_permit_back::<L>();
    call_gives_its_permit_back_even_if_f_panics::<L>();
    call_refuses_without_running_f_when_full::<L>();
    a_lowered_limit_refuses_new_permits::<L>();
}

/// The limit per (session node, registry) in the guarded client's own checks.
const GUARD_LIMIT: usize = 3;

/// A one-registry, one-session-node config with a limit of [`GUARD_LIMIT`]: what the guarded
/// client is built from in [`guarded_rejects_a_call_over_the_limit`].
fn one_pair() -> Config {
    Config {
        session_nodes: 1,
        limit: GUARD_LIMIT,
        ..Config::stampede(1, 1)
    }
}

// ANCHOR: guarded_rejects
/// From one session node to one registry: a first call is answered; then, with the registry
/// holding every request without replying, [`GUARD_LIMIT`] calls go through and the next one is
/// `Rejected` at once, without reaching the registry. When the held calls time out, their permits
/// come back and a new call goes through.
pub fn guarded_rejects_a_call_over_the_limit<C: Client>(
    make: impl FnOnce(&Config) -> C + Send + 'static,
) {
    within(
        LIMIT,
        "calls through the guarded client never finished: a deadlock in the client?",
        move || {
            const TIMEOUT: Duration = Duration::from_secs(5);
            // Guilds from here on are held by the registry; those below are answered at once.
            const HELD: u64 = 1_000;
            let config = one_pair();
            let cluster = Cluster::virtual_time(config.nodes()).expect("a virtual-time cluster");
            let client = Arc::new(make(&config));
            let (registry_node, session) = (cluster.node(0), cluster.node(1));
            let received = Arc::new(AtomicUsize::new(0));
            let registry = registry_node.spawn({
                let received = Arc::clone(&received);
                move |mut inbox: cluster::Process<Lookup>| async move {
                    let mut held = Vec::new();
                    while let Some(request) = inbox.recv().await {
                        received.fetch_add(1, Ordering::SeqCst);
                        if request.body >= HELD {
                            held.push(request); // never answered: its caller times out
                        } else {
                            let guild = request.body;
                            let _ = request.reply(inbox.node(), guild);
                        }
                    }
                }
            });
            let call = |guild: u64| {
                let (client, node) = (Arc::clone(&client), session.clone());
                async move { client.call(&node, 0, registry, guild, TIMEOUT).await }
            };
            cluster.block_on(async {
                // One call on this thread first: a client that panics fails here, once.
                let first = call(1).await;
                assert!(
                    first == Outcome::Replied,
                    "the first call through the guarded client ended {first:?}, not Replied: \
                     with no other call in flight it must get a permit and call the registry"
                );
                let held: Vec<_> = (0..GUARD_LIMIT as u64)
                    .map(|i| session.runtime().spawn(call(HELD + i)))
                    .collect();
                tokio::time::sleep(Duration::from_millis(1)).await; // they reach the registry
                let arrived = received.load(Ordering::SeqCst) - 1;
                assert!(
                    arrived == GUARD_LIMIT,
                    "{GUARD_LIMIT} calls under a limit of {GUARD_LIMIT}, but {arrived} reached \
                     the registry: the client must let calls through while permits are left"
                );
                let over = tokio::time::timeout(Duration::from_millis(1), call(2)).await;
                let arrived = received.load(Ordering::SeqCst) - 1;
                assert!(
                    matches!(over, Ok(Outcome::Rejected)) && arrived == GUARD_LIMIT,
                    "{GUARD_LIMIT} calls were in flight with a limit of {GUARD_LIMIT}, yet one \
                     more was not rejected at once ({}): the guarded client must hold its permit \
                     until the reply or the timeout. `let Some(_) = semaphore.try_acquire() \
                     else {{..}}` drops the permit on the spot; bind it to a name that lives \
                     through the call: `let Some(_permit) = ...`",
                    match over {
                        Ok(Outcome::Rejected) => "rejected, but sent to the registry anyway",
                        Ok(Outcome::Replied) => "it was sent to the registry and answered",
                        Ok(Outcome::TimedOut) => "it was sent to the registry and timed out",
                        Err(_) => "it was still waiting after 1 ms",
                    }
                );
                for call in held {
                    let outcome = call.await.expect("a held call's task");
                    assert!(
                        outcome == Outcome::TimedOut,
                        "a call the registry never answered ended {outcome:?}, not TimedOut"
                    );
                }
                let after = call(3).await;
                assert!(
                    after == Outcome::Replied,
                    "every earlier call had timed out, yet the next call ended {after:?}: a \
                     permit must come back when its call ends, by reply or by timeout"
                );
            });
        },
    );
}
// ANCHOR_END: guarded_rejects

// ANCHOR: guarded_check
/// The guarded client serves the whole (small) stampede, never lets the registry queue exceed
/// the sum of its limits, and the run conserves every call and session.
pub fn guarded_serves_the_stampede<C: Client>(make: impl FnOnce(&Config) -> C + Send + 'static) {
    within(
        Duration::from_secs(120),
        "the guarded stampede never finished: a deadlock in the client?",
        move || {
            let config = Config::small_stampede();
            let client = Arc::new(make(&config));
            // One session first: a client that panics fails here with one message, not a thousand.
            let one = Config {
                sessions: 1,
                background_load: 0.0,
                ..config.clone()
            };
            simulate(&one, Arc::clone(&client))
                .unwrap_or_else(|broken| panic!("a single session failed: {broken}"));
            let run = simulate(&config, client).unwrap_or_else(|broken| panic!("{broken}"));
            let figures = &run.figures;
            assert!(
                figures.rejected > 0,
                "the guarded client never rejected a call, with {} calls timing out: it must hold \
                 its permit for the whole call. `let Some(_) = semaphore.try_acquire() else \
                 {{..}}` drops the permit on the spot; bind it to a name: `let Some(_permit) = ...`",
                figures.timed_out
            );
            assert!(
                figures.peak_queue <= config.limit_sum(),
                "the registry queue reached {} with limits summing to {}: is there one semaphore \
                 per (session node, registry), each with `limit` permits?",
                figures.peak_queue,
                config.limit_sum()
            );
            assert!(
                figures.served_fraction == 1.0,
                "the guarded client served {} of {} sessions in {:?} ({} calls rejected, {} timed \
                 out): do permits come back when a call ends?",
                config.sessions as u64 - figures.unserved,
                config.sessions,
                config.duration,
                figures.rejected,
                figures.timed_out
            );
            let ideal = config.ideal_s();
            let took = figures.time_to_all_served_s.unwrap_or(f64::INFINITY);
            assert!(
                took <= 1.5 * ideal,
                "serving everyone took {took:.1} s, more than 1.5 × the ideal {ideal:.1} s"
            );
        },
    );
}
// ANCHOR_END: guarded_check

/// The naive client on the same stampede collapses (the model's own sanity check): few sessions
/// served, goodput near zero at the end, most registry work wasted, and yet nothing lost.
pub fn naive_collapses() {
    within(
        Duration::from_secs(120),
        "the naive stampede never finished",
        || {
            let run = simulate(&Config::small_stampede(), Unguarded)
                .unwrap_or_else(|broken| panic!("{broken}"));
            let figures = &run.figures;
            assert!(
                figures.served_fraction < 0.5,
                "the naive stampede did not collapse: {figures:?}"
            );
            assert!(
                figures.goodput_after_trigger_ratio < 0.1,
                "naive goodput recovered: {figures:?}"
            );
            assert!(
                figures.wasted_work_fraction > 0.5,
                "naive registries did little wasted work: {figures:?}"
            );
        },
    );
}

/// Declares one `#[test]` per check for a semaphore type and its guarded client, so the lab
/// (`tests/lab.rs`) and the reference solution run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($semaphore:ty, $guarded:ty) => {
        #[test]
        fn naive_client_collapses_in_the_stampede() {
            $crate::check::naive_collapses();
        }

        #[test]
        fn never_more_than_max() {
            $crate::check::never_more_than_max::<$semaphore>();
        }

        #[test]
        fn two_callers_never_both_take_the_last_permit() {
            $crate::check::two_callers_never_both_take_the_last_permit::<$semaphore>();
        }

        #[test]
        fn a_full_semaphore_refuses() {
            $crate::check::a_full_semaphore_refuses::<$semaphore>();
        }

        #[test]
        fn a_dropped_permit_comes_back() {
            $crate::check::a_dropped_permit_comes_back::<$semaphore>();
        }

        #[test]
        fn a_panicking_holder_gives_its_permit_back() {
            $crate::check::a_panicking_holder_gives_its_permit_back::<$semaphore>();
        }

        #[test]
        fn call_gives_its_permit_back_even_if_f_panics() {
            $crate::check::call_gives_its_permit_back_even_if_f_panics::<$semaphore>();
        }

        #[test]
        fn call_refuses_without_running_f_when_full() {
            $crate::check::call_refuses_without_running_f_when_full::<$semaphore>();
        }

        #[test]
        fn a_lowered_limit_refuses_new_permits() {
            $crate::check::a_lowered_limit_refuses_new_permits::<$semaphore>();
        }

        #[test]
        fn guarded_rejects_a_call_over_the_limit() {
            $crate::check::guarded_rejects_a_call_over_the_limit(
                |config: &$crate::model::Config| {
                    <$guarded>::new(config.nodes(), config.registries, config.limit)
                },
            );
        }

        #[test]
        fn guarded_serves_the_stampede() {
            $crate::check::guarded_serves_the_stampede(|config: &$crate::model::Config| {
                <$guarded>::new(config.nodes(), config.registries, config.limit)
            });
        }
    };
}
