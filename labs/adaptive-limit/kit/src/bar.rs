//! The lab's bar: your AIMD limiter, behind the partitioned gate of every (session node,
//! registry), serves every session of the `slowdown` case (default scale: 20,000 sessions, 2
//! registries whose calls take twice as long from 30 s to 60 s) within [`TIME_OVER_IDEAL`] × the
//! ideal time.
//!
//! A fixed limit sized for the normal capacity queues twice as long during the slowdown; one
//! sized for the slowdown turns away work the rest of the time. An adaptive limit should do
//! neither. The workbook's `admission::lab::bar` wraps [`measure`]; the lab crate's
//! `examples/bar.rs` calls that on your limiter (`cargo run --release -p lab-adaptive-limit
//! --features bar --example bar`).

use crate::AdaptiveLimiter;
use crate::cases::{Case, Scale};
use crate::strategies::{Strategy, run_case};

/// The bar: every session served within this many times the ideal time.
pub const TIME_OVER_IDEAL: f64 = 1.5;

/// What [`measure`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// Whether the bar was reached.
    pub reached: bool,
    /// The time to serve everyone over the ideal; `None` if some were never served.
    pub time_over_ideal: Option<f64>,
    /// What was measured against the bar, in a few words.
    pub words: String,
}

/// Runs the `slowdown` case at default scale with `L` as the `aimd` strategy's limiter.
pub fn measure<L: AdaptiveLimiter>() -> Result<Measured, String> {
    let run = run_case::<L>(Case::Slowdown, Strategy::Aimd, Scale::Default)?;
    let figures = &run.figures;
    let ratio = figures.time_over_ideal;
    let words = match (figures.time_to_all_served_s, ratio) {
        (Some(took), Some(ratio)) => format!(
            "slowdown: all served at {took:.1} s, {ratio:.2} × the ideal {:.1} s (bar \
             {TIME_OVER_IDEAL} ×); limit averaged {:.1}, queue delay p99 {:.0} ms",
            figures.ideal_s,
            figures.mean_limit.unwrap_or(0.0),
            figures.queue_delay_p99_ms
        ),
        _ => format!(
            "slowdown: {:.1} % served by the end (bar: all, within {TIME_OVER_IDEAL} × the ideal \
             {:.1} s); limit averaged {:.1}",
            figures.served_fraction * 100.0,
            figures.ideal_s,
            figures.mean_limit.unwrap_or(0.0)
        ),
    };
    Ok(Measured {
        reached: ratio.is_some_and(|r| r <= TIME_OVER_IDEAL),
        time_over_ideal: ratio,
        words,
    })
}
