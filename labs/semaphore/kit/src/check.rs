//! The suite: what any semaphore and any guarded client must do. It runs on your code
//! (`tests/lab.rs`) and on the reference solution, and every check runs under a watchdog so a
//! deadlock fails with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named by what it checks. A failing
//! check says what it saw and what usually causes that, and when several causes fit what it saw,
//! it names them all. It never says which line to write: that is what the hints are for
//! (`cargo run --release -- hint semaphore`), one at a time.
//!
//! **Races, caught every time.** A semaphore that reads the count and writes it back in a second
//! step is wrong only when two callers come between each other's two steps: a window of a few
//! nanoseconds. Threads that merely run side by side meet it by luck, and in a debug build (what
//! `cargo test` builds) almost never. So the race checks
//! ([`two_callers_never_both_take_the_last_permit`] and
//! [`permits_taken_and_given_back_at_once_are_all_counted`]) run their callers in lockstep
//! ([`cluster::race::Lockstep`]): every round, all of them meet at a spinning barrier and leave it
//! at the same instant, take or give back a permit together, and meet again, where the last to
//! arrive checks the count while the others wait. A lost update is seen in the round that lost
//! it, before a later one can cancel it out. The checks go on until they have enough rounds in
//! which every caller really left together ([`RACED_ROUNDS`]), however busy the machine; they
//! take turns ([`cluster::race::one_race_at_a_time`]) rather than fight over the cores. Before
//! racing, each makes sure that one caller at a time is served right, so that a limit test that
//! is off by one is called that, and not mistaken for a race.
//!
//! Under `--cfg loom` this module is not built (it needs threads and the cluster); the
//! loom model (`semaphore_kit::interleavings`) takes its place.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use cluster::Cluster;
use cluster::race::{Lockstep, Padded, one_race_at_a_time};
use cluster::seeded::Seeded;
use cluster::watchdog::within;

use crate::model::{Config, simulate};
use crate::naive::Unguarded;
use crate::{Client, Limiter, Lookup, Outcome, OverLimit};

const LIMIT: Duration = Duration::from_secs(30);

/// How many rounds each race check wants *raced*, the steps (a take, a give-back) of two callers
/// overlapping in time ([`Lockstep::step`]), before it calls a semaphore safe. A planted race (a
/// take that checks the limit and then adds one in a second step, or a give-back that reads the
/// count and then writes it less one) showed within the first 170 raced rounds in each of 240
/// runs of the two suites (debug build and release, with and without two busy loops beside them
/// on a 2-core machine): 1,000 leave it little room to hide.
pub const RACED_ROUNDS: u64 = 1_000;

/// The longest a race check races. On a machine so busy that its callers seldom run at the same
/// moment, it stops after this long and says on stderr that it could not be sure.
pub const RACE_CAP: Duration = Duration::from_secs(10);

/// One thread per core (at least two, at most eight): a race needs two callers running at once,
/// and more threads than cores would only wait for each other at the barrier.
fn racers() -> usize {
    thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8)
}

/// A random pause of 0 to 3 spins after leaving the barrier, so that the racers' steps meet at
/// slightly different offsets from round to round.
fn jitter(random: &mut Seeded) {
    for _ in 0..random.below(4) {
        std::hint::spin_loop();
    }
}

/// Says on stderr, at the end of a race, that it ended on [`RACE_CAP`] with too few raced rounds.
fn note_if_too_busy(check: &str, raced: u64, lockstep: &Lockstep) {
    if raced < RACED_ROUNDS {
        eprintln!(
            "note: {check}: in {:?} only {raced} of the {RACED_ROUNDS} rounds it wants had two \
             of its {} callers take their steps at the same moment: the machine is too busy to be \
             sure that no race hides in the semaphore. Run it again when it is quieter.",
            lockstep.elapsed(),
            lockstep.threads()
        );
    }
}

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

