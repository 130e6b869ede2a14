//! The guild harness: one guild process publishing through a [`Fanout`], and the bookkeeping to
//! check and time what it does.
//!
//! The guild is a real cluster process on node 0. It holds its rosters (member lists) and its
//! strategy, and on each command it publishes the next event to one roster, timing the call to
//! [`Fanout::publish`] from inside. The rig knows who should receive what, so after a run it can
//! say exactly which member is missing an event, and the [`Tally`] says whether any arrived twice
//! or out of order.
//!
//! The suite in [`crate::check`], the `fanout` scenario and the benches all use this one harness.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cluster::{Cluster, ClusterStats, Node, Pid, Process};

use crate::sessions::{Sessions, TIMED_EVENTS, Tally};
use crate::{Event, Fanout, Members};

/// The guild id every rig publishes as.
pub const GUILD: u64 = 0x6c75_6e61;

/// How long the rig waits for deliveries before calling the run broken.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One publish, timed.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Time spent inside [`Fanout::publish`], in the guild process (wall clock).
    pub in_guild: Duration,
    /// CPU time the guild's thread spent inside [`Fanout::publish`].
    pub in_guild_cpu: Duration,
    /// From the start of the publish until the last member had the event.
    pub delivered: Duration,
}

/// One publish of a burst ([`Rig::publish_all_timed`]), timed.
#[derive(Clone, Copy, Debug)]
pub struct BurstTiming {
    /// Time spent inside [`Fanout::publish`], in the guild process (wall clock).
    pub in_guild: Duration,
    /// CPU time the guild's thread spent inside [`Fanout::publish`].
    pub in_guild_cpu: Duration,
    /// From the start of the publish until the last member had the event, the events before it
    /// still in flight; `None` past the first [`TIMED_EVENTS`] of a burst, or for a roster with
    /// no live member.
    pub delivered: Option<Duration>,
}

/// What the guild process reports after each publish: when it started, how long it took on the
/// wall clock, and how much CPU time its thread spent on it.
///
/// Both matter on a small machine: every node of the cluster shares its cores, so the OS may
/// pause the guild's thread in the middle of a publish to run a session node. Wall time includes
/// those pauses (artefacts of running five "machines" on two cores); thread CPU time does not.
type Report = (Instant, Duration, Duration);

/// A cluster, its member sessions and one guild publishing to them through `F`.
pub struct Rig<F> {
    cluster: Cluster,
    sessions: Sessions,
    rosters: Vec<Members>,
    guild: Pid<usize>,
    reports: mpsc::Receiver<Report>,
    /// Events each member (by index) should have received so far.
    expected: Vec<u64>,
    index_of: HashMap<Pid<Event>, usize>,
    strategy: Arc<F>,
    /// How long to wait for a report or for deliveries.
    patience: Duration,
    /// Sequence numbers of [`Rig::publish_here`].
    direct_seq: AtomicU64,
    /// Commands sent to the guild so far: the sequence number of its latest event.
    commands: u64,
}

impl<F: Fanout> Rig<F> {
    /// Members `per_node[i]` on node `i`; one roster: all of them.
    pub fn new(cluster: Cluster, per_node: &[usize]) -> Rig<F> {
        let sessions = Sessions::spawn(&cluster, per_node);
        let everyone = sessions.pids.clone();
        Rig::with_rosters(cluster, sessions, vec![everyone])
    }

    /// A guild that publishes to any of `rosters`. Pids in a roster that are not in `sessions`
    /// (dead processes, say) are sent to but not expected to count anything.
    pub fn with_rosters(
        cluster: Cluster,
        sessions: Sessions,
        rosters: Vec<Vec<Pid<Event>>>,
    ) -> Rig<F> {
        let strategy = Arc::new(F::start(&cluster));
        let rosters: Vec<Members> = rosters.into_iter().map(Members::from).collect();
        let (report, reports) = mpsc::channel();
        let guild = cluster.node(0).spawn({
            let (strategy, rosters) = (Arc::clone(&strategy), rosters.clone());
            move |inbox| guild(inbox, strategy, rosters, report)
        });
        let index_of = sessions
            .pids
            .iter()
            .enumerate()
            .map(|(i, &pid)| (pid, i))
            .collect();
        Rig {
            expected: vec![0; sessions.pids.len()],
            cluster,
            sessions,
            rosters,
            guild,
            reports,
            index_of,
            strategy,
            patience: PATIENCE,
            direct_seq: AtomicU64::new(0),
            commands: 0,
        }
    }

    /// Asks the guild to publish one event to each roster of `sequence`, in order, without waiting
    /// in between (the events are in flight together, as from a guild busy at peak), then waits
    /// until every live member has all of them. Returns the time each publish spent in the guild,
    /// on the wall clock and in its thread's CPU time.
    pub fn publish_all(&mut self, sequence: &[usize]) -> Result<Vec<(Duration, Duration)>, String> {
        let timings = self.publish_all_timed(sequence)?;
        Ok(timings
            .iter()
            .map(|t| (t.in_guild, t.in_guild_cpu))
            .collect())
    }

