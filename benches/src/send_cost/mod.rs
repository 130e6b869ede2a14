//! Scenario `send-cost` (chapter 1, "What a message costs").
//!
//! The blog's fanout story starts from one measurement: a `send/2` inside a busy guild process
//! costs tens of microseconds of wall clock ([`PER_SEND_US`]), so a publish to 30,000 sessions
//! takes a second or two ([`PUBLISH_S`]). This scenario measures the Rust counterparts: one send
//! into each kind of channel, one send through the cluster (local, and remote with encode, link
//! and decode), and the consequence: one process sending an event to 30,000 processes one by one.
//! Its BEAM side (`beam/run send-cost`) times the same two things with `send/2` on real nodes.
//!
//! The folder has the shape of every bottleneck's, each file one question:
//!
//! | file | what it answers |
//! | --- | --- |
//! | `mod.rs` | the scenario: its parameters, what its results must hold, the order of a run |
//! | [`measure`] | how a send is timed: the rigs (named once, [`measure::rigs::Via`]), the loops |
//! | [`beam`] | what the BEAM side runs and reports, beside which rig |
//! | [`report`] | what the results, the table and the plot say |
//! | [`bars`] | what the workbook promises (every threshold) and whether a run kept it |
//! | [`calls`] | what the call and the wake-ups add to the results, and their table |
//!
//! [`PER_SEND_US`]: crate::common::blog::PER_SEND_US
//! [`PUBLISH_S`]: crate::common::blog::PUBLISH_S

pub mod bars;
pub mod beam;
pub mod calls;
pub mod measure;
pub mod report;

use crate::common::beam::Beam;
use crate::common::blog;
use crate::common::links::{self, Links};
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::scenario::{Gate, Outcome, Progress, Required, Scenario};
use crate::common::units::group_digits;
use crate::send_cost::measure::Measured;

/// The `send-cost` scenario.
pub struct SendCost;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "sends",
        "messages per timed batch, for each channel",
        1,
        10_000_000,
        [20_000, 200_000, 1_000_000],
    ),
    ParamSpec::count(
        "rounds",
        "timed batches (and publishes) per measurement; the median is reported",
        1,
        1_000,
        [3, 11, 31],
    ),
    ParamSpec::count(
        "members",
        "processes the one-by-one publish sends to (the blog's guild had 30,000)",
        1,
        10_000_000,
        [30_000, 30_000, 30_000],
    ),
    links::PARAM,
];

/// What `send-cost.json` must hold, for CI. The keys are written out, not built from
/// [`measure::rigs::Via`]: this is the contract the book and CI read, so renaming a rig in the
/// code must break it loudly, not move it along. The TCP rigs are required because the default
/// run measures both transports (a test below holds the default to that).
const REQUIRED: &[Required] = &[
    Required::Positive(
        "per_send_ns.{tokio_unbounded,tokio_bounded,crossbeam,std_mpsc,cluster_local,\
         cluster_remote,cluster_remote_tcp,cluster_remote_tcp_bounded}",
    ),
    // How often the remote senders waited for a full link: a count, zero when the link never
    // filled (always, unbounded). The BEAM's are its `busy_dist_port` suspensions.
    Required::Present(
        "{suspensions,suspended_ns}.{cluster_remote,cluster_remote_tcp,cluster_remote_tcp_bounded}",
    ),
    Required::BeamCount("beam.suspensions.remote"),
    Required::Positive("one_by_one_30k_ns.{cluster_local,cluster_remote,cluster_remote_tcp}"),
    Required::Present("blog.{per_send_us,publish_30k_s}"),
    Required::BeamPositive("beam.{per_send_ns,one_by_one_30k_ns}.{local,remote}"),
    // The call, the wake-ups and the ratios of "What a send and a call cost, and why".
    Required::Positive("per_call_ns.cluster_local"),
    Required::Present("context_switches_per_send.{crossbeam,cluster_local}"),
    Required::Present("context_switches_per_call.cluster_local"),
    Required::Positive("ratios.local_send_over_crossbeam"),
    Required::BeamPositive("beam.per_call_ns.local"),
    Required::BeamPositive(
        "ratios.{local_send_over_beam_local,remote_tcp_send_over_beam_remote,\
         call_over_genserver_call}",
    ),
];

