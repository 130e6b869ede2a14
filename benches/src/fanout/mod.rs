//! Scenario `fanout` (chapter "Fanout"): one guild publishing to 30,000 member sessions.
//!
//! The blog's guild sent each event to each session, one `send/2` at a time: 0.9–2.1 s per publish
//! at 30,000 sessions. Manifold made the guild send once per node instead. This scenario measures
//! the naive strategy, Manifold, its two later options (pack once, offload) and Discord's later
//! relays on the same cluster (a guild node and four session nodes), then sweeps the member count
//! from 25 up, the blog's "groups of 25 to 30,000" story. Its BEAM side (`beam/run fanout`) runs
//! the naive guild and Manifold on real distributed Erlang nodes, beside them.

pub mod bars;
pub mod lab;
pub mod measure;
pub mod warmup;

use cluster::Transport;
use serde_json::{Map, Value, json};

use crate::common::beam::{self, Beam, BeamRun};
use crate::common::blog;
use crate::common::links::{self, Links};
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::common::report::markdown_table;
use crate::common::scenario::{Check, Outcome, Progress, Scenario};
use crate::common::stats::{mean, percentile};
use crate::fanout::measure::{Measured, Setup, measure_over};

use crate::common::units::{bytes_tick, count, group_digits, human_ns, tick_ns};
use fanout_kit::naive::Naive;
use solution_fanout::manifold::{Manifold, PackOnce};
use solution_fanout::offload::Offload;
use solution_fanout::relay::Relay;

/// Manifold's README: a send costs about 70 µs under load; packets between nodes halved.
const README_SEND_US: f64 = 70.0;
const README_PACKETS_AFTER: f64 = 0.5;

/// Member counts of the sweep, up to the `sweep_max` parameter.
const SWEEP: [usize; 7] = [25, 100, 1_000, 3_000, 10_000, 30_000, 100_000];

/// The `fanout` scenario.
pub struct FanoutScenario;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "members",
        "member sessions of the guild (the blog's had 30,000)",
        1,
        1_000_000,
        [3_000, 30_000, 100_000],
    ),
    ParamSpec::count(
        "session_nodes",
        "nodes the sessions run on (the guild has a node of its own)",
        1,
        16,
        [4, 4, 4],
    ),
    ParamSpec::count(
        "threads",
        "threads per node (Manifold runs one worker per thread)",
        1,
        16,
        [2, 2, 2],
    ),
    ParamSpec::count(
        "publishes",
        "timed publishes per strategy, one at a time",
        1,
        100_000,
        [20, 200, 200],
    ),
    ParamSpec::count(
        "sweep_max",
        "largest member count of the sweep (25, 100, 1,000, 3,000, 10,000, 30,000, 100,000)",
        25,
        1_000_000,
        [3_000, 30_000, 100_000],
    ),
    ParamSpec::count(
        "sweep_publishes",
        "timed publishes per strategy at each point of the sweep",
        1,
        10_000,
        [5, 20, 20],
    ),
    links::PARAM,
];

/// With `transport=both`, the second transport (TCP) runs only these strategies, at the headline
/// size only (no sweep), with at most [`SECOND_MAX_PUBLISHES`] publishes each way: the comparison
/// of the wires without doubling the run.
const SECOND_STRATEGIES: [&str; 3] = ["naive", "manifold", "relay"];
const SECOND_MAX_PUBLISHES: usize = 50;

/// A strategy: its key in the JSON, its name in the table, and how to measure it.
struct Strategy {
    key: &'static str,
    name: &'static str,
    measure: fn(Setup, Transport, usize) -> Result<Measured, String>,
}

// ANCHOR: strategies
const STRATEGIES: [Strategy; 5] = [
    Strategy {
        key: "naive",
        name: "naive: one send per member",
        measure: measure_over::<Naive>,
    },
    Strategy {
        key: "manifold",
        name: "Manifold",
        measure: measure_over::<Manifold>,
    },
    Strategy {
        key: "manifold_pack_once",
        name: "Manifold, pack once",
        measure: measure_over::<PackOnce>,
    },
    Strategy {
        key: "manifold_offload",
        name: "Manifold, offload",
        measure: measure_over::<Offload>,
    },
    Strategy {
        key: "relay",
        name: "relay (lists kept on the nodes)",
        measure: measure_over::<Relay>,
    },
];
// ANCHOR_END: strategies

