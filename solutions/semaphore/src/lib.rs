//! The reference semaphore.