/// One caller at a time, with no race at all: a fresh semaphore of `max` gives `max` permits,
/// refuses the next, and counts 0 again once they are dropped. The race checks make sure of this
/// first, so that a semaphore wrong even for one caller is not blamed on a race.
#[track_caller]
fn one_at_a_time_keeps_the_limit<L: Limiter>(semaphore: &L, max: usize) {
    let held: Vec<_> = (0..max)
        .map(|out| {
            semaphore.try_acquire().unwrap_or_else(|| {
                panic!(
                    "one caller at a time, a fresh semaphore of {max} refused a permit with only \
                     {out} out"
                )
            })
        })
        .collect();
    let count = semaphore.count();
    assert!(
        count == max,
        "{max} permits taken one at a time from a fresh semaphore of {max}, and count() says \
         {count}: does each successful take count exactly one?"
    );
    assert!(
        semaphore.try_acquire().is_none(),
        "one caller at a time, with no race at all, a semaphore of {max} gave a permit with {max} \
         already out: its limit test lets one caller more than the limit in (an off-by-one in the \
         comparison?)"
    );
    drop(held);
    let count = semaphore.count();
    assert!(
        count == 0,
        "the {max} permits taken one at a time were all dropped, and count() still says {count}: \
         does dropping a permit give it back, and does a refused take leave the count alone?"
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
            one_at_a_time_keeps_the_limit(&*semaphore, MAX);
            let _one_race = one_race_at_a_time();
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
                                    "{now} permits out at once from a semaphore of {MAX}, which \
                                     refused a 4th when callers came one at a time: callers that \
                                     came at the same moment got in together. Can another \
                                     caller act between the moment try_acquire sees a permit \
                                     left and the moment it takes it? Or did the count lose a \
                                     give-back or a take, so it says fewer are out than are?"
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
                "{threads} threads tried 20,000 times each and no permit was ever granted"
            );
            let count = semaphore.count();
            assert!(
                count == 0,
                "every holder dropped its permit, yet count() says {count}: a change of the count \
                 was lost when two callers changed it at the same moment (a take or a give-back \
                 that reads the count and writes it in two steps?)"
            );
        },
    );
}
// ANCHOR_END: never_more_than_max

// ANCHOR: race
/// Callers racing for the one permit of a semaphore of 1 never both get it.
///
/// One racer per core (at least two) runs in lockstep ([`Lockstep`]): every round they leave a
/// barrier at the same instant and call `try_acquire` together; at the next barrier the last to
/// arrive counts how many got a permit, then they all drop theirs, and at the next the count must
/// be back to 0. A `try_acquire` that loads the count, compares it with the limit and then
/// increments it in a second step lets two racers through whenever both load before either
/// increments, which the lockstep makes happen within a few rounds. The race goes on until a
/// second holder shows, or [`RACED_ROUNDS`] rounds were raced, or [`RACE_CAP`].
pub fn two_callers_never_both_take_the_last_permit<L: Limiter>() {
    within(
        3 * RACE_CAP, // its own race, and maybe another one to wait for
        "racing for one permit never finished: does try_acquire spin or block?",
        || {
            const MAX: usize = 1;
            let semaphore = L::with_max(MAX);
            first_permit(&semaphore);
            one_at_a_time_keeps_the_limit(&semaphore, MAX);
            let _one_race = one_race_at_a_time();
            let lockstep = Lockstep::new(racers());
            let took = Padded::new(0);
            let most = Padded::new(0);
            let granted = Padded::new(0);
            let left_over = Padded::new(0);
            let (rounds, raced) = (Padded::new(0), Padded::new(0));
            lockstep.run(|racer| {
                let mut random = Seeded::new(racer as u64);
                // Every permit of the last round was dropped: the count is 0 again.
                while lockstep.meet(|_| {
                    let count = semaphore.count() as u64;
                    left_over.0.store(count, Ordering::Relaxed);
                    count == 0
                        && raced.0.load(Ordering::Relaxed) < RACED_ROUNDS
                        && lockstep.elapsed() < RACE_CAP
                }) {
                    jitter(&mut random);
                    let permit = lockstep.step(racer, || semaphore.try_acquire());
                    if permit.is_some() {
                        took.0.fetch_add(1, Ordering::Relaxed);
                    }
                    let go_on = lockstep.meet(|together| {
                        let took = took.0.swap(0, Ordering::Relaxed);
                        rounds.0.fetch_add(1, Ordering::Relaxed);
                        raced.0.fetch_add(u64::from(together), Ordering::Relaxed);
                        granted.0.fetch_add(took, Ordering::Relaxed);
                        most.0.fetch_max(took, Ordering::Relaxed);
                        took <= MAX as u64
                    });
                    if !go_on {
                        // Two holders at once: a semaphore that lets that happen may not count
                        // the give-backs right either, so the permits are not given back. (A
                        // debug build would stop at a count dropping below 0, and that panic
                        // would hide what this check saw.)
                        std::mem::forget(permit);
                        break;
                    }
                    drop(permit);
                }
            });
            let (most, rounds, raced) = (
                most.0.load(Ordering::Relaxed),
                rounds.0.load(Ordering::Relaxed),
                raced.0.load(Ordering::Relaxed),
            );
            assert!(
                most <= MAX as u64,
                "{most} callers got a permit in the same round from a semaphore of {MAX} (round \
                 {rounds}; in {raced} of them two takes overlapped in time), though one caller at \
                 a time is refused at the limit: the callers that came at the same moment all saw \
                 the permit free before any of them had taken it. Can another caller act between \
                 the moment try_acquire sees a permit left and the moment it takes it?"
            );
            let left_over = left_over.0.load(Ordering::Relaxed);
            assert!(
                left_over == 0,
                "after round {rounds}, every holder had dropped its permit, yet count() says \
                 {left_over}: a give-back or a take was lost, or a refused try_acquire changed \
                 the count (permits_taken_and_given_back_at_once_are_all_counted tells which)"
            );
            assert!(
                granted.0.load(Ordering::Relaxed) > 0,
                "{} callers raced for {rounds} rounds and no permit was ever granted, though the \
                 permit was free at the start of each",
                lockstep.threads()
            );
            note_if_too_busy(
                "two_callers_never_both_take_the_last_permit",
                raced,
                &lockstep,
            );
        },
    );
}
// ANCHOR_END: race

