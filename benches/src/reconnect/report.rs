//! The reconnect scenario's results: the shape of its JSON, the costs of each profile side by side,
//! one eight-row table per profile (a caption above each), and the timelines of the four
//! combinations that tell the story.
//! Every number is written as `crate::common::units` writes it.

use serde_json::{Map, Value, json};

use crate::common::plot_lines::{Axis, line_charts, log_counts, timeline, timelines};
use crate::common::report::captioned_table;
use crate::common::units::{group_digits, human_ns, tenths};
use crate::reconnect::costs::{Origin, Profile};
use crate::reconnect::measure::Runs;
use crate::reconnect::model::{Config, Run, Strategy, Tick};
use crate::reconnect::population::{
    GUILD_NODES, GUILDS_PER_SESSION, Guild, LARGEST_GUILD, Population, SESSION_NODES,
    SESSIONS_PER_NODE, SIZE_EXPONENT,
};

/// The combinations the plot shows: every fix but one, and every fix.
pub const PLOTTED: [Strategy; 4] = [
    Strategy::ALL_BUT_FASTGLOBAL,
    Strategy::ALL_BUT_SEMAPHORE,
    Strategy::ALL_BUT_MANIFOLD,
    Strategy::EVERY_FIX,
];

/// A fraction as a percentage with one decimal: `99.5 %`.
fn pct(fraction: f64) -> String {
    format!("{} %", tenths(fraction * 100.0))
}

fn secs(seconds: Option<f64>) -> String {
    match seconds {
        None => "never".into(),
        Some(s) if s < 10.0 => format!("{s:.2} s"),
        Some(s) if s < 1_000.0 => format!("{s:.1} s"),
        Some(s) => format!("{} s", group_digits(s.round() as u64)),
    }
}

/// One row of figures for a combination.
fn row(strategy: &Strategy, run: &Run) -> Vec<String> {
    let f = &run.figures;
    vec![
        format!("`{}`", strategy.key()),
        pct(f.served_fraction),
        format!(
            "{} ({})",
            secs(f.time_to_all_served_s),
            secs(Some(f.ideal_s))
        ),
        group_digits(f.peak_registry_queue),
        group_digits(f.peak_guild_backlog),
        pct(f.wasted_work_fraction),
        secs(f.presence_p99_s),
    ]
}

const COLUMNS: [&str; 6] = [
    "served",
    "all served at (ideal)",
    "peak registry queue",
    "longest guild mailbox",
    "work wasted",
    "presence p99",
];

fn combinations_table(caption: &str, rows: &[Vec<String>]) -> String {
    let mut header = vec!["combination"];
    header.extend(COLUMNS);
    captioned_table(caption, &header, rows)
}

fn real_sessions(population: &Population) -> String {
    group_digits((population.sessions.len() as f64 * population.scale).round() as u64)
}

/// The eight rows of one profile.
fn strategies_table(
    profile: &Profile,
    runs: &[(Strategy, Run)],
    population: &Population,
) -> String {
    let rows: Vec<Vec<String>> = runs.iter().map(|(s, run)| row(s, run)).collect();
    let title = format!(
        "the {} profile, every combination: {} sessions of {} nodes reconnect (1 simulated : {}).",
        profile.name(),
        real_sessions(population),
        population.restarting,
        group_digits(population.scale.round() as u64)
    );
    combinations_table(&title, &rows)
}

/// One session node alone, on the blog's figures.
fn one_node_table(runs: &[(Strategy, Run)], population: &Population) -> String {
    let rows: Vec<Vec<String>> = runs.iter().map(|(s, run)| row(s, run)).collect();
    let title = format!(
        "the {} profile, one node alone: {} sessions reconnect (1 simulated : {}).",
        Origin::Blog.name(),
        real_sessions(population),
        group_digits(population.scale.round() as u64)
    );
    combinations_table(&title, &rows)
}

/// What each step costs in each profile.
fn costs_table(profiles: &[Profile]) -> String {
    type Cost = fn(&Profile) -> f64;
    let costs: [(&str, Cost); 6] = [
        ("a lookup through the ring process", |p| {
            p.costs.ring_lookup_ns
        }),
        ("a lookup through FastGlobal", |p| {
            p.costs.fastglobal_lookup_ns
        }),
        ("a call served (registry, guild join)", |p| p.costs.call_ns),
        ("one send to one member", |p| p.costs.send_ns),
        ("one Manifold send to a node", |p| p.costs.node_send_ns),
        ("... and per receiver in its list", |p| {
            p.costs.per_receiver_ns
        }),
    ];
    let rows: Vec<Vec<String>> = costs
        .iter()
        .map(|(what, cost)| {
            std::iter::once((*what).to_owned())
                .chain(profiles.iter().map(|p| human_ns(cost(p))))
                .collect()
        })
        .collect();
    // Each profile's column says where its costs come from: the post, or this run.
    let named: Vec<String> = profiles
        .iter()
        .map(|p| match p.origin {
            Origin::Blog => p.name().to_owned(),
            _ => format!("{} ({})", p.name(), p.costs_from()),
        })
        .collect();
    let mut header = vec!["one step costs"];
    header.extend(named.iter().map(String::as_str));
    captioned_table(
        "what each step costs in each profile, and where its costs come from.",
        &header,
        &rows,
    )
}

/// A combination as the tables name it (its key), and what it lacks of every fix.
fn legend_name(strategy: &Strategy) -> String {
    let lacking = strategy.lacks();
    match lacking[..] {
        [] => format!("{}: every fix", strategy.key()),
        _ => format!(
            "{}: every fix but {}",
            strategy.key(),
            lacking.join(" and ")
        ),
    }
}

