//! The suite on your FastGlobal (`src/fastglobal.rs`), and on the given strategies it must beat.
//!
//! `cargo test -p lab-ring`: the given strategies' checks pass from the start; yours fail until
//! your FastGlobal is solved. Then `cargo run --release -- labs` measures it against the bar.

use lab_ring::fastglobal::FastGlobal;

ring_kit::suite!(FastGlobal);
