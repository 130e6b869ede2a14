//! The tests of [`super`].

use super::*;

const GOOD: &str =
    r#"{"scenario":"send-cost","otp_release":"25","per_send_ns":{"local":389.5,"remote":8650}}"#;

fn lines(text: &[&str]) -> Vec<String> {
    text.iter().map(|l| (*l).to_owned()).collect()
}

#[test]
fn a_whole_object_is_read_and_its_figures_found() {
    let json = parse(
        "send-cost",
        Some(0),
        &format!("{GOOD}\n"),
        &[],
        &["per_send_ns.local", "per_send_ns.remote"],
    )
    .unwrap();
    let run = BeamRun { json };
    assert_eq!(run.figure("per_send_ns.remote"), 8650.0);
    assert!(run.figure("per_send_ns.nowhere").is_nan());
    assert_eq!(run.column(), "BEAM here (OTP 25)");
}

#[test]
fn partial_json_is_an_error_in_the_beams_words() {
    let tail = lines(&["[beam 06:24:18.209] send-cost: 50000 sends", "Killed"]);
    let Err(Failure::Failed(error)) = parse("send-cost", Some(0), &GOOD[..40], &tail, &[]) else {
        panic!("partial JSON was accepted");
    };
    assert!(error.contains("printed no whole JSON object"), "{error}");
    assert!(
        error.ends_with("[beam 06:24:18.209] send-cost: 50000 sends / Killed"),
        "{error}"
    );
}

#[test]
fn a_failed_run_is_an_error_with_its_error_line() {
    let tail = lines(&[
        "[beam 06:24:18.209] fanout: naive, 3000 members",
        "beam: error: peer node did not start within 30 s",
        "",
    ]);
    assert_eq!(
        parse("fanout", Some(1), "", &tail, &[]),
        Err(Failure::Failed(
            "the BEAM side (beam/run fanout) failed with exit status 1: \
             beam: error: peer node did not start within 30 s"
                .into()
        ))
    );
    assert!(matches!(
        parse("fanout", None, "", &[], &[]),
        Err(Failure::Failed(e)) if e.ends_with("killed by a signal: it printed nothing on stderr")
    ));
}

#[test]
fn a_missing_erlang_is_not_a_failure() {
    let tail = lines(&["beam: erl is not installed"]);
    assert_eq!(
        parse("ring", Some(127), "", &tail, &[]),
        Err(Failure::NotInstalled("beam: erl is not installed".into()))
    );
}

#[test]
fn an_object_without_a_required_figure_or_of_another_scenario_is_refused() {
    let missing = parse(
        "send-cost",
        Some(0),
        GOOD,
        &[],
        &["one_by_one_30k_ns.local"],
    );
    assert!(
        matches!(&missing, Err(Failure::Failed(e)) if e.contains("without a number at one_by_one_30k_ns.local")),
        "{missing:?}"
    );
    let other = parse("ring", Some(0), GOOD, &[], &[]);
    assert!(
        matches!(&other, Err(Failure::Failed(e)) if e.contains("\"scenario\": \"ring\"")),
        "{other:?}"
    );
    let no_otp = parse("x", Some(0), r#"{"scenario":"x"}"#, &[], &[]);
    assert!(matches!(&no_otp, Err(Failure::Failed(e)) if e.contains("otp_release")));
    let array = parse("x", Some(0), "[1]", &[], &[]);
    assert!(matches!(&array, Err(Failure::Failed(e)) if e.contains("an object")));
}

#[test]
fn the_column_is_added_only_with_a_run() {
    let mut header = vec!["what".to_owned(), "ours".to_owned()];
    let mut rows = vec![vec!["a".to_owned(), "1".to_owned()]; 2];
    add_column(None, &mut header, &mut rows, 1, vec![Some("x".into())]);
    assert_eq!(header.len(), 2);
    let run = BeamRun {
        json: serde_json::from_str(GOOD).unwrap(),
    };
    add_column(
        Some(&run),
        &mut header,
        &mut rows,
        1,
        vec![Some("x".into())],
    );
    assert_eq!(header, ["what", "BEAM here (OTP 25)", "ours"]);
    assert_eq!(rows[0], ["a", "x", "1"]);
    assert_eq!(rows[1], ["a", "—", "1"]);
}

#[test]
fn off_runs_nothing() {
    let run = Beam::off()
        .run("send-cost", &[], &[], &Progress::hidden())
        .unwrap();
    assert!(run.is_none());
    assert_eq!(Beam::off().steps(), 0);
}
