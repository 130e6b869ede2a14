//! Scenario `ring` (chapter "Fast access shared data"): the reconnect storm.
//!
//! After a restart every session looks up the node of each of its guilds on the consistent hash
//! ring: 500,000 sessions × 5 guilds = 2.5 million lookups. The blog's ladder: 30 s through the
//! process that owns the ring, 17.5 s through ETS, 0.75 s through FastGlobal. This scenario runs
//! that storm on a 10-node × 512-replica ring, spread over every core, for each way of sharing
//! the ring (`lab_ring::naive`, the reference FastGlobal in `solution_ring`, and a raw `&Ring` as
//! the floor), then measures what an update costs and how throughput grows with reader threads.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use lab_ring::naive::{Actor, CopyOut, Locked, Raw, ReadLocked};
use lab_ring::storm::{Storm, StormRun};
use lab_ring::{Global, Lookup, Published, PublishedCached, Ring, RingAccess, RingRead, hash_id};
use serde_json::{Map, Value, json};
use solution_ring::{FastGlobal, WithArcSwapCache};

use crate::params::{ParamSpec, Params, group_digits};
use crate::plot::{Bar, Panel, bar_panels};
use crate::plot_lines::{Axis, LineChart, Series, line_charts};
use crate::report::{human_ns, markdown_table, tick_ns};
use crate::scenario::{Check, Outcome, Progress, Scenario};

/// The blog's storm: total time for 2.5 M lookups, and per lookup.
const BLOG_TOTAL_S: [(&str, f64); 3] = [("actor", 30.0), ("ets", 17.5), ("fastglobal", 0.75)];
const BLOG_PER_LOOKUP_US: [(&str, f64); 3] = [("actor", 12.0), ("ets", 7.0), ("fastglobal", 0.3)];

/// The `ring` scenario.
pub struct RingStorm;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "sessions",
        about: "sessions reconnecting in the storm (the blog: 500,000)",
        min: 1,
        max: 10_000_000,
        at: [20_000, 500_000, 1_000_000],
    },
    ParamSpec {
        name: "guilds",
        about: "guilds per session, one lookup each (the blog: 5)",
        min: 1,
        max: 100,
        at: [5, 5, 5],
    },
    ParamSpec {
        name: "nodes",
        about: "nodes on the ring",
        min: 1,
        max: 1_000,
        at: [10, 10, 10],
    },
    ParamSpec {
        name: "replicas",
        about: "points per node on the ring (ex_hash_ring's default: 512)",
        min: 1,
        max: 10_000,
        at: [512, 512, 512],
    },
    ParamSpec {
        name: "callers",
        about: "session tasks calling the ring process at once (actor strategy)",
        min: 1,
        max: 100_000,
        at: [200, 1_000, 1_000],
    },
    ParamSpec {
        name: "sweep_sessions",
        about: "sessions per point of the reader-threads sweep",
        min: 1,
        max: 10_000_000,
        at: [4_000, 40_000, 200_000],
    },
    ParamSpec {
        name: "updates",
        about: "rings built and published while readers run, per updatable strategy",
        min: 1,
        max: 10_000,
        at: [5, 21, 51],
    },
];

/// Strategies by key, in table order, with their display name and BEAM counterpart.
const STRATEGIES: &[(&str, &str, &str)] = &[
    (
        "actor",
        "Actor: a process owns the ring",
        "GenServer call (12 µs)",
    ),
    (
        "copy_out",
        "CopyOut: copy the ring out of a table",
        "ETS lookup (7 µs)",
    ),
    ("locked", "Locked: `Mutex<Ring>`", "—"),
    ("read_locked", "ReadLocked: `RwLock<Ring>`", "—"),
    (
        "fastglobal",
        "FastGlobal: `ArcSwapOption` load",
        "FastGlobal get (0.3 µs)",
    ),
    (
        "fastglobal_cached",
        "FastGlobal, cached reader (by hand)",
        "—",
    ),
    ("arc_swap_cache", "FastGlobal, `arc_swap::Cache`", "—"),
    ("raw", "raw `&Ring`: no synchronization (floor)", "—"),
];

/// What an update cost, and what readers saw meanwhile.
#[derive(Clone, Copy, Debug)]
struct Updates {
    /// Median: build the ring with one more (or one less) node, and publish it.
    update_ns: f64,
    /// Median: the publish alone.
    publish_ns: f64,
    /// The longest single lookup any reader saw while the updates ran.
    longest_lookup_ns: f64,
    /// The longest single lookup the same readers saw as long again without updates.
    longest_idle_lookup_ns: f64,
}