/// What a racer does in a round of [`permits_taken_and_given_back_at_once_are_all_counted`].
fn gives_back(round: u64, racer: usize) -> bool {
    match round % 4 {
        0 => true,                     // every racer gives a permit back
        1 => false,                    // every racer takes one more
        2 => racer.is_multiple_of(2),  // half give back while the other half take
        _ => !racer.is_multiple_of(2), // and the other way round
    }
}

/// Callers that take and give back permits at the same instant leave the count exact: as many
/// permits counted out as are held, after every round.
///
/// One racer per core (at least two) runs in lockstep ([`Lockstep`]) on a semaphore with room for
/// all. Every round each holds one permit, they leave a barrier at the same instant, and each
/// either drops its permit or takes a second one, together: all drop, all take, or half and
/// half, in turn. At the next barrier the last to arrive compares `count()` with the permits they
/// hold. A give-back that loads the count and then stores it less one, in two steps, loses the
/// other give-back of the same instant, or the take: the count is off in the round it happens,
/// and a later lost update in the other direction cannot hide it.
pub fn permits_taken_and_given_back_at_once_are_all_counted<L: Limiter>() {
    within(
        3 * RACE_CAP, // its own race, and maybe another one to wait for
        "taking and giving back permits in lockstep never finished: does try_acquire or the \
         permit's drop spin or block?",
        || {
            let racers = racers();
            let max = 2 * racers; // room for everyone's two permits
            let semaphore = L::with_max(max);
            first_permit(&semaphore);
            one_at_a_time_keeps_the_limit(&semaphore, max);
            let _one_race = one_race_at_a_time();
            let lockstep = Lockstep::new(racers);
            let round = Padded::new(0);
            let raced = Padded::new(0);
            let holding = Padded::new(0);
            let refused = AtomicBool::new(false);
            // What the failing round saw: permits held, count(), and whether it was the round
            // of the racers' own give-backs and takes (not the settling before it).
            let (saw_held, saw_count, in_the_race) =
                (Padded::new(0), Padded::new(0), AtomicBool::new(false));
            let wrong = |holding: u64, racing: bool| {
                let count = semaphore.count() as u64;
                if count == holding && !refused.load(Ordering::Relaxed) {
                    return false;
                }
                saw_held.0.store(holding, Ordering::Relaxed);
                saw_count.0.store(count, Ordering::Relaxed);
                in_the_race.store(racing, Ordering::Relaxed);
                true
            };
            lockstep.run(|racer| {
                let mut random = Seeded::new(racer as u64);
                let mut mine = Vec::with_capacity(2);
                loop {
                    // Settle to one permit each, unhurried.
                    mine.truncate(1);
                    if mine.is_empty() {
                        match semaphore.try_acquire() {
                            Some(permit) => mine.push(permit),
                            None => refused.store(true, Ordering::Relaxed),
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
                        if gives_back(this_round, racer) {
                            mine.clear();
                        } else {
                            match semaphore.try_acquire() {
                                Some(permit) => mine.push(permit),
                                None => refused.store(true, Ordering::Relaxed),
                            }
                        }
                    });
                    holding.0.fetch_add(mine.len() as u64, Ordering::Relaxed);
                    if !lockstep.meet(|together| {
                        raced.0.fetch_add(u64::from(together), Ordering::Relaxed);
                        let now_held = holding.0.swap(0, Ordering::Relaxed);
                        if wrong(now_held, true) {
                            return false;
                        }
                        round.0.fetch_add(1, Ordering::Relaxed);
                        true
                    }) {
                        break;
                    }
                }
                // The race is over, maybe because the count went wrong: the permits are not
                // given back to a count known to be wrong, where a debug build could stop at it
                // dropping below 0, and that panic would hide what this check saw.
                std::mem::forget(mine);
            });
            let (held, count, round) = (
                saw_held.0.load(Ordering::Relaxed),
                saw_count.0.load(Ordering::Relaxed),
                round.0.load(Ordering::Relaxed),
            );
            let givers = (0..racers).filter(|&r| gives_back(round, r)).count();
            let raced = raced.0.load(Ordering::Relaxed);
            let what = if !in_the_race.load(Ordering::Relaxed) {
                format!(
                    "while {racers} callers each took or gave back permits to hold one each, \
                     before round {round}"
                )
            } else if givers == racers {
                format!("in round {round}, when {racers} holders gave a permit back at one instant")
            } else if givers == 0 {
                format!(
                    "in round {round}, when {racers} holders took one more permit at one instant"
                )
            } else {
                format!(
                    "in round {round}, when {givers} of the {racers} holders gave a permit back \
                     while the rest took one more, at one instant"
                )
            };
            let what = format!(
                "{what} ({raced} rounds so far with two callers' steps overlapping in time)"
            );
            assert!(
                !refused.load(Ordering::Relaxed),
                "a semaphore of {max} refused a permit {what}, with at most {} out: either the \
                 count had lost give-backs and looked full ({count} counted, {held} held), or \
                 try_acquire gives up when another caller changed the count under it, instead of \
                 looking at the count again",
                2 * racers - 1
            );
            let (lost, more_or_fewer) = if count > held {
                ("a give-back was lost", "more")
            } else {
                ("a take was lost", "fewer")
            };
            assert!(
                count == held,
                "{what}, count() says {count}, {} {more_or_fewer} than the permits held \
                 ({held}): {lost}, written over by another caller that changed the count at \
                 the same moment. A take or a give-back that reads the count and then writes a \
                 new value, in two steps, undoes whatever another caller wrote in between",
                count.abs_diff(held)
            );
            note_if_too_busy(
                "permits_taken_and_given_back_at_once_are_all_counted",
                raced,
                &lockstep,
            );
        },
    );
}

