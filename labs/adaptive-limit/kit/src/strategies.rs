//! The ten strategies of the scenario "admission", and the runner.
//!
//! Every strategy runs in every case with the same settings: none is tuned per case. The fixed
//! ones (`semaphore`, `tower`) have the blog's limit, sized for the registries' normal capacity
//! (25 per session node and registry); the adaptive ones share [`ADAPTIVE`].
//!
//! | strategy | where it acts | what it does |
//! | --- | --- | --- |
//! | `unguarded` | nowhere | every call goes to the registry (the blog's "before") |
//! | `semaphore` | client | the blog's fixed limit per (session node, registry) |
//! | `aimd` | client | AIMD limit (the lab: the learner's, or the reference one), partitioned |
//! | `vegas` | client | Vegas limit, partitioned |
//! | `gradient2` | client | Gradient2 limit, partitioned |
//! | `sre_throttle` | client | Google's adaptive throttling, K = 2 |
//! | `retry_budget` | client | retries capped at 20 % of first attempts (+ 10/s) |
//! | `codel_lifo` | registry | CoDel (target 5 ms, interval 100 ms) with adaptive LIFO |
//! | `deadline` | registry | requests past their caller's deadline are dropped unserved |
//! | `tower` | client | `ServiceBuilder::new().load_shed().concurrency_limit(25)` |
//!
//! "Partitioned": the adaptive limiters sit behind Netflix's partitioned gate, which keeps half of
//! each limit for high-priority calls ([`gate::LOW_SHARE`](crate::gate::LOW_SHARE)); the blog's
//! semaphore and tower's stack know no priority, as shipped.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use semaphore_kit::model::{Admission, Config, Discipline, simulate_admission};
use serde::Serialize;

use crate::cases::{Case, Scale};
use crate::clients::{Limited, RetryBudget, SreThrottle, Unguarded};
use crate::figures::{CaseRun, figures};
use crate::fixed::Fixed;
use crate::gradient2::Gradient2;
use crate::tower_client::Tower;
use crate::vegas::Vegas;
use crate::{AdaptiveLimiter, Settings};

/// One of the ten strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Every call goes to the registry.
    Unguarded,
    /// The blog's fixed semaphore.
    Semaphore,
    /// An AIMD limit: the lab's.
    Aimd,
    /// Netflix's Vegas limit.
    Vegas,
    /// Netflix's Gradient2 limit.
    Gradient2,
    /// Google's client-side throttling.
    SreThrottle,
    /// A retry budget.
    RetryBudget,
    /// CoDel with adaptive LIFO at the registry.
    CodelLifo,
    /// Deadlines carried by requests, enforced at the registry.
    Deadline,
    /// tower's ConcurrencyLimit + LoadShed.
    Tower,
}

// ANCHOR: adaptive
/// The settings of every adaptive limiter in every case and at every scale.
pub const ADAPTIVE: Settings = Settings {
    initial: 10.0,
    min: 1.0,
    max: 200.0,
    slow: Duration::from_millis(250),
    backoff: 0.5,
};
// ANCHOR_END: adaptive

/// Facebook's CoDel settings (folly's defaults).
pub const CODEL: Discipline = Discipline::CoDelLifo {
    target: Duration::from_millis(5),
    interval: Duration::from_millis(100),
};

impl Strategy {
    /// Every strategy, in the order of the chapter's tables.
    pub const ALL: [Strategy; 10] = [
        Strategy::Unguarded,
        Strategy::Semaphore,
        Strategy::Aimd,
        Strategy::Vegas,
        Strategy::Gradient2,
        Strategy::SreThrottle,
        Strategy::RetryBudget,
        Strategy::CodelLifo,
        Strategy::Deadline,
        Strategy::Tower,
    ];

    /// The adaptive limiters: the bar asks one of them to serve both `stampede` and `slowdown`.
    pub const ADAPTIVE: [Strategy; 3] = [Strategy::Aimd, Strategy::Vegas, Strategy::Gradient2];

