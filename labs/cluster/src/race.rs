//! Pacing for the checks that must catch a race (the ring's stale cached read, the semaphore's
//! last permit taken twice): a race shows only while two threads run at the same moment, one per
//! core, and on a busy machine that has to be arranged.
//!
//! Threads work in bursts of [`BURST`] at the start of every [`PERIOD`], and sleep in between.
//! Threads that wake together after a sleep tend to be run at once, one per core, even on a busy
//! machine (the OS favours threads that have used less than their share).

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

/// How often the threads of a race check wake together.
pub const PERIOD: Duration = Duration::from_millis(2);

/// How long they work after waking, before they sleep until the next [`PERIOD`].
pub const BURST: Duration = Duration::from_micros(500);

/// Sleeps until the start of the next [`PERIOD`] after `epoch` if this one's [`BURST`] is over;
/// whether it slept.
pub fn sleep_till_next_burst(epoch: Instant) -> bool {
    let (now, period) = (epoch.elapsed().as_nanos(), PERIOD.as_nanos());
    if now % period < BURST.as_nanos() {
        return false;
    }
    std::thread::sleep(Duration::from_nanos((period - now % period) as u64));
    true
}

/// A counter on a cache line of its own, so that threads writing theirs do not slow each other.
#[repr(align(128))]
pub struct Padded(pub AtomicU64);

impl Padded {
    /// A counter starting at `value`.
    pub fn new(value: u64) -> Padded {
        Padded(AtomicU64::new(value))
    }
}

/// How far ahead the last thread to come to a [`Lockstep`] meeting sets the instant for all to
/// leave: long enough for the others, spinning on their cores, to see it before it comes.
const LEAD: Duration = Duration::from_micros(4);

/// How long a thread waits at a [`Lockstep`] meeting on its core before it gives the core away:
/// the thread it waits for is probably not running.
const PATIENCE: Duration = Duration::from_micros(50);

/// Threads that act in rounds, all released at the same instant: the harness of the checks whose
/// race lies in one short step (two callers taking the last permit, two give-backs that each read
/// the count and then write it).
///
/// Such a race is a window of a few nanoseconds: it shows only when two threads take that step
/// at the same moment, on two cores. Threads that merely run side by side for a while meet it by
/// luck, and in a debug build, where everything around the step is slower, hardly ever. So the
/// threads of a race check meet before every step, at a barrier that spins instead of sleeping.
/// The last one to arrive sets an instant a few microseconds ahead ([`LEAD`]), and every thread,
/// the last one too, watches the clock and leaves at that instant: within a few tens of
/// nanoseconds of each other, whichever of them arrived last. The last one to arrive also runs
/// the check's invariant while the others wait, so a broken invariant is seen in the round that
/// broke it, before a later round can hide it.
///
/// On a busy machine a thread is often paused while the others wait for it. A waiter then gives
/// its core away, and sleeps until the next burst ([`sleep_till_next_burst`]) once the current one
/// is over, so that the threads wake together again. Whether a round was really raced is
/// measured, not assumed: each thread times its step ([`Lockstep::step`]), and a round counts as
/// raced when the steps of two threads overlapped in time. A check goes on until it has enough
/// raced rounds, however busy the machine.
pub struct Lockstep {
    threads: usize,
    /// Threads at the current meeting.
    arrived: Padded,
    /// Bumped by the last to arrive: the meeting is open.
    generation: Padded,
    /// The instant all leave the open meeting, in nanoseconds since `epoch`.
    leave_at: Padded,
    /// When each thread began and ended its step since the last meeting, in nanoseconds since
    /// `epoch` (0: no step).
    steps: Vec<(Padded, Padded)>,
    /// Non-zero once the race is called off.
    off: Padded,
    epoch: Instant,
}

impl Lockstep {
    /// A lockstep for `threads` threads (at least one).
    pub fn new(threads: usize) -> Lockstep {
        let threads = threads.max(1);
        Lockstep {
            threads,
            arrived: Padded::new(0),
            generation: Padded::new(0),
            leave_at: Padded::new(0),
            steps: (0..threads)
                .map(|_| (Padded::new(0), Padded::new(0)))
                .collect(),
            off: Padded::new(0),
            epoch: Instant::now(),
        }
    }

