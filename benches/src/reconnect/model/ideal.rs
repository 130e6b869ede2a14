//! The ideal: the shortest time in which capacity alone lets every session be served.
//!
//! It is what a run is measured against. It ignores every queue and every timeout and asks only
//! how much work each process must do, so a run near it wasted nothing, and a run far from it lost
//! its time somewhere the table will show.

use super::config::Config;
use super::strategy::{FanoutWay, RingWay};
use crate::reconnect::population::{
    GUILD_NODES, GUILDS_PER_SESSION, Guild, Population, SESSION_NODES,
};

// ANCHOR: ideal
/// The shortest time in which capacity alone lets every session be served: the busiest process
/// must finish its work (each ring process its lookups, each registry its calls, each guild its
/// joins and their presence events), and each session its own five lookups, calls and joins
/// after it arrives. No run can beat it; a run near it wastes nothing.
pub fn ideal_s(population: &Population, config: &Config) -> f64 {
    let costs = &config.costs;
    let lookup = match config.strategy.ring {
        RingWay::Actor => costs.ring_lookup,
        RingWay::FastGlobal => costs.fastglobal_lookup,
    };
    let per_guild = lookup + 2.0 * costs.call;
    let mut ideal = population
        .sessions
        .iter()
        .map(|s| s.arrival.as_secs_f64() + GUILDS_PER_SESSION as f64 * per_guild)
        .fold(0.0, f64::max);
    if config.strategy.ring == RingWay::Actor {
        let mut per_node = vec![0usize; population.restarting];
        for session in &population.sessions {
            per_node[session.node] += GUILDS_PER_SESSION;
        }
        let busiest = per_node.into_iter().max().unwrap_or(0);
        ideal = ideal.max(busiest as f64 * costs.ring_lookup);
    }
    let mut per_registry = [0usize; GUILD_NODES];
    for guild in &population.guilds {
        per_registry[guild.owner] += guild.joiners.len();
        ideal = ideal.max(guild_work(population, guild, config));
    }
    let busiest = per_registry.into_iter().max().unwrap_or(0);
    ideal.max(busiest as f64 * costs.call)
}
// ANCHOR_END: ideal

/// The least time a guild needs for all its joins: each one served, then announced to the
/// members alive, joiners ordered so as few nodes as possible have members (the cheapest order
/// for Manifold; naive pays per member whatever the order).
fn guild_work(population: &Population, guild: &Guild, config: &Config) -> f64 {
    let costs = &config.costs;
    let steady_nodes = if guild.steady_per_node > 0 {
        SESSION_NODES - population.restarting
    } else {
        0
    };
    let steady = (steady_nodes as u64 * guild.steady_per_node) as f64;
    let mut on_node = vec![0usize; population.restarting];
    for &session in &guild.joiners {
        on_node[population.sessions[session as usize].node] += 1;
    }
    on_node.sort_unstable_by(|a, b| b.cmp(a));
    let per_joiner = population.members_per_joiner();
    let (mut work, mut nodes, mut filled) = (0.0, 0, 0);
    for i in 1..=guild.joiners.len() {
        if i > filled {
            filled += on_node[nodes];
            nodes += 1;
        }
        let members = steady + i as f64 * per_joiner;
        work += costs.call
            + match config.strategy.fanout {
                FanoutWay::Naive => members * costs.send,
                FanoutWay::Manifold => {
                    (steady_nodes + nodes) as f64 * costs.node_send + members * costs.per_receiver
                }
            };
    }
    work
}
