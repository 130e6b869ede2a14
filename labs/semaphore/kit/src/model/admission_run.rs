//! An admission run: the stampede's world with [`Job`](super::Job) registries and an
//! [`Admission`] client, and what it counted, checked for conservation.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use serde::Serialize;

use super::admission::{Admission, ByAdmission};
use super::config::Config;
use super::metrics::{Extra, Metrics, Tick};
use super::queue::{Schedule, serve_jobs};
use super::{Trace, run_world};

/// One point of an admission run's timeline: the stampede's [`Tick`] and what admission adds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AdmissionTick {
    /// Goodput, timeouts, rejections, queue and mailboxes, as in the stampede.
    #[serde(flatten)]
    pub tick: Tick,
    /// Shed calls, high-priority goodput and the client's limit.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What an admission run counted, for its client's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdmissionCounts {
    /// Sessions that reconnect (each makes `calls_per_session` high-priority calls).
    pub sessions: u64,
    /// Sessions that got all their calls answered.
    pub sessions_served: u64,
    /// When the last of them was served, in seconds; `None` if some never were.
    pub time_to_all_served_s: Option<f64>,
    /// Calls attempted: replied + rejected + shed + timed out + still in flight.
    pub attempted: u64,
    /// Calls replied in time.
    pub replied: u64,
    /// Calls the client refused to send.
    pub rejected: u64,
    /// Calls a registry turned away unserved while their caller waited.
    pub shed: u64,
    /// Calls that timed out.
    pub timed_out: u64,
    /// Calls still waiting when the run ended.
    pub in_flight_at_end: u64,
    /// High-priority calls (sessions' own joins) attempted, and replied in time.
    pub high_attempted: u64,
    /// See `high_attempted`.
    pub high_replied: u64,
    /// Requests the registries served (each costing its full service time).
    pub served: u64,
    /// Of those, requests served for a caller that had already given up: wasted work.
    pub served_for_nobody: u64,
    /// Requests the registries dropped unserved because their deadline had passed.
    pub expired: u64,
    /// Background calls that never started because every connected session was blocked.
    pub background_suppressed: u64,
    /// The median wait at a registry of the requests it served, in ms.
    pub wait_p50_ms: f64,
    /// The 99th percentile of that wait, in ms.
    pub wait_p99_ms: f64,
}

/// What an admission run produced.
#[derive(Clone, Debug, Serialize)]
pub struct AdmissionRun {
    /// One sample per tick.
    pub timeline: Vec<AdmissionTick>,
    /// The totals.
    pub counts: AdmissionCounts,
}

// ANCHOR: simulate_admission
/// Runs one admission simulation: the stampede's sessions and background load calling
/// registries that read [`Job`](super::Job)s, slow down as `config.slowdown` says and pick
/// requests by `config.discipline`, through `admission`. Checks the same conservation laws as
/// [`simulate`](super::simulate), and that every call the cluster carried is accounted for.
pub fn simulate_admission<A: Admission>(
    config: &Config,
    admission: A,
) -> Result<AdmissionRun, String> {
    let trace = run_world(config, |cluster, metrics| {
        let guild_nodes = config.guild_nodes();
        let schedule = Schedule::new(config);
        let registries = (0..config.registries)
            .map(|index| {
                let metrics = Arc::clone(metrics);
                cluster
                    .node(index % guild_nodes)
                    .spawn(move |inbox| serve_jobs(inbox, index, schedule, metrics))
            })
            .collect();
        ByAdmission {
            admission,
            registries,
        }
    })?;
    summarize(config, trace)
}
// ANCHOR_END: simulate_admission