    /// Its name in results and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Unguarded => "unguarded",
            Strategy::Semaphore => "semaphore",
            Strategy::Aimd => "aimd",
            Strategy::Vegas => "vegas",
            Strategy::Gradient2 => "gradient2",
            Strategy::SreThrottle => "sre_throttle",
            Strategy::RetryBudget => "retry_budget",
            Strategy::CodelLifo => "codel_lifo",
            Strategy::Deadline => "deadline",
            Strategy::Tower => "tower",
        }
    }
}

/// What every case shares: the strategies' settings (`parameters` in the results).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyParameters {
    /// The scale of every case.
    pub scale: Scale,
    /// The settings of every adaptive limiter (AIMD, Vegas, Gradient2).
    pub adaptive: Settings,
    /// The share of a partitioned limit low-priority calls may fill.
    pub low_share: f64,
    /// The limit of the blog's semaphore and of tower's stack, per (session node, registry).
    pub fixed_limit: usize,
    /// Vegas's α and β (estimated queue) and its minRTT probe (every `probe × limit` samples).
    pub vegas_alpha_beta_probe: [f64; 3],
    /// Gradient2's tolerance, headroom, smoothing and long-term window.
    pub gradient2_tolerance_queue_smoothing_window: [f64; 4],
    /// CoDel's target and interval, in ms.
    pub codel_target_interval_ms: [f64; 2],
    /// The SRE throttle's K and its history in s.
    pub sre_k_window_s: [f64; 2],
    /// The retry budget's ratio, minimum retries per second, and memory in s.
    pub budget_ratio_min_per_s_window_s: [f64; 3],
}

impl StrategyParameters {
    /// The parameters at `scale`.
    pub fn at(scale: Scale) -> StrategyParameters {
        use crate::clients::{
            BUDGET_MIN_PER_S, BUDGET_RATIO, BUDGET_WINDOW_S, SRE_K, SRE_WINDOW_S,
        };
        use crate::{gradient2, vegas};
        let Discipline::CoDelLifo { target, interval } = CODEL else {
            unreachable!("CODEL is a CoDel discipline")
        };
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        StrategyParameters {
            scale,
            adaptive: ADAPTIVE,
            low_share: crate::gate::LOW_SHARE,
            fixed_limit: Case::Stampede.config(scale).limit,
            vegas_alpha_beta_probe: [vegas::ALPHA, vegas::BETA, vegas::PROBE],
            gradient2_tolerance_queue_smoothing_window: [
                gradient2::TOLERANCE,
                gradient2::QUEUE,
                gradient2::SMOOTHING,
                gradient2::LONG_WINDOW as f64,
            ],
            codel_target_interval_ms: [ms(target), ms(interval)],
            sre_k_window_s: [SRE_K, SRE_WINDOW_S as f64],
            budget_ratio_min_per_s_window_s: [
                BUDGET_RATIO,
                BUDGET_MIN_PER_S,
                BUDGET_WINDOW_S as f64,
            ],
        }
    }
}

/// The blog's semaphore as settings: its limit, fixed.
pub fn fixed_settings(config: &Config) -> Settings {
    let limit = config.limit as f64;
    Settings {
        initial: limit,
        min: limit,
        max: limit,
        ..ADAPTIVE
    }
}

