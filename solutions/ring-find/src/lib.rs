//! The reference answer to the ring-find warm-up: one `partition_point` for the points at or
//! below the hash, and the index after them, wrapped round to 0 past the end. Ring-kit's own
//! lookup (`Ring::next_point`, `labs/ring/kit/src/ring.rs`) is the same search.

pub mod find;
