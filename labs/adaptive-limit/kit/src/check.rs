//! The suite: what an AIMD limiter must do. It runs on your limiter (`tests/lab.rs`) and on the
//! reference one (`tests/solution.rs`); every check runs under a watchdog, so a limiter that spins
//! or deadlocks fails with a sentence instead of hanging.
//!
//! The checks feed the limiter samples on a clock of their own, so every expected limit can be
//! worked out by hand: a fast reply adds `1 / limit`; a drop (a timeout, a rejection, a reply
//! slower than `slow`) multiplies the limit by `backoff`, once per window; the limit stays within
//! `[min, max]`. Each check is its own `#[test]` ([`suite!`](crate::suite)) and fails with a
//! sentence saying what it saw and what usually causes it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use cluster::race::sleep_till_next_burst;
use cluster::watchdog::within;

use crate::cases::{Case, Scale};
use crate::strategies::{Strategy, run_case};
use crate::{AdaptiveLimiter, Outcome, Sample, Settings};

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Samples [`concurrent_updates_are_not_lost`] wants *raced* (made while another racer made one
/// too) before it calls a limiter safe. A limiter that loads the limit and stores a new one in a
/// second step loses an update within the first few hundred.
pub const RACED_SAMPLES: u64 = 20_000;

/// The longest [`concurrent_updates_are_not_lost`] races, on a machine too busy to run its racers
/// side by side; it then passes, unable to tell, and says so on stderr.
pub const RACE_CAP: Duration = Duration::from_secs(10);

/// The settings of the checks: `slow` of 1 s, halving, limits in `[1, max]`.
pub fn settings(initial: f64, max: f64) -> Settings {
    Settings {
        initial,
        min: 1.0,
        max,
        slow: Duration::from_secs(1),
        backoff: 0.5,
    }
}

/// A sample of a call that started at `started` s and took `latency` s.
pub fn sample(started: f64, latency: f64, outcome: Outcome, in_flight: usize) -> Sample {
    Sample {
        started: Duration::from_secs_f64(started),
        latency: Duration::from_secs_f64(latency),
        outcome,
        in_flight,
    }
}

/// The limit after `n` fast replies from `limit`, one at a time: `limit + 1 / limit` each,
/// capped at `max`.
pub fn grown(mut limit: f64, n: usize, max: f64) -> f64 {
    for _ in 0..n {
        limit = (limit + 1.0 / limit).min(max);
    }
    limit
}

#[track_caller]
fn assert_limit<L: AdaptiveLimiter>(limiter: &L, want: f64, what: &str) {
    let got = limiter.limit();
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: the limit is {got}, not {want}"
    );
}

/// A new limiter's limit is its initial one.
pub fn starts_at_its_initial_limit<L: AdaptiveLimiter>() {
    within(LIMIT, "building a limiter never finished", || {
        assert_limit(
            &L::new(&settings(10.0, 1000.0)),
            10.0,
            "a new limiter of 10",
        );
    });
}

/// Each fast reply adds `1 / limit`: about one per window of `limit` replies.
pub fn a_fast_reply_adds_one_over_the_limit<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting fast replies never finished", || {
        let limiter = L::new(&settings(10.0, 1000.0));
        limiter.on_sample(&sample(0.0, 0.01, Outcome::Ok, 10));
        let got = limiter.limit();
        assert!(
            (got - 10.1).abs() < 1e-9,
            "one reply in 10 ms (under `slow`, 1 s) took a limit of 10 to {got}, not 10.1: a fast \
             reply should add 1 / limit{}",
            if got == 10.0 {
                " (did the increase round down to nothing, or go unstored?)"
            } else if got >= 11.0 {
                " (one a reply doubles the limit every window: too fast to notice a queue)"
            } else {
                ""
            }
        );
        for i in 1..10 {
            limiter.on_sample(&sample(f64::from(i) * 0.01, 0.01, Outcome::Ok, 10));
        }
        assert_limit(
            &limiter,
            grown(10.0, 10, 1000.0),
            "after 10 fast replies from 10 (one window: the limit should grow by about one)",
        );
    });
}