impl Scenario for SendCost {
    fn name(&self) -> &'static str {
        "send-cost"
    }

    fn title(&self) -> &'static str {
        "What one message costs, and one event to many processes sent one by one"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 10,
            Scale::Default => 40,
            Scale::Full => 120,
        }
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "What one message costs, and one event to {} processes sent one by one",
            group_digits(params.get("members"))
        )
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // Three guilds' members (a task and a mailbox each, ~4 KiB generously), a batch of queued
        // events per channel, and the runtimes.
        params.get("members") * 3 * 4096 + params.get("sends") * 64 * 7 + (256 << 20)
    }

    fn required(&self) -> &'static [Required] {
        REQUIRED
    }

    fn gates(&self) -> &'static [Gate] {
        bars::GATES
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let (sends, rounds, members) = (
            params.get("sends"),
            params.count("rounds"),
            params.count("members"),
        );
        let transports = params.choice::<Links>("transport").transports();
        // The channels and the same-node send, then one remote rig and one publish per transport.
        let rigs = measure::rigs_over(&transports)
            .map_err(|e| format!("could not start a runtime: {e}"))?;
        let places = measure::publish_places(&transports);
        progress.steps((rigs.len() + places.len()) as u64 + 2 + beam.steps());
        let measured = Measured {
            per_send: measure::time_sends(rigs, sends, rounds, progress)?,
            publishes: measure::time_publishes(members, rounds, &places, progress)?,
        };
        let (call, wakeups) = time_call_and_wakeups(&transports, sends, rounds, progress)?;

        let beam_run = beam::run(beam, sends, members, rounds, progress)?;
        let mut figures = report::figures(&measured);
        if let Some(beam_run) = &beam_run {
            beam::add_figures(&mut figures, beam_run);
        }
        calls::add_figures(&mut figures, &measured, &call, &wakeups, beam_run.as_ref());
        let mut table = format!(
            "{}\n{}",
            report::table(&measured, rounds, members, beam_run.as_ref()),
            calls::table(&measured, &call, &wakeups, beam_run.as_ref())
        );
        if let Some(waits) = report::waits_table(&measured, rounds, beam_run.as_ref()) {
            table = format!("{table}\n{waits}");
        }
        Ok(Outcome {
            table,
            svg: report::plot(&measured, members, beam_run.as_ref())?,
            more_svgs: Vec::new(),
            blog: blog::sends(),
            checks: bars::checks(&measured),
            figures,
        })
    }
}

/// The call (process to process, one node) and the context switches per send and per call, two
/// progress steps.
fn time_call_and_wakeups(
    transports: &[cluster::Transport],
    sends: u64,
    rounds: usize,
    progress: &Progress,
) -> Result<(measure::calls::CallCost, calls::Wakeups), String> {
    progress.step("per_call_ns.cluster_local");
    let call = measure::calls::time_calls(sends, rounds)?;
    progress.done();
    progress.step("context switches per send");
    let rigs = measure::calls::wakeup_rigs(transports)
        .map_err(|e| format!("could not start a runtime: {e}"))?;
    // Switches are counts, steadier than times: three batches are enough.
    let wakeups = measure::calls::wakeups(rigs, sends, rounds.min(3))?;
    progress.done();
    Ok((call, wakeups))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::common::params::overrides;

    fn tiny_run(sizes: &[(&str, &str)]) -> Outcome {
        let params = Params::resolve(PARAMS, Scale::Quick, &overrides(sizes)).unwrap();
        SendCost
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap()
    }

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let outcome = tiny_run(&[("sends", "200"), ("rounds", "1"), ("members", "50")]);
        assert_eq!(outcome.blog, blog::sends());
        assert!(outcome.table.contains("one send: cluster send, other node"));
        assert!(outcome.table.contains("over loopback TCP"));
        assert!(outcome.table.contains("link bounded at 1 MiB"));
        assert!(outcome.table.contains("Waiting for a full link"));
        // An unbounded link never makes its sender wait.
        for key in ["cluster_remote", "cluster_remote_tcp"] {
            assert_eq!(outcome.figures["suspensions"][key], 0, "{key}");
            assert_eq!(outcome.figures["suspended_ns"][key], 0, "{key}");
        }
        assert_eq!(outcome.checks.len(), 2, "one check per transport");
        assert!(outcome.svg.starts_with("<svg"), "not an SVG document");

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
    fn the_default_run_measures_both_transports() {
        for scale in [Scale::Quick, Scale::Default, Scale::Full] {
            let params = Params::resolve(PARAMS, scale, &[]).unwrap();
            assert_eq!(params.choice::<Links>("transport"), Links::Both, "{scale}");
        }
    }

    #[test]
    fn transport_memory_leaves_tcp_out() {
        let outcome = tiny_run(&[
            ("sends", "100"),
            ("rounds", "1"),
            ("members", "20"),
            ("transport", "memory"),
        ]);
        let figure = |group: &str, key: &str| outcome.figures[group][key].clone();
        assert!(figure("per_send_ns", "cluster_remote").as_f64().unwrap() > 0.0);
        assert!(figure("per_send_ns", "cluster_remote_tcp").is_null());
        assert!(figure("one_by_one_30k_ns", "cluster_remote_tcp").is_null());
        assert!(figure("per_send_ns", "cluster_remote_tcp_bounded").is_null());
        assert!(!outcome.table.contains("Waiting for a full link"));
        assert_eq!(outcome.checks.len(), 1);
    }

    #[test]
    fn the_gate_names_benchmarks_of_send_instructions() {
        let bench = include_str!("../../benches/send_instructions.rs");
        for gate in SendCost.gates() {
            for id in [gate.numerator, gate.denominator] {
                let (function, bench_id) = id.split_once(' ').unwrap();
                assert!(bench.contains(&format!("fn {function}(")), "{id}");
                assert!(bench.contains(&format!("#[bench::{bench_id}(")), "{id}");
            }
        }
    }
}
