//! Dot plots for the book: one figure per row, measured figures beside the blog's, on a log scale.
//!
//! The figures span six orders of magnitude (a Rust channel push is tens of nanoseconds; the
//! blog's publish is seconds), so the axis is logarithmic, ending at a round number just past the
//! largest figure (the line charts' [`Ticks`]). On a log axis a bar's length means nothing, so
//! each figure is a dot on its row, the row named above it with its value. Each source has its own
//! colour and shape, named in the legend above the figure, so the eye separates "measured here"
//! (blue circles) from "the BEAM measured here" (green diamonds) from "quoted" (orange): the
//! blog's figures are drawn as the range the post gives. Panels go one under the other, each as
//! wide as the book's column, so the page shows their text as drawn.

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::element::ComposedElement;

use crate::common::plot_lines::{
    CHAR_PX, COLUMN_WIDTH, FONT, LEGEND_ROW, TEXT, TITLE, Ticks, X_GAP,
};

/// Where a dot's figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Measured here, in Rust.
    Here,
    /// Measured here, on the BEAM (`beam/run`).
    BeamHere,
    /// Quoted from the blog.
    Blog,
}

impl Source {
    const ALL: [Source; 3] = [Source::Here, Source::BeamHere, Source::Blog];

    fn color(self) -> RGBColor {
        match self {
            Source::Here => RGBColor(50, 110, 190),
            Source::BeamHere => RGBColor(50, 150, 70),
            Source::Blog => RGBColor(225, 120, 30),
        }
    }

    /// What the legend calls it.
    fn said(self) -> &'static str {
        match self {
            Source::Here => "measured here (Rust)",
            Source::BeamHere => "the BEAM, measured here",
            Source::Blog => "quoted from the blog (its range)",
        }
    }
}

/// One row: a measured value, or a range quoted from the blog.
#[derive(Clone, Debug)]
pub struct Dot {
    /// What it is.
    pub label: String,
    /// The lower end (equal to `high` for a measured value).
    pub low: f64,
    /// The value, or the upper end of a quoted range.
    pub high: f64,
    /// Where it comes from.
    pub source: Source,
}

impl Dot {
    /// A value measured on this machine.
    pub fn measured(label: impl Into<String>, value: f64) -> Self {
        Dot {
            label: label.into(),
            low: value,
            high: value,
            source: Source::Here,
        }
    }

    /// A value the BEAM side measured on this machine.
    pub fn beam_here(label: impl Into<String>, value: f64) -> Self {
        Dot {
            source: Source::BeamHere,
            ..Dot::measured(label, value)
        }
    }

    /// A range quoted from the blog; `low == high` for a single figure.
    pub fn blog(label: impl Into<String>, low: f64, high: f64) -> Self {
        Dot {
            label: label.into(),
            low,
            high,
            source: Source::Blog,
        }
    }

    /// Its row's name and value: `"one send: 398 ns"`, `"BEAM send/2: 30 µs–70 µs (blog)"`.
    fn text(&self, format: fn(f64) -> String) -> String {
        let value = match self.source {
            Source::Blog if self.low < self.high => {
                format!("{}–{} (blog)", format(self.low), format(self.high))
            }
            Source::Blog => format!("{} (blog)", format(self.high)),
            _ => format(self.high),
        };
        // A label with a colon of its own ("Actor: a process owns the ring") takes a comma.
        let separator = if self.label.contains(':') { ", " } else { ": " };
        format!("{}{separator}{value}", self.label)
    }
}

/// A chart of rows sharing one log axis.
#[derive(Clone, Debug)]
pub struct Panel {
    /// The chart's title.
    pub title: String,
    /// The axis description, unit included.
    pub axis: String,
    /// The rows, top to bottom.
    pub dots: Vec<Dot>,
    /// How a value is written in its row's name.
    pub format: fn(f64) -> String,
    /// How a value is written under a tick (round numbers).
    pub tick: fn(f64) -> String,
}

/// A row's height: its name above, its dot on a faint line.
const ROW: u32 = 42;
/// A panel's height besides its rows: the title above, the axis below.
const FRAME: u32 = 100;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws `panels` one under the other into an SVG document as wide as the book's column, the
/// legend of the sources shown above them.
pub fn dot_plot(panels: &[Panel]) -> Result<String, String> {
    let shown: Vec<Source> = Source::ALL
        .into_iter()
        .filter(|s| panels.iter().flat_map(|p| &p.dots).any(|d| d.source == *s))
        .collect();
    let legend = LEGEND_ROW + 12;
    let heights: Vec<u32> = panels
        .iter()
        .map(|p| FRAME + ROW * p.dots.len().max(1) as u32)
        .collect();
    let height = legend + heights.iter().sum::<u32>();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (COLUMN_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        let (top, mut rest) = root.split_vertically(legend);
        draw_legend(&shown, &top)?;
        for (panel, h) in panels.iter().zip(heights) {
            let (area, below) = rest.split_vertically(h);
            draw_panel(panel, &area)?;
            rest = below;
        }
        root.present().map_err(to_text)?;
    }
    Ok(svg)
}

