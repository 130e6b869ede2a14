//! Cost profiles: what each step of a reconnect costs, and where that number comes from.
//!
//! The model measures no CPU time: a step takes the virtual time its profile says (a `sleep`), so
//! the same model can run on the blog's figures, on this machine's and on the BEAM's, and the
//! three can be compared row by row. Six costs are enough for the whole path:
//!
//! | cost | blog | rust (this run) | beam (this run's BEAM side) |
//! | --- | --- | --- | --- |
//! | lookup through the ring process | 12 µs ("request/reply is about 12μs") | the storm through the ring process | `beam/run ring`: the storm through a GenServer |
//! | lookup through FastGlobal | 0.3 µs | the storm through FastGlobal | `beam/run ring`: FastGlobal |
//! | a call served (registry, guild join) | 12 µs, the same request/reply | the ring process, prehashed | `beam/run ring`: the GenServer, prehashed |
//! | one send to one member | 50 µs, the middle of "30μs to 70us" | a remote cluster send | `beam/run send-cost`: remote `send/2` |
//! | one Manifold send to a node | 50 µs, one send | one remote send | one BEAM remote send |
//! | per receiver in its list | 0: the post counts sends only | a Manifold publish | `beam/run fanout`: Manifold |
//!
//! Both measured profiles come from the run in progress, at the small sizes of [`SIZES`] (a few
//! seconds each): the rust profile is measured here ([`rust`]), the beam profile by this run's
//! BEAM side (`reconnect/beam.rs`), or it is left out with the reason in the results. Neither
//! ever falls back on the committed reference run: `profiles.<p>.costs_from` says `"blog"` or
//! `"this run"`.

use std::sync::Arc;

use ring_kit::naive::Actor;
use ring_kit::storm::Storm;
use ring_kit::{Global, Published, Ring};
use serde::Serialize;
use serde_json::{Map, Value, json};
use solution_fanout::manifold::Manifold;
use solution_ring::FastGlobal;

use crate::common::blog::{FASTGLOBAL_READ_US, PER_SEND_US, REQUEST_REPLY_US};
use crate::common::params::Choice;
use crate::common::scenario::Progress;
use crate::common::stats::{median, nanos};
use crate::fanout::measure::rigs::{Setup, measure};
use crate::send_cost::measure::processes::ClusterSend;
use crate::send_cost::measure::rigs::SendRig;

/// Where a profile's costs come from, in the order the results list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The post's figures (Discord's BEAM, 2017).
    Blog,
    /// This machine's Rust figures.
    Rust,
    /// The BEAM's figures measured on this machine.
    Beam,
}

impl Origin {
    /// Every origin, in the order the results list them.
    pub const ALL: [Origin; 3] = [Origin::Blog, Origin::Rust, Origin::Beam];

    /// The profile's name in `--set profile=`, the results and the tables.
    pub const fn name(self) -> &'static str {
        match self {
            Origin::Blog => "blog",
            Origin::Rust => "rust",
            Origin::Beam => "beam",
        }
    }
}

/// What each step costs, in real nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Costs {
    /// One lookup as a call to the ring process (its time per request).
    pub ring_lookup_ns: f64,
    /// One lookup through FastGlobal, in the session itself.
    pub fastglobal_lookup_ns: f64,
    /// One call served by a registry or a guild: take the request, a little work, reply.
    pub call_ns: f64,
    /// One send from the guild to one member (naive fanout).
    pub send_ns: f64,
    /// One Manifold send from the guild to one node's partitioner...
    pub node_send_ns: f64,
    /// ...plus this per receiver in the list it carries (grouping and encoding the pids).
    pub per_receiver_ns: f64,
}

impl Costs {
    /// Every cost is a real, finite, non-negative number.
    pub fn check(&self) -> Result<(), String> {
        let all = [
            ("ring_lookup_ns", self.ring_lookup_ns),
            ("fastglobal_lookup_ns", self.fastglobal_lookup_ns),
            ("call_ns", self.call_ns),
            ("send_ns", self.send_ns),
            ("node_send_ns", self.node_send_ns),
            ("per_receiver_ns", self.per_receiver_ns),
        ];
        match all.iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
            Some((name, value)) => Err(format!("the cost {name} is {value}: not a duration")),
            None => Ok(()),
        }
    }
}

