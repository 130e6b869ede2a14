//! The shapes table: every rung in the BEAM's two shapes, Rust beside the BEAM, one row a rung.
//!
//! The storm table beside it measures the Rust shared reads on threads that loop, where the BEAM
//! spawns a process per session; here both sides run the same shapes (`measure/shapes.rs` and the
//! BEAM's `Beam.Ring`): the storm, a task or process per session released at once, and alone, a
//! reader per worker thread or scheduler looping lookups. The note under the table states both.

use crate::common::beam::BeamRun;
use crate::common::report::captioned_table;
use crate::common::units::{group_digits, human_ns};
use crate::ring::beam as ring_beam;
use crate::ring::measure::{Measurements, Setup, Strategy};

/// The caption, the table and the note stating each shape.
pub fn table(measured: &Measurements, setup: &Setup, beam: Option<&BeamRun>) -> String {
    let column = beam.map_or_else(|| "BEAM".to_owned(), BeamRun::column);
    let header = [
        "rung".to_owned(),
        "BEAM counterpart".to_owned(),
        "storm: Rust".to_owned(),
        format!("storm: {column}"),
        "alone: Rust".to_owned(),
        format!("alone: {column}"),
    ];
    let beam_cell = |strategy: Strategy, shape: &str| {
        ring_beam::shape_cell(beam, strategy, shape).unwrap_or_else(|| "—".into())
    };
    let rows: Vec<Vec<String>> = measured
        .strategies
        .iter()
        .map(|m| {
            let shapes = &m.shapes;
            vec![
                m.strategy.label().to_owned(),
                counterpart(m.strategy),
                human_ns(shapes.storm_ns_per_lookup()),
                beam_cell(m.strategy, "storm"),
                human_ns(shapes.alone_ns_per_lookup()),
                beam_cell(m.strategy, "alone"),
            ]
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    format!(
        "{table}\n{note}",
        table = captioned_table(
            "Every rung in both shapes, both sides, time per lookup (prehashed)",
            &header,
            &rows
        ),
        note = note(measured, setup, beam),
    )
}

/// The BEAM way beside a strategy, as the shapes table names it.
fn counterpart(strategy: Strategy) -> String {
    match ring_beam::Way::beside(strategy) {
        Some(ring_beam::Way::FastGlobal) => "FastGlobal; `persistent_term`".into(),
        Some(way) => way.said().into(),
        None => "—".into(),
    }
}

/// The sentence under the table: each shape's processes, where its callers run, lookups each.
fn note(measured: &Measurements, setup: &Setup, beam: Option<&BeamRun>) -> String {
    let rust = &measured.get(Strategy::FLOOR).shapes;
    let beam_side = beam.map_or(String::new(), |beam| {
        let lookups = |way: &str| {
            group_digits(beam.figure(&format!("alone.{way}.lookups_per_reader")) as u64)
        };
        format!(
            " On the BEAM: the storm is {} processes, one per session, spawned by the driver and \
             released together; alone is {} processes (one per scheduler), {} lookups each ({} \
             through ETS, whose copy costs hundreds of µs). The ETS storm runs {} sessions and its \
             total is projected (the storm table).",
            group_digits(beam.figure("sessions") as u64),
            beam.figure("alone.genserver.readers"),
            lookups("genserver"),
            lookups("ets"),
            group_digits(beam.figure("storm.ets.sessions") as u64),
        )
    });
    format!(
        "*Storm: {sessions} sessions × {per} lookups, each session a task on a {threads}-thread \
         node (for the ring process, the node it runs on), all spawned before the clock starts and \
         released at once; time per lookup = the storm's wall time ÷ its {lookups} lookups. Alone: \
         {threads} tasks on the same node, one per worker thread, each looking up {alone} keys in a \
         row, one read of the shared ring each; time per lookup = wall time ÷ the lookups of one \
         reader.{beam_side} Read the storm and alone columns apart: a storm's figure is wall time \
         over every reader's lookups, alone's over one reader's.*",
        sessions = group_digits(rust.storm_sessions as u64),
        per = rust.storm_lookups / rust.storm_sessions.max(1),
        threads = setup.threads,
        lookups = group_digits(rust.storm_lookups as u64),
        alone = group_digits(rust.alone_lookups as u64),
    )
}
