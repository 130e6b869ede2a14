//! The suite's tables worked out by hand, and the helpers that compare a table with one and say
//! what went wrong.

use std::sync::mpsc;
use std::time::Duration;

use crate::MaglevTable;

/// A table worked out by hand from its permutations.
#[derive(Clone, Copy, Debug)]
pub struct HandWorked {
    /// What the case is.
    pub name: &'static str,
    /// M.
    pub size: usize,
    /// Node `i`'s `(offset, skip)`.
    pub permutations: &'static [(usize, usize)],
    /// The owner of each slot.
    pub table: &'static [usize],
}

// ANCHOR: paper
/// The hand-worked tables. The first two are the paper's Table 1 (Eisenbud et al., "Maglev: A Fast
/// and Reliable Software Network Load Balancer", NSDI 2016): B0, B1, B2 with offsets 3, 0, 3 and
/// skips 4, 2, 1 in a table of 7, whose preference lists are
///
/// ```text
/// B0: 3 0 4 1 5 2 6      round 1: B0 takes 3, B1 takes 0, B2 finds 3 taken and takes 4
/// B1: 0 2 4 6 1 3 5      round 2: B0 finds 0, 4 taken, takes 1; B1 takes 2; B2 takes 5
/// B2: 3 4 5 6 0 1 2      round 3: B0 finds 5, 2 taken, takes 6: the table is full
/// ```
///
/// so the table is B1 B0 B1 B0 B2 B2 B0; with B1 gone it is B0 B0 B0 B0 B2 B2 B2.
pub const HAND_WORKED: [HandWorked; 7] = [
    HandWorked {
        name: "the paper's example",
        size: 7,
        permutations: &[(3, 4), (0, 2), (3, 1)],
        table: &[1, 0, 1, 0, 2, 2, 0],
    },
    HandWorked {
        name: "the paper's example after B1 leaves",
        size: 7,
        permutations: &[(3, 4), (3, 1)],
        table: &[0, 0, 0, 0, 1, 1, 1],
    },
    // A: 0 1 2 3 4; B: 0 2 4 1 3. A 0, B 2 (0 taken); A 1, B 4; A 3 (2 taken): full.
    HandWorked {
        name: "two nodes, M = 5",
        size: 5,
        permutations: &[(0, 1), (0, 2)],
        table: &[0, 0, 1, 0, 1],
    },
    // N0: 2 5 8 0 3 6 9 1 4 7 10; N1: 2 7 1 6 0 5 10 4 9 3 8; N2: 7 0 4 8 1 5 9 2 6 10 3;
    // N3: 0 10 9 8 7 6 5 4 3 2 1. Round 1: 2, 7, 0, 10; round 2: 5, 1, 4, 9; round 3: N0 8,
    // N1 6, N2 walks past 8 1 5 9 2 6 10 to 3: full before N3's third turn.
    HandWorked {
        name: "four nodes, M = 11",
        size: 11,
        permutations: &[(2, 3), (2, 5), (7, 4), (0, 10)],
        table: &[2, 1, 0, 2, 2, 0, 1, 1, 0, 3, 3],
    },
    HandWorked {
        name: "one node, M = 13",
        size: 13,
        permutations: &[(6, 5)],
        table: &[0; 13],
    },
    HandWorked {
        name: "two nodes with the same permutation, M = 2",
        size: 2,
        permutations: &[(0, 1), (0, 1)],
        table: &[0, 1],
    },
    // N0 takes 0, N1 takes 2, N2 takes 1: full, and N3 never gets a turn.
    HandWorked {
        name: "more nodes than slots, M = 3",
        size: 3,
        permutations: &[(0, 1), (2, 2), (1, 1), (0, 2)],
        table: &[0, 2, 1],
    },
];
// ANCHOR_END: paper

/// Every slot's owner.
pub(super) fn table_of<M: MaglevTable>(maglev: &M) -> Vec<usize> {
    (0..maglev.size()).map(|slot| maglev.owner(slot)).collect()
}

