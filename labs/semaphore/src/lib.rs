//! Lab: limited concurrency.
