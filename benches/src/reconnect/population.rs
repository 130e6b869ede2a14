//! Who reconnects, in which guilds: the population every combination of fixes runs on.
//!
//! The model is Discord's session tier in miniature. Each simulated session **stands for `k` real
//! ones** (`k` = the real sessions that reconnect ÷ the simulated ones), and each step it takes
//! costs `k` times a real step (see [`super::model::Scaled`]). Every process then serves `k` times
//! fewer requests that each take `k` times longer: its total work, its queue in seconds, its
//! timeouts and every second on the timelines are Discord's, while the run stays small enough for
//! one thread.
//!
//! Guild sizes are the blog's: a few guilds of tens of thousands of members ("/r/Overwatch with up
//! to 30,000 concurrent users") and a long tail of small ones. The r-th largest guild has
//! `30,000 × r^−0.6` members, down the ranks until the memberships add up to five per user
//! ("an average user is in 5"). Counted in simulated members, a guild of `n` members has
//! `n ÷ q` of them, with `q` = real users ÷ simulated sessions; a fraction is rounded up or down at
//! random, so a guild too small for one simulated member appears with that probability and the
//! total membership is kept.
//!
//! Everything is drawn from one seed: all combinations and all profiles see the same sessions,
//! the same arrival moments and the same guilds.

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use ring_kit::{Ring, hash_id};

use crate::common::blog;

/// Guilds a session is in (the blog: "an average user is in 5").
pub const GUILDS_PER_SESSION: usize = blog::GUILDS_PER_USER as usize;
/// Session nodes of the tier (the blog: up to 500,000 sessions a node, nearly 5,000,000 users).
pub const SESSION_NODES: usize = (blog::USERS / blog::SESSIONS_PER_NODE) as usize;
/// Guild nodes, each with one guild registry (the blog: "ten of these processes, one on each
/// guild node").
pub const GUILD_NODES: usize = blog::REGISTRIES as usize;
/// Real sessions on one session node (the blog: "up to 500,000 live sessions").
pub const SESSIONS_PER_NODE: f64 = blog::SESSIONS_PER_NODE as f64;
/// The largest guild's members (the blog: "/r/Overwatch with up to 30,000 concurrent users").
pub const LARGEST_GUILD: f64 = blog::LARGE_GUILD_MEMBERS as f64;
/// How fast guild sizes fall with rank: the r-th largest has `LARGEST_GUILD × r^−SIZE_EXPONENT`.
pub const SIZE_EXPONENT: f64 = 0.6;
/// Points per node on the ring (`ex_hash_ring`'s default).
pub const RING_REPLICAS: u32 = 512;

/// One simulated session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Which restarting session node it is on (`0..restarting`).
    pub node: usize,
    /// When it reconnects, from the start.
    pub arrival: Duration,
    /// Its guilds (indices into [`Population::guilds`]), joined in this order.
    pub guilds: [u32; GUILDS_PER_SESSION],
}

/// One guild.
#[derive(Clone, Debug)]
pub struct Guild {
    /// Its snowflake-sized id, hashed onto the ring.
    pub id: u64,
    /// The guild node that owns it (its index on the ring).
    pub owner: usize,
    /// The simulated sessions that join it, sorted.
    pub joiners: Vec<u32>,
    /// Its members on each session node that does not restart (real members, always connected).
    pub steady_per_node: u64,
}

/// The sessions that reconnect and the guilds they join.
#[derive(Clone, Debug)]
pub struct Population {
    /// The simulated sessions.
    pub sessions: Vec<Session>,
    /// The guilds with at least one simulated member.
    pub guilds: Vec<Guild>,
    /// Session nodes that restart (their sessions are the simulated ones).
    pub restarting: usize,
    /// Real sessions each simulated one stands for: the factor every cost is multiplied by.
    pub scale: f64,
    /// Real members of a guild per simulated member (across all session nodes).
    pub members_per_simulated: f64,
    /// The consistent hash ring of the guild nodes.
    pub ring: Ring,
}

