//! The four cases of the scenario "admission", all on the stampede's model.
//!
//! | case | what happens | its trigger |
//! | --- | --- | --- |
//! | `stampede` | the blog's: every session reconnects within 1 s, 20 % background load | the arrivals (0–1 s) |
//! | `slowdown` | the same stampede; the registries' service time doubles 30 s in, for 30 s | the slowdown (30–60 s) |
//! | `spike` | a steady load of half the capacity; at 10 s a 10 s burst of reconnects at 3 × capacity | the burst (10–20 s) |
//! | `priority` | 10 % of calls are sessions' own joins (high), 90 % background fetches (low); the low class spikes 12 × for 20 s | the spike (30–50 s) |
//!
//! `spike` is the metastability test: once the burst is over the load is back under capacity, so
//! a system that stays down is held down by its own retries. `priority` is Netflix's case.
//!
//! Two scales: [`Scale::Default`] (20,000 sessions on 2 registries of 1 ms a call: the semaphore
//! lab's bar), and [`Scale::Quick`] (a twentieth of the sessions on 1 registry of 10 ms a call:
//! the same proportions, fast enough for a debug test suite).

use std::time::Duration;

use semaphore_kit::model::{Config, Surge};
use serde::Serialize;

/// One of the four cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// The blog's stampede.
    Stampede,
    /// The stampede, with the registries twice as slow from 30 s to 60 s.
    Slowdown,
    /// A burst of reconnects over a steady load: the metastability test.
    Spike,
    /// A 12× spike of low-priority calls beside the high-priority ones.
    Priority,
}

/// How big a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 20,000 sessions, 2 registries of 1 ms a call (2,000 calls/s).
    Default,
    /// 1,000 sessions, 1 registry of 10 ms a call (100 calls/s): the same proportions.
    Quick,
}

/// The slowdown's factor, start and length.
pub const SLOWDOWN: (f64, Duration, Duration) =
    (2.0, Duration::from_secs(30), Duration::from_secs(30));
/// The spike's burst: reconnects at this many times capacity, from its start for its length.
pub const BURST: (f64, Duration, Duration) =
    (3.0, Duration::from_secs(10), Duration::from_secs(10));
/// The steady load under the spike's burst, as a fraction of capacity.
pub const SPIKE_STEADY_LOAD: f64 = 0.5;
/// The priority case's low-priority spike: its factor, start and length.
pub const LOW_SPIKE: (f64, Duration, Duration) =
    (12.0, Duration::from_secs(30), Duration::from_secs(20));
/// The priority case's normal load as a fraction of capacity, and the high class's share of it.
pub const PRIORITY_LOAD: (f64, f64) = (0.5, 0.1);

impl Case {
    /// Every case, in the order of the chapter.
    pub const ALL: [Case; 4] = [Case::Stampede, Case::Slowdown, Case::Spike, Case::Priority];

    /// Its name in results and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Case::Stampede => "stampede",
            Case::Slowdown => "slowdown",
            Case::Spike => "spike",
            Case::Priority => "priority",
        }
    }

    /// The model's config for this case at `scale` (with the limit of the blog's semaphore).
    pub fn config(self, scale: Scale) -> Config {
        let (sessions, registries, service_ms) = match scale {
            Scale::Default => (20_000, 2, 1),
            Scale::Quick => (1_000, 1, 10),
        };
        let base = Config {
            service_time: Duration::from_millis(service_ms),
            ..Config::stampede(sessions, registries)
        };
        let capacity = base.capacity_per_s();
        let calls = f64::from(base.calls_per_session);
        match self {
            Case::Stampede => base,
            Case::Slowdown => {
                let (factor, start, length) = SLOWDOWN;
                Config {
                    slowdown: Some(Surge {
                        start,
                        length,
                        factor,
                    }),
                    ..base
                }
            }
            Case::Spike => {
                let (factor, start, length) = BURST;
                // Sessions × calls over the burst's length = factor × capacity.
                let burst = factor * capacity * length.as_secs_f64() / calls;
                Config {
                    sessions: burst.round() as usize,
                    arrival_delay: start,
                    arrival_window: length,
                    background_load: SPIKE_STEADY_LOAD,
                    background_sessions: sessions,
                    ..base
                }
            }
            Case::Priority => {
                let (factor, start, length) = LOW_SPIKE;
                let (load, high_share) = PRIORITY_LOAD;
                let window = Duration::from_secs(100);
                let high = load * high_share * capacity * window.as_secs_f64() / calls;
                Config {
                    sessions: high.round() as usize,
                    arrival_window: window,
                    background_load: load * (1.0 - high_share),
                    background_sessions: sessions,
                    background_surge: Some(Surge {
                        start,
                        length,
                        factor,
                    }),
                    ..base
                }
            }
        }
    }

    /// When the case's trigger starts and ends, in seconds since the start of the run.
    pub fn trigger_s(self) -> (f64, f64) {
        let window = |(_, start, length): (f64, Duration, Duration)| {
            (start.as_secs_f64(), (start + length).as_secs_f64())
        };
        match self {
            Case::Stampede => (0.0, 1.0),
            Case::Slowdown => window(SLOWDOWN),
            Case::Spike => window(BURST),
            Case::Priority => window(LOW_SPIKE),
        }
    }
}

