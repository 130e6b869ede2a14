//! Scenario `send-cost` (chapter 1, "What a message costs").
//!
//! The blog's fanout story starts from one measurement: a `send/2` inside a busy guild process
//! costs 30–70 µs of wall clock, so a publish to 30,000 sessions takes 0.9–2.1 s. This scenario
//! measures the Rust counterparts: one send into each kind of channel, one send through the
//! cluster (local, and remote with encode, link and decode), and the consequence: one process
//! sending an event to 30,000 processes one by one. Its BEAM side (`beam/run send-cost`) times
//! the same two things with `send/2` on real nodes.

pub mod bars;
pub mod event;
pub mod rigs;

use cluster::Transport;
use serde_json::{Map, Value, json};

use crate::common::beam::{self, Beam, BeamRun};
use crate::common::blog;
use crate::common::links::{self, Links};
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::plot::{Bar, Panel, bar_panels};
use crate::common::report::markdown_table;
use crate::common::scenario::{Check, Outcome, Progress, Scenario};
use crate::common::stats::{median, nanos};
use crate::common::units::{group_digits, human_ns, tick_ns};
use crate::send_cost::rigs::{OneByOne, rigs_over};

/// The `send-cost` scenario.
pub struct SendCost;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "sends",
        "messages per timed batch, for each channel",
        1,
        10_000_000,
        [20_000, 200_000, 1_000_000],
    ),
    ParamSpec::count(
        "rounds",
        "timed batches (and publishes) per measurement; the median is reported",
        1,
        1_000,
        [3, 11, 31],
    ),
    ParamSpec::count(
        "members",
        "processes the one-by-one publish sends to (the blog's guild had 30,000)",
        1,
        10_000_000,
        [30_000, 30_000, 30_000],
    ),
    links::PARAM,
];

/// Display names of the rigs, by key, in table order.
const RIG_NAMES: &[(&str, &str)] = &[
    ("tokio_unbounded", "tokio mpsc, unbounded"),
    ("tokio_bounded", "tokio mpsc, bounded (1,024)"),
    ("crossbeam", "crossbeam-channel, unbounded"),
    ("std_mpsc", "std mpsc"),
    ("cluster_local", "cluster send, same node"),
    ("cluster_remote", "cluster send, other node"),
    (
        "cluster_remote_tcp",
        "cluster send, other node, over loopback TCP",
    ),
];

/// Median, minimum and maximum of a set of timings, in ns.
#[derive(Clone, Copy, Debug)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(samples: Vec<f64>) -> Spread {
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

