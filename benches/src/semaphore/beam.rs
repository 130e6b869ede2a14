//! The stampede's BEAM side: `beam/run semaphore` times three gates on the BEAM, alone and with
//! every scheduler contending: Discord's Semaphore (`:ets.update_counter` with a threshold), the
//! same gate on `:atomics`, and one run by a GenServer (a call per acquire).
//!
//! Here: which BEAM gate stands beside which Rust one (stated once, in [`beside`]), the figures
//! the BEAM side must report, its cells in the gate table, and its bar checked on its run. The
//! outage has no BEAM side: it is the model's story, in virtual time.

use crate::common::beam::{Beam, BeamRun};
use crate::common::scenario::{Check, Progress};
use crate::common::units::human_ns;
use crate::semaphore::bars;
use crate::semaphore::measure::{GateKind, GateTimes};

/// A gate on the BEAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    /// Discord's: `:ets.update_counter` with a threshold.
    EtsUpdateCounter,
    /// The same gate on `:atomics`.
    Atomics,
    /// A semaphore run by a GenServer.
    GenServer,
}

impl Way {
    /// Its name in the BEAM side's JSON (`gate_ns.alone.<name>`).
    const fn name(self) -> &'static str {
        match self {
            Way::EtsUpdateCounter => "ets_update_counter",
            Way::Atomics => "atomics",
            Way::GenServer => "genserver",
        }
    }

    /// What the table calls it.
    const fn said(self) -> &'static str {
        match self {
            Way::EtsUpdateCounter => "`:ets.update_counter`",
            Way::Atomics => "`:atomics`",
            Way::GenServer => "GenServer",
        }
    }
}

/// The BEAM's gates beside a Rust one: the semaphore's row shows Discord's gate and the
/// `:atomics` one, the process's the GenServer.
const fn beside(kind: GateKind) -> &'static [Way] {
    match kind {
        GateKind::Semaphore => &[Way::EtsUpdateCounter, Way::Atomics],
        GateKind::Process => &[Way::GenServer],
        _ => &[],
    }
}

/// The figures the BEAM side must report, for its three gates.
pub const FIGURES: [&str; 6] = [
    "gate_ns.alone.ets_update_counter",
    "gate_ns.alone.atomics",
    "gate_ns.alone.genserver",
    "gate_ns.contended.ets_update_counter",
    "gate_ns.contended.atomics",
    "gate_ns.contended.genserver",
];

/// Runs `beam/run semaphore` with `ops` cycles per gate and `calls` calls per caller to the
/// GenServer gate (as many as the Rust process gate's callers make, over all trials); `None`
/// when the BEAM side is off.
pub fn run(
    beam: &Beam,
    ops: u64,
    calls: u64,
    progress: &Progress,
) -> Result<Option<BeamRun>, String> {
    let flags = [("ops", ops), ("genserver_ops", calls)];
    beam.run("semaphore", &flags, &FIGURES, progress)
}

/// The BEAM side's bar ([`bars`]) on its own gates, and the Rust process gate held to the
/// BEAM's GenServer gate, both called by a process on the gate's node.
pub fn checks(beam: &BeamRun, gates: &GateTimes) -> Vec<Check> {
    let alone = |way: Way| beam.figure(&format!("gate_ns.alone.{}", way.name()));
    vec![
        Check::ratio_at_least(
            "BEAM here, alone: a semaphore run by a GenServer ÷ `:ets.update_counter`",
            alone(Way::GenServer) / alone(Way::EtsUpdateCounter),
            bars::BEAM_GENSERVER_OVER_ETS_UPDATE_COUNTER,
        ),
        bars::process_against_genserver(gates, alone(Way::GenServer)),
    ]
}

/// The BEAM's gates beside a Rust one: alone / contended, each named.
pub fn cell(beam: Option<&BeamRun>, kind: GateKind) -> Option<String> {
    let beam = beam?;
    let gate = |way: Way| {
        let figure = |mode: &str| human_ns(beam.figure(&format!("gate_ns.{mode}.{}", way.name())));
        format!(
            "{} {} / {}",
            way.said(),
            figure("alone"),
            figure("contended")
        )
    };
    let ways = beside(kind);
    (!ways.is_empty()).then(|| {
        ways.iter()
            .map(|&way| gate(way))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// What the gate table's note says of the BEAM's run; nothing without one.
pub fn note(beam: Option<&BeamRun>) -> String {
    beam.map_or(String::new(), |beam| {
        format!(
            "\n*BEAM here: `beam/run semaphore`, alone / {} processes at once (per op, per \
             process), the median of 5 trials.*\n",
            beam.json()["contenders"]
        )
    })
}
