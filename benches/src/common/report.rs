//! Results files: one JSON, one markdown table and one SVG plot per scenario.
//!
//! The book includes the table and the plot; the JSON keeps every figure with its machine, date
//! and parameters so a reader can compare runs. Files are written whole or not at all: each goes
//! to a temporary name first and is renamed into place only when all three are ready.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::common::machine::Machine;
use crate::common::params::{Params, Scale};

/// Everything a scenario run produced, as written to `<scenario>.json`.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The scenario's name, also the files' stem.
    pub scenario: &'static str,
    /// What it measures, in a few words.
    pub title: String,
    /// Where it ran.
    pub machine: Machine,
    /// When it ran (UTC, RFC 3339).
    pub date: String,
    /// The scale it ran at.
    pub scale: Scale,
    /// Its parameter values.
    pub parameters: Params,
    /// The scenario's figures and ratios, at the top level of the JSON.
    #[serde(flatten)]
    pub figures: Map<String, Value>,
    /// The blog's figures for the same thing.
    pub blog: Value,
    /// The scenario's bars, checked on this run.
    pub checks: Vec<crate::common::scenario::Check>,
}

impl Report {
    /// The caption under every generated table.
    pub fn caption(&self) -> String {
        format!(
            "*Measured on {} on {}, scale `{}`.*",
            self.machine.summary(),
            &self.date[..10.min(self.date.len())],
            self.scale
        )
    }
}

/// Writes `<stem>.json`, `<stem>.md` and `<stem>.svg` into `dir`, all or none.
pub fn write_results(
    dir: &Path,
    report: &Report,
    table: &str,
    svgs: (&str, &[(&str, String)]),
) -> std::io::Result<Vec<PathBuf>> {
    let json = serde_json::to_string_pretty(report)? + "\n";
    let markdown = format!("{table}\n{}\n", report.caption());
    let (svg, more_svgs) = svgs;
    let scenario = report.scenario;
    let mut files = vec![
        (format!("{scenario}.json"), json),
        (format!("{scenario}.md"), markdown),
        (format!("{scenario}.svg"), svg.to_owned()),
    ];
    files.extend(
        more_svgs
            .iter()
            .map(|(name, svg)| (format!("{scenario}-{name}.svg"), svg.clone())),
    );
    let mut staged = Vec::new();
    for (name, contents) in &files {
        let final_path = dir.join(name);
        let temp_path = dir.join(format!(".{name}.tmp"));
        if let Err(error) = fs::write(&temp_path, contents) {
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            let _ = fs::remove_file(&temp_path);
            return Err(error);
        }
        staged.push((temp_path, final_path));
    }
    for (temp, final_path) in &staged {
        fs::rename(temp, final_path)?;
    }
    Ok(staged.into_iter().map(|(_, path)| path).collect())
}

/// Checks up front that `dir` exists (or can be made) and takes files, so a long run never ends
/// with nowhere to write.
pub fn check_writable(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
    let probe = dir.join(".workbook-write-probe.tmp");
    fs::write(&probe, b"probe")
        .map_err(|e| format!("cannot write to output directory {}: {e}", dir.display()))?;
    let _ = fs::remove_file(probe);
    Ok(())
}

/// A markdown table from a header row and body rows.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out += &format!("|{}\n", " --- |".repeat(header.len()));
    for row in rows {
        out += &format!("| {} |\n", row.join(" | "));
    }
    out
}

/// The most columns a table in the book has, its rows' names included: more would not fit the
/// content column at 1,280 px.
pub const MOST_COLUMNS: usize = 7;

/// A table with its caption on the line above (`Table: …`). A table of more than
/// [`MOST_COLUMNS`] columns is written as several, each with the first column (the rows' names)
/// and as many of the others as fit, the caption of each after the first saying it continues.
pub fn captioned_table(caption: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let others: Vec<usize> = (1..header.len()).collect();
    let parts: Vec<&[usize]> = others.chunks(MOST_COLUMNS - 1).collect();
    let mut out = String::new();
    for (n, part) in parts.iter().enumerate() {
        let columns: Vec<usize> = std::iter::once(0).chain(part.iter().copied()).collect();
        let pick = |row: &[String]| -> Vec<String> {
            let cell = |&i: &usize| row.get(i).cloned().unwrap_or_default();
            columns.iter().map(cell).collect()
        };
        let head: Vec<&str> = columns.iter().map(|&i| header[i]).collect();
        let body: Vec<Vec<String>> = rows.iter().map(|r| pick(r)).collect();
        if n > 0 {
            out.push('\n');
        }
        let continued = if n > 0 { " (continued)" } else { "" };
        out += &format!("Table: {}{continued}\n\n", capitalized(caption));
        out += &markdown_table(&head, &body);
    }
    out
}

/// `text` with its first letter upper-case: a caption is a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_markdown() {
        let table = markdown_table(&["a", "b"], &[vec!["1".into(), "2".into()]]);
        assert_eq!(table, "| a | b |\n| --- | --- |\n| 1 | 2 |\n");
    }

    #[test]
    fn a_captioned_table_too_wide_is_split_each_part_captioned() {
        let header: Vec<String> = (0..10).map(|i| format!("h{i}")).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let row: Vec<String> = (0..10).map(|i| format!("v{i}")).collect();
        let out = captioned_table("what", &header, &[row]);
        assert!(out.starts_with("Table: What\n\n| h0 | h1 |"), "{out}");
        assert!(
            out.contains("\nTable: What (continued)\n\n| h0 | h7 | h8 | h9 |"),
            "{out}"
        );
        assert!(out.contains("| v0 | v7 | v8 | v9 |"), "{out}");
        for line in out.lines().filter(|l| l.starts_with('|')) {
            assert!(line.matches(" | ").count() < MOST_COLUMNS, "{line}");
        }
        let narrow = captioned_table("small", &["a", "b"], &[vec!["1".into(), "2".into()]]);
        assert_eq!(
            narrow,
            "Table: Small\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
        );
    }
}
