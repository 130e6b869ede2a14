//! The suite: what a bounded counter must do. It runs on your counter (`tests/lab.rs`) and on the
//! reference one (`tests/solution.rs`); every check runs under a watchdog, so a `try_enter` that
//! spins forever fails with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks. A failing
//! check says what it saw and what usually causes that, and names every cause that fits. It never
//! says which line to write: the hints do that part, one at a time
//! (`cargo run --release -- hint bounded-counter`).
//!
//! **Races, caught every time.** A counter that reads the count and writes it back in a second
//! step is wrong only when two threads come between each other's two steps: a window of a few
//! nanoseconds, which threads that merely run side by side meet by luck, and in a debug build
//! (what `cargo test` builds) almost never. So the two race checks run their threads in lockstep
//! ([`cluster::race::Lockstep`]): every round they leave a barrier at the same instant, enter or
//! leave together, and meet again, where the last to arrive checks the count while the others
//! wait, so a lost update is seen in the round that lost it. They go on until enough rounds were
//! raced with every thread leaving the barrier together ([`RACED_ROUNDS`]), however busy the
//! machine. Before racing, they make sure that one caller at a time is served right, so that a
//! limit test that is off by one is called that, not a race.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use cluster::race::{Lockstep, Padded, one_race_at_a_time};
use cluster::seeded::Seeded;
use cluster::watchdog::within;

use crate::Bounded;

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(60);

/// How many rounds each race check wants *raced*, the steps (an entry, a leave) of two threads
/// overlapping in time ([`Lockstep::step`]), before it calls a counter safe. A planted race (a
/// `try_enter` that checks the limit and then adds one in a second step, or a `leave` that reads
/// the count and then stores it less one) showed within the first 170 raced rounds in each of 240
/// runs of the two suites (debug build and release, with and without two busy loops beside them
/// on a 2-core machine): 1,000 leave it little room to hide.
pub const RACED_ROUNDS: u64 = 1_000;

/// The longest a race check races. On a machine so busy that its threads seldom run at the same
/// moment, it stops after this long and says on stderr that it could not be sure.
pub const RACE_CAP: Duration = Duration::from_secs(10);

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
            "a counter of 2 with one caller in refused the second (in_flight() says {}): its limit \
             test refuses one too early (an off-by-one?), or an entry counts more than one",
            counter.in_flight()
        );
        assert!(
            !counter.try_enter(),
            "a counter of 2 let a third caller in with two in, one caller at a time (no race \
             here): its limit test lets one caller more than the limit in (an off-by-one in the \
             comparison?)"
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
            "a counter of 0 let a caller in: with a limit of 0 nobody is ever in. Does the limit \
             test let one caller more than the limit in (an off-by-one?), or count the caller in \
             before testing?"
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
                    "round {round}: a counter of 1 with nobody in refused a caller (in_flight() \
                     says {}): the place did not come back when the last caller left, or the \
                     limit test refuses one too early",
                    counter.in_flight()
                );
                assert_in_flight(&counter, 1, &format!("round {round}, with one caller in"));
                assert!(
                    !counter.try_enter(),
                    "round {round}: a counter of 1 let a second caller in, one caller at a time: \
                     its limit test lets one more in than the limit (an off-by-one?)"
                );
                counter.leave();
                assert_in_flight(
                    &counter,
                    0,
                    &format!(
                        "round {round}, after the caller left (does leave take exactly one off, \
                         and does a refused try_enter leave the count alone?)"
                    ),
                );
            }
        },
    );
}

/// A random pause of 0 to 3 spins after leaving the barrier, so that the racers' steps meet at
/// slightly different offsets from round to round.
fn jitter(random: &mut Seeded) {
    for _ in 0..random.below(4) {
        std::hint::spin_loop();
    }
}

/// One thread per core (at least two, at most eight): a race needs two threads running at once,
/// and more threads than cores would only wait for each other at the barrier.
fn racers() -> usize {
    thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8)
}

