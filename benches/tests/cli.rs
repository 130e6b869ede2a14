//! The `workbook` command as a reader meets it: bad input gets one sentence and exit code 2,
//! before anything runs or is written; a good run writes all three results files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workbook(args: &[&str]) -> Output {
    workbook_with_path(args, None)
}

/// Runs workbook with `PATH` set to `path` (when given): what a machine without Erlang sees.
fn workbook_with_path(args: &[&str], path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workbook"));
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.args(args).output().expect("could not run workbook")
}

/// A small send-cost run into `out`, with `extra` flags.
fn small_send_cost(out: &Path, extra: &[&str], path: Option<&Path>) -> Output {
    let mut args = vec![
        "reproduce",
        "send-cost",
        "--scale",
        "quick",
        "--set",
        "sends=500",
        "--set",
        "rounds=1",
        "--set",
        "members=100",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = workbook_with_path(&args, path);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        files_in(out),
        ["send-cost.json", "send-cost.md", "send-cost.svg"]
    );
    output
}

fn results(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("send-cost.json")).unwrap()).unwrap()
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("workbook-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Asserts exit code 2 with exactly one line on stderr containing `expected`, and returns it.
fn assert_refused(output: &Output, expected: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2; stderr: {stderr}"
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "expected one line on stderr, got: {stderr}"
    );
    assert!(
        stderr.contains(expected),
        "expected '{expected}' in: {stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "nothing should run: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

#[test]
fn an_unknown_scenario_is_refused() {
    let out = scratch("unknown");
    let output = workbook(&["reproduce", "fanuot", "--out", out.to_str().unwrap()]);
    assert_refused(&output, "unknown scenario 'fanuot'");
    assert!(files_in(&out).is_empty());
}

#[test]
fn an_unknown_scale_is_refused_in_one_line() {
    let output = workbook(&["reproduce", "--scale", "huge"]);
    assert_refused(&output, "invalid value 'huge'");
}

#[test]
fn zero_and_absurd_sizes_are_refused() {
    let out = scratch("sizes");
    let dir = out.to_str().unwrap();
    let zero = workbook(&["reproduce", "send-cost", "--set", "members=0", "--out", dir]);
    assert_refused(&zero, "members must be between 1 and 10,000,000 (got 0)");
    let absurd = workbook(&[
        "reproduce",
        "send-cost",
        "--set",
        "sends=99999999999",
        "--out",
        dir,
    ]);
    assert_refused(&absurd, "sends must be between");
    let garbage = workbook(&[
        "reproduce",
        "send-cost",
        "--set",
        "sends=lots",
        "--out",
        dir,
    ]);
    assert_refused(&garbage, "sends takes a whole number (got 'lots')");
    let unknown = workbook(&["reproduce", "send-cost", "--set", "guilds=5", "--out", dir]);
    assert_refused(&unknown, "no scenario run has a parameter 'guilds'");
    assert!(
        files_in(&out).is_empty(),
        "a refused run wrote {:?}",
        files_in(&out)
    );
}

#[test]
fn a_run_too_big_for_free_memory_is_refused() {
    // 10 million members need about 80 GiB by the scenario's estimate; on a machine with that
    // much free memory this would really run, so only check where it cannot fit.
    let free = workbook::common::machine::available_memory_bytes().unwrap_or(u64::MAX);
    if free > 64 << 30 {
        eprintln!("skipped: this machine has {free} bytes free");
        return;
    }
    let out = scratch("memory");
    let output = workbook(&[
        "reproduce",
        "send-cost",
        "--set",
        "members=10000000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_refused(&output, "of memory is free");
    assert!(files_in(&out).is_empty());
}

#[test]
fn an_unwritable_output_directory_is_refused() {
    let out = scratch("unwritable");
    let file = out.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let output = workbook(&[
        "reproduce",
        "--scale",
        "quick",
        "--out",
        file.join("results").to_str().unwrap(),
    ]);
    assert_refused(&output, "cannot create output directory");
}

#[test]
fn an_unknown_lab_is_refused() {
    assert_refused(&workbook(&["hint", "nonsense"]), "unknown lab 'nonsense'");
}

#[test]
fn a_small_run_writes_json_table_and_plot() {
    let out = scratch("run");
    let output = small_send_cost(&out, &[], None);
    let json = results(&out);
    for key in ["cpu", "cores", "os", "rustc"] {
        assert!(!json["machine"][key].is_null(), "machine.{key} missing");
    }
    assert_eq!(json["parameters"]["members"], 100);
    assert!(json["per_send_ns"]["cluster_remote"].as_f64().unwrap() > 0.0);
    // Both transports by default: links in memory, and over loopback TCP.
    assert_eq!(json["parameters"]["transport"], "both");
    assert!(json["per_send_ns"]["cluster_remote_tcp"].as_f64().unwrap() > 0.0);
    assert!(
        json["one_by_one_30k_ns"]["cluster_remote_tcp"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(json["one_by_one_30k_ns"]["cluster_local"].as_f64().unwrap() > 0.0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("one send: cluster send"),
        "the summary table is printed (as a table, or one block per row): {stdout}"
    );
    // The table as written (the printed one is fitted to the terminal's width).
    let table = std::fs::read_to_string(out.join("send-cost.md")).unwrap();
    assert!(
        table.contains("| one send: cluster send, other node |"),
        "{table}"
    );
    assert!(
        table.contains("| one send: cluster send, other node, over loopback TCP |"),
        "{table}"
    );
    // The BEAM side ran beside it (the only test that runs it: two at once would race on
    // beam/_build), or one line said why not.
    match json["beam"]["otp_release"].as_str() {
        Some(otp) => {
            for place in ["local", "remote"] {
                assert!(json["beam"]["per_send_ns"][place].as_f64().unwrap() > 0.0);
            }
            assert_eq!(
                json["beam"]["receivers"], 100,
                "as many processes as the Rust"
            );
            assert!(
                table.contains(&format!("| BEAM here (OTP {otp}) |")),
                "{table}"
            );
        }
        None => assert!(stdout.contains("BEAM side skipped"), "{stdout}"),
    }
}

#[test]
fn no_beam_is_accepted_and_reports_the_rust_alone() {
    let out = scratch("no-beam");
    let output = small_send_cost(&out, &["--no-beam"], None);
    let json = results(&out);
    assert!(json["beam"].is_null(), "no BEAM figures: {}", json["beam"]);
    assert!(json["per_send_ns"]["cluster_remote"].as_f64().unwrap() > 0.0);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!stdout.contains("BEAM here"), "{stdout}");
    assert!(!stdout.contains("BEAM side skipped"), "{stdout}");
    assert!(!stderr.contains("[beam"), "{stderr}");
}

#[test]
fn without_erlang_one_line_says_how_to_install_it_and_the_rust_runs_alone() {
    let out = scratch("no-erlang");
    let empty = scratch("no-erlang-path");
    let output = small_send_cost(&out, &[], Some(&empty));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let told: Vec<&str> = stdout.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(told.len(), 1, "one line: {stdout}");
    assert!(
        told[0].contains("no `elixir` on PATH")
            && told[0].contains("apt-get install erlang-nox elixir"),
        "{}",
        told[0]
    );
    assert!(!stdout.contains("BEAM here"), "{stdout}");
    assert!(results(&out)["beam"].is_null());
}

#[test]
fn a_misspelt_parameter_is_refused_whatever_the_scenarios_chosen() {
    let out = scratch("misspelt");
    let dir = out.to_str().unwrap();
    for scenarios in [&[][..], &["fanout", "ring"][..], &["send-cost"][..]] {
        let mut args = vec!["reproduce"];
        args.extend_from_slice(scenarios);
        args.extend_from_slice(&["--set", "membres=5", "--dry-run", "--out", dir]);
        let output = workbook(&args);
        assert_refused(&output, "no scenario run has a parameter 'membres'");
    }
    let ambiguous = workbook(&["reproduce", "--set", "members=5", "--dry-run", "--out", dir]);
    assert_refused(
        &ambiguous,
        "'members' means different things in send-cost and fanout; write send-cost.members or \
         fanout.members",
    );
    let qualified = workbook(&[
        "reproduce",
        "--set",
        "fanout.members=5",
        "--dry-run",
        "--out",
        dir,
    ]);
    assert!(
        qualified.status.success(),
        "{}",
        String::from_utf8_lossy(&qualified.stderr)
    );
    let elsewhere = workbook(&[
        "reproduce",
        "ring",
        "--set",
        "fanout.members=5",
        "--dry-run",
        "--out",
        dir,
    ]);
    assert_refused(&elsewhere, "fanout is not among the scenarios run (ring)");
    assert!(files_in(&out).is_empty());
}

#[test]
fn bad_reconnect_values_are_refused() {
    let out = scratch("reconnect");
    let dir = out.to_str().unwrap();
    for (set, expected) in [
        (
            "profile=fast",
            "profile is one of all, blog, rust, beam (got 'fast')",
        ),
        (
            "profile=3",
            "profile is one of all, blog, rust, beam (got '3')",
        ),
        (
            "sessions=0",
            "sessions must be between 200 and 1,000,000 (got 0)",
        ),
        (
            "restarting=11",
            "restarting must be between 1 and 10 (got 11)",
        ),
    ] {
        let output = workbook(&["reproduce", "reconnect", "--set", set, "--out", dir]);
        assert_refused(&output, expected);
    }
    assert!(
        files_in(&out).is_empty(),
        "a refused run wrote {:?}",
        files_in(&out)
    );
}

#[test]
fn an_unknown_transport_is_refused() {
    let out = scratch("transport");
    let dir = out.to_str().unwrap();
    for scenario in ["send-cost", "fanout"] {
        for (set, expected) in [
            (
                "transport=udp",
                "transport is one of both, memory, tcp (got 'udp')",
            ),
            (
                "transport=2",
                "transport is one of both, memory, tcp (got '2')",
            ),
        ] {
            let output = workbook(&["reproduce", scenario, "--set", set, "--out", dir]);
            assert_refused(&output, expected);
        }
    }
    assert!(
        files_in(&out).is_empty(),
        "a refused run wrote {:?}",
        files_in(&out)
    );
}
