//! Scenarios `stampede` and `outage` (chapter "Limited concurrency").
//!
//! Both run the lab's model (`semaphore_kit::model`) twice in virtual time, once with the naive
//! client and once with the reference semaphore in front of every (session node, registry) pair,
//! and set the two timelines side by side: the blog's story of a collapse that sustains itself,
//! and of the same load served by callers that bail early.
//!
//! `stampede` also measures what one enter-and-leave costs through each kind of gate, because
//! the fix is only a fix if it is nearly free: Discord rejected a process-run semaphore as
//! "orders of magnitude slower". Its BEAM side (`beam/run semaphore`) times Discord's gate
//! (`:ets.update_counter`), one on `:atomics` and one run by a GenServer, beside them.

use std::time::Duration;

use semaphore_kit::model::{Config, Run, simulate};
use semaphore_kit::naive::Unguarded;
use serde_json::{Map, Value, json};
use solution_semaphore::Guarded;
use solution_semaphore::Semaphore;

use crate::common::beam::{self, Beam, BeamRun};
use crate::common::params::{ParamSpec, Params};
use crate::common::plot_lines::{Axis, Band, line_charts, log_counts, timeline, timelines};
use crate::common::report::markdown_table;
use crate::common::scenario::{Check, Outcome, Progress, Scenario};
use crate::common::units::{count, group_digits, human_ns};
use crate::semaphore::bars;
use crate::semaphore::rigs::{ProcessSemaphore, gate_cycles, gates, per_op_ns};

/// The reconnect stampede of the blog.
pub struct Stampede;
/// A downstream outage of 30 s.
pub struct Outage;

const SIZE: [ParamSpec; 4] = [
    ParamSpec::count(
        "sessions",
        "sessions that connect",
        1,
        10_000_000,
        [20_000, 100_000, 5_000_000],
    ),
    ParamSpec::count(
        "registries",
        "guild registries (1 ms of work a call each)",
        1,
        1_000,
        [2, 10, 500],
    ),
    ParamSpec::count(
        "limit",
        "calls in flight per (session node, registry) for the semaphore",
        1,
        100_000,
        [25, 25, 25],
    ),
    ParamSpec::count(
        "seconds",
        "virtual seconds to simulate",
        20,
        3_600,
        [120, 120, 120],
    ),
];
const GATE_OPS: ParamSpec = ParamSpec::count(
    "gate_ops",
    "enter-and-leave cycles per thread when timing the gates",
    1_000,
    100_000_000,
    [200_000, 2_000_000, 10_000_000],
);
const STAMPEDE_PARAMS: [ParamSpec; 5] = [SIZE[0], SIZE[1], SIZE[2], SIZE[3], GATE_OPS];

impl Scenario for Stampede {
    fn name(&self) -> &'static str {
        "stampede"
    }
    fn title(&self) -> &'static str {
        "Sessions stampeding guild registries: unguarded calls against a semaphore"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &STAMPEDE_PARAMS
    }
    fn memory_bytes(&self, params: &Params) -> u64 {
        memory(params)
    }
    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        progress.steps(3 + beam.steps());
        let config = config(
            Config::stampede(params.count("sessions"), params.count("registries")),
            params,
        );
        let (naive, guarded) = both(&config, progress)?;
        progress.step("timing the gates");
        let gates = time_gates(params.get("gate_ops"))?;
        progress.done();
        let flags = [("ops", params.get("gate_ops"))];
        let beam = beam.run("semaphore", &flags, &BEAM_FIGURES, progress)?;
        let mut outcome = outcome(&config, &naive, &guarded, "stampede")?;
        gate_checks(&gates, &mut outcome.checks);
        outcome.table += &gate_table(&gates, beam.as_ref());
        outcome.figures.insert("gate_ns".into(), gates);
        if let Some(beam) = &beam {
            beam_gate_checks(beam, &mut outcome.checks);
            outcome.figures.insert("beam".into(), beam.json().clone());
        }
        Ok(outcome)
    }
}

impl Scenario for Outage {
    fn name(&self) -> &'static str {
        "outage"
    }
    fn title(&self) -> &'static str {
        "The registries stop for 30 s and come back: blocked callers against callers that bail"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &SIZE
    }
    fn memory_bytes(&self, params: &Params) -> u64 {
        memory(params)
    }
    /// No BEAM side: the outage is the model's story, in virtual time.
    fn run(&self, params: &Params, progress: &Progress, _beam: &Beam) -> Result<Outcome, String> {
        progress.steps(2);
        let config = config(
            Config::outage(params.count("sessions"), params.count("registries")),
            params,
        );
        let (naive, guarded) = both(&config, progress)?;
        outcome(&config, &naive, &guarded, "outage")
    }
}

