//! The reference answer to the limited-concurrency lab: a semaphore on a cache-padded atomic
//! counter, and the guarded client that puts one in front of every (session node, registry) pair.
//!
//! [`semaphore`] mirrors the lab's file: the semaphore, its permit and the guarded client. Read it
//! after trying the lab; the book's appendix walks through it.

pub mod semaphore;

#[cfg(not(loom))]
pub use crate::semaphore::Guarded;
pub use crate::semaphore::{Permit, Semaphore};
