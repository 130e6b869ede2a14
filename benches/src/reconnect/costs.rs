//! Cost profiles: what each step of a reconnect costs, and where that number comes from.
//!
//! The model measures no CPU time: a step takes the virtual time its profile says (a `sleep`), so
//! the same model can run on the blog's figures, on this machine's and on the BEAM's, and the
//! three can be compared row by row. Six costs are enough for the whole path:
//!
//! | cost | blog | rust (committed results) | beam (committed results) |
//! | --- | --- | --- | --- |
//! | lookup through the ring process | 12 µs ("request/reply is about 12μs") | `ring.json` actor | `ring.json` BEAM GenServer |
//! | lookup through FastGlobal | 0.3 µs | `ring.json` fastglobal | `ring.json` BEAM FastGlobal |
//! | a call served (registry, guild join) | 12 µs, the same request/reply | `ring.json` actor, prehashed | `ring.json` BEAM GenServer |
//! | one send to one member | 50 µs, the middle of "30μs to 70us" | `send-cost.json` remote | `send-cost.json` BEAM remote |
//! | one Manifold send to a node | 50 µs, one send | one remote send | one BEAM remote send |
//! | per receiver in its list | 0: the post counts sends only | `fanout.json` Manifold | `fanout.json` BEAM Manifold |
//!
//! The rust profile is read from the committed results of the scenarios that measure these
//! (`book/src/results/`), or measured on the spot when they are missing. The beam profile exists
//! only when those results hold the BEAM's figures; otherwise it is left out, with the reason
//! written in the results.

use std::path::Path;
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

/// One number in a results file.
fn figure(json: &Value, path: &str) -> Option<f64> {
    path.split('.')
        .try_fold(json, |value, key| value.get(key))?
        .as_f64()
}

/// The committed results a profile reads: `send-cost`, `ring` and `fanout`.
struct Results {
    send_cost: Value,
    ring: Value,
    fanout: Value,
}

impl Results {
    fn read(dir: &Path) -> Result<Results, String> {
        let load = |name: &str| -> Result<Value, String> {
            let path = dir.join(format!("{name}.json"));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
        };
        Ok(Results {
            send_cost: load("send-cost")?,
            ring: load("ring")?,
            fanout: load("fanout")?,
        })
    }

    /// A figure of `file` at `path`, or why not.
    fn get(&self, file: &str, path: &str) -> Result<f64, String> {
        let json = match file {
            "send-cost" => &self.send_cost,
            "ring" => &self.ring,
            _ => &self.fanout,
        };
        figure(json, path)
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("{file}.json has no {path}"))
    }

    /// Manifold's cost per receiver from a measured publish: what the guild spent beyond one
    /// send per node, divided by the members.
    fn per_receiver(&self, publish_path: &str, send_ns: f64) -> Result<f64, String> {
        let publish = self.get("fanout", publish_path)?;
        let members = self.get("fanout", "parameters.members")?;
        let nodes = self.get("fanout", "parameters.session_nodes")?;
        Ok(((publish - nodes * send_ns) / members).max(0.0))
    }
}

/// This machine's figures, from the committed results in `dir`, or measured on the spot when
/// they are not there.
pub fn rust(dir: &Path) -> Profile {
    match rust_from(dir) {
        Ok(profile) => profile,
        Err(why) => measured_on_the_spot(&why),
    }
}