/// One strategy's run at the headline size over one transport, and its sweep (empty for the
/// second transport of `transport=both`).
struct Run {
    strategy: &'static Strategy,
    transport: Transport,
    /// Its key in the JSON: the strategy's, with `_tcp` over TCP.
    key: String,
    /// Publishes each way at the headline size.
    publishes: usize,
    main: Measured,
    /// `(members, median ns in the guild, cross-node bytes per publish)`.
    sweep: Vec<(usize, f64, f64)>,
}

impl Scenario for FanoutScenario {
    fn name(&self) -> &'static str {
        "fanout"
    }

    fn title(&self) -> &'static str {
        "One guild publishing to its member sessions: one send per member, Manifold, and the relay"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 10,
            Scale::Default => 190,
            Scale::Full => 600,
        }
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "One guild publishing to {} sessions on {} nodes: one send per member, Manifold, and \
             the relay",
            group_digits(params.get("members")),
            params.get("session_nodes")
        )
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // One cluster at a time: its members (a task and a mailbox each, ~4 KiB generously), the
        // per-member counters, and the runtimes.
        let largest = params.get("members").max(params.get("sweep_max"));
        largest * 4096 + (256 << 20)
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let setup = Setup {
            members: params.count("members"),
            session_nodes: params.count("session_nodes"),
            threads: params.count("threads"),
        };
        let (publishes, sweep_publishes) =
            (params.count("publishes"), params.count("sweep_publishes"));
        let sweep: Vec<usize> = SWEEP
            .into_iter()
            .filter(|&n| n <= params.count("sweep_max"))
            .collect();
        // The first transport runs every strategy and the sweep; a second (TCP, with `both`) the
        // strategies of `SECOND_STRATEGIES` at the headline size, with fewer publishes.
        let mut plan = Vec::new();
        for (i, &transport) in params
            .choice::<Links>("transport")
            .transports()
            .iter()
            .enumerate()
        {
            for strategy in &STRATEGIES {
                if i == 0 {
                    plan.push((strategy, transport, publishes, sweep.as_slice()));
                } else if SECOND_STRATEGIES.contains(&strategy.key) {
                    let fewer = publishes.min(SECOND_MAX_PUBLISHES);
                    plan.push((strategy, transport, fewer, &[][..]));
                }
            }
        }
        let steps: usize = plan.iter().map(|(_, _, _, sweep)| 1 + sweep.len()).sum();
        progress.steps(steps as u64 + beam.steps());

        let mut runs = Vec::new();
        for (strategy, transport, publishes, sweep) in plan {
            let key = match transport {
                Transport::Memory => strategy.key.to_owned(),
                Transport::Tcp => format!("{}_tcp", strategy.key),
            };
            progress.step(&format!(
                "{key} to {} members",
                group_digits(setup.members as u64)
            ));
            let main = (strategy.measure)(setup, transport, publishes)
                .map_err(|e| format!("{key}: {e}"))?;
            check_invariants(&key, &main, setup.members, publishes)?;
            progress.done();
            let mut points = Vec::new();
            for &members in sweep {
                progress.step(&format!("{key} sweep, {members} members"));
                let at = Setup { members, ..setup };
                let measured = (strategy.measure)(at, transport, sweep_publishes)
                    .map_err(|e| format!("{key} at {members} members: {e}"))?;
                check_invariants(&key, &measured, members, sweep_publishes)?;
                // The median: a sweep point has few publishes, and one OS pause would own the mean.
                let median = percentile(&measured.in_guild_ns, 50.0);
                points.push((members, median, measured.cross_node_bytes));
                progress.done();
            }
            runs.push(Run {
                strategy,
                transport,
                key,
                publishes,
                main,
                sweep: points,
            });
        }

        let beam = run_beam(beam, setup, publishes, progress)?;
        let mut figures = figures(&runs);
        let mut checks = checks(&runs, setup.session_nodes);
        if let Some(beam) = &beam {
            add_beam_figures(&mut figures, beam);
            checks.extend(beam_checks(beam, setup.session_nodes));
        }
        let table = table(&runs, &checks, setup, publishes, beam.as_ref());
        let svg = plot(&runs, beam.as_ref())?;
        let blog = json!({
            "per_send_us": blog::PER_SEND_US,
            "publish_30k_s": blog::PUBLISH_S,
            "manifold_readme_send_us": README_SEND_US,
            "manifold_readme_packets_between_nodes_after": README_PACKETS_AFTER,
        });
        Ok(Outcome {
            figures,
            blog,
            table,
            svg,
            checks,
        })
    }
}

