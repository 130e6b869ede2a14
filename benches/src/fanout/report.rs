//! What the `fanout` scenario writes: its figures (the JSON the book, CI and the reconnect model
//! read), its table (each strategy beside the blog's figures and the BEAM's) and its plot (the
//! member-count sweep).
//!
//! Why the figures and the words are built apart from the measuring: a results key is a promise
//! to the book and to CI, so every key is written here, once, from the measured [`Run`]s; the
//! table says in words what those same numbers mean, and names where each comes from (this run,
//! the BEAM here, or the blog).

use cluster::Transport;
use serde_json::{Map, Value, json};

use crate::common::beam::{self as beam_column, BeamRun};
use crate::common::blog;
use crate::common::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::common::report::captioned_table;
use crate::common::scenario::Check;
use crate::common::stats::mean;
use crate::common::units::{bytes_text, bytes_tick, count, group_digits, human_ns, tick_ns};
use crate::fanout::beam;
use crate::fanout::measure::rigs::{Measured, Setup};
use crate::fanout::measure::{Run, Strategy, SweepPoint, find, suffix, transports_run};

/// Manifold's README: a send costs about 70 µs under load; packets between nodes halved.
const README_SEND_US: f64 = 70.0;
const README_PACKETS_AFTER: f64 = 0.5;

/// The blog's figures, and Manifold's README's, as the results record them.
pub fn blog() -> Value {
    json!({
        "per_send_us": blog::PER_SEND_US,
        "publish_30k_s": blog::PUBLISH_S,
        "manifold_readme_send_us": README_SEND_US,
        "manifold_readme_packets_between_nodes_after": README_PACKETS_AFTER,
    })
}

/// One figure of a run, for a ratio.
type Figure = fn(&Measured) -> f64;

/// Naive ÷ each strategy, per transport (`guild_publish` in memory, `guild_publish_tcp` over
/// TCP), for the strategies that ran: the ratio's name, the strategy, the figure.
const RATIOS: [(&str, Strategy, Figure); 13] = [
    ("guild_publish", Strategy::Manifold, Measured::in_guild_mean),
    (
        "guild_publish_pack_once",
        Strategy::PackOnce,
        Measured::in_guild_mean,
    ),
    (
        "guild_publish_offload",
        Strategy::Offload,
        Measured::in_guild_mean,
    ),
    (
        "guild_publish_relay",
        Strategy::Relay,
        Measured::in_guild_mean,
    ),
    (
        "guild_publish_median",
        Strategy::Manifold,
        Measured::in_guild_median,
    ),
    (
        "guild_publish_offload_median",
        Strategy::Offload,
        Measured::in_guild_median,
    ),
    (
        "guild_publish_relay_median",
        Strategy::Relay,
        Measured::in_guild_median,
    ),
    (
        "guild_publish_cpu",
        Strategy::Manifold,
        Measured::in_guild_cpu_mean,
    ),
    (
        "guild_publish_cpu_offload",
        Strategy::Offload,
        Measured::in_guild_cpu_mean,
    ),
    (
        "guild_publish_cpu_relay",
        Strategy::Relay,
        Measured::in_guild_cpu_mean,
    ),
    ("cross_node_bytes_manifold", Strategy::Manifold, |m| {
        m.cross_node_bytes
    }),
    ("cross_node_bytes_relay", Strategy::Relay, |m| {
        m.cross_node_bytes
    }),
    (
        "delivery_p50_naive_over_manifold",
        Strategy::Manifold,
        |m| m.delivery(50.0),
    ),
];

/// The figures of every run (`strategies.<key>`), the ratios of naive to the others per
/// transport (`ratios`), and the sweep (`sweep.<key>`, the first transport only).
pub fn figures(runs: &[Run]) -> Map<String, Value> {
    let strategies: Map<String, Value> = runs
        .iter()
        .map(|run| (run.key(), strategy_figures(&run.main)))
        .collect();
    let mut ratios = Map::new();
    for transport in transports_run(runs) {
        let sfx = suffix(transport);
        let Some(naive) = find(runs, Strategy::Naive, transport) else {
            continue;
        };
        for (name, strategy, f) in RATIOS {
            if let Some(other) = find(runs, strategy, transport) {
                ratios.insert(format!("{name}{sfx}"), json!(f(naive) / f(other)));
            }
        }
        ratios.insert(
            format!("blog_publish_low_over_naive{sfx}"),
            json!(blog::PUBLISH_S[0] * 1e9 / naive.in_guild_mean()),
        );
    }
    let sweep: Map<String, Value> = runs
        .iter()
        .filter(|run| !run.sweep.is_empty())
        .map(|run| {
            let points = run.sweep.iter().map(|p| {
                json!({
                    "members": p.members,
                    "guild_publish_p50_ns": p.guild_publish_p50_ns,
                    "cross_node_bytes": p.cross_node_bytes,
                })
            });
            (run.key(), Value::Array(points.collect()))
        })
        .collect();
    let mut figures = Map::new();
    figures.insert("strategies".into(), Value::Object(strategies));
    figures.insert("ratios".into(), Value::Object(ratios));
    figures.insert("sweep".into(), Value::Object(sweep));
    figures
}