fn rust_from(dir: &Path) -> Result<Profile, String> {
    let r = Results::read(dir)?;
    let send = r.get("send-cost", "per_send_ns.cluster_remote")?;
    let costs = Costs {
        ring_lookup_ns: r.get("ring", "strategies.actor.ns_per_lookup")?,
        fastglobal_lookup_ns: r.get("ring", "strategies.fastglobal.ns_per_lookup")?,
        call_ns: r.get("ring", "strategies.actor.ns_per_lookup_prehashed")?,
        send_ns: send,
        node_send_ns: send,
        per_receiver_ns: r.per_receiver("strategies.manifold.guild_publish_ns", send)?,
    };
    let date = |v: &Value| v["date"].as_str().unwrap_or("?").to_owned();
    let sources = json!({
        "ring_lookup_ns": format!("ring.json ({}): strategies.actor.ns_per_lookup, the storm through the ring process", date(&r.ring)),
        "fastglobal_lookup_ns": format!("ring.json ({}): strategies.fastglobal.ns_per_lookup", date(&r.ring)),
        "call_ns": format!("ring.json ({}): strategies.actor.ns_per_lookup_prehashed, a call that does almost nothing", date(&r.ring)),
        "send_ns": format!("send-cost.json ({}): per_send_ns.cluster_remote", date(&r.send_cost)),
        "node_send_ns": "one remote send, as send_ns",
        "per_receiver_ns": format!("fanout.json ({}): (strategies.manifold.guild_publish_ns − session_nodes × send_ns) ÷ members", date(&r.fanout)),
    });
    Ok(Profile {
        origin: Origin::Rust,
        costs,
        sources: sources.as_object().cloned().unwrap_or_default(),
    })
}

/// The BEAM's figures from the committed results in `dir`, or why there are none.
pub fn beam(dir: &Path) -> Result<Profile, String> {
    let r = Results::read(dir)?;
    let send = r.get("send-cost", "beam.per_send_ns.remote")?;
    // As on the Rust side: a lookup hashes its guild id; a call does almost nothing (prehashed).
    let costs = Costs {
        ring_lookup_ns: r.get("ring", "beam.storm_hashing.genserver.ns_per_lookup")?,
        fastglobal_lookup_ns: r.get("ring", "beam.storm_hashing.fastglobal.ns_per_lookup")?,
        call_ns: r.get("ring", "beam.storm.genserver.ns_per_lookup")?,
        send_ns: send,
        node_send_ns: send,
        per_receiver_ns: r.per_receiver("strategies.beam_manifold.guild_publish_ns", send)?,
    };
    let sources = json!({
        "ring_lookup_ns": "ring.json: beam.storm_hashing.genserver.ns_per_lookup, the storm through a GenServer",
        "fastglobal_lookup_ns": "ring.json: beam.storm_hashing.fastglobal.ns_per_lookup",
        "call_ns": "ring.json: beam.storm.genserver.ns_per_lookup, a GenServer call that does almost nothing (prehashed)",
        "send_ns": "send-cost.json: beam.per_send_ns.remote",
        "node_send_ns": "one remote send, as send_ns",
        "per_receiver_ns": "fanout.json: (strategies.beam_manifold.guild_publish_ns − session_nodes × send_ns) ÷ members",
    });
    Ok(Profile {
        origin: Origin::Beam,
        costs,
        sources: sources.as_object().cloned().unwrap_or_default(),
    })
}

