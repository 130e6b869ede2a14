//! The lab's suite, run on the reference semaphore and guarded client.
#![cfg(not(loom))]

use solution_semaphore::{Guarded, Semaphore};

semaphore_kit::suite!(Semaphore, Guarded<Semaphore>);
