//! What a ring run reports: the JSON figures and ratios, the three tables (the storm beside the
//! blog's, updates and reader threads, the ring process against sessions calling at once) and the
//! plot (the storm, throughput against reader threads, the ring process's cost per lookup).
//!
//! The BEAM side's cells and bars come from `beam.rs`; the post's figures from
//! `crate::common::blog`; every number is written as `crate::common::units` writes it.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::common::beam::{self, BeamRun};
use crate::common::blog::{GUILDS_PER_USER, RING_PER_LOOKUP_US, RING_TOTAL_S, SESSIONS_PER_NODE};
use crate::common::plot::{Dot, Panel, dot_plot, stack};
use crate::common::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::common::report::captioned_table;
use crate::common::stats::nanos;
use crate::common::units::{count, group_digits, human_ns, tick_ns};
use crate::ring::beam::{self as ring_beam, Way};
use crate::ring::measure::{Measured, Measurements, Setup, Strategy};
use crate::ring::shapes;

/// One strategy's figures, as the results file keys them.
fn strategy_json(m: &Measured, lookups: usize) -> Value {
    let (hashed, prehashed) = (nanos(m.hashed.elapsed), nanos(m.prehashed.elapsed));
    let mut figures = json!({
        "total_ns": hashed,
        "ns_per_lookup": hashed / lookups as f64,
        "total_prehashed_ns": prehashed,
        "ns_per_lookup_prehashed": prehashed / lookups as f64,
        "lookups_per_s_by_threads": m.by_threads.iter()
            .map(|(t, rate)| (t.to_string(), json!(rate)))
            .collect::<Map<_, _>>(),
        "storm_sessions": m.shapes.storm_sessions,
        "storm_total_ns": nanos(m.shapes.storm.elapsed),
        "storm_ns_per_lookup": m.shapes.storm_ns_per_lookup(),
        "alone_ns_per_lookup": m.shapes.alone_ns_per_lookup(),
        "alone_lookups_per_reader": m.shapes.alone_lookups,
    });
    if let Some(u) = m.updates {
        figures["update_ns"] = json!(u.update_ns);
        figures["publish_ns"] = json!(u.publish_ns);
        figures["longest_lookup_during_updates_ns"] = json!(u.longest_lookup_ns);
        figures["longest_lookup_without_updates_ns"] = json!(u.longest_idle_lookup_ns);
        figures["longest_kept"] = json!(u.kept);
        figures["kth_longest_lookup_during_updates_ns"] = json!(u.kth_longest_lookup_ns);
        figures["kth_longest_lookup_without_updates_ns"] = json!(u.kth_longest_idle_lookup_ns);
    }
    if !m.by_callers.is_empty() {
        figures["ns_per_lookup_by_callers"] = m
            .by_callers
            .iter()
            .map(|(c, ns)| (c.to_string(), json!(ns)))
            .collect::<Map<_, _>>()
            .into();
    }
    figures
}

/// Every ratio the results hold: each slow way ÷ FastGlobal, each shared read ÷ the floor, the
/// ring process ÷ a copy, and the blog's own.
fn ratios(measured: &Measurements) -> Map<String, Value> {
    use Strategy::{Actor, CopyOut, FastGlobal, Locked, ReadLocked};
    let mut ratios = Map::new();
    let mut over = |a: Strategy, b: &str, ratio: f64| {
        ratios.insert(format!("{}_over_{b}", a.key()), json!(ratio));
    };
    for slow in [Actor, CopyOut, Locked, ReadLocked] {
        over(slow, FastGlobal.key(), measured.ratio(slow, FastGlobal));
    }
    for shared in Strategy::NEAR_THE_FLOOR {
        over(
            shared,
            Strategy::FLOOR.key(),
            measured.over_the_floor(shared),
        );
    }
    over(Actor, CopyOut.key(), measured.ratio(Actor, CopyOut));
    let fast = Way::FastGlobal;
    for slow in [Way::GenServer, Way::Ets] {
        let ratio = ring_beam::blog_total_s(slow) / ring_beam::blog_total_s(fast);
        let (slow, fast) = (slow.blog_key(), fast.blog_key());
        let key = format!("blog_{}_over_{}", slow.unwrap_or("?"), fast.unwrap_or("?"));
        ratios.insert(key, json!(ratio));
    }
    ratios
}

/// The figures and ratios, as the results file holds them (the BEAM's under `beam`).
pub fn figures(
    measured: &Measurements,
    setup: &Setup,
    beam: Option<&BeamRun>,
) -> Map<String, Value> {
    let lookups = setup.storm.lookups();
    let strategies: Map<String, Value> = measured
        .strategies
        .iter()
        .map(|m| (m.strategy.key().to_owned(), strategy_json(m, lookups)))
        .collect();
    let mut out = Map::new();
    out.insert("lookups".into(), json!(lookups));
    out.insert("threads".into(), json!(setup.threads));
    out.insert("callers".into(), json!(setup.callers));
    out.insert("strategies".into(), strategies.into());
    out.insert("ratios".into(), ratios(measured).into());
    if let Some(beam) = beam {
        out.insert("beam".into(), beam.json().clone());
    }
    out
}

