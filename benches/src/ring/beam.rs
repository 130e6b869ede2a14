//! The ring scenario's BEAM side: `beam/run ring` runs the same storm on the BEAM, through a
//! `GenServer.call`, a copy out of ETS, FastGlobal and the BEAM's own `:persistent_term`.
//!
//! Here: which BEAM way stands beside which Rust strategy (stated once, in [`Way::beside`]), the
//! figures the BEAM side must report, its cells in the two tables, its dots in the plot, and its
//! own bars checked on its run. The blog's figures are the BEAM's too (Discord's production), so
//! the blog's dots and the "BEAM counterpart (blog)" column are drawn here as well.

use crate::common::beam::{Beam, BeamRun};
use crate::common::blog::{RING_PER_LOOKUP_US, RING_TOTAL_S};
use crate::common::params::Params;
use crate::common::plot::Dot;
use crate::common::scenario::{Check, Progress};
use crate::common::units::{group_digits, human_ns};
use crate::ring::bars;
use crate::ring::measure::Strategy;

/// A way of sharing the ring on the BEAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// A process that owns the ring, called (`GenServer.call`).
    GenServer,
    /// The ring copied out of an ETS table.
    Ets,
    /// Discord's FastGlobal (mochiglobal): the ring compiled into a module.
    FastGlobal,
    /// The BEAM's built-in `:persistent_term`, the same idea.
    PersistentTerm,
}

impl Way {
    /// Every way, in the order the plot draws them.
    pub const ALL: [Way; 4] = [
        Way::GenServer,
        Way::Ets,
        Way::FastGlobal,
        Way::PersistentTerm,
    ];

    /// Its name in the BEAM side's JSON (`storm.<name>.total_ns`).
    pub const fn name(self) -> &'static str {
        match self {
            Way::GenServer => "genserver",
            Way::Ets => "ets",
            Way::FastGlobal => "fastglobal",
            Way::PersistentTerm => "persistent_term",
        }
    }

    /// What the tables and the plot call it.
    pub const fn said(self) -> &'static str {
        match self {
            Way::GenServer => "GenServer call",
            Way::Ets => "ETS lookup",
            Way::FastGlobal => "FastGlobal get",
            Way::PersistentTerm => "persistent_term",
        }
    }

    /// The key of its figures in [`RING_TOTAL_S`] and [`RING_PER_LOOKUP_US`], if the post has any.
    pub const fn blog_key(self) -> Option<&'static str> {
        match self {
            Way::GenServer => Some("actor"),
            Way::Ets => Some("ets"),
            Way::FastGlobal => Some("fastglobal"),
            Way::PersistentTerm => None,
        }
    }

    /// The BEAM's way beside a Rust strategy: a process that owns the ring, a copy out of a
    /// table, FastGlobal.
    pub const fn beside(strategy: Strategy) -> Option<Way> {
        match strategy {
            Strategy::Actor => Some(Way::GenServer),
            Strategy::CopyOut => Some(Way::Ets),
            Strategy::FastGlobal => Some(Way::FastGlobal),
            _ => None,
        }
    }
}

