//! The `placement` scenario's results: the JSON under `ways.<way>`, three tables that each fit the
//! page (speed and balance; keys moved; the ring against its points per node), and two figures
//! (lookup time per way; balance against points per node, with every other way beside the ring).

use placement_kit::measure::Figures;
use serde_json::{Map, Value, json};

use crate::common::plot::{Dot, Panel, dot_plot, stack};
use crate::common::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::common::report::captioned_table;
use crate::common::units::{count, group_digits, human_ns, tick_ns};
use crate::placement::measure::{BOUNDED_FEW_POINTS, FEW_POINTS, Measured};

/// Every way, in the table's order, with how the table names it.
pub const LABELS: [(&str, &str); 8] = [
    ("ex_hash_ring", "ring (ex_hash_ring, 512 points a node)"),
    ("jump", "jump consistent hash"),
    ("rendezvous", "rendezvous (highest random weight)"),
    ("maglev", "Maglev (65,537 slots)"),
    ("multi_probe", "multi-probe (21 probes)"),
    ("bounded_load", "bounded loads, ε = 0.25, on the ring"),
    (
        BOUNDED_FEW_POINTS,
        "bounded loads, ε = 0.25, 8 points a node",
    ),
    ("rendezvous_hrw_hash", "rendezvous, crate hrw-hash 2.0.3"),
];

fn label(way: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _)| *k == way)
        .map_or("?", |(_, l)| l)
}

/// The figures as `placement.json` has them: `ways.<way>.<figure>`, the ring's balance by points.
pub fn figures(measured: &Measured) -> Result<Map<String, Value>, String> {
    let mut ways = Map::new();
    for (name, figures) in &measured.ways {
        let mut way = serde_json::to_value(figures).map_err(|e| e.to_string())?;
        way["cannot"] = json!(figures.capabilities.cannot());
        ways.insert((*name).to_owned(), way);
    }
    let by_points: Map<String, Value> = measured
        .by_points
        .iter()
        .map(|(points, balance)| (points.to_string(), json!(balance)))
        .collect();
    ways["ex_hash_ring"]["by_points"] = Value::Object(by_points);
    ways[BOUNDED_FEW_POINTS]["points_per_node"] = json!(FEW_POINTS);
    let mut figures = Map::new();
    figures.insert("ways".into(), Value::Object(ways));
    Ok(figures)
}

/// The rows of every way measured, in the table's order: its label, then `cells` of its figures.
fn rows(measured: &Measured, cells: impl Fn(&Figures) -> Vec<String>) -> Vec<Vec<String>> {
    LABELS
        .iter()
        .filter_map(|(name, label)| {
            let figures = measured.ways.get(name)?;
            Some([vec![(*label).to_owned()], cells(figures)].concat())
        })
        .collect()
}

fn share(value: f64) -> String {
    format!("{:.2} %", value * 100.0)
}

/// The three tables, each with its caption.
pub fn tables(measured: &Measured, keys: usize) -> String {
    let keys = group_digits(keys as u64);
    let speed = rows(measured, |f| {
        vec![
            human_ns(f.lookup_ns),
            human_ns(f.lookup_hashed_ns),
            human_ns(f.build_ns),
            format!("{} B", group_digits(f.memory_bytes as u64)),
            format!("{:.3}", f.peak_to_mean),
            format!("{:.3}", f.min_to_mean),
        ]
    });
    let moved = rows(measured, |f| {
        vec![
            format!(
                "{} ({})",
                share(f.moved_on_add),
                share(f.moved_on_add_ideal)
            ),
            share(f.moved_elsewhere_on_add),
            format!(
                "{} ({})",
                share(f.moved_on_remove),
                share(f.moved_on_remove_ideal)
            ),
            share(f.moved_elsewhere),
            f.capabilities.cannot().join("; "),
        ]
    });
    let speed_header = [
        "way",
        "lookup",
        "lookup, hashing",
        "build",
        "memory",
        "peak ÷ mean",
        "least ÷ mean",
    ];
    let moved_header = [
        "way",
        "moved on add",
        "elsewhere",
        "moved on remove",
        "elsewhere",
        "cannot",
    ];
    let speed_caption = format!(
        "speed and balance: one lookup, prehashed and hashing the guild id (one thread, median of \
         rounds); building from the node names; the keys on the busiest and the idlest node over \
         the mean, for {keys} of the storm's guild ids."
    );
    let moved_caption = format!(
        "keys moved, as a share of all {keys}, beside the ideal in brackets: when a node joins, \
         and when a middle node leaves; \"elsewhere\" counts keys that moved between two nodes \
         that both stayed."
    );
    format!(
        "{}\n{}\n{}",
        captioned_table(&speed_caption, &speed_header, &speed),
        captioned_table(&moved_caption, &moved_header, &moved),
        points_table(measured),
    )
}

/// The ring's balance against its points per node.
fn points_table(measured: &Measured) -> String {
    let points: Vec<Vec<String>> = measured
        .by_points
        .iter()
        .map(|(points, b)| {
            let ratio = |v: f64| format!("{v:.3}");
            vec![
                points.to_string(),
                ratio(b.peak_to_mean),
                ratio(b.min_to_mean),
            ]
        })
        .collect();
    captioned_table(
        "the ring's balance against its points per node.",
        &["points per node", "peak ÷ mean", "least ÷ mean"],
        &points,
    )
}

/// Lookup time per way; balance against the ring's points per node, with the other ways as points
/// at the points per node they use.
pub fn plot(measured: &Measured) -> Result<String, String> {
    let dots: Vec<Dot> = LABELS
        .iter()
        .filter_map(|(name, label)| Some(Dot::measured(*label, measured.ways.get(name)?.lookup_ns)))
        .collect();
    let lookups = dot_plot(&[Panel {
        title: "One lookup, prehashed".into(),
        axis: "time per lookup (log scale)".into(),
        dots,
        format: human_ns,
        tick: tick_ns,
    }])?;
    let ring: Vec<(f64, f64)> = measured
        .by_points
        .iter()
        .map(|(points, b)| (f64::from(*points), b.peak_to_mean))
        .collect();
    let mut series = vec![Series::line("ring, by points per node", ring)];
    for (name, points) in [
        ("maglev", 1.0),
        ("jump", 1.0),
        ("rendezvous", 1.0),
        (BOUNDED_FEW_POINTS, f64::from(FEW_POINTS)),
    ] {
        if let Some(f) = measured.ways.get(name) {
            series.push(Series::points(label(name), vec![(points, f.peak_to_mean)]));
        }
    }
    let balance = line_charts(&[LineChart {
        title: "The busiest node ÷ the mean, against the ring's points per node".into(),
        x: Axis::log("points per node (log scale)", count),
        y: Axis::linear("busiest node ÷ mean", |v| format!("{v:.2}")),
        series,
        band: None,
    }])?;
    Ok(stack(&[lookups, balance]))
}
