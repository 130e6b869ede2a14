//! The tests of [`super`].

use super::*;

#[test]
fn hints_are_split_on_level_three_headings() {
    let hints =
        parse_hints("<!-- about -->\n# Hints\n\n### One\n\nfirst\n\n### Two\nsecond\nmore\n");
    assert_eq!(hints.len(), 2);
    assert_eq!(hints[0].title, "One");
    assert_eq!(hints[0].text, "first");
    assert_eq!(hints[1].text, "second\nmore");
}

#[test]
fn failing_checks_are_named_with_their_message() {
    let stdout = "running 2 tests\n.F\nfailures:\n\n---- manifold_keeps_publish_order stdout ----\n\nthread 'manifold_keeps_publish_order' panicked at labs/fanout/kit/src/check.rs:80:5:\nmember 3 saw event 7 before 6: is `worker_for` the same for every event?\nstack backtrace:\n   0: __rustc::rust_begin_unwind\n   1: core::panicking::panic_fmt\n\n\nfailures:\n    manifold_keeps_publish_order\n\ntest result: FAILED. 1 passed; 1 failed\n";
    let failed = failed_checks(stdout);
    assert_eq!(
        failed,
        vec![FailedCheck {
            name: "manifold_keeps_publish_order".into(),
            message: vec![
                "at labs/fanout/kit/src/check.rs:80:5".into(),
                "member 3 saw event 7 before 6: is `worker_for` the same for every event?".into()
            ],
        }]
    );
}

#[test]
fn the_first_compile_error_is_kept() {
    let stderr = "   Compiling lab-fanout v0.1.0\nlabs/fanout/src/manifold.rs:40:9: error: expected `;`, found `}`\nerror: could not compile `lab-fanout` (lib) due to 1 previous error\n";
    assert_eq!(
        first_error(stderr),
        "labs/fanout/src/manifold.rs:40:9: error: expected `;`, found `}`"
    );
}

/// A lab whose files live in a scratch workspace.
fn scratch_lab() -> Lab {
    Lab {
        name: "scratch",
        chapter: "a test",
        file: "labs/scratch/src/answer.rs",
        hints: "",
        bar: None,
        extra: None,
    }
}

/// A scratch workspace holding the scratch lab's pristine copy and, if given, the reader's file.
fn scratch_workspace(tag: &str, reader: Option<&str>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("workbook-reset-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("labs/scratch/kit/skeleton")).unwrap();
    std::fs::create_dir_all(dir.join("labs/scratch/src")).unwrap();
    std::fs::write(dir.join("labs/scratch/kit/skeleton/answer.rs"), SKELETON).unwrap();
    if let Some(text) = reader {
        std::fs::write(dir.join("labs/scratch/src/answer.rs"), text).unwrap();
    }
    dir
}

const SKELETON: &str = "pub fn answer() -> u64 {\n    todo!()\n}\n";
const SOLVED: &str = "pub fn answer() -> u64 {\n    42\n}\n";

#[test]
fn the_pristine_copy_sits_in_the_kit_under_the_same_name() {
    assert_eq!(
        scratch_lab().pristine(),
        "labs/scratch/kit/skeleton/answer.rs"
    );
}

#[test]
fn a_reset_without_force_refuses_to_throw_edits_away() {
    let dir = scratch_workspace("refuse", Some(SOLVED));
    let refused = reset(&scratch_lab(), &dir, false).unwrap_err();
    assert!(
        refused.0.contains("(1 line added or changed, 1 removed)"),
        "{refused}"
    );
    assert!(refused.0.contains("--force"), "{refused}");
    assert!(!refused.0.contains('\n'), "one line: {refused}");
    let left = std::fs::read_to_string(dir.join("labs/scratch/src/answer.rs")).unwrap();
    assert_eq!(left, SOLVED, "a refused reset writes nothing");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_forced_reset_keeps_the_readers_version_then_restores() {
    let dir = scratch_workspace("force", Some(SOLVED));
    let Reset::Restored { kept: Some(kept) } = reset(&scratch_lab(), &dir, true).unwrap() else {
        panic!("a forced reset of an edited file must keep the reader's version");
    };
    assert!(
        kept.starts_with("target/workbook/reset/scratch"),
        "{}",
        kept.display()
    );
    assert_eq!(std::fs::read_to_string(dir.join(&kept)).unwrap(), SOLVED);
    let now = std::fs::read_to_string(dir.join("labs/scratch/src/answer.rs")).unwrap();
    assert_eq!(now, SKELETON);
    assert_eq!(
        reset(&scratch_lab(), &dir, false).unwrap(),
        Reset::AlreadyPristine
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_deleted_file_is_restored_without_force() {
    let dir = scratch_workspace("deleted", None);
    assert_eq!(
        reset(&scratch_lab(), &dir, false).unwrap(),
        Reset::Restored { kept: None }
    );
    let now = std::fs::read_to_string(dir.join("labs/scratch/src/answer.rs")).unwrap();
    assert_eq!(now, SKELETON);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_pristine_copy_is_one_clear_line() {
    let dir = scratch_workspace("missing", Some(SOLVED));
    std::fs::remove_file(dir.join("labs/scratch/kit/skeleton/answer.rs")).unwrap();
    let refused = reset(&scratch_lab(), &dir, true).unwrap_err();
    assert!(
        refused
            .0
            .starts_with("reset: cannot read the skeleton labs/scratch/kit/skeleton/answer.rs"),
        "{refused}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