/// The BEAM's strategies, by key: its naive guild and its Manifold.
const BEAM_STRATEGIES: [&str; 2] = ["naive", "manifold"];
/// The figures each BEAM strategy must report.
const BEAM_FIGURES: [&str; 11] = [
    "guild_publish_p50_ns",
    "guild_publish_ns",
    "delivery_p50_ns",
    "delivery_p99_ns",
    "cross_node_messages",
    "cross_node_erlang_messages",
    "cross_node_bytes",
    "delivered",
    "expected_deliveries",
    "incomplete_members",
    "order_violations",
];
/// At most this many back-to-back publishes on the BEAM (its own default): one send per member
/// from one process costs the BEAM microseconds each, so the naive guild's 200 publishes to
/// 30,000 members would take minutes.
const BEAM_MAX_PUBLISHES: usize = 30;
/// At most this many publishes one at a time on the BEAM (its own default).
const BEAM_MAX_ISOLATED: usize = 5;

/// Runs the BEAM side on the same members and session nodes, and checks that it delivered every
/// event exactly once and in order (anything else fails the run, as for the Rust strategies).
fn run_beam(
    beam: &Beam,
    setup: Setup,
    publishes: usize,
    progress: &Progress,
) -> Result<Option<BeamRun>, String> {
    let required: Vec<String> = BEAM_STRATEGIES
        .iter()
        .flat_map(|key| BEAM_FIGURES.map(|figure| format!("strategies.{key}.{figure}")))
        .chain(["members".into(), "session_nodes".into()])
        .collect();
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    let flags = [
        ("members", setup.members as u64),
        ("peers", setup.session_nodes as u64),
        ("publishes", publishes.min(BEAM_MAX_PUBLISHES) as u64),
        ("isolated", publishes.min(BEAM_MAX_ISOLATED) as u64),
    ];
    let Some(run) = beam.run("fanout", &flags, &required, progress)? else {
        return Ok(None);
    };
    for key in BEAM_STRATEGIES {
        let figure = |name: &str| run.figure(&format!("strategies.{key}.{name}"));
        if figure("order_violations") > 0.0 {
            return Err(format!(
                "BEAM {key}: {} deliveries arrived twice, out of order or not at all before the next",
                figure("order_violations")
            ));
        }
        let (delivered, expected) = (figure("delivered"), figure("expected_deliveries"));
        if delivered != expected || figure("incomplete_members") > 0.0 {
            return Err(format!(
                "BEAM {key}: {delivered} deliveries instead of {expected}; {} members did not get every event",
                figure("incomplete_members")
            ));
        }
    }
    Ok(Some(run))
}

/// The BEAM's whole output under `beam`, and its two strategies beside the others, as
/// `beam_naive` and `beam_manifold`: messages between nodes counted as Erlang messages (the
/// connection's writes, where OTP cuts a message over 64 KiB into fragments, kept as
/// `cross_node_fragments`).
fn add_beam_figures(figures: &mut Map<String, Value>, beam: &BeamRun) {
    let json = beam.json();
    for key in BEAM_STRATEGIES {
        let mut strategy = json["strategies"][key].clone();
        if let Some(s) = strategy.as_object_mut() {
            let erlang = s
                .remove("cross_node_erlang_messages")
                .unwrap_or(Value::Null);
            let writes = s.insert("cross_node_messages".into(), erlang);
            s.insert("cross_node_fragments".into(), writes.unwrap_or(Value::Null));
        }
        if let Some(strategies) = figures.get_mut("strategies").and_then(Value::as_object_mut) {
            strategies.insert(format!("beam_{key}"), strategy);
        }
    }
    let median = |key: &str| beam.figure(&format!("strategies.{key}.guild_publish_p50_ns"));
    if let Some(ratios) = figures.get_mut("ratios").and_then(Value::as_object_mut) {
        ratios.insert(
            "beam_guild_publish_median".into(),
            json!(median("naive") / median("manifold")),
        );
    }
    figures.insert("beam".into(), json.clone());
}

