//! The suite on your semaphore and guarded client (`src/semaphore.rs`), and on the naive client.
//!
//! `cargo test -p lab-semaphore`: the naive client's check passes from the start; yours fail until
//! your semaphore is solved. Then `cargo run --release -- labs` measures it against the bar.
//! `tests/loom.rs` checks your semaphore once more, under loom.
#![cfg(not(loom))]

use lab_semaphore::semaphore::{Guarded, Semaphore};

semaphore_kit::suite!(Semaphore, Guarded<Semaphore>);
