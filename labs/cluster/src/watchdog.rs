//! Checks that fail with a sentence instead of hanging.
//!
//! A lab suite runs the reader's code, and the reader's first Manifold may well deadlock. A test
//! that hangs teaches nothing; a test that says "no delivery for 10 s: deadlock?" does. Every
//! check in the lab suites runs under [`within`].

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs `check` on its own thread and returns its result, or panics with `stuck` if it has not
/// finished after `limit`. A panic inside `check` is re-raised here with its own message.
///
/// A check that is stuck is left running on its thread (threads cannot be killed); the test fails
/// anyway and the process exits at the end of the test run.
pub fn within<T, F>(limit: Duration, stuck: &str, check: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, result) = mpsc::channel();
    let worker = thread::Builder::new()
        .name("watchdog-check".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
            let _ = done.send(outcome);
        })
        .expect("could not start a watchdog thread");
    match result.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = worker.join();
            value
        }
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{stuck} (no result after {limit:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_what_the_check_returns() {
        assert_eq!(within(Duration::from_secs(5), "stuck", || 41 + 1), 42);
    }

    #[test]
    #[should_panic(expected = "no delivery: deadlock?")]
    fn a_stuck_check_fails_with_its_sentence() {
        within(Duration::from_millis(50), "no delivery: deadlock?", || {
            thread::sleep(Duration::from_secs(5));
        });
    }

    #[test]
    #[should_panic(expected = "wrong answer")]
    fn a_failing_check_keeps_its_message() {
        within(Duration::from_secs(5), "stuck", || panic!("wrong answer"));
    }
}