/// Everything measured for one strategy.
#[derive(Clone, Debug)]
struct Measured {
    key: &'static str,
    hashed: StormRun,
    prehashed: StormRun,
    /// `(reader threads, lookups per second)`, prehashed.
    by_threads: Vec<(usize, f64)>,
    updates: Option<Updates>,
}

/// The shape of one run.
struct Setup {
    ring: Ring,
    storm: Storm,
    sweep: Storm,
    threads: usize,
    sweep_threads: Vec<usize>,
    callers: usize,
    updates: usize,
}

impl Scenario for RingStorm {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn title(&self) -> &'static str {
        "The reconnect storm: 2.5 M ring lookups through a process, a copy, a lock and FastGlobal"
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // Guild ids and hashes (16 bytes a lookup) for both storms, the rings (copies included:
        // one per reader thread for copy_out, a few per update), and the runtimes.
        let lookups =
            (params.get("sessions") + params.get("sweep_sessions")) * params.get("guilds");
        let ring = params.get("nodes") * params.get("replicas") * 16 + 4096;
        lookups * 16 + ring * 64 + params.get("callers") * 4096 + (256 << 20)
    }

    fn run(&self, params: &Params, progress: &Progress) -> Result<Outcome, String> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let guilds = params.count("guilds");
        let names = (0..params.count("nodes")).map(|i| format!("node-{i}"));
        let replicas = u32::try_from(params.get("replicas")).map_err(|e| e.to_string())?;
        let setup = Setup {
            ring: Ring::with_nodes(names, replicas),
            storm: Storm::new(params.count("sessions"), guilds, 2017),
            sweep: Storm::new(params.count("sweep_sessions"), guilds, 5),
            threads,
            sweep_threads: sweep_threads(threads),
            callers: params.count("callers"),
            updates: params.count("updates"),
        };
        progress.steps(STRATEGIES.len() as u64);

        let mut measured = Vec::new();
        for (key, _, _) in STRATEGIES {
            progress.step(key);
            measured.push(measure(key, &setup)?);
            progress.done();
        }
        let floor = measured
            .iter()
            .find(|m| m.key == "raw")
            .expect("raw is measured");
        for m in &measured {
            if m.hashed.digest != floor.hashed.digest
                || m.prehashed.digest != floor.prehashed.digest
            {
                return Err(format!(
                    "strategy {} gave other owners than the ring itself for the same guilds",
                    m.key
                ));
            }
        }

        let lookups = setup.storm.lookups();
        let figures = figures(&measured, lookups, threads);
        let checks = checks(&measured, &setup.ring);
        let table = table(&measured, lookups, threads, &setup.sweep_threads);
        let svg = plot(&measured, lookups)?;
        let blog = json!({
            "total_s": BLOG_TOTAL_S.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<Map<_, _>>(),
            "per_lookup_us": BLOG_PER_LOOKUP_US.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<Map<_, _>>(),
        });
        Ok(Outcome {
            figures,
            blog,
            table,
            svg,
            checks,
        })
    }
}

/// Reader-thread counts for the sweep: powers of two up to twice the cores, and the cores.
fn sweep_threads(cores: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 2))
        .take_while(|n| *n <= cores * 2)
        .collect();
    counts.push(cores);
    counts.sort_unstable();
    counts.dedup();
    counts
}

fn measure(key: &'static str, setup: &Setup) -> Result<Measured, String> {
    let ring = || setup.ring.clone();
    Ok(match key {
        "actor" => measure_actor(setup)?,
        "copy_out" => measure_with(key, setup, &CopyOut::new(ring())),
        "locked" => measure_with(key, setup, &Locked::new(ring())),
        "read_locked" => measure_with(key, setup, &ReadLocked::new(ring())),
        "fastglobal" => {
            let global = FastGlobal::named("ring-scenario/fastglobal");
            global.put(ring());
            measure_with(key, setup, &Published(global))
        }
        "fastglobal_cached" => {
            let global = FastGlobal::named("ring-scenario/fastglobal_cached");
            global.put(ring());
            measure_with(key, setup, &PublishedCached(global))
        }
        "arc_swap_cache" => {
            let global = WithArcSwapCache::named("ring-scenario/arc_swap_cache");
            global.put(ring());
            measure_with(key, setup, &PublishedCached(global))
        }
        "raw" => measure_read(key, setup, &Raw(ring())),
        other => return Err(format!("no strategy called {other}")),
    })
}