/// A timeout, a rejection, and a reply slower than `slow` each halve the limit.
pub fn a_drop_halves_the_limit<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting drops never finished", || {
        let limiter = L::new(&settings(64.0, 1000.0));
        limiter.on_sample(&sample(0.0, 5.0, Outcome::TimedOut, 1));
        assert_limit(&limiter, 32.0, "a limit of 64, after one call timed out");
        limiter.on_sample(&sample(6.0, 0.001, Outcome::Rejected, 1));
        assert_limit(
            &limiter,
            16.0,
            "a limit of 32, after a call started later was rejected by the registry",
        );
        limiter.on_sample(&sample(7.0, 2.0, Outcome::Ok, 1));
        assert_limit(
            &limiter,
            8.0,
            "a limit of 16, after a call started later replied in 2 s, over `slow` (1 s): a slow \
             reply is a drop too",
        );
        limiter.on_sample(&sample(10.0, 3.0, Outcome::Ignored, 1));
        assert_limit(
            &limiter,
            8.0,
            "a limit of 8, after an Ignored sample (it tells nothing: nothing should change)",
        );
    });
}

// ANCHOR: once_per_window
/// Many calls in flight together that all time out decrease the limit once, not once each: the
/// drop of a call that started before the last decrease is ignored.
pub fn one_decrease_per_window<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting timeouts never finished", || {
        let limiter = L::new(&settings(64.0, 1000.0));
        for _ in 0..64 {
            limiter.on_sample(&sample(0.0, 5.0, Outcome::TimedOut, 64));
        }
        let got = limiter.limit();
        assert!(
            (got - 32.0).abs() < 1e-9,
            "64 calls all in flight together (started at 0 s) timed out at 5 s, and took the \
             limit from 64 to {got}, not 32: one overload was answered more than once. A \
             limiter must decrease once per window: the drop of a call that started before the \
             last decrease saw the same overload, and must be ignored. Decreasing on every drop \
             collapses the limit to its minimum in one burst of timeouts"
        );
        for _ in 0..32 {
            limiter.on_sample(&sample(5.0, 5.0, Outcome::TimedOut, 32));
        }
        assert_limit(
            &limiter,
            16.0,
            "32 calls started at 5 s (when the last decrease happened) timed out at 10 s: a new \
             window, one more decrease",
        );
    });
}
// ANCHOR_END: once_per_window

/// However many windows of drops, the limit stays at or above `min` (1): a gate lets
/// `floor(limit)` calls in, so a limit under 1 lets nobody in, and nothing can raise it again.
pub fn never_falls_below_its_minimum<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting drops never finished", || {
        let limiter = L::new(&settings(8.0, 1000.0));
        for window in 0..20 {
            limiter.on_sample(&sample(f64::from(window) * 10.0, 5.0, Outcome::TimedOut, 1));
            let got = limiter.limit();
            assert!(
                got >= 1.0,
                "after {} windows of timeouts the limit is {got}, under the minimum of 1: a gate \
                 lets floor(limit) calls in, so no call will be let in again, no call will end, \
                 and no sample will ever raise the limit. Is each decrease kept at or above \
                 `settings.min`?",
                window + 1
            );
        }
        assert_limit(&limiter, 1.0, "after 20 windows of timeouts from 8");
    });
}

// ANCHOR: grows_back
/// After an overload drove the limit to its minimum, windows of fast replies bring it back up,
/// about one per window: the limit is not stuck after the load subsides.
pub fn grows_back_after_the_load_subsides<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting samples never finished", || {
        let limiter = L::new(&settings(64.0, 200.0));
        for window in 0..12 {
            limiter.on_sample(&sample(f64::from(window) * 10.0, 5.0, Outcome::TimedOut, 1));
        }
        let low = limiter.limit();
        // The load is gone: every window, as many calls as the gate lets in reply in 10 ms.
        let mut now = 200.0;
        for _ in 0..60 {
            let full = limiter.limit().floor().max(1.0) as usize;
            for _ in 0..full {
                limiter.on_sample(&sample(now, 0.01, Outcome::Ok, full));
            }
            now += 0.01;
        }
        let got = limiter.limit();
        assert!(
            got >= 30.0,
            "after 12 windows of timeouts the limit was {low}; then 60 windows of fast replies \
             (as many calls as the limit let in, each replying in 10 ms) brought it only to \
             {got}, when adding 1 / limit a reply gives about one a window (over 50): a limit \
             that never grows back after the load subsides turns away work forever. Does a fast \
             reply add to the limit, and is the increase stored?"
        );
    });
}
// ANCHOR_END: grows_back

