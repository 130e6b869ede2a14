//! The reference answer to the jump-hash warm-up: the paper's loop, transcribed. A 64-bit linear
//! congruential step draws the next random number from the key, and the next bucket the key would
//! jump to is computed from it in floating point, exactly as the paper's C++ does, so that every
//! answer is the paper's to the bit. The placement kit's `Jump` way is the same loop.

pub mod jump;
