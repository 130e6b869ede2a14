//! Timing: one thread, the median of rounds, every answer through [`black_box`] so that nothing is
//! optimized away. Machines are shared and noisy: a median shrugs off the round a neighbour's
//! build stole, and ways are compared within one run, never across runs.

use std::hint::black_box;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{as_strs, node_names};
use crate::Placement;

/// A time per operation: the median of timed rounds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Nanoseconds per operation, the median over the rounds.
    pub median_ns: f64,
    /// How many rounds were timed.
    pub rounds: usize,
    /// Operations per round.
    pub per_round: usize,
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_unstable_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Times `rounds` rounds (at least one) of `per_round` operations each.
fn timed(rounds: usize, per_round: usize, mut round: impl FnMut()) -> Timing {
    let samples = (0..rounds.max(1))
        .map(|_| {
            let start = Instant::now();
            round();
            start.elapsed().as_nanos() as f64 / per_round.max(1) as f64
        })
        .collect();
    Timing {
        median_ns: median(samples),
        rounds: rounds.max(1),
        per_round,
    }
}

/// A lookup of a hash computed beforehand: the structure's cost alone.
pub fn lookup_ns<P: Placement>(placement: &P, hashes: &[u64], rounds: usize) -> Timing {
    timed(rounds, hashes.len(), || {
        for &hash in hashes {
            black_box(placement.node_of(black_box(hash)));
        }
    })
}

/// A lookup of a guild id, hashing it first: what a session pays.
pub fn lookup_hashed_ns<P: Placement>(placement: &P, guilds: &[u64], rounds: usize) -> Timing {
    timed(rounds, guilds.len(), || {
        for &guild in guilds {
            black_box(placement.node_of_guild(black_box(guild)));
        }
    })
}

/// Building the way over `nodes` nodes, from their names.
pub fn build_ns<P: Placement>(build: impl Fn(&[&str]) -> P, nodes: usize, rounds: usize) -> Timing {
    let names = node_names(nodes);
    let names = as_strs(&names);
    let samples = (0..rounds.max(1))
        .map(|_| {
            let start = Instant::now();
            let built = black_box(build(black_box(&names)));
            let took = start.elapsed().as_nanos() as f64;
            drop(built);
            took
        })
        .collect();
    Timing {
        median_ns: median(samples),
        rounds: rounds.max(1),
        per_round: 1,
    }
}
