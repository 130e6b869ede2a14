//! The reference answer to the adaptive-limit lab: an AIMD concurrency limit on two atomics.
//! [`aimd`] mirrors the lab's file. Read it after trying the lab; the chapter "Beyond a fixed
//! limit" walks through it.

pub mod aimd;

pub use crate::aimd::Aimd;
