//! The lab's suite, run on the reference solution.
#![cfg(not(loom))]

use lab_semaphore::check;
use lab_semaphore::model::Config;
use solution_semaphore::Semaphore;
use solution_semaphore::guarded::Guarded;

#[test]
fn never_more_than_max() {
    check::never_more_than_max::<Semaphore>();
}

#[test]
fn permits_come_back_on_drop_and_panic() {
    check::permits_come_back_on_drop_and_panic::<Semaphore>();
}

#[test]
fn a_lowered_limit_refuses_new_permits() {
    check::a_lowered_limit_refuses_new_permits::<Semaphore>();
}

#[test]
fn guarded_serves_the_stampede() {
    check::guarded_serves_the_stampede(|config: &Config| {
        Guarded::<Semaphore>::new(config.nodes(), config.registries, config.limit)
    });
}

#[test]
fn naive_collapses() {
    check::naive_collapses();
}
