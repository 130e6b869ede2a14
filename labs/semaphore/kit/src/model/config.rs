//! The knobs of a simulation, with the blog's situation as the defaults.

use std::time::Duration;

use serde::Serialize;

/// Everything a simulation run depends on. Two runs with the same config give the same timeline.
#[derive(Clone, Debug)]
pub struct Config {
    /// Sessions that (re)connect and each make `calls_per_session` registry calls.
    pub sessions: usize,
    /// Session nodes the sessions are spread over.
    pub session_nodes: usize,
    /// Guild registries (one process each).
    pub registries: usize,
    /// Registry calls a session makes, one after another, to get connected.
    pub calls_per_session: u32,
    /// Work a registry does per call.
    pub service_time: Duration,
    /// How long a session waits for a reply (the GenServer default is five seconds).
    pub call_timeout: Duration,
    /// Wait before retrying a call that timed out or was rejected...
    pub backoff: Duration,
    /// ... give or take this fraction of it, drawn uniformly.
    pub jitter: f64,
    /// Sessions start at uniformly random moments within this window.
    pub arrival_window: Duration,
    /// Calls from already-connected sessions, as a fraction of the registries' capacity.
    pub background_load: f64,
    /// How many already-connected sessions make those calls. A session blocked in a call makes
    /// no other, so when every one of them is blocked, background calls stop arriving.
    pub background_sessions: usize,
    /// Calls in flight allowed per (session node, registry) by the guarded client.
    pub limit: usize,
    /// Presence events per second into every session (they pile up while a session is blocked).
    pub presence_rate: f64,
    /// A stretch of time during which the registries stop serving: `(start, length)`.
    pub outage: Option<(Duration, Duration)>,
    /// Sessions start this long after the run does (then spread over `arrival_window`): a burst
    /// that hits a system already under its steady load. Zero in the blog's stampede.
    pub arrival_delay: Duration,
    /// A stretch of time during which every registry call takes `factor` × `service_time` (a GC
    /// pause, a noisy neighbour, a bad deploy). `None` in the blog's stampede. Only admission
    /// runs ([`simulate_admission`](super::simulate_admission)) have registries that slow down.
    pub slowdown: Option<Surge>,
    /// A stretch of time during which background calls arrive `factor` × as often (a spike of
    /// low-priority traffic). `None` in the blog's stampede.
    pub background_surge: Option<Surge>,
    /// How a registry picks its next request. Only admission runs
    /// ([`simulate_admission`](super::simulate_admission)) can change it from the BEAM's FIFO.
    pub discipline: Discipline,
    /// How long to simulate.
    pub duration: Duration,
    /// The timeline's resolution.
    pub tick: Duration,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Config {
    /// The stampede of the blog, scaled: `sessions` reconnect within one second and each makes
    /// five calls to `registries` registries doing 1 ms of work a call.
    pub fn stampede(sessions: usize, registries: usize) -> Config {
        Config {
            sessions,
            session_nodes: 4,
            registries,
            calls_per_session: 5,
            service_time: Duration::from_millis(1),
            call_timeout: Duration::from_secs(5),
            backoff: Duration::from_secs(1),
            jitter: 0.5,
            arrival_window: Duration::from_secs(1),
            background_load: 0.2,
            background_sessions: sessions,
            limit: 25,
            presence_rate: 1.0,
            outage: None,
            arrival_delay: Duration::ZERO,
            slowdown: None,
            background_surge: None,
            discipline: Discipline::Fifo,
            duration: Duration::from_secs(120),
            tick: Duration::from_millis(100),
            seed: 2017,
        }
    }

    /// The stampede at a tenth of the size with registries ten times slower: the same
    /// proportions (twice as many calls in flight as one timeout's worth of capacity), small
    /// enough for a test suite in a debug build.
    pub fn small_stampede() -> Config {
        Config {
            service_time: Duration::from_millis(10),
            ..Config::stampede(1_000, 1)
        }
    }

    /// A downstream outage: sessions arrive steadily over 100 s (well within capacity), and the
    /// registries stop for 30 s starting at 20 s.
    pub fn outage(sessions: usize, registries: usize) -> Config {
        Config {
            arrival_window: Duration::from_secs(100),
            outage: Some((Duration::from_secs(20), Duration::from_secs(30))),
            ..Config::stampede(sessions, registries)
        }
    }

    /// How long one call takes at `elapsed` since the start: `service_time`, times the
    /// slowdown's factor during the slowdown.
    pub fn service_time_at(&self, elapsed: Duration) -> Duration {
        match self.slowdown {
            Some(slow) if slow.covers(elapsed) => self.service_time.mul_f64(slow.factor),
            _ => self.service_time,
        }
    }

    /// How many times its steady rate the background load arrives at `elapsed`.
    pub fn background_factor_at(&self, elapsed: Duration) -> f64 {
        match self.background_surge {
            Some(surge) if surge.covers(elapsed) => surge.factor,
            _ => 1.0,
        }
    }

    /// Calls per second all registries together can serve.
    pub fn capacity_per_s(&self) -> f64 {
        self.registries as f64 / self.service_time.as_secs_f64()
    }

    /// The shortest possible time to serve every session's calls with the capacity left over by
    /// the background load: `sessions × calls ÷ spare capacity`.
    pub fn ideal_s(&self) -> f64 {
        let calls = self.sessions as f64 * f64::from(self.calls_per_session);
        calls / (self.capacity_per_s() * (1.0 - self.background_load))
    }

    /// Nodes holding the registries (up to ten, as Discord had ten guild nodes).
    pub fn guild_nodes(&self) -> usize {
        self.registries.clamp(1, 10)
    }

    /// Nodes in the cluster: guild nodes first, then session nodes.
    pub fn nodes(&self) -> usize {
        self.guild_nodes() + self.session_nodes
    }

    /// Sum of every (session node, registry) limit: what a guarded queue can never exceed.
    pub fn limit_sum(&self) -> usize {
        self.limit * self.session_nodes * self.registries
    }

    /// Checks that the config describes a runnable simulation.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("sessions", self.sessions),
            ("session_nodes", self.session_nodes),
            ("registries", self.registries),
            ("limit", self.limit),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("{name} must be at least 1"));
        }
        if self.tick.is_zero() || self.duration < self.tick || self.service_time.is_zero() {
            return Err("tick, duration and service time must be positive, duration ≥ tick".into());
        }
        if !(0.0..1.0).contains(&self.background_load) || !(0.0..=1.0).contains(&self.jitter) {
            return Err("background load must be in [0, 1) and jitter in [0, 1]".into());
        }
        let surges = [self.slowdown, self.background_surge];
        if surges
            .iter()
            .flatten()
            .any(|s| !(s.factor > 0.0 && s.factor.is_finite()))
        {
            return Err("a slowdown's or surge's factor must be positive and finite".into());
        }
        Ok(())
    }
}

