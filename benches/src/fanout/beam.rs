//! The BEAM side of `fanout`: `beam/run fanout` runs the naive guild and Manifold on real
//! distributed Erlang nodes (each peer its own OS process, over loopback), on the same members and
//! session nodes as the Rust run.
//!
//! Why it is here: the blog's claim (one send per member is what made a large guild's publish
//! take a second or two, [`PUBLISH_S`](crate::common::blog::PUBLISH_S); one message per node is
//! what fixed it) is about the BEAM. Measuring the BEAM beside our
//! miniature tells the reader which of our figures carry over and which are Rust's own. This file
//! is the adapter: the flags and figure names of that run, its invariants (exactly once, in
//! order, Manifold once per node: anything else fails the run, as for the Rust strategies), its
//! figures in the results, its column and plot points, and its bar.

use serde_json::{Map, Value, json};

use crate::common::beam::{Beam, BeamRun};
use crate::common::plot_lines::Series;
use crate::common::scenario::{Check, Progress};
use crate::common::units::{bytes_text, count, human_ns};
use crate::fanout::bars;
use crate::fanout::measure::Strategy;
use crate::fanout::measure::rigs::Setup;

/// The figures each BEAM strategy must report.
const FIGURES: [&str; 13] = [
    "guild_publish_p50_ns",
    "guild_publish_ns",
    "delivery_p50_ns",
    "delivery_p99_ns",
    "delivery_back_to_back_p50_ns",
    "delivery_back_to_back_p99_ns",
    "cross_node_messages",
    "cross_node_erlang_messages",
    "cross_node_bytes",
    "delivered",
    "expected_deliveries",
    "incomplete_members",
    "order_violations",
];

/// At most this many publishes each way on the BEAM, back to back and one at a time (its own
/// default): one send per member from one process costs the BEAM microseconds each, so the naive
/// guild's 200 publishes to 30,000 members would take minutes. Up to it, as many as the Rust's.
const MAX_PUBLISHES: usize = 30;

/// The strategies the BEAM side runs ([`Facts::on_beam`](crate::fanout::measure::Facts)), which
/// it reports under the same keys as ours.
fn strategies() -> impl Iterator<Item = Strategy> {
    Strategy::ALL.into_iter().filter(|s| s.facts().on_beam)
}

/// The BEAM's figure `name` for `strategy`; NaN where there is none.
fn figure(run: &BeamRun, strategy: Strategy, name: &str) -> f64 {
    run.figure(&format!("strategies.{}.{name}", strategy.facts().key))
}

/// Runs the BEAM side on the same members and session nodes, and checks that it delivered every
/// event exactly once and in order, and that its Manifold sent one Erlang message per node with
/// members. `Ok(None)`: the BEAM side is off or not installed.
pub fn run(
    beam: &Beam,
    setup: Setup,
    publishes: usize,
    progress: &Progress,
) -> Result<Option<BeamRun>, String> {
    let required: Vec<String> = strategies()
        .flat_map(|s| FIGURES.map(|figure| format!("strategies.{}.{figure}", s.facts().key)))
        .chain(["members".into(), "session_nodes".into()])
        .collect();
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    let flags = [
        ("members", setup.members as u64),
        ("peers", setup.session_nodes as u64),
        ("publishes", publishes.min(MAX_PUBLISHES) as u64),
        ("isolated", publishes.min(MAX_PUBLISHES) as u64),
    ];
    let Some(run) = beam.run("fanout", &flags, &required, progress)? else {
        return Ok(None);
    };
    for strategy in strategies() {
        check_invariants(&run, strategy, setup)?;
    }
    Ok(Some(run))
}

/// Exactly once and in order, and Manifold one Erlang message per node with members, or the
/// BEAM's run is broken.
fn check_invariants(run: &BeamRun, strategy: Strategy, setup: Setup) -> Result<(), String> {
    let key = strategy.facts().key;
    let figure = |name: &str| figure(run, strategy, name);
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
    let (sent, nodes) = (
        figure("cross_node_erlang_messages"),
        setup.nodes_with_members(),
    );
    if strategy == Strategy::Manifold && sent != nodes as f64 {
        return Err(format!(
            "BEAM {key}: {sent} Erlang messages between nodes per publish instead of one per node \
             with members ({nodes})"
        ));
    }
    Ok(())
}

/// The BEAM's whole output under `beam`, and its strategies beside ours, as `beam_naive` and
/// `beam_manifold`: messages between nodes counted as Erlang messages (the connection's writes,
/// where OTP cuts a message over 64 KiB into fragments, kept as `cross_node_fragments`).
pub fn add_figures(figures: &mut Map<String, Value>, run: &BeamRun) {
    let json = run.json();
    for strategy in strategies() {
        let key = strategy.facts().key;
        let mut figures_of = json["strategies"][key].clone();
        if let Some(s) = figures_of.as_object_mut() {
            let erlang = s
                .remove("cross_node_erlang_messages")
                .unwrap_or(Value::Null);
            let writes = s.insert("cross_node_messages".into(), erlang);
            s.insert("cross_node_fragments".into(), writes.unwrap_or(Value::Null));
        }
        if let Some(strategies) = figures.get_mut("strategies").and_then(Value::as_object_mut) {
            strategies.insert(format!("beam_{key}"), figures_of);
        }
    }
    let median = |s: Strategy| figure(run, s, "guild_publish_p50_ns");
    if let Some(ratios) = figures.get_mut("ratios").and_then(Value::as_object_mut) {
        ratios.insert(
            "beam_guild_publish_median".into(),
            json!(median(Strategy::Naive) / median(Strategy::Manifold)),
        );
    }
    figures.insert("beam".into(), json.clone());
}

