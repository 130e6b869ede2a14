//! Lab "Beyond a fixed limit": you write an AIMD concurrency limiter in [`aimd`], the only file
//! of this crate you edit.
//!
//! Everything given (the [`AdaptiveLimiter`](adaptive_limit_kit::AdaptiveLimiter) trait, the gate
//! that counts calls in and out, the fixed limiter, Vegas and Gradient2, the admission scenario
//! and the suite) is in the `adaptive-limit-kit` crate, `labs/adaptive-limit/kit/`. Nothing else
//! in the workspace compiles this crate, so while your file does not compile, only
//! `cargo test -p lab-adaptive-limit` says so.
//!
//! - `cargo test -p lab-adaptive-limit`: the suite on your limiter;
//! - `cargo run --release -- labs`: the suite, then the bar (the `slowdown` case);
//! - `cargo run --release -- hint adaptive-limit`: the next hint.

pub mod aimd;
