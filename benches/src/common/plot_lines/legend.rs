//! The legend: a sample of each line as the charts draw it (colour, dash, marker) beside its
//! label, in as many columns as fit the figure's width.

use plotters::prelude::*;

use super::chart::{Area, Series, to_text};
use super::style::*;

/// A sample 30 px wide, a gap, the label, then a space before the next entry.
fn entry_width(series: &Series) -> i32 {
    56 + (series.label.chars().count() as f64 * CHAR_PX) as i32
}

/// Markers on the measured points of a sweep; a timeline of hundreds of ticks is a line.
pub(super) fn has_markers(series: &Series) -> bool {
    !series.joined || series.points.len() <= 60
}

/// The legend's entries by row, each `(series index, x offset)`: in as many columns as fit
/// `width` pixels, each as wide as its widest entry.
pub(super) fn legend_rows(series: &[Series], width: u32) -> Vec<Vec<(usize, i32)>> {
    let widths: Vec<i32> = series.iter().map(entry_width).collect();
    let room = width as i32 - 24;
    let column_widths = |columns: usize| -> Vec<i32> {
        (0..columns)
            .map(|c| {
                widths
                    .iter()
                    .skip(c)
                    .step_by(columns)
                    .copied()
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let columns = (1..=series.len().max(1))
        .rev()
        .find(|&c| column_widths(c).iter().sum::<i32>() <= room)
        .unwrap_or(1);
    let starts: Vec<i32> = column_widths(columns)
        .iter()
        .scan(12, |x, w| Some(std::mem::replace(x, *x + w)))
        .collect();
    (0..series.len())
        .collect::<Vec<_>>()
        .chunks(columns)
        .map(|row| row.iter().zip(&starts).map(|(&i, &x)| (i, x)).collect())
        .collect()
}

/// The height of the legend of `series` at `width` pixels.
pub(super) fn legend_height(series: &[Series], width: u32) -> u32 {
    legend_rows(series, width).len() as u32 * LEGEND_ROW + 12
}

/// The legend, centred: a sample of each line as the charts draw it, and its label.
pub(super) fn draw_legend(series: &[Series], area: &Area<'_>) -> Result<(), String> {
    let width = area.dim_in_pixel().0;
    let rows = legend_rows(series, width);
    // The block of entries centred, its columns kept.
    let right =
        |row: &Vec<(usize, i32)>| row.last().map_or(0, |&(i, x)| x + entry_width(&series[i]));
    let used = rows.iter().map(right).max().unwrap_or(0) - 12 - 18;
    let shift = (width as i32 - used) / 2 - 12;
    for (row, entries) in rows.iter().enumerate() {
        let y = row as i32 * LEGEND_ROW as i32 + 14;
        for &(i, x) in entries {
            let (s, x) = (&series[i], x + shift);
            if s.joined {
                area.draw(&PathElement::new(vec![(x, y), (x + 30, y)], line_style(i)))
                    .map_err(to_text)?;
            }
            if has_markers(s) {
                area.draw(&marker_at(i, (x + 15, y), !s.joined))
                    .map_err(to_text)?;
            }
            let style = (FONT, TEXT).into_font().color(&BLACK);
            area.draw(&Text::new(s.label.clone(), (x + 38, y - 8), style))
                .map_err(to_text)?;
        }
    }
    Ok(())
}
