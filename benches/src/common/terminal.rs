//! What the reproduction prints fits a terminal of [`WIDTH`] columns: tables are aligned and their
//! widest cells abbreviated, prose is wrapped. The full figures are in the JSON and the markdown
//! table written beside them, so nothing is lost by abbreviating here.

/// The widest line the workbook prints.
pub const WIDTH: usize = 100;

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

/// Aligns a table's columns and shortens its widest cells (with `…`) until a row fits `width`; a
/// table too wide even then is printed in parts, each with the first column (the row's name).
fn fit_table(rows: &[Vec<String>], width: usize) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let narrow = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(1, |c| c.chars().count().clamp(1, MIN)))
            .max()
            .unwrap_or(1)
    };
    // Split the columns into parts whose narrowest possible rendering fits.
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part = vec![0];
    let mut used = narrow(0) + 4;
    for i in 1..columns {
        if used + narrow(i) + 3 > width && part.len() > 1 {
            parts.push(std::mem::replace(&mut part, vec![0]));
            used = narrow(0) + 4;
        }
        part.push(i);
        used += narrow(i) + 3;
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
        lines.extend(fit_columns(&picked, width));
    }
    lines
}

/// The shortest a shortened column gets.
const MIN: usize = 14;

/// Aligns a table's columns and shortens its widest cells (with `…`) until a row fits `width`.
fn fit_columns(rows: &[Vec<String>], width: usize) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let len = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter(|r| !is_rule(r))
                .filter_map(|r| r.get(i))
                .map(|c| len(c))
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    // Each column costs its width plus " | " between columns and "| " … " |" around.
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * w.len() + 1;
    // The first column names the row: shorten the others first, down to a readable minimum.
    while total(&widths) > width {
        let shortenable = |first: bool| {
            widths
                .iter()
                .copied()
                .enumerate()
                .filter(|&(i, w)| (i > 0 || first) && w > MIN)
                .max_by_key(|&(_, w)| w)
        };
        match shortenable(false).or_else(|| shortenable(true)) {
            Some((widest, w)) => widths[widest] = w - 1,
            None => break, // nothing sensible left to shorten
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = (0..columns)
                .map(|i| {
                    let cell = row.get(i).map_or("", String::as_str);
                    if is_rule(row) {
                        "-".repeat(widths[i])
                    } else {
                        let cell = if len(cell) > widths[i] {
                            let kept: String = cell.chars().take(widths[i] - 1).collect();
                            format!("{kept}…")
                        } else {
                            cell.to_owned()
                        };
                        format!("{cell:<w$}", w = widths[i])
                    }
                })
                .collect();
            format!("| {} |", cells.join(" | "))
        })
        .collect()
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
    fn a_wide_table_is_abbreviated_to_fit() {
        let long = "x".repeat(150);
        let table = format!("| strategy | figure |\n| --- | --- |\n| {long} | 12 ms |\n");
        let fitted = fit(&table, 60);
        assert!(fitted.lines().all(|l| l.chars().count() <= 60), "{fitted}");
        assert!(fitted.contains('…'));
        assert!(fitted.contains("12 ms"));
    }

    #[test]
    fn a_table_too_wide_to_shorten_is_split_with_its_row_names() {
        let header: Vec<String> = (0..12).map(|i| format!("column number {i}")).collect();
        let row: Vec<String> = (0..12).map(|i| format!("value {i} of the row")).collect();
        let table = format!(
            "| {} |\n|{}\n| {} |\n",
            header.join(" | "),
            " --- |".repeat(12),
            row.join(" | ")
        );
        let fitted = fit(&table, 100);
        assert!(fitted.lines().all(|l| l.chars().count() <= 100), "{fitted}");
        assert!(
            fitted.matches("value 0 of the row").count() >= 2,
            "{fitted}"
        );
        assert!(fitted.contains("value 11"), "{fitted}");
    }

    #[test]
    fn prose_is_wrapped_at_words() {
        let line = "word ".repeat(50);
        let wrapped = wrap(line.trim(), 40);
        assert!(wrapped.len() > 1);
        assert!(wrapped.iter().all(|l| l.chars().count() <= 40));
    }
}
