//! The suite on your AIMD limiter (`src/aimd.rs`).
//!
//! `cargo test -p lab-adaptive-limit`: the checks fail until your limiter is solved. Then
//! `cargo run --release -- labs` measures it against the bar.

adaptive_limit_kit::suite!(lab_adaptive_limit::aimd::Aimd);
