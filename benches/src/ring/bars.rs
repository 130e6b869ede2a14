//! Every threshold of the fast-access bottleneck, in one place, and the function that holds a
//! run to them: the lab's bar, the scenario's checks, and the instruction-count gates CI applies
//! to `cargo bench --bench ring_instructions` (the scenario declares them; `workbook registry`
//! prints them all for CI). A threshold is written once, here, and read where it is checked.

use ring_kit::Ring;

use crate::common::scenario::Check;
use crate::common::units::{group_digits, human_ns};
use crate::ring::measure::{Measurements, Setup, Strategy, Updates};

/// Prehashed storm, every session at once: copying the ring out ÷ FastGlobal. The lab's bar (on
/// the reader's FastGlobal), the scenario's check, and CI's instruction-count gate.
pub const COPY_OUT_OVER_FASTGLOBAL: f64 = 20.0;
/// Prehashed storm: the ring process ÷ FastGlobal.
pub const ACTOR_OVER_FASTGLOBAL: f64 = 40.0;
/// A cached FastGlobal read ÷ a raw `&Ring` (at most): in turns on wall time, and on instructions.
pub const CACHED_OVER_RAW: f64 = 1.25;
/// Building and publishing a new ring after one node joins, at most, in ns.
pub const UPDATE_NS: f64 = 10e6;
/// The BEAM side's storm (`beam/run ring`): a `GenServer.call` per lookup ÷ `:persistent_term`,
/// total time.
pub const BEAM_GENSERVER_OVER_PERSISTENT_TERM: f64 = 5.0;
/// The BEAM side's storm: FastGlobal and `:persistent_term`, the slower ÷ the faster (at most):
/// the same idea, one by hand and one built in.
pub const BEAM_FASTGLOBAL_WITHIN_PERSISTENT_TERM: f64 = 2.0;

/// The scenario's bars on this run (the BEAM side's are checked in `beam.rs`, on its own run),
/// and what CI reads from the results beyond their figures: that the storm was the blog's (every
/// session calling at once) and that the ring process was swept.
pub fn checks(measured: &Measurements, setup: &Setup) -> Vec<Check> {
    let fast = measured
        .get(Strategy::FastGlobal)
        .updates
        .expect("fastglobal is updatable");
    let by_callers = &measured.get(Strategy::Actor).by_callers;
    vec![
        Check::ratio_at_least(
            "prehashed storm: actor ÷ fastglobal",
            measured.ratio(Strategy::Actor, Strategy::FastGlobal),
            ACTOR_OVER_FASTGLOBAL,
        ),
        Check::ratio_at_least(
            "prehashed storm: copy_out ÷ fastglobal",
            measured.ratio(Strategy::CopyOut, Strategy::FastGlobal),
            COPY_OUT_OVER_FASTGLOBAL,
        ),
        Check::ratio_at_most(
            "prehashed storm, median of 9 rounds run in turns: fastglobal_cached ÷ raw",
            measured.over_the_floor(Strategy::FastGlobalCached),
            CACHED_OVER_RAW,
        ),
        Check::that(
            format!(
                "fastglobal: update_ns (build + publish after one node joins) ≤ {}",
                human_ns(UPDATE_NS)
            ),
            human_ns(fast.update_ns),
            fast.update_ns <= UPDATE_NS,
        ),
        no_reader_waits(&fast),
        placement(&setup.ring),
        Check::that(
            "the blog's storm: every session calls the ring process at once (callers = sessions)",
            format!(
                "{} callers, {} sessions",
                group_digits(setup.callers as u64),
                group_digits(setup.storm.sessions() as u64)
            ),
            setup.callers == setup.storm.sessions(),
        ),
        Check::that(
            "the ring process is swept over at least 2 counts of sessions calling at once",
            format!("{} counts", by_callers.len()),
            by_callers.len() >= 2,
        ),
    ]
}

/// FastGlobal's readers never wait on an update.
fn no_reader_waits(fast: &Updates) -> Check {
    Check::that(
        format!(
            "fastglobal: no reader waits on an update (the k-th longest lookup during updates \
             ≤ 2 × the k-th longest without + 20 µs, k = {k}, half the updates: a reader \
             that waited would wait on most of them, while the OS scheduler pauses a reader \
             only now and then)",
            k = fast.kept,
        ),
        format!(
            "{} during updates, {} without (longest: {} / {})",
            human_ns(fast.kth_longest_lookup_ns),
            human_ns(fast.kth_longest_idle_lookup_ns),
            human_ns(fast.longest_lookup_ns),
            human_ns(fast.longest_idle_lookup_ns)
        ),
        fast.kth_longest_lookup_ns <= 2.0 * fast.kth_longest_idle_lookup_ns + 20e3,
    )
}

/// The ring places keys as ex_hash_ring does: every strategy agreed with the ring itself (an
/// error otherwise, before any check), and on the production ring two answers computed from the
/// spec alone with Python's hashlib (see labs/ring/kit/src/ring.rs's tests).
fn placement(ring: &Ring) -> Check {
    let production = ring.nodes().len() == 10 && ring.replicas() == 512;
    let known = production
        && ring.find_node(&80_351_110_224_678_912u64) == Some("node-1")
        && ring.find_node(&41_771_983_423_143_937u64) == Some("node-8");
    Check::that(
        "placement identical to ex_hash_ring (every strategy agreed with the ring; known answers from hashlib)",
        if known {
            "agreed"
        } else {
            "not the 10 × 512 ring: known answers skipped"
        },
        known || !production,
    )
}
