//! Every threshold of the limited-concurrency bottleneck, in one place: the lab's bar, the
//! scenarios' checks, and the instruction-count gates CI applies to
//! `cargo bench --bench semaphore_instructions` (`workbook registry` prints them all for CI).

/// The stampede: the guarded client serves every session within this many times the ideal time
/// (the time the registries' capacity alone allows). The lab's bar and the scenario's check.
pub const TIME_TO_ALL_SERVED_OVER_IDEAL: f64 = 1.5;
/// One uncontended enter-and-leave: the semaphore ÷ a bare `fetch_add` + `fetch_sub` (at most).
pub const SEMAPHORE_OVER_BARE_PAIR: f64 = 2.0;
/// Every core contending: a semaphore run by a process ÷ the semaphore.
pub const PROCESS_OVER_SEMAPHORE: f64 = 10.0;
/// Instructions for 1,000 enter-and-leave cycles: the semaphore ÷ the bare pair (at most; CI).
/// Counts weigh a locked read-modify-write like an add, so the wall-time bar of 2× becomes a
/// handful of plain instructions around the same two atomic operations.
pub const INSTRUCTIONS_SEMAPHORE_OVER_BARE_PAIR: f64 = 4.0;
/// Instructions for 1,000 enter-and-leave cycles: a process ÷ the semaphore (CI).
pub const INSTRUCTIONS_PROCESS_OVER_SEMAPHORE: f64 = 10.0;
/// The BEAM side's gates (`beam/run semaphore`), one process alone: a semaphore run by a
/// GenServer ÷ Discord's `:ets.update_counter` one.
pub const BEAM_GENSERVER_OVER_ETS_UPDATE_COUNTER: f64 = 5.0;
