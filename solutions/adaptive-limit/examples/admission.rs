//! Runs the scenario "admission" (every case with every strategy) with the reference AIMD limiter
//! and prints one line per run; the workbook's `admission` scenario reports the same runs.
//!
//! `cargo run --release -p solution-adaptive-limit --example admission [quick|default] [threads]
//! [out.json]`

use std::time::Instant;

use adaptive_limit_kit::cases::Scale;
use adaptive_limit_kit::figures::verdicts;
use adaptive_limit_kit::strategies::run_all;
use solution_adaptive_limit::Aimd;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let scale = match args.get(1).map(String::as_str) {
        Some("quick") => Scale::Quick,
        _ => Scale::Default,
    };
    let threads = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(2);
    let began = Instant::now();
    let runs = run_all::<Aimd>(scale, threads)?;
    let wall = began.elapsed();
    let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
    println!(
        "{:<9} {:<13} {:>6} {:>7} {:>6} {:>6} {:>7} {:>9} {:>6} {:>6} {:>6}",
        "case",
        "strategy",
        "served",
        "all_s",
        "ideal",
        "good",
        "recov_s",
        "p99_ms",
        "waste",
        "high",
        "limit"
    );
    for run in &runs {
        let f = &run.figures;
        println!(
            "{:<9} {:<13} {:>6.3} {:>7} {:>6.1} {:>6.3} {:>7} {:>9.1} {:>6.3} {:>6.3} {:>6}",
            run.case.name(),
            run.strategy.name(),
            f.served_fraction,
            opt(f.time_to_all_served_s),
            f.ideal_s,
            f.goodput_after_trigger_ratio,
            opt(f.recovery_s),
            f.queue_delay_p99_ms,
            f.wasted_work_fraction,
            f.high_priority_served_fraction,
            opt(f.mean_limit),
        );
    }
    println!("{} runs in {wall:.1?} on {threads} threads", runs.len());
    for verdict in verdicts(&runs) {
        let mark = if verdict.holds { "holds" } else { "FAILS" };
        println!("{mark}: {} ({})", verdict.bar, verdict.measured);
    }
    if let Some(out) = args.get(3) {
        let json = serde_json::to_string(&runs).map_err(|e| e.to_string())?;
        std::fs::write(out, json).map_err(|e| e.to_string())?;
    }
    Ok(())
}