fn memory(params: &Params) -> u64 {
    // A session task, its pending call and its queued request: a few KiB each, generously.
    params.get("sessions") * 8 * 1024 + (256 << 20)
}

fn config(base: Config, params: &Params) -> Config {
    Config {
        limit: params.count("limit"),
        duration: Duration::from_secs(params.get("seconds")),
        ..base
    }
}

/// Runs the model with the naive client, then with the guarded one.
fn both(config: &Config, progress: &Progress) -> Result<(Run, Run), String> {
    progress.step("naive: every session always calls");
    let naive = simulate(config, Unguarded)?;
    progress.done();
    progress.step("semaphore: sessions bail at the limit");
    let guarded = simulate(
        config,
        Guarded::<Semaphore>::new(config.nodes(), config.registries, config.limit),
    )?;
    progress.done();
    Ok((naive, guarded))
}

fn outcome(config: &Config, naive: &Run, guarded: &Run, what: &str) -> Result<Outcome, String> {
    let strategy = |run: &Run| -> Value {
        let mut value = serde_json::to_value(&run.figures).expect("figures serialize");
        value["timeline"] = serde_json::to_value(&run.timeline).expect("timeline serializes");
        value
    };
    let mut figures = Map::new();
    figures.insert(
        "strategies".into(),
        json!({ "naive": strategy(naive), "semaphore": strategy(guarded) }),
    );
    figures.insert(
        "model".into(),
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
        }),
    );
    if config.outage.is_none() {
        // The ideal assumes every session arrives at once: it only means something for the stampede.
        let took = guarded.figures.time_to_all_served_s;
        figures.insert(
            "ratios".into(),
            json!({ "semaphore_time_to_all_served_over_ideal": took.map(|t| t / config.ideal_s()) }),
        );
    }
    if let Some((start, length)) = config.outage {
        let end = (start + length).as_secs_f64();
        let recovery = |run: &Run| drained_after(run, end, config.limit_sum());
        figures.insert(
            "queue_drained_after_outage_s".into(),
            json!({ "naive": recovery(naive), "semaphore": recovery(guarded) }),
        );
    }
    let checks = checks(config, naive, guarded, what);
    let table = table(config, naive, guarded);
    let svg = plot(config, naive, guarded, what)?;
    let blog = crate::common::blog::stampede();
    Ok(Outcome {
        figures,
        blog,
        table,
        svg,
        checks,
    })
}

/// Seconds after `end` (the outage's end) until the registry queue is back within the sum of
/// the limits; `None` if it never is.
fn drained_after(run: &Run, end: f64, limit_sum: usize) -> Option<f64> {
    run.timeline
        .iter()
        .find(|t| t.t_s >= end && t.registry_queue <= limit_sum)
        .map(|t| t.t_s - end)
}

fn checks(config: &Config, naive: &Run, guarded: &Run, what: &str) -> Vec<Check> {
    let (n, g) = (&naive.figures, &guarded.figures);
    let bound =
        config.limit_sum() as f64 * config.presence_rate * config.call_timeout.as_secs_f64();
    let mut checks = Vec::new();
    if what == "stampede" {
        checks.push(Check::that(
            "naive collapses and stays collapsed: goodput in the last 10 s < 0.1 of capacity",
            format!("{:.3}", n.goodput_after_trigger_ratio),
            n.goodput_after_trigger_ratio < 0.1,
        ));
        checks.push(Check::that(
            "naive serves < 50 % of sessions",
            pct(n.served_fraction),
            n.served_fraction < 0.5,
        ));
        let took = g.time_to_all_served_s.unwrap_or(f64::INFINITY);
        checks.push(Check::that(
            format!(
                "semaphore serves everyone within {} × the ideal {:.1} s",
                bars::TIME_TO_ALL_SERVED_OVER_IDEAL,
                config.ideal_s()
            ),
            format!("{took:.1} s"),
            took <= bars::TIME_TO_ALL_SERVED_OVER_IDEAL * config.ideal_s(),
        ));
    }
    checks.push(Check::that(
        "semaphore serves 100 % of sessions",
        pct(g.served_fraction),
        g.served_fraction == 1.0,
    ));
    if let Some((start, length)) = config.outage {
        // While the registries are stopped, every permit times out and is taken again, so the
        // queue grows by the sum of the limits per timeout; what matters is how fast it drains.
        let end = (start + length).as_secs_f64();
        let drained = drained_after(guarded, end, config.limit_sum());
        checks.push(Check::that(
            "semaphore catches up within seconds of the return: queue back within the limits in ≤ 5 s",
            drained.map_or("never".into(), |s| format!("{s:.1} s")),
            drained.is_some_and(|s| s <= 5.0),
        ));
        checks.push(Check::that(
            "unguarded sessions' backlog balloons: ≥ 10 × the semaphore's",
            format!(
                "{} against {}",
                group_digits(n.peak_mailbox_backlog),
                group_digits(g.peak_mailbox_backlog)
            ),
            n.peak_mailbox_backlog >= 10 * g.peak_mailbox_backlog.max(1),
        ));
    } else {
        checks.push(Check::that(
            format!(
                "semaphore's registry queue ≤ the sum of the limits ({})",
                config.limit_sum()
            ),
            group_digits(g.peak_queue as u64),
            g.peak_queue <= config.limit_sum(),
        ));
    }
    checks.push(Check::that(
        format!("semaphore's mailbox backlog bounded by limits × rate × timeout ({bound:.0})"),
        group_digits(g.peak_mailbox_backlog),
        g.peak_mailbox_backlog as f64 <= bound,
    ));
    checks
}