/// Timelines of the [`PLOTTED`] combinations of one profile, one chart under another: sessions
/// served, ring queues, registry queue, longest guild mailbox.
pub fn plot(profile: &str, runs: &[(Strategy, Run)]) -> Result<String, String> {
    let picked: Vec<(String, &[Tick])> = PLOTTED
        .iter()
        .filter_map(|plotted| runs.iter().find(|(s, _)| s == plotted))
        .map(|(strategy, run)| (legend_name(strategy), &run.timeline[..]))
        .collect();
    let at = |t: &Tick| t.t_s;
    line_charts(&[
        timeline(
            format!("{profile}: sessions served"),
            Axis::linear("sessions with all five guilds joined (%)", |v| {
                format!("{v:.0}")
            })
            .up_to(100.0),
            timelines(&picked, at, |t| t.served_fraction * 100.0),
        ),
        timeline(
            format!("{profile}: ring process queues"),
            log_counts("lookups waiting at the ring processes (log)"),
            timelines(&picked, at, |t| t.ring_queue as f64),
        ),
        timeline(
            format!("{profile}: registry queue"),
            log_counts("requests waiting at the registries (log)"),
            timelines(&picked, at, |t| t.registry_queue as f64),
        ),
        timeline(
            format!("{profile}: longest guild mailbox"),
            log_counts("joins waiting in one guild (log)"),
            timelines(&picked, at, |t| t.guild_backlog as f64),
        ),
    ])
}

/// The runs of one profile as the results file keys them, with their timelines or without.
fn strategies_json(runs: &[(Strategy, Run)], timelines: bool) -> Value {
    let strategies: Map<String, Value> = runs
        .iter()
        .map(|(strategy, run)| {
            let mut value = serde_json::to_value(&run.figures).expect("figures serialize");
            if timelines {
                value["timeline"] = serde_json::to_value(&run.timeline).expect("ticks serialize");
            }
            (strategy.key(), value)
        })
        .collect();
    Value::Object(strategies)
}

/// The model's shape and rules, as the results file records them.
fn model_json(population: &Population, config: &Config) -> Value {
    let guilds = &population.guilds;
    let real = |g: &Guild| population.real_members(g);
    let over = |n: f64| guilds.iter().filter(|g| real(g) >= n).count();
    json!({
        "session_nodes": SESSION_NODES,
        "restarting_session_nodes": population.restarting,
        "guild_nodes": GUILD_NODES,
        "registries": GUILD_NODES,
        "simulated_sessions": population.sessions.len(),
        "real_sessions_reconnecting": population.restarting as f64 * SESSIONS_PER_NODE,
        "scale": population.scale,
        "real_members_per_simulated_member": population.members_per_simulated,
        "guilds_per_session": GUILDS_PER_SESSION,
        "guilds": guilds.len(),
        "largest_guild_members": guilds.iter().map(real).fold(0.0, f64::max),
        "guilds_over_10000_members": over(10_000.0),
        "guilds_over_1000_members": over(1_000.0),
        "guild_size": format!("the r-th largest has {LARGEST_GUILD} × r^-{SIZE_EXPONENT} members"),
        "call_timeout_s": config.call_timeout.as_secs_f64(),
        "backoff_s": config.backoff.as_secs_f64(),
        "backoff_jitter": config.jitter,
        "arrival_window_s": 1.0,
        "semaphore_limit_simulated": config.limit,
        "seconds": config.duration.as_secs_f64(),
        "tick_s": config.tick.as_secs_f64(),
        "timeline_every_s": config.tick.as_secs_f64() * config.keep_every as f64,
    })
}

/// The figures, as the results file holds them: each profile's costs and runs, the profiles left
/// out and why, the model, one node alone, the wall time.
pub fn figures(
    profiles: &[Profile],
    left_out: Map<String, Value>,
    runs: &Runs,
) -> Map<String, Value> {
    let mut figures = Map::new();
    let by_profile: Map<String, Value> = profiles
        .iter()
        .zip(&runs.by_profile)
        .map(|(profile, runs)| {
            let strategies = strategies_json(runs, true);
            let value = json!({
                "costs_from": profile.costs_from(),
                "costs": profile.json(),
                "strategies": strategies,
            });
            (profile.name().to_owned(), value)
        })
        .collect();
    figures.insert("profiles".into(), Value::Object(by_profile));
    if !left_out.is_empty() {
        figures.insert("profiles_left_out".into(), Value::Object(left_out));
    }
    figures.insert("model".into(), model_json(&runs.population, &runs.config));
    if let Some(one) = &runs.one_node {
        figures.insert(
            "one_node".into(),
            json!({
                "profile": Origin::Blog.name(),
                "model": model_json(&one.population, &one.config),
                "strategies": strategies_json(&one.runs, false),
            }),
        );
    }
    if let Some(sweep) = &runs.sweep {
        figures.insert("sweep".into(), sweep.json());
    }
    figures.insert("wall_s".into(), json!(runs.wall_s));
    figures
}

/// The costs, then each profile's eight rows, then one node alone.
pub fn table(profiles: &[Profile], runs: &Runs) -> String {
    let mut table = costs_table(profiles);
    for (profile, by_profile) in profiles.iter().zip(&runs.by_profile) {
        table += "\n";
        table += &strategies_table(profile, by_profile, &runs.population);
    }
    if let Some(one) = &runs.one_node {
        table += "\n";
        table += &one_node_table(&one.runs, &one.population);
    }
    if let Some(sweep) = &runs.sweep {
        table += "\n";
        table += &sweep.table();
    }
    table
}
