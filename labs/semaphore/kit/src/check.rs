//! The suite: what any semaphore and any guarded client must do. It runs on your code
//! (`tests/lab.rs`) and on the reference solution, and every check runs under a watchdog so a
//! deadlock fails with a sentence instead of hanging.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use cluster::watchdog::within;

use crate::model::{Config, simulate};
use crate::naive::Unguarded;
use crate::{Client, Limiter, OverLimit};

const LIMIT: Duration = Duration::from_secs(30);

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
                                assert!(now <= MAX, "{now} permits out at once with max {MAX}");
                                granted.fetch_add(1, Ordering::Relaxed);
                                holders.fetch_sub(1, Ordering::SeqCst);
                                drop(permit);
                            }
                        }
                    })
                })
                .collect();
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
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

/// Permits come back when dropped, when the holder panics, and through `call`.
pub fn permits_come_back_on_drop_and_panic<L: Limiter>() {
    within(LIMIT, "giving permits back never finished", || {
        let semaphore = L::with_max(2);
        let first = semaphore
            .try_acquire()
            .expect("a fresh semaphore of 2 refused its first permit");
        let second = semaphore
            .try_acquire()
            .expect("a semaphore of 2 refused its second permit");
        assert!(
            semaphore.try_acquire().is_none(),
            "a third permit came out of a semaphore of 2"
        );
        assert_eq!(semaphore.count(), 2);
        drop(first);
        assert_eq!(
            semaphore.count(),
            1,
            "dropping a permit did not give it back"
        );
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = semaphore
                .try_acquire()
                .expect("a freed permit was not available again");
            panic!("the call crashed while holding its permit");
        }));
        assert!(unwound.is_err());
        assert_eq!(
            semaphore.count(),
            1,
            "a permit held by a panicking call leaked"
        );
        drop(second);
        assert_eq!(semaphore.count(), 0);

        assert_eq!(semaphore.call(|| 42), Ok(42));
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            semaphore.call(|| panic!("boom"))
        }));
        assert!(crashed.is_err());
        assert_eq!(
            semaphore.count(),
            0,
            "call leaked its permit when f panicked"
        );
        let _a = semaphore.try_acquire();
        let _b = semaphore.try_acquire();
        let ran = AtomicBool::new(false);
        assert_eq!(
            semaphore.call(|| ran.store(true, Ordering::Relaxed)),
            Err(OverLimit)
        );
        assert!(
            !ran.load(Ordering::Relaxed),
            "call ran f although every permit was out"
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
            "5 permits out, limit lowered to 3, and a 6th got in"
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
    permits_come_back_on_drop_and_panic::<L>();
    a_lowered_limit_refuses_new_permits::<L>();
}

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
            assert_eq!(
                figures.served_fraction, 1.0,
                "the guarded client left sessions unserved: {figures:?}"
            );
            assert!(
                figures.peak_queue <= config.limit_sum(),
                "registry queue reached {} with limits summing to {}",
                figures.peak_queue,
                config.limit_sum()
            );
            assert!(
                figures.rejected > 0,
                "nothing was ever rejected: is the semaphore consulted at all?"
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
        fn permits_come_back_on_drop_and_panic() {
            $crate::check::permits_come_back_on_drop_and_panic::<$semaphore>();
        }

        #[test]
        fn a_lowered_limit_refuses_new_permits() {
            $crate::check::a_lowered_limit_refuses_new_permits::<$semaphore>();
        }

        #[test]
        fn guarded_serves_the_stampede() {
            $crate::check::guarded_serves_the_stampede(|config: &$crate::model::Config| {
                <$guarded>::new(config.nodes(), config.registries, config.limit)
            });
        }
    };
}
