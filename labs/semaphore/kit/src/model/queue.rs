//! A guild registry of an admission run: the stampede's registry, with a queue of its own so it
//! can choose what to serve next ([`Discipline`]).
//!
//! It takes every request waiting in its mailbox into that queue before each pick, so with
//! [`Discipline::Fifo`] it serves exactly what the stampede's registry serves, in the same order.
//! The other disciplines use what a [`Job`] says about itself: when it was sent (CoDel's
//! sojourn time) and when its caller gives up (the deadline).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use cluster::Process;
use tokio::time::{Instant, sleep, sleep_until};

use super::admission::{Admit, Reply};
use super::config::{Config, Discipline};
use super::metrics::Metrics;

/// The resolution of tokio's timers, on which callers time out.
const TIMER_TICK: Duration = Duration::from_millis(1);

/// When a registry works, how fast, and how it picks: the config's outage and slowdown as
/// moments of virtual time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Schedule {
    service_time: Duration,
    /// `(start, end)`: the registry serves nothing in between.
    outage: Option<(Instant, Instant)>,
    /// `(start, end, factor)`: every call takes `factor` × `service_time` in between.
    slowdown: Option<(Instant, Instant, f64)>,
    /// How often a stopped registry wakes to report its queue.
    tick: Duration,
    discipline: Discipline,
}

impl Schedule {
    /// The config's schedule, for a run that starts now.
    pub(crate) fn new(config: &Config) -> Schedule {
        let start = Instant::now();
        Schedule {
            service_time: config.service_time,
            outage: config
                .outage
                .map(|(from, length)| (start + from, start + from + length)),
            slowdown: config
                .slowdown
                .map(|s| (start + s.start, start + s.end(), s.factor)),
            tick: config.tick,
            discipline: config.discipline,
        }
    }

    /// How long a call started now takes.
    fn service_time_now(&self) -> Duration {
        match self.slowdown {
            Some((start, end, factor)) if (start..end).contains(&Instant::now()) => {
                self.service_time.mul_f64(factor)
            }
            _ => self.service_time,
        }
    }
}

/// CoDel's state (folly's `Codel`): the shortest wait seen in the current interval, and whether
/// the last full interval's shortest wait was over the target.
struct CoDel {
    target_us: u64,
    interval_us: u64,
    interval_ends_us: u64,
    shortest_us: u64,
    standing: bool,
}

impl CoDel {
    fn new(target: Duration, interval: Duration) -> CoDel {
        CoDel {
            target_us: target.as_micros() as u64,
            interval_us: interval.as_micros() as u64,
            interval_ends_us: 0,
            shortest_us: u64::MAX,
            standing: false,
        }
    }

    /// Notes the wait of the oldest request at `now_us`; whether the queue is standing.
    ///
    /// folly measures the request it dequeues; under adaptive LIFO that is the newest one, whose
    /// short wait would hide the queue behind it, so this watches the oldest.
    fn observe(&mut self, now_us: u64, oldest_wait_us: u64) -> bool {
        if now_us >= self.interval_ends_us {
            self.standing = self.shortest_us != u64::MAX && self.shortest_us > self.target_us;
            self.interval_ends_us = now_us + self.interval_us;
            self.shortest_us = oldest_wait_us;
        } else {
            self.shortest_us = self.shortest_us.min(oldest_wait_us);
        }
        self.standing
    }
}

/// Serves jobs until the simulation ends, as `schedule` says.
// ANCHOR: serve_jobs
pub(crate) async fn serve_jobs(
    mut inbox: Process<Admit>,
    index: usize,
    schedule: Schedule,
    metrics: Arc<Metrics>,
) {
    let mut queue = VecDeque::new();
    let mut codel = match schedule.discipline {
        Discipline::CoDelLifo { target, interval } => Some(CoDel::new(target, interval)),
        _ => None,
    };
    loop {
        if queue.is_empty() {
            let Some(request) = inbox.recv().await else {
                return;
            };
            queue.push_back(request);
        }
        while let Some(request) = inbox.try_recv() {
            queue.push_back(request);
        }
        let queued = |queue: &VecDeque<Admit>, inbox: &Process<Admit>| {
            metrics.queues[index].store(queue.len() + inbox.backlog(), Relaxed);
        };
        queued(&queue, &inbox);
        if let Some((start, end)) = schedule.outage {
            while (start..end).contains(&Instant::now()) {
                sleep_until(end.min(Instant::now() + schedule.tick)).await;
                queued(&queue, &inbox);
            }
        }
        let Some(request) = pick(&mut queue, codel.as_mut(), &schedule, &inbox, &metrics) else {
            continue;
        };
        let waited = metrics.now_us().saturating_sub(request.body.sent_us);
        lock(&metrics.waits_us).push(waited.min(u64::from(u32::MAX)) as u32);
        sleep(schedule.service_time_now()).await; // the work
        let guild = request.body.guild;
        let found = Reply::Found(guild.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        metrics.served.fetch_add(1, Relaxed);
        if request.reply(inbox.node(), found).is_err() {
            metrics.served_for_nobody.fetch_add(1, Relaxed);
        }
        queued(&queue, &inbox);
    }
}
// ANCHOR_END: serve_jobs

// ANCHOR: pick
/// The next request to serve, by the discipline; requests it sheds or drops on the way are
/// answered (shed) or counted (expired) here.
fn pick(
    queue: &mut VecDeque<Admit>,
    codel: Option<&mut CoDel>,
    schedule: &Schedule,
    inbox: &Process<Admit>,
    metrics: &Metrics,
) -> Option<Admit> {
    let now_us = metrics.now_us();
    match schedule.discipline {
        Discipline::Fifo => queue.pop_front(),
        Discipline::Deadline => {
            // The work, and a timer tick of slack: a reply due at the very moment its caller's
            // timer fires may lose the race.
            let work_us = (schedule.service_time_now() + TIMER_TICK).as_micros() as u64;
            while let Some(request) = queue.pop_front() {
                if now_us + work_us <= request.body.deadline_us {
                    return Some(request);
                }
                // Its caller will have given up before the work is done: skip the work.
                metrics.expired.fetch_add(1, Relaxed);
            }
            None
        }
        Discipline::CoDelLifo { target, .. } => {
            let codel = codel.expect("a CoDel discipline has CoDel state");
            let oldest = queue.front()?.body.sent_us;
            if !codel.observe(now_us, now_us.saturating_sub(oldest)) {
                return queue.pop_front();
            }
            // Standing queue: turn away at once what waited past 2 × target, serve the newest.
            let slough_us = 2 * target.as_micros() as u64;
            while let Some(request) = queue.pop_front() {
                if now_us.saturating_sub(request.body.sent_us) <= slough_us {
                    queue.push_front(request);
                    break;
                }
                metrics.shed_sent.fetch_add(1, Relaxed);
                let _ = request.reply(inbox.node(), Reply::Shed);
            }
            queue.pop_back()
        }
    }
}
// ANCHOR_END: pick

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
