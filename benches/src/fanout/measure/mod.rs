//! Measuring fanout strategies: the scenario's strategies (each stated once, in
//! [`Strategy::facts`]), its plan of runs, and what the runs measured.
//!
//! [`rigs`] times one strategy on one cluster; this module decides which strategies run over
//! which links and at which sizes, runs them, and holds each run's invariants (exactly once, in
//! order, Manifold once per node): a broken one fails the scenario. Everything the scenario's
//! other files share lives here, so none of them reaches back into the scenario (`mod.rs`): the
//! report, the bars and the BEAM column read the measured [`Run`]s.

pub mod rigs;

use cluster::Transport;
use fanout_kit::naive::Naive;
use solution_fanout::manifold::{Manifold, PackOnce};
use solution_fanout::offload::Offload;
use solution_fanout::relay::Relay;

use crate::common::scenario::Progress;
use crate::common::units::group_digits;
use crate::fanout::measure::rigs::{Measured, Setup, measure_over};

// ANCHOR: strategies
/// The strategies the scenario measures, in the order of its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// The blog's "before": the guild sends to each member, one send at a time.
    Naive,
    /// Manifold: one message per node, split there among per-core workers.
    Manifold,
    /// Manifold with `pack_mode: :binary`: the event encoded once per publish, not per node.
    PackOnce,
    /// Manifold with `send_mode: :offload`: a local sender process does the whole publish.
    Offload,
    /// Discord's later relays: the member lists kept on the session nodes.
    Relay,
}

/// Everything the scenario says about one strategy, in one place.
pub struct Facts {
    /// Its key in the results (`strategies.<key>`; `<key>_tcp` over loopback TCP).
    pub key: &'static str,
    /// Its name in the table and the plots.
    pub label: &'static str,
    /// Measures it on a cluster whose links use a transport, for a number of publishes.
    pub measure: fn(Setup, Transport, usize) -> Result<Measured, String>,
    /// With `transport=both`, whether it runs again over the second transport (TCP).
    pub on_second_transport: bool,
    /// Whether the BEAM side (`beam/run fanout`) runs it too, under the same key.
    pub on_beam: bool,
}

impl Strategy {
    /// Every strategy, in table order.
    pub const ALL: [Strategy; 5] = [
        Strategy::Naive,
        Strategy::Manifold,
        Strategy::PackOnce,
        Strategy::Offload,
        Strategy::Relay,
    ];

    /// Its key, name, rig and flags: one row per strategy, every field written out, so a new
    /// strategy cannot be added without deciding each.
    pub fn facts(self) -> Facts {
        match self {
            Strategy::Naive => Facts {
                key: "naive",
                label: "naive: one send per member",
                measure: measure_over::<Naive>,
                on_second_transport: true,
                on_beam: true,
            },
            Strategy::Manifold => Facts {
                key: "manifold",
                label: "Manifold",
                measure: measure_over::<Manifold>,
                on_second_transport: true,
                on_beam: true,
            },
            Strategy::PackOnce => Facts {
                key: "manifold_pack_once",
                label: "Manifold, pack once",
                measure: measure_over::<PackOnce>,
                on_second_transport: false,
                on_beam: false,
            },
            Strategy::Offload => Facts {
                key: "manifold_offload",
                label: "Manifold, offload",
                measure: measure_over::<Offload>,
                on_second_transport: false,
                on_beam: false,
            },
            Strategy::Relay => Facts {
                key: "relay",
                label: "relay (lists kept on the nodes)",
                measure: measure_over::<Relay>,
                on_second_transport: true,
                on_beam: false,
            },
        }
    }

    /// Its key in the results over `transport`: `manifold`, `manifold_tcp`.
    pub fn key(self, transport: Transport) -> String {
        format!("{}{}", self.facts().key, suffix(transport))
    }

    /// Its name in the table and the plots.
    pub fn label(self) -> &'static str {
        self.facts().label
    }
}
// ANCHOR_END: strategies

/// The suffix of a transport's keys: none in memory, `_tcp` over TCP.
pub fn suffix(transport: Transport) -> &'static str {
    match transport {
        Transport::Memory => "",
        Transport::Tcp => "_tcp",
    }
}

/// Member counts of the sweep, up to the `sweep_max` parameter.
pub const SWEEP: [usize; 7] = [25, 100, 1_000, 3_000, 10_000, 30_000, 100_000];

/// With `transport=both`, the second transport (TCP) runs the strategies
/// [`Facts::on_second_transport`] marks, at the headline size only (no sweep), with at most this
/// many publishes each way: the comparison of the wires without doubling the run.
pub const SECOND_MAX_PUBLISHES: usize = 50;

/// One strategy to measure over one transport: publishes at the headline size, then the sweep.
pub struct Planned {
    /// What runs.
    pub strategy: Strategy,
    /// Over which links.
    pub transport: Transport,
    /// Publishes each way at the headline size.
    pub publishes: usize,
    /// Member counts of its sweep (none for the second transport).
    pub sweep: Vec<usize>,
}

/// The runs of a scenario: every strategy and the sweep over the first transport, then the
/// strategies of the second transport (with `both`) at the headline size, with fewer publishes.
pub fn plan(transports: &[Transport], publishes: usize, sweep_max: usize) -> Vec<Planned> {
    let sweep: Vec<usize> = SWEEP.into_iter().filter(|&n| n <= sweep_max).collect();
    let mut plan = Vec::new();
    for (i, &transport) in transports.iter().enumerate() {
        for strategy in Strategy::ALL {
            if i == 0 {
                let sweep = sweep.clone();
                plan.push(Planned {
                    strategy,
                    transport,
                    publishes,
                    sweep,
                });
            } else if strategy.facts().on_second_transport {
                let publishes = publishes.min(SECOND_MAX_PUBLISHES);
                let sweep = Vec::new();
                plan.push(Planned {
                    strategy,
                    transport,
                    publishes,
                    sweep,
                });
            }
        }
    }
    plan
}

