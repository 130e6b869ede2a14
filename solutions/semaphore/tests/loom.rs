//! A loom model of the semaphore: every interleaving of a few threads acquiring and releasing,
//! checked exhaustively. Run with
//! `RUSTFLAGS="--cfg loom" cargo test -p solution-semaphore --test loom --release`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use solution_semaphore::Semaphore;

#[test]
fn never_more_than_max_in_any_interleaving() {
    loom::model(|| {
        let semaphore = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (semaphore, holders) = (semaphore.clone(), holders.clone());
                thread::spawn(move || {
                    if let Some(permit) = semaphore.try_acquire() {
                        assert_eq!(
                            holders.fetch_add(1, Ordering::SeqCst),
                            0,
                            "two permits out with max 1"
                        );
                        holders.fetch_sub(1, Ordering::SeqCst);
                        drop(permit);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(semaphore.count(), 0);
    });
}

#[test]
fn a_lowered_limit_refuses_concurrent_takers() {
    loom::model(|| {
        // Two permits out of three, then the limit drops to one: Discord's issue #6 would clamp
        // the count down and let a caller in. Two takers race; in no interleaving may either win.
        let semaphore = Arc::new(Semaphore::new(3));
        let _first = semaphore.try_acquire().expect("first permit");
        let _second = semaphore.try_acquire().expect("second permit");
        semaphore.set_max(1);
        let takers: Vec<_> = (0..2)
            .map(|_| {
                let semaphore = semaphore.clone();
                thread::spawn(move || semaphore.try_acquire().is_some())
            })
            .collect();
        for taker in takers {
            assert!(
                !taker.join().unwrap(),
                "a permit was granted above a lowered limit"
            );
        }
        assert_eq!(semaphore.count(), 2, "lowering the limit changed the count");
    });
}
