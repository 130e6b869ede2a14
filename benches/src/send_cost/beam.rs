//! The BEAM side of `send-cost`: `beam/run send-cost` times one `send/2` to a process on the same
//! node and on another (a peer node over loopback), and a guild's loop of one send to each of
//! `members` processes, on real Erlang nodes.
//!
//! Why it is here: the blog's figure for a send comes from Discord's production in 2017, under
//! load. The BEAM measured on this machine separates what is the BEAM's from what was the load's,
//! and sets our cluster's sends beside the thing they model. This file is the adapter: the
//! flags and figure names of that run, its figures in the results, and its cells and dots beside
//! the rigs they stand for.

use cluster::Transport;
use serde_json::{Map, Value};

use crate::common::beam::{Beam, BeamRun};
use crate::common::plot::Dot;
use crate::common::scenario::Progress;
use crate::common::units::{count, human_ns};
use crate::send_cost::measure::rigs::{Place, Via, bound_words};
use crate::send_cost::measure::{ONE_BY_ONE, PER_SEND};

/// The rigs the BEAM's two places stand for, named as ours: a process on this node and one on
/// another.
const PLACES: [Via; 2] = [Via::ClusterLocal, Via::ClusterRemote];

/// The BEAM's figure of `what` at `place`; NaN where there is none.
fn figure(run: &BeamRun, what: &str, place: Place) -> f64 {
    run.figure(&format!("{what}.{}", place.beam()))
}

/// Runs the BEAM side with this run's sizes. Its figures are grouped under the names of ours
/// ([`PER_SEND`], [`ONE_BY_ONE`]), each by place, `local` or `remote` ([`Place::beam`]).
/// `Ok(None)`: the BEAM side is off or not installed.
pub fn run(
    beam: &Beam,
    sends: u64,
    members: usize,
    rounds: usize,
    progress: &Progress,
) -> Result<Option<BeamRun>, String> {
    let required: Vec<String> = [PER_SEND, ONE_BY_ONE]
        .into_iter()
        .flat_map(|what| places().map(move |(place, _)| format!("{what}.{}", place.beam())))
        .collect();
    let mut required: Vec<&str> = required.iter().map(String::as_str).collect();
    // `GenServer.call` from a process to a GenServer on its node: beside `per_call_ns`.
    required.push("per_call_ns.local");
    required.extend(["suspensions.remote", "dist_buf_busy_limit_bytes"]);
    beam.run(
        "send-cost",
        &[
            ("messages", sends),
            ("receivers", members as u64),
            ("rounds", rounds as u64),
            // The size of a presence update (`Presence`, encoded: about 12 bytes), so the
            // BEAM's message is as small as ours, not the fanout's 256-byte event.
            ("payload_bytes", 16),
        ],
        &required,
        progress,
    )
}

/// The BEAM's places, with the words ours use for them.
fn places() -> impl Iterator<Item = (Place, &'static str)> {
    PLACES.into_iter().filter_map(|via| {
        let place = via.facts().place?;
        Some((place, place.words()))
    })
}

/// The BEAM's whole output, under `beam` in the results.
pub fn add_figures(figures: &mut Map<String, Value>, run: &BeamRun) {
    figures.insert("beam".into(), run.json().clone());
}

/// The BEAM's row of the table of waits: its remote sender's `busy_dist_port` suspensions, under
/// its own dist buffer busy limit (read from the VM), and its remote `send/2`.
pub fn waits_row(run: &BeamRun) -> Vec<String> {
    vec![
        format!("{}: `send/2` to another node", run.column()),
        bound_words(run.figure("dist_buf_busy_limit_bytes") as u64),
        count(run.figure("suspensions.remote")),
        "—".into(),
        human_ns(figure(run, PER_SEND, Place::OtherNode(Transport::Tcp))),
    ]
}

/// The BEAM's cell beside a row of `what` for the rig `via`: its figure at the rig's place, none
/// beside a bare channel or without a BEAM run. Distributed Erlang crosses loopback TCP: its
/// `remote` stands beside both remote rows, the like-for-like one being TCP's.
pub fn cell(run: Option<&BeamRun>, what: &str, via: Via) -> Option<String> {
    let place = via.facts().place?;
    Some(human_ns(figure(run?, what, place)))
}

/// The BEAM's figures of `what` measured here as dots, between ours and the blog's, named
/// `BEAM here (OTP n) <name>, <place>`; none without a BEAM run.
pub fn dots(run: Option<&BeamRun>, what: &str, name: &str) -> Vec<Dot> {
    let Some(run) = run else { return Vec::new() };
    places()
        .map(|(place, said)| (said, figure(run, what, place)))
        .filter(|(_, ns)| ns.is_finite() && *ns > 0.0)
        .map(|(said, ns)| Dot::beam_here(format!("{} {name}, {said}", run.column()), ns))
        .collect()
}