/// The post's figure for `way` in `figures` (the totals or the costs per lookup).
fn blog_figure(figures: &[(&str, f64)], way: Way) -> Option<f64> {
    let key = way.blog_key()?;
    figures.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The post's total for the storm through `way`, in seconds (NaN where the post has none).
pub fn blog_total_s(way: Way) -> f64 {
    blog_figure(&RING_TOTAL_S, way).unwrap_or(f64::NAN)
}

/// The figures the BEAM side must report: each storm's (what ran: `sessions`), and each way's
/// lone readers.
pub const FIGURES: [&str; 21] = [
    "sessions",
    "storm.genserver.total_ns",
    "storm.genserver.ns_per_lookup",
    "storm.genserver.update_ns",
    "storm.genserver.sessions",
    "storm.ets.total_ns",
    "storm.ets.ns_per_lookup",
    "storm.ets.update_ns",
    "storm.ets.sessions",
    "storm.fastglobal.total_ns",
    "storm.fastglobal.ns_per_lookup",
    "storm.fastglobal.update_ns",
    "storm.fastglobal.sessions",
    "storm.persistent_term.total_ns",
    "storm.persistent_term.ns_per_lookup",
    "storm.persistent_term.update_ns",
    "storm.persistent_term.sessions",
    "alone.genserver.ns_per_lookup",
    "alone.ets.ns_per_lookup",
    "alone.fastglobal.ns_per_lookup",
    "alone.persistent_term.ns_per_lookup",
];

/// Runs `beam/run ring` on the storm `params` describe; `None` when the BEAM side is off.
pub fn run(beam: &Beam, params: &Params, progress: &Progress) -> Result<Option<BeamRun>, String> {
    let flags = [
        ("sessions", params.get("sessions")),
        ("lookups", params.get("guilds")),
        ("nodes", params.get("nodes")),
        ("replicas", params.get("replicas")),
        // Each lone reader makes as many lookups as the Rust side's (the sweep's storm).
        (
            "alone_lookups",
            params.get("sweep_sessions") * params.get("guilds"),
        ),
    ];
    beam.run("ring", &flags, &FIGURES, progress)
}

/// The BEAM side's bars ([`bars`]) on its own storm.
pub fn checks(beam: &BeamRun) -> Vec<Check> {
    let total = |way: Way| beam.figure(&format!("storm.{}.total_ns", way.name()));
    let (fast, term) = (total(Way::FastGlobal), total(Way::PersistentTerm));
    vec![
        Check::ratio_at_least(
            format!(
                "BEAM here, storm: {} ÷ {}",
                Way::GenServer.name(),
                Way::PersistentTerm.name()
            ),
            total(Way::GenServer) / term,
            bars::BEAM_GENSERVER_OVER_PERSISTENT_TERM,
        ),
        Check::ratio_at_most(
            format!(
                "BEAM here, storm: {} and {}, the slower ÷ the faster",
                Way::FastGlobal.name(),
                Way::PersistentTerm.name()
            ),
            fast.max(term) / fast.min(term),
            bars::BEAM_FASTGLOBAL_WITHIN_PERSISTENT_TERM,
        ),
    ]
}

/// The "BEAM counterpart (blog)" cell of a Rust strategy: `GenServer call (12 µs)`, or `—`.
pub fn counterpart(strategy: Strategy) -> String {
    let Some(way) = Way::beside(strategy) else {
        return "—".into();
    };
    match blog_figure(&RING_PER_LOOKUP_US, way) {
        Some(us) => format!("{} ({us} µs)", way.said()),
        None => way.said().into(),
    }
}

/// FastGlobal's cells also show `:persistent_term`, the built-in beside the library.
fn with_persistent_term(way: Way, cell: impl Fn(Way) -> String) -> String {
    match way {
        Way::FastGlobal => format!(
            "FastGlobal {}; `persistent_term` {}",
            cell(Way::FastGlobal),
            cell(Way::PersistentTerm)
        ),
        way => cell(way),
    }
}

/// The BEAM's storm beside a Rust strategy: its total (projected for ETS, which runs fewer
/// sessions) and per lookup.
pub fn storm_cell(beam: Option<&BeamRun>, strategy: Strategy) -> Option<String> {
    let (beam, way) = (beam?, Way::beside(strategy)?);
    let storm = |way: Way| {
        let figure = |f: &str| beam.figure(&format!("storm.{}.{f}", way.name()));
        let per = human_ns(figure("ns_per_lookup"));
        let projected = figure("projected_total_ns");
        if projected.is_nan() {
            format!("{} ({per})", human_ns(figure("total_ns")))
        } else {
            format!(
                "{} projected from {} sessions ({per})",
                human_ns(projected),
                group_digits(figure("sessions") as u64)
            )
        }
    };
    Some(with_persistent_term(way, storm))
}

/// The BEAM's time per lookup in one shape (`"storm"` or `"alone"`) beside a Rust strategy; a
/// storm that ran fewer sessions than the run's (ETS) says how many.
pub fn shape_cell(beam: Option<&BeamRun>, strategy: Strategy, shape: &str) -> Option<String> {
    let (beam, way) = (beam?, Way::beside(strategy)?);
    let cell = |way: Way| {
        let figure = |f: &str| beam.figure(&format!("{shape}.{}.{f}", way.name()));
        let per = human_ns(figure("ns_per_lookup"));
        let sessions = figure("sessions");
        if sessions < beam.figure("sessions") {
            format!("{per} ({} sessions)", group_digits(sessions as u64))
        } else {
            per
        }
    };
    Some(with_persistent_term(way, cell))
}

/// What replacing the ring cost the BEAM, beside a Rust strategy.
pub fn update_cell(beam: Option<&BeamRun>, strategy: Strategy) -> Option<String> {
    let (beam, way) = (beam?, Way::beside(strategy)?);
    let update = |way: Way| human_ns(beam.figure(&format!("storm.{}.update_ns", way.name())));
    Some(with_persistent_term(way, update))
}

/// What the storm table's note says of the BEAM's run; nothing without one.
pub fn note(beam: Option<&BeamRun>) -> String {
    beam.map_or(String::new(), |beam| {
        format!(
            " BEAM here: `beam/run ring`, the same storm ({} sessions × {} lookups, each session \
             a process, all released at once) on {} schedulers, keys hashed beforehand (prehashed); ETS runs \
             {} sessions (a copy of the ring costs too much for all), its total is projected. \
             Its update is replacing the ring by a fresh one with the same placement, the build \
             not counted.",
            group_digits(beam.figure("sessions") as u64),
            beam.json()["lookups_per_session"],
            beam.json()["schedulers"],
            group_digits(beam.figure("storm.ets.sessions") as u64),
        )
    })
}

/// The BEAM's storms measured here, as dots between ours and the blog's: every [`Way`], ETS's
/// total projected to every session when it ran fewer.
pub fn storm_dots(beam: Option<&BeamRun>) -> Vec<Dot> {
    let Some(beam) = beam else { return Vec::new() };
    Way::ALL
        .into_iter()
        .filter_map(|way| {
            let figure = |f: &str| beam.figure(&format!("storm.{}.{f}", way.name()));
            let (total, projected) = match figure("projected_total_ns") {
                p if p.is_finite() => (p, " (projected)"),
                _ => (figure("total_ns"), ""),
            };
            let label = format!("{} {}{projected}", beam.column(), way.said());
            (total > 0.0).then(|| Dot::beam_here(label, total))
        })
        .collect()
}

/// The blog's storms (Discord's BEAM, 2017), each named by its way.
pub fn blog_dots() -> Vec<Dot> {
    Way::ALL
        .into_iter()
        .filter_map(|way| {
            let seconds = blog_figure(&RING_TOTAL_S, way)?;
            let label = format!("BEAM {}", way.said());
            Some(Dot::blog(label, seconds * 1e9, seconds * 1e9))
        })
        .collect()
}
