//! What one run of the model gives back: its summary and its timeline, as the results file
//! records them.

use serde::Serialize;

use super::metrics::{Calls, Tick};

/// What one run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// The summary.
    pub figures: Figures,
    /// One point every `keep_every` ticks.
    pub timeline: Vec<Tick>,
}

/// The summary of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Sessions that joined all five guilds, as a fraction of all.
    pub served_fraction: f64,
    /// When the last of them was served, in seconds; `None` if some never were.
    pub time_to_all_served_s: Option<f64>,
    /// The shortest time capacity alone allows: no process can finish its work sooner.
    pub ideal_s: f64,
    /// The most requests waiting at all registries together (sampled every tick).
    pub peak_registry_queue: u64,
    /// The most joins waiting in one guild's mailbox.
    pub peak_guild_backlog: u64,
    /// The most lookups waiting at all ring processes together.
    pub peak_ring_queue: u64,
    /// Work spent serving calls whose caller had given up, as a fraction of all work serving
    /// calls (ring lookups, registry calls and joins; publishing is not a call).
    pub wasted_work_fraction: f64,
    /// 99th percentile of presence latency, from the join reaching the guild to a member having
    /// the event, over every delivery; `None` if nothing was delivered.
    pub presence_p99_s: Option<f64>,
    /// The median of the same.
    pub presence_p50_s: Option<f64>,
    /// Ring lookups, registry calls and joins.
    pub calls: StageCalls,
    /// Presence events: published, delivered, in flight at the end.
    pub presence: Presence,
    /// Virtual seconds guilds spent publishing, all together.
    pub guild_publishing_s: f64,
}

/// Each stage's calls.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StageCalls {
    /// Lookups through the ring processes.
    pub ring: Calls,
    /// Registry calls.
    pub registry: Calls,
    /// Joins.
    pub join: Calls,
}

/// What happened to the presence events.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Presence {
    /// Events published (one per new member).
    pub events: u64,
    /// (event, session node) deliveries made; each is one message to the node's tally.
    pub node_deliveries: u64,
    /// Members reached, counted at the tallies (each simulated one stands for `scale` real).
    pub member_deliveries: u64,
    /// Members that events already sent were still on their way to when the run ended.
    pub member_deliveries_in_flight: u64,
}