fn pct(fraction: f64) -> String {
    format!("{:.1} %", fraction * 100.0)
}

fn table(config: &Config, naive: &Run, guarded: &Run) -> String {
    let (n, g) = (&naive.figures, &guarded.figures);
    let secs = |t: Option<f64>| t.map_or("never".to_owned(), |t| format!("{t:.1} s"));
    let count = |v: u64| group_digits(v);
    let rows = vec![
        vec![
            "sessions served by the end".into(),
            pct(n.served_fraction),
            pct(g.served_fraction),
        ],
        vec![
            match config.outage {
                None => format!(
                    "time until all are served (ideal {:.1} s)",
                    config.ideal_s()
                ),
                Some(_) => format!(
                    "time until all are served (arrivals end at {} s)",
                    config.arrival_window.as_secs()
                ),
            },
            secs(n.time_to_all_served_s),
            secs(g.time_to_all_served_s),
        ],
        vec![
            "goodput in the last 10 s ÷ capacity".into(),
            format!("{:.3}", n.goodput_after_trigger_ratio),
            format!("{:.3}", g.goodput_after_trigger_ratio),
        ],
        vec![
            "registry work wasted on callers who gave up".into(),
            pct(n.wasted_work_fraction),
            pct(g.wasted_work_fraction),
        ],
        vec![
            "peak registry queue".into(),
            count(n.peak_queue as u64),
            count(g.peak_queue as u64),
        ],
        vec![
            "peak unread presence events in blocked sessions".into(),
            count(n.peak_mailbox_backlog),
            count(g.peak_mailbox_backlog),
        ],
        vec![
            "calls replied in time".into(),
            count(n.replied),
            count(g.replied),
        ],
        vec![
            "calls timed out".into(),
            count(n.timed_out),
            count(g.timed_out),
        ],
        vec![
            "calls rejected at once by the semaphore".into(),
            count(n.rejected),
            count(g.rejected),
        ],
    ];
    let title = format!(
        "{} sessions, {} registries ({} calls/s), {} virtual seconds",
        group_digits(config.sessions as u64),
        config.registries,
        group_digits(config.capacity_per_s() as u64),
        config.duration.as_secs()
    );
    markdown_table(&[&title, "naive", "semaphore"], &rows)
}