impl Scenario for SendCost {
    fn name(&self) -> &'static str {
        "send-cost"
    }

    fn title(&self) -> &'static str {
        "What one message costs, and one event to many processes sent one by one"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 10,
            Scale::Default => 40,
            Scale::Full => 120,
        }
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "What one message costs, and one event to {} processes sent one by one",
            group_digits(params.get("members"))
        )
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // Three guilds' members (a task and a mailbox each, ~4 KiB generously), a batch of queued
        // events per channel, and the runtimes.
        params.get("members") * 3 * 4096 + params.get("sends") * 64 * 7 + (256 << 20)
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let (sends, rounds, members) = (
            params.get("sends"),
            params.count("rounds"),
            params.count("members"),
        );
        let transports = params.choice::<Links>("transport").transports();
        // The channels and the same-node send, then one remote rig and one publish per transport.
        let rigs = rigs_over(&transports).map_err(|e| format!("could not start a runtime: {e}"))?;
        progress.steps(rigs.len() as u64 + 1 + transports.len() as u64 + beam.steps());

        let mut per_send = Vec::new();
        for mut rig in rigs {
            progress.step(rig.key());
            rig.send_batch(sends.div_ceil(10))?; // warm up: allocate, wake threads
            let mut samples = Vec::with_capacity(rounds);
            for _ in 0..rounds {
                samples.push(rig.send_batch(sends)?.as_nanos() as f64 / sends as f64);
            }
            per_send.push((rig.key(), Spread::of(samples)));
            progress.done();
        }

        let mut publishes = Vec::new();
        let places = std::iter::once((false, transports[0]))
            .chain(transports.iter().map(|&transport| (true, transport)));
        for (remote, transport) in places {
            let mut guild = OneByOne::over(members, remote, transport)
                .map_err(|e| format!("could not start a cluster ({transport}): {e}"))?;
            let key = guild.key();
            progress.step(&format!(
                "one by one to {} members, {key}",
                group_digits(members as u64)
            ));
            guild.publish()?; // warm up
            let (mut in_guild, mut delivered) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                let (spent, done) = guild.publish()?;
                in_guild.push(nanos(spent));
                delivered.push(nanos(done));
            }
            publishes.push((key, Spread::of(in_guild), Spread::of(delivered)));
            progress.done();
        }

        let beam = beam.run(
            "send-cost",
            &[
                ("messages", sends),
                ("receivers", members as u64),
                ("rounds", rounds as u64),
                // The size of a presence update (`Presence`, encoded: about 12 bytes), so the
                // BEAM's message is as small as ours, not the fanout's 256-byte event.
                ("payload_bytes", 16),
            ],
            &BEAM_FIGURES,
            progress,
        )?;
        let mut figures = figures(&per_send, &publishes);
        if let Some(beam) = &beam {
            figures.insert("beam".into(), beam.json().clone());
        }
        let table = table(&per_send, &publishes, rounds, members, beam.as_ref());
        let svg = plot(&per_send, &publishes, members, beam.as_ref())?;
        let blog = blog::sends();
        let checks = transports
            .iter()
            .map(|&transport| {
                let (ratio, how) = match transport {
                    Transport::Memory => ("remote_over_local_send", ""),
                    Transport::Tcp => ("remote_tcp_over_local_send", " over loopback TCP"),
                };
                let remote_over_local = figures["ratios"][ratio].as_f64().unwrap_or(f64::NAN);
                Check::that(
                    format!(
                        "a send to another node{how} costs the sender more than a local push \
                         (encode + link)"
                    ),
                    format!("{remote_over_local:.1}× a local send"),
                    remote_over_local > 1.0,
                )
            })
            .collect();
        Ok(Outcome {
            figures,
            blog,
            table,
            svg,
            checks,
        })
    }
}

type Publishes<'a> = [(&'a str, Spread, Spread)];

/// The BEAM side's figures, by the rig they stand beside: one `send/2` to a process on this
/// node and on another, and the guild's loop of one send to each of `members` processes.
const BEAM_FIGURES: [&str; 4] = [
    "per_send_ns.local",
    "per_send_ns.remote",
    "one_by_one_30k_ns.local",
    "one_by_one_30k_ns.remote",
];

fn figures(per_send: &[(&str, Spread)], publishes: &Publishes<'_>) -> Map<String, Value> {
    let pick = |f: fn(&Spread) -> f64| -> Value {
        per_send
            .iter()
            .map(|(key, s)| ((*key).to_owned(), json!(f(s))))
            .collect::<Map<_, _>>()
            .into()
    };
    let publish = |f: fn(&(&str, Spread, Spread)) -> f64| -> Value {
        publishes
            .iter()
            .map(|p| (p.0.to_owned(), json!(f(p))))
            .collect::<Map<_, _>>()
            .into()
    };
    let send_median = |key: &str| {
        per_send
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(f64::NAN, |(_, s)| s.median)
    };
    let local_publish = publishes
        .iter()
        .find(|p| p.0 == "cluster_local")
        .map_or(f64::NAN, |p| p.1.median);
    let mut ratios = Map::new();
    let local = send_median("cluster_local");
    for remote in ["cluster_remote", "cluster_remote_tcp"] {
        if per_send.iter().any(|(key, _)| *key == remote) {
            let name = remote.replacen("cluster_", "", 1);
            let ns = send_median(remote);
            ratios.insert(format!("{name}_over_local_send"), json!(ns / local));
            ratios.insert(
                format!("blog_send_low_over_{remote}"),
                json!(blog::PER_SEND_US[0] * 1e3 / ns),
            );
        }
    }
    ratios.insert(
        "blog_send_low_over_cluster_local".into(),
        json!(blog::PER_SEND_US[0] * 1e3 / local),
    );
    ratios.insert(
        "blog_publish_low_over_cluster_local".into(),
        json!(blog::PUBLISH_S[0] * 1e9 / local_publish),
    );
    let mut figures = Map::new();
    figures.insert("per_send_ns".into(), pick(|s| s.median));
    figures.insert("per_send_ns_min".into(), pick(|s| s.min));
    figures.insert("per_send_ns_max".into(), pick(|s| s.max));
    figures.insert("one_by_one_30k_ns".into(), publish(|p| p.1.median));
    figures.insert(
        "one_by_one_30k_delivered_ns".into(),
        publish(|p| p.2.median),
    );
    figures.insert("ratios".into(), Value::Object(ratios));
    figures
}