/// The BEAM side's bar ([`bars::BEAM_NAIVE_OVER_MANIFOLD`]): the blog's claim on the BEAM itself,
/// and the invariants the run already held it to, as the table shows them.
pub fn checks(run: &BeamRun, session_nodes: usize) -> Vec<Check> {
    let (naive, manifold) = (Strategy::Naive, Strategy::Manifold);
    let median = |s: Strategy| figure(run, s, "guild_publish_p50_ns");
    let messages = figure(run, manifold, "cross_node_erlang_messages");
    vec![
        Check::ratio_at_least(
            format!(
                "BEAM here, guild-side publish, median: {} ÷ {}",
                naive.facts().key,
                manifold.facts().key
            ),
            median(naive) / median(manifold),
            bars::BEAM_NAIVE_OVER_MANIFOLD,
        ),
        Check::that(
            format!(
                "BEAM here, {}: Erlang messages between nodes per publish = session nodes ({session_nodes})",
                manifold.facts().key
            ),
            format!("{messages:.1}"),
            messages == session_nodes as f64,
        ),
        Check::that(
            "BEAM here: every member got every event, exactly once and in order",
            format!(
                "{} + {} deliveries, 0 violations",
                count(figure(run, naive, "delivered")),
                count(figure(run, manifold, "delivered"))
            ),
            true, // anything else ended the run with an error
        ),
    ]
}

/// The BEAM's cell beside `strategy`'s row (over either transport: distributed Erlang crosses
/// loopback TCP): its guild time and traffic, if it ran that strategy.
pub fn cell(run: Option<&BeamRun>, strategy: Strategy) -> Option<String> {
    let run = run?;
    if !strategy.facts().on_beam {
        return None;
    }
    let figure = |name: &str| figure(run, strategy, name);
    Some(format!(
        "{} ({}) in the guild; {:.0} messages, {} between nodes",
        human_ns(figure("guild_publish_ns")),
        human_ns(figure("guild_publish_p50_ns")),
        figure("cross_node_erlang_messages"),
        bytes_text(figure("cross_node_bytes"))
    ))
}

/// The line under the table that says what the BEAM column measured.
pub fn note(run: &BeamRun) -> String {
    let writes: Vec<String> = strategies()
        .map(|s| {
            let messages = figure(run, s, "cross_node_messages");
            format!("{} {messages:.0}", s.facts().key)
        })
        .collect();
    format!(
        "\n*BEAM here: `beam/run fanout`, the same {} members on {} peer nodes (each its own OS \
         process, distributed Erlang over loopback), {} publishes back to back, then {} one at a \
         time; messages counted as Erlang messages (the connection's writes: {}).*\n",
        count(run.figure("members")),
        run.figure("session_nodes"),
        run.json()["publishes"],
        run.json()["isolated_publishes"],
        writes.join(", ")
    )
}

/// One sentence under the delivery table on the BEAM Manifold's delivery back to back, with this
/// run's figures: why it is far above its delivery one at a time, and why most of the naive
/// guild's backlog does not show in its own.
pub fn back_to_back_note(run: &BeamRun) -> String {
    let (naive, manifold) = (Strategy::Naive, Strategy::Manifold);
    let f = |s: Strategy, name: &str| human_ns(figure(run, s, name));
    format!(
        "\n*Back to back, the BEAM's Manifold delivers a publish in {} (p50) against {} one at a \
         time and the BEAM naive guild's {}: its guild returns in {} (median), so the {} \
         publishes start almost together and each event waits behind the earlier ones at the \
         session nodes' partitioner and workers, a backlog its delivery counts, whereas the naive \
         guild is itself the bottleneck ({} a publish), so each of its publishes starts only when \
         the one before is sent, and most of its wait comes before the clock starts.*\n",
        f(manifold, "delivery_back_to_back_p50_ns"),
        f(manifold, "delivery_p50_ns"),
        f(naive, "delivery_back_to_back_p50_ns"),
        f(manifold, "guild_publish_p50_ns"),
        run.json()["publishes"],
        f(naive, "guild_publish_p50_ns"),
    )
}

/// The BEAM's rows of the delivery table, one per strategy it ran: its name, then `cells` of
/// its figures (each a figure's name, read for that strategy).
pub fn delivery_rows(
    run: Option<&BeamRun>,
    cells: impl Fn(&dyn Fn(&str) -> f64) -> Vec<String>,
) -> Vec<Vec<String>> {
    let Some(run) = run else { return Vec::new() };
    strategies()
        .map(|s| {
            let mut row = vec![format!("{}: {}", run.column(), s.label())];
            row.extend(cells(&|name| figure(run, s, name)));
            row
        })
        .collect()
}

/// The BEAM's medians in the guild at its member count, one marked point per strategy it ran,
/// named as the table names the strategy.
pub fn points(run: Option<&BeamRun>) -> Vec<Series> {
    let Some(run) = run else { return Vec::new() };
    let members = run.figure("members");
    strategies()
        .filter_map(|s| {
            let median = figure(run, s, "guild_publish_p50_ns");
            (median > 0.0 && members > 0.0).then(|| {
                Series::points(
                    format!("{}: {}", run.column(), s.label()),
                    vec![(members, median)],
                )
            })
        })
        .collect()
}
