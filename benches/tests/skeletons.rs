//! The skeletons the book shows: every registered lab keeps a pristine copy of the reader's file
//! in its kit (`labs/<lab>/kit/skeleton/`), which the book includes and `workbook reset` restores.
//! That each copy is byte for byte the reader's file in a clean clone is `ci/registry`'s check: a
//! reader who has solved a lab has a different file, and their `cargo test` must still pass.

use std::process::Command;

use workbook::common::lab::workspace;
use workbook::registry::LABS;

#[test]
fn every_lab_has_a_pristine_copy() {
    for lab in LABS {
        let path = workspace().join(lab.pristine());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("lab {}: no pristine copy {}: {e}", lab.name, lab.pristine())
        });
        assert!(
            text.starts_with("//! **Your file.**"),
            "lab {}: {} does not start as the reader's file does",
            lab.name,
            lab.pristine()
        );
    }
}

#[test]
fn the_book_includes_every_skeleton_from_its_pristine_copy() {
    let book = workspace().join("book/src");
    let mut pages = vec![];
    for dir in [book.clone(), book.join("warmups")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    let mut skeletons = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for line in text.lines().filter(|l| l.contains(":skeleton}}")) {
            skeletons += 1;
            assert!(
                line.contains("/kit/skeleton/"),
                "{}: {line} includes the reader's own file; include labs/<lab>/kit/skeleton/ instead",
                page.display()
            );
        }
    }
    assert!(
        skeletons > 0,
        "no page includes a skeleton: is the book where it was?"
    );
}

#[test]
fn resetting_an_unknown_lab_is_refused_in_one_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["reset", "no-such-lab"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unknown lab 'no-such-lab'"), "{stderr}");
}