/// The profiles `choice` asks for (`all`: every one that has figures), and the ones left out,
/// why.
pub fn chosen(choice: Profiles) -> Result<(Vec<Profile>, Map<String, Value>), String> {
    let dir = crate::common::lab::workspace().join("book/src/results");
    let mut left_out = Map::new();
    let profiles = match choice {
        Profiles::Only(Origin::Blog) => vec![blog()],
        Profiles::Only(Origin::Rust) => vec![rust(&dir)],
        Profiles::Only(Origin::Beam) => vec![beam(&dir).map_err(|why| {
            format!("the beam profile needs the BEAM's figures in the committed results: {why}")
        })?],
        Profiles::All => {
            let mut all = vec![blog(), rust(&dir)];
            match beam(&dir) {
                Ok(beam) => all.push(beam),
                Err(why) => {
                    left_out.insert(Origin::Beam.name().into(), json!(format!(
                        "no BEAM figures in the committed results ({why}); reproduce send-cost, ring and fanout with Erlang installed, then this"
                    )));
                }
            }
            all
        }
    };
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

/// Measures the rust profile here and now (a few seconds), when committed results are missing.
fn measured_on_the_spot(why: &str) -> Profile {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let send = ClusterSend::new(true)
        .ok()
        .and_then(|mut rig| {
            rig.send_batch(10_000).ok()?;
            let samples: Option<Vec<f64>> = (0..5)
                .map(|_| Some(nanos(rig.send_batch(50_000).ok()?) / 50_000.0))
                .collect();
            Some(median(samples?))
        })
        .unwrap_or(f64::NAN);
    let ring = Ring::with_nodes((0..10).map(|i| format!("guild{i}")), 512);
    let storm = Storm::new(20_000, 5, 11);
    let lookups = storm.lookups() as f64;
    let (actor, actor_prehashed) = match Actor::start(ring.clone(), threads) {
        Ok(actor) => {
            let actor = Arc::new(actor);
            let _ = storm.run_actor(&actor, 20_000, false); // warm up
            (
                nanos(storm.run_actor(&actor, 20_000, false).elapsed) / lookups,
                nanos(storm.run_actor(&actor, 20_000, true).elapsed) / lookups,
            )
        }
        Err(_) => (f64::NAN, f64::NAN),
    };
    let global = Published(FastGlobal::<Ring>::named("reconnect-costs-on-the-spot"));
    global.0.put(ring);
    let _ = storm.run(&global, threads, false);
    let fastglobal = nanos(storm.run(&global, threads, false).elapsed) / lookups;
    let setup = Setup {
        members: 10_000,
        session_nodes: 4,
        threads: 1,
    };
    let per_receiver = measure::<Manifold>(setup, 20)
        .map(|m| ((m.in_guild_mean() - 4.0 * send) / 10_000.0).max(0.0))
        .unwrap_or(f64::NAN);
    let costs = Costs {
        ring_lookup_ns: actor,
        fastglobal_lookup_ns: fastglobal,
        call_ns: actor_prehashed,
        send_ns: send,
        node_send_ns: send,
        per_receiver_ns: per_receiver,
    };
    let note = format!("measured on the spot ({why})");
    let sources = [
        "ring_lookup_ns",
        "fastglobal_lookup_ns",
        "call_ns",
        "send_ns",
        "node_send_ns",
        "per_receiver_ns",
    ]
    .into_iter()
    .map(|key| (key.to_owned(), Value::String(note.clone())))
    .collect();
    Profile {
        origin: Origin::Rust,
        costs,
        sources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_results_give_a_rust_profile_and_a_missing_beam_is_explained() {
        let dir = crate::common::lab::workspace().join("book/src/results");
        let rust = rust_from(&dir).expect("the committed results hold every rust cost");
        rust.costs.check().unwrap();
        assert!(rust.costs.ring_lookup_ns > rust.costs.fastglobal_lookup_ns);
        assert_eq!(rust.sources.len(), 6);
        if let Err(why) = beam(&dir) {
            assert!(why.contains("has no beam."), "{why}");
        }
        let missing = beam(Path::new("/nonexistent")).unwrap_err();
        assert!(missing.starts_with("cannot read"), "{missing}");
    }

    #[test]
    #[ignore = "measures for seconds; run with --ignored --release"]
    fn measuring_on_the_spot_gives_every_cost() {
        let profile = rust(Path::new("/nonexistent"));
        profile.costs.check().unwrap();
        assert!(profile.costs.ring_lookup_ns > profile.costs.fastglobal_lookup_ns);
        let source = profile.sources["send_ns"].as_str().unwrap();
        assert!(
            source.starts_with("measured on the spot (cannot read"),
            "{source}"
        );
    }

    #[test]
    fn the_choices_are_all_and_every_origin() {
        let origins: Vec<&str> = Origin::ALL.map(Origin::name).to_vec();
        assert_eq!(Profiles::NAMES[1..], origins);
        let blog = blog().costs;
        assert_eq!(
            (blog.ring_lookup_ns, blog.fastglobal_lookup_ns),
            (12_000.0, 300.0)
        );
        assert_eq!(blog.send_ns, 50_000.0);
    }
}