/// A semaphore of 2 gives two permits and refuses a third while both are out.
pub fn a_full_semaphore_refuses<L: Limiter>() {
    within(LIMIT, "taking permits never finished", || {
        let semaphore = L::with_max(2);
        let _first = semaphore
            .try_acquire()
            .expect("a fresh semaphore of 2 refused its first permit");
        let _second = semaphore.try_acquire().unwrap_or_else(|| {
            panic!(
                "a semaphore of 2 with one permit out refused the second (count() says {}): its \
                 limit test refuses one too early (an off-by-one?), or a take counts more than one",
                semaphore.count()
            )
        });
        assert!(
            semaphore.try_acquire().is_none(),
            "a third permit came out of a semaphore of 2, one caller at a time (no race here): its \
             limit test lets one caller more than the limit in (an off-by-one in the comparison?)"
        );
        let count = semaphore.count();
        assert!(
            count == 2,
            "two permits are out and a third was refused, but count() says {count}: does each \
             take count exactly one, and does a refused take leave the count as it was?"
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
        let count = semaphore.count();
        assert!(
            count == 1,
            "one of two permits was dropped, and count() says {count}, not 1: dropping a permit \
             gives back nothing, or more than the one permit (is the permit's Drop written yet?)"
        );
        assert!(
            semaphore.try_acquire().is_some(),
            "a dropped permit could not be taken again (count() says 1 of 2 out): the limit test \
             refuses one too early?"
        );
    });
}

/// A holder that panics gives its permit back as the panic unwinds.
pub fn a_panicking_holder_gives_its_permit_back<L: Limiter>() {
    within(LIMIT, "a panicking holder never finished", || {
        let semaphore = L::with_max(2);
        // Taken out here, so that a try_acquire that panics fails this check rather than
        // passing for the panic it is waiting for.
        let held = semaphore.try_acquire().expect("a first permit");
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _held = held;
            panic!("the call crashed while holding its permit");
        }));
        assert!(unwound.is_err());
        let count = semaphore.count();
        assert!(
            count == 0,
            "a caller panicked while holding a permit, and count() says {count} after the panic \
             unwound: the permit was not given back. While a panic unwinds, only the values alive \
             at that point are dropped: is the give-back done by dropping the permit, or by code \
             the panic skips?"
        );
    });
}

