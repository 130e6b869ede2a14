//! Every threshold of the reconnect scenario, in one place, and the function that holds a run to
//! them (CI reads the thresholds through `workbook registry`).

use serde_json::{Map, Value};

use crate::common::scenario::Check;
use crate::common::units::tenths;
use crate::reconnect::costs::{Origin, Profile, Profiles};
use crate::reconnect::measure::Runs;
use crate::reconnect::model::{Figures, Strategy};

/// Blog profile, no fix at all (`actor/unguarded/naive`): it serves fewer than this fraction of
/// the sessions.
pub const NOTHING_FIXED_SERVED_BELOW: f64 = 0.5;
/// Blog profile, every fix (`fastglobal/semaphore/manifold`): it serves everyone within this many
/// times the ideal (the time capacity alone allows).
pub const ALL_FIXED_OVER_IDEAL: f64 = 1.5;
/// The whole scenario, every profile and combination, at the default scale: wall seconds.
pub const WALL_S: f64 = 60.0;

/// The scenario's bars on this run: every profile asked for ran (the blog's and this machine's
/// with all eight combinations); every served fraction is a fraction; on the blog's figures, no
/// fix collapses and every fix serves everyone near the ideal; and the wall time.
pub fn checks(
    profiles: &[Profile],
    runs: &Runs,
    asked: Profiles,
    left_out: &Map<String, Value>,
) -> Vec<Check> {
    let mut checks = vec![
        complete(profiles, runs),
        accounted_for(profiles, asked, left_out),
    ];
    checks.push(fractions(runs));
    let blog = profiles.iter().position(|p| p.origin == Origin::Blog);
    if let Some(blog) = blog {
        let figures = |strategy: Strategy| {
            runs.by_profile[blog]
                .iter()
                .find(|(s, _)| *s == strategy)
                .map(|(_, run)| &run.figures)
        };
        checks.extend(figures(Strategy::NOTHING_FIXED).map(nothing_fixed));
        checks.extend(figures(Strategy::EVERY_FIX).map(every_fix));
    }
    checks.push(Check::that(
        format!("the scenario runs in under {WALL_S} s of wall time"),
        format!("{:.1} s", runs.wall_s),
        runs.wall_s < WALL_S,
    ));
    checks
}

/// The blog's and this machine's profiles each ran all eight combinations.
fn complete(profiles: &[Profile], runs: &Runs) -> Check {
    let ran = |origin: Origin| {
        let at = profiles.iter().position(|p| p.origin == origin);
        at.is_some_and(|p| runs.by_profile[p].len() == Strategy::ALL.len())
    };
    Check::that(
        "the blog and rust profiles each ran all 8 combinations",
        profiles
            .iter()
            .zip(&runs.by_profile)
            .map(|(p, runs)| format!("{} {}", p.name(), runs.len()))
            .collect::<Vec<_>>()
            .join(", "),
        ran(Origin::Blog) && ran(Origin::Rust),
    )
}

/// Every profile asked for ran, or the results say why not (the BEAM's, without its figures).
fn accounted_for(profiles: &[Profile], asked: Profiles, left_out: &Map<String, Value>) -> Check {
    let asked: Vec<Origin> = match asked {
        Profiles::All => Origin::ALL.to_vec(),
        Profiles::Only(origin) => vec![origin],
    };
    let missing: Vec<&str> = asked
        .iter()
        .filter(|o| !profiles.iter().any(|p| p.origin == **o) && !left_out.contains_key(o.name()))
        .map(|o| o.name())
        .collect();
    let ran = names(profiles);
    let left: Vec<&str> = left_out.keys().map(String::as_str).collect();
    let measured = if !missing.is_empty() {
        format!(
            "ran {ran}; {} neither ran nor is explained",
            missing.join(", ")
        )
    } else if left.is_empty() {
        format!("ran {ran}")
    } else {
        format!("ran {ran}; {} left out, with the reason", left.join(", "))
    };
    Check::that(
        "every profile asked for ran, or the results say why it could not",
        measured,
        missing.is_empty(),
    )
}

fn names(profiles: &[Profile]) -> String {
    profiles
        .iter()
        .map(Profile::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every run's served fraction is between 0 and 1.
fn fractions(runs: &Runs) -> Check {
    let one_node = runs.one_node.iter().flat_map(|one| &one.runs);
    let swept = runs
        .sweep
        .iter()
        .flat_map(|s| &s.served)
        .flat_map(|(_, f)| f);
    let all: Vec<f64> = runs
        .by_profile
        .iter()
        .flatten()
        .chain(one_node)
        .map(|(_, run)| run.figures.served_fraction)
        .chain(swept.copied())
        .collect();
    Check::that(
        "every combination's served fraction is between 0 and 1",
        format!("{} runs", all.len()),
        all.iter().all(|f| (0.0..=1.0).contains(f)),
    )
}

fn nothing_fixed(f: &Figures) -> Check {
    Check::that(
        format!(
            "blog, nothing fixed ({}) serves < {} % of sessions",
            Strategy::NOTHING_FIXED.key(),
            NOTHING_FIXED_SERVED_BELOW * 100.0
        ),
        format!("{} %", tenths(f.served_fraction * 100.0)),
        f.served_fraction < NOTHING_FIXED_SERVED_BELOW,
    )
}

fn every_fix(f: &Figures) -> Check {
    let took = f.time_to_all_served_s.unwrap_or(f64::INFINITY);
    Check::that(
        format!(
            "blog, every fix ({}) serves 100 % within {ALL_FIXED_OVER_IDEAL} × the ideal {:.1} s",
            Strategy::EVERY_FIX.key(),
            f.ideal_s
        ),
        match f.time_to_all_served_s {
            Some(t) => format!("{} % by {t:.1} s", tenths(f.served_fraction * 100.0)),
            None => format!("{} %", tenths(f.served_fraction * 100.0)),
        },
        f.served_fraction == 1.0 && took <= ALL_FIXED_OVER_IDEAL * f.ideal_s,
    )
}
