//! The figures of one case run with one strategy, as the scenario reports them
//! (`cases.<case>.strategies.<strategy>.<figure>`).

use semaphore_kit::model::{AdmissionCounts, AdmissionRun, AdmissionTick, Config};
use serde::Serialize;

use crate::cases::{Case, Scale, ideal_s};
use crate::strategies::Strategy;

/// Goodput at or above this fraction of capacity counts as recovered...
pub const RECOVERED_SHARE: f64 = 0.9;
/// ... once it has held for this many seconds, second by second.
pub const RECOVERED_HOLD_S: usize = 5;

// ANCHOR: figures
/// The figures of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Sessions that got all their calls answered, as a fraction of all of them.
    pub served_fraction: f64,
    /// When the last of them was served, in s; `None` if some never were.
    pub time_to_all_served_s: Option<f64>,
    /// The shortest time in which they all could have been ([`ideal_s`]).
    pub ideal_s: f64,
    /// `time_to_all_served_s ÷ ideal_s`; `None` if some were never served.
    pub time_over_ideal: Option<f64>,
    /// Goodput from the trigger's end to the end of the run, as a fraction of capacity.
    pub goodput_after_trigger_ratio: f64,
    /// Seconds from the trigger's end until goodput held at or above 90 % of capacity for 5 s,
    /// every second of them; `None` if it never did. A healthy run has work queued after every
    /// trigger here (sessions still to serve, retried background calls), so it works at capacity
    /// until that work is done; a collapsed one does not, however much work waits.
    pub recovery_s: Option<f64>,
    /// The 99th percentile of the wait at a registry of the requests it served, in ms.
    pub queue_delay_p99_ms: f64,
    /// The median of that wait, in ms.
    pub queue_delay_p50_ms: f64,
    /// Registry work spent on requests whose caller had given up, as a fraction of all its work.
    pub wasted_work_fraction: f64,
    /// High-priority calls (sessions' own joins) answered in time, as a fraction of those
    /// attempted: what a person waiting on a join sees as availability.
    pub high_priority_served_fraction: f64,
    /// The client's limit per (session node, registry), averaged over the run; `None` without one.
    pub mean_limit: Option<f64>,
    /// What the run counted (calls by outcome, registry work, waits).
    pub counts: AdmissionCounts,
}
// ANCHOR_END: figures

/// One case run with one strategy: its figures and its timeline.
#[derive(Clone, Debug, Serialize)]
pub struct CaseRun {
    /// The case.
    pub case: Case,
    /// The strategy.
    pub strategy: Strategy,
    /// The scale.
    pub scale: Scale,
    /// The figures.
    pub figures: Figures,
    /// One point per tick (100 ms): goodput (all, high), timeouts, rejections, sheds, registry
    /// queue, unread presence events, and the limit averaged over session nodes.
    pub timeline: Vec<AdmissionTick>,
}

/// Computes the figures of `run`, a run of `case` on `config`.
pub fn figures(case: Case, config: &Config, run: &AdmissionRun) -> Figures {
    let counts = &run.counts;
    let ideal = ideal_s(config);
    let (_, end) = case.trigger_s();
    let capacity = config.capacity_per_s();
    let after: Vec<&AdmissionTick> = run.timeline.iter().filter(|t| t.tick.t_s > end).collect();
    let goodput_after = after.iter().map(|t| t.tick.goodput_per_s).sum::<f64>()
        / after.len().max(1) as f64
        / capacity;
    let limits: Vec<f64> = run.timeline.iter().filter_map(|t| t.extra.limit).collect();
    let ratio = |part: u64, whole: u64| {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    };
    Figures {
        served_fraction: ratio(counts.sessions_served, counts.sessions),
        time_to_all_served_s: counts.time_to_all_served_s,
        ideal_s: ideal,
        time_over_ideal: counts.time_to_all_served_s.map(|t| t / ideal),
        goodput_after_trigger_ratio: goodput_after,
        recovery_s: recovery_s(config, &run.timeline, end),
        queue_delay_p99_ms: counts.wait_p99_ms,
        queue_delay_p50_ms: counts.wait_p50_ms,
        wasted_work_fraction: if counts.served == 0 {
            0.0
        } else {
            counts.served_for_nobody as f64 / counts.served as f64
        },
        high_priority_served_fraction: ratio(counts.high_replied, counts.high_attempted),
        mean_limit: (!limits.is_empty()).then(|| limits.iter().sum::<f64>() / limits.len() as f64),
        counts: counts.clone(),
    }
}

/// One of the scenario's bars, judged on a set of runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The bar, in words.
    pub bar: String,
    /// What the runs show.
    pub measured: String,
    /// Whether the bar holds.
    pub holds: bool,
}

/// The time-to-serve bar of the adaptive limiters: every session within this many ideals.
pub const ADAPTIVE_TIME_OVER_IDEAL: f64 = 1.5;
/// The priority bar: the best strategy's high-priority calls answered at least this often.
pub const HIGH_PRIORITY_SERVED: f64 = 0.99;