/// A source's mark at `at`: a circle (here), a diamond (the BEAM here), a triangle (the blog).
fn mark<C, DB: DrawingBackend>(source: Source, at: C) -> Mark<C, DB> {
    let mut outline: Vec<(i32, i32)> = match source {
        Source::Here => (0..16)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::TAU / 16.0;
                (
                    (6.5 * a.cos()).round() as i32,
                    (6.5 * a.sin()).round() as i32,
                )
            })
            .collect(),
        Source::BeamHere => vec![(0, -8), (8, 0), (0, 8), (-8, 0)],
        Source::Blog => vec![(0, -8), (8, 6), (-8, 6)],
    };
    let fill = source.color().filled();
    outline.push(outline[0]);
    EmptyElement::at(at) + Polygon::new(outline.clone(), fill) + PathElement::new(outline, fill)
}

/// A source's mark, as one element: its shape filled, and its outline.
type Mark<C, DB> = ComposedElement<C, DB, Polygon<(i32, i32)>, PathElement<(i32, i32)>>;

/// The legend: each source shown, its mark and what it is, in one centred row.
fn draw_legend(shown: &[Source], area: &Area<'_>) -> Result<(), String> {
    let width = |s: &Source| 36 + (s.said().chars().count() as f64 * CHAR_PX) as i32;
    let used: i32 = shown.iter().map(width).sum();
    let mut x = (COLUMN_WIDTH as i32 - used) / 2;
    let y = 20;
    for source in shown {
        area.draw(&mark(*source, (x + 7, y))).map_err(to_text)?;
        let style = (FONT, TEXT).into_font().color(&BLACK);
        area.draw(&Text::new(source.said(), (x + 20, y - 8), style))
            .map_err(to_text)?;
        x += width(source);
    }
    Ok(())
}

fn draw_panel(panel: &Panel, area: &Area<'_>) -> Result<(), String> {
    // Plotted as log10 of the value, the axis a little under the smallest, so no dot sits on it.
    let values = panel.dots.iter().flat_map(|d| [d.low, d.high]);
    let shortest = values.clone().fold(f64::MAX, f64::min);
    let ticks = Ticks::log(values.chain([shortest / 2.0]), 1.0, X_GAP);
    let x_min = ticks.range.start;
    let n = panel.dots.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT, TITLE))
        .margin(10)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(8)
        .build_cartesian_2d(ticks.clone(), -0.7..(n - 0.1))
        .map_err(to_text)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(215, 215, 215))
        .label_style((FONT, TEXT))
        .axis_desc_style((FONT, TEXT))
        .x_desc(panel.axis.as_str())
        .x_label_formatter(&|x| ticks.label(true, *x, panel.tick))
        .draw()
        .map_err(to_text)?;
    let x_max = ticks.range.end;
    for (row, dot) in panel.dots.iter().enumerate() {
        // Top to bottom: the first row has the highest y.
        let y = n - 1.0 - row as f64 - 0.25;
        if row % 2 == 0 {
            // Every other row shaded, so a name and its dot read as one row.
            let band = [(x_min, y - 0.35), (x_max, y + 0.65)];
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    band,
                    RGBColor(70, 110, 170).mix(0.07).filled(),
                )))
                .map_err(to_text)?;
        }
        let faint = RGBColor(215, 215, 215).stroke_width(1);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x_min, y), (x_max, y)],
                faint,
            )))
            .map_err(to_text)?;
        let color = dot.source.color();
        if dot.low < dot.high {
            // A quoted range: a thick stroke from low to high, a mark at each end.
            let span = vec![(dot.low.log10(), y), (dot.high.log10(), y)];
            chart
                .draw_series(std::iter::once(PathElement::new(
                    span,
                    color.stroke_width(5),
                )))
                .map_err(to_text)?;
            chart
                .draw_series(std::iter::once(mark(dot.source, (dot.low.log10(), y))))
                .map_err(to_text)?;
        }
        chart
            .draw_series(std::iter::once(mark(dot.source, (dot.high.log10(), y))))
            .map_err(to_text)?;
        let name = Text::new(dot.text(panel.format), (4, -24), (FONT, TEXT));
        chart
            .draw_series(std::iter::once(EmptyElement::at((x_min, y)) + name))
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
    use crate::common::units::{human_ns, tick_ns};

    #[test]
    fn a_dot_plot_fits_the_column_and_names_every_source_shown() {
        let panel = Panel {
            title: "One send".into(),
            axis: "time per send (log scale)".into(),
            dots: vec![
                Dot::measured("std mpsc", 20.0),
                Dot::beam_here("BEAM here send/2", 300.0),
                Dot::blog("BEAM send/2", 30e3, 70e3),
            ],
            format: human_ns,
            tick: tick_ns,
        };
        let svg = dot_plot(&[panel.clone(), panel]).unwrap();
        assert!(svg.starts_with(&format!("<svg width=\"{COLUMN_WIDTH}\"")));
        for source in Source::ALL {
            assert_eq!(svg.matches(source.said()).count(), 1, "{}", source.said());
        }
        assert_eq!(svg.matches("std mpsc: 20 ns").count(), 2, "a row per panel");
        assert!(svg.contains("BEAM send/2: 30.0 µs–70.0 µs (blog)"));
        let smallest = svg
            .split("font-size=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].parse::<f64>().unwrap())
            .fold(f64::MAX, f64::min);
        assert!(smallest >= 12.0, "text of {smallest} px");
    }

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