/// Says on stderr, at the end of a race, that it ended on [`RACE_CAP`] with too few raced rounds.
fn note_if_too_busy(check: &str, raced: u64, lockstep: &Lockstep) {
    if raced < RACED_ROUNDS {
        eprintln!(
            "note: {check}: in {:?} only {raced} of the {RACED_ROUNDS} rounds it wants had two \
             of its {} threads take their steps at the same moment: the machine is too busy to be \
             sure that no race hides in the counter. Run it again when it is quieter.",
            lockstep.elapsed(),
            lockstep.threads()
        );
    }
}

/// One caller at a time, with no race at all: a fresh counter of `limit` lets `limit` callers in,
/// refuses the next, and says 0 once they have left. The race checks make sure of this first, so
/// that a counter wrong even for one caller is not blamed on a race.
#[track_caller]
fn one_at_a_time_keeps_the_limit<B: Bounded>(counter: &B, limit: usize) {
    for inside in 0..limit {
        assert!(
            counter.try_enter(),
            "one caller at a time, a fresh counter of {limit} refused a caller with only {inside} \
             in"
        );
    }
    assert_in_flight(
        counter,
        limit,
        "one caller at a time, with every place taken",
    );
    assert!(
        !counter.try_enter(),
        "one caller at a time, with no race at all, a counter of {limit} let a caller in with \
         {limit} already in: its limit test lets one caller more than the limit in (an off-by-one \
         in the comparison?)"
    );
    for _ in 0..limit {
        counter.leave();
    }
    assert_in_flight(
        counter,
        0,
        "after the callers that entered one at a time all left (does a refused try_enter leave \
         the count alone?)",
    );
}

// ANCHOR: race
/// Threads racing for the one place of a counter of 1 are never two in at once.
///
/// One racer per core (at least two) runs in lockstep ([`Lockstep`]): every round they leave a
/// barrier at the same instant and call `try_enter` together; at the next barrier the last to
/// arrive counts how many got in; those leave; and at the next barrier the count must be back to
/// 0. A `try_enter` that loads the count, compares it with the limit and then adds one in a second
/// step lets two racers in whenever both load before either adds, which the lockstep makes happen
/// within a few rounds. The race goes on until a second racer gets in, or [`RACED_ROUNDS`] rounds
/// were raced, or [`RACE_CAP`].
pub fn many_threads_never_pass_the_limit<B: Bounded>() {
    within(
        LIMIT,
        "racing for one place never finished: does try_enter spin forever when another thread \
         changed the count in between?",
        || {
            const ONE: usize = 1;
            let counter = B::with_limit(ONE);
            first_enter(&counter);
            one_at_a_time_keeps_the_limit(&counter, ONE);
            let _one_race = one_race_at_a_time();
            let lockstep = Lockstep::new(racers());
            let (entered, most, total) = (Padded::new(0), Padded::new(0), Padded::new(0));
            let (rounds, raced, left_over) = (Padded::new(0), Padded::new(0), Padded::new(0));
            lockstep.run(|racer| {
                let mut random = Seeded::new(racer as u64);
                // Everyone who got in last round has left: the count is 0 again.
                while lockstep.meet(|_| {
                    let count = counter.in_flight() as u64;
                    left_over.0.store(count, Ordering::Relaxed);
                    count == 0
                        && raced.0.load(Ordering::Relaxed) < RACED_ROUNDS
                        && lockstep.elapsed() < RACE_CAP
                }) {
                    jitter(&mut random);
                    let inside = lockstep.step(racer, || counter.try_enter());
                    if inside {
                        entered.0.fetch_add(1, Ordering::Relaxed);
                    }
                    let go_on = lockstep.meet(|together| {
                        let entered = entered.0.swap(0, Ordering::Relaxed);
                        rounds.0.fetch_add(1, Ordering::Relaxed);
                        raced.0.fetch_add(u64::from(together), Ordering::Relaxed);
                        total.0.fetch_add(entered, Ordering::Relaxed);
                        most.0.fetch_max(entered, Ordering::Relaxed);
                        entered <= ONE as u64
                    });
                    if !go_on {
                        // Two in at once: a counter that lets that happen may not count leaves
                        // right either, so nobody leaves. (A debug build would stop at a count
                        // dropping below 0, and that panic would hide what this check saw.)
                        break;
                    }
                    if inside {
                        counter.leave();
                    }
                }
            });
            let (most, rounds, raced) = (
                most.0.load(Ordering::Relaxed),
                rounds.0.load(Ordering::Relaxed),
                raced.0.load(Ordering::Relaxed),
            );
            assert!(
                most <= ONE as u64,
                "{most} threads got in in the same round on a counter of {ONE} (round {rounds}; \
                 in {raced} of them two entries overlapped in time), though one caller at a time \
                 is refused at the limit: the threads that came at the same moment all saw the \
                 place free before any of them had counted itself in. Can another thread act \
                 between the moment try_enter sees a place left and the moment it takes it?"
            );
            let left_over = left_over.0.load(Ordering::Relaxed);
            assert!(
                left_over == 0,
                "after round {rounds}, everyone who got in had left, yet in_flight() says \
                 {left_over}: an update was lost, or a refused try_enter changed the count \
                 (the_count_is_zero_when_everyone_has_left tells which)"
            );
            assert!(
                total.0.load(Ordering::Relaxed) > 0,
                "{} threads raced for {rounds} rounds and nobody ever got in, though the place \
                 was free at the start of each",
                lockstep.threads()
            );
            note_if_too_busy("many_threads_never_pass_the_limit", raced, &lockstep);
        },
    );
}
// ANCHOR_END: race

