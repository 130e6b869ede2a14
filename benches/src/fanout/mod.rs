//! Scenario `fanout` (chapter "Fanout"): one guild publishing to 30,000 member sessions.
//!
//! The blog's guild sent each event to each session, one `send/2` at a time, and a publish to a
//! large guild took a second or two ([`blog::PUBLISH_S`](crate::common::blog::PUBLISH_S)).
//! Manifold made the guild send once per node instead. This scenario measures the naive strategy,
//! Manifold, its two later options (pack once, offload) and Discord's later relays on the same
//! cluster (a guild node and four session nodes), then sweeps the member count from 25 up, the
//! blog's "groups of 25 to 30,000" story. Its BEAM side (`beam/run fanout`) runs the naive guild
//! and Manifold on real distributed Erlang nodes, beside them.
//!
//! The folder has the shape of every bottleneck's, each file one question:
//!
//! | file | what it answers |
//! | --- | --- |
//! | `mod.rs` | the scenario: its parameters, what its results must hold, the order of a run |
//! | [`measure`] | the strategies (stated once), the plan of runs; [`measure::rigs`] times one |
//! | [`beam`] | what the BEAM side runs and reports, and its invariants |
//! | [`report`] | what the results, the table and the plot say |
//! | [`bars`] | what the workbook promises (every threshold) and whether a run kept it |
//! | [`lab`], [`warmup`] | how the reader's Manifold is graded |

pub mod bars;
pub mod beam;
pub mod bounded;
pub mod lab;
pub mod measure;
pub mod report;
pub mod warmup;

use cluster::Transport;

use crate::common::beam::Beam;
use crate::common::links::{self, Links};
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::scenario::{Gate, Outcome, Progress, Required, Scenario};
use crate::common::units::group_digits;
use crate::fanout::measure::rigs::Setup;

/// The `fanout` scenario.
pub struct FanoutScenario;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "members",
        "member sessions of the guild (the blog's had 30,000)",
        1,
        1_000_000,
        [3_000, 30_000, 100_000],
    ),
    ParamSpec::count(
        "session_nodes",
        "nodes the sessions run on (the guild has a node of its own)",
        1,
        16,
        [4, 4, 4],
    ),
    ParamSpec::count(
        "threads",
        "threads per node (Manifold runs one worker per thread)",
        1,
        16,
        [2, 2, 2],
    ),
    ParamSpec::count(
        "publishes",
        "timed publishes per strategy, one at a time",
        1,
        100_000,
        [20, 200, 200],
    ),
    ParamSpec::count(
        "sweep_max",
        "largest member count of the sweep (25, 100, 1,000, 3,000, 10,000, 30,000, 100,000)",
        25,
        1_000_000,
        [3_000, 30_000, 100_000],
    ),
    ParamSpec::count(
        "sweep_publishes",
        "timed publishes per strategy at each point of the sweep",
        1,
        10_000,
        [5, 20, 20],
    ),
    links::PARAM,
];