/// A named set of costs and where each came from.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Where its costs come from: its name.
    pub origin: Origin,
    /// The costs.
    pub costs: Costs,
    /// Where each cost came from, by the cost's key.
    pub sources: Map<String, Value>,
}

impl Profile {
    /// `blog`, `rust` or `beam`.
    pub fn name(&self) -> &'static str {
        self.origin.name()
    }

    /// Where its costs come from (`profiles.<p>.costs_from`): `"blog"` for the post's figures,
    /// `"this run"` for the measured ones; never the committed reference run.
    pub fn costs_from(&self) -> &'static str {
        match self.origin {
            Origin::Blog => "blog",
            Origin::Rust | Origin::Beam => "this run",
        }
    }

    /// The costs and their sources, as the results file holds them.
    pub fn json(&self) -> Value {
        let mut costs = serde_json::to_value(self.costs).expect("costs serialize");
        costs["sources"] = Value::Object(self.sources.clone());
        costs
    }
}

/// The blog's figures (and, where the post has none, what stands in for them).
pub fn blog() -> Profile {
    let send_us = (PER_SEND_US[0] + PER_SEND_US[1]) / 2.0;
    let costs = Costs {
        ring_lookup_ns: REQUEST_REPLY_US * 1e3,
        fastglobal_lookup_ns: FASTGLOBAL_READ_US * 1e3,
        call_ns: REQUEST_REPLY_US * 1e3,
        send_ns: send_us * 1e3,
        node_send_ns: send_us * 1e3,
        per_receiver_ns: 0.0,
    };
    let [low, high] = PER_SEND_US;
    let sources = json!({
        "ring_lookup_ns": format!("the post: request/reply with another process is about {REQUEST_REPLY_US} µs"),
        "fastglobal_lookup_ns": format!("the post: FastGlobal brings a lookup down to {FASTGLOBAL_READ_US} µs"),
        "call_ns": format!("the post's {REQUEST_REPLY_US} µs request/reply (it gives no registry or join figure)"),
        "send_ns": format!("the post: one send/2 takes {low}–{high} µs of wall clock; the middle, {send_us} µs"),
        "node_send_ns": "one send/2: Manifold makes the guild send once per node",
        "per_receiver_ns": "none: the post counts Manifold's sends, not the pids it groups",
    });
    Profile {
        origin: Origin::Blog,
        costs,
        sources: sources.as_object().cloned().unwrap_or_default(),
    }
}

/// The sizes the measured profiles are measured at, on both sides, in this run: small enough to
/// take seconds, the same for the rust profile and the BEAM's.
pub struct Sizes {
    /// Sessions of the lookup storm, all released at once.
    pub storm_sessions: u64,
    /// Lookups per session.
    pub lookups: u64,
    /// Nodes on the ring, and virtual nodes per node.
    pub ring_nodes: u64,
    /// Virtual nodes per ring node.
    pub replicas: u64,
    /// Remote sends timed (per trial on the Rust side, of five).
    pub sends: u64,
    /// Members of the guild that publishes, spread over `session_nodes`.
    pub members: u64,
    /// Session nodes of the guild's members.
    pub session_nodes: u64,
    /// Publishes timed.
    pub publishes: u64,
}

/// The measured profiles' sizes.
pub const SIZES: Sizes = Sizes {
    storm_sessions: 20_000,
    lookups: 5,
    ring_nodes: 10,
    replicas: 512,
    sends: 50_000,
    members: 10_000,
    session_nodes: 4,
    publishes: 20,
};

/// Manifold's cost per receiver from a measured publish (`publish_ns`, its time in the guild):
/// what the guild spent beyond one send per node, divided by the members.
pub fn per_receiver(publish_ns: f64, send_ns: f64) -> f64 {
    let (members, nodes) = (SIZES.members as f64, SIZES.session_nodes as f64);
    ((publish_ns - nodes * send_ns) / members).max(0.0)
}

