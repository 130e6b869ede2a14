//! The call and the wake-ups in the results: `per_call_ns`, the context switches per operation,
//! the ratios that set the cluster beside a bare channel and beside the BEAM, and their table.
//!
//! Why apart from [`report`](super::report): these figures answer a different question from the
//! rigs' table ("how far is a cluster send or call from the cheapest Rust can do, and from the
//! BEAM, and why"), so they are written, and tabled, by the one file that measures them
//! ([`measure::calls`](super::measure::calls)).

use serde_json::{Map, Value, json};

use crate::common::beam::{self as beam_column, BeamRun};
use crate::common::report::captioned_table;
use crate::common::units::human_ns;
use crate::send_cost::measure::Measured;
use crate::send_cost::measure::calls::CallCost;
use crate::send_cost::measure::rigs::Via;

/// The results key of the time per call (`per_call_ns.cluster_local`); the BEAM side's
/// `GenServer.call` goes under `beam.per_call_ns.local`.
pub const PER_CALL: &str = "per_call_ns";
/// The key of the call's figures: a process calling a process on its own node.
pub const CALL_KEY: &str = "cluster_local";

/// Context switches per send, by rig, as measured: `(rig, switches per send)`.
pub type Wakeups = Vec<(Via, Option<f64>)>;

/// Adds the call's figures, the context switches per operation, and three ratios: a local send ÷
/// a crossbeam send, and (when the BEAM ran) a TCP send ÷ the BEAM's remote `send/2` and a call ÷
/// a `GenServer.call`.
pub fn add_figures(
    figures: &mut Map<String, Value>,
    measured: &Measured,
    call: &CallCost,
    wakeups: &Wakeups,
    beam: Option<&BeamRun>,
) {
    let spread = call.per_call;
    figures.insert(PER_CALL.into(), json!({ CALL_KEY: spread.median }));
    figures.insert(format!("{PER_CALL}_min"), json!({ CALL_KEY: spread.min }));
    figures.insert(format!("{PER_CALL}_max"), json!({ CALL_KEY: spread.max }));
    let per_send: Map<String, Value> = wakeups
        .iter()
        .map(|(via, switches)| (via.facts().key.to_owned(), json!(switches)))
        .collect();
    figures.insert("context_switches_per_send".into(), per_send.into());
    figures.insert(
        "context_switches_per_call".into(),
        json!({ CALL_KEY: call.switches_per_call }),
    );

    let mut ratios = Map::new();
    let local = measured.send_median(Via::ClusterLocal);
    ratios.insert(
        "local_send_over_crossbeam".into(),
        json!(local / measured.send_median(Via::Crossbeam)),
    );
    if let Some(beam) = beam {
        let tcp = measured.send_median(Via::ClusterRemoteTcp);
        let pairs = [
            ("local_send_over_beam_local", local, "per_send_ns.local"),
            (
                "remote_tcp_send_over_beam_remote",
                tcp,
                "per_send_ns.remote",
            ),
            (
                "call_over_genserver_call",
                spread.median,
                "per_call_ns.local",
            ),
        ];
        for (name, ours, theirs) in pairs {
            let ratio = ours / beam.figure(theirs);
            if ratio.is_finite() {
                ratios.insert(name.into(), json!(ratio));
            }
        }
    }
    if let Some(Value::Object(all)) = figures.get_mut("ratios") {
        all.extend(ratios);
    } else {
        figures.insert("ratios".into(), ratios.into());
    }
}

/// The second table of the chapter: per operation, its time, the BEAM's, and the context
/// switches it caused, with the caption line above it.
pub fn table(
    measured: &Measured,
    call: &CallCost,
    wakeups: &Wakeups,
    beam: Option<&BeamRun>,
) -> String {
    // Per thousand: a receiver that keeps up sleeps far less than once per message.
    let switches = |s: Option<f64>| s.map_or("—".into(), |s| format!("{:.2}", s * 1e3));
    let mut rows = Vec::new();
    let mut beam_cells = Vec::new();
    for &(via, per_send) in wakeups {
        rows.push(vec![
            format!("one send: {}", via.facts().label),
            human_ns(measured.send_median(via)),
            switches(per_send),
        ]);
        let place = via.facts().place;
        beam_cells.push(
            place
                .zip(beam)
                .map(|(place, run)| human_ns(run.figure(&format!("per_send_ns.{}", place.beam())))),
        );
    }
    rows.push(vec![
        "one call: a process calling a process on its node".into(),
        human_ns(call.per_call.median),
        switches(call.switches_per_call),
    ]);
    beam_cells.push(beam.map(|run| human_ns(run.figure("per_call_ns.local"))));
    let mut header: Vec<String> = vec![
        "what".into(),
        "this machine (median)".into(),
        "context switches per 1,000 operations".into(),
    ];
    beam_column::add_column(beam, &mut header, &mut rows, 2, beam_cells);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    captioned_table(
        "A send and a call, and the context switches each caused (every thread of the process, \
         receivers' wake-ups included)",
        &header,
        &rows,
    )
}