/// Sweep, then the storm hashed and prehashed, for a strategy that cannot be updated.
fn measure_read<A: RingRead>(key: &'static str, setup: &Setup, access: &A) -> Measured {
    let by_threads = setup
        .sweep_threads
        .iter()
        .map(|&threads| {
            let run = setup.sweep.run(access, threads, true);
            (threads, per_second(setup.sweep.lookups(), run.elapsed))
        })
        .collect();
    Measured {
        key,
        hashed: setup.storm.run(access, setup.threads, false),
        prehashed: setup.storm.run(access, setup.threads, true),
        by_threads,
        updates: None,
    }
}

/// [`measure_read`], then updates while readers run.
fn measure_with<A: RingAccess>(key: &'static str, setup: &Setup, access: &A) -> Measured {
    let mut measured = measure_read(key, setup, access);
    measured.updates = Some(updates(access, &setup.ring, setup.updates, setup.threads));
    measured
}

fn measure_actor(setup: &Setup) -> Result<Measured, String> {
    let start = |threads| {
        Actor::start(setup.ring.clone(), threads)
            .map(Arc::new)
            .map_err(|e| format!("could not start a cluster: {e}"))
    };
    let mut by_threads = Vec::new();
    for &threads in &setup.sweep_threads {
        let actor = start(threads)?;
        let run = setup.sweep.run_actor(&actor, setup.callers, true);
        by_threads.push((threads, per_second(setup.sweep.lookups(), run.elapsed)));
    }
    let actor = start(setup.threads)?;
    let hashed = setup.storm.run_actor(&actor, setup.callers, false);
    let prehashed = setup.storm.run_actor(&actor, setup.callers, true);
    let updates = updates(&*actor, &setup.ring, setup.updates, setup.threads);
    Ok(Measured {
        key: "actor",
        hashed,
        prehashed,
        by_threads,
        updates: Some(updates),
    })
}

// ANCHOR: updates
/// Readers on the other cores look up keys one at a time, timing each lookup: first for a while
/// with no writer (the baseline: on a shared machine the longest lookup is set by the OS
/// scheduler), then while `count` rings are built and published (a node joins, then leaves).
fn updates<A: RingAccess>(access: &A, ring: &Ring, count: usize, cores: usize) -> Updates {
    const IDLE: u8 = 0;
    const UPDATING: u8 = 1;
    const STOP: u8 = 2;
    let readers = cores.saturating_sub(1).max(1); // leave the writer a core
    let phase = AtomicU8::new(IDLE);
    let (mut update, mut publish) = (Vec::new(), Vec::new());
    let pause = Duration::from_millis(2); // between updates: readers run on the new ring
    let (idle, during) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..readers as u64)
            .map(|r| {
                let phase = &phase;
                scope.spawn(move || {
                    let mut reader = access.reader();
                    let mut longest = [Duration::ZERO; 2];
                    let mut key = r << 40;
                    loop {
                        let now = phase.load(Ordering::Relaxed);
                        if now == STOP {
                            return longest;
                        }
                        key += 1;
                        let hash = hash_id(key);
                        let began = Instant::now();
                        black_box(reader.owner_of_hash(hash));
                        let took = began.elapsed();
                        longest[now as usize] = longest[now as usize].max(took);
                    }
                })
            })
            .collect();
        std::thread::sleep(pause * count as u32 + Duration::from_millis(5));
        phase.store(UPDATING, Ordering::Relaxed);
        let mut current = ring.clone();
        for round in 0..count {
            let began = Instant::now();
            let mut next = current.clone();
            if round % 2 == 0 {
                next.add_node("node-joining").expect("a new name");
            } else {
                next.remove_node("node-joining").expect("it joined");
            }
            let built = began.elapsed();
            current = next.clone(); // bookkeeping, not timed
            let publishing = Instant::now();
            access.publish(next);
            let published = publishing.elapsed();
            if round % 2 == 0 {
                update.push(nanos(built + published)); // `update_ns`: a node joins
            }
            publish.push(nanos(published));
            std::thread::sleep(pause);
        }
        phase.store(STOP, Ordering::Relaxed);
        workers
            .into_iter()
            .map(|w| w.join().expect("a reader panicked"))
            .fold(
                (Duration::ZERO, Duration::ZERO),
                |(i, d), [idle, during]| (i.max(idle), d.max(during)),
            )
    });
    Updates {
        update_ns: median(update),
        publish_ns: median(publish),
        longest_lookup_ns: nanos(during),
        longest_idle_lookup_ns: nanos(idle),
    }
}
// ANCHOR_END: updates

