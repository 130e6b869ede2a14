//! `workbook new-lab NAME`: the boilerplate of a new lab, written for you.
//!
//! A lab is three crates (the lab with the reader's file, its kit, the reference solution), its
//! hints and its grading in the workbook. Most of those files are the same few lines in every lab
//! (a `Cargo.toml`, a `tests/lab.rs` that is one `suite!` call, an `examples/bar.rs` that calls the
//! bar, a `tests/solution.rs`, the skeleton's pristine copy in the kit); this command writes them from the templates beside this file, each
//! a working starting point (the generated lab builds, its skeleton fails its suite and its
//! solution passes it), and prints the few lines it leaves to you: the registry entry, the
//! workbook's dependencies, the book's table of contents. The appendix "Adding a lab" lists every
//! step.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::params::InputError;

/// What to generate.
pub struct NewLab {
    /// The lab's name: lowercase words joined by `-` (`adaptive-limit`).
    pub name: String,
    /// The reader's file stem, a Rust identifier (`aimd`).
    pub file: String,
    /// The bottleneck folder of `benches/src` that grades it, a Rust identifier (`admission`).
    pub folder: String,
    /// What the reader builds, in a few words.
    pub what: String,
    /// The book chapter it belongs to.
    pub chapter: String,
    /// A warm-up: no speed bar, graded by its suite alone.
    pub warm_up: bool,
}

