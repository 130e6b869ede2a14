//! The run's books: every law a run must keep, checked when it ends, and its summary.
//!
//! A broken law is an error, not a footnote: a lost session, a call counted twice, a presence
//! event delivered twice or to nobody means the model is wrong, and its figures with it.

use std::sync::atomic::Ordering::Relaxed;

use cluster::ClusterStats;

use super::figures::{Figures, Presence, Run, StageCalls};
use super::ideal::ideal_s;
use super::metrics::Calls;
use super::metrics::Sampler;
use super::processes::Common;
use crate::reconnect::population::{GUILDS_PER_SESSION, SESSION_NODES};

/// Checks the run's conservation laws and sums it up.
pub(super) fn summarize(
    common: &Common,
    sampler: Sampler,
    finished: u64,
    stats: &ClusterStats,
) -> Result<Run, String> {
    if let Some(violations) = common.violations() {
        return Err(violations);
    }
    let metrics = &common.metrics;
    let population = &common.population;
    let sessions = population.sessions.len() as u64;
    let served = metrics.served.load(Relaxed);
    if finished != served {
        return Err(format!(
            "{} of {sessions} sessions were lost: their tasks ended without being served",
            finished.saturating_sub(served)
        ));
    }
    let calls = StageCalls {
        ring: metrics.ring.snapshot(),
        registry: metrics.registry.snapshot(),
        join: metrics.join.snapshot(),
    };
    check_calls(&calls, sessions - served, stats)?;
    let presence = check_presence(common)?;

    let stages = [calls.ring, calls.registry, calls.join];
    let served_for = |f: fn(&Calls) -> f64| stages.iter().map(f).sum::<f64>();
    let (useful, wasted) = (served_for(|c| c.useful_s), served_for(|c| c.wasted_s));
    let histogram = metrics.presence.lock().expect("presence lock");
    let figures = Figures {
        served_fraction: served as f64 / sessions as f64,
        time_to_all_served_s: (served == sessions)
            .then(|| metrics.last_served_ns.load(Relaxed) as f64 / 1e9),
        ideal_s: ideal_s(population, &common.config),
        peak_registry_queue: sampler.peak_registry_queue,
        peak_guild_backlog: metrics.peak_guild_backlog(),
        peak_ring_queue: metrics.peak_ring_queue(),
        wasted_work_fraction: if useful + wasted > 0.0 {
            wasted / (useful + wasted)
        } else {
            0.0
        },
        presence_p99_s: histogram.percentile(99.0),
        presence_p50_s: histogram.percentile(50.0),
        calls,
        presence,
        guild_publishing_s: metrics.publishing_ns.load(Relaxed) as f64 / 1e9,
    };
    Ok(Run {
        figures,
        timeline: sampler.timeline,
    })
}

/// The calls' books: every call ends as replied, rejected or timed out, or is still waiting; a
/// session waits in at most one call (a served one in none); and what the sessions counted is
/// what the cluster saw.
fn check_calls(calls: &StageCalls, unserved: u64, stats: &ClusterStats) -> Result<(), String> {
    let stages = [calls.ring, calls.registry, calls.join];
    let in_flight: u64 = stages.iter().map(|c| c.in_flight_at_end).sum();
    for (name, c) in ["ring", "registry", "join"].iter().zip(&stages) {
        if c.attempted != c.replied + c.rejected + c.timed_out + c.in_flight_at_end {
            return Err(format!("{name} calls do not add up: {c:?}"));
        }
    }
    if in_flight > unserved {
        return Err(format!(
            "{in_flight} calls in flight at the end, but only {unserved} sessions unserved"
        ));
    }
    // What the sessions counted is what the cluster saw.
    let replied: u64 = stages.iter().map(|c| c.replied).sum();
    let timed_out: u64 = stages.iter().map(|c| c.timed_out).sum();
    let sent: u64 = stages.iter().map(|c| c.attempted - c.rejected).sum();
    if stats.timeouts != timed_out
        || stats.calls != sent
        || replied > stats.replies
        || stats.replies > replied + in_flight
    {
        return Err(format!(
            "calls do not add up: the sessions made {sent}, got {replied} replies and {timed_out} timeouts; \
             the cluster counted {} calls, {} replies and {} timeouts",
            stats.calls, stats.replies, stats.timeouts
        ));
    }
    Ok(())
}

/// Every presence event reached every session node that had members when it was published,
/// exactly once (the tallies refuse a second copy or an unaddressed one as they go); the only
/// ones missing are those the guild sent at the very last instant. And every served session is a
/// member of each of its guilds, each member announced once.
fn check_presence(common: &Common) -> Result<Presence, String> {
    let now = common.metrics.now_ns();
    let population = &common.population;
    let mut presence = Presence {
        events: 0,
        node_deliveries: 0,
        member_deliveries: 0,
        member_deliveries_in_flight: 0,
    };
    let mut members_joined = vec![0u32; population.sessions.len()];
    for (index, plan) in population.guilds.iter().enumerate() {
        let ledger = common.ledger(index);
        let joined = ledger.joined.iter().filter(|&&j| j).count();
        if joined != ledger.publications.len() {
            return Err(format!(
                "guild {index} took {joined} members but announced {}",
                ledger.publications.len()
            ));
        }
        for (position, &session) in plan.joiners.iter().enumerate() {
            members_joined[session as usize] += u32::from(ledger.joined[position]);
        }
        for (seq, publication) in ledger.publications.iter().enumerate() {
            presence.events += 1;
            for node in 0..SESSION_NODES {
                let bit = 1 << node;
                let members = publication.members[node];
                let addressed = publication.addressed & bit != 0;
                if addressed && members == 0 {
                    return Err(format!(
                        "guild {index}'s event {} went to node {node}, where it had no members",
                        seq + 1
                    ));
                }
                if publication.received & bit != 0 {
                    presence.node_deliveries += 1;
                    presence.member_deliveries += members;
                } else if addressed {
                    // Sent at the very last instant, still between the guild and the tally.
                    if publication.last_addressed_ns < now {
                        return Err(format!(
                            "guild {index}'s event {} never reached node {node}",
                            seq + 1
                        ));
                    }
                    presence.member_deliveries_in_flight += members;
                }
            }
        }
    }
    let served = common.metrics.served.load(Relaxed) as usize;
    let complete = members_joined
        .iter()
        .filter(|&&m| m as usize == GUILDS_PER_SESSION)
        .count();
    if complete < served {
        return Err(format!(
            "{served} sessions were served but only {complete} are members of all their guilds"
        ));
    }
    Ok(presence)
}