/// The BEAM side's bars ([`bars`]): the blog's claim on the BEAM itself.
fn beam_checks(beam: &BeamRun, session_nodes: usize) -> Vec<Check> {
    let figure = |key: &str, name: &str| beam.figure(&format!("strategies.{key}.{name}"));
    let median = |key: &str| figure(key, "guild_publish_p50_ns");
    let messages = figure("manifold", "cross_node_erlang_messages");
    vec![
        Check::ratio_at_least(
            "BEAM here, guild-side publish, median: naive ÷ manifold",
            median("naive") / median("manifold"),
            bars::BEAM_NAIVE_OVER_MANIFOLD,
        ),
        Check::that(
            format!(
                "BEAM here, manifold: Erlang messages between nodes per publish = session nodes ({session_nodes})"
            ),
            format!("{messages:.1}"),
            messages == session_nodes as f64,
        ),
        Check::that(
            "BEAM here: every member got every event, exactly once and in order",
            format!(
                "{} + {} deliveries, 0 violations",
                count(figure("naive", "delivered")),
                count(figure("manifold", "delivered"))
            ),
            true, // anything else ended the run with an error
        ),
    ]
}

/// Exactly once and in order, or the run is broken.
fn check_invariants(
    key: &str,
    measured: &Measured,
    members: usize,
    publishes: usize,
) -> Result<(), String> {
    if measured.order_violations > 0 {
        return Err(format!(
            "{}: {} deliveries arrived twice or out of order",
            key, measured.order_violations
        ));
    }
    // `measure` publishes `publishes` events one at a time, then as many back to back.
    let expected = (2 * members * publishes) as u64;
    if measured.delivered != expected {
        return Err(format!(
            "{}: {} deliveries instead of {expected} (2 × {publishes} publishes to {members} members)",
            key, measured.delivered
        ));
    }
    Ok(())
}

/// The run whose key is `key` (`manifold`, `manifold_tcp`…), if it ran.
fn find<'a>(runs: &'a [Run], key: &str) -> Option<&'a Measured> {
    runs.iter().find(|run| run.key == key).map(|run| &run.main)
}

/// The suffix of a transport's keys: none in memory, `_tcp` over TCP.
fn suffix(transport: Transport) -> &'static str {
    match transport {
        Transport::Memory => "",
        Transport::Tcp => "_tcp",
    }
}

/// The transports that ran, in run order.
fn transports_run(runs: &[Run]) -> Vec<Transport> {
    let mut seen = Vec::new();
    for run in runs {
        if !seen.contains(&run.transport) {
            seen.push(run.transport);
        }
    }
    seen
}

/// One figure of a run, for a ratio.
type Figure = fn(&Measured) -> f64;

