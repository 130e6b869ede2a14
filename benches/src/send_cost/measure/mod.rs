//! Measuring what a send costs: the rigs, the timing loops of the `send-cost` scenario, and what
//! they measured.
//!
//! The scenario `send-cost`, the criterion bench `send_cost`, the gungraun bench
//! `send_instructions` and the reconnect model's costs use the same rigs, so the book's table,
//! `cargo bench` and the model measure the same code.
//!
//! | file | what it holds |
//! | --- | --- |
//! | [`rigs`] | what a rig is ([`SendRig`]) and which there are ([`Via`]: key, name, place) |
//! | [`channels`] | the bare channels: tokio's two, crossbeam's, std's |
//! | [`processes`] | sends through the cluster: one send, and one event to many one by one |
//! | [`event`] | what every rig sends: a presence update |
//! | [`calls`] | a call from process to process, and the context switches sends and calls cause |
//! | [`switches`] | the kernel's count of context switches, read around a batch |
//! | here | every rig in table order, the timing loops, and their results ([`Measured`]) |
//!
//! A figure is the median of several timed batches (`rounds`), with their minimum and maximum:
//! a shared two-core machine pauses a thread now and then, and one pause would own a mean.

pub mod calls;
pub mod channels;
pub mod event;
pub mod processes;
pub mod rigs;
pub mod switches;

use cluster::Transport;

use crate::common::scenario::Progress;
use crate::common::stats::{median, nanos};
use crate::common::units::group_digits;
use crate::send_cost::measure::channels::{TokioBounded, TokioUnbounded, crossbeam, std_mpsc};
use crate::send_cost::measure::processes::{ClusterSend, OneByOne};
use crate::send_cost::measure::rigs::{Place, SendRig, Via, Waits};

/// Every rig, in the order of the results table, with the cluster's links in memory.
pub fn all_rigs() -> std::io::Result<Vec<Box<dyn SendRig>>> {
    rigs_over(&[Transport::Memory])
}

/// Every rig, in the order of the results table: the channels, a cluster send on the same node,
/// then a cluster send to another node over each of `transports` (`cluster_remote` in memory,
/// `cluster_remote_tcp` over loopback TCP), and with TCP the same over a link bounded at the
/// BEAM's default limit (`cluster_remote_tcp_bounded`). The same-node send never crosses a link,
/// so it runs once, on the first transport's cluster.
pub fn rigs_over(transports: &[Transport]) -> std::io::Result<Vec<Box<dyn SendRig>>> {
    let first = transports.first().copied().unwrap_or_default();
    let mut rigs: Vec<Box<dyn SendRig>> = vec![
        Box::new(TokioUnbounded::new()?),
        Box::new(TokioBounded::new()?),
        Box::new(crossbeam()),
        Box::new(std_mpsc()),
        Box::new(ClusterSend::over(false, first)?),
    ];
    for &transport in transports {
        rigs.push(Box::new(ClusterSend::over(true, transport)?));
    }
    if transports.contains(&Transport::Tcp) {
        let bounded = ClusterSend::on(Via::ClusterRemoteTcpBounded, Transport::Tcp)?;
        rigs.push(Box::new(bounded));
    }
    Ok(rigs)
}

/// The clusters of the one-by-one publishes, as `(remote, transport)`: members on the guild's
/// node (on the first transport's cluster: no link is crossed), then on another node over each
/// of `transports`.
pub fn publish_places(transports: &[Transport]) -> Vec<(bool, Transport)> {
    let first = transports.first().copied().unwrap_or_default();
    std::iter::once((false, first))
        .chain(transports.iter().map(|&transport| (true, transport)))
        .collect()
}

/// The results key of the time per send (`per_send_ns.<rig>`); the BEAM side's figures of one
/// `send/2` go under the same name.
pub const PER_SEND: &str = "per_send_ns";
/// The results key of the one-by-one publish's time in the sender (`one_by_one_30k_ns.<rig>`),
/// the BEAM side's too. Its name keeps the blog's 30,000 whatever `members` is: the book and CI
/// read it by that name.
pub const ONE_BY_ONE: &str = "one_by_one_30k_ns";

/// Median, minimum and maximum of a set of timings, in ns.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The fastest.
    pub min: f64,
    /// The slowest.
    pub max: f64,
}

impl Spread {
    /// The spread of `samples`.
    pub fn of(samples: Vec<f64>) -> Spread {
        let (min, max) = samples
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
                (lo.min(s), hi.max(s))
            });
        Spread {
            median: median(samples),
            min,
            max,
        }
    }
}

/// One rig's time per send, over the rounds.
#[derive(Clone, Copy, Debug)]
pub struct PerSend {
    /// The rig.
    pub via: Via,
    /// Its time per send, ns.
    pub spread: Spread,
    /// For a send across a link, what its sender waited for the link over the timed rounds.
    pub waits: Option<Waits>,
}