/// What `fanout.json` must hold, for CI. The keys are written out, not built from
/// [`measure::Strategy`]: this is the contract the book and CI read, so renaming a strategy in
/// the code must break it loudly, not move it along. Manifold's one message per node (in Rust,
/// over both transports, and on the BEAM) and the BEAM's exactly-once are invariants of the run
/// itself: a violation fails it.
const REQUIRED: &[Required] = &[
    Required::Positive(
        "strategies.{naive,manifold,manifold_pack_once,manifold_offload,relay}.{guild_publish_ns,\
         delivery_p50_ns,delivery_p99_ns,delivery_back_to_back_p50_ns,delivery_back_to_back_p99_ns,\
         cross_node_messages,cross_node_bytes,delivered}",
    ),
    Required::Zero(
        "strategies.{naive,manifold,manifold_pack_once,manifold_offload,relay}.order_violations",
    ),
    Required::Positive("ratios.guild_publish"),
    Required::Positive(
        "strategies.{naive_tcp,manifold_tcp,relay_tcp}.{guild_publish_p50_ns,guild_publish_ns,\
         delivery_p50_ns,delivery_p99_ns,delivery_back_to_back_p50_ns,delivery_back_to_back_p99_ns,\
         cross_node_messages,cross_node_bytes,delivered}",
    ),
    Required::Zero("strategies.{naive_tcp,manifold_tcp,relay_tcp}.order_violations"),
    Required::Present("blog.{per_send_us,publish_30k_s}"),
    Required::Positive(
        "bounded_links.manifold_tcp.{unbounded,bounded}.{guild_publish_p50_ns,\
         delivery_back_to_back_p50_ns}",
    ),
    Required::Present("bounded_links.manifold_tcp.{unbounded,bounded}.{suspensions,suspended_ns}"),
    Required::BeamPositive(
        "strategies.{beam_naive,beam_manifold}.{guild_publish_p50_ns,guild_publish_ns,\
         delivery_p50_ns,delivery_p99_ns,delivery_back_to_back_p50_ns,delivery_back_to_back_p99_ns,\
         cross_node_messages,cross_node_bytes,delivered}",
    ),
];