fn figures(runs: &[Run]) -> Map<String, Value> {
    let strategies: Map<String, Value> = runs
        .iter()
        .map(|run| {
            let m = &run.main;
            let figures = json!({
                "guild_publish_ns": m.in_guild_mean(),
                "guild_publish_p50_ns": percentile(&m.in_guild_ns, 50.0),
                "guild_publish_cpu_ns": m.in_guild_cpu_mean(),
                "guild_publish_isolated_ns": mean(&m.isolated_in_guild_ns),
                "delivery_p50_ns": percentile(&m.delivered_ns, 50.0),
                "delivery_p99_ns": percentile(&m.delivered_ns, 99.0),
                "cross_node_messages": m.cross_node_messages,
                "cross_node_bytes": m.cross_node_bytes,
                "first_publish_cross_node_bytes": m.first_publish_bytes,
                "delivered": m.delivered,
                "order_violations": m.order_violations,
            });
            (run.key.clone(), figures)
        })
        .collect();
    let publish = |m: &Measured| m.in_guild_mean();
    let median = |m: &Measured| percentile(&m.in_guild_ns, 50.0);
    let cpu = |m: &Measured| m.in_guild_cpu_mean();
    let bytes = |m: &Measured| m.cross_node_bytes;
    let delivery = |m: &Measured| percentile(&m.delivered_ns, 50.0);
    // Naive ÷ each strategy, per transport (`guild_publish` in memory, `guild_publish_tcp` over
    // TCP), for the strategies that ran.
    let over: [(&str, &str, Figure); 13] = [
        ("guild_publish", "manifold", publish),
        ("guild_publish_pack_once", "manifold_pack_once", publish),
        ("guild_publish_offload", "manifold_offload", publish),
        ("guild_publish_relay", "relay", publish),
        ("guild_publish_median", "manifold", median),
        ("guild_publish_offload_median", "manifold_offload", median),
        ("guild_publish_relay_median", "relay", median),
        ("guild_publish_cpu", "manifold", cpu),
        ("guild_publish_cpu_offload", "manifold_offload", cpu),
        ("guild_publish_cpu_relay", "relay", cpu),
        ("cross_node_bytes_manifold", "manifold", bytes),
        ("cross_node_bytes_relay", "relay", bytes),
        ("delivery_p50_naive_over_manifold", "manifold", delivery),
    ];
    let mut ratios = Map::new();
    for transport in transports_run(runs) {
        let sfx = suffix(transport);
        let Some(naive) = find(runs, &format!("naive{sfx}")) else {
            continue;
        };
        for (name, key, f) in over {
            if let Some(other) = find(runs, &format!("{key}{sfx}")) {
                ratios.insert(format!("{name}{sfx}"), json!(f(naive) / f(other)));
            }
        }
        ratios.insert(
            format!("blog_publish_low_over_naive{sfx}"),
            json!(blog::PUBLISH_S[0] * 1e9 / publish(naive)),
        );
    }
    let sweep: Map<String, Value> = runs
        .iter()
        .filter(|run| !run.sweep.is_empty())
        .map(|run| {
            let points: Vec<Value> = run
                .sweep
                .iter()
                .map(|&(members, ns, bytes)| json!({"members": members, "guild_publish_p50_ns": ns, "cross_node_bytes": bytes}))
                .collect();
            (run.key.clone(), Value::Array(points))
        })
        .collect();
    let mut figures = Map::new();
    figures.insert("strategies".into(), Value::Object(strategies));
    figures.insert("ratios".into(), Value::Object(ratios));
    figures.insert("sweep".into(), Value::Object(sweep));
    figures
}

// ANCHOR: checks
/// The scenario's bars ([`bars`]), checked on this run, over each transport that ran (keys
/// `manifold`, `manifold_tcp`…; a bar whose strategies did not run is left out). Publish times
/// are compared on the median of the back-to-back publishes: with five nodes on two cores the OS
/// pauses the guild's thread now and then for milliseconds, and a mean of microsecond publishes is
/// decided by whether one such pause fell among them. The means and the thread's CPU time are
/// reported beside the medians.
fn checks(runs: &[Run], session_nodes: usize) -> Vec<Check> {
    let mut checks = Vec::new();
    for transport in transports_run(runs) {
        let sfx = suffix(transport);
        let Some(naive) = find(runs, &format!("naive{sfx}")) else {
            continue;
        };
        let get =
            |key: &str| find(runs, &format!("{key}{sfx}")).map(|m| (format!("{key}{sfx}"), m));
        let median = |m: &Measured| percentile(&m.in_guild_ns, 50.0);
        let p50 = |m: &Measured| percentile(&m.delivered_ns, 50.0);
        let over_manifold = match transport {
            Transport::Memory => bars::NAIVE_OVER_MANIFOLD,
            Transport::Tcp => bars::NAIVE_OVER_MANIFOLD_TCP,
        };
        for (key, bar) in [
            ("manifold", over_manifold),
            ("manifold_offload", bars::NAIVE_OVER_OFFLOAD),
            ("relay", bars::NAIVE_OVER_RELAY),
        ] {
            if let Some((key, m)) = get(key) {
                checks.push(Check::ratio_at_least(
                    format!("guild-side publish, median: naive{sfx} ÷ {key}"),
                    median(naive) / median(m),
                    bar,
                ));
            }
        }
        for key in ["manifold", "relay"] {
            if let Some((key, m)) = get(key) {
                let sent = m.cross_node_messages;
                checks.push(Check::that(
                    format!(
                        "{key}: messages between nodes per publish = session nodes ({session_nodes})"
                    ),
                    format!("{sent:.1}"),
                    sent == session_nodes as f64,
                ));
            }
        }
        for (key, bar) in [
            ("manifold", bars::BYTES_NAIVE_OVER_MANIFOLD),
            ("relay", bars::BYTES_NAIVE_OVER_RELAY),
        ] {
            if let Some((key, m)) = get(key) {
                checks.push(Check::ratio_at_least(
                    format!("bytes between nodes: naive{sfx} ÷ {key}"),
                    naive.cross_node_bytes / m.cross_node_bytes,
                    bar,
                ));
            }
        }
        if let Some((key, manifold)) = get("manifold") {
            checks.push(Check::that(
                format!("delivery p50: {key} no worse than naive{sfx}"),
                format!("{} vs {}", human_ns(p50(manifold)), human_ns(p50(naive))),
                p50(manifold) <= p50(naive),
            ));
        }
        let over = match transport {
            Transport::Memory => "",
            Transport::Tcp => " over TCP",
        };
        checks.push(Check::that(
            format!("exactly once and in order, every strategy{over}"),
            "0 violations",
            true, // anything else ended the run with an error
        ));
    }
    checks
}
// ANCHOR_END: checks

