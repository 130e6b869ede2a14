//! Warm-up "ewma", before the adaptive-limit lab: you write [`ewma::Ewma`], an exponentially
//! weighted moving average of latency, in the only file of this crate you edit.
//!
//! Everything given (the [`Average`](ewma_kit::Average) trait and the suite) is in the `ewma-kit`
//! crate, `labs/ewma/kit/`. Nothing else in the workspace compiles this crate, so while your file
//! does not compile, only `cargo test -p lab-ewma` says so.
//!
//! - `cargo test -p lab-ewma`: the suite on your average;
//! - `cargo run --release -- labs ewma`: the same suite, each failing check named;
//! - `cargo run --release -- hint ewma`: the next hint.

pub mod ewma;
