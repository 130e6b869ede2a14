//! Every threshold of the fanout bottleneck, in one place, and the checks that hold a run to
//! them: the lab's bar, the scenario's checks, the BEAM side's bar and the instruction-count gates
//! CI applies to `cargo bench --bench fanout_instructions` (`workbook registry` prints them all).
//!
//! Why thresholds and not exact figures: speed on a shared two-core machine varies from run to
//! run, so a bar is a ratio of two strategies measured side by side, set well below what the
//! reference run reaches. A missed bar is reported, not an error; a lost or reordered delivery is
//! (that is `measure`'s invariant).

use cluster::Transport;

use crate::common::scenario::{Check, Gate};
use crate::common::units::human_ns;
use crate::fanout::measure::rigs::Measured;
use crate::fanout::measure::{Run, Strategy, find, transports_run};

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

/// CI's instruction-count gates on `cargo bench --bench fanout_instructions`: the guild's
/// instructions for one publish to 3,000 members, as gungraun names the benchmarks.
pub const GATES: &[Gate] = &[
    Gate {
        bench: "fanout_instructions",
        numerator: "naive_publish members_3000",
        denominator: "manifold_publish members_3000",
        at_least: Some(INSTRUCTIONS_NAIVE_OVER_MANIFOLD),
        at_most: None,
        why: "Manifold should cost the guild many times fewer instructions than naive",
    },
    Gate {
        bench: "fanout_instructions",
        numerator: "manifold_publish members_3000",
        denominator: "relay_publish members_3000",
        at_least: Some(INSTRUCTIONS_MANIFOLD_OVER_RELAY),
        at_most: None,
        why: "the relay should cost the guild fewer instructions than Manifold",
    },
];

/// The bar on naive's median time in the guild ÷ `strategy`'s, over `transport`, if it has one.
fn guild_bar(strategy: Strategy, transport: Transport) -> Option<f64> {
    match (strategy, transport) {
        (Strategy::Manifold, Transport::Memory) => Some(NAIVE_OVER_MANIFOLD),
        (Strategy::Manifold, Transport::Tcp) => Some(NAIVE_OVER_MANIFOLD_TCP),
        (Strategy::Offload, _) => Some(NAIVE_OVER_OFFLOAD),
        (Strategy::Relay, _) => Some(NAIVE_OVER_RELAY),
        (Strategy::Naive | Strategy::PackOnce, _) => None,
    }
}

/// The bar on naive's bytes between nodes ÷ `strategy`'s, if it has one (the same over either
/// transport: the frames are the same).
fn bytes_bar(strategy: Strategy, _: Transport) -> Option<f64> {
    match strategy {
        Strategy::Manifold => Some(BYTES_NAIVE_OVER_MANIFOLD),
        Strategy::Relay => Some(BYTES_NAIVE_OVER_RELAY),
        Strategy::Naive | Strategy::PackOnce | Strategy::Offload => None,
    }
}

/// The strategies checked for one message between nodes per session node and publish.
const ONE_MESSAGE_PER_NODE: [Strategy; 2] = [Strategy::Manifold, Strategy::Relay];

/// The strategy whose members must get the event no later than naive's (delivery p50).
const DELIVERS_NO_LATER: Strategy = Strategy::Manifold;

// ANCHOR: checks
/// The scenario's bars, checked on this run, over each transport that ran (keys `manifold`,
/// `manifold_tcp`…; a bar whose strategies did not run is left out). Publish times are compared
/// on the median of the back-to-back publishes: with five nodes on two cores the OS pauses the
/// guild's thread now and then for milliseconds, and a mean of microsecond publishes is decided
/// by whether one such pause fell among them. The means and the thread's CPU time are reported
/// beside the medians.
pub fn checks(runs: &[Run], session_nodes: usize) -> Vec<Check> {
    let mut checks = Vec::new();
    for transport in transports_run(runs) {
        let Some(naive) = find(runs, Strategy::Naive, transport) else {
            continue;
        };
        let naive_key = Strategy::Naive.key(transport);
        let ran = |strategy: Strategy| {
            find(runs, strategy, transport).map(|m| (strategy.key(transport), m))
        };
        let barred = |bar: fn(Strategy, Transport) -> Option<f64>| {
            Strategy::ALL
                .into_iter()
                .filter_map(move |s| Some((bar(s, transport)?, ran(s)?)))
        };
        for (bar, (key, m)) in barred(guild_bar) {
            checks.push(Check::ratio_at_least(
                format!("guild-side publish, median: {naive_key} ÷ {key}"),
                naive.in_guild_median() / m.in_guild_median(),
                bar,
            ));
        }
        for (key, m) in ONE_MESSAGE_PER_NODE.into_iter().filter_map(ran) {
            checks.push(one_per_node(&key, m.cross_node_messages, session_nodes));
        }
        for (bar, (key, m)) in barred(bytes_bar) {
            checks.push(Check::ratio_at_least(
                format!("bytes between nodes: {naive_key} ÷ {key}"),
                naive.cross_node_bytes / m.cross_node_bytes,
                bar,
            ));
        }
        if let Some((key, m)) = ran(DELIVERS_NO_LATER) {
            checks.push(delivers_no_later(&key, m, &naive_key, naive));
        }
        let over = match transport {
            Transport::Memory => "",
            Transport::Tcp => " over TCP",
        };
        checks.push(Check::that(
            format!("exactly once and in order, every strategy{over}"),
            "0 violations",
            true, // anything else ended the run with an error
        ));
    }
    checks
}
// ANCHOR_END: checks

/// `who` sent one message between nodes per session node and publish.
fn one_per_node(who: &str, sent: f64, session_nodes: usize) -> Check {
    Check::that(
        format!("{who}: messages between nodes per publish = session nodes ({session_nodes})"),
        format!("{sent:.1}"),
        sent == session_nodes as f64,
    )
}

/// The median member got the event from `key` no later than from naive.
fn delivers_no_later(key: &str, m: &Measured, naive_key: &str, naive: &Measured) -> Check {
    let p50 = |m: &Measured| m.delivery(50.0);
    Check::that(
        format!("delivery p50: {key} no worse than {naive_key}"),
        format!("{} vs {}", human_ns(p50(m)), human_ns(p50(naive))),
        p50(m) <= p50(naive),
    )
}