/// `call` runs `f` under a permit and gives the permit back, also when `f` panics.
pub fn call_gives_its_permit_back_even_if_f_panics<L: Limiter>() {
    within(LIMIT, "call never finished", || {
        let semaphore = L::with_max(2);
        let inside = semaphore.call(|| semaphore.count());
        assert!(
            inside == Ok(1),
            "call(f) on a semaphore with no permit out: inside f, count() said {inside:?}, not \
             Ok(1): call runs f without holding a permit, or takes more than one"
        );
        let count = semaphore.count();
        assert!(
            count == 0,
            "after call(f) returned, count() says {count}: the permit taken for f was not given \
             back when f returned (is it kept somewhere that outlives the call, or forgotten?)"
        );
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            semaphore.call(|| panic!("boom"))
        }));
        assert!(
            crashed.is_err(),
            "call(f) returned normally although f panicked: call caught the panic instead of \
             letting it go on to its caller"
        );
        let count = semaphore.count();
        assert!(
            count == 0,
            "f panicked inside call(f), and count() says {count} once the panic had unwound: the \
             permit was not given back. While a panic unwinds, only the values alive at that \
             point are dropped: is the permit given back by being dropped, or by a step after f \
             that the panic skips?"
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
            "call ran f although both permits of a semaphore of 2 were out: call runs f without \
             asking for a permit, or try_acquire gave a third one (a_full_semaphore_refuses \
             checks that alone)"
        );
        assert!(
            refused == Err(OverLimit),
            "call on a full semaphore returned {refused:?}, not Err(OverLimit)"
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
            "5 permits out, the limit lowered to 3, and a 6th got in: the limit test refuses only \
             when the count is exactly at the limit, not above it (set_max can leave more out \
             than the new limit), or try_acquire does not see the limit set_max changed"
        );
        let count = semaphore.count();
        assert!(
            count == 5,
            "5 permits out, the limit lowered to 3 and a 6th caller refused, and count() says \
             {count}: a refused take (or set_max) changed the count; Discord's bug #6 clamps it \
             down to the limit"
        );
        let mut held = held;
        held.truncate(3); // two come back: 3 out, still at the limit
        assert!(
            semaphore.try_acquire().is_none(),
            "two of the 5 permits came back, leaving 3 out with a limit of 3, and a 4th got in \
             (count() says {} once it was dropped again): at the limit, the limit test lets one \
             more in (an off-by-one?), or the give-backs took off more than one each",
            semaphore.count()
        );
        held.truncate(2);
        assert!(
            semaphore.try_acquire().is_some(),
            "2 permits out with a limit of 3, and the 3rd was refused (count() says {}): the \
             limit test refuses one too early, or a give-back did not come back",
            semaphore.count()
        );
    });
}

