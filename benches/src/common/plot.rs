//! Plots for the book: horizontal bars on a log scale, measured figures beside the blog's.
//!
//! The figures span six orders of magnitude (a Rust channel push is tens of nanoseconds; the
//! blog's publish is seconds), so every axis here is logarithmic, ending at a round number just
//! past the longest bar (the line charts' [`Ticks`]). Each source has its own colour, so the eye
//! separates "measured here" from "the BEAM measured here" from "quoted": blog figures are drawn
//! as the range the post gives.

use plotters::prelude::*;

use crate::common::plot_lines::{Ticks, X_GAP};

/// Where a bar's figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Measured here, in Rust.
    Here,
    /// Measured here, on the BEAM (`beam/run`).
    BeamHere,
    /// Quoted from the blog.
    Blog,
}

/// One bar: a measured value, or a range quoted from the blog.
#[derive(Clone, Debug)]
pub struct Bar {
    /// What it is.
    pub label: String,
    /// The lower end (equal to `high` for a measured value).
    pub low: f64,
    /// The value, or the upper end of a quoted range.
    pub high: f64,
    /// Where it comes from.
    pub source: Source,
}

impl Bar {
    /// A value measured on this machine.
    pub fn measured(label: impl Into<String>, value: f64) -> Self {
        Bar {
            label: label.into(),
            low: value,
            high: value,
            source: Source::Here,
        }
    }

    /// A value the BEAM side measured on this machine.
    pub fn beam_here(label: impl Into<String>, value: f64) -> Self {
        Bar {
            source: Source::BeamHere,
            ..Bar::measured(label, value)
        }
    }

    /// A range quoted from the blog; `low == high` for a single figure.
    pub fn blog(label: impl Into<String>, low: f64, high: f64) -> Self {
        Bar {
            label: label.into(),
            low,
            high,
            source: Source::Blog,
        }
    }
}

/// A chart of bars sharing one axis.
#[derive(Clone, Debug)]
pub struct Panel {
    /// The chart's title.
    pub title: String,
    /// The axis description, unit included.
    pub axis: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
    /// How a value is written beside its bar.
    pub format: fn(f64) -> String,
    /// How a value is written under a tick (round numbers).
    pub tick: fn(f64) -> String,
}

const HERE: RGBColor = RGBColor(96, 150, 210);
const BEAM_HERE: RGBColor = RGBColor(90, 174, 97);
const QUOTED: RGBColor = RGBColor(235, 150, 80);

/// Draws `panels` side by side into an SVG document.
pub fn bar_panels(panels: &[Panel]) -> Result<String, String> {
    let rows = panels.iter().map(|p| p.bars.len()).max().unwrap_or(1);
    let (width, height) = (560 * panels.len() as u32, 90 + 46 * rows as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        let areas = root.split_evenly((1, panels.len()));
        for (panel, area) in panels.iter().zip(&areas) {
            draw_panel(panel, area, rows)?;
        }
        root.present().map_err(to_text)?;
    }
    Ok(svg)
}

fn draw_panel(
    panel: &Panel,
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    rows: usize,
) -> Result<(), String> {
    // Plotted as log10 of the value; a panel with fewer bars than its neighbour keeps their height.
    // The axis starts well under the shortest bar, so that every bar shows.
    let values = panel.bars.iter().flat_map(|b| [b.low, b.high]);
    let shortest = values.clone().fold(f64::MAX, f64::min);
    let ticks = Ticks::log(values.chain([shortest / 3.0]), 1.0, X_GAP);
    let x_min = ticks.range.start;
    let n = rows as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 17))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(42)
        .y_label_area_size(8)
        .build_cartesian_2d(ticks.clone(), -0.6..(n - 0.4))
        .map_err(to_text)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(215, 215, 215))
        .x_desc(panel.axis.as_str())
        .x_label_formatter(&|x| ticks.label(true, *x, panel.tick))
        .draw()
        .map_err(to_text)?;
    for (row, bar) in panel.bars.iter().enumerate() {
        // Top to bottom: the first bar has the highest y.
        let y = n - 1.0 - row as f64;
        let color = match bar.source {
            Source::Here => HERE,
            Source::BeamHere => BEAM_HERE,
            Source::Blog => QUOTED,
        };
        // A quoted range spans low to high; any other bar starts at the axis.
        let quoted_range = bar.source == Source::Blog && bar.low < bar.high;
        let start = if quoted_range { bar.low.log10() } else { x_min };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(start, y - 0.2), (bar.high.log10(), y + 0.2)],
                color.filled(),
            )))
            .map_err(to_text)?;
        let value = match bar.source {
            Source::Blog if quoted_range => format!(
                "{}–{} (blog)",
                (panel.format)(bar.low),
                (panel.format)(bar.high)
            ),
            Source::Blog => format!("{} (blog)", (panel.format)(bar.high)),
            _ => (panel.format)(bar.high),
        };
        // A label with a colon of its own ("Actor: a process owns the ring") takes a comma.
        let separator = if bar.label.contains(':') { ", " } else { ": " };
        let label = format!("{}{separator}{value}", bar.label);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x_min, y + 0.2)) + Text::new(label, (5, -19), ("sans-serif", 13)),
            ))
            .map_err(to_text)?;
    }
    Ok(())
}

/// Puts whole SVG documents one above the other in one: each becomes a nested `<svg>` shifted
/// down by the heights before it.
pub fn stack(documents: &[String]) -> String {
    let size = |doc: &str, attribute: &str| -> u32 {
        let pattern = format!("{attribute}=\"");
        doc.find(&pattern)
            .and_then(|at| {
                let rest = &doc[at + pattern.len()..];
                rest[..rest.find('"')?].parse().ok()
            })
            .unwrap_or(0)
    };
    let (mut width, mut height, mut inner) = (0u32, 0u32, String::new());
    for doc in documents {
        let body = doc.trim_start_matches(|c| c != '<');
        inner += &body.replacen("<svg ", &format!("<svg x=\"0\" y=\"{height}\" "), 1);
        inner.push('\n');
        width = width.max(size(body, "width"));
        height += size(body, "height");
    }
    format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n{inner}</svg>\n"
    )
}

fn to_text(error: impl std::fmt::Display) -> String {
    format!("could not draw the plot: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_shifts_the_second_document_down() {
        let a = "<svg width=\"10\" height=\"5\" xmlns=\"x\"></svg>".to_owned();
        let b = "<svg width=\"7\" height=\"9\" xmlns=\"x\"></svg>".to_owned();
        let both = stack(&[a, b]);
        assert!(
            both.starts_with("<svg width=\"10\" height=\"14\""),
            "{both}"
        );
        assert!(both.contains("<svg x=\"0\" y=\"5\" width=\"7\""), "{both}");
    }
}