/// One event to every member, one send each, on one cluster.
#[derive(Clone, Copy, Debug)]
pub struct Publish {
    /// Where the members were: a cluster rig's [`Via`].
    pub via: Via,
    /// Time spent inside the guild process, ns.
    pub in_sender: Spread,
    /// Time from the publish request until the last member had the event, ns.
    pub delivered: Spread,
}

/// Everything the scenario measured.
pub struct Measured {
    /// Per send, in table order.
    pub per_send: Vec<PerSend>,
    /// The one-by-one publishes, in table order.
    pub publishes: Vec<Publish>,
}

impl Measured {
    /// The median time per send through `via`; NaN if it did not run.
    pub fn send_median(&self, via: Via) -> f64 {
        self.per_send
            .iter()
            .find(|s| s.via == via)
            .map_or(f64::NAN, |s| s.spread.median)
    }

    /// The cluster rigs to another node over unbounded links that ran, one per transport, with
    /// the place of their receivers.
    pub fn remote_sends(&self) -> impl Iterator<Item = (&PerSend, Transport)> {
        self.per_send
            .iter()
            .filter(|s| !s.via.bounded())
            .filter_map(|s| match s.via.facts().place {
                Some(Place::OtherNode(transport)) => Some((s, transport)),
                _ => None,
            })
    }

    /// The rigs that crossed a link, with what their senders waited for it.
    pub fn link_waits(&self) -> impl Iterator<Item = (Via, Waits)> + '_ {
        self.per_send.iter().filter_map(|s| Some((s.via, s.waits?)))
    }
}

/// Times `sends` sends through each rig, `rounds` times after a warm-up, one step each.
pub fn time_sends(
    rigs: Vec<Box<dyn SendRig>>,
    sends: u64,
    rounds: usize,
    progress: &Progress,
) -> Result<Vec<PerSend>, String> {
    let mut per_send = Vec::new();
    for mut rig in rigs {
        progress.step(rig.key());
        rig.send_batch(sends.div_ceil(10))?; // warm up: allocate, wake threads
        let waited_before = rig.link_waits();
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            samples.push(rig.send_batch(sends)?.as_nanos() as f64 / sends as f64);
        }
        per_send.push(PerSend {
            via: rig.via(),
            spread: Spread::of(samples),
            waits: rig
                .link_waits()
                .zip(waited_before)
                .map(|(now, then)| now.since(then)),
        });
        progress.done();
    }
    Ok(per_send)
}

/// Times a guild's one-by-one publish to `members` processes at each of `places`
/// ([`publish_places`]), `rounds` times after a warm-up, one step each.
pub fn time_publishes(
    members: usize,
    rounds: usize,
    places: &[(bool, Transport)],
    progress: &Progress,
) -> Result<Vec<Publish>, String> {
    let mut publishes = Vec::new();
    for &(remote, transport) in places {
        let mut guild = OneByOne::over(members, remote, transport)
            .map_err(|e| format!("could not start a cluster ({transport}): {e}"))?;
        progress.step(&format!(
            "one by one to {} members, {}",
            group_digits(members as u64),
            guild.key()
        ));
        guild.publish()?; // warm up
        let (mut in_guild, mut delivered) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (spent, done) = guild.publish()?;
            in_guild.push(nanos(spent));
            delivered.push(nanos(done));
        }
        publishes.push(Publish {
            via: guild.via(),
            in_sender: Spread::of(in_guild),
            delivered: Spread::of(delivered),
        });
        progress.done();
    }
    Ok(publishes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_median() {
        let odd = Spread::of(vec![5.0, 1.0, 3.0]);
        assert_eq!((odd.median, odd.min, odd.max), (3.0, 1.0, 5.0));
        assert_eq!(Spread::of(vec![4.0, 1.0, 3.0, 2.0]).median, 2.5);
    }

    #[test]
    fn the_same_node_publishes_first_then_one_per_transport() {
        let places = publish_places(&Transport::ALL);
        let vias: Vec<Via> = places
            .iter()
            .map(|&(remote, transport)| Via::to(Place::of(remote, transport)))
            .collect();
        assert_eq!(
            vias,
            [Via::ClusterLocal, Via::ClusterRemote, Via::ClusterRemoteTcp]
        );
    }

    #[test]
    fn tcp_brings_the_bounded_rig_after_the_unbounded_ones() {
        let vias = |transports: &[Transport]| -> Vec<Via> {
            let rigs = rigs_over(transports).unwrap();
            rigs.iter().map(|rig| rig.via()).skip(4).collect()
        };
        assert_eq!(
            vias(&Transport::ALL),
            [
                Via::ClusterLocal,
                Via::ClusterRemote,
                Via::ClusterRemoteTcp,
                Via::ClusterRemoteTcpBounded
            ]
        );
        assert_eq!(
            vias(&[Transport::Memory]),
            [Via::ClusterLocal, Via::ClusterRemote]
        );
    }
}
