//! The reconnect scenario's results: the shape of its JSON, one eight-row table per profile with
//! the costs beside each other, and the timelines of the four combinations that tell the story.

use serde_json::{Map, Value, json};

use crate::common::params::group_digits;
use crate::common::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::common::report::{human_ns, markdown_table};
use crate::reconnect::costs::Profile;
use crate::reconnect::model::{Config, Run, Strategy};
use crate::reconnect::population::{
    GUILD_NODES, GUILDS_PER_SESSION, Guild, LARGEST_GUILD, Population, SESSION_NODES,
    SESSIONS_PER_NODE, SIZE_EXPONENT,
};

/// The combinations the plot shows: every fix, and every fix but one.
pub const PLOTTED: [&str; 4] = [
    "actor/semaphore/manifold",
    "fastglobal/unguarded/manifold",
    "fastglobal/semaphore/naive",
    "fastglobal/semaphore/manifold",
];

fn pct(fraction: f64) -> String {
    format!("{:.1} %", fraction * 100.0)
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
        secs(f.time_to_all_served_s),
        secs(Some(f.ideal_s)),
        group_digits(f.peak_registry_queue),
        group_digits(f.peak_guild_backlog),
        pct(f.wasted_work_fraction),
        secs(f.presence_p99_s),
    ]
}

const COLUMNS: [&str; 7] = [
    "served",
    "all served at",
    "ideal",
    "peak registry queue",
    "longest guild mailbox",
    "work wasted",
    "presence p99",
];

fn table(title: &str, rows: &[Vec<String>]) -> String {
    let mut header = vec![title];
    header.extend(COLUMNS);
    markdown_table(&header, rows)
}

fn real_sessions(population: &Population) -> String {
    group_digits((population.sessions.len() as f64 * population.scale).round() as u64)
}

/// The eight rows of one profile.
pub fn strategies_table(
    profile: &Profile,
    runs: &[(Strategy, Run)],
    population: &Population,
) -> String {
    let rows: Vec<Vec<String>> = runs.iter().map(|(s, run)| row(s, run)).collect();
    let title = format!(
        "{} profile: {} sessions of {} nodes reconnect (1 simulated : {})",
        profile.name,
        real_sessions(population),
        population.restarting,
        group_digits(population.scale.round() as u64)
    );
    table(&title, &rows)
}

/// One session node alone, on the blog's figures.
pub fn one_node_table(runs: &[(Strategy, Run)], population: &Population) -> String {
    let rows: Vec<Vec<String>> = runs.iter().map(|(s, run)| row(s, run)).collect();
    let title = format!(
        "blog profile, one node alone: {} sessions reconnect (1 simulated : {})",
        real_sessions(population),
        group_digits(population.scale.round() as u64)
    );
    table(&title, &rows)
}

/// What each step costs in each profile.
pub fn costs_table(profiles: &[Profile]) -> String {
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
    let mut header = vec!["one step costs"];
    header.extend(profiles.iter().map(|p| p.name));
    markdown_table(&header, &rows)
}

/// Timelines of the [`PLOTTED`] combinations of one profile: sessions served, ring queues,
/// registry queue, longest guild mailbox.
pub fn plot(profile: &str, runs: &[(Strategy, Run)]) -> Result<String, String> {
    let picked: Vec<&(Strategy, Run)> = PLOTTED
        .iter()
        .filter_map(|key| runs.iter().find(|(s, _)| s.key() == *key))
        .collect();
    let series = |pick: fn(&crate::reconnect::model::Tick) -> f64| -> Vec<Series> {
        picked
            .iter()
            .map(|(strategy, run)| Series {
                label: strategy.key(),
                points: run.timeline.iter().map(|t| (t.t_s, pick(t))).collect(),
            })
            .collect()
    };
    let seconds = Axis {
        label: "virtual time (s)",
        log: false,
        format: |v| format!("{v:.0}"),
    };
    let log_count = |label| Axis {
        label,
        log: true,
        format: |v| group_digits(v.max(0.0) as u64),
    };
    line_charts(&[
        LineChart {
            title: format!("{profile}: sessions served"),
            x: seconds,
            y: Axis {
                label: "sessions with all five guilds joined (%)",
                log: false,
                format: |v| format!("{v:.0}"),
            },
            series: series(|t| t.served_fraction * 100.0),
        },
        LineChart {
            title: format!("{profile}: ring process queues"),
            x: seconds,
            y: log_count("lookups waiting at the ring processes (log)"),
            series: series(|t| t.ring_queue as f64),
        },
        LineChart {
            title: format!("{profile}: registry queue"),
            x: seconds,
            y: log_count("requests waiting at the registries (log)"),
            series: series(|t| t.registry_queue as f64),
        },
        LineChart {
            title: format!("{profile}: longest guild mailbox"),
            x: seconds,
            y: log_count("joins waiting in one guild (log)"),
            series: series(|t| t.guild_backlog as f64),
        },
    ])
}

/// The runs of one profile as the results file keys them, with their timelines or without.
pub fn strategies_json(runs: &[(Strategy, Run)], timelines: bool) -> Value {
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
pub fn model_json(population: &Population, config: &Config) -> Value {
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