fn nanos(duration: Duration) -> f64 {
    duration.as_nanos() as f64
}

fn per_second(lookups: usize, elapsed: Duration) -> f64 {
    lookups as f64 / elapsed.as_secs_f64()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.is_empty() {
        f64::NAN
    } else if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    }
}

fn find<'a>(measured: &'a [Measured], key: &str) -> &'a Measured {
    measured
        .iter()
        .find(|m| m.key == key)
        .expect("every strategy is measured")
}

/// `a ÷ b` on the prehashed storm.
fn ratio(measured: &[Measured], a: &str, b: &str) -> f64 {
    nanos(find(measured, a).prehashed.elapsed) / nanos(find(measured, b).prehashed.elapsed)
}

fn figures(measured: &[Measured], lookups: usize, threads: usize) -> Map<String, Value> {
    let mut strategies = Map::new();
    for m in measured {
        let (hashed, prehashed) = (nanos(m.hashed.elapsed), nanos(m.prehashed.elapsed));
        let mut figures = json!({
            "total_ns": hashed,
            "ns_per_lookup": hashed / lookups as f64,
            "total_prehashed_ns": prehashed,
            "ns_per_lookup_prehashed": prehashed / lookups as f64,
            "lookups_per_s_by_threads": m.by_threads.iter()
                .map(|(t, rate)| (t.to_string(), json!(rate)))
                .collect::<Map<_, _>>(),
        });
        if let Some(u) = m.updates {
            figures["update_ns"] = json!(u.update_ns);
            figures["publish_ns"] = json!(u.publish_ns);
            figures["longest_lookup_during_updates_ns"] = json!(u.longest_lookup_ns);
            figures["longest_lookup_without_updates_ns"] = json!(u.longest_idle_lookup_ns);
        }
        strategies.insert(m.key.to_owned(), figures);
    }
    let mut out = Map::new();
    out.insert("lookups".into(), json!(lookups));
    out.insert("threads".into(), json!(threads));
    out.insert("strategies".into(), strategies.into());
    out.insert(
        "ratios".into(),
        json!({
            "actor_over_fastglobal": ratio(measured, "actor", "fastglobal"),
            "copy_out_over_fastglobal": ratio(measured, "copy_out", "fastglobal"),
            "locked_over_fastglobal": ratio(measured, "locked", "fastglobal"),
            "read_locked_over_fastglobal": ratio(measured, "read_locked", "fastglobal"),
            "fastglobal_over_raw": ratio(measured, "fastglobal", "raw"),
            "fastglobal_cached_over_raw": ratio(measured, "fastglobal_cached", "raw"),
            "arc_swap_cache_over_raw": ratio(measured, "arc_swap_cache", "raw"),
            "actor_over_copy_out": ratio(measured, "actor", "copy_out"),
            "blog_actor_over_fastglobal": 30.0 / 0.75,
            "blog_ets_over_fastglobal": 17.5 / 0.75,
        }),
    );
    out
}