impl Population {
    /// `sessions` simulated sessions standing for every session of `restarting` session nodes,
    /// reconnecting at random within `window`.
    pub fn new(sessions: usize, restarting: usize, window: Duration, seed: u64) -> Population {
        assert!(sessions > 0 && (1..=SESSION_NODES).contains(&restarting));
        let mut rng = SmallRng::seed_from_u64(seed);
        let real_reconnecting = restarting as f64 * SESSIONS_PER_NODE;
        let scale = real_reconnecting / sessions as f64;
        let members_per_simulated = SESSION_NODES as f64 * SESSIONS_PER_NODE / sessions as f64;
        let ring = Ring::with_nodes((0..GUILD_NODES).map(|i| format!("guild{i}")), RING_REPLICAS);

        let sizes = guild_sizes(sessions, members_per_simulated, &mut rng);

        // Deal the memberships out, five distinct guilds per session.
        let mut slots: Vec<u32> = sizes
            .iter()
            .enumerate()
            .flat_map(|(guild, &size)| std::iter::repeat_n(guild as u32, size))
            .collect();
        slots.shuffle(&mut rng);
        deal_distinct(&mut slots, &mut rng);

        let mut joiners: Vec<Vec<u32>> = vec![Vec::new(); sizes.len()];
        let sessions: Vec<Session> = slots
            .chunks_exact(GUILDS_PER_SESSION)
            .enumerate()
            .map(|(index, chunk)| {
                let guilds: [u32; GUILDS_PER_SESSION] = chunk.try_into().expect("chunks of five");
                for &guild in &guilds {
                    joiners[guild as usize].push(index as u32);
                }
                Session {
                    node: index % restarting,
                    arrival: window.mul_f64(rng.random::<f64>()),
                    guilds,
                }
            })
            .collect();

        let steady_share = members_per_simulated / SESSION_NODES as f64;
        let guilds = joiners
            .into_iter()
            .map(|joiners| {
                // Snowflake-sized ids, as Discord's (17–19 decimal digits).
                let id = (1u64 << 56) + rng.random_range(0..1u64 << 60);
                let owner = ring
                    .placement(hash_id(id))
                    .expect("the ring has nodes")
                    .node as usize;
                let steady_per_node = if restarting < SESSION_NODES {
                    (joiners.len() as f64 * steady_share).round() as u64
                } else {
                    0
                };
                Guild {
                    id,
                    owner,
                    joiners,
                    steady_per_node,
                }
            })
            .collect();
        Population {
            sessions,
            guilds,
            restarting,
            scale,
            members_per_simulated,
            ring,
        }
    }

    /// The guild's real size: every session node's members, all connected.
    pub fn real_members(&self, guild: &Guild) -> f64 {
        guild.joiners.len() as f64 * self.members_per_simulated
    }

    /// Real members on a restarting node per simulated session of it that has joined.
    pub fn members_per_joiner(&self) -> f64 {
        self.scale
    }
}

/// Guild sizes in simulated members, largest first, until five memberships a session: the r-th
/// largest has `LARGEST_GUILD × r^−SIZE_EXPONENT` real members, `members_per_simulated` to a
/// simulated one, a fraction rounded up with its probability.
fn guild_sizes(sessions: usize, members_per_simulated: f64, rng: &mut SmallRng) -> Vec<usize> {
    let wanted = sessions * GUILDS_PER_SESSION;
    let mut sizes = Vec::new();
    let mut total = 0;
    for rank in 1u64.. {
        let expected = LARGEST_GUILD * (rank as f64).powf(-SIZE_EXPONENT) / members_per_simulated;
        let mut size = expected.floor() as usize;
        if rng.random::<f64>() < expected.fract() {
            size += 1;
        }
        // A guild cannot have more simulated members than there are sessions.
        let size = size.min(sessions).min(wanted - total);
        if size > 0 {
            sizes.push(size);
            total += size;
        }
        if total == wanted {
            break;
        }
    }
    sizes
}

/// Reorders `slots` (consecutive runs of [`GUILDS_PER_SESSION`]) so no run holds a guild twice,
/// by swapping a repeated entry with a random one elsewhere that fits both places.
fn deal_distinct(slots: &mut [u32], rng: &mut SmallRng) {
    let n = slots.len();
    let run = |i: usize| (i / GUILDS_PER_SESSION) * GUILDS_PER_SESSION;
    let holds = |slots: &[u32], i: usize, guild: u32, except: usize| {
        (run(i)..run(i) + GUILDS_PER_SESSION).any(|j| j != except && slots[j] == guild)
    };
    for i in 0..n {
        if !holds(slots, i, slots[i], i) {
            continue;
        }
        for _ in 0..10_000 {
            let j = rng.random_range(0..n);
            if !holds(slots, i, slots[j], i) && !holds(slots, j, slots[i], j) {
                slots.swap(i, j);
                break;
            }
        }
        assert!(
            !holds(slots, i, slots[i], i),
            "could not give every session five distinct guilds"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_session_has_five_distinct_guilds_and_the_sizes_are_skewed() {
        let population = Population::new(4_000, 10, Duration::from_secs(1), 7);
        assert_eq!(population.sessions.len(), 4_000);
        assert_eq!(population.scale, 1_250.0);
        for session in &population.sessions {
            let mut guilds = session.guilds.to_vec();
            guilds.sort_unstable();
            guilds.dedup();
            assert_eq!(guilds.len(), GUILDS_PER_SESSION);
            assert!(session.arrival < Duration::from_secs(1));
        }
        let memberships: usize = population.guilds.iter().map(|g| g.joiners.len()).sum();
        assert_eq!(memberships, 4_000 * GUILDS_PER_SESSION);
        // The largest guild is the blog's 30,000 (give or take the rounding), most are tiny.
        let largest = population.real_members(&population.guilds[0]);
        assert!((25_000.0..=35_000.0).contains(&largest), "{largest}");
        let single = population
            .guilds
            .iter()
            .filter(|g| g.joiners.len() == 1)
            .count();
        assert!(single * 2 > population.guilds.len());
        assert!(population.guilds.iter().all(|g| g.owner < GUILD_NODES));
        // The same seed gives the same population.
        let again = Population::new(4_000, 10, Duration::from_secs(1), 7);
        assert_eq!(again.sessions[17].guilds, population.sessions[17].guilds);
    }
}