/// `Ok` when every slot is owned by one of `nodes` nodes and the shares are the paper's fill's:
/// within one slot of each other, the larger ones first. Otherwise what was seen, and its likely
/// cause.
pub(super) fn shares_within_one(table: &[usize], nodes: usize) -> Result<(), String> {
    if let Some((slot, owner)) = table.iter().enumerate().find(|(_, o)| **o >= nodes) {
        return Err(format!(
            "slot {slot} is owned by node {owner}, but there are {nodes} nodes (0..{nodes}): a \
             slot left empty, or a fill that stopped before the table was full?"
        ));
    }
    let mut counts = vec![0usize; nodes];
    for &owner in table {
        counts[owner] += 1;
    }
    let (most, least) = (counts.iter().max(), counts.iter().min());
    let (most, least) = (*most.unwrap_or(&0), *least.unwrap_or(&0));
    let shown = if nodes <= 16 {
        format!("{counts:?}")
    } else {
        format!("from {most} to {least}")
    };
    if most > least + 1 {
        let low_first = counts.windows(2).all(|w| w[0] >= w[1]);
        return Err(format!(
            "the nodes' shares of the {} slots are {shown}: they differ by {}. In Maglev's fill \
             every node takes one slot per round, in turn, so shares differ by one at most.{}",
            table.len(),
            most - least,
            if low_first {
                " The lowest node ids took the most: does a node get more than one slot per turn, \
                 or the round start again from node 0 before every node has had its turn?"
            } else {
                " Does every node take exactly one slot in each round, even when its first \
                 choices are taken?"
            }
        ));
    }
    if let Some(i) = counts.windows(2).position(|w| w[0] < w[1]) {
        return Err(format!(
            "the nodes' shares are {shown}: node {} has one slot more than node {i}. The last \
             round stops as soon as the table is full, so the extra slots go to the first nodes \
             of the round: does every round start at node 0?",
            i + 1
        ));
    }
    Ok(())
}

/// Why `table` is not `case.table`, as far as the table shows.
pub(super) fn why_differs(case: &HandWorked, table: &[usize]) -> String {
    if table.len() != case.size {
        return format!("The table has {} slots; M is {}.", table.len(), case.size);
    }
    if let Err(seen) = shares_within_one(table, case.permutations.len()) {
        return format!("Seen: {seen}");
    }
    "Every node has its share, but not the right slots. In each round every node in turn takes the \
     first slot of its own preference list (offset, offset + skip, offset + 2·skip, … mod M) not \
     yet taken, and its next turn carries on from there in its list. Work the first round by hand \
     beside your table."
        .to_owned()
}

/// How an attempt to build a table ended.
pub(super) enum Outcome {
    /// It panicked: refused.
    Refused,
    /// It returned a table.
    Built,
    /// It was still running after the limit.
    Stuck(Duration),
}

/// Runs `build` on its own thread, and says whether it panicked, returned, or is still running
/// after `limit` (the thread is left running: threads cannot be killed).
pub(super) fn attempt<T>(limit: Duration, build: impl FnOnce() -> T + Send + 'static) -> Outcome {
    let (done, outcome) = mpsc::channel();
    std::thread::Builder::new()
        .name("maglev-attempt".into())
        .spawn(move || {
            let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(build())));
            // A `todo!()` is not a refusal: it panics on every table, good or bad.
            let refused = ended.is_err_and(|panic| !unfinished(panic.as_ref()));
            let _ = done.send(refused);
        })
        .expect("could not start a thread");
    match outcome.recv_timeout(limit) {
        Ok(true) => Outcome::Refused,
        Ok(false) => Outcome::Built,
        Err(_) => Outcome::Stuck(limit),
    }
}

/// Whether a panic's message is `todo!()`'s or `unimplemented!()`'s.
fn unfinished(panic: &(dyn std::any::Any + Send)) -> bool {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("");
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

impl Outcome {
    /// Panics unless the attempt (`what`) was refused.
    #[track_caller]
    pub(super) fn expect_refused(self, what: &str) {
        let why = "A size that is not prime lets a skip share a factor with it, so that node's \
                   permutation visits only part of the table; a skip of 0 (or of M) visits one \
                   slot; an offset of M or more is no slot";
        match self {
            Outcome::Refused => {}
            Outcome::Built => panic!(
                "{what}: a table was built. It must be refused, with a panic that says why. {why}."
            ),
            Outcome::Stuck(limit) => panic!(
                "{what}: still filling after {limit:?}. A fill waiting for a free slot its \
                 permutation never reaches loops for ever; refuse such a table before filling. \
                 {why}."
            ),
        }
    }
}