    /// [`Rig::publish_all`], with each publish also timed until its last member had the event
    /// (the first [`TIMED_EVENTS`] of the burst): the delivery of a publish among others.
    pub fn publish_all_timed(&mut self, sequence: &[usize]) -> Result<Vec<BurstTiming>, String> {
        let before = self.tally().delivered();
        let per_event: Vec<u64> = sequence.iter().map(|&roster| self.book(roster)).collect();
        let more = per_event.iter().sum();
        self.tally().expect_total(before + more);
        let timed = &per_event[..per_event.len().min(TIMED_EVENTS)];
        self.tally().time_events(self.commands + 1, timed);
        for &roster in sequence {
            self.command(roster)?;
        }
        let mut reports = Vec::with_capacity(sequence.len());
        for _ in sequence {
            reports.push(self.report()?);
        }
        self.wait(before, more)?;
        let done = self.tally().timed_events();
        Ok(reports
            .into_iter()
            .enumerate()
            .map(|(k, (started, in_guild, in_guild_cpu))| BurstTiming {
                in_guild,
                in_guild_cpu,
                delivered: done
                    .get(k)
                    .copied()
                    .flatten()
                    .map(|at| at.saturating_duration_since(started)),
            })
            .collect())
    }

    /// Publishes one event to roster `roster` and waits until every live member has it.
    pub fn publish(&mut self, roster: usize) -> Result<Timing, String> {
        let before = self.tally().delivered();
        let more = self.book(roster);
        self.tally().expect_total(before + more);
        self.command(roster)?;
        let (started, in_guild, in_guild_cpu) = self.report()?;
        let done = self.wait(before, more)?.unwrap_or(started + in_guild);
        Ok(Timing {
            in_guild,
            in_guild_cpu,
            delivered: done.saturating_duration_since(started),
        })
    }

    /// Books one more event for every live member of `roster`; returns how many that is.
    fn book(&mut self, roster: usize) -> u64 {
        let mut more = 0;
        for member in self.rosters[roster].iter() {
            if let Some(&index) = self.index_of.get(member) {
                self.expected[index] += 1;
                more += 1;
            }
        }
        more
    }

    fn command(&mut self, roster: usize) -> Result<(), String> {
        self.commands += 1;
        self.cluster
            .node(0)
            .send(self.guild, roster)
            .map_err(|e| format!("the guild process is gone: {e}"))
    }

    fn report(&self) -> Result<Report, String> {
        self.reports.recv_timeout(self.patience).map_err(|_| {
            "the guild never finished a publish: did `publish` panic or block?".to_owned()
        })
    }

    /// Waits for `more` deliveries after `before`; the moment the last one happened, if any.
    fn wait(&self, before: u64, more: u64) -> Result<Option<Instant>, String> {
        if more == 0 {
            return Ok(None);
        }
        self.tally().wait(self.patience).map(Some).ok_or_else(|| {
            format!(
                "only {} of {more} deliveries after {:?}: lost events, or a stuck worker?",
                self.tally().delivered() - before,
                self.patience
            )
        })
    }

    /// Sets how long to wait for a publish to complete before returning an error (default
    /// [`PATIENCE`]).
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
    }

    /// Checks that every member got exactly the events it should have, in order.
    pub fn verify(&self) -> Result<(), String> {
        let tally = self.tally();
        if tally.violations() > 0 {
            return Err(format!(
                "{} deliveries arrived twice or out of publish order",
                tally.violations()
            ));
        }
        for (index, &expected) in self.expected.iter().enumerate() {
            let got = tally.received(index);
            if got != expected {
                return Err(format!(
                    "member {:?} received {got} events instead of {expected}",
                    self.sessions.pids[index]
                ));
            }
        }
        Ok(())
    }

    /// The member sessions.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// The members' tally.
    pub fn tally(&self) -> &Tally {
        &self.sessions.tally
    }

    /// The cluster's counters (links included).
    pub fn stats(&self) -> ClusterStats {
        self.cluster.stats()
    }

    /// The cluster.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The strategy the guild publishes through, to call [`Fanout::publish`] directly (benches
    /// that count the instructions of one publish on their own thread).
    pub fn strategy(&self) -> &F {
        &self.strategy
    }

    /// Roster `roster`.
    pub fn roster(&self, roster: usize) -> &Members {
        &self.rosters[roster]
    }

    /// The guild's node.
    pub fn guild_node(&self) -> Node {
        self.cluster.node(0)
    }
}

impl<F: Fanout> Rig<F> {
    /// Publishes one event from the calling thread through the guild's node handle, as the guild
    /// would, without timing, waiting or bookkeeping: for instruction counts. Do not mix with
    /// [`Rig::publish`] on one rig (the sequence numbers would look out of order to members).
    pub fn publish_here(&self, roster: usize) {
        let seq = self.direct_seq.fetch_add(1, Relaxed) + 1;
        self.strategy.publish(
            &self.guild_node(),
            &self.rosters[roster],
            Event::presence(GUILD, seq),
        );
    }
}

// ANCHOR: guild
/// The guild process: on each command, publish the next event to one roster, timed from inside.
async fn guild<F: Fanout>(
    mut inbox: Process<usize>,
    strategy: Arc<F>,
    rosters: Vec<Members>,
    report: mpsc::Sender<Report>,
) {
    let mut seq = 0;
    while let Some(roster) = inbox.recv().await {
        seq += 1;
        let event = Event::presence(GUILD, seq);
        let (started, cpu) = (Instant::now(), cpu_time::ThreadTime::now());
        strategy.publish(inbox.node(), &rosters[roster], event);
        let _ = report.send((started, started.elapsed(), cpu.elapsed()));
    }
}
// ANCHOR_END: guild