/// Runs every semaphore check.
pub fn semaphore_suite<L: Limiter>() {
    never_more_than_max::<L>();
    two_callers_never_both_take_the_last_permit::<L>();
    permits_taken_and_given_back_at_once_are_all_counted::<L>();
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
/// holding every request without replying, [`GUARD_LIMIT`] + 2 calls are made at once: exactly
/// [`GUARD_LIMIT`] reach the registry, and the other two are `Rejected` without reaching it. When
/// the held calls time out, their permits come back and a new call goes through. How many reached
/// the registry tells apart the likely causes of a failure: one too many is the semaphore's limit
/// test, all of them a permit that does not stay out for the call.
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
            // Calls over the limit, sent with the held ones: they must be rejected at once.
            const EXTRA: usize = 2;
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
                // GUARD_LIMIT calls the registry holds, and EXTRA more that must be rejected.
                let calls: Vec<_> = (0..(GUARD_LIMIT + EXTRA) as u64)
                    .map(|i| session.runtime().spawn(call(HELD + i)))
                    .collect();
                tokio::time::sleep(Duration::from_millis(1)).await; // they reach the registry
                let arrived = received.load(Ordering::SeqCst) - 1;
                let sent = GUARD_LIMIT + EXTRA;
                assert!(
                    arrived == GUARD_LIMIT,
                    "{sent} calls at once from one session node to one registry, with a limit of \
                     {GUARD_LIMIT} and the registry answering none of them: {arrived} reached the \
                     registry, not {GUARD_LIMIT}. {}",
                    match arrived {
                        a if a < GUARD_LIMIT =>
                            "The client rejected calls while permits were left: does each \
                             semaphore have the limit it was built with, and did the first \
                             call's permit come back when it was answered?",
                        a if a == GUARD_LIMIT + 1 =>
                            "One too many, and the rest rejected: the semaphore lets one caller \
                             more than its limit in (a_full_semaphore_refuses checks that alone)",
                        _ =>
                            "All of them: the permits kept no call out. Does the client ask its \
                             semaphore, and keep the permit until the call has ended? A permit \
                             dropped before the call is made leaves the count at 0",
                    }
                );
                let mut outcomes = Vec::new();
                for call in calls {
                    outcomes.push(call.await.expect("a call's task"));
                }
                let rejected = outcomes.iter().filter(|o| **o == Outcome::Rejected).count();
                let timed_out = outcomes.iter().filter(|o| **o == Outcome::TimedOut).count();
                assert!(
                    rejected == EXTRA && timed_out == GUARD_LIMIT,
                    "of {sent} calls, {GUARD_LIMIT} reached a registry that never answers and \
                     {EXTRA} did not, but they ended {rejected} Rejected and {timed_out} \
                     TimedOut: a call that gets no permit must end Rejected, and one that was \
                     sent and never answered, TimedOut ({outcomes:?})"
                );
                let after = call(3).await;
                assert!(
                    after == Outcome::Replied,
                    "every earlier call had ended (by a timeout, or rejected), yet the next call \
                     ended {after:?}: the permits of the calls that timed out did not come back. \
                     Is the permit given back on every way out of the call, the timeout too?"
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
                "the guarded client never rejected a call, while {} calls timed out: its \
                 semaphores were never full. Does the client ask a semaphore before calling, and \
                 keep the permit until the call has ended? A permit dropped before the call is \
                 made never stays out",
                figures.timed_out
            );
            let (peak, limit_sum) = (figures.peak_queue, config.limit_sum());
            let pairs = config.session_nodes * config.registries;
            assert!(
                peak <= limit_sum,
                "the registry queue reached {peak} requests, over the {limit_sum} that {pairs} \
                 (session node, registry) pairs with a limit of {} each allow: {}",
                config.limit,
                if peak <= limit_sum + pairs {
                    "at most one more per pair, as when each semaphore lets one caller more \
                         than its limit in (a_full_semaphore_refuses checks that alone)"
                } else {
                    "far more. Do all the calls of one pair share one semaphore, made once \
                         (not one per call), and does each call hold its permit until it ends?"
                }
            );
            assert!(
                figures.served_fraction == 1.0,
                "the guarded client served {} of {} sessions in {:?} ({} calls rejected, {} timed \
                 out): permits that do not come back when a call ends (by reply or by timeout) \
                 leave semaphores full for good, and a limit set too low serves too slowly",
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
                "serving everyone took {took:.1} s, more than 1.5 × the ideal {ideal:.1} s: calls \
                 rejected although the registry had room (a semaphore with fewer permits than its \
                 limit, or permits slow to come back) keep sessions waiting for their retry"
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
        fn permits_taken_and_given_back_at_once_are_all_counted() {
            $crate::check::permits_taken_and_given_back_at_once_are_all_counted::<$semaphore>();
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
