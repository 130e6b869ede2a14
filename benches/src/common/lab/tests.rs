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