/// The shortest time in which every session could be served: its calls, as the sessions
/// arrive, at the capacity the steady background load leaves (a surge of background calls is
/// exactly what a perfect admission would shed, so it is not counted), slowed by the slowdown.
/// For the blog's stampede this is `Config::ideal_s`, to the millisecond.
pub fn ideal_s(config: &Config) -> f64 {
    const STEP: f64 = 0.001;
    let total = config.sessions as f64 * f64::from(config.calls_per_session);
    let (delay, window) = (
        config.arrival_delay.as_secs_f64(),
        config.arrival_window.as_secs_f64(),
    );
    let spare = 1.0 - config.background_load;
    let (mut served, mut t) = (0.0, 0.0);
    while served < total && t < 100.0 * config.duration.as_secs_f64() {
        let arrived = total * ((t + STEP - delay) / window).clamp(0.0, 1.0);
        let rate = spare * config.registries as f64
            / config
                .service_time
                .mul_f64(slowdown_factor(config, t))
                .as_secs_f64();
        served = arrived.min(served + rate * STEP);
        t += STEP;
    }
    t
}

fn slowdown_factor(config: &Config, t: f64) -> f64 {
    config.slowdown.map_or(1.0, |slow| {
        if slow.covers(Duration::from_secs_f64(t)) {
            slow.factor
        } else {
            1.0
        }
    })
}

/// What a case's results record about it (`cases.<case>.parameters`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseParameters {
    /// The case.
    pub case: Case,
    /// Its scale.
    pub scale: Scale,
    /// Sessions that connect (each makes `calls_per_session` high-priority calls).
    pub sessions: usize,
    /// Calls each session makes, one after another.
    pub calls_per_session: u32,
    /// Guild registries.
    pub registries: usize,
    /// Session nodes (a client keeps one limit per session node and registry).
    pub session_nodes: usize,
    /// Work per call, in ms, outside the slowdown.
    pub service_time_ms: f64,
    /// Calls per second all registries serve together, outside the slowdown.
    pub capacity_calls_per_s: f64,
    /// The steady background (low-priority) load, as a fraction of capacity.
    pub background_load: f64,
    /// Sessions arrive from this moment...
    pub arrival_start_s: f64,
    /// ... over this many seconds.
    pub arrival_window_s: f64,
    /// The caller's timeout and backoff, in s.
    pub call_timeout_s: f64,
    /// See `call_timeout_s`.
    pub backoff_s: f64,
    /// The slowdown, if any: `[start_s, length_s, factor]`.
    pub slowdown: Option<[f64; 3]>,
    /// The background surge, if any: `[start_s, length_s, factor]`.
    pub background_surge: Option<[f64; 3]>,
    /// The trigger: `[start_s, end_s]`.
    pub trigger_s: [f64; 2],
    /// The shortest time to serve every session ([`ideal_s`]).
    pub ideal_s: f64,
    /// Virtual seconds simulated.
    pub duration_s: f64,
}

impl CaseParameters {
    /// The parameters of `case` at `scale`.
    pub fn of(case: Case, scale: Scale) -> CaseParameters {
        let config = case.config(scale);
        let surge =
            |s: Option<Surge>| s.map(|s| [s.start.as_secs_f64(), s.length.as_secs_f64(), s.factor]);
        let (start, end) = case.trigger_s();
        CaseParameters {
            case,
            scale,
            sessions: config.sessions,
            calls_per_session: config.calls_per_session,
            registries: config.registries,
            session_nodes: config.session_nodes,
            service_time_ms: config.service_time.as_secs_f64() * 1000.0,
            capacity_calls_per_s: config.capacity_per_s(),
            background_load: config.background_load,
            arrival_start_s: config.arrival_delay.as_secs_f64(),
            arrival_window_s: config.arrival_window.as_secs_f64(),
            call_timeout_s: config.call_timeout.as_secs_f64(),
            backoff_s: config.backoff.as_secs_f64(),
            slowdown: surge(config.slowdown),
            background_surge: surge(config.background_surge),
            trigger_s: [start, end],
            ideal_s: ideal_s(&config),
            duration_s: config.duration.as_secs_f64(),
        }
    }
}