/// A table from a header of owned cells, its caption above it.
fn table_of(caption: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    captioned_table(caption, &header, rows)
}

/// The post's storm, as the storm table's last row: `30 s / 17.5 s / 0.75 s`.
fn blog_row() -> Vec<String> {
    let join = |figures: &[(&str, f64)], unit: &str| {
        let cells: Vec<String> = figures.iter().map(|(_, v)| format!("{v} {unit}")).collect();
        cells.join(" / ")
    };
    vec![
        format!(
            "the blog, {} lookups",
            rate_text((SESSIONS_PER_NODE * GUILDS_PER_USER) as f64)
        ),
        "process / ETS / FastGlobal".into(),
        join(&RING_TOTAL_S, "s"),
        join(&RING_PER_LOOKUP_US, "µs"),
        "—".into(),
        "—".into(),
    ]
}

/// The storm, every strategy beside its BEAM counterpart and the blog.
fn storm_table(measured: &Measurements, setup: &Setup, beam: Option<&BeamRun>) -> String {
    let lookups = setup.storm.lookups();
    let n = group_digits(lookups as u64);
    let mut header: Vec<String> = vec![
        "strategy".into(),
        "BEAM counterpart (blog)".into(),
        format!("{n} lookups, key hashed at lookup"),
        "per lookup".into(),
        format!("{n} lookups, prehashed"),
        "per lookup".into(),
    ];
    let per = |d: Duration| human_ns(nanos(d) / lookups as f64);
    let mut rows: Vec<Vec<String>> = measured
        .strategies
        .iter()
        .map(|m| {
            vec![
                m.strategy.label().to_owned(),
                ring_beam::counterpart(m.strategy),
                human_ns(nanos(m.hashed.elapsed)),
                per(m.hashed.elapsed),
                human_ns(nanos(m.prehashed.elapsed)),
                per(m.prehashed.elapsed),
            ]
        })
        .collect();
    rows.push(blog_row());
    let cells = measured
        .strategies
        .iter()
        .map(|m| ring_beam::storm_cell(beam, m.strategy))
        .collect();
    beam::add_column(beam, &mut header, &mut rows, 2, cells);
    let caption = format!(
        "the storm, {n} lookups on every core, each strategy beside its BEAM counterpart and the \
         blog's."
    );
    table_of(&caption, &header, &rows)
}

/// Updates while readers run: what one costs, and the longest lookup meanwhile.
fn updates_table(measured: &Measurements, beam: Option<&BeamRun>) -> String {
    let mut header: Vec<String> = [
        "strategy",
        "update: build + publish",
        "publish alone",
        "longest lookup: during updates / without",
    ]
    .map(str::to_owned)
    .into();
    let mut rows: Vec<Vec<String>> = measured
        .strategies
        .iter()
        .map(|m| {
            let mut row = vec![m.strategy.label().to_owned()];
            match m.updates {
                Some(u) => row.extend([
                    human_ns(u.update_ns),
                    human_ns(u.publish_ns),
                    format!(
                        "{} / {}",
                        human_ns(u.longest_lookup_ns),
                        human_ns(u.longest_idle_lookup_ns)
                    ),
                ]),
                None => row.extend(["— (never updated)".into(), "—".into(), "—".into()]),
            }
            row
        })
        .collect();
    let cells = measured
        .strategies
        .iter()
        .map(|m| ring_beam::update_cell(beam, m.strategy))
        .collect();
    beam::add_column(beam, &mut header, &mut rows, 1, cells);
    let caption = "updating the ring while readers run: one update (median), and the longest \
                   lookup a reader saw.";
    table_of(caption, &header, &rows)
}

/// Lookups per second against reader threads, one column per point of the sweep.
fn threads_table(measured: &Measurements, setup: &Setup) -> String {
    let header: Vec<String> = std::iter::once("strategy".to_owned())
        .chain(
            setup
                .sweep_threads
                .iter()
                .map(|t| format!("lookups/s, {t} thread{}", if *t == 1 { "" } else { "s" })),
        )
        .collect();
    let rows: Vec<Vec<String>> = measured
        .strategies
        .iter()
        .map(|m| {
            std::iter::once(m.strategy.label().to_owned())
                .chain(m.by_threads.iter().map(|(_, rate)| rate_text(*rate)))
                .collect()
        })
        .collect();
    let caption = format!(
        "lookups per second against reader threads, {} sessions' lookups, prehashed.",
        group_digits(setup.sweep.sessions() as u64)
    );
    table_of(&caption, &header, &rows)
}

/// The ring process's time per lookup against sessions calling at once, one row per count.
fn callers_table(measured: &Measurements, setup: &Setup) -> String {
    let actor = measured.get(Strategy::Actor);
    let rows: Vec<Vec<String>> = actor
        .by_callers
        .iter()
        .map(|(c, ns)| vec![group_digits(*c as u64), human_ns(*ns)])
        .collect();
    let header = ["sessions calling at once", "ring process: time per lookup"].map(str::to_owned);
    let caption = format!(
        "the ring process against sessions calling at once: {} sessions of the sweep, prehashed.",
        group_digits(setup.sweep.sessions() as u64)
    );
    table_of(&caption, &header, &rows)
}

