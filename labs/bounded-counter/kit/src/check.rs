//! The suite: what a bounded counter must do. It runs on your counter (`tests/lab.rs`) and on the
//! reference one (`tests/solution.rs`); every check runs under a watchdog, so a `try_enter` that
//! spins forever fails with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks, and fails
//! with a sentence that names the likely mistake.

use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use cluster::watchdog::within;

use crate::Bounded;

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(60);

/// How many rounds each concurrent check wants *raced*, that is played while another racer ran
/// alongside on another core, before it calls a counter safe. A `try_enter` that loads the count
/// and then adds one in a second step let a second racer in after 20 to 150 raced entries on
/// average, and never later than the 700th, in 90 runs on two busy cores: 20,000 leave it no
/// chance to hide.
pub const RACED_ROUNDS: u64 = 20_000;

/// The longest a concurrent check races. On a machine so busy that its racers hardly ever run side
/// by side, a race cannot show however wrong the counter is: after this long the check stops and
/// says so on stderr.
pub const RACE_CAP: Duration = Duration::from_secs(20);

/// Enters once on the calling thread before a check starts its own threads, so that a `todo!()`
/// (or any panic) in `try_enter` or `leave` is reported once, here, and not once per thread.
#[track_caller]
fn first_enter<B: Bounded>(counter: &B) {
    assert!(
        counter.try_enter(),
        "a fresh counter refused its first caller"
    );
    counter.leave();
    assert_in_flight(counter, 0, "after one caller entered and left");
}

/// The counter says `want` callers are in.
#[track_caller]
fn assert_in_flight<B: Bounded>(counter: &B, want: usize, when: &str) {
    let got = counter.in_flight();
    assert!(
        got == want,
        "{when}, the counter says {got} callers are in, not {want}"
    );
}

/// A counter of 2 lets two callers in and refuses the next ones, leaving its count alone.
pub fn refuses_at_the_limit<B: Bounded>() {
    within(LIMIT, "entering a counter of 2 never finished", || {
        let counter = B::with_limit(2);
        assert!(
            counter.try_enter(),
            "a fresh counter of 2 refused its first caller"
        );
        assert!(
            counter.try_enter(),
            "a counter of 2 with one caller in refused the second"
        );
        assert!(
            !counter.try_enter(),
            "a counter of 2 let a third caller in with two in: is the test `in < limit` (not `<=`)?"
        );
        assert_in_flight(
            &counter,
            2,
            "with two in and a third refused (a refused caller must leave the count as it was)",
        );
        assert!(
            !counter.try_enter(),
            "a counter of 2 let a fourth caller in with two in"
        );
        assert_in_flight(&counter, 2, "with two in and two refused");
    });
}

/// A counter of 0 lets nobody in.
pub fn a_limit_of_zero_lets_nobody_in<B: Bounded>() {
    within(LIMIT, "entering a counter of 0 never finished", || {
        let counter = B::with_limit(0);
        assert!(
            !counter.try_enter(),
            "a counter of 0 let a caller in: with a limit of 0, nobody is ever in"
        );
        assert_in_flight(&counter, 0, "after a counter of 0 refused a caller");
    });
}

/// After a caller leaves a full counter, the next one gets in.
pub fn a_place_comes_back_after_a_leave<B: Bounded>() {
    within(
        LIMIT,
        "entering and leaving a counter of 1 never finished",
        || {
            let counter = B::with_limit(1);
            for round in 1..=3 {
                assert!(
                    counter.try_enter(),
                    "round {round}: a counter of 1 with nobody in refused a caller"
                );
                assert_in_flight(&counter, 1, &format!("round {round}, with one caller in"));
                assert!(
                    !counter.try_enter(),
                    "round {round}: a counter of 1 let a second caller in"
                );
                counter.leave();
                assert_in_flight(
                    &counter,
                    0,
                    &format!("round {round}, after the caller left (does leave take one off?)"),
                );
            }
        },
    );
}

/// A step of a xorshift generator: a racer's own random numbers, without a dependency.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Two racers per core, at least four.
fn racers() -> usize {
    thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8)
        * 2
}

/// A round played faster than this was not paused by the OS: if another racer went round
/// meanwhile, the two ran side by side, on two cores.
const UNBROKEN: Duration = Duration::from_micros(5);

/// Says, at the end of a race, that it ended on [`RACE_CAP`] without enough raced rounds.
fn note_if_too_busy(raced: u64, began: Instant) {
    if raced < RACED_ROUNDS {
        eprintln!(
            "note: in {:?} the racers ran side by side for only {raced} of the {RACED_ROUNDS} \
             rounds this check wants: the machine is too busy to be sure no race hides in the \
             counter. Run it again when it is quieter.",
            began.elapsed()
        );
    }
}

