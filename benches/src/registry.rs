//! Every lab and every scenario, in book order: the one list `workbook`, the book and CI read.
//!
//! Adding a bottleneck means adding its folder (`src/<bottleneck>/`) and its entries here;
//! `ci/registry` fails when a folder under `labs/` or `solutions/` is not registered. The full
//! list of files is in the book's appendix "Adding a lab".

use crate::common::lab::Lab;
use crate::common::scenario::Scenario;

/// Every lab, in book order.
pub const LABS: &[Lab] = &[
    crate::fanout::warmup::WARMUP,
    crate::fanout::lab::LAB,
    crate::ring::warmup::WARMUP,
    crate::ring::lab::LAB,
    crate::placement::warmup::WARMUP,
    crate::placement::lab::LAB,
    crate::semaphore::warmup::WARMUP,
    crate::semaphore::lab::LAB,
    crate::admission::warmup::WARMUP,
    crate::admission::lab::LAB,
];

/// Every scenario `workbook reproduce` knows, in book order.
pub const SCENARIOS: &[&dyn Scenario] = &[
    &crate::send_cost::SendCost,
    &crate::fanout::FanoutScenario,
    &crate::ring::RingStorm,
    &crate::placement::PlacementScenario,
    &crate::semaphore::Stampede,
    &crate::semaphore::Outage,
    &crate::admission::Admission,
    &crate::reconnect::Reconnect,
];

/// Every threshold, by bottleneck and name, for CI and `workbook registry`.
pub fn thresholds() -> serde_json::Value {
    use crate::reconnect::bars as rc;
    use crate::{fanout::bars as f, ring::bars as r, semaphore::bars as s, send_cost::bars as c};
    serde_json::json!({
        "send_cost": {
            "instructions_remote_over_local": c::INSTRUCTIONS_REMOTE_OVER_LOCAL,
        },
        "fanout": {
            "naive_over_manifold": f::NAIVE_OVER_MANIFOLD,
            "naive_over_manifold_tcp": f::NAIVE_OVER_MANIFOLD_TCP,
            "naive_over_offload": f::NAIVE_OVER_OFFLOAD,
            "naive_over_relay": f::NAIVE_OVER_RELAY,
            "bytes_naive_over_manifold": f::BYTES_NAIVE_OVER_MANIFOLD,
            "bytes_naive_over_relay": f::BYTES_NAIVE_OVER_RELAY,
            "instructions_naive_over_manifold": f::INSTRUCTIONS_NAIVE_OVER_MANIFOLD,
            "instructions_manifold_over_relay": f::INSTRUCTIONS_MANIFOLD_OVER_RELAY,
            "beam_naive_over_manifold": f::BEAM_NAIVE_OVER_MANIFOLD,
        },
        "ring": {
            "copy_out_over_fastglobal": r::COPY_OUT_OVER_FASTGLOBAL,
            "actor_over_fastglobal": r::ACTOR_OVER_FASTGLOBAL,
            "cached_over_raw": r::CACHED_OVER_RAW,
            "update_ns": r::UPDATE_NS,
            "beam_genserver_over_persistent_term": r::BEAM_GENSERVER_OVER_PERSISTENT_TERM,
            "beam_fastglobal_within_persistent_term": r::BEAM_FASTGLOBAL_WITHIN_PERSISTENT_TERM,
        },
        "semaphore": {
            "time_to_all_served_over_ideal": s::TIME_TO_ALL_SERVED_OVER_IDEAL,
            "semaphore_over_bare_pair": s::SEMAPHORE_OVER_BARE_PAIR,
            "process_over_semaphore": s::PROCESS_OVER_SEMAPHORE,
            "instructions_semaphore_over_bare_pair": s::INSTRUCTIONS_SEMAPHORE_OVER_BARE_PAIR,
            "instructions_process_over_semaphore": s::INSTRUCTIONS_PROCESS_OVER_SEMAPHORE,
            "beam_genserver_over_ets_update_counter": s::BEAM_GENSERVER_OVER_ETS_UPDATE_COUNTER,
            "process_over_beam_genserver_alone": s::PROCESS_OVER_BEAM_GENSERVER_ALONE,
        },
        "placement": {
            "maglev_over_ring_lookup": crate::placement::bars::MAGLEV_OVER_RING_LOOKUP,
            "maglev_build_ms": crate::placement::bars::MAGLEV_BUILD_MS,
            "maglev_peak_to_mean": crate::placement::bars::MAGLEV_PEAK_TO_MEAN,
            "bounded_peak_to_mean": crate::placement::bars::BOUNDED_PEAK_TO_MEAN,
            "moved_within": crate::placement::bars::MOVED_WITHIN,
        },
        "admission": {
            "time_over_ideal": crate::admission::bars::TIME_OVER_IDEAL,
        },
        "reconnect": {
            "nothing_fixed_served_below": rc::NOTHING_FIXED_SERVED_BELOW,
            "all_fixed_over_ideal": rc::ALL_FIXED_OVER_IDEAL,
            "wall_s": rc::WALL_S,
        },
    })
}

/// The registry as JSON: labs (name, crates, file, chapter), scenarios, what each declares (its
/// parameters, the figures its results must hold, its instruction-count gates), thresholds.
/// `ci/check` and `ci/registry` read it, so CI holds each scenario to what it declares.
pub fn describe() -> serde_json::Value {
    let labs: Vec<_> = LABS
        .iter()
        .map(|lab| {
            serde_json::json!({
                "name": lab.name,
                "crate": lab.crate_name(),
                "solution": lab.solution_crate(),
                "file": lab.file,
                "chapter": lab.chapter,
                "hints": lab.hint_list().len(),
                "bar": lab.bar.as_ref().map(|bar| bar.words),
            })
        })
        .collect();
    let scenarios: Vec<_> = SCENARIOS.iter().map(|s| s.name()).collect();
    let declared: serde_json::Map<String, serde_json::Value> = SCENARIOS
        .iter()
        .map(|s| {
            let params: Vec<_> = s
                .params()
                .iter()
                .map(|p| serde_json::json!({ "name": p.name, "about": p.about, "accepts": p.accepts() }))
                .collect();
            let about = serde_json::json!({
                "title": s.title(),
                "params": params,
                "required": s.required(),
                "gates": s.gates(),
            });
            (s.name().to_owned(), about)
        })
        .collect();
    serde_json::json!({
        "labs": labs,
        "scenarios": scenarios,
        "declared": declared,
        "thresholds": thresholds(),
    })
}
