//! `workbook reset <lab>`: the reader's file back to the skeleton, from the lab's pristine copy.
//!
//! Each lab keeps an untouched copy of the reader's file in its kit, `labs/<lab>/kit/skeleton/`,
//! byte for byte what the reader's file is in a fresh clone (`ci/registry` checks it). Two things
//! read that copy: the book, which includes the skeleton it shows from there, so solving a lab
//! never turns the book's skeleton into the reader's answer; and this command, for a reader who
//! wants to start over.
//!
//! A reset that would throw work away asks for `--force`, and even then keeps the reader's version
//! under `target/workbook/reset/<lab>/` before writing the skeleton back.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::spec::Lab;
use crate::common::params::InputError;

impl Lab {
    /// The pristine copy of the reader's file, relative to the workspace:
    /// `labs/<lab>/kit/skeleton/<file>.rs`, the file the book includes the skeleton from.
    pub fn pristine(&self) -> String {
        let stem = Path::new(self.file)
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or(self.file);
        format!("labs/{}/kit/skeleton/{stem}", self.name)
    }
}

/// What a reset did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reset {
    /// The reader's file was the skeleton already: nothing written.
    AlreadyPristine,
    /// The skeleton was written back.
    Restored {
        /// Where the reader's version was kept (relative to the workspace), if there was one.
        kept: Option<PathBuf>,
    },
}

impl Reset {
    /// What the reader is told, one line each.
    pub fn describe(&self, lab: &Lab) -> Vec<String> {
        match self {
            Reset::AlreadyPristine => vec![format!(
                "{}: {} is the skeleton already; nothing written",
                lab.name, lab.file
            )],
            Reset::Restored { kept } => {
                let mut lines: Vec<String> = kept
                    .iter()
                    .map(|kept| format!("{}: your version is kept in {}", lab.name, kept.display()))
                    .collect();
                lines.push(format!(
                    "{}: {} is the skeleton again (from {})",
                    lab.name,
                    lab.file,
                    lab.pristine()
                ));
                lines.push(format!(
                    "`workbook hint {} --reset` starts the hints over too",
                    lab.name
                ));
                lines
            }
        }
    }
}

/// Writes `lab`'s skeleton over the reader's file, under `workspace`. Without `force`, refuses
/// (writing nothing) when the reader's file differs from the skeleton; with it, keeps the reader's
/// version under `target/workbook/reset/<lab>/` first.
pub fn reset(lab: &Lab, workspace: &Path, force: bool) -> Result<Reset, InputError> {
    let pristine_path = workspace.join(lab.pristine());
    let pristine = fs::read(&pristine_path).map_err(|e| {
        InputError(format!(
            "reset: cannot read the skeleton {}: {e}",
            lab.pristine()
        ))
    })?;
    let file = workspace.join(lab.file);
    let current = fs::read(&file).ok();
    let kept = match current {
        Some(current) if current == pristine => return Ok(Reset::AlreadyPristine),
        Some(current) if !force => {
            return Err(InputError(format!(
                "reset: {} has your edits ({}); `workbook reset {} --force` replaces it with the \
                 skeleton and keeps your version under target/workbook/reset/{}/",
                lab.file,
                changed_lines(&current, &pristine),
                lab.name,
                lab.name
            )));
        }
        Some(current) => Some(keep(lab, workspace, &current)?),
        None => None,
    };
    fs::write(&file, &pristine)
        .map_err(|e| InputError(format!("reset: cannot write {}: {e}", lab.file)))?;
    Ok(Reset::Restored { kept })
}

/// Saves the reader's version as `target/workbook/reset/<lab>/<file stem>.<seconds>.rs`; returns
/// that path relative to the workspace.
fn keep(lab: &Lab, workspace: &Path, current: &[u8]) -> Result<PathBuf, InputError> {
    let path = Path::new(lab.file);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("file");
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let dir = PathBuf::from("target/workbook/reset").join(lab.name);
    let mut kept = dir.join(format!("{stem}.{seconds}.rs"));
    let mut n = 1;
    while workspace.join(&kept).exists() {
        kept = dir.join(format!("{stem}.{seconds}-{n}.rs"));
        n += 1;
    }
    let cannot = |e: std::io::Error| {
        InputError(format!(
            "reset: cannot keep your version in {}: {e}; nothing written",
            kept.display()
        ))
    };
    fs::create_dir_all(workspace.join(&dir)).map_err(cannot)?;
    fs::write(workspace.join(&kept), current).map_err(cannot)?;
    Ok(kept)
}

/// How far the reader's file is from the skeleton, in a few words ("2 lines added or changed, 1
/// removed"): lines of each not matched in the other, whatever their order.
fn changed_lines(current: &[u8], pristine: &[u8]) -> String {
    let (mine, skeleton) = (
        String::from_utf8_lossy(current),
        String::from_utf8_lossy(pristine),
    );
    let mut unmatched: HashMap<&str, usize> = HashMap::new();
    for line in skeleton.lines() {
        *unmatched.entry(line).or_default() += 1;
    }
    let mut added = 0;
    for line in mine.lines() {
        match unmatched.get_mut(line) {
            Some(n) if *n > 0 => *n -= 1,
            _ => added += 1,
        }
    }
    let removed: usize = unmatched.values().sum();
    let lines = |n: usize| {
        if n == 1 {
            "1 line".to_owned()
        } else {
            format!("{n} lines")
        }
    };
    match (added, removed) {
        (0, 0) => "the same lines, in another order or with other line endings".to_owned(),
        (0, removed) => format!("{} removed", lines(removed)),
        (added, 0) => format!("{} added", lines(added)),
        (added, removed) => format!("{} added or changed, {removed} removed", lines(added)),
    }
}
