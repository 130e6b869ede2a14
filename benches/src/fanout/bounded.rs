//! Manifold over TCP links bounded at the BEAM's 1 MiB: does the guild ever wait for a link?
//!
//! A BEAM guild that publishes into a distribution connection whose buffer is over the dist buffer
//! busy limit is suspended until it drains (`busy_dist_port`; the BEAM side counts those
//! suspensions as `busy_dist_port_suspensions`). The cluster's links are unbounded unless asked
//! (`cluster::LinkBound`), so the strategies' rows never wait. This measurement runs Manifold's
//! back-to-back publishes twice over loopback TCP, on links unbounded and bounded at
//! [`LinkBound::BEAM_DEFAULT`], and reports what the guild paid and how often, and how long, it
//! waited for a link. Results under `bounded_links.manifold_tcp.{unbounded,bounded}`.

use cluster::{Cluster, LinkBound, Transport};
use fanout_kit::rig::Rig;
use fanout_kit::sessions::Sessions;
use serde_json::{Value, json};
use solution_fanout::manifold::Manifold;

use crate::common::report::captioned_table;
use crate::common::scenario::Progress;
use crate::common::stats::{nanos, percentile};
use crate::common::units::{group_digits, human_ns};
use crate::fanout::measure::rigs::Setup;

/// What the guild did over one burst of back-to-back publishes on one kind of link.
#[derive(Clone, Copy, Debug)]
pub struct Burst {
    /// The links' bound.
    pub bound: LinkBound,
    /// Median time in the guild per publish, ns.
    pub guild_publish_p50_ns: f64,
    /// Median time until the last member had each event, ns.
    pub delivery_back_to_back_p50_ns: f64,
    /// Sends of the guild that found a link over its bound and waited.
    pub suspensions: u64,
    /// The time they waited, in all, ns.
    pub suspended_ns: u64,
}

/// Manifold's burst of `publishes` back-to-back publishes over TCP, unbounded then bounded: one
/// progress step.
pub fn measure(setup: Setup, publishes: usize, progress: &Progress) -> Result<[Burst; 2], String> {
    progress.step("Manifold over TCP, links unbounded and bounded at 1 MiB");
    let bursts = [
        burst(setup, publishes, LinkBound::Unbounded)?,
        burst(setup, publishes, LinkBound::BEAM_DEFAULT)?,
    ];
    progress.done();
    Ok(bursts)
}

fn burst(setup: Setup, publishes: usize, bound: LinkBound) -> Result<Burst, String> {
    let cluster = Cluster::builder()
        .nodes(1 + setup.session_nodes)
        .threads_per_node(setup.threads)
        .transport(Transport::Tcp)
        .link_bound(bound)
        .build()
        .map_err(|e| format!("could not start a cluster (tcp, {bound:?}): {e}"))?;
    let per_node = Sessions::spread(
        setup.members,
        1 + setup.session_nodes,
        1,
        setup.session_nodes,
    );
    let mut rig: Rig<Manifold> = Rig::new(cluster, &per_node);
    rig.publish(0)?; // warm-up
    let before = rig.stats();
    let timings = rig.publish_all_timed(&vec![0; publishes])?;
    rig.verify()?;
    let waited = rig.stats().since(&before);
    let in_guild: Vec<f64> = timings.iter().map(|t| nanos(t.in_guild)).collect();
    let delivered: Vec<f64> = timings
        .iter()
        .filter_map(|t| t.delivered)
        .map(nanos)
        .collect();
    Ok(Burst {
        bound,
        guild_publish_p50_ns: percentile(&in_guild, 50.0),
        delivery_back_to_back_p50_ns: percentile(&delivered, 50.0),
        suspensions: waited.suspensions(),
        suspended_ns: waited.suspended_ns(),
    })
}

/// The results section: `bounded_links.manifold_tcp.{unbounded,bounded}.<figure>`.
pub fn figures(bursts: &[Burst; 2]) -> Value {
    let one = |b: &Burst| {
        json!({
            "bound_bytes": match b.bound { LinkBound::Unbounded => Value::Null, LinkBound::Bytes(n) => json!(n) },
            "guild_publish_p50_ns": b.guild_publish_p50_ns,
            "delivery_back_to_back_p50_ns": b.delivery_back_to_back_p50_ns,
            "suspensions": b.suspensions,
            "suspended_ns": b.suspended_ns,
        })
    };
    json!({ "manifold_tcp": { "unbounded": one(&bursts[0]), "bounded": one(&bursts[1]) } })
}

/// Two lines under the tables, with their caption.
pub fn table(bursts: &[Burst; 2], publishes: usize) -> String {
    let rows: Vec<Vec<String>> = bursts
        .iter()
        .map(|b| {
            let links = match b.bound {
                LinkBound::Unbounded => "unbounded".to_owned(),
                LinkBound::Bytes(n) => format!("bounded at {} MiB", n >> 20),
            };
            vec![
                format!("Manifold, over loopback TCP, links {links}"),
                human_ns(b.guild_publish_p50_ns),
                human_ns(b.delivery_back_to_back_p50_ns),
                group_digits(b.suspensions),
                human_ns(b.suspended_ns as f64),
            ]
        })
        .collect();
    let header = [
        "links",
        "in the guild: median",
        "until the last member has it: p50",
        "guild's suspensions",
        "time suspended, in all",
    ];
    let caption = format!(
        "The guild waiting for a full link: Manifold's {publishes} back-to-back publishes over \
         loopback TCP, on links unbounded and bounded at the BEAM's default 1 MiB \
         (`busy_dist_port`'s rule; the BEAM column's guild counts its own suspensions)"
    );
    captioned_table(&caption, &header, &rows)
}
