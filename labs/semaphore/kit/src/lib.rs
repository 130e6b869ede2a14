//! Lab "Limited concurrency": the stampede that collapses, and the semaphore that prevents it.
//!
//! Once Discord made ring lookups fast, nearly five million sessions could reach the ten guild
//! registries at once. A session's `GenServer.call` to a registry timed out after five seconds,
//! but its request **stayed in the registry's mailbox** and was served later, for nobody. The
//! session retried after a backoff, adding a fresh request behind the stale ones. Registries spent
//! their time on requests whose callers had gone, so more calls timed out, so more retries came:
//! a *metastable failure*, one that sustains itself after its trigger is gone. Blocked sessions
//! meanwhile kept receiving presence events, their mailboxes grew, and the VM ran out of memory.
//!
//! The fix was not to make the registry faster, and not a circuit breaker (a burst of timeouts
//! must not stop every attempt for a while). It was a semaphore: an atomic counter of calls in
//! flight per registry, and a caller that finds it at the limit **bails at once** instead of
//! joining a queue it cannot win. Discord's `Semaphore` library does it with one
//! `:ets.update_counter/4`, an increment with a threshold.
//!
//! This crate holds what the lab gives; the skeleton you complete is in the lab crate:
//!
//! | file | what |
//! | --- | --- |
//! | [`model`] | registries, sessions, background load, the timeline: the stampede in virtual time |
//! | [`naive`] | the client that always calls: the blog's "before" |
//! | `labs/semaphore/src/semaphore.rs` (crate `lab-semaphore`) | **yours**: `Semaphore`, its `Permit`, and the `Guarded` client |
//! | [`check`] | the suite your code must pass ([`suite!`]; `cargo test -p lab-semaphore`) |
//! | [`sync`] | the atomics your semaphore counts with: std's, or loom's under `--cfg loom` |
//! | `interleavings` | the loom model: every interleaving of a few callers, on your semaphore |
//!
//! **Two ways to test a semaphore.** The suite (`check`) runs real threads, released together
//! in lockstep so that a race shows in a few rounds; it tests everything, the guarded client
//! too. The loom model (`interleavings`) runs two or three callers and tries *every* order in
//! which their atomic steps can interleave, so a race it does not find is not there (within the
//! model). Loom can only see atomics it provides, which is why your file takes its atomics from
//! [`sync`]: std's in every ordinary build, loom's under `--cfg loom`. Under that flag the kit
//! builds only what the model needs (tokio cannot be built under it, so neither can the cluster):
//! the [`Limiter`] trait, [`OverLimit`], [`sync`] and `interleavings`.
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p lab-semaphore --test loom
//! ```
//!
//! (`--release` because loom runs each test body thousands of times; the separate target
//! directory because a different `RUSTFLAGS` rebuilds every crate.)

#[cfg(not(loom))]
pub mod check;
#[cfg(not(loom))]
pub mod model;
#[cfg(not(loom))]
pub mod naive;

use std::fmt;
#[cfg(not(loom))]
use std::future::Future;
#[cfg(not(loom))]
use std::time::Duration;

#[cfg(not(loom))]
use cluster::{Node, Pid, Request};

/// The atomics your semaphore counts with: `std::sync::atomic`'s in every ordinary build, and
/// loom's, which record every access and let the model choose what each load sees, under
/// `--cfg loom`. Your file imports them from here, so the same code runs in both.
pub mod sync {
    /// [`AtomicUsize`] and friends, and [`Ordering`]: std's, or loom's under `--cfg loom`.
    pub mod atomic {
        #[cfg(loom)]
        pub use loom::sync::atomic::{
            AtomicBool, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
        };
        #[cfg(not(loom))]
        pub use std::sync::atomic::{
            AtomicBool, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
        };
    }
}

/// What a registry call asks: "where is guild `u64`?"; the reply is the guild's (made-up) pid.
#[cfg(not(loom))]
pub type Lookup = Request<u64, u64>;

// ANCHOR: limiter
/// A limit on calls in flight that never blocks and never queues.
///
/// The lab's `Semaphore` (`labs/semaphore/src/semaphore.rs`) and the reference solution both
/// implement it, so the same suite checks both.
pub trait Limiter: Send + Sync + 'static {
    /// Proof of one call in flight; dropping it gives the slot back.
    type Permit<'a>: Send
    where
        Self: 'a;

    /// A limiter that lets at most `max` permits out at once.
    fn with_max(max: usize) -> Self;

    /// A permit if fewer than the limit are out, `None` at once otherwise.
    fn try_acquire(&self) -> Option<Self::Permit<'_>>;

    /// How many permits are out right now.
    fn count(&self) -> usize;

    /// Changes the limit. Permits already out stay out; new ones respect the new limit.
    fn set_max(&self, max: usize);

    /// Runs `f` under a permit (released even if `f` panics), or `Err(OverLimit)` without
    /// running it: Discord's `Semaphore.call/3`.
    fn call<T>(&self, f: impl FnOnce() -> T) -> Result<T, OverLimit>;
}
// ANCHOR_END: limiter