fn summarize(config: &Config, trace: Trace) -> Result<AdmissionRun, String> {
    let Trace {
        timeline,
        extras,
        finished,
        metrics,
        stats,
    } = trace;
    let counts = counts(config, &metrics);
    let sent = counts.replied + counts.shed + counts.timed_out;
    let broken = if finished != counts.sessions_served {
        Some(format!(
            "{} of {} sessions were lost: their tasks ended without being served (did the client \
             panic?)",
            finished.saturating_sub(counts.sessions_served),
            counts.sessions
        ))
    } else if counts.timed_out != stats.timeouts
        || counts.replied + counts.shed > stats.replies
        || stats.replies > counts.replied + counts.shed + counts.in_flight_at_end
    {
        Some(format!(
            "calls do not add up: the client reported {} replied, {} shed and {} timed out; the \
             cluster delivered {} replies and counted {} timeouts",
            counts.replied, counts.shed, counts.timed_out, stats.replies, stats.timeouts
        ))
    } else if sent > stats.calls || stats.calls > sent + counts.in_flight_at_end {
        Some(format!(
            "calls do not add up: the client reported {sent} calls sent that ended (replied, shed \
             or timed out) and {} in flight; the cluster carried {}",
            counts.in_flight_at_end, stats.calls
        ))
    } else if counts.served + metrics.shed_sent.load(Relaxed) + counts.expired > stats.calls {
        Some(format!(
            "the registries handled more requests ({} served, {} shed, {} expired) than were sent \
             ({})",
            counts.served,
            metrics.shed_sent.load(Relaxed),
            counts.expired,
            stats.calls
        ))
    } else {
        None
    };
    if let Some(broken) = broken {
        return Err(broken);
    }
    let timeline = timeline
        .into_iter()
        .zip(extras)
        .map(|(tick, extra)| AdmissionTick { tick, extra })
        .collect();
    Ok(AdmissionRun { timeline, counts })
}

fn counts(config: &Config, metrics: &Metrics) -> AdmissionCounts {
    let load = |counter: &std::sync::atomic::AtomicU64| counter.load(Relaxed);
    let (replied, rejected, shed, timed_out) = (
        load(&metrics.replied),
        load(&metrics.rejected),
        load(&metrics.shed),
        load(&metrics.timed_out),
    );
    let in_flight = metrics.blocked();
    let served_sessions = load(&metrics.sessions_served);
    let sessions = config.sessions as u64;
    let mut waits = std::mem::take(
        &mut *metrics
            .waits_us
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
    waits.sort_unstable();
    let quantile = |q: f64| match waits.len() {
        0 => 0.0,
        n => f64::from(waits[((n - 1) as f64 * q).round() as usize]) / 1000.0,
    };
    AdmissionCounts {
        sessions,
        sessions_served: served_sessions,
        time_to_all_served_s: (served_sessions == sessions)
            .then(|| load(&metrics.last_served_ms) as f64 / 1000.0),
        attempted: replied + rejected + shed + timed_out + in_flight,
        replied,
        rejected,
        shed,
        timed_out,
        in_flight_at_end: in_flight,
        high_attempted: load(&metrics.high_attempted),
        high_replied: load(&metrics.high_replied),
        served: load(&metrics.served),
        served_for_nobody: load(&metrics.served_for_nobody),
        expired: load(&metrics.expired),
        background_suppressed: load(&metrics.background_suppressed),
        wait_p50_ms: quantile(0.5),
        wait_p99_ms: quantile(0.99),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use cluster::{Node, Pid};

    use super::super::{
        Admission, Admit, Call, Discipline, Ended, Job, Surge, call_admit, simulate,
    };
    use super::*;
    use crate::naive::Unguarded;

    /// Always calls, as the naive client does.
    struct Plain;

    impl Admission for Plain {
        async fn call(&self, node: &Node, to: Pid<Admit>, _: Call, job: Job, t: Duration) -> Ended {
            call_admit(node, to, job, t).await
        }
    }

    #[test]
    fn a_fifo_admission_run_is_the_stampede() {
        let config = Config::small_stampede();
        let stampede = simulate(&config, Unguarded).expect("the stampede conserves");
        let admission = simulate_admission(&config, Plain).expect("the admission run conserves");
        let (s, a) = (&stampede.figures, &admission.counts);
        assert_eq!(
            (s.replied, s.rejected, s.timed_out, s.in_flight_at_end),
            (a.replied, a.rejected, a.timed_out, a.in_flight_at_end)
        );
        assert_eq!(s.time_to_all_served_s, a.time_to_all_served_s);
        let ticks: Vec<Tick> = admission.timeline.iter().map(|t| t.tick).collect();
        assert_eq!(stampede.timeline, ticks);
    }

    #[test]
    fn the_stampedes_simulate_refuses_what_only_admission_runs_model() {
        let slow = Config {
            slowdown: Some(Surge {
                start: Duration::ZERO,
                length: Duration::from_secs(1),
                factor: 2.0,
            }),
            ..Config::small_stampede()
        };
        assert!(simulate(&slow, Unguarded).is_err());
        let codel = Config {
            discipline: Discipline::Deadline,
            ..Config::small_stampede()
        };
        assert!(simulate(&codel, Unguarded).is_err());
    }
}
