//! The reference answer to the limited-concurrency lab: a semaphore on a cache-padded atomic
//! counter, and the guarded client that puts one in front of every (session node, registry) pair.
//!
//! Read it after trying the lab; the book's appendix walks through it.

pub mod semaphore;

#[cfg(not(loom))]
pub mod guarded;

pub use crate::semaphore::{Permit, Semaphore};