/// How one registry call ended, as the session sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The registry replied within the timeout.
    Replied,
    /// The client refused to call: the limit was reached. Nothing was sent.
    Rejected,
    /// No reply within the timeout. The request is still queued at the registry.
    TimedOut,
}

#[cfg(not(loom))]
// ANCHOR: client
/// How a session calls a registry. The naive client always calls; the guarded one asks its
/// semaphore first.
pub trait Client: Send + Sync + 'static {
    /// One call from a session on `node` to `registry` (its index; `to` is its pid).
    fn call(
        &self,
        node: &Node,
        registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send;
}
// ANCHOR_END: client

/// A shared client is a client: the suite runs one client over several simulations.
#[cfg(not(loom))]
impl<C: Client> Client for std::sync::Arc<C> {
    fn call(
        &self,
        node: &Node,
        registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send {
        (**self).call(node, registry, to, guild, timeout)
    }
}

/// The error of [`Limiter::call`] when every permit is out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverLimit;

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "over the limit: every permit is out")
    }
}

impl std::error::Error for OverLimit {}

/// Makes one real call through the cluster and turns its result into an [`Outcome`]. Both clients
/// end up here; only the guarded one decides first whether to come.
#[cfg(not(loom))]
pub async fn call_registry(node: &Node, to: Pid<Lookup>, guild: u64, timeout: Duration) -> Outcome {
    match node.call::<Lookup, u64, u64>(to, guild, timeout).await {
        Ok(_) => Outcome::Replied,
        Err(_) => Outcome::TimedOut,
    }
}

/// The loom model of a semaphore: a few callers taking and giving back permits, checked in every
/// order their atomic steps can interleave. Built only under `--cfg loom`; [`loom_suite!`]
/// declares one `#[test]` per model, for your semaphore (`labs/semaphore/tests/loom.rs`) and the
/// reference one (`solutions/semaphore/tests/loom.rs`) alike.
///
/// The suite's race checks (`check`, in an ordinary build) make a race likely; loom makes it
/// certain: a take that checks the limit and then adds one in a second step, or a give-back that
/// reads the count and then writes it less one, fails here in every run, because loom tries the
/// one order of steps that breaks it. The failure says what that order did to the count.
///
/// Each model leaks its semaphore (a few bytes per execution), so that permits, which borrow it,
/// can be handed to the model's threads.
#[cfg(loom)]
pub mod interleavings {
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::thread;

    use crate::Limiter;

