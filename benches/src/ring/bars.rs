//! Every threshold of the fast-access bottleneck, in one place: the lab's bar, the scenario's
//! checks, and the instruction-count gates CI applies to `cargo bench --bench ring_instructions`
//! (`workbook registry` prints them all for CI).

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
