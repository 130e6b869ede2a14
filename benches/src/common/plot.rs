//! Plots for the book: horizontal bars on a log scale, measured figures beside the blog's.
//!
//! The figures span six orders of magnitude (a Rust channel push is tens of nanoseconds; the
//! blog's publish is seconds), so every axis here is logarithmic. Blog figures are drawn as the
//! range the post gives, in their own colour, so the eye separates "measured here" from "quoted".

use plotters::prelude::*;

/// One bar: a measured value, or a range quoted from the blog.
#[derive(Clone, Debug)]
pub struct Bar {
    /// What it is.
    pub label: String,
    /// The lower end (equal to `high` for a measured value).
    pub low: f64,
    /// The value, or the upper end of a quoted range.
    pub high: f64,
    /// Quoted from the blog rather than measured here.
    pub from_blog: bool,
}

impl Bar {
    /// A value measured on this machine.
    pub fn measured(label: impl Into<String>, value: f64) -> Self {
        Bar {
            label: label.into(),
            low: value,
            high: value,
            from_blog: false,
        }
    }

    /// A range quoted from the blog; `low == high` for a single figure.
    pub fn blog(label: impl Into<String>, low: f64, high: f64) -> Self {
        Bar {
            label: label.into(),
            low,
            high,
            from_blog: true,
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

const MEASURED: RGBColor = RGBColor(96, 150, 210);
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
            draw_panel(panel, area)?;
        }
        root.present().map_err(to_text)?;
    }
    Ok(svg)
}

fn draw_panel(
    panel: &Panel,
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
) -> Result<(), String> {
    let values = panel.bars.iter().flat_map(|b| [b.low, b.high]);
    let (min, max) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Decades around the data, with room on the right for the value labels.
    let x_min = 10f64.powf((min.max(1e-3) / 3.0).log10().floor());
    let x_max = 10f64.powf((max * 40.0).log10().ceil());
    let n = panel.bars.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 17))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(42)
        .y_label_area_size(8)
        .build_cartesian_2d((x_min..x_max).log_scale(), -0.6..(n - 0.4))
        .map_err(to_text)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(panel.axis.as_str())
        .x_label_formatter(&|x| (panel.tick)(*x))
        .draw()
        .map_err(to_text)?;
    for (row, bar) in panel.bars.iter().enumerate() {
        // Top to bottom: the first bar has the highest y.
        let y = n - 1.0 - row as f64;
        // A quoted range spans low to high; a single quoted figure is drawn as a whole bar.
        let (start, color) = if bar.from_blog && bar.low < bar.high {
            (bar.low, QUOTED)
        } else if bar.from_blog {
            (x_min, QUOTED)
        } else {
            (x_min, MEASURED)
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(start, y - 0.2), (bar.high, y + 0.2)],
                color.filled(),
            )))
            .map_err(to_text)?;
        let value = if bar.from_blog && bar.low == bar.high {
            format!("{} (blog)", (panel.format)(bar.high))
        } else if bar.from_blog {
            format!(
                "{}–{} (blog)",
                (panel.format)(bar.low),
                (panel.format)(bar.high)
            )
        } else {
            (panel.format)(bar.high)
        };
        let label = format!("{}: {value}", bar.label);
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (x_min * 1.15, y + 0.5),
                ("sans-serif", 13),
            )))
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
