//! The suite, run on your code in `src/semaphore.rs`. It fails until the lab is solved:
//! `cargo test -p lab-semaphore`.

use lab_semaphore::check;
use lab_semaphore::model::Config;
use lab_semaphore::semaphore::{Guarded, Semaphore};

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