/// A stretch of time during which something runs at `factor` × its usual value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Surge {
    /// When it starts, since the start of the run.
    pub start: Duration,
    /// How long it lasts.
    pub length: Duration,
    /// The multiplier while it lasts.
    pub factor: f64,
}

impl Surge {
    /// Whether `elapsed` (since the start of the run) falls within it.
    pub fn covers(&self, elapsed: Duration) -> bool {
        (self.start..self.start + self.length).contains(&elapsed)
    }

    /// When it ends, since the start of the run.
    pub fn end(&self) -> Duration {
        self.start + self.length
    }
}

/// How a registry picks the next request from its queue.
///
/// A BEAM process reads its mailbox in order and cannot see whether a caller still waits, so
/// [`Discipline::Fifo`] is what Discord's registries did. The other two are what a server can do
/// once a request says more about itself: when it was sent and when its caller will give up
/// ([`Job`](super::Job)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub enum Discipline {
    /// First in, first out, every request served: the BEAM's mailbox.
    #[default]
    Fifo,
    /// Facebook's CoDel with adaptive LIFO ("Fail at Scale", ACM Queue 2015; folly's `Codel`):
    /// when the shortest wait seen over an `interval` exceeded `target`, the queue is standing;
    /// then requests that waited over 2 × `target` are turned away at once (a reply saying so,
    /// no work), and the newest request is served first, since its caller is the likeliest to
    /// still be there.
    CoDelLifo {
        /// The wait a healthy queue stays under (folly: 5 ms).
        target: Duration,
        /// How long the shortest wait must stay above `target` to call the queue standing
        /// (folly: 100 ms).
        interval: Duration,
    },
    /// FIFO, but a request whose caller's deadline has passed, or will have before its work is
    /// done, is dropped unserved: what gRPC's deadline propagation allows (a server checks the
    /// budget left) and the BEAM's `GenServer.call` cannot do.
    Deadline,
}