// ANCHOR: verdicts
/// The scenario's bars (issue "admission"), on the runs of every case with every strategy:
/// every pair present; after the spike, `unguarded` never recovers while some strategy does;
/// one adaptive limiter serves everyone within 1.5 × the ideal in both `stampede` and
/// `slowdown`; in `priority`, the best strategy answers ≥ 99 % of high-priority calls.
pub fn verdicts(runs: &[CaseRun]) -> Vec<Verdict> {
    let find = |case: Case, strategy: Strategy| {
        runs.iter()
            .find(|r| r.case == case && r.strategy == strategy)
    };
    let missing: Vec<String> = Case::ALL
        .iter()
        .flat_map(|&c| Strategy::ALL.iter().map(move |&s| (c, s)))
        .filter(|&(c, s)| find(c, s).is_none())
        .map(|(c, s)| format!("{}/{}", c.name(), s.name()))
        .collect();
    let spike = |s| find(Case::Spike, s).and_then(|r| r.figures.recovery_s);
    let recovered: Vec<&str> = Strategy::ALL
        .iter()
        .filter(|&&s| spike(s).is_some())
        .map(|s| s.name())
        .collect();
    let within = |case, s| {
        find(case, s)
            .and_then(|r| r.figures.time_over_ideal)
            .is_some_and(|t| t <= ADAPTIVE_TIME_OVER_IDEAL)
    };
    let adaptive: Vec<&str> = Strategy::ADAPTIVE
        .iter()
        .filter(|&&s| within(Case::Stampede, s) && within(Case::Slowdown, s))
        .map(|s| s.name())
        .collect();
    let best = Strategy::ALL
        .iter()
        .filter_map(|&s| find(Case::Priority, s))
        .map(|r| (r.figures.high_priority_served_fraction, r.strategy.name()))
        .fold(
            (0.0, "none"),
            |best, this| if this.0 > best.0 { this } else { best },
        );
    vec![
        Verdict {
            bar: "every case run with every strategy".into(),
            measured: format!("{} runs, missing: {missing:?}", runs.len()),
            holds: missing.is_empty(),
        },
        Verdict {
            bar: "spike: unguarded never recovers, at least one strategy does".into(),
            measured: format!(
                "unguarded recovery {:?}; recovered: {recovered:?}",
                spike(Strategy::Unguarded)
            ),
            holds: spike(Strategy::Unguarded).is_none() && !recovered.is_empty(),
        },
        Verdict {
            bar: format!(
                "an adaptive limiter serves everyone within {ADAPTIVE_TIME_OVER_IDEAL} × the \
                 ideal in stampede and slowdown"
            ),
            measured: format!("within in both: {adaptive:?}"),
            holds: !adaptive.is_empty(),
        },
        Verdict {
            bar: format!(
                "priority: the best strategy answers ≥ {HIGH_PRIORITY_SERVED} of high-priority calls"
            ),
            measured: format!("best: {} at {:.4}", best.1, best.0),
            holds: best.0 >= HIGH_PRIORITY_SERVED,
        },
    ]
}
// ANCHOR_END: verdicts

// ANCHOR: recovery
/// Seconds from `end` (the trigger's end) until goodput held at or above [`RECOVERED_SHARE`] of
/// capacity in each of [`RECOVERED_HOLD_S`] consecutive seconds; `None` if it never did.
pub fn recovery_s(config: &Config, timeline: &[AdmissionTick], end: f64) -> Option<f64> {
    let tick_s = config.tick.as_secs_f64();
    let per_second = (1.0 / tick_s).round().max(1.0) as usize;
    let first = timeline.iter().position(|t| t.tick.t_s > end + 1e-9)?;
    let second_holds = |from: usize| {
        let ticks = timeline.get(from..from + per_second)?;
        let mean = ticks.iter().map(|t| t.tick.goodput_per_s).sum::<f64>() / per_second as f64;
        let at = std::time::Duration::from_secs_f64(ticks[0].tick.t_s);
        let capacity = config.registries as f64 / config.service_time_at(at).as_secs_f64();
        Some(mean >= RECOVERED_SHARE * capacity)
    };
    (first..timeline.len())
        .find(|&i| (0..RECOVERED_HOLD_S).all(|k| second_holds(i + k * per_second) == Some(true)))
        .map(|i| (timeline[i].tick.t_s - tick_s - end).max(0.0))
}
// ANCHOR_END: recovery

#[cfg(test)]
mod tests {
    use super::*;
    use semaphore_kit::model::Tick;

    /// A timeline of 100 ms ticks with goodput `goodput(t_s)`.
    fn timeline(seconds: usize, goodput: impl Fn(f64) -> f64) -> Vec<AdmissionTick> {
        (1..=seconds * 10)
            .map(|i| {
                let t_s = i as f64 / 10.0;
                AdmissionTick {
                    tick: Tick {
                        t_s,
                        goodput_per_s: goodput(t_s),
                        timeouts_per_s: 0.0,
                        rejections_per_s: 0.0,
                        registry_queue: 0,
                        mailbox_backlog: 0,
                    },
                    extra: semaphore_kit::model::Extra {
                        shed_per_s: 0.0,
                        high_goodput_per_s: 0.0,
                        limit: None,
                    },
                }
            })
            .collect()
    }

    #[test]
    fn recovery_is_the_start_of_five_good_seconds_after_the_trigger() {
        let config = Case::Stampede.config(Scale::Quick); // capacity 100 calls/s
        let healthy = timeline(30, |t| if t > 12.0 { 95.0 } else { 10.0 });
        let recovered = recovery_s(&config, &healthy, 5.0).expect("recovered");
        assert!(
            (recovered - 7.0).abs() < 1e-9,
            "recovered after {recovered} s, not 7"
        );
        let short = timeline(30, |t| {
            if (12.0..16.0).contains(&t) {
                95.0
            } else {
                10.0
            }
        });
        assert_eq!(recovery_s(&config, &short, 5.0), None, "4 good seconds");
        let never = timeline(30, |_| 80.0);
        assert_eq!(recovery_s(&config, &never, 5.0), None, "80 % of capacity");
    }
}
