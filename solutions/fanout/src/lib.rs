//! The reference answer to the fanout lab, and the two steps after it.
//!
//! | module | what | the guild pays per publish |
//! | --- | --- | --- |
//! | [`manifold`] | Manifold as the library does it: group by node, one partitioner per node, a worker per thread, receivers hashed to fixed workers, the receiver list travelling with the event; [`manifold::PackOnce`] encodes the event once for all nodes | grouping the members, one encode + send per node |
//! | [`offload`] | Manifold's `send_mode: :offload`: the guild hands the whole publish to a local sender process | one local send |
//! | [`relay`] | Discord's later relays: each node keeps the guild's local member list, registered once, updated on join and leave | one send of the event per node |
//!
//! All of them are held to the lab's suite (`fanout_kit::check`) by `tests/solution.rs`, and
//! measured side by side with the naive strategy by `workbook reproduce fanout`.

pub mod manifold;
pub mod offload;
pub mod relay;