    /// How many threads meet.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// How long since the lockstep was made.
    pub fn elapsed(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// Runs `step` as thread `index`'s step of this round, and times it: the next meeting tells
    /// whether it overlapped another thread's step.
    pub fn step<T>(&self, index: usize, step: impl FnOnce() -> T) -> T {
        use std::sync::atomic::Ordering::Relaxed;
        let began = self.nanos().max(1);
        let result = step();
        let (start, end) = &self.steps[index];
        start.0.store(began, Relaxed);
        end.0.store(self.nanos().max(began), Relaxed);
        result
    }

    /// Waits until every thread has come to this meeting, then leaves it with the others at the
    /// same instant. The last one to come runs `last` first, while the others wait: it is given
    /// whether the steps of two threads since the previous meeting overlapped in time (whether
    /// the round was raced; see [`Lockstep::step`]), and returns whether the race goes on.
    ///
    /// Returns `false` once the race is called off: by `last`, by [`Lockstep::call_off`], or by
    /// a thread of [`Lockstep::run`] that panicked. Every thread must then stop meeting.
    pub fn meet(&self, last: impl FnOnce(bool) -> bool) -> bool {
        use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
        if self.off.0.load(Acquire) != 0 {
            return false;
        }
        sleep_till_next_burst(self.epoch);
        let generation = self.generation.0.load(Acquire);
        if self.arrived.0.fetch_add(1, AcqRel) + 1 == self.threads as u64 {
            if !last(self.steps_overlapped()) {
                self.off.0.store(1, Release);
            }
            self.arrived.0.store(0, Relaxed);
            let leave_at = self.nanos() + LEAD.as_nanos() as u64;
            self.leave_at.0.store(leave_at, Relaxed);
            self.generation.0.store(generation + 1, Release);
        } else {
            let (mut spins, mut waiting) = (0u32, Instant::now());
            while self.generation.0.load(Acquire) == generation {
                if self.off.0.load(Relaxed) != 0 {
                    return false;
                }
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) && waiting.elapsed() >= PATIENCE {
                    if !sleep_till_next_burst(self.epoch) {
                        std::thread::yield_now();
                    }
                    waiting = Instant::now();
                }
                std::hint::spin_loop();
            }
        }
        let leave_at = self.leave_at.0.load(Relaxed);
        while self.nanos() < leave_at {}
        self.off.0.load(Acquire) == 0
    }

    /// Whether two of the steps timed since the last meeting overlapped; forgets them.
    fn steps_overlapped(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let steps: Vec<(u64, u64)> = self
            .steps
            .iter()
            .map(|(start, end)| (start.0.swap(0, Relaxed), end.0.swap(0, Relaxed)))
            .filter(|&(start, _)| start != 0)
            .collect();
        steps.iter().enumerate().any(|(i, &(start, end))| {
            steps[i + 1..]
                .iter()
                .any(|&(other_start, other_end)| start.max(other_start) <= end.min(other_end))
        })
    }

    /// Calls the race off: every [`Lockstep::meet`] returns `false` from now on.
    pub fn call_off(&self) {
        self.off.0.store(1, std::sync::atomic::Ordering::Release);
    }

    /// Runs `racer(index)` on [`Lockstep::threads`] threads of their own and returns when they have
    /// all finished. A racer that panics calls the race off, so the others stop meeting instead of
    /// waiting for it forever, and its panic (the first one) is raised again here, message intact.
    pub fn run(&self, racer: impl Fn(usize) + Sync) {
        /// Calls the race off if its thread unwinds.
        struct OffOnPanic<'a>(&'a Lockstep);
        impl Drop for OffOnPanic<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.call_off();
                }
            }
        }
        let first_panic = std::thread::scope(|scope| {
            let racers: Vec<_> = (0..self.threads)
                .map(|index| {
                    let racer = &racer;
                    scope.spawn(move || {
                        let _off = OffOnPanic(self);
                        racer(index);
                    })
                })
                .collect();
            let panics: Vec<_> = racers.into_iter().filter_map(|r| r.join().err()).collect();
            panics.into_iter().next()
        });
        if let Some(panic) = first_panic {
            std::panic::resume_unwind(panic);
        }
    }

    fn nanos(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }
}

/// Lets one race check run at a time in this test process, for as long as the guard is held.
///
/// `cargo test` runs a suite's tests side by side. Two race checks running at once would each
/// have a core's worth of threads spinning at their barriers, and on a small machine they would
/// mostly wait for each other's threads instead of racing. Other checks (and other processes)
/// still run alongside; [`Lockstep`] measures what that leaves of the race.
pub fn one_race_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static RACES: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A check that failed while holding the guard poisons the lock; the next one may race anyway.
    RACES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering::Relaxed;

    use super::*;

    #[test]
    fn the_last_to_come_checks_once_per_meeting_while_the_others_wait() {
        const THREADS: u64 = 3;
        let lockstep = Lockstep::new(THREADS as usize);
        let (meetings, arrived) = (Padded::new(0), Padded::new(0));
        lockstep.run(|_| {
            loop {
                arrived.0.fetch_add(1, Relaxed);
                let go_on = lockstep.meet(|_| {
                    assert_eq!(
                        arrived.0.swap(0, Relaxed),
                        THREADS,
                        "checked before all came"
                    );
                    meetings.0.fetch_add(1, Relaxed) + 1 < 100
                });
                if !go_on {
                    break;
                }
            }
        });
        assert_eq!(meetings.0.load(Relaxed), 100);
    }

    #[test]
    fn a_racer_that_panics_calls_the_race_off_and_its_panic_comes_through() {
        let lockstep = Lockstep::new(2);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lockstep.run(|racer| {
                if racer == 1 {
                    panic!("racer 1 broke");
                }
                while lockstep.meet(|_| true) {}
            })
        }));
        let panic = caught.expect_err("the racer's panic was lost");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"racer 1 broke"));
    }
}