// ANCHOR: race
/// Threads racing for the one place of a counter of 1 are never two in at once.
///
/// Two racers per core (at least four) start together behind a barrier. Each waits until the
/// place looks free, so that every waiting racer rushes at the same moment, tries to enter, stays
/// in for half a microsecond, leaves, and pauses a random moment before the next round (the one
/// leaving rushes too, and its random return meets the others' rush at every moment in turn).
/// Each racer that gets in counts itself on a counter of the check's own, so a second racer in
/// shows even if the counter under test looks fine.
///
/// A `try_enter` that loads the count, compares it with the limit and then adds one in a second
/// step lets two racers in when both load before either adds, which takes two racers running at
/// the same instant on two cores. A busy machine does not always give them that, so the race is
/// not timed: it goes on until a second racer gets in, or until [`RACED_ROUNDS`] entries were
/// *raced* (made in a round of under [`UNBROKEN`] while another racer went round too), or
/// [`RACE_CAP`].
pub fn many_threads_never_pass_the_limit<B: Bounded>() {
    within(
        LIMIT,
        "racing for one place never finished: does try_enter spin forever when another thread \
         changed the count in between?",
        || {
            const ONE: usize = 1;
            const HOLD: Duration = Duration::from_nanos(500);
            let racers = racers();
            let counter = B::with_limit(ONE);
            first_enter(&counter);
            let start = Barrier::new(racers);
            let holders = AtomicUsize::new(0);
            let most = AtomicUsize::new(0);
            let laps = AtomicU64::new(0);
            let entered = AtomicU64::new(0);
            let raced = AtomicU64::new(0);
            let stop = AtomicBool::new(false);
            let began = Instant::now();
            let time_is_up =
                || raced.load(Ordering::Relaxed) >= RACED_ROUNDS || began.elapsed() >= RACE_CAP;
            thread::scope(|scope| {
                for racer in 0..racers {
                    let (counter, start, holders, most, laps, entered, raced, stop, time_is_up) = (
                        &counter,
                        &start,
                        &holders,
                        &most,
                        &laps,
                        &entered,
                        &raced,
                        &stop,
                        &time_is_up,
                    );
                    scope.spawn(move || {
                        let mut random = 0x9E37_79B9_7F4A_7C15 ^ (racer as u64 + 1);
                        let mut spins = 0u32;
                        start.wait();
                        while !stop.load(Ordering::Relaxed) {
                            let round = Instant::now();
                            let lap = laps.fetch_add(1, Ordering::Relaxed);
                            // Wait until the place looks free: every waiting racer sees it at
                            // once and rushes. Give the core away now and then, in case the
                            // racer inside was paused by the OS.
                            while counter.in_flight() != 0 && !stop.load(Ordering::Relaxed) {
                                spins = spins.wrapping_add(1);
                                if spins.is_multiple_of(4_096) {
                                    if time_is_up() {
                                        stop.store(true, Ordering::Relaxed);
                                    }
                                    thread::yield_now();
                                }
                                std::hint::spin_loop();
                            }
                            if counter.try_enter() {
                                let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
                                if now > ONE {
                                    most.fetch_max(now, Ordering::Relaxed);
                                    stop.store(true, Ordering::Relaxed);
                                }
                                let held = Instant::now();
                                while held.elapsed() < HOLD {
                                    std::hint::spin_loop();
                                }
                                // Counted out before it leaves: with a correct counter, no other
                                // racer can be counted in before this.
                                holders.fetch_sub(1, Ordering::SeqCst);
                                counter.leave();
                                entered.fetch_add(1, Ordering::Relaxed);
                                if round.elapsed() < UNBROKEN
                                    && laps.load(Ordering::Relaxed) > lap + 1
                                {
                                    raced.fetch_add(1, Ordering::Relaxed);
                                }
                                // A random pause of up to 256 spins.
                                for _ in 0..next_random(&mut random) % 256 {
                                    std::hint::spin_loop();
                                }
                            }
                            if lap.is_multiple_of(256) && time_is_up() {
                                stop.store(true, Ordering::Relaxed);
                            }
                        }
                    });
                }
            });
            let most = most.load(Ordering::Relaxed);
            assert!(
                most <= ONE,
                "{most} racers were in at once on a counter of {ONE} (after {:?} of racing): \
                 each saw the count below the limit and counted itself in. Checking the limit \
                 and adding one must be one atomic step (a compare_exchange loop), not a load \
                 and then a separate fetch_add or store",
                began.elapsed()
            );
            assert!(
                entered.load(Ordering::Relaxed) > 0,
                "{racers} racers raced for {:?} and nobody ever got in",
                began.elapsed()
            );
            assert_in_flight(
                &counter,
                0,
                "after every racer left (an update lost between a load and a store?)",
            );
            note_if_too_busy(raced.load(Ordering::Relaxed), began);
        },
    );
}
// ANCHOR_END: race