impl NewLab {
    /// Refuses a name, file or folder that would not make valid crates and modules.
    pub fn check(&self) -> Result<(), InputError> {
        let lab_name = |s: &str| {
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let ident = |s: &str| {
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !lab_name(&self.name) {
            return Err(InputError(format!(
                "new-lab: '{}' is not a lab name (lowercase words joined by '-', e.g. adaptive-limit)",
                self.name
            )));
        }
        for (what, value) in [("--file", &self.file), ("--folder", &self.folder)] {
            if !ident(value) {
                return Err(InputError(format!(
                    "new-lab: {what} '{value}' is not a Rust identifier (lowercase, digits, '_')"
                )));
            }
        }
        Ok(())
    }

    /// Every file to write, by path relative to the workspace, with its text.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        let lab = PathBuf::from("labs").join(&self.name);
        let solution = PathBuf::from("solutions").join(&self.name);
        let grading = if self.warm_up { "warmup.rs" } else { "lab.rs" };
        let mut files = vec![
            (
                lab.join("Cargo.toml"),
                self.fill(include_str!("templates/lab_cargo.toml.txt")),
            ),
            (
                lab.join("src/lib.rs"),
                self.fill(include_str!("templates/lab_lib.rs.txt")),
            ),
            (
                lab.join(format!("src/{}.rs", self.file)),
                self.fill(include_str!("templates/skeleton.rs.txt")),
            ),
            // The pristine copy the book includes and `workbook reset` restores: the same bytes.
            (
                lab.join(format!("kit/skeleton/{}.rs", self.file)),
                self.fill(include_str!("templates/skeleton.rs.txt")),
            ),
            (
                lab.join("tests/lab.rs"),
                self.fill(include_str!("templates/lab_tests.rs.txt")),
            ),
            (
                lab.join("hints.md"),
                self.fill(include_str!("templates/hints.md.txt")),
            ),
            (
                lab.join("kit/Cargo.toml"),
                self.fill(include_str!("templates/kit_cargo.toml.txt")),
            ),
            (
                lab.join("kit/src/lib.rs"),
                self.fill(include_str!("templates/kit_lib.rs.txt")),
            ),
            (
                lab.join("kit/src/check.rs"),
                self.fill(include_str!("templates/kit_check.rs.txt")),
            ),
            (
                solution.join("Cargo.toml"),
                self.fill(include_str!("templates/solution_cargo.toml.txt")),
            ),
            (
                solution.join("src/lib.rs"),
                self.fill(include_str!("templates/solution_lib.rs.txt")),
            ),
            (
                solution.join(format!("src/{}.rs", self.file)),
                self.fill(include_str!("templates/solution.rs.txt")),
            ),
            (
                solution.join("tests/solution.rs"),
                self.fill(include_str!("templates/solution_tests.rs.txt")),
            ),
            (
                PathBuf::from("benches/src")
                    .join(&self.folder)
                    .join(grading),
                self.fill(include_str!("templates/grading.rs.txt")),
            ),
        ];
        if !self.warm_up {
            files.push((
                lab.join("examples/bar.rs"),
                self.fill(include_str!("templates/bar_example.rs.txt")),
            ));
        }
        files
    }

    /// What is left to do by hand, one line each.
    pub fn next_steps(&self) -> Vec<String> {
        let crate_name = self.name.replace('-', "_");
        let grading = if self.warm_up {
            "warmup::WARMUP"
        } else {
            "lab::LAB"
        };
        let mut steps = vec![
            format!(
                "benches/src/registry.rs: add crate::{}::{grading} to LABS, in book order",
                self.folder
            ),
            format!(
                "benches/src/{}/mod.rs: declare `pub mod {};`",
                self.folder,
                if self.warm_up { "warmup" } else { "lab" }
            ),
        ];
        if !self.warm_up {
            steps.push(format!(
                "benches/Cargo.toml: {name}-kit = {{ path = \"../labs/{name}/kit\" }} and solution-{name} = {{ path = \"../solutions/{name}\" }} (the bar runs the solution: solution_{crate_name})",
                name = self.name
            ));
        }
        steps.extend([
            format!("write the kit (labs/{}/kit/src/), the skeleton, the solution and hints.md: the lab itself", self.name),
            format!("copy the finished skeleton to its pristine copy: cp labs/{0}/src/{1}.rs labs/{0}/kit/skeleton/{1}.rs (ci/registry checks they are the same bytes)", self.name, self.file),
            format!("book/src/SUMMARY.md and the chapter \"{}\": include the skeleton from the pristine copy, {{{{#include ../../labs/{}/kit/skeleton/{}.rs:skeleton}}}}", self.chapter, self.name, self.file),
            format!("check: cargo test -p solution-{0} passes, cargo test -p lab-{0} fails, bash ci/registry", self.name),
        ]);
        steps
    }

    fn fill(&self, template: &str) -> String {
        let crate_name = self.name.replace('-', "_");
        let const_name = if self.warm_up { "WARMUP" } else { "LAB" };
        let (bar_field, bar_fn, bar_doc, lab_imports, then_bar, bar_dependency) = if self.warm_up {
            (
                "None".to_owned(),
                String::new(),
                String::new(),
                "Lab".to_owned(),
                String::new(),
                String::new(),
            )
        } else {
            (
                format!(
                    "Some(SpeedBar {{\n        words: \"the lab's bar, in words\",\n        solution: || bar(solution_{crate_name}::{}::answer),\n    }})",
                    self.file
                ),
                include_str!("templates/bar_fn.rs.txt").to_owned(),
                ": its hints and its bar".to_owned(),
                "{BarCheck, Lab, SpeedBar}".to_owned(),
                ", then the speed bar".to_owned(),
                include_str!("templates/bar_dependency.toml.txt").to_owned(),
            )
        };
        template
            .replace("{bar_dependency}", &bar_dependency)
            .replace("{bar_field}", &bar_field)
            .replace("{bar_fn}", &bar_fn)
            .replace("{bar_doc}", &bar_doc)
            .replace("{lab_imports}", &lab_imports)
            .replace("{then_bar}", &then_bar)
            .replace("{const_name}", const_name)
            .replace("{kit_crate}", &format!("{crate_name}_kit"))
            .replace("{crate_name}", &crate_name)
            .replace("{name}", &self.name)
            .replace("{file}", &self.file)
            .replace("{folder}", &self.folder)
            .replace("{what}", &self.what)
            .replace("{chapter}", &self.chapter)
    }
}

/// Writes `lab`'s files under `workspace`; refuses, writing nothing, when any of them exists.
pub fn write(lab: &NewLab, workspace: &Path) -> Result<Vec<PathBuf>, InputError> {
    lab.check()?;
    let files = lab.files();
    if let Some((path, _)) = files.iter().find(|(path, _)| workspace.join(path).exists()) {
        return Err(InputError(format!(
            "new-lab: {} already exists; nothing written",
            path.display()
        )));
    }
    for (path, text) in &files {
        let full = workspace.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| {
                InputError(format!("new-lab: cannot create {}: {e}", parent.display()))
            })?;
        }
        fs::write(&full, text)
            .map_err(|e| InputError(format!("new-lab: cannot write {}: {e}", full.display())))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(warm_up: bool) -> NewLab {
        NewLab {
            name: "adaptive-limit".into(),
            file: "aimd".into(),
            folder: "admission".into(),
            what: "an adaptive limit".into(),
            chapter: "Beyond a fixed limit".into(),
            warm_up,
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for warm_up in [false, true] {
            for (path, text) in lab(warm_up).files() {
                let left = [
                    "{name}",
                    "{file}",
                    "{folder}",
                    "{what}",
                    "{crate_name}",
                    "{kit_crate}",
                    "{bar_",
                ];
                for placeholder in left {
                    assert!(
                        !text.contains(placeholder),
                        "{} keeps {placeholder}",
                        path.display()
                    );
                }
            }
        }
    }

    #[test]
    fn a_lab_has_a_bar_and_a_warm_up_none() {
        let with_bar = lab(false).files();
        assert_eq!(with_bar.len(), 15);
        assert!(with_bar.iter().any(|(p, _)| p.ends_with("examples/bar.rs")));
        let warm_up = lab(true).files();
        assert_eq!(warm_up.len(), 14);
        assert!(
            warm_up
                .iter()
                .any(|(p, t)| p.ends_with("warmup.rs") && t.contains("bar: None"))
        );
    }

    #[test]
    fn the_skeleton_and_its_pristine_copy_are_the_same_bytes() {
        let files = lab(false).files();
        let text = |path: &str| {
            files
                .iter()
                .find(|(p, _)| p == Path::new(path))
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| panic!("{path} is not written"))
        };
        let skeleton = text("labs/adaptive-limit/src/aimd.rs");
        assert_eq!(skeleton, text("labs/adaptive-limit/kit/skeleton/aimd.rs"));
        assert!(skeleton.contains("ANCHOR: skeleton"));
        let steps = lab(false).next_steps().join("\n");
        assert!(
            steps.contains("labs/adaptive-limit/kit/skeleton/aimd.rs:skeleton"),
            "{steps}"
        );
    }

    #[test]
    fn bad_names_are_refused() {
        let mut bad = lab(false);
        bad.name = "Adaptive Limit".into();
        assert!(bad.check().is_err());
        let mut bad = lab(false);
        bad.file = "aimd-limit".into();
        assert!(bad.check().unwrap_err().0.contains("--file"));
    }

    #[test]
    fn nothing_is_written_over_an_existing_file() {
        let dir = std::env::temp_dir().join(format!("workbook-new-lab-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("labs/adaptive-limit")).unwrap();
        fs::write(dir.join("labs/adaptive-limit/Cargo.toml"), "mine").unwrap();
        let refused = write(&lab(false), &dir).unwrap_err();
        assert!(refused.0.contains("already exists"), "{refused}");
        assert!(!dir.join("labs/adaptive-limit/hints.md").exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