/// The two timelines side by side: goodput, registry queue, unread events; the outage, if any,
/// shaded.
fn plot(config: &Config, naive: &Run, guarded: &Run, what: &str) -> Result<String, String> {
    let runs = [
        ("naive".to_owned(), &naive.timeline[..]),
        ("semaphore".to_owned(), &guarded.timeline[..]),
    ];
    let at = |t: &semaphore_kit::model::Tick| t.t_s;
    let band = config.outage.map(|(start, length)| Band {
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

/// Times one enter-and-leave through every gate, alone and with every core contending.
fn time_gates(ops: u64) -> Result<Value, String> {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut alone = Map::new();
    let mut contended = Map::new();
    for gate in gates() {
        alone.insert(
            gate.key().into(),
            json!(per_op_ns(1, ops, |n| gate_cycles(gate.as_ref(), n))),
        );
        contended.insert(
            gate.key().into(),
            json!(per_op_ns(threads, ops, |n| gate_cycles(gate.as_ref(), n))),
        );
    }
    // A call per acquire costs microseconds: a hundredth of the cycles says the same.
    let process_ops = (ops / 100).max(100);
    let process = ProcessSemaphore::new(1 << 20, threads)
        .map_err(|e| format!("could not start a cluster: {e}"))?;
    alone.insert(
        "process".into(),
        json!(per_op_ns(1, process_ops, |n| {
            std::hint::black_box(process.cycles(n));
        })),
    );
    contended.insert(
        "process".into(),
        json!(per_op_ns(threads, process_ops, |n| {
            std::hint::black_box(process.cycles(n));
        })),
    );
    Ok(json!({ "alone": alone, "contended": contended, "threads": threads }))
}

fn gate_ns(gates: &Value, mode: &str, key: &str) -> f64 {
    gates[mode][key].as_f64().unwrap_or(f64::NAN)
}

fn gate_checks(gates: &Value, checks: &mut Vec<Check>) {
    let uncontended =
        gate_ns(gates, "alone", "semaphore") / gate_ns(gates, "alone", "bare_atomic_pair");
    checks.push(Check::ratio_at_most(
        "uncontended try_acquire + release ÷ a bare fetch_add + fetch_sub",
        uncontended,
        bars::SEMAPHORE_OVER_BARE_PAIR,
    ));
    let versus_process =
        gate_ns(gates, "contended", "process") / gate_ns(gates, "contended", "semaphore");
    checks.push(Check::ratio_at_least(
        "every core contending: a semaphore run by a process ÷ the semaphore",
        versus_process,
        bars::PROCESS_OVER_SEMAPHORE,
    ));
}

/// The figures the BEAM side must report, for its three gates: Discord's Semaphore
/// (`:ets.update_counter` with a threshold), the same gate on `:atomics`, and one run by a
/// GenServer (a call per acquire).
const BEAM_FIGURES: [&str; 6] = [
    "gate_ns.alone.ets_update_counter",
    "gate_ns.alone.atomics",
    "gate_ns.alone.genserver",
    "gate_ns.contended.ets_update_counter",
    "gate_ns.contended.atomics",
    "gate_ns.contended.genserver",
];

fn beam_gate_checks(beam: &BeamRun, checks: &mut Vec<Check>) {
    let alone = |gate: &str| beam.figure(&format!("gate_ns.alone.{gate}"));
    checks.push(Check::ratio_at_least(
        "BEAM here, alone: a semaphore run by a GenServer ÷ `:ets.update_counter`",
        alone("genserver") / alone("ets_update_counter"),
        bars::BEAM_GENSERVER_OVER_ETS_UPDATE_COUNTER,
    ));
}

/// The BEAM's gate beside a Rust one: alone / contended (the semaphore's row shows Discord's
/// `:ets.update_counter` gate and the `:atomics` one).
fn beam_gate_cell(beam: Option<&BeamRun>, key: &str) -> Option<String> {
    let beam = beam?;
    let gate = |name: &str| {
        format!(
            "{} / {}",
            human_ns(beam.figure(&format!("gate_ns.alone.{name}"))),
            human_ns(beam.figure(&format!("gate_ns.contended.{name}")))
        )
    };
    match key {
        "semaphore" => Some(format!(
            "`:ets.update_counter` {}; `:atomics` {}",
            gate("ets_update_counter"),
            gate("atomics")
        )),
        "process" => Some(format!("GenServer {}", gate("genserver"))),
        _ => None,
    }
}

fn gate_table(gates: &Value, beam: Option<&BeamRun>) -> String {
    let names = [
        (
            "bare_atomic_pair",
            "bare `fetch_add` + `fetch_sub` (the floor, no limit)",
        ),
        ("semaphore", "this semaphore: `try_acquire` + release"),
        (
            "tokio_semaphore",
            "`tokio::sync::Semaphore`: `try_acquire` + release",
        ),
        ("mutex_counter", "a `Mutex<usize>` counter"),
        (
            "process",
            "a semaphore run by a process (a call per acquire)",
        ),
    ];
    let threads = gates["threads"].as_u64().unwrap_or(0);
    let mut rows: Vec<Vec<String>> = names
        .iter()
        .map(|(key, name)| {
            vec![
                (*name).into(),
                human_ns(gate_ns(gates, "alone", key)),
                human_ns(gate_ns(gates, "contended", key)),
            ]
        })
        .collect();
    let mut header: Vec<String> = vec![
        "one enter-and-leave".into(),
        "alone".into(),
        format!("{threads} threads at once (per op, per thread)"),
    ];
    let cells = names
        .iter()
        .map(|(key, _)| beam_gate_cell(beam, key))
        .collect();
    beam::add_column(beam, &mut header, &mut rows, 3, cells);
    let note = beam.map_or(String::new(), |beam| {
        format!(
            "\n*BEAM here: `beam/run semaphore`, alone / {} processes at once (per op, per \
             process), the median of 5 trials.*\n",
            beam.json()["contenders"]
        )
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    format!("\n{}{note}", markdown_table(&header, &rows))
}