fn table(
    per_send: &[(&str, Spread)],
    publishes: &Publishes<'_>,
    rounds: usize,
    members: usize,
    beam: Option<&BeamRun>,
) -> String {
    // The BEAM's figure for a row: `local` or `remote` of `what`, beside the cluster's rigs.
    let beam_cell = |what: &str, key: &str| -> Option<String> {
        // Distributed Erlang crosses loopback TCP: beside both remote rows, the like-for-like one
        // being TCP's.
        let place = match key {
            "cluster_local" => "local",
            "cluster_remote" | "cluster_remote_tcp" => "remote",
            _ => return None,
        };
        Some(human_ns(beam?.figure(&format!("{what}.{place}"))))
    };
    let mut beam_cells = Vec::new();
    let blog_send = format!(
        "{}–{} µs (`send/2` in a busy guild)",
        blog::PER_SEND_US[0],
        blog::PER_SEND_US[1]
    );
    let blog_publish = format!(
        "{}–{} s ({} sessions)",
        blog::PUBLISH_S[0],
        blog::PUBLISH_S[1],
        group_digits(blog::LARGE_GUILD_MEMBERS)
    );
    let mut rows: Vec<Vec<String>> = per_send
        .iter()
        .map(|(key, s)| {
            let blog = if key.starts_with("cluster") {
                blog_send.clone()
            } else {
                "—".into()
            };
            beam_cells.push(beam_cell("per_send_ns", key));
            vec![
                format!("one send: {}", rig_name(key)),
                human_ns(s.median),
                range(s),
                blog,
            ]
        })
        .collect();
    let members = group_digits(members as u64);
    for (key, in_guild, delivered) in publishes {
        let place = place(key);
        beam_cells.push(beam_cell("one_by_one_30k_ns", key));
        beam_cells.push(None);
        rows.push(vec![
            format!("one event to {members} processes, one by one, {place}: time in the sender"),
            human_ns(in_guild.median),
            range(in_guild),
            blog_publish.clone(),
        ]);
        rows.push(vec![
            format!("… until the last of the {members} has it"),
            human_ns(delivered.median),
            range(delivered),
            "—".into(),
        ]);
    }
    let mut header: Vec<String> = vec![
        "what".into(),
        format!("this machine (median of {rounds})"),
        "min – max".into(),
        "BEAM, from the blog".into(),
    ];
    beam::add_column(beam, &mut header, &mut rows, 3, beam_cells);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    markdown_table(&header, &rows)
}

/// Where a one-by-one publish's members are, by its key.
fn place(key: &str) -> &'static str {
    match key {
        "cluster_local" => "same node",
        "cluster_remote_tcp" => "other node over TCP",
        _ => "other node",
    }
}

fn range(spread: &Spread) -> String {
    format!("{} – {}", human_ns(spread.min), human_ns(spread.max))
}

fn rig_name(key: &str) -> &'static str {
    RIG_NAMES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("?", |(_, name)| name)
}

/// The BEAM's figures measured here as bars, between ours and the blog's: `what.local` and
/// `what.remote`, none without a BEAM run.
fn beam_bars(beam: Option<&BeamRun>, what: &str, name: &str) -> Vec<Bar> {
    let Some(beam) = beam else { return Vec::new() };
    [("local", "same node"), ("remote", "other node")]
        .into_iter()
        .map(|(place, said)| (said, beam.figure(&format!("{what}.{place}"))))
        .filter(|(_, ns)| ns.is_finite() && *ns > 0.0)
        .map(|(said, ns)| Bar::beam_here(format!("{} {name}, {said}", beam.column()), ns))
        .collect()
}

