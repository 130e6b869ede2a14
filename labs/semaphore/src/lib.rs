//! Lab "Limited concurrency": you write the semaphore and the guarded client in [`semaphore`], the
//! only file of this crate you edit.
//!
//! Everything given (the [`Limiter`](semaphore_kit::Limiter) and [`Client`](semaphore_kit::Client)
//! traits, the stampede model, the naive client and the suite) is in the `semaphore-kit` crate,
//! `labs/semaphore/kit/`. Nothing else in the workspace compiles this crate, so while your file
//! does not compile, only `cargo test -p lab-semaphore` says so.
//!
//! - `cargo test -p lab-semaphore`: the suite, on the naive client and on yours;
//! - `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p lab-semaphore
//!   --test loom`: your semaphore under loom, every interleaving of a few callers;
//! - `cargo run --release -- labs`: the suite, then the speed bar;
//! - `cargo run --release -- hint semaphore`: the next hint.

pub mod semaphore;
