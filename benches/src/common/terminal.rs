//! What the workbook prints fits the terminal: its width on a terminal, `COLUMNS` when set, [`WIDTH`]
//! otherwise (a log, a pipe, CI). Tables are aligned; a table too wide is printed in parts or as
//! one block per row, never with a cell cut short; prose is wrapped at words. The same figures are
//! in the markdown table and the JSON written beside them.

use std::io::IsTerminal;

/// The width the workbook prints at off a terminal, when `COLUMNS` is not set.
pub const WIDTH: usize = 100;

/// The width to print at: `COLUMNS` when set to a number, the terminal's width when stdout is one,
/// [`WIDTH`] otherwise; never under 40, so a table stays a table.
pub fn width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok());
    let terminal = || {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        console::Term::stdout()
            .size_checked()
            .map(|(_, cols)| usize::from(cols))
    };
    columns.or_else(terminal).unwrap_or(WIDTH).max(40)
}

/// `markdown` (tables and prose, as a scenario renders them) made to fit `width` columns.
pub fn fit(markdown: &str, width: usize) -> String {
    let mut out = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with('|') {
            table.push(cells(line));
            continue;
        }
        if !table.is_empty() {
            out.extend(fit_table(&std::mem::take(&mut table), width));
        }
        out.extend(wrap(line, width));
    }
    if !table.is_empty() {
        out.extend(fit_table(&table, width));
    }
    out.join("\n")
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

fn is_rule(row: &[String]) -> bool {
    row.iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
}

/// Aligns a table's columns when it fits `width`. A table that does not is printed in parts, each
/// with the first column (the row's name) and as many whole columns as fit; a column too wide even
/// beside the row's name alone turns the table into one block per row, `header: value` lines
/// wrapped at the width. No cell is ever cut.
fn fit_table(rows: &[Vec<String>], width: usize) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths = natural_widths(rows, columns);
    if total(&widths) <= width {
        return aligned(rows, &widths);
    }
    let name = widths.first().copied().unwrap_or(1);
    if columns < 2 || (1..columns).any(|i| total(&[name, widths[i]]) > width) {
        return blocks(rows, width);
    }
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part = vec![0];
    for i in 1..columns {
        let mut tried: Vec<usize> = part.iter().map(|&c| widths[c]).collect();
        tried.push(widths[i]);
        if total(&tried) > width {
            parts.push(std::mem::replace(&mut part, vec![0]));
        }
        part.push(i);
    }
    parts.push(part);
    let mut lines = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            lines.push(String::new());
        }
        let picked: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                part.iter()
                    .map(|&i| r.get(i).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        let picked_widths: Vec<usize> = part.iter().map(|&i| widths[i]).collect();
        lines.extend(aligned(&picked, &picked_widths));
    }
    lines
}

/// The widest cell of each column (rules aside), at least 1.
fn natural_widths(rows: &[Vec<String>], columns: usize) -> Vec<usize> {
    (0..columns)
        .map(|i| {
            rows.iter()
                .filter(|r| !is_rule(r))
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect()
}

/// A row's width with these column widths: each column plus " | " between and "| " … " |" around.
fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + 3 * widths.len() + 1
}

fn aligned(rows: &[Vec<String>], widths: &[usize]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    if is_rule(row) {
                        "-".repeat(w)
                    } else {
                        format!("{:<w$}", row.get(i).map_or("", String::as_str))
                    }
                })
                .collect();
            format!("| {} |", cells.join(" | "))
        })
        .collect()
}

/// One block per body row: its name, then `header: value` for every other column, wrapped.
fn blocks(rows: &[Vec<String>], width: usize) -> Vec<String> {
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for row in rows.iter().skip(1).filter(|r| !is_rule(r)) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(wrap(row.first().map_or("", String::as_str), width));
        for (i, value) in row.iter().enumerate().skip(1) {
            let name = header.get(i).map_or("", String::as_str);
            lines.extend(wrap(&format!("  {name}: {value}"), width));
        }
    }
    lines
}

/// Wraps one line of prose at word boundaries; an indented continuation keeps the indent.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_owned()];
    }
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        let candidate = if current.is_empty() {
            format!("{indent}{word}")
        } else {
            format!("{current} {word}")
        };
        if candidate.chars().count() > width && !current.is_empty() {
            lines.push(current);
            current = format!("{indent}    {word}");
        } else {
            current = candidate;
        }
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_that_fits_is_aligned_whole() {
        let fitted = fit("| a | bb |\n| --- | --- |\n| ccc | d |\n", 60);
        assert_eq!(fitted, "| a   | bb |\n| --- | -- |\n| ccc | d  |");
    }

    #[test]
    fn a_wide_cell_is_never_cut_but_blocked() {
        let long = "x".repeat(150);
        let table = format!("| strategy | figure |\n| --- | --- |\n| {long} | 12 ms |\n");
        let fitted = fit(&table, 60);
        assert!(!fitted.contains('…'), "{fitted}");
        assert!(fitted.contains("  figure: 12 ms"), "{fitted}");
        assert_eq!(fitted.matches('x').count(), 150, "{fitted}");
    }

    #[test]
    fn a_table_too_wide_is_split_with_its_row_names() {
        let header: Vec<String> = (0..12).map(|i| format!("column number {i}")).collect();
        let row: Vec<String> = (0..12).map(|i| format!("value {i} of the row")).collect();
        let table = format!(
            "| {} |\n|{}\n| {} |\n",
            header.join(" | "),
            " --- |".repeat(12),
            row.join(" | ")
        );
        for width in [100, 160] {
            let fitted = fit(&table, width);
            assert!(
                fitted.lines().all(|l| l.chars().count() <= width),
                "{fitted}"
            );
            assert!(!fitted.contains('…'), "{fitted}");
            assert!(
                fitted.matches("value 0 of the row").count() >= 2,
                "{fitted}"
            );
            for i in 0..12 {
                assert!(
                    fitted.contains(&format!("value {i} of the row")),
                    "{fitted}"
                );
            }
        }
    }

    #[test]
    fn prose_is_wrapped_at_words() {
        let line = "word ".repeat(50);
        let wrapped = wrap(line.trim(), 40);
        assert!(wrapped.len() > 1);
        assert!(wrapped.iter().all(|l| l.chars().count() <= 40));
    }
}