/// One run's figures, under `strategies.<key>`.
fn strategy_figures(m: &Measured) -> Value {
    json!({
        "guild_publish_ns": m.in_guild_mean(),
        "guild_publish_p50_ns": m.in_guild_median(),
        "guild_publish_cpu_ns": m.in_guild_cpu_mean(),
        "guild_publish_isolated_ns": mean(&m.isolated_in_guild_ns),
        "delivery_p50_ns": m.delivery(50.0),
        "delivery_p99_ns": m.delivery(99.0),
        "delivery_back_to_back_p50_ns": m.delivery_back_to_back(50.0),
        "delivery_back_to_back_p99_ns": m.delivery_back_to_back(99.0),
        "cross_node_messages": m.cross_node_messages,
        "cross_node_bytes": m.cross_node_bytes,
        "first_publish_cross_node_bytes": m.first_publish_bytes,
        "delivered": m.delivered,
        "order_violations": m.order_violations,
    })
}

/// The chapter's table: what ran, one row per run (the BEAM's column beside the strategies it
/// ran), the BEAM's and the relay's notes, then the bars.
pub fn table(
    runs: &[Run],
    checks: &[Check],
    setup: Setup,
    publishes: usize,
    beam: Option<&BeamRun>,
) -> String {
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
    out += &strategy_table(runs);
    out += "\n";
    out += &comparison_table(runs, beam);
    if let Some(beam) = beam {
        out += &beam::note(beam);
    }
    out += &delivery_table(runs, beam);
    if let Some(relay) = runs.iter().find(|run| run.strategy == Strategy::Relay) {
        out += &format!(
            "\nThe relay's one-time registration (its first publish) sent {} between nodes.\n",
            bytes_text(relay.main.first_publish_bytes as f64)
        );
    }
    out += "\n";
    out += &bars_table(checks);
    out
}

/// The publish's cost, one row per run: the guild's time and CPU, and the traffic between nodes.
fn strategy_table(runs: &[Run]) -> String {
    let rows: Vec<Vec<String>> = runs.iter().map(cost_row).collect();
    let header = [
        "strategy",
        "in the guild: mean (median)",
        "guild thread CPU time: mean",
        "in the guild, one publish at a time: mean",
        "messages between nodes",
        "bytes between nodes",
    ];
    captioned_table(
        "what one publish costs the guild, and the traffic it sends between nodes.",
        &header,
        &rows,
    )
}

/// Delivery and order, one row per run, beside the BEAM's and the blog's figures.
fn comparison_table(runs: &[Run], beam: Option<&BeamRun>) -> String {
    let mut rows: Vec<Vec<String>> = runs.iter().map(delivery_row).collect();
    let mut header: Vec<String> = [
        "strategy",
        "until the last member has it: p50 / p99",
        "order violations",
        "BEAM, from the blog",
    ]
    .map(str::to_owned)
    .into();
    let cells = runs.iter().map(|run| beam::cell(beam, run.strategy));
    beam_column::add_column(beam, &mut header, &mut rows, 3, cells.collect());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    captioned_table(
        "when the last member has the event, whether each got every event in order, and the \
         BEAM's figures beside them.",
        &header,
        &rows,
    )
}

/// A run's name in the tables: its strategy's, and its wire when not in memory.
fn run_name(run: &Run) -> String {
    match run.transport {
        Transport::Memory => run.strategy.label().to_owned(),
        Transport::Tcp => format!("{}, over loopback TCP", run.strategy.label()),
    }
}

