//! The lab's suite, run on the reference solution, plus the model's own sanity check.
#![cfg(not(loom))]

use solution_semaphore::Semaphore;
use solution_semaphore::guarded::Guarded;

lab_semaphore::semaphore_suite!(Semaphore, Guarded<Semaphore>);

#[test]
fn naive_collapses() {
    lab_semaphore::check::naive_collapses();
}
