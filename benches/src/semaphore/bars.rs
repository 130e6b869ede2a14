//! Every threshold of the limited-concurrency bottleneck, in one place, and the functions that
//! hold a run to them: the lab's bar, the scenarios' checks, and the instruction-count gates CI
//! applies to `cargo bench --bench semaphore_instructions` (the stampede declares them;
//! `workbook registry` prints them all for CI). The BEAM side's bar is checked in `beam.rs`.

use crate::common::scenario::Check;
use crate::common::units::{group_digits, tenths};
use crate::semaphore::measure::{GateKind, GateTimes, Story, Timelines};

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
/// The gate run by a process, alone, its caller a process on the gate's node on both sides: the
/// Rust process gate ÷ the BEAM's GenServer gate (at most): a call on the miniature BEAM is no
/// slower than a `GenServer.call` on the real one.
pub const PROCESS_OVER_BEAM_GENSERVER_ALONE: f64 = 1.0;
/// The semaphore, after the registries return: its queue is back within the limits this soon, in
/// seconds.
pub const DRAINED_AFTER_OUTAGE_S: f64 = 5.0;
/// The outage: the unguarded sessions' peak backlog of unread events, at least this many times
/// the semaphore's.
pub const NAIVE_BACKLOG_OVER_SEMAPHORE: u64 = 10;
/// The naive client collapses: it serves fewer than this fraction of the sessions.
pub const NAIVE_SERVED_BELOW: f64 = 0.5;
/// The stampede's naive client stays collapsed: goodput in the last 10 s, as a fraction of the
/// registries' capacity, below this.
pub const NAIVE_GOODPUT_BELOW: f64 = 0.1;

/// The model's bars on both runs of a story: the naive client collapses, the semaphore serves
/// everyone, and its queues stay bounded.
pub fn model_checks(t: &Timelines) -> Vec<Check> {
    let mut checks = Vec::new();
    if t.story == Story::Stampede {
        checks.push(naive_stays_collapsed(t));
    }
    checks.push(naive_serves_few(t));
    if t.story == Story::Stampede {
        checks.push(served_near_the_ideal(t));
    }
    checks.push(Check::that(
        "semaphore serves 100 % of sessions",
        format!("{} %", tenths(t.guarded.figures.served_fraction * 100.0)),
        t.guarded.figures.served_fraction == 1.0,
    ));
    match t.story {
        Story::Stampede => checks.push(queue_within_the_limits(t)),
        Story::Outage => checks.extend(recovery(t)),
    }
    checks.push(backlog_bounded(t));
    checks
}

fn naive_stays_collapsed(t: &Timelines) -> Check {
    let goodput = t.naive.figures.goodput_after_trigger_ratio;
    Check::that(
        format!(
            "naive collapses and stays collapsed: goodput in the last 10 s < {NAIVE_GOODPUT_BELOW} \
             of capacity"
        ),
        format!("{goodput:.3}"),
        goodput < NAIVE_GOODPUT_BELOW,
    )
}

fn naive_serves_few(t: &Timelines) -> Check {
    let served = t.naive.figures.served_fraction;
    Check::that(
        format!(
            "naive serves < {} % of sessions",
            NAIVE_SERVED_BELOW * 100.0
        ),
        format!("{} %", tenths(served * 100.0)),
        served < NAIVE_SERVED_BELOW,
    )
}

fn served_near_the_ideal(t: &Timelines) -> Check {
    let ideal = t.config.ideal_s();
    let took = t
        .guarded
        .figures
        .time_to_all_served_s
        .unwrap_or(f64::INFINITY);
    Check::that(
        format!(
            "semaphore serves everyone within {TIME_TO_ALL_SERVED_OVER_IDEAL} × the ideal {ideal:.1} s"
        ),
        format!("{took:.1} s"),
        took <= TIME_TO_ALL_SERVED_OVER_IDEAL * ideal,
    )
}

fn queue_within_the_limits(t: &Timelines) -> Check {
    let limit_sum = t.config.limit_sum();
    let peak = t.guarded.figures.peak_queue;
    Check::that(
        format!("semaphore's registry queue ≤ the sum of the limits ({limit_sum})"),
        group_digits(peak as u64),
        peak <= limit_sum,
    )
}

/// While the registries are stopped, every permit times out and is taken again, so the queue
/// grows by the sum of the limits per timeout; what matters is how fast it drains.
fn recovery(t: &Timelines) -> [Check; 2] {
    let drained = t.drained_after_outage(&t.guarded);
    let (naive, guarded) = (
        t.naive.figures.peak_mailbox_backlog,
        t.guarded.figures.peak_mailbox_backlog,
    );
    [
        Check::that(
            format!(
                "semaphore catches up within seconds of the return: queue back within the limits \
                 in ≤ {DRAINED_AFTER_OUTAGE_S} s"
            ),
            drained.map_or("never".into(), |s| format!("{s:.1} s")),
            drained.is_some_and(|s| s <= DRAINED_AFTER_OUTAGE_S),
        ),
        Check::that(
            format!(
                "unguarded sessions' backlog balloons: ≥ {NAIVE_BACKLOG_OVER_SEMAPHORE} × the \
                 semaphore's"
            ),
            format!("{} against {}", group_digits(naive), group_digits(guarded)),
            naive >= NAIVE_BACKLOG_OVER_SEMAPHORE * guarded.max(1),
        ),
    ]
}

/// A session that bails never blocks, so its unread events stay within what the limits let
/// arrive while a call waits out its timeout.
fn backlog_bounded(t: &Timelines) -> Check {
    let c = &t.config;
    let bound = c.limit_sum() as f64 * c.presence_rate * c.call_timeout.as_secs_f64();
    let peak = t.guarded.figures.peak_mailbox_backlog;
    Check::that(
        format!("semaphore's mailbox backlog bounded by limits × rate × timeout ({bound:.0})"),
        group_digits(peak),
        peak as f64 <= bound,
    )
}

/// The gates' bars: the semaphore costs about a bare atomic pair, far less than a process.
pub fn gate_checks(gates: &GateTimes) -> Vec<Check> {
    use GateKind::{BareAtomicPair, Process, Semaphore};
    vec![
        Check::ratio_at_most(
            "uncontended try_acquire + release ÷ a bare fetch_add + fetch_sub",
            gates.alone(Semaphore) / gates.alone(BareAtomicPair),
            SEMAPHORE_OVER_BARE_PAIR,
        ),
        Check::ratio_at_least(
            "every core contending: a semaphore run by a process ÷ the semaphore",
            gates.contended(Process) / gates.contended(Semaphore),
            PROCESS_OVER_SEMAPHORE,
        ),
    ]
}

/// The Rust process gate alone held to the BEAM's GenServer gate alone (`genserver_alone_ns`, from
/// the BEAM side of the same run): both called by one process on the gate's node.
pub fn process_against_genserver(gates: &GateTimes, genserver_alone_ns: f64) -> Check {
    Check::ratio_at_most(
        "alone, a caller process on the gate's node: the Rust process gate ÷ the BEAM's GenServer \
         gate",
        gates.alone(GateKind::Process) / genserver_alone_ns,
        PROCESS_OVER_BEAM_GENSERVER_ALONE,
    )
}
