//! Your semaphore (`src/semaphore.rs`) under loom: two or three callers taking and giving back
//! permits, in every order their atomic steps can interleave.
//!
//! The suite (`tests/lab.rs`) races real threads and makes a race likely; loom makes it certain,
//! because it tries the one order of steps that breaks a semaphore, if there is one. It runs only
//! in a loom build, which swaps the atomics your file takes from `semaphore_kit::sync` for loom's:
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release -p lab-semaphore --test loom
//! ```
//!
//! `--release` because loom runs each model thousands of times; `CARGO_TARGET_DIR` because a
//! different `RUSTFLAGS` rebuilds every crate, and a directory of its own keeps both builds. The
//! models are `semaphore_kit::interleavings`, the same ones the reference solution passes.
#![cfg(loom)]

semaphore_kit::loom_suite!(lab_semaphore::semaphore::Semaphore);
