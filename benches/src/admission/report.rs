//! The `admission` scenario's results: `cases.<case>.strategies.<strategy>.<figure>` with each run's
//! limit timeline (one point a second), one table per case (seven columns, a caption above each),
//! and the goodput timelines of four strategies in each case, plus the adaptive limits in the
//! slowdown.

use adaptive_limit_kit::cases::{Case, CaseParameters, Scale};
use adaptive_limit_kit::figures::CaseRun;
use adaptive_limit_kit::strategies::{Strategy, StrategyParameters};
use serde_json::{Map, Value, json};

use crate::common::plot_lines::{Axis, Band, LineChart, Series, line_charts, timeline};
use crate::common::report::captioned_table;
use crate::common::units::count;

/// Samples per second in the model's timeline (a tick every 100 ms); the results keep one a second.
const TICKS_PER_S: usize = 10;

/// The strategies each case's chart draws: no guard, the blog's fixed semaphore, one adaptive
/// limiter and the registry-side discipline.
const DRAWN: [Strategy; 4] = [
    Strategy::Unguarded,
    Strategy::Semaphore,
    Strategy::Aimd,
    Strategy::CodelLifo,
];
/// The adaptive limiters, whose limit the slowdown's chart follows.
const ADAPTIVE: [Strategy; 3] = [Strategy::Aimd, Strategy::Vegas, Strategy::Gradient2];

fn run(runs: &[CaseRun], case: Case, strategy: Strategy) -> Option<&CaseRun> {
    runs.iter()
        .find(|r| r.case == case && r.strategy == strategy)
}

/// `(t, value)` once a second from a run's timeline.
fn per_second(
    run: &CaseRun,
    value: impl Fn(&semaphore_kit::model::AdmissionTick) -> Option<f64>,
) -> Vec<(f64, f64)> {
    run.timeline
        .iter()
        .step_by(TICKS_PER_S)
        .filter_map(|tick| Some((tick.tick.t_s, value(tick)?)))
        .collect()
}

/// The figures as `admission.json` has them.
pub fn figures(runs: &[CaseRun], scale: Scale) -> Result<Map<String, Value>, String> {
    let mut cases = Map::new();
    for case in Case::ALL {
        let mut strategies = Map::new();
        for strategy in Strategy::ALL {
            let Some(r) = run(runs, case, strategy) else {
                continue;
            };
            let mut figures = serde_json::to_value(&r.figures).map_err(|e| e.to_string())?;
            let limit = per_second(r, |t| t.extra.limit);
            figures["limit_timeline"] = json!(limit);
            strategies.insert(strategy.name().to_owned(), figures);
        }
        let parameters =
            serde_json::to_value(CaseParameters::of(case, scale)).map_err(|e| e.to_string())?;
        cases.insert(
            case.name().to_owned(),
            json!({ "parameters": parameters, "strategies": strategies }),
        );
    }
    let mut figures = Map::new();
    figures.insert("cases".into(), Value::Object(cases));
    figures.insert(
        "strategy_settings".into(),
        json!(StrategyParameters::at(scale)),
    );
    Ok(figures)
}

/// What each case is, for its table's caption.
fn about(case: Case) -> &'static str {
    match case {
        Case::Stampede => "the blog's stampede: every session reconnects within a second",
        Case::Slowdown => "the registries' calls take twice as long from 30 s to 60 s",
        Case::Spike => "a 10 s burst of reconnects over a steady load, then the steady load alone",
        Case::Priority => "sessions' joins (high) beside background fetches (low) that surge 12×",
    }
}

/// One table per case, each with its caption.
pub fn tables(runs: &[CaseRun]) -> String {
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("never".to_owned(), f);
    let mut out = String::new();
    for case in Case::ALL {
        let rows: Vec<Vec<String>> = Strategy::ALL
            .iter()
            .filter_map(|&s| run(runs, case, s))
            .map(|r| {
                let f = &r.figures;
                vec![
                    r.strategy.name().to_owned(),
                    format!("{:.1} %", f.served_fraction * 100.0),
                    opt(f.time_over_ideal, &|v| format!("{v:.2}×")),
                    opt(f.recovery_s, &|v| format!("{v:.1} s")),
                    format!("{} ms", count(f.queue_delay_p99_ms)),
                    format!("{:.1} %", f.wasted_work_fraction * 100.0),
                    format!("{:.1} %", f.high_priority_served_fraction * 100.0),
                ]
            })
            .collect();
        let ideal = runs
            .iter()
            .find(|r| r.case == case)
            .map_or(0.0, |r| r.figures.ideal_s);
        let caption = format!(
            "case `{}`, {} (all served ÷ the ideal {ideal:.1} s; recovery from the trigger's end).",
            case.name(),
            about(case)
        );
        out += &captioned_table(
            &caption,
            &[
                "strategy",
                "served",
                "all served",
                "recovery",
                "wait p99",
                "wasted",
                "joins answered",
            ],
            &rows,
        );
        out += "\n";
    }
    out
}

/// Goodput against virtual time in each case for [`DRAWN`], the trigger shaded; then the limit
/// of each adaptive limiter through the slowdown; one chart a row.
pub fn plot(runs: &[CaseRun]) -> Result<String, String> {
    let mut charts = Vec::new();
    for case in Case::ALL {
        let series = DRAWN
            .iter()
            .filter_map(|&s| run(runs, case, s))
            .map(|r| {
                Series::line(
                    r.strategy.name(),
                    per_second(r, |t| Some(t.tick.goodput_per_s)),
                )
            })
            .collect();
        let mut chart = timeline(
            format!("Goodput, case {}", case.name()),
            Axis::linear("calls answered in time per s", count),
            series,
        );
        let (from, to) = case.trigger_s();
        chart.band = (to > from).then(|| Band {
            from,
            to,
            label: "trigger".into(),
        });
        charts.push(chart);
    }
    let limits: Vec<Series> = ADAPTIVE
        .iter()
        .filter_map(|&s| run(runs, Case::Slowdown, s))
        .map(|r| Series::line(r.strategy.name(), per_second(r, |t| t.extra.limit)))
        .collect();
    let mut limit: LineChart = timeline(
        "The limit through the slowdown".into(),
        Axis::linear("calls in flight allowed", count),
        limits,
    );
    let (from, to) = Case::Slowdown.trigger_s();
    limit.band = Some(Band {
        from,
        to,
        label: "slower registries".into(),
    });
    charts.push(limit);
    // One chart a row, each as wide as the book's column, so its text is not shrunk.
    line_charts(&charts)
}