/// A long run of fast replies never takes the limit above `max`.
pub fn never_exceeds_its_maximum<L: AdaptiveLimiter>() {
    within(LIMIT, "reporting fast replies never finished", || {
        let limiter = L::new(&settings(10.0, 12.0));
        for i in 0..1_000 {
            limiter.on_sample(&sample(f64::from(i) * 0.01, 0.01, Outcome::Ok, 12));
            let got = limiter.limit();
            assert!(
                got <= 12.0,
                "after {} fast replies the limit is {got}, over the maximum of 12: is each \
                 increase kept at or below `settings.max`?",
                i + 1
            );
        }
        assert_limit(
            &limiter,
            12.0,
            "after 1,000 fast replies from 10, capped at 12",
        );
    });
}

// ANCHOR: race
/// Racers reporting fast replies to one limiter at once lose none of them: the limit ends where
/// the same replies reported one by one take it.
///
/// Two racers per core (four to eight) each report [`PER_RACER`] fast replies, in bursts paced by
/// [`cluster::race`] so that they run side by side even on a busy machine. Any correct limiter
/// gives exactly `grown(10, replies)`, whatever the interleaving: each reply applies `l + 1 / l`
/// to the limit as it is. One that loads the limit and stores `l + 1 / l` in a second step loses
/// the updates of everyone who stored in between, and ends lower. Rounds go on, on a fresh
/// limiter each, until a loss shows, or [`RACED_SAMPLES`] samples were raced, or [`RACE_CAP`].
pub fn concurrent_updates_are_not_lost<L: AdaptiveLimiter>() {
    within(
        RACE_CAP + LIMIT,
        "racing fast replies never finished: does on_sample spin or block?",
        || {
            let racers = thread::available_parallelism()
                .map_or(2, usize::from)
                .clamp(2, 4)
                * 2;
            let alone = L::new(&settings(10.0, 1e12));
            for _ in 0..1_000 {
                alone.on_sample(&sample(0.0, 0.01, Outcome::Ok, 1));
            }
            let (got, want) = (alone.limit(), grown(10.0, 1_000, 1e12));
            assert!(
                (got - want).abs() <= 1e-9 * want,
                "1,000 fast replies reported one by one, from one thread, took a limit of 10 to \
                 {got}, not {want}: fix the single-threaded increase first (see \
                 a_fast_reply_adds_one_over_the_limit); this check races only a correct one"
            );
            let epoch = Instant::now();
            let (mut raced, mut rounds) = (0, 0);
            while raced < RACED_SAMPLES && epoch.elapsed() < RACE_CAP {
                rounds += 1;
                let (got, raced_now) = race_round::<L>(racers, epoch);
                raced += raced_now;
                let replies = racers * PER_RACER + 1;
                let want = grown(10.0, replies, 1e12);
                assert!(
                    (got - want).abs() <= 1e-9 * want,
                    "{racers} threads reported {replies} fast replies to one limiter of 10 at \
                     once, and it ended at {got}, not {want} (where the same replies reported one \
                     by one take it; round {rounds}, {raced} replies raced so far): updates were \
                     lost. A load of the limit followed by a store of the new value lets every \
                     thread that stored in between be overwritten; each change must be one atomic \
                     step (a compare-exchange loop, fetch_update, or a lock)"
                );
            }
            if raced < RACED_SAMPLES {
                eprintln!(
                    "note: in {:?} the racers ran side by side for only {raced} of the \
                     {RACED_SAMPLES} samples this check wants: the machine is too busy to be sure \
                     no update is lost. Run it again when it is quieter.",
                    epoch.elapsed()
                );
            }
        },
    );
}
// ANCHOR_END: race

/// Fast replies each racer reports per round of [`concurrent_updates_are_not_lost`].
pub const PER_RACER: usize = 5_000;

