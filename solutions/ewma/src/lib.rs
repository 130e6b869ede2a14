//! The reference answer to the ewma warm-up: an exponentially weighted moving average, the long-term
//! latency average of Netflix's Gradient2 limiter. [`ewma`] mirrors the warm-up's file.

pub mod ewma;
