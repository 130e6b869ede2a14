//! Every threshold of the send-cost scenario, and the checks that hold a run to them: the
//! scenario's own check, and CI's instruction-count gate on `cargo bench --bench
//! send_instructions` (`workbook registry` prints them for CI).
//!
//! Why so few, and so loose: this chapter measures a cost rather than a fix, so its one promise
//! is the shape of that cost (a send to another node costs the sender more than a push onto a
//! local mailbox: it encodes and writes to a link). Wall time shows it on this run; the
//! instruction count, which repeats, gates it in CI.

use cluster::Transport;

use crate::common::scenario::{Check, Gate};
use crate::send_cost::measure::Measured;
use crate::send_cost::measure::rigs::Via;

/// A send to another node ÷ a send on the same node, in the sender's wall time per send: more
/// than this (the scenario's check, over each transport).
pub const REMOTE_OVER_LOCAL: f64 = 1.0;

/// Instructions for 100 sends: a remote send ÷ a local one, more than this (CI).
pub const INSTRUCTIONS_REMOTE_OVER_LOCAL: f64 = 1.0;

/// CI's instruction-count gate on `cargo bench --bench send_instructions`: the sender's
/// instructions for 100 cluster sends, as gungraun names the benchmarks.
pub const GATES: &[Gate] = &[Gate {
    bench: "send_instructions",
    numerator: "hundred_sends remote",
    denominator: "hundred_sends local",
    at_least: Some(INSTRUCTIONS_REMOTE_OVER_LOCAL),
    at_most: None,
    why: "a remote send (encode + link) should cost the sender more than a local push",
}];

/// The scenario's checks on this run: over each transport that ran, a send to another node
/// costs the sender more than a local push.
pub fn checks(measured: &Measured) -> Vec<Check> {
    let local = measured.send_median(Via::ClusterLocal);
    measured
        .remote_sends()
        .map(|(remote, transport)| {
            let how = match transport {
                Transport::Memory => "",
                Transport::Tcp => " over loopback TCP",
            };
            let remote_over_local = remote.spread.median / local;
            Check::that(
                format!(
                    "a send to another node{how} costs the sender more than a local push \
                     (encode + link)"
                ),
                format!("{remote_over_local:.1}× a local send"),
                remote_over_local > REMOTE_OVER_LOCAL,
            )
        })
        .collect()
}