fn bytes_text(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.1} kB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
    }
}

fn table(
    runs: &[Run],
    checks: &[Check],
    setup: Setup,
    publishes: usize,
    beam: Option<&BeamRun>,
) -> String {
    let blog = |key: &str| match key {
        "naive" => format!(
            "{}–{} s in the guild at 30,000 sessions ({}–{} µs per send)",
            blog::PUBLISH_S[0],
            blog::PUBLISH_S[1],
            blog::PER_SEND_US[0],
            blog::PER_SEND_US[1]
        ),
        "manifold" => "packets between nodes halved (Manifold's README)".to_owned(),
        _ => "—".to_owned(),
    };
    // The BEAM's guild time and traffic beside the strategy it ran.
    let beam_cell = |key: &str| -> Option<String> {
        let beam = beam?;
        if !BEAM_STRATEGIES.contains(&key) {
            return None;
        }
        let figure = |name: &str| beam.figure(&format!("strategies.{key}.{name}"));
        Some(format!(
            "{} ({}) in the guild; {:.0} messages, {} between nodes",
            human_ns(figure("guild_publish_ns")),
            human_ns(figure("guild_publish_p50_ns")),
            figure("cross_node_erlang_messages"),
            bytes_text(figure("cross_node_bytes"))
        ))
    };
    // Distributed Erlang crosses loopback TCP: its cell stands beside the strategy over either
    // transport.
    let beam_cells = runs.iter().map(|run| beam_cell(run.strategy.key)).collect();
    let mut rows: Vec<Vec<String>> = runs
        .iter()
        .map(|run| {
            let m = &run.main;
            let name = match run.transport {
                Transport::Memory => run.strategy.name.to_owned(),
                Transport::Tcp => format!("{}, over loopback TCP", run.strategy.name),
            };
            vec![
                name,
                format!(
                    "{} ({})",
                    human_ns(m.in_guild_mean()),
                    human_ns(percentile(&m.in_guild_ns, 50.0))
                ),
                human_ns(m.in_guild_cpu_mean()),
                human_ns(mean(&m.isolated_in_guild_ns)),
                format!(
                    "{} / {}",
                    human_ns(percentile(&m.delivered_ns, 50.0)),
                    human_ns(percentile(&m.delivered_ns, 99.0))
                ),
                format!("{:.0}", m.cross_node_messages),
                bytes_text(m.cross_node_bytes),
                format!("{}", m.order_violations),
                blog(&run.key),
            ]
        })
        .collect();
    let mut header: Vec<String> = [
        "strategy",
        "in the guild: mean (median)",
        "guild thread CPU time: mean",
        "in the guild, one publish at a time: mean",
        "until the last member has it: p50 / p99",
        "messages between nodes",
        "bytes between nodes",
        "order violations",
        "BEAM, from the blog",
    ]
    .map(str::to_owned)
    .into();
    beam::add_column(beam, &mut header, &mut rows, 8, beam_cells);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = format!(
        "{} members on {} session nodes ({} threads each), {}-byte events; figures per publish. \
         Each strategy publishes {publishes} events one at a time (delivery times, traffic), then \
         {publishes} back to back, as a guild busy at peak (time in the guild).\n\n",
        group_digits(setup.members as u64),
        setup.session_nodes,
        setup.threads,
        fanout_kit::EVENT_BODY_BYTES
    );
    out += &transport_note(runs, publishes);
    out += &markdown_table(&header, &rows);
    if let Some(beam) = beam {
        let json = beam.json();
        out += &format!(
            "\n*BEAM here: `beam/run fanout`, the same {} members on {} peer nodes (each its own OS \
             process, distributed Erlang over loopback), {} publishes back to back; messages \
             counted as Erlang messages (the connection's writes: {}).*\n",
            count(beam.figure("members")),
            beam.figure("session_nodes"),
            json["publishes"],
            BEAM_STRATEGIES
                .map(|key| format!(
                    "{key} {:.0}",
                    beam.figure(&format!("strategies.{key}.cross_node_messages"))
                ))
                .join(", ")
        );
    }
    if let Some(relay) = runs.iter().find(|run| run.strategy.key == "relay") {
        out += &format!(
            "\nThe relay's one-time registration (its first publish) sent {} between nodes.\n",
            bytes_text(relay.main.first_publish_bytes as f64)
        );
    }
    out += "\n";
    let bars: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            vec![
                c.bar.clone(),
                c.measured.clone(),
                if c.passed { "reached" } else { "MISSED" }.to_owned(),
            ]
        })
        .collect();
    out += &markdown_table(&["the bar", "this run", ""], &bars);
    out
}

