//! The loom model on the reference semaphore: the kit's models (`semaphore_kit::interleavings`),
//! the same ones `labs/semaphore/tests/loom.rs` runs on the learner's. Run with
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p solution-semaphore --test loom
//! ```
#![cfg(loom)]

semaphore_kit::loom_suite!(solution_semaphore::Semaphore);