/// The second table: each publish's delivery both ways, every run and the BEAM's strategies
/// measured alike, beside the guild's time; a caption line above it.
fn delivery_table(runs: &[Run], beam: Option<&BeamRun>) -> String {
    let pair = |p50: f64, p99: f64| format!("{} / {}", human_ns(p50), human_ns(p99));
    let mut rows: Vec<Vec<String>> = runs
        .iter()
        .map(|run| {
            let m = &run.main;
            vec![
                run_name(run),
                pair(m.delivery(50.0), m.delivery(99.0)),
                pair(m.delivery_back_to_back(50.0), m.delivery_back_to_back(99.0)),
                human_ns(m.in_guild_median()),
                format!("{}", run.publishes),
            ]
        })
        .collect();
    let beam_publishes = beam.map_or(0.0, |b| b.figure("isolated_publishes"));
    rows.extend(beam::delivery_rows(beam, |f| {
        vec![
            pair(f("delivery_p50_ns"), f("delivery_p99_ns")),
            pair(
                f("delivery_back_to_back_p50_ns"),
                f("delivery_back_to_back_p99_ns"),
            ),
            human_ns(f("guild_publish_p50_ns")),
            format!("{beam_publishes:.0}"),
        ]
    }));
    let header = [
        "strategy",
        "one at a time: p50 / p99",
        "back to back: p50 / p99",
        "in the guild, back to back: median",
        "publishes each way",
    ];
    let caption = "delivery, per publish, from its start until the last member has the event: \
                   one publish at a time (each after the previous reached every member), then back \
                   to back (each among the others still in flight, its backlog included), measured \
                   the same way on both sides (the BEAM's last member stamps its own receive, as \
                   the Rust's does).";
    format!(
        "\n{}{}",
        captioned_table(caption, &header, &rows),
        beam.map_or(String::new(), beam::back_to_back_note)
    )
}

fn cost_row(run: &Run) -> Vec<String> {
    let m = &run.main;
    vec![
        run_name(run),
        format!(
            "{} ({})",
            human_ns(m.in_guild_mean()),
            human_ns(m.in_guild_median())
        ),
        human_ns(m.in_guild_cpu_mean()),
        human_ns(mean(&m.isolated_in_guild_ns)),
        format!("{:.0}", m.cross_node_messages),
        bytes_text(m.cross_node_bytes),
    ]
}

fn delivery_row(run: &Run) -> Vec<String> {
    let m = &run.main;
    vec![
        run_name(run),
        format!(
            "{} / {}",
            human_ns(m.delivery(50.0)),
            human_ns(m.delivery(99.0))
        ),
        format!("{}", m.order_violations),
        blog_cell(run),
    ]
}

/// What the blog (or Manifold's README) says beside a row: the in-memory naive and Manifold rows.
fn blog_cell(run: &Run) -> String {
    match (run.strategy, run.transport) {
        (Strategy::Naive, Transport::Memory) => format!(
            "{}–{} s in the guild at {} sessions ({}–{} µs per send)",
            blog::PUBLISH_S[0],
            blog::PUBLISH_S[1],
            group_digits(blog::LARGE_GUILD_MEMBERS),
            blog::PER_SEND_US[0],
            blog::PER_SEND_US[1]
        ),
        (Strategy::Manifold, Transport::Memory) => {
            "packets between nodes halved (Manifold's README)".to_owned()
        }
        _ => "—".to_owned(),
    }
}

/// The bars, reached or missed on this run.
fn bars_table(checks: &[Check]) -> String {
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
    captioned_table(
        "the scenario's bars, reached or missed on this run.",
        &["the bar", "this run", ""],
        &bars,
    )
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
    let names: Vec<&str> = tcp.iter().map(|run| run.strategy.facts().key).collect();
    format!(
        "The rows without a wire named have their links between nodes in memory; {} run again on \
         the same cluster with every pair of nodes joined by a loopback TCP connection, as \
         distributed Erlang joins them{fewer}: same frames, same counts, plus the syscalls and \
         kernel copies of a real wire.\n\n",
        names.join(", ")
    )
}

/// The sweep's two charts: time in the guild (with the blog's per-send line and the BEAM's
/// points) and bytes between nodes, by member count.
pub fn plot(runs: &[Run], beam: Option<&BeamRun>) -> Result<String, String> {
    let line = |run: &Run, pick: fn(&SweepPoint) -> f64| {
        Series::line(
            run.strategy.label(),
            run.sweep
                .iter()
                .map(|p| (p.members as f64, pick(p)))
                .collect(),
        )
    };
    // The sweep ran over the first transport only.
    let runs: Vec<&Run> = runs.iter().filter(|run| !run.sweep.is_empty()).collect();
    let mut times: Vec<Series> = runs
        .iter()
        .map(|run| line(run, |p| p.guild_publish_p50_ns))
        .collect();
    let members: Vec<f64> = runs
        .first()
        .map(|run| run.sweep.iter().map(|p| p.members as f64).collect())
        .unwrap_or_default();
    times.push(Series::line(
        format!("BEAM, from the blog ({} µs per send)", blog::PER_SEND_US[0]),
        members
            .iter()
            .map(|&n| (n, n * blog::PER_SEND_US[0] * 1e3))
            .collect(),
    ));
    times.extend(beam::points(beam));
    let bytes: Vec<Series> = runs
        .iter()
        .map(|run| line(run, |p| p.cross_node_bytes))
        .collect();
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