/// The profiles `choice` asks for (`all`: every one that has figures), and the ones left out,
/// why. `beam` is this run's BEAM profile when `choice` wants it (`Err`: why there is none):
/// asked for alone, its absence fails the run; with `all`, it is left out with the reason.
pub fn chosen(
    choice: Profiles,
    beam: Option<Result<Profile, String>>,
    progress: &Progress,
) -> Result<(Vec<Profile>, Map<String, Value>), String> {
    let mut left_out = Map::new();
    let mut profiles = Vec::new();
    if choice.wants(Origin::Blog) {
        profiles.push(blog());
    }
    if choice.wants(Origin::Rust) {
        progress.step("rust profile: measuring this machine's costs");
        profiles.push(rust());
        progress.done();
    }
    match (choice, beam) {
        (_, Some(Ok(beam))) => profiles.push(beam),
        (Profiles::Only(Origin::Beam), Some(Err(why))) => {
            return Err(format!("no beam profile: {why}"));
        }
        (_, Some(Err(why))) => {
            left_out.insert(Origin::Beam.name().into(), json!(format!(
                "no BEAM figures from this run: {why}; the committed reference run's are never used in their place"
            )));
        }
        (_, None) => {}
    }
    for profile in &profiles {
        profile
            .costs
            .check()
            .map_err(|e| format!("{} profile: {e}", profile.name()))?;
    }
    Ok((profiles, left_out))
}

/// What `--set profile=` chooses: every profile, or one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profiles {
    /// The blog's, this machine's, and the BEAM's where its figures are there.
    All,
    /// One profile.
    Only(Origin),
}

impl Profiles {
    /// Whether the profile of `origin` is asked for.
    pub fn wants(self, origin: Origin) -> bool {
        self == Profiles::All || self == Profiles::Only(origin)
    }
}

impl Choice for Profiles {
    /// `all`, then each [`Origin`]'s name (a test holds them to it).
    const NAMES: &'static [&'static str] = &["all", "blog", "rust", "beam"];

    fn from_name(name: &str) -> Option<Self> {
        if name == "all" {
            return Some(Profiles::All);
        }
        let origin = Origin::ALL.into_iter().find(|o| o.name() == name)?;
        Some(Profiles::Only(origin))
    }
}

