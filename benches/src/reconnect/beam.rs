//! The beam profile, from this run's BEAM side: the reconnect scenario runs three small BEAM
//! measurements itself (`beam/run ring`, `send-cost` and `fanout`, at the same [`SIZES`] as the
//! rust profile, about fifteen seconds in all) and reads the six costs from them. Without a
//! BEAM side in this reproduction (`--no-beam`, or no Erlang) there is no beam profile, and the
//! results say why; the committed reference run's BEAM figures are never used in its place.

use serde_json::json;

use crate::common::beam::{Beam, BeamRun};
use crate::common::scenario::Progress;
use crate::reconnect::costs::{Costs, Origin, Profile, SIZES, Sizes, per_receiver};

/// The figures read from each BEAM run (checked present by the runner).
const RING: [&str; 3] = [
    "storm_hashing.genserver.ns_per_lookup",
    "storm_hashing.fastglobal.ns_per_lookup",
    "storm.genserver.ns_per_lookup",
];
const SEND: [&str; 1] = ["per_send_ns.remote"];
const FANOUT: [&str; 1] = ["strategies.manifold.guild_publish_ns"];

/// Progress steps the beam profile adds: one per BEAM run, when the BEAM side will run.
pub fn steps(beam: &Beam) -> u64 {
    3 * beam.steps()
}

/// This run's BEAM costs as a profile: `Ok(Err(why))` when the BEAM side does not run in this
/// reproduction; `Err` when it ran and failed (the scenario fails with the BEAM's words, as
/// every scenario's BEAM side does).
pub fn profile(beam: &Beam, progress: &Progress) -> Result<Result<Profile, String>, String> {
    let Some(ring) = beam_ring(beam, progress)? else {
        return Ok(Err(absent(beam)));
    };
    let Some(send) = beam_send(beam, progress)? else {
        return Ok(Err(absent(beam)));
    };
    let Some(fanout) = beam_fanout(beam, progress)? else {
        return Ok(Err(absent(beam)));
    };
    Ok(Ok(from_runs(&ring, &send, &fanout)))
}

/// Why the BEAM side gave nothing.
fn absent(beam: &Beam) -> String {
    beam.absent_because()
        .unwrap_or_else(|| "the BEAM side gave no figures".into())
}

fn beam_ring(beam: &Beam, progress: &Progress) -> Result<Option<BeamRun>, String> {
    let flags = [
        ("sessions", SIZES.storm_sessions),
        ("lookups", SIZES.lookups),
        ("nodes", SIZES.ring_nodes),
        ("replicas", SIZES.replicas),
        // The ETS way copies the ring out per lookup: not a cost of this profile, so barely run.
        ("ets_sessions", 10),
    ];
    beam.run("ring", &flags, &RING, progress)
}

fn beam_send(beam: &Beam, progress: &Progress) -> Result<Option<BeamRun>, String> {
    let flags = [
        ("messages", SIZES.sends),
        // The guild's loop of sends is not a cost of this profile: as small as it goes.
        ("receivers", 1_000),
        ("rounds", 1),
        ("payload_bytes", 16),
    ];
    beam.run("send-cost", &flags, &SEND, progress)
}

fn beam_fanout(beam: &Beam, progress: &Progress) -> Result<Option<BeamRun>, String> {
    let flags = [
        ("peers", SIZES.session_nodes),
        ("members", SIZES.members),
        ("publishes", SIZES.publishes),
        ("isolated", 2),
    ];
    beam.run("fanout", &flags, &FANOUT, progress)
}

/// The six costs from the three runs, each with its source.
fn from_runs(ring: &BeamRun, send: &BeamRun, fanout: &BeamRun) -> Profile {
    let send_ns = send.figure(SEND[0]);
    let costs = Costs {
        ring_lookup_ns: ring.figure(RING[0]),
        fastglobal_lookup_ns: ring.figure(RING[1]),
        call_ns: ring.figure(RING[2]),
        send_ns,
        node_send_ns: send_ns,
        per_receiver_ns: per_receiver(fanout.figure(FANOUT[0]), send_ns),
    };
    let Sizes {
        storm_sessions: sessions,
        lookups,
        sends,
        members,
        session_nodes: nodes,
        publishes,
        ..
    } = SIZES;
    let storm = format!("{sessions} session processes × {lookups} lookups, all released at once");
    let sources = json!({
        "ring_lookup_ns": format!("this run, beam/run ring: {} ({storm})", RING[0]),
        "fastglobal_lookup_ns": format!("this run, beam/run ring: {} ({storm})", RING[1]),
        "call_ns": format!("this run, beam/run ring: {}, a GenServer call that does almost nothing (prehashed)", RING[2]),
        "send_ns": format!("this run, beam/run send-cost: {} ({sends} sends to a peer node)", SEND[0]),
        "node_send_ns": "one remote send, as send_ns",
        "per_receiver_ns": format!("this run, beam/run fanout: ({} over {publishes} publishes to {members} members on {nodes} peers − {nodes} × send_ns) ÷ {members}", FANOUT[0]),
    });
    Profile {
        origin: Origin::Beam,
        costs,
        sources: sources.as_object().cloned().unwrap_or_default(),
    }
}
