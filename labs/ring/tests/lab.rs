//! The suite on YOUR FastGlobal (`src/fastglobal.rs`). It fails until the lab is solved.
//!
//! `cargo test -p lab-ring --test lab` runs just these; then `cargo run --release -p workbook --
//! labs` measures your global against the bar.

use lab_ring::fastglobal::FastGlobal;

lab_ring::fastglobal_suite!(FastGlobal);