/// This machine's Rust figures, measured here and now, in this run, always (a few seconds, at
/// [`SIZES`]; the committed reference run is never read):
///
/// - a send: [`ClusterSend`], a cluster send from node 0 to a process on node 1 (a link in
///   memory), the median of five batches of `sends` after a warm-up;
/// - a lookup through the ring process, and a call: the ring-process storm ([`Storm::run_actor`],
///   `storm_sessions` session tasks on the process's node, `lookups` calls each), the guild id
///   hashed in the session or beforehand (a call that does almost nothing);
/// - a lookup through FastGlobal: the same storm through FastGlobal, one reader per core;
/// - per receiver: a Manifold publish to `members` members on `session_nodes` nodes, the mean
///   time in the guild over `publishes`, less one send per node, per member.
pub fn rust() -> Profile {
    let send = rust_send();
    let (ring_lookup_ns, call_ns, fastglobal_lookup_ns) = rust_lookups();
    let setup = Setup {
        members: SIZES.members as usize,
        session_nodes: SIZES.session_nodes as usize,
        threads: 1,
    };
    let per_receiver_ns = measure::<Manifold>(setup, SIZES.publishes as usize)
        .map_or(f64::NAN, |m| per_receiver(m.in_guild_mean(), send));
    let costs = Costs {
        ring_lookup_ns,
        fastglobal_lookup_ns,
        call_ns,
        send_ns: send,
        node_send_ns: send,
        per_receiver_ns,
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
    let storm = format!("{sessions} session tasks × {lookups} lookups, all released at once");
    let sources = json!({
        "ring_lookup_ns": format!("this run: the storm through the ring process ({storm}), the key hashed in the session"),
        "fastglobal_lookup_ns": format!("this run: the storm through FastGlobal ({sessions} sessions × {lookups} lookups, one reader per core)"),
        "call_ns": format!("this run: the storm through the ring process ({storm}), prehashed: a call that does almost nothing"),
        "send_ns": format!("this run: a remote cluster send (link in memory), the median of 5 batches of {sends}"),
        "node_send_ns": "one remote send, as send_ns",
        "per_receiver_ns": format!("this run: (Manifold's mean time in the guild over {publishes} publishes to {members} members on {nodes} nodes − {nodes} × send_ns) ÷ {members}"),
    });
    Profile {
        origin: Origin::Rust,
        costs,
        sources: sources.as_object().cloned().unwrap_or_default(),
    }
}

/// One remote cluster send, ns: the median of five batches after a warm-up (NaN if the rig
/// failed, which the profile's check then refuses).
fn rust_send() -> f64 {
    let sends = SIZES.sends;
    ClusterSend::new(true)
        .ok()
        .and_then(|mut rig| {
            rig.send_batch(sends / 5).ok()?;
            let samples: Option<Vec<f64>> = (0..5)
                .map(|_| Some(nanos(rig.send_batch(sends).ok()?) / sends as f64))
                .collect();
            Some(median(samples?))
        })
        .unwrap_or(f64::NAN)
}

/// The storm's lookups, ns each: through the ring process hashing, prehashed (a call), and
/// through FastGlobal hashing.
fn rust_lookups() -> (f64, f64, f64) {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let nodes = (0..SIZES.ring_nodes).map(|i| format!("guild{i}"));
    let ring = Ring::with_nodes(nodes, SIZES.replicas as u32);
    let sessions = SIZES.storm_sessions as usize;
    let storm = Storm::new(sessions, SIZES.lookups as usize, 11);
    let lookups = storm.lookups() as f64;
    let (actor, prehashed) = match Actor::start(ring.clone(), threads) {
        Ok(actor) => {
            let actor = Arc::new(actor);
            let _ = storm.run_actor(&actor, sessions, false); // warm up
            (
                nanos(storm.run_actor(&actor, sessions, false).elapsed) / lookups,
                nanos(storm.run_actor(&actor, sessions, true).elapsed) / lookups,
            )
        }
        Err(_) => (f64::NAN, f64::NAN),
    };
    let global = Published(FastGlobal::<Ring>::named("reconnect-costs-this-run"));
    global.0.put(ring);
    let _ = storm.run(&global, threads, false);
    let fastglobal = nanos(storm.run(&global, threads, false).elapsed) / lookups;
    (actor, prehashed, fastglobal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_say_where_their_costs_come_from() {
        assert_eq!(blog().costs_from(), "blog");
        let measured = |origin| Profile { origin, ..blog() };
        assert_eq!(measured(Origin::Rust).costs_from(), "this run");
        assert_eq!(measured(Origin::Beam).costs_from(), "this run");
    }

    #[test]
    fn a_missing_beam_is_left_out_with_the_reason_or_fails_when_asked_for_alone() {
        let hidden = Progress::hidden();
        let why = || Some(Err("the BEAM side is off".to_owned()));
        let (profiles, left_out) = chosen(Profiles::Only(Origin::Blog), None, &hidden).unwrap();
        assert_eq!(profiles.len(), 1);
        assert!(left_out.is_empty());
        let alone = chosen(Profiles::Only(Origin::Beam), why(), &hidden).unwrap_err();
        assert!(alone.contains("the BEAM side is off"), "{alone}");
        let beam = Profile {
            origin: Origin::Beam,
            ..blog()
        };
        let (profiles, _) = chosen(Profiles::Only(Origin::Beam), Some(Ok(beam)), &hidden).unwrap();
        assert_eq!(profiles[0].costs_from(), "this run");
    }

    #[test]
    fn per_receiver_is_what_the_guild_spent_beyond_one_send_per_node() {
        let nodes = SIZES.session_nodes as f64;
        let publish = nodes * 1_000.0 + SIZES.members as f64 * 30.0;
        assert!((per_receiver(publish, 1_000.0) - 30.0).abs() < 1e-9);
        assert_eq!(per_receiver(10.0, 1_000.0), 0.0);
    }

    #[test]
    #[ignore = "measures for seconds; run with --ignored --release"]
    fn measuring_in_this_run_gives_every_cost() {
        let profile = rust();
        profile.costs.check().unwrap();
        assert!(profile.costs.ring_lookup_ns > profile.costs.fastglobal_lookup_ns);
        let source = profile.sources["send_ns"].as_str().unwrap();
        assert!(source.starts_with("this run: "), "{source}");
        assert_eq!(profile.costs_from(), "this run");
    }

    #[test]
    fn the_choices_are_all_and_every_origin() {
        let origins: Vec<&str> = Origin::ALL.map(Origin::name).to_vec();
        assert_eq!(Profiles::NAMES[1..], origins);
        assert!(Profiles::All.wants(Origin::Beam));
        assert!(!Profiles::Only(Origin::Blog).wants(Origin::Rust));
        let blog = blog().costs;
        assert_eq!(
            (blog.ring_lookup_ns, blog.fastglobal_lookup_ns),
            (12_000.0, 300.0)
        );
        assert_eq!(blog.send_ns, 50_000.0);
    }
}
