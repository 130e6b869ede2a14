//! The reference answer to the group-by-node warm-up: one list per node made up front, then one
//! pass over the members, each pushed onto the end of its node's list. `O(members + nodes)`; the
//! reference Manifold (`solutions/fanout/src/manifold.rs`) starts its `publish` the same way.

pub mod group;
