//! The rig every fanout measurement runs on: the `fanout` scenario, the criterion and gungraun
//! benches, the lab's speed bar (`workbook labs`) and the reconnect model's costs.
//!
//! One guild on node 0 publishes through a strategy to members spread evenly over the session
//! nodes (none on the guild's node, as in Discord, where guilds and sessions run on different
//! machines). Each publish is timed twice: inside the guild process (what the guild pays) and
//! until the last member has the event (what the members wait), in both modes: one publish at a
//! time, and back to back (each publish's delivery then includes the backlog of those before). The link counters give the
//! messages and bytes that crossed between nodes. The first publish is a warm-up and is not
//! counted: it is where the relay registers its member lists, reported separately.

use cluster::{Cluster, Transport};
use fanout_kit::Fanout;
use fanout_kit::rig::Rig;
use fanout_kit::sessions::Sessions;

use crate::common::stats::{mean, nanos, percentile};

/// The shape of one measurement.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Member sessions of the guild.
    pub members: usize,
    /// Nodes the members are spread over (the guild has its own node besides).
    pub session_nodes: usize,
    /// Threads per node (Manifold starts one worker per thread).
    pub threads: usize,
}

impl Setup {
    /// Session nodes that hold at least one member (members go round the nodes): where a
    /// strategy that sends once per node sends.
    pub fn nodes_with_members(&self) -> usize {
        self.members.min(self.session_nodes)
    }
}

/// What one strategy did over a run of publishes.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Time inside `publish`, per publish back to back, in ns (wall clock).
    pub in_guild_ns: Vec<f64>,
    /// CPU time of the guild's thread inside `publish`, per publish back to back, in ns.
    pub in_guild_cpu_ns: Vec<f64>,
    /// Time inside `publish` when each publish waits for the previous one's delivery, in ns.
    pub isolated_in_guild_ns: Vec<f64>,
    /// From publish start until the last member had the event, per publish one at a time, in ns.
    pub delivered_ns: Vec<f64>,
    /// The same per publish back to back (the earlier publishes' events still in flight), in ns.
    pub back_to_back_delivered_ns: Vec<f64>,
    /// Messages between nodes, per publish.
    pub cross_node_messages: f64,
    /// Bytes between nodes, per publish.
    pub cross_node_bytes: f64,
    /// Bytes between nodes during the warm-up publish (the relay registers its lists there).
    pub first_publish_bytes: u64,
    /// Deliveries counted by the members during the measured publishes.
    pub delivered: u64,
    /// Deliveries that were duplicates or out of order (must be 0).
    pub order_violations: u64,
}

impl Measured {
    /// Mean time in the guild, ns.
    pub fn in_guild_mean(&self) -> f64 {
        mean(&self.in_guild_ns)
    }

    /// Median time in the guild, ns: what the bars compare (one OS pause among microsecond
    /// publishes decides a mean, not a median).
    pub fn in_guild_median(&self) -> f64 {
        percentile(&self.in_guild_ns, 50.0)
    }

    /// Mean CPU time of the guild's thread in `publish`, ns.
    pub fn in_guild_cpu_mean(&self) -> f64 {
        mean(&self.in_guild_cpu_ns)
    }

    /// Time until the last member had the event, one publish at a time, at percentile `p`, ns.
    pub fn delivery(&self, p: f64) -> f64 {
        percentile(&self.delivered_ns, p)
    }

    /// Time until the last member had the event, publishes back to back, at percentile `p`, ns.
    pub fn delivery_back_to_back(&self, p: f64) -> f64 {
        percentile(&self.back_to_back_delivered_ns, p)
    }
}

/// A rig for `setup`: members spread over nodes 1..=session_nodes, links in memory.
pub fn rig<F: Fanout>(setup: Setup) -> Result<Rig<F>, String> {
    rig_over::<F>(setup, Transport::Memory)
}

/// [`rig`] on a cluster whose links use `transport`.
pub fn rig_over<F: Fanout>(setup: Setup, transport: Transport) -> Result<Rig<F>, String> {
    let cluster = Cluster::builder()
        .nodes(1 + setup.session_nodes)
        .threads_per_node(setup.threads)
        .transport(transport)
        .build()
        .map_err(|e| format!("could not start a cluster ({transport}): {e}"))?;
    let per_node = Sessions::spread(
        setup.members,
        1 + setup.session_nodes,
        1,
        setup.session_nodes,
    );
    Ok(Rig::new(cluster, &per_node))
}

/// Runs one warm-up publish, then `publishes` publishes one at a time (each waits until every
/// member has its event: delivery latency and traffic per publish), then `publishes` more back to
/// back (a guild busy at peak: the guild-side cost, and the delivery of each among the others),
/// and checks that every member got every event once, in order.
///
/// Why two runs: a publish done alone finds the session nodes idle, and waking an idle node
/// costs its sender a system call, more than the relay's whole publish otherwise. A guild at
/// peak, the blog's case, publishes into nodes that are already awake.
pub fn measure<F: Fanout>(setup: Setup, publishes: usize) -> Result<Measured, String> {
    measure_over::<F>(setup, Transport::Memory, publishes)
}

/// [`measure`] on a cluster whose links use `transport`.
pub fn measure_over<F: Fanout>(
    setup: Setup,
    transport: Transport,
    publishes: usize,
) -> Result<Measured, String> {
    let mut rig = rig_over::<F>(setup, transport)?;
    let start = rig.stats();
    rig.publish(0)?;
    let before = rig.stats();
    let delivered_before = rig.tally().delivered();
    let (mut isolated_in_guild_ns, mut delivered_ns) = (Vec::new(), Vec::new());
    for _ in 0..publishes {
        let timing = rig.publish(0)?;
        isolated_in_guild_ns.push(nanos(timing.in_guild));
        delivered_ns.push(nanos(timing.delivered));
    }
    let sent = rig.stats().since(&before);
    let burst = rig.publish_all_timed(&vec![0; publishes])?;
    rig.verify()?;
    let per_publish = |total: u64| total as f64 / publishes as f64;
    Ok(Measured {
        in_guild_ns: burst.iter().map(|t| nanos(t.in_guild)).collect(),
        in_guild_cpu_ns: burst.iter().map(|t| nanos(t.in_guild_cpu)).collect(),
        isolated_in_guild_ns,
        delivered_ns,
        back_to_back_delivered_ns: burst
            .iter()
            .filter_map(|t| t.delivered)
            .map(nanos)
            .collect(),
        cross_node_messages: per_publish(sent.cross_node_messages()),
        cross_node_bytes: per_publish(sent.cross_node_bytes()),
        first_publish_bytes: before.since(&start).cross_node_bytes(),
        delivered: rig.tally().delivered() - delivered_before,
        order_violations: rig.tally().violations(),
    })
}