/// One round: a fresh limiter of 10, one reply on this thread (a `todo!()` fails here, once),
/// then `racers` threads reporting [`PER_RACER`] each. The final limit, and the replies raced.
fn race_round<L: AdaptiveLimiter>(racers: usize, epoch: Instant) -> (f64, u64) {
    const UNBROKEN: Duration = Duration::from_micros(20);
    let limiter = L::new(&settings(10.0, 1e12));
    limiter.on_sample(&sample(0.0, 0.01, Outcome::Ok, 1));
    let laps = AtomicU64::new(0);
    let raced = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..racers {
            let (limiter, laps, raced) = (&limiter, &laps, &raced);
            scope.spawn(move || {
                let reply = sample(0.0, 0.01, Outcome::Ok, racers);
                for i in 0..PER_RACER {
                    let began = Instant::now();
                    let lap = laps.fetch_add(1, Ordering::Relaxed);
                    limiter.on_sample(&reply);
                    if laps.load(Ordering::Relaxed) > lap + 1 && began.elapsed() < UNBROKEN {
                        raced.fetch_add(1, Ordering::Relaxed);
                    }
                    if i % 32 == 31 {
                        sleep_till_next_burst(epoch);
                    }
                }
            });
        }
    });
    (limiter.limit(), raced.load(Ordering::Relaxed))
}

/// The limiter, behind the partitioned gate of every (session node, registry), serves the quick
/// `stampede` and `slowdown` cases (1,000 sessions, 1 registry) within 1.5 × the ideal time,
/// and the run conserves every call and session.
pub fn serves_the_stampede_and_the_slowdown<L: AdaptiveLimiter>() {
    within(
        Duration::from_secs(120),
        "the simulated stampede never finished: a deadlock in the limiter?",
        || {
            // One sample on this thread first: a limiter that panics fails here, once, and not
            // in a thousand session tasks.
            L::new(&settings(10.0, 200.0)).on_sample(&sample(0.0, 0.01, Outcome::Ok, 1));
            for case in [Case::Stampede, Case::Slowdown] {
                let run = run_case::<L>(case, Strategy::Aimd, Scale::Quick)
                    .unwrap_or_else(|broken| panic!("{broken}"));
                let figures = &run.figures;
                let took = figures.time_over_ideal.unwrap_or(f64::INFINITY);
                let served = match figures.time_to_all_served_s {
                    Some(t) => format!("every session by {t:.1} s"),
                    None => format!(
                        "{:.1} % of sessions by the end",
                        figures.served_fraction * 100.0
                    ),
                };
                assert!(
                    took <= 1.5,
                    "in the quick {} case your limiter served {served}, against an ideal of \
                     {:.1} s (bar: all, within 1.5 ×); its limit averaged {:.1}, {} calls timed \
                     out and {} were rejected. A limit that collapses and stays low rejects work \
                     the registry could do; one that grows without bound lets the queue reach \
                     the timeout",
                    case.name(),
                    figures.ideal_s,
                    figures.mean_limit.unwrap_or(0.0),
                    figures.counts.timed_out,
                    figures.counts.rejected,
                );
            }
        },
    );
}

/// Declares one `#[test]` per check for an AIMD limiter type, so the lab (`tests/lab.rs`) and the
/// reference solution run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($limiter:ty) => {
        #[test]
        fn starts_at_its_initial_limit() {
            $crate::check::starts_at_its_initial_limit::<$limiter>();
        }

        #[test]
        fn a_fast_reply_adds_one_over_the_limit() {
            $crate::check::a_fast_reply_adds_one_over_the_limit::<$limiter>();
        }

        #[test]
        fn a_drop_halves_the_limit() {
            $crate::check::a_drop_halves_the_limit::<$limiter>();
        }

        #[test]
        fn one_decrease_per_window() {
            $crate::check::one_decrease_per_window::<$limiter>();
        }

        #[test]
        fn never_falls_below_its_minimum() {
            $crate::check::never_falls_below_its_minimum::<$limiter>();
        }

        #[test]
        fn grows_back_after_the_load_subsides() {
            $crate::check::grows_back_after_the_load_subsides::<$limiter>();
        }

        #[test]
        fn never_exceeds_its_maximum() {
            $crate::check::never_exceeds_its_maximum::<$limiter>();
        }

        #[test]
        fn concurrent_updates_are_not_lost() {
            $crate::check::concurrent_updates_are_not_lost::<$limiter>();
        }

        #[test]
        fn serves_the_stampede_and_the_slowdown() {
            $crate::check::serves_the_stampede_and_the_slowdown::<$limiter>();
        }
    };
}