fn plot(
    per_send: &[(&str, Spread)],
    publishes: &Publishes<'_>,
    members: usize,
    beam: Option<&BeamRun>,
) -> Result<String, String> {
    let mut sends: Vec<Bar> = per_send
        .iter()
        .map(|(key, s)| Bar::measured(rig_name(key), s.median))
        .collect();
    sends.extend(beam_bars(beam, "per_send_ns", "send/2"));
    sends.push(Bar::blog(
        "BEAM send/2",
        blog::PER_SEND_US[0] * 1e3,
        blog::PER_SEND_US[1] * 1e3,
    ));
    let mut publish: Vec<Bar> = Vec::new();
    for (key, in_guild, delivered) in publishes {
        let place = place(key);
        publish.push(Bar::measured(
            format!("{place}, in the sender"),
            in_guild.median,
        ));
        publish.push(Bar::measured(
            format!("{place}, until all have it"),
            delivered.median,
        ));
    }
    publish.extend(beam_bars(beam, "one_by_one_30k_ns", "in the sender"));
    publish.push(Bar::blog(
        "BEAM guild publish",
        blog::PUBLISH_S[0] * 1e9,
        blog::PUBLISH_S[1] * 1e9,
    ));
    bar_panels(&[
        Panel {
            title: "One send".into(),
            axis: "time per send (log scale)".into(),
            bars: sends,
            format: human_ns,
            tick: tick_ns,
        },
        Panel {
            title: format!(
                "One event to {} processes, one by one",
                group_digits(members as u64)
            ),
            axis: "time per publish (log scale)".into(),
            bars: publish,
            format: human_ns,
            tick: tick_ns,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::params::overrides;

    #[test]
    fn spread_takes_the_median() {
        let odd = Spread::of(vec![5.0, 1.0, 3.0]);
        assert_eq!((odd.median, odd.min, odd.max), (3.0, 1.0, 5.0));
        assert_eq!(Spread::of(vec![4.0, 1.0, 3.0, 2.0]).median, 2.5);
    }

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let params = Params::resolve(
            PARAMS,
            crate::common::params::Scale::Quick,
            &overrides(&[("sends", "200"), ("rounds", "1"), ("members", "50")]),
        )
        .unwrap();
        let outcome = SendCost
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap();
        for key in [
            "tokio_unbounded",
            "tokio_bounded",
            "crossbeam",
            "std_mpsc",
            "cluster_local",
            "cluster_remote",
            "cluster_remote_tcp",
        ] {
            let value = outcome.figures["per_send_ns"][key].as_f64().unwrap();
            assert!(value > 0.0, "per_send_ns.{key} = {value}");
        }
        for key in ["cluster_local", "cluster_remote", "cluster_remote_tcp"] {
            assert!(outcome.figures["one_by_one_30k_ns"][key].as_f64().unwrap() > 0.0);
        }
        assert_eq!(outcome.blog["per_send_us"], json!([30.0, 70.0]));
        assert_eq!(outcome.blog["publish_30k_s"], json!([0.9, 2.1]));
        assert!(outcome.table.contains("one send: cluster send, other node"));
        assert!(outcome.table.contains("over loopback TCP"));
        assert_eq!(outcome.checks.len(), 2, "one check per transport");
        assert!(outcome.svg.starts_with("<svg"), "not an SVG document");
    }

    #[test]
    fn transport_memory_leaves_tcp_out() {
        let params = Params::resolve(
            PARAMS,
            crate::common::params::Scale::Quick,
            &overrides(&[
                ("sends", "100"),
                ("rounds", "1"),
                ("members", "20"),
                ("transport", "memory"),
            ]),
        )
        .unwrap();
        let outcome = SendCost
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap();
        assert!(
            outcome.figures["per_send_ns"]["cluster_remote"]
                .as_f64()
                .unwrap()
                > 0.0
        );
        assert!(outcome.figures["per_send_ns"]["cluster_remote_tcp"].is_null());
        assert!(outcome.figures["one_by_one_30k_ns"]["cluster_remote_tcp"].is_null());
        assert_eq!(outcome.checks.len(), 1);
    }
}