/// Which wire the rows ran over, and the TCP rows' fewer publishes if they had fewer.
fn transport_note(runs: &[Run], publishes: usize) -> String {
    let tcp: Vec<&Run> = runs
        .iter()
        .filter(|run| run.transport == Transport::Tcp)
        .collect();
    let Some(first) = tcp.first() else {
        return "Links between nodes in memory (`--set transport=tcp` or `both` adds loopback TCP).\n\n"
            .into();
    };
    if tcp.len() == runs.len() {
        return "Links between nodes over loopback TCP, one connection per pair of nodes.\n\n"
            .into();
    }
    let fewer = if first.publishes < publishes {
        format!(
            ", with {} publishes one at a time and {} back to back instead of {publishes}, and no sweep",
            first.publishes, first.publishes
        )
    } else {
        ", without the sweep".to_owned()
    };
    let names: Vec<&str> = tcp.iter().map(|run| run.strategy.key).collect();
    format!(
        "The rows without a wire named have their links between nodes in memory; {} run again on \
         the same cluster with every pair of nodes joined by a loopback TCP connection, as \
         distributed Erlang joins them{fewer}: same frames, same counts, plus the syscalls and \
         kernel copies of a real wire.\n\n",
        names.join(", ")
    )
}

/// The BEAM's medians in the guild at its member count, one marked point per strategy it ran,
/// named as the table names the strategy.
fn beam_points(beam: Option<&BeamRun>) -> Vec<Series> {
    let Some(beam) = beam else { return Vec::new() };
    let members = beam.figure("members");
    BEAM_STRATEGIES
        .iter()
        .filter_map(|key| {
            let median = beam.figure(&format!("strategies.{key}.guild_publish_p50_ns"));
            let name = STRATEGIES.iter().find(|s| s.key == *key)?.name;
            (median > 0.0 && members > 0.0).then(|| {
                Series::points(
                    format!("{}: {name}", beam.column()),
                    vec![(members, median)],
                )
            })
        })
        .collect()
}

