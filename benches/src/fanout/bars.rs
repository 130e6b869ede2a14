//! Every threshold of the fanout bottleneck, in one place: the lab's bar, the scenario's checks,
//! the instruction-count gates CI applies to `cargo bench --bench fanout_instructions`
//! (`workbook registry` prints them all for CI).

/// Guild-side publish, median: naive ÷ Manifold, the lab's bar and the scenario's check.
pub const NAIVE_OVER_MANIFOLD: f64 = 10.0;
/// The same over loopback TCP (`naive_tcp` ÷ `manifold_tcp`): the wire must not undo Manifold.
pub const NAIVE_OVER_MANIFOLD_TCP: f64 = 10.0;
/// Guild-side publish, median: naive ÷ Manifold with `send_mode: :offload`.
pub const NAIVE_OVER_OFFLOAD: f64 = 1_000.0;
/// Guild-side publish, median: naive ÷ the relay.
pub const NAIVE_OVER_RELAY: f64 = 1_000.0;
/// Bytes between nodes: naive ÷ Manifold.
pub const BYTES_NAIVE_OVER_MANIFOLD: f64 = 10.0;
/// Bytes between nodes: naive ÷ the relay.
pub const BYTES_NAIVE_OVER_RELAY: f64 = 100.0;
/// Instructions the guild runs per publish to 3,000 members: naive ÷ Manifold (CI).
pub const INSTRUCTIONS_NAIVE_OVER_MANIFOLD: f64 = 5.0;
/// Instructions the guild runs per publish to 3,000 members: Manifold ÷ the relay (CI).
pub const INSTRUCTIONS_MANIFOLD_OVER_RELAY: f64 = 2.0;
/// The BEAM side (`beam/run fanout`, real distributed Erlang): guild-side publish, median, naive ÷
/// Manifold. The blog's claim, checked on the BEAM itself.
pub const BEAM_NAIVE_OVER_MANIFOLD: f64 = 10.0;
