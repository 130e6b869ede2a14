//! What the stampede and the outage report: the model's figures and the two timelines in JSON,
//! the table of both runs side by side, the plot of their timelines (the outage shaded), and, for
//! the stampede, the gates' figures and table.
//!
//! The BEAM side's cells come from `beam.rs`; every number is written as
//! `crate::common::units` writes it.

use semaphore_kit::model::{Run, Tick};
use serde_json::{Map, Value, json};

use crate::common::beam::{self, BeamRun};
use crate::common::plot_lines::{Axis, Band, line_charts, log_counts, timeline, timelines};
use crate::common::report::captioned_table;
use crate::common::units::{count, group_digits, human_ns, tenths};
use crate::semaphore::beam as semaphore_beam;
use crate::semaphore::measure::{GateKind, GateTimes, PROCESS_TRIALS, Timelines};

/// A fraction as a percentage with one decimal: `99.5 %`.
fn pct(fraction: f64) -> String {
    format!("{} %", tenths(fraction * 100.0))
}

/// One run's figures and its timeline, as the results file keys them.
fn run_json(run: &Run) -> Value {
    let mut value = serde_json::to_value(&run.figures).expect("figures serialize");
    value["timeline"] = serde_json::to_value(&run.timeline).expect("timeline serializes");
    value
}

/// The model's shape and rules, as the results file records them.
fn model_json(t: &Timelines) -> Value {
    let config = &t.config;
    json!({
        "capacity_calls_per_s": config.capacity_per_s(),
        "ideal_s": config.ideal_s(),
        "limit_sum": config.limit_sum(),
        "session_nodes": config.session_nodes,
        "call_timeout_s": config.call_timeout.as_secs_f64(),
        "backoff_s": config.backoff.as_secs_f64(),
        "background_load": config.background_load,
        "presence_events_per_s": config.presence_rate,
        "outage_s": config.outage.map(|(start, length)| [start.as_secs_f64(), length.as_secs_f64()]),
    })
}

/// Both runs' figures and timelines, the model, and what the story adds: the time to serve
/// everyone over the ideal (the stampede), or how soon each queue drained (the outage).
pub fn figures(t: &Timelines) -> Map<String, Value> {
    let runs = t.runs();
    let mut figures = Map::new();
    let strategies: Map<String, Value> = runs
        .iter()
        .map(|(key, run)| ((*key).to_owned(), run_json(run)))
        .collect();
    figures.insert("strategies".into(), strategies.into());
    figures.insert("model".into(), model_json(t));
    if t.config.outage.is_none() {
        // The ideal assumes every session arrives at once: it only means something for the stampede.
        let took = t.guarded.figures.time_to_all_served_s;
        figures.insert(
            "ratios".into(),
            json!({ "semaphore_time_to_all_served_over_ideal": took.map(|s| s / t.config.ideal_s()) }),
        );
    } else {
        let drained: Map<String, Value> = runs
            .iter()
            .map(|(key, run)| ((*key).to_owned(), json!(t.drained_after_outage(run))))
            .collect();
        figures.insert("queue_drained_after_outage_s".into(), drained.into());
    }
    figures
}

/// Both runs side by side, one row per figure.
pub fn table(t: &Timelines) -> String {
    let (config, n, g) = (&t.config, &t.naive.figures, &t.guarded.figures);
    let secs = |t: Option<f64>| t.map_or("never".to_owned(), |t| format!("{t:.1} s"));
    let row = |what: &str, naive: String, guarded: String| vec![what.to_owned(), naive, guarded];
    let counts = |what: &str, naive: u64, guarded: u64| {
        row(what, group_digits(naive), group_digits(guarded))
    };
    let all_served = match config.outage {
        None => format!(
            "time until all are served (ideal {:.1} s)",
            config.ideal_s()
        ),
        Some(_) => format!(
            "time until all are served (arrivals end at {} s)",
            config.arrival_window.as_secs()
        ),
    };
    let rows = vec![
        row(
            "sessions served by the end",
            pct(n.served_fraction),
            pct(g.served_fraction),
        ),
        row(
            &all_served,
            secs(n.time_to_all_served_s),
            secs(g.time_to_all_served_s),
        ),
        row(
            "goodput in the last 10 s ÷ capacity",
            format!("{:.3}", n.goodput_after_trigger_ratio),
            format!("{:.3}", g.goodput_after_trigger_ratio),
        ),
        row(
            "registry work wasted on callers who gave up",
            pct(n.wasted_work_fraction),
            pct(g.wasted_work_fraction),
        ),
        counts(
            "peak registry queue",
            n.peak_queue as u64,
            g.peak_queue as u64,
        ),
        counts(
            "peak unread presence events in blocked sessions",
            n.peak_mailbox_backlog,
            g.peak_mailbox_backlog,
        ),
        counts("calls replied in time", n.replied, g.replied),
        counts("calls timed out", n.timed_out, g.timed_out),
        counts(
            "calls rejected at once by the semaphore",
            n.rejected,
            g.rejected,
        ),
    ];
    let [(naive, _), (guarded, _)] = t.runs();
    let caption = format!(
        "the {}, {naive} beside {guarded}: {} sessions, {} registries ({} calls/s), {} virtual \
         seconds.",
        t.story.name(),
        group_digits(config.sessions as u64),
        config.registries,
        group_digits(config.capacity_per_s() as u64),
        config.duration.as_secs()
    );
    captioned_table(&caption, &["what", naive, guarded], &rows)
}