/// The progress steps of `plan`: one per headline run and per sweep point.
pub fn steps(plan: &[Planned]) -> u64 {
    plan.iter().map(|p| 1 + p.sweep.len() as u64).sum()
}

/// One point of a sweep: the median time in the guild and the bytes between nodes per publish.
#[derive(Clone, Copy, Debug)]
pub struct SweepPoint {
    /// Member sessions of the guild.
    pub members: usize,
    /// Median time in the guild per publish, ns.
    pub guild_publish_p50_ns: f64,
    /// Bytes between nodes per publish.
    pub cross_node_bytes: f64,
}

/// One strategy's run at the headline size over one transport, and its sweep (empty for the
/// second transport of `transport=both`).
pub struct Run {
    /// What ran.
    pub strategy: Strategy,
    /// Over which links.
    pub transport: Transport,
    /// Publishes each way at the headline size.
    pub publishes: usize,
    /// What it measured at the headline size.
    pub main: Measured,
    /// Its sweep, by member count.
    pub sweep: Vec<SweepPoint>,
}

impl Run {
    /// Its key in the results: the strategy's, with `_tcp` over TCP.
    pub fn key(&self) -> String {
        self.strategy.key(self.transport)
    }
}

/// Measures `plan` on clusters of `setup`'s shape, `sweep_publishes` publishes at each sweep
/// point, and checks every run's invariants (exactly once, in order, Manifold once per node with
/// members): a broken one fails the run.
pub fn measure_plan(
    setup: Setup,
    plan: &[Planned],
    sweep_publishes: usize,
    progress: &Progress,
) -> Result<Vec<Run>, String> {
    let mut runs = Vec::new();
    for planned in plan {
        let (strategy, transport) = (planned.strategy, planned.transport);
        let key = strategy.key(transport);
        let measure = strategy.facts().measure;
        progress.step(&format!(
            "{key} to {} members",
            group_digits(setup.members as u64)
        ));
        let main =
            measure(setup, transport, planned.publishes).map_err(|e| format!("{key}: {e}"))?;
        check_invariants(&key, strategy, &main, setup, planned.publishes)?;
        progress.done();
        let mut sweep = Vec::new();
        for &members in &planned.sweep {
            progress.step(&format!("{key} sweep, {members} members"));
            let at = Setup { members, ..setup };
            let measured = measure(at, transport, sweep_publishes)
                .map_err(|e| format!("{key} at {members} members: {e}"))?;
            check_invariants(&key, strategy, &measured, at, sweep_publishes)?;
            // The median: a sweep point has few publishes, and one OS pause would own the mean.
            sweep.push(SweepPoint {
                members,
                guild_publish_p50_ns: measured.in_guild_median(),
                cross_node_bytes: measured.cross_node_bytes,
            });
            progress.done();
        }
        runs.push(Run {
            strategy,
            transport,
            publishes: planned.publishes,
            main,
            sweep,
        });
    }
    Ok(runs)
}

/// Exactly once and in order, and Manifold one message per node that holds members, or the run
/// is broken.
fn check_invariants(
    key: &str,
    strategy: Strategy,
    measured: &Measured,
    setup: Setup,
    publishes: usize,
) -> Result<(), String> {
    if measured.order_violations > 0 {
        return Err(format!(
            "{}: {} deliveries arrived twice or out of order",
            key, measured.order_violations
        ));
    }
    // `measure` publishes `publishes` events one at a time, then as many back to back.
    let members = setup.members;
    let expected = (2 * members * publishes) as u64;
    if measured.delivered != expected {
        return Err(format!(
            "{}: {} deliveries instead of {expected} (2 × {publishes} publishes to {members} members)",
            key, measured.delivered
        ));
    }
    let nodes = setup.nodes_with_members();
    if strategy == Strategy::Manifold && measured.cross_node_messages != nodes as f64 {
        return Err(format!(
            "{key}: {} messages between nodes per publish instead of one per node with members \
             ({nodes})",
            measured.cross_node_messages
        ));
    }
    Ok(())
}

/// What `strategy` measured over `transport`, if it ran.
pub fn find(runs: &[Run], strategy: Strategy, transport: Transport) -> Option<&Measured> {
    runs.iter()
        .find(|run| run.strategy == strategy && run.transport == transport)
        .map(|run| &run.main)
}

/// The transports that ran, in run order.
pub fn transports_run(runs: &[Run]) -> Vec<Transport> {
    let mut seen = Vec::new();
    for run in runs {
        if !seen.contains(&run.transport) {
            seen.push(run.transport);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_transports_plan_every_strategy_then_the_second_transports_few() {
        let plan = plan(&Transport::ALL, 200, 1_000);
        let keys: Vec<String> = plan.iter().map(|p| p.strategy.key(p.transport)).collect();
        assert_eq!(
            keys,
            [
                "naive",
                "manifold",
                "manifold_pack_once",
                "manifold_offload",
                "relay",
                "naive_tcp",
                "manifold_tcp",
                "relay_tcp"
            ]
        );
        assert_eq!(plan[0].sweep, [25, 100, 1_000]);
        assert!(plan[5].sweep.is_empty());
        assert_eq!(plan[5].publishes, SECOND_MAX_PUBLISHES);
        assert_eq!(steps(&plan), 5 * 4 + 3);
    }
}