/// The chapter's tables, each with its caption above, the storm's note under it.
pub fn table(measured: &Measurements, setup: &Setup, beam: Option<&BeamRun>) -> String {
    let against_the_floor = measured
        .floor
        .iter()
        .map(|(strategy, ratio)| format!("{} {ratio:.2}×", strategy.key()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{storm}\n*The storm ran on {threads} threads; the ring process on a {threads}-thread node, \
         called by {callers} session tasks at once. Blog: FastGlobal's put of the ring took up to a \
         second. Against the floor, prehashed, run in turns with it (median of 9 rounds): \
         {against_the_floor}.{beam_note}*\n\n{shapes}\n\n{updates}\n{by_threads}\n{callers_table}",
        storm = storm_table(measured, setup, beam),
        threads = setup.threads,
        callers = group_digits(setup.callers as u64),
        beam_note = ring_beam::note(beam),
        shapes = shapes::table(measured, setup, beam),
        updates = updates_table(measured, beam),
        by_threads = threads_table(measured, setup),
        callers_table = callers_table(measured, setup),
    )
}

/// A rate as the tables write it: `1.1 M`, `975 k`.
fn rate_text(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.1} M", rate / 1e6)
    } else {
        format!("{:.0} k", rate / 1e3)
    }
}

/// A round rate under a tick, as the table writes rates: `10 M`, `500 k`.
fn rate_tick(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{} M", rate / 1e6)
    } else {
        format!("{} k", rate / 1e3)
    }
}

/// A strategy as the tables name it, without the markdown: "Locked: Mutex<Ring>".
fn plain_name(strategy: Strategy) -> String {
    strategy.label().replace('`', "")
}

/// The storm's panel: ours, the BEAM's here, the blog's.
fn storm_panel(measured: &Measurements, setup: &Setup, beam: Option<&BeamRun>) -> Panel {
    let mut dots: Vec<Dot> = measured
        .strategies
        .iter()
        .map(|m| Dot::measured(plain_name(m.strategy), nanos(m.prehashed.elapsed)))
        .collect();
    dots.extend(ring_beam::storm_dots(beam));
    dots.extend(ring_beam::blog_dots());
    Panel {
        title: format!(
            "{} lookups, prehashed, every core",
            group_digits(setup.storm.lookups() as u64)
        ),
        axis: "time for the whole storm (log scale)".into(),
        dots,
        format: human_ns,
        tick: tick_ns,
    }
}

/// The plot, one chart under another at the column's width: the storm, throughput against reader
/// threads, the ring process against callers.
pub fn plot(
    measured: &Measurements,
    setup: &Setup,
    beam: Option<&BeamRun>,
) -> Result<String, String> {
    let storm = dot_plot(&[storm_panel(measured, setup, beam)])?;
    let series = measured
        .strategies
        .iter()
        .map(|m| {
            let points = m.by_threads.iter().map(|&(t, rate)| (t as f64, rate));
            Series::line(plain_name(m.strategy), points.collect())
        })
        .collect();
    let threads = LineChart {
        title: "Lookups per second against reader threads".into(),
        x: Axis::linear("reader threads", count),
        y: Axis::log("lookups per second (log scale)", rate_tick),
        series,
        band: None,
    };
    let by_callers = &measured.get(Strategy::Actor).by_callers;
    let callers = LineChart {
        title: format!(
            "The ring process: {} sessions' lookups",
            group_digits(setup.sweep.sessions() as u64)
        ),
        x: Axis::log("sessions calling at once (log scale)", count),
        y: Axis::log("time per lookup (log scale)", human_ns),
        series: vec![Series::line(
            plain_name(Strategy::Actor),
            by_callers.iter().map(|&(c, ns)| (c as f64, ns)).collect(),
        )],
        band: None,
    };
    Ok(stack(&[storm, line_charts(&[threads, callers])?]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blog_row_reads_as_the_post_writes_it() {
        let row = blog_row();
        assert_eq!(row[0], "the blog, 2.5 M lookups");
        assert_eq!(row[2], "30 s / 17.5 s / 0.75 s");
        assert_eq!(row[3], "12 µs / 7 µs / 0.3 µs");
        let total = ring_beam::blog_total_s;
        assert_eq!(total(Way::GenServer) / total(Way::FastGlobal), 40.0);
    }

    #[test]
    fn counterparts_name_the_blogs_figure() {
        assert_eq!(
            ring_beam::counterpart(Strategy::Actor),
            "GenServer call (12 µs)"
        );
        assert_eq!(
            ring_beam::counterpart(Strategy::CopyOut),
            "ETS lookup (7 µs)"
        );
        assert_eq!(
            ring_beam::counterpart(Strategy::FastGlobal),
            "FastGlobal get (0.3 µs)"
        );
        assert_eq!(ring_beam::counterpart(Strategy::Raw), "—");
        assert_eq!(Way::beside(Strategy::Locked), None);
    }
}