/// The two runs' timelines, one chart under another: goodput, registry queue, unread events; the
/// outage, if any, shaded.
pub fn plot(t: &Timelines) -> Result<String, String> {
    let runs = t
        .runs()
        .map(|(key, run)| (key.to_owned(), &run.timeline[..]));
    let what = t.story.name();
    let at = |t: &Tick| t.t_s;
    let band = t.config.outage.map(|(start, length)| Band {
        from: start.as_secs_f64(),
        to: (start + length).as_secs_f64(),
        label: "registries down".into(),
    });
    let mut charts = [
        timeline(
            format!("{what}: goodput"),
            Axis::linear("calls replied in time per second", count),
            timelines(&runs, at, |t| t.goodput_per_s),
        ),
        timeline(
            format!("{what}: registry queue"),
            log_counts("requests waiting at the registries (log)"),
            timelines(&runs, at, |t| t.registry_queue as f64),
        ),
        timeline(
            format!("{what}: unread events in blocked sessions"),
            log_counts("presence events waiting (log)"),
            timelines(&runs, at, |t| t.mailbox_backlog as f64),
        ),
    ];
    for chart in &mut charts {
        chart.band.clone_from(&band);
    }
    line_charts(&charts)
}

/// The gates' figures, as the results file keys them (`gate_ns`).
pub fn gates_json(gates: &GateTimes) -> Value {
    let by = |ns: fn(&GateTimes, GateKind) -> f64| -> Map<String, Value> {
        gates
            .ns
            .iter()
            .map(|(kind, _, _)| (kind.key().to_owned(), json!(ns(gates, *kind))))
            .collect()
    };
    json!({
        "alone": by(GateTimes::alone),
        "contended": by(GateTimes::contended),
        "threads": gates.threads,
    })
}

/// Who calls the process gate, and how often (`gate_process`): the shape both sides time.
pub fn process_gate_json(gates: &GateTimes) -> Value {
    json!({
        "callers_alone": 1,
        "callers_contended": gates.threads,
        "calls_per_caller_per_trial": gates.process_calls_per_trial,
        "trials": PROCESS_TRIALS,
        "call_timeout_s": cluster::DEFAULT_CALL_TIMEOUT.as_secs_f64(),
    })
}

/// The shape of the gate rows, said under the table: who calls, how many at once, how often.
fn shape_note(gates: &GateTimes) -> String {
    format!(
        "\n*Shape. The gates in memory: one thread alone, then {threads} threads at once, each \
         looping. The process gate: its callers are processes on the gate's node (a {threads}-thread \
         node, as a BEAM with {threads} schedulers), one alone, then {threads} released together, \
         each timing its own {calls} calls (5 s timeout each); per op per caller, the median of \
         {PROCESS_TRIALS} trials. The BEAM's GenServer gate is timed the same way: the calling \
         process alone, then one process per scheduler, as many calls, as many trials.*\n",
        threads = gates.threads,
        calls = group_digits(gates.process_calls_per_trial),
    )
}

/// One enter-and-leave through every gate, alone and contended, beside the BEAM's.
pub fn gate_table(gates: &GateTimes, beam: Option<&BeamRun>) -> String {
    let mut rows: Vec<Vec<String>> = GateKind::ALL
        .iter()
        .map(|&kind| {
            vec![
                kind.label().into(),
                human_ns(gates.alone(kind)),
                human_ns(gates.contended(kind)),
            ]
        })
        .collect();
    let mut header: Vec<String> = vec![
        "one enter-and-leave".into(),
        "alone".into(),
        format!("{} callers at once (per op, per caller)", gates.threads),
    ];
    let cells = GateKind::ALL
        .iter()
        .map(|&kind| semaphore_beam::cell(beam, kind))
        .collect();
    beam::add_column(beam, &mut header, &mut rows, 3, cells);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let caption = "the gates: one enter-and-leave through each, alone and contended.";
    format!(
        "\n{}{}{}",
        captioned_table(caption, &header, &rows),
        shape_note(gates),
        semaphore_beam::note(beam)
    )
}
