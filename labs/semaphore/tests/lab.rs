//! The suite, run on your code in `src/semaphore.rs`. It fails until the lab is solved:
//! `cargo test -p lab-semaphore`.

use lab_semaphore::semaphore::{Guarded, Semaphore};

lab_semaphore::semaphore_suite!(Semaphore, Guarded<Semaphore>);