    /// A semaphore of `max` that lives as long as the model's threads.
    fn leaked<L: Limiter>(max: usize) -> &'static L {
        Box::leak(Box::new(L::with_max(max)))
    }

    /// The semaphore counts with loom's atomics: loom can only interleave steps it sees, and it
    /// sees only its own atomics. They exist only inside a model, so a semaphore made outside
    /// one must fail to be made (a panic, caught here); one that can be made there counts with
    /// something else, and every model below would pass without checking anything.
    pub fn the_semaphore_counts_with_loom_atomics<L: Limiter>() {
        let made_outside_a_model = std::panic::catch_unwind(|| {
            std::mem::forget(L::with_max(1));
        });
        assert!(
            made_outside_a_model.is_err(),
            "the semaphore was made outside a loom model, so it holds none of loom's atomics \
             (they exist only inside a model): loom cannot see its steps, and no interleaving of \
             them can be checked. Does the semaphore take its atomics from semaphore_kit::sync \
             (loom's in this build), and none from std::sync::atomic?"
        );
    }

    /// Two callers race for the one permit of a semaphore of 1, hold it, and give it back: in no
    /// interleaving do both hold it at once, and the count ends at 0. (One caller alone first, so
    /// that a limit test off by one is named as such, not as a race.)
    pub fn never_more_than_max_in_any_interleaving<L: Limiter>() {
        loom::model(|| {
            let semaphore = leaked::<L>(1);
            // One caller first, alone: a limit test that is off by one fails here, and is not
            // taken for a race below.
            let alone = semaphore.try_acquire();
            assert!(
                alone.is_some(),
                "a fresh semaphore of 1 refused its first permit"
            );
            assert!(
                semaphore.try_acquire().is_none(),
                "one caller at a time, with no interleaving at all, a semaphore of 1 gave a second \
                 permit while the first was out: its limit test lets one caller more than the \
                 limit in (an off-by-one in the comparison?)"
            );
            drop(alone);
            let count = semaphore.count();
            assert!(
                count == 0,
                "one caller took the permit of a semaphore of 1 and dropped it, and the count is \
                 {count}, with no interleaving at all: does dropping a permit give it back, and \
                 does a refused take leave the count alone?"
            );
            let holders: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
            let callers: Vec<_> = (0..2)
                .map(|_| {
                    thread::spawn(move || {
                        if let Some(permit) = semaphore.try_acquire() {
                            let others = holders.fetch_add(1, Ordering::SeqCst);
                            assert!(
                                others == 0,
                                "two takes interleaved and both got the one permit of a \
                                 semaphore of 1: each saw it free before the other had taken it \
                                 (a check of the limit and a take in two steps, with room for the \
                                 other caller in between?)"
                            );
                            holders.fetch_sub(1, Ordering::SeqCst);
                            drop(permit);
                        }
                    })
                })
                .collect();
            for caller in callers {
                caller.join().unwrap();
            }
            let count = semaphore.count();
            assert!(
                count == 0,
                "two callers took and gave back the one permit of a semaphore of 1, and the \
                 count stayed at {count} after every permit was dropped: an update of the count \
                 was lost, or a refused take changed it"
            );
        });
    }

    /// Two holders of a semaphore of 2 give their permits back at the same time: in every
    /// interleaving the count ends at 0.
    pub fn two_give_backs_are_both_counted<L: Limiter>() {
        loom::model(|| {
            let semaphore = leaked::<L>(2);
            let permits = [
                semaphore
                    .try_acquire()
                    .expect("a first permit of a semaphore of 2"),
                semaphore
                    .try_acquire()
                    .expect("a second permit of a semaphore of 2"),
            ];
            let holders = permits.map(|permit| thread::spawn(move || drop(permit)));
            for holder in holders {
                holder.join().unwrap();
            }
            let count = semaphore.count();
            assert!(
                count == 0,
                "two releases interleaved and one was lost: count stayed at {count} after every \
                 permit was dropped (each give-back read the count before the other wrote it, and \
                 the second write undid the first?)"
            );
        });
    }

    /// One holder of a semaphore of 2 gives its permit back while another caller takes one: in
    /// every interleaving the taker gets a permit and the count ends at 1.
    pub fn a_take_and_a_give_back_at_once_are_both_counted<L: Limiter>() {
        loom::model(|| {
            let semaphore = leaked::<L>(2);
            let permit = semaphore
                .try_acquire()
                .expect("a first permit of a semaphore of 2");
            let giver = thread::spawn(move || drop(permit));
            let taker = thread::spawn(move || semaphore.try_acquire());
            giver.join().unwrap();
            let taken = taker.join().unwrap();
            assert!(
                taken.is_some(),
                "a take interleaved with a give-back on a semaphore of 2 with one permit out, and \
                 the take was refused: it gave up when the count changed under it, instead of \
                 looking again?"
            );
            let count = semaphore.count();
            assert!(
                count == 1,
                "a take and a give-back interleaved and one was lost: count is {count} with one \
                 permit out (one wrote a count computed from a value the other had already \
                 changed?)"
            );
            drop(taken);
        });
    }

    /// Two permits out of three, then the limit drops to one (Discord's issue #6 would clamp the
    /// count down and let a caller in): two takers race, and in no interleaving may either win.
    pub fn a_lowered_limit_refuses_concurrent_takers<L: Limiter>() {
        loom::model(|| {
            let semaphore = leaked::<L>(3);
            let _first = semaphore
                .try_acquire()
                .expect("a first permit of a semaphore of 3");
            let _second = semaphore
                .try_acquire()
                .expect("a second permit of a semaphore of 3");
            semaphore.set_max(1);
            let takers: Vec<_> = (0..2)
                .map(|_| thread::spawn(move || semaphore.try_acquire().is_some()))
                .collect();
            for taker in takers {
                assert!(
                    !taker.join().unwrap(),
                    "a permit was granted above a lowered limit: 2 permits out, the limit \
                     lowered to 1, and a taker got in. Does the limit test refuse only when the \
                     count is exactly at the limit, not above it?"
                );
            }
            let count = semaphore.count();
            assert!(
                count == 2,
                "2 permits out, the limit lowered to 1, two takers refused, and the count is \
                 {count}: a refused take changed the count"
            );
        });
    }
}

/// Declares one `#[test]` per loom model ([`interleavings`]) for a semaphore type, so the lab
/// (`tests/loom.rs`) and the reference solution run exactly the same model. Build and run it
/// under `--cfg loom`, in release:
///
/// ```sh
/// RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
///     cargo test --release -p lab-semaphore --test loom
/// ```
#[cfg(loom)]
#[macro_export]
macro_rules! loom_suite {
    ($semaphore:ty) => {
        #[test]
        fn the_semaphore_counts_with_loom_atomics() {
            $crate::interleavings::the_semaphore_counts_with_loom_atomics::<$semaphore>();
        }

        #[test]
        fn never_more_than_max_in_any_interleaving() {
            $crate::interleavings::never_more_than_max_in_any_interleaving::<$semaphore>();
        }

        #[test]
        fn two_give_backs_are_both_counted() {
            $crate::interleavings::two_give_backs_are_both_counted::<$semaphore>();
        }

        #[test]
        fn a_take_and_a_give_back_at_once_are_both_counted() {
            $crate::interleavings::a_take_and_a_give_back_at_once_are_both_counted::<$semaphore>();
        }

        #[test]
        fn a_lowered_limit_refuses_concurrent_takers() {
            $crate::interleavings::a_lowered_limit_refuses_concurrent_takers::<$semaphore>();
        }
    };
}