impl Scenario for FanoutScenario {
    fn name(&self) -> &'static str {
        "fanout"
    }

    fn title(&self) -> &'static str {
        "One guild publishing to its member sessions: one send per member, Manifold, and the relay"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 10,
            Scale::Default => 190,
            Scale::Full => 600,
        }
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "One guild publishing to {} sessions on {} nodes: one send per member, Manifold, and \
             the relay",
            group_digits(params.get("members")),
            params.get("session_nodes")
        )
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // One cluster at a time: its members (a task and a mailbox each, ~4 KiB generously), the
        // per-member counters, and the runtimes.
        let largest = params.get("members").max(params.get("sweep_max"));
        largest * 4096 + (256 << 20)
    }

    fn required(&self) -> &'static [Required] {
        REQUIRED
    }

    fn gates(&self) -> &'static [Gate] {
        bars::GATES
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let setup = Setup {
            members: params.count("members"),
            session_nodes: params.count("session_nodes"),
            threads: params.count("threads"),
        };
        let publishes = params.count("publishes");
        let transports = params.choice::<Links>("transport").transports();
        let plan = measure::plan(&transports, publishes, params.count("sweep_max"));
        let over_tcp = transports.contains(&Transport::Tcp);
        progress.steps(measure::steps(&plan) + u64::from(over_tcp) + beam.steps());
        let runs = measure::measure_plan(setup, &plan, params.count("sweep_publishes"), progress)?;
        // Manifold over TCP once more, its links bounded as the BEAM's are (`bounded`).
        let tcp_publishes = publishes.min(measure::SECOND_MAX_PUBLISHES);
        let bounded = over_tcp
            .then(|| bounded::measure(setup, tcp_publishes, progress))
            .transpose()?;

        let beam_run = beam::run(beam, setup, publishes, progress)?;
        let mut figures = report::figures(&runs);
        let mut checks = bars::checks(&runs, setup.session_nodes);
        if let Some(beam_run) = &beam_run {
            beam::add_figures(&mut figures, beam_run);
            checks.extend(beam::checks(beam_run, setup.session_nodes));
        }
        let mut table = report::table(&runs, &checks, setup, publishes, beam_run.as_ref());
        if let Some(bursts) = &bounded {
            figures.insert("bounded_links".into(), bounded::figures(bursts));
            table += &format!("\n{}", bounded::table(bursts, tcp_publishes));
        }
        Ok(Outcome {
            table,
            svg: report::plot(&runs, beam_run.as_ref())?,
            more_svgs: Vec::new(),
            blog: report::blog(),
            figures,
            checks,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::common::params::overrides;

    fn tiny_run(sizes: &[(&str, &str)]) -> Outcome {
        let params = Params::resolve(PARAMS, Scale::Quick, &overrides(sizes)).unwrap();
        FanoutScenario
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap()
    }

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let outcome = tiny_run(&[
            ("members", "200"),
            ("publishes", "3"),
            ("sweep_max", "100"),
            ("sweep_publishes", "2"),
        ]);
        let strategies = &outcome.figures["strategies"];
        for key in [
            "naive",
            "manifold",
            "manifold_pack_once",
            "manifold_offload",
            "relay",
        ]
        .into_iter()
        .chain(["naive_tcp", "manifold_tcp", "relay_tcp"])
        {
            // 3 publishes one at a time and 3 back to back, to 200 members.
            assert_eq!(strategies[key]["delivered"], json!(1200), "{key}");
        }
        for key in ["manifold", "manifold_tcp"] {
            assert_eq!(strategies[key]["cross_node_messages"], json!(4.0));
        }
        let ratio = |name: &str| outcome.figures["ratios"][name].as_f64().unwrap();
        assert!(ratio("guild_publish_median_tcp") > 0.0);
        assert!(outcome.figures["sweep"]["naive_tcp"].is_null(), "one sweep");
        let links = &outcome.figures["bounded_links"]["manifold_tcp"];
        assert_eq!(
            links["unbounded"]["suspensions"], 0,
            "an unbounded link never waits"
        );
        assert_eq!(links["bounded"]["bound_bytes"], 1 << 20);
        assert!(outcome.table.contains("The guild waiting for a full link"));
        assert!(outcome.table.contains("Manifold, over loopback TCP"));
        assert!(outcome.table.contains("| back to back: p50 / p99 |"));
        assert!(outcome.table.contains("the bar"));
        assert!(outcome.svg.starts_with("<svg"));

        // What CI holds the results to (the BEAM's figures aside: no BEAM here).
        let mut results = Value::Object(outcome.figures.clone());
        results["blog"] = outcome.blog.clone();
        for required in REQUIRED {
            let (pattern, must): (_, fn(&Value) -> bool) = match *required {
                Required::Positive(p) => (p, |v| v.as_f64().is_some_and(|x| x > 0.0)),
                Required::Zero(p) => (p, |v| v.as_f64() == Some(0.0)),
                Required::Present(p) => (p, |v| !v.is_null()),
                Required::BeamPositive(_) | Required::BeamCount(_) => continue,
            };
            for path in Required::expand(pattern) {
                let value = path.split('.').fold(&results, |v, key| &v[key]);
                assert!(must(value), "{path} = {value}");
            }
        }
    }

    #[test]
    fn transport_tcp_runs_every_strategy_over_tcp_alone() {
        let outcome = tiny_run(&[
            ("members", "100"),
            ("publishes", "2"),
            ("sweep_max", "25"),
            ("sweep_publishes", "1"),
            ("transport", "tcp"),
        ]);
        let strategies = outcome.figures["strategies"].as_object().unwrap();
        let keys: Vec<&str> = strategies.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "manifold_offload_tcp",
                "manifold_pack_once_tcp",
                "manifold_tcp",
                "naive_tcp",
                "relay_tcp"
            ]
        );
        assert!(outcome.figures["sweep"]["manifold_tcp"].is_array());
        assert!(outcome.figures["ratios"]["guild_publish"].is_null());
        assert!(
            outcome
                .checks
                .iter()
                .any(|c| c.bar.contains("naive_tcp ÷ manifold_tcp"))
        );
    }

    #[test]
    fn every_gate_names_a_benchmark_of_fanout_instructions() {
        let bench = include_str!("../../benches/fanout_instructions.rs");
        for gate in FanoutScenario.gates() {
            for id in [gate.numerator, gate.denominator] {
                let (function, bench_id) = id.split_once(' ').unwrap();
                assert!(bench.contains(&format!("fn {function}(")), "{id}");
                assert!(bench.contains(&format!("#[bench::{bench_id}(")), "{id}");
            }
        }
    }
}