fn plot(runs: &[Run], beam: Option<&BeamRun>) -> Result<String, String> {
    let line = |run: &Run, pick: fn(&(usize, f64, f64)) -> f64| {
        Series::line(
            run.strategy.name,
            run.sweep.iter().map(|p| (p.0 as f64, pick(p))).collect(),
        )
    };
    // The sweep ran over the first transport only.
    let runs: Vec<&Run> = runs.iter().filter(|run| !run.sweep.is_empty()).collect();
    let mut times: Vec<Series> = runs.iter().map(|run| line(run, |p| p.1)).collect();
    let members: Vec<f64> = runs
        .first()
        .map(|run| run.sweep.iter().map(|p| p.0 as f64).collect())
        .unwrap_or_default();
    times.push(Series::line(
        format!("BEAM, from the blog ({} µs per send)", blog::PER_SEND_US[0]),
        members
            .iter()
            .map(|&n| (n, n * blog::PER_SEND_US[0] * 1e3))
            .collect(),
    ));
    times.extend(beam_points(beam));
    let bytes: Vec<Series> = runs.iter().map(|run| line(run, |p| p.2)).collect();
    let x = Axis::log("members (log scale)", count);
    line_charts(&[
        LineChart {
            title: "Time in the guild per publish".into(),
            x,
            y: Axis::log("time in the guild, median (log scale)", tick_ns),
            series: times,
            band: None,
        },
        LineChart {
            title: "Bytes between nodes per publish".into(),
            x,
            y: Axis::log("bytes (log scale)", bytes_tick),
            series: bytes,
            band: None,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::params::overrides;

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let params = Params::resolve(
            PARAMS,
            crate::common::params::Scale::Quick,
            &overrides(&[
                ("members", "200"),
                ("publishes", "3"),
                ("sweep_max", "100"),
                ("sweep_publishes", "2"),
            ]),
        )
        .unwrap();
        let outcome = FanoutScenario
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap();
        for key in [
            "naive",
            "manifold",
            "manifold_pack_once",
            "manifold_offload",
            "relay",
            "naive_tcp",
            "manifold_tcp",
            "relay_tcp",
        ] {
            let s = &outcome.figures["strategies"][key];
            for figure in [
                "guild_publish_ns",
                "delivery_p50_ns",
                "delivery_p99_ns",
                "cross_node_messages",
                "cross_node_bytes",
            ] {
                assert!(s[figure].as_f64().unwrap() > 0.0, "{key}.{figure}");
            }
            // 3 publishes one at a time and 3 back to back, to 200 members.
            assert_eq!(s["delivered"], json!(1200), "{key}");
            assert_eq!(s["order_violations"], json!(0), "{key}");
        }
        for key in ["manifold", "manifold_tcp"] {
            assert_eq!(
                outcome.figures["strategies"][key]["cross_node_messages"],
                json!(4.0)
            );
        }
        assert!(outcome.figures["ratios"]["guild_publish"].as_f64().unwrap() > 0.0);
        assert!(
            outcome.figures["ratios"]["guild_publish_median_tcp"]
                .as_f64()
                .unwrap()
                > 0.0
        );
        assert!(outcome.figures["sweep"]["naive_tcp"].is_null(), "one sweep");
        assert!(outcome.table.contains("Manifold, over loopback TCP"));
        assert!(outcome.table.contains("the bar"));
        assert!(outcome.svg.starts_with("<svg"));
    }

    #[test]
    fn transport_tcp_runs_every_strategy_over_tcp_alone() {
        let params = Params::resolve(
            PARAMS,
            crate::common::params::Scale::Quick,
            &overrides(&[
                ("members", "100"),
                ("publishes", "2"),
                ("sweep_max", "25"),
                ("sweep_publishes", "1"),
                ("transport", "tcp"),
            ]),
        )
        .unwrap();
        let outcome = FanoutScenario
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap();
        let strategies = outcome.figures["strategies"].as_object().unwrap();
        let keys: Vec<&str> = strategies.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "manifold_offload_tcp",
                "manifold_pack_once_tcp",
                "manifold_tcp",
                "naive_tcp",
                "relay_tcp"
            ]
        );
        assert!(outcome.figures["sweep"]["manifold_tcp"].is_array());
        assert!(outcome.figures["ratios"]["guild_publish"].is_null());
        assert!(
            outcome
                .checks
                .iter()
                .any(|c| c.bar.contains("naive_tcp ÷ manifold_tcp"))
        );
    }
}
