//! The suite on your `jump` (`src/jump.rs`).
//!
//! `cargo test -p lab-jump-hash`: every check fails until your function jumps as the paper's does.

jump_hash_kit::suite!(lab_jump_hash::jump::jump);