/// What a racer does in a round of [`the_count_is_zero_when_everyone_has_left`]: leave (`true`)
/// or enter once more.
fn leaves(round: u64, racer: usize) -> bool {
    match round % 4 {
        0 => true,                     // every racer leaves
        1 => false,                    // every racer enters once more
        2 => racer.is_multiple_of(2),  // half leave while the other half enter
        _ => !racer.is_multiple_of(2), // and the other way round
    }
}

/// Threads that enter and leave at the same instant leave the count exact: after every round it
/// says as many are in as there are, and 0 when everyone has left.
///
/// One racer per core (at least two) runs in lockstep ([`Lockstep`]) on a counter with room for
/// all. Every round each racer is in once, they leave a barrier at the same instant, and each
/// either leaves or enters a second time, together: all leave, all enter, or half and half, in
/// turn. At the next barrier the last to arrive compares `in_flight()` with how many are in. A
/// `leave` that loads the count and then stores it less one, in two steps, loses the other leave
/// of the same instant, or the entry: the count is off in the round it happens, and a later lost
/// update in the other direction cannot hide it.
pub fn the_count_is_zero_when_everyone_has_left<B: Bounded>() {
    within(
        LIMIT,
        "entering and leaving in lockstep never finished: does try_enter or leave spin forever?",
        || {
            let racers = racers();
            let limit = 2 * racers; // room for everyone, twice
            let counter = B::with_limit(limit);
            first_enter(&counter);
            one_at_a_time_keeps_the_limit(&counter, limit);
            let _one_race = one_race_at_a_time();
            let lockstep = Lockstep::new(racers);
            let (round, raced, inside) = (Padded::new(0), Padded::new(0), Padded::new(0));
            let refused = AtomicBool::new(false);
            // What the failing round saw: how many were in, in_flight(), and whether it was the
            // round of the racers' own entries and leaves (not the settling before it).
            let (saw_in, saw_count, in_the_race) =
                (Padded::new(0), Padded::new(0), AtomicBool::new(false));
            let wrong = |really_in: u64, racing: bool| {
                let count = counter.in_flight() as u64;
                if count == really_in && !refused.load(Ordering::Relaxed) {
                    return false;
                }
                saw_in.0.store(really_in, Ordering::Relaxed);
                saw_count.0.store(count, Ordering::Relaxed);
                in_the_race.store(racing, Ordering::Relaxed);
                true
            };
            lockstep.run(|racer| {
                let mut random = Seeded::new(racer as u64);
                let mut mine = 0usize; // how many times this racer is in
                loop {
                    // Settle to being in once, unhurried.
                    while mine > 1 {
                        counter.leave();
                        mine -= 1;
                    }
                    if mine == 0 {
                        if counter.try_enter() {
                            mine = 1;
                        } else {
                            refused.store(true, Ordering::Relaxed);
                        }
                    }
                    if !lockstep.meet(|_| {
                        !wrong(racers as u64, false)
                            && raced.0.load(Ordering::Relaxed) < RACED_ROUNDS
                            && lockstep.elapsed() < RACE_CAP
                    }) {
                        break;
                    }
                    // The race: every racer changes the count at the same instant.
                    let this_round = round.0.load(Ordering::Relaxed);
                    jitter(&mut random);
                    lockstep.step(racer, || {
                        if leaves(this_round, racer) {
                            counter.leave();
                            mine -= 1;
                        } else if counter.try_enter() {
                            mine += 1;
                        } else {
                            refused.store(true, Ordering::Relaxed);
                        }
                    });
                    inside.0.fetch_add(mine as u64, Ordering::Relaxed);
                    if !lockstep.meet(|together| {
                        raced.0.fetch_add(u64::from(together), Ordering::Relaxed);
                        let really_in = inside.0.swap(0, Ordering::Relaxed);
                        if wrong(really_in, true) {
                            return false;
                        }
                        round.0.fetch_add(1, Ordering::Relaxed);
                        true
                    }) {
                        break;
                    }
                }
                // The race is over, maybe because the count went wrong: nobody leaves a count
                // known to be wrong, where a debug build could stop at it dropping below 0, and
                // that panic would hide what this check saw.
            });
            let (really_in, count, round) = (
                saw_in.0.load(Ordering::Relaxed),
                saw_count.0.load(Ordering::Relaxed),
                round.0.load(Ordering::Relaxed),
            );
            let leavers = (0..racers).filter(|&r| leaves(round, r)).count();
            let raced = raced.0.load(Ordering::Relaxed);
            let what = if !in_the_race.load(Ordering::Relaxed) {
                format!(
                    "while {racers} threads each entered or left to be in once each, before round \
                     {round}"
                )
            } else if leavers == racers {
                format!("in round {round}, when {racers} threads left at one instant")
            } else if leavers == 0 {
                format!("in round {round}, when {racers} threads entered once more at one instant")
            } else {
                format!(
                    "in round {round}, when {leavers} of the {racers} threads left while the rest \
                     entered once more, at one instant"
                )
            };
            let what = format!(
                "{what} ({raced} rounds so far with two threads' steps overlapping in time)"
            );
            assert!(
                !refused.load(Ordering::Relaxed),
                "a counter of {limit} refused a caller {what}, with at most {} in: either the \
                 count had lost leaves and looked full ({count} counted, {really_in} in), or \
                 try_enter gives up when another thread changed the count under it, instead of \
                 looking at the count again",
                2 * racers - 1
            );
            let (lost, more_or_fewer) = if count > really_in {
                ("a leave was lost", "more")
            } else {
                ("an entry was lost", "fewer")
            };
            assert!(
                count == really_in,
                "{what}, in_flight() says {count}, {} {more_or_fewer} than the {really_in} \
                 really in: {lost}, written over by another thread that changed the count at the \
                 same moment. An entry or a leave that reads the count and then writes a new \
                 value, in two steps, undoes whatever another thread wrote in between",
                count.abs_diff(really_in)
            );
            note_if_too_busy("the_count_is_zero_when_everyone_has_left", raced, &lockstep);
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