fn checks(measured: &[Measured], ring: &Ring) -> Vec<Check> {
    let fast = find(measured, "fastglobal")
        .updates
        .expect("fastglobal is updatable");
    let cached_over_raw = ratio(measured, "fastglobal_cached", "raw");
    // Computed from the spec alone with Python's hashlib (see ring.rs's tests).
    let known = ring.nodes().len() == 10
        && ring.replicas() == 512
        && ring.find_node(&80_351_110_224_678_912u64) == Some("node-1")
        && ring.find_node(&41_771_983_423_143_937u64) == Some("node-8");
    vec![
        Check::ratio_at_least(
            "prehashed storm: actor ÷ fastglobal ≥ 40×",
            ratio(measured, "actor", "fastglobal"),
            40.0,
        ),
        Check::ratio_at_least(
            "prehashed storm: copy_out ÷ fastglobal ≥ 20×",
            ratio(measured, "copy_out", "fastglobal"),
            20.0,
        ),
        Check::that(
            "prehashed storm: fastglobal_cached ÷ raw ≤ 1.25×",
            format!("{cached_over_raw:.2}×"),
            cached_over_raw <= 1.25,
        ),
        Check::that(
            "fastglobal: update_ns (build + publish after one node joins) ≤ 10 ms",
            human_ns(fast.update_ns),
            fast.update_ns <= 10e6,
        ),
        Check::that(
            "fastglobal: no reader waits on an update (longest lookup during updates ≤ 2 × the \
             longest without updates + 100 µs: the OS scheduler's noise, not a wait)",
            format!(
                "{} during updates, {} without",
                human_ns(fast.longest_lookup_ns),
                human_ns(fast.longest_idle_lookup_ns)
            ),
            fast.longest_lookup_ns <= 2.0 * fast.longest_idle_lookup_ns + 100e3,
        ),
        Check::that(
            "placement identical to ex_hash_ring (every strategy agreed with the ring; known answers from hashlib)",
            if known {
                "agreed"
            } else {
                "not the 10 × 512 ring: known answers skipped"
            },
            known || ring.nodes().len() != 10 || ring.replicas() != 512,
        ),
    ]
}

fn strategy(key: &str) -> (&'static str, &'static str) {
    STRATEGIES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(("?", "?"), |(_, name, beam)| (name, beam))
}

fn table(measured: &[Measured], lookups: usize, threads: usize, sweep: &[usize]) -> String {
    let n = group_digits(lookups as u64);
    let storm_header = [
        "strategy",
        "BEAM counterpart (blog)",
        &format!("{n} lookups, key hashed at lookup"),
        "per lookup",
        &format!("{n} lookups, prehashed"),
        "per lookup",
    ];
    let per = |d: Duration| human_ns(nanos(d) / lookups as f64);
    let mut rows: Vec<Vec<String>> = measured
        .iter()
        .map(|m| {
            let (name, beam) = strategy(m.key);
            vec![
                name.to_owned(),
                beam.to_owned(),
                human_ns(nanos(m.hashed.elapsed)),
                per(m.hashed.elapsed),
                human_ns(nanos(m.prehashed.elapsed)),
                per(m.prehashed.elapsed),
            ]
        })
        .collect();
    rows.push(vec![
        "the blog, 2.5 M lookups".into(),
        "process / ETS / FastGlobal".into(),
        "30 s / 17.5 s / 0.75 s".into(),
        "12 µs / 7 µs / 0.3 µs".into(),
        "—".into(),
        "—".into(),
    ]);
    let storm = markdown_table(&storm_header, &rows);

    let mut update_header = vec![
        "strategy".to_owned(),
        "update: build + publish".to_owned(),
        "publish alone".to_owned(),
        "longest lookup: during updates / without".to_owned(),
    ];
    update_header.extend(
        sweep
            .iter()
            .map(|t| format!("lookups/s, {t} thread{}", if *t == 1 { "" } else { "s" })),
    );
    let header: Vec<&str> = update_header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = measured
        .iter()
        .map(|m| {
            let mut row = vec![strategy(m.key).0.to_owned()];
            match m.updates {
                Some(u) => row.extend([
                    human_ns(u.update_ns),
                    human_ns(u.publish_ns),
                    format!(
                        "{} / {}",
                        human_ns(u.longest_lookup_ns),
                        human_ns(u.longest_idle_lookup_ns)
                    ),
                ]),
                None => row.extend(["— (never updated)".into(), "—".into(), "—".into()]),
            }
            row.extend(m.by_threads.iter().map(|(_, rate)| rate_text(*rate)));
            row
        })
        .collect();
    let updates = markdown_table(&header, &rows);
    format!(
        "{storm}\n*The storm ran on {threads} threads (the actor: session tasks on a {threads}-thread node). \
         Blog: FastGlobal's put of the ring took up to a second.*\n\n{updates}"
    )
}

fn rate_text(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.1} M", rate / 1e6)
    } else {
        format!("{:.0} k", rate / 1e3)
    }
}

fn rate_tick(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{}M", rate / 1e6)
    } else {
        format!("{}k", rate / 1e3)
    }
}

fn count_tick(value: f64) -> String {
    format!("{value:.0}")
}

