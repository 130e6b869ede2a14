//! Sessions: connect, make their registry calls one after another, retry what fails.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use cluster::Node;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::{Instant, sleep, sleep_until};

use super::admission::{Call, Caller, Ended, Priority};
use super::config::Config;
use super::metrics::Metrics;

/// What every session task shares.
pub(crate) struct World<K> {
    pub(crate) config: Config,
    /// The client, with the registries' pids.
    pub(crate) caller: K,
    pub(crate) metrics: Arc<Metrics>,
    /// Already-connected sessions not blocked in a background call right now.
    pub(crate) idle_background: AtomicUsize,
}

impl<K: Caller> World<K> {
    /// One call, with the session counted as blocked while it waits.
    async fn call_once(&self, node: &Node, call: Call, guild: u64) -> Ended {
        let since = self.metrics.block();
        let now_us = self.metrics.now_us();
        let ended = self
            .caller
            .call(node, call, guild, self.config.call_timeout, now_us)
            .await;
        self.metrics.unblock(since);
        let counter = match ended {
            Ended::Replied => &self.metrics.replied,
            Ended::Rejected => &self.metrics.rejected,
            Ended::Shed => &self.metrics.shed,
            Ended::TimedOut => &self.metrics.timed_out,
        };
        counter.fetch_add(1, Relaxed);
        if call.priority == Priority::High {
            self.metrics.high_attempted.fetch_add(1, Relaxed);
            if ended == Ended::Replied {
                self.metrics.high_replied.fetch_add(1, Relaxed);
            }
        }
        ended
    }

    // ANCHOR: retry
    /// Calls until the registry replies, backing off `backoff ± jitter` after each failure.
    async fn call_until_replied(
        &self,
        node: &Node,
        mut call: Call,
        guild: u64,
        rng: &mut SmallRng,
    ) {
        while self.call_once(node, call, guild).await != Ended::Replied {
            let jitter = 1.0 + self.config.jitter * rng.random_range(-1.0..=1.0);
            sleep(self.config.backoff.mul_f64(jitter)).await;
            call.retry = true;
        }
    }
    // ANCHOR_END: retry

    /// A reconnecting session: wait for its moment, then look up each of its guilds.
    pub(crate) async fn session(self: Arc<Self>, node: Node, id: u64) {
        let mut rng =
            SmallRng::seed_from_u64(self.config.seed ^ id.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let arrival = self.config.arrival_window.mul_f64(rng.random::<f64>());
        sleep(self.config.arrival_delay + arrival).await;
        for call in 0..u64::from(self.config.calls_per_session) {
            let guild = id * 64 + call;
            let registry = rng.random_range(0..self.config.registries);
            let call = Call {
                registry,
                priority: Priority::High,
                retry: false,
            };
            self.call_until_replied(&node, call, guild, &mut rng).await;
        }
        self.metrics.sessions_served.fetch_add(1, Relaxed);
        self.metrics
            .last_served_ms
            .store(self.metrics.now_ms(), Relaxed);
    }

    /// Background load from one session node: calls arriving at random (a Poisson process) from
    /// sessions that are already connected, each retried the same way until it succeeds. An
    /// arrival needs an idle connected session; when all are blocked, it does not happen.
    pub(crate) async fn background(self: Arc<Self>, node: Node, rate_per_s: f64, seed: u64) {
        if rate_per_s <= 0.0 {
            return;
        }
        let mut rng = SmallRng::seed_from_u64(seed);
        let origin = Instant::now();
        let mut at = 0.0; // seconds since origin of the next arrival, kept exact: timers round
        // up to the millisecond, so sleeping for each gap would drift below the intended rate.
        for n in 0u64.. {
            let factor = self
                .config
                .background_factor_at(Duration::from_secs_f64(at));
            at += -(1.0 - rng.random::<f64>()).ln() / (rate_per_s * factor);
            sleep_until(origin + Duration::from_secs_f64(at)).await;
            let registry = rng.random_range(0..self.config.registries);
            let taken = self
                .idle_background
                .fetch_update(Relaxed, Relaxed, |idle| idle.checked_sub(1));
            if taken.is_err() {
                self.metrics.background_suppressed.fetch_add(1, Relaxed);
                continue; // every connected session is blocked in a call: nobody makes this one
            }
            let mut call_rng = SmallRng::seed_from_u64(seed ^ n);
            let (world, caller) = (Arc::clone(&self), node.clone());
            let call = Call {
                registry,
                priority: Priority::Low,
                retry: false,
            };
            node.runtime().spawn(async move {
                world
                    .call_until_replied(&caller, call, n, &mut call_rng)
                    .await;
                world.idle_background.fetch_add(1, Relaxed);
            });
        }
    }
}