/// Rounds each racer plays between two checkpoints of [`the_count_is_zero_when_everyone_has_left`].
const BATCH: u32 = 2_000;

/// Threads entering and leaving a counter with room for all of them leave it at zero: no entry
/// and no leave is lost.
///
/// A `leave` (or a `try_enter`) that loads the count and then stores a new one loses the update of
/// any thread that changed the count in between: the count drifts. Two racers per core enter a
/// counter with room for all of them, stay a random moment, leave and pause a random moment,
/// [`BATCH`] times each (a lost update shows in 30 runs of 30 that way); then they all wait at a
/// barrier while one checks that the count is zero, so a drift shows before a later lost update
/// can cancel it out; and again, until a drift shows or [`RACED_ROUNDS`] rounds were raced, as in
/// [`many_threads_never_pass_the_limit`], or [`RACE_CAP`].
pub fn the_count_is_zero_when_everyone_has_left<B: Bounded>() {
    within(
        LIMIT,
        "entering and leaving from many threads never finished",
        || {
            let racers = racers();
            // Room for everyone: every try_enter must succeed.
            let counter = B::with_limit(racers);
            first_enter(&counter);
            let meet = Barrier::new(racers);
            let laps = AtomicU64::new(0);
            let raced = AtomicU64::new(0);
            let refused = AtomicBool::new(false);
            // Written only between the two waits of a checkpoint, so every racer reads the same.
            let over = AtomicBool::new(false);
            let drift = AtomicUsize::new(0);
            let began = Instant::now();
            thread::scope(|scope| {
                for racer in 0..racers {
                    let (counter, meet, laps, raced, refused, over, drift) =
                        (&counter, &meet, &laps, &raced, &refused, &over, &drift);
                    scope.spawn(move || {
                        let mut random = 0x9E37_79B9_7F4A_7C15 ^ (racer as u64 + 1);
                        meet.wait();
                        loop {
                            for _ in 0..BATCH {
                                let round = Instant::now();
                                let lap = laps.fetch_add(1, Ordering::Relaxed);
                                if !counter.try_enter() {
                                    refused.store(true, Ordering::Relaxed);
                                    break;
                                }
                                // Inside for a random moment, out for another: racers meet inside
                                // and leave at every moment of each other's updates in turn.
                                for _ in 0..next_random(&mut random) % 16 {
                                    std::hint::spin_loop();
                                }
                                counter.leave();
                                for _ in 0..next_random(&mut random) % 64 {
                                    std::hint::spin_loop();
                                }
                                if round.elapsed() < UNBROKEN
                                    && laps.load(Ordering::Relaxed) > lap + 1
                                {
                                    raced.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            // The checkpoint: nobody is inside, so the count must be zero.
                            if meet.wait().is_leader() {
                                let count = counter.in_flight();
                                drift.store(count, Ordering::Relaxed);
                                over.store(
                                    count != 0
                                        || refused.load(Ordering::Relaxed)
                                        || raced.load(Ordering::Relaxed) >= RACED_ROUNDS
                                        || began.elapsed() >= RACE_CAP,
                                    Ordering::Relaxed,
                                );
                            }
                            meet.wait();
                            if over.load(Ordering::Relaxed) {
                                break;
                            }
                        }
                    });
                }
            });
            let (drift, raced) = (drift.load(Ordering::Relaxed), raced.load(Ordering::Relaxed));
            assert!(
                !refused.load(Ordering::Relaxed),
                "a counter of {racers} refused one of its {racers} racers, so it counted more in \
                 than there were ({drift} by its count when they had all left): an update was \
                 lost between a load and a store, in try_enter or in leave?"
            );
            assert!(
                drift == 0,
                "with every racer out (after {:?} of entering and leaving), the counter says \
                 {drift} callers are in: an update was lost between a load and a store, in \
                 try_enter or in leave? Each change of the count must be one atomic step",
                began.elapsed()
            );
            note_if_too_busy(raced, began);
        },
    );
}

/// Declares the warm-up's suite, one `#[test]` per check, on the counter type given. The warm-up
/// (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it, so both run
/// exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($counter:ty) => {
        #[test]
        fn refuses_at_the_limit() {
            $crate::check::refuses_at_the_limit::<$counter>();
        }

        #[test]
        fn a_limit_of_zero_lets_nobody_in() {
            $crate::check::a_limit_of_zero_lets_nobody_in::<$counter>();
        }

        #[test]
        fn a_place_comes_back_after_a_leave() {
            $crate::check::a_place_comes_back_after_a_leave::<$counter>();
        }

        #[test]
        fn many_threads_never_pass_the_limit() {
            $crate::check::many_threads_never_pass_the_limit::<$counter>();
        }

        #[test]
        fn the_count_is_zero_when_everyone_has_left() {
            $crate::check::the_count_is_zero_when_everyone_has_left::<$counter>();
        }
    };
}
