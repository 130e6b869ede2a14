//! A reconnecting session: for each of its guilds, find the guild's node, ask that node's
//! registry for the guild, join the guild. Every call is retried after the stampede's backoff
//! until it succeeds; the session is served once it has joined all five.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use cluster::{CallError, Node, Pid};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use ring_kit::naive::{Query, RingCall};
use ring_kit::{GlobalLookup, Lookup as _, Placement, Ring};
use semaphore_kit::{Client, Lookup, Outcome};
use solution_ring::FastGlobal;
use tokio::time::sleep;

use super::metrics::Stage;
use super::processes::{Busy, Common, Join, JoinBody};
use super::strategy::RingWay;

/// What every session task shares.
pub(crate) struct Sessions<C> {
    pub(crate) common: Arc<Common>,
    pub(crate) client: C,
    /// Each guild node's registry.
    pub(crate) registries: Vec<Pid<Lookup>>,
    /// Each restarting session node's ring process (when lookups go through one).
    pub(crate) rings: Vec<Pid<RingCall>>,
    /// The ring in FastGlobal (when lookups go through it).
    pub(crate) fastglobal: FastGlobal<Ring>,
    /// Each guild's pid.
    pub(crate) guilds: Vec<Pid<Join>>,
}

impl<C: Client> Sessions<C> {
    // ANCHOR: session
    /// Session `id` on `node` (its `index`-th restarting node): reconnect, then join each guild.
    pub(crate) async fn run(self: Arc<Self>, node: Node, id: usize) {
        let common = &self.common;
        let plan = &common.population.sessions[id];
        let mut rng = SmallRng::seed_from_u64(
            common.config.seed ^ (id as u64).wrapping_mul(0x2545_F491_4F6C_DD1D),
        );
        sleep(plan.arrival).await;
        let mut busy = Busy::new();
        for &guild in &plan.guilds {
            let guild = guild as usize;
            let owner = self
                .find_node(&node, plan.node, guild, &mut busy, &mut rng)
                .await;
            if owner != common.population.guilds[guild].owner {
                common.violation(format!(
                    "session {id} found guild {guild} on node {owner}, not its owner"
                ));
                return;
            }
            self.ask_registry(&node, owner, guild, &mut rng).await;
            self.join(&node, plan.node, id, guild, &mut rng).await;
        }
        common.metrics.served.fetch_add(1, Relaxed);
        let now = common.metrics.now_ns();
        common.metrics.last_served_ns.store(now, Relaxed);
    }
    // ANCHOR_END: session

    /// The guild node that owns `guild`: through the node's ring process, or FastGlobal.
    async fn find_node(
        &self,
        node: &Node,
        index: usize,
        guild: usize,
        busy: &mut Busy,
        rng: &mut SmallRng,
    ) -> usize {
        let common = &self.common;
        let id = common.population.guilds[guild].id;
        match common.config.strategy.ring {
            RingWay::FastGlobal => {
                // A read of a shared constant: the session's own time, no queue.
                busy.resume(true);
                busy.work(common.config.costs.fastglobal_lookup).await;
                let placement = GlobalLookup(&self.fastglobal).owner(id);
                placement.map_or(usize::MAX, |p| p.node as usize)
            }
            RingWay::Actor => loop {
                let stage = &common.metrics.ring;
                common.metrics.ring_enqueued();
                stage.begin();
                let reply = node
                    .call::<RingCall, Query, Option<Placement>>(
                        self.rings[index],
                        Query::Guild(id),
                        common.config.call_timeout,
                    )
                    .await;
                match reply {
                    Ok(placement) => {
                        stage.end(Outcome::Replied);
                        return placement.map_or(usize::MAX, |p| p.node as usize);
                    }
                    Err(CallError::Timeout) => stage.end(Outcome::TimedOut),
                    Err(error) => {
                        stage.end(Outcome::TimedOut);
                        common.violation(format!("a ring lookup failed: {error}"));
                    }
                }
                self.back_off(rng).await;
            },
        }
    }

    /// Asks the owner's registry for the guild until it answers (the client may refuse to call).
    async fn ask_registry(&self, node: &Node, owner: usize, guild: usize, rng: &mut SmallRng) {
        let common = &self.common;
        let stage = &common.metrics.registry;
        loop {
            stage.begin();
            let outcome = self
                .client
                .call(
                    node,
                    owner,
                    self.registries[owner],
                    guild as u64,
                    common.config.call_timeout,
                )
                .await;
            stage.end(outcome);
            if outcome == Outcome::Replied {
                return;
            }
            self.back_off(rng).await;
        }
    }

    /// Joins the guild until it answers.
    async fn join(&self, node: &Node, index: usize, id: usize, guild: usize, rng: &mut SmallRng) {
        let common = &self.common;
        let stage: &Stage = &common.metrics.join;
        loop {
            let body = JoinBody {
                session: id as u32,
                node: index as u16,
                sent_ns: common.metrics.now_ns(),
            };
            common.metrics.guild_enqueued(guild);
            stage.begin();
            let reply = node
                .call::<Join, JoinBody, ()>(self.guilds[guild], body, common.config.call_timeout)
                .await;
            match reply {
                Ok(()) => {
                    stage.end(Outcome::Replied);
                    return;
                }
                Err(CallError::Timeout) => stage.end(Outcome::TimedOut),
                Err(error) => {
                    stage.end(Outcome::TimedOut);
                    common.violation(format!("a join failed: {error}"));
                }
            }
            self.back_off(rng).await;
        }
    }

    /// The stampede's backoff: `backoff ± jitter`, drawn uniformly.
    async fn back_off(&self, rng: &mut SmallRng) {
        let config = &self.common.config;
        let jitter = 1.0 + config.jitter * rng.random_range(-1.0..=1.0);
        sleep(config.backoff.mul_f64(jitter)).await;
    }
}