fn plot(measured: &[Measured], lookups: usize) -> Result<String, String> {
    let mut bars: Vec<Bar> = measured
        .iter()
        .map(|m| Bar::measured(m.key, nanos(m.prehashed.elapsed)))
        .collect();
    for (key, seconds) in BLOG_TOTAL_S {
        bars.push(Bar::blog(
            format!("BEAM {key}"),
            seconds * 1e9,
            seconds * 1e9,
        ));
    }
    let storm = bar_panels(&[Panel {
        title: format!(
            "{} lookups, prehashed, every core",
            group_digits(lookups as u64)
        ),
        axis: "time for the whole storm (log scale)".into(),
        bars,
        format: human_ns,
        tick: tick_ns,
    }])?;
    let series = measured
        .iter()
        .map(|m| Series {
            label: m.key.to_owned(),
            points: m
                .by_threads
                .iter()
                .map(|&(t, rate)| (t as f64, rate))
                .collect(),
        })
        .collect();
    let threads = line_charts(&[LineChart {
        title: "Lookups per second against reader threads".into(),
        x: Axis {
            label: "reader threads",
            log: false,
            format: count_tick,
        },
        y: Axis {
            label: "lookups per second (log scale)",
            log: true,
            format: rate_tick,
        },
        series,
    }])?;
    Ok(side_by_side(&[storm, threads]))
}

/// Puts whole SVG documents next to each other in one: each becomes a nested `<svg>` shifted
/// right by the widths before it.
fn side_by_side(documents: &[String]) -> String {
    let size = |doc: &str, attribute: &str| -> u32 {
        let pattern = format!("{attribute}=\"");
        doc.find(&pattern)
            .and_then(|at| {
                let rest = &doc[at + pattern.len()..];
                rest[..rest.find('"')?].parse().ok()
            })
            .unwrap_or(0)
    };
    let (mut x, mut height, mut inner) = (0u32, 0u32, String::new());
    for doc in documents {
        let body = doc.trim_start_matches(|c| c != '<');
        inner += &body.replacen("<svg ", &format!("<svg x=\"{x}\" y=\"0\" "), 1);
        inner.push('\n');
        x += size(body, "width");
        height = height.max(size(body, "height"));
    }
    format!(
        "<svg width=\"{x}\" height=\"{height}\" viewBox=\"0 0 {x} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n{inner}</svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_cover_one_thread_to_twice_the_cores() {
        assert_eq!(sweep_threads(2), [1, 2, 4]);
        assert_eq!(sweep_threads(6), [1, 2, 4, 6, 8]);
        assert_eq!(sweep_threads(1), [1, 2]);
    }

    #[test]
    fn side_by_side_shifts_the_second_document() {
        let a = "<svg width=\"10\" height=\"5\" xmlns=\"x\"></svg>".to_owned();
        let b = "<svg width=\"7\" height=\"9\" xmlns=\"x\"></svg>".to_owned();
        let both = side_by_side(&[a, b]);
        assert!(both.starts_with("<svg width=\"17\" height=\"9\""), "{both}");
        assert!(both.contains("<svg x=\"10\" y=\"0\" width=\"7\""), "{both}");
    }

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let overrides = [
            ("sessions".to_owned(), 300),
            ("sweep_sessions".to_owned(), 100),
            ("callers".to_owned(), 8),
            ("updates".to_owned(), 2),
            ("replicas".to_owned(), 32),
        ];
        let params =
            Params::resolve(PARAMS, crate::params::Scale::Quick, &overrides).expect("valid");
        let outcome = RingStorm.run(&params, &Progress::hidden()).expect("a run");
        for (key, _, _) in STRATEGIES {
            let figures = &outcome.figures["strategies"][key];
            for figure in [
                "total_ns",
                "ns_per_lookup",
                "total_prehashed_ns",
                "ns_per_lookup_prehashed",
            ] {
                assert!(figures[figure].as_f64().unwrap() > 0.0, "{key}.{figure}");
            }
            if *key != "raw" {
                assert!(
                    figures["update_ns"].as_f64().unwrap() > 0.0,
                    "{key}.update_ns"
                );
            }
        }
        assert_eq!(outcome.blog["total_s"]["ets"], json!(17.5));
        assert_eq!(outcome.blog["per_lookup_us"]["fastglobal"], json!(0.3));
        assert_eq!(outcome.checks.len(), 6);
        assert!(outcome.svg.starts_with("<svg") && outcome.svg.matches("<svg").count() == 3);
    }
}