// ANCHOR: run_case
/// Runs `case` at `scale` with `strategy`; `L` is the AIMD limiter the `aimd` strategy uses (the
/// learner's, or the reference one). Errors are broken conservation laws, in one sentence.
pub fn run_case<L: AdaptiveLimiter>(
    case: Case,
    strategy: Strategy,
    scale: Scale,
) -> Result<CaseRun, String> {
    let mut config = case.config(scale);
    match strategy {
        Strategy::CodelLifo => config.discipline = CODEL,
        Strategy::Deadline => config.discipline = Discipline::Deadline,
        _ => {}
    }
    let run = match strategy {
        Strategy::Unguarded | Strategy::CodelLifo | Strategy::Deadline => {
            simulate_admission(&config, Unguarded)
        }
        Strategy::Semaphore => simulate(&config, |c| {
            Limited::<Fixed>::new(c, &fixed_settings(c), false)
        }),
        Strategy::Aimd => simulate(&config, |c| Limited::<L>::new(c, &ADAPTIVE, true)),
        Strategy::Vegas => simulate(&config, |c| Limited::<Vegas>::new(c, &ADAPTIVE, true)),
        Strategy::Gradient2 => simulate(&config, |c| Limited::<Gradient2>::new(c, &ADAPTIVE, true)),
        Strategy::SreThrottle => simulate(&config, SreThrottle::new),
        Strategy::RetryBudget => simulate(&config, RetryBudget::new),
        Strategy::Tower => simulate(&config, |c| Tower::new(c, c.limit)),
    }
    .map_err(|broken| format!("{} with {}: {broken}", case.name(), strategy.name()))?;
    Ok(CaseRun {
        case,
        strategy,
        scale,
        figures: figures(case, &config, &run),
        timeline: run.timeline,
    })
}
// ANCHOR_END: run_case

fn simulate<A: Admission>(
    config: &Config,
    make: impl FnOnce(&Config) -> A,
) -> Result<semaphore_kit::model::AdmissionRun, String> {
    simulate_admission(config, make(config))
}

/// Runs every case with every strategy at `scale` on `threads` threads (each run is
/// single-threaded virtual time), in the order of [`Case::ALL`] × [`Strategy::ALL`].
pub fn run_all<L: AdaptiveLimiter>(scale: Scale, threads: usize) -> Result<Vec<CaseRun>, String> {
    let jobs: Vec<(Case, Strategy)> = Case::ALL
        .iter()
        .flat_map(|&case| Strategy::ALL.iter().map(move |&strategy| (case, strategy)))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<CaseRun, String>>>> =
        Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(case, strategy)) = jobs.get(i) else {
                        break;
                    };
                    let run = run_case::<L>(case, strategy, scale);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(run);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|run| run.unwrap_or_else(|| Err("a run never finished".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::ideal_s;
    use crate::vegas::Vegas;

    #[test]
    fn the_ideals_are_the_stampedes_and_the_slowed_ones() {
        let stampede = Case::Stampede.config(Scale::Default);
        assert!((ideal_s(&stampede) - stampede.ideal_s()).abs() < 0.01);
        // 48,000 calls by 30 s, 24,000 more by 60 s at half speed, 28,000 at 1,600/s after.
        assert!((ideal_s(&Case::Slowdown.config(Scale::Default)) - 77.5).abs() < 0.01);
        // The burst starts at 10 s; its 60,000 calls take 60 s at the 1,000 calls/s left.
        assert!((ideal_s(&Case::Spike.config(Scale::Default)) - 70.0).abs() < 0.01);
    }

    #[test]
    fn tower_behaves_as_the_blogs_semaphore() {
        let tower = run_case::<Vegas>(Case::Stampede, Strategy::Tower, Scale::Quick).unwrap();
        let semaphore =
            run_case::<Vegas>(Case::Stampede, Strategy::Semaphore, Scale::Quick).unwrap();
        assert_eq!(tower.figures, semaphore.figures);
    }

    #[test]
    fn after_the_spike_unguarded_never_recovers_and_the_semaphore_does() {
        let run = |strategy| run_case::<Vegas>(Case::Spike, strategy, Scale::Quick).unwrap();
        assert_eq!(run(Strategy::Unguarded).figures.recovery_s, None);
        assert!(run(Strategy::Semaphore).figures.recovery_s.is_some());
    }

    #[test]
    fn a_partitioned_limiter_keeps_high_priority_available_through_the_low_spike() {
        let run = |strategy| run_case::<Vegas>(Case::Priority, strategy, Scale::Quick).unwrap();
        assert!(run(Strategy::Vegas).figures.high_priority_served_fraction >= 0.99);
        assert!(
            run(Strategy::Semaphore)
                .figures
                .high_priority_served_fraction
                < 0.99
        );
    }
}
