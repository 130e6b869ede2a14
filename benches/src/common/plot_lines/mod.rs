//! Line charts for the book: figures against a size or over time, naive beside the fix.
//!
//! Sweeps (publish time against member count) span orders of magnitude, timelines (goodput over a
//! two-minute stampede) do not, so each axis can be linear or logarithmic. A logarithmic axis is
//! drawn by plotting `log10(value)` on a linear axis: simple, and the same code draws every
//! combination. Either way an axis ends at a round number (1, 2 or 5 times a power of ten) just
//! past the data, and its ends are labelled, so the eye reads how far the data reaches.
//!
//! What the review of the first plots asked for shapes the rest: the legend sits under the
//! charts, never on the data (one legend for the figure when every chart shows the same lines);
//! each line has its own dash and marker as well as its colour, so lines that coincide (three
//! Manifold variants sending the same bytes) all show; a value of zero on a log axis sits on a
//! tick labelled 0, a decade under the smallest value; a chart can shade a stretch of time (the
//! outage) and name it.

use plotters::coord::Shift;
use plotters::prelude::*;

mod style;
mod ticks;

use crate::common::units::count;
use style::*;
use ticks::Y_GAP;
#[cfg(test)]
use ticks::round_125;
pub(crate) use ticks::{Ticks, X_GAP};

/// One line (or a few marked points): a label and its points `(x, y)`.
#[derive(Clone, Debug)]
pub struct Series {
    /// What the line is ("naive", "Manifold").
    pub label: String,
    /// Its points, in x order.
    pub points: Vec<(f64, f64)>,
    /// Joined by a line; `false` marks the points alone (a figure measured elsewhere).
    pub joined: bool,
}

impl Series {
    /// Points joined by a line.
    pub fn line(label: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            label: label.into(),
            points,
            joined: true,
        }
    }

    /// Points marked alone, not joined.
    pub fn points(label: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            joined: false,
            ..Series::line(label, points)
        }
    }
}

/// One axis: its description, scale and how a value is written.
#[derive(Clone, Copy, Debug)]
pub struct Axis {
    /// The description, unit included.
    pub label: &'static str,
    /// Logarithmic (values at or below zero sit on a tick labelled 0) or linear.
    pub log: bool,
    /// How a value is written at a tick.
    pub format: fn(f64) -> String,
    /// Where the axis ends when the quantity has a natural end (100 %); else past the data.
    pub max: Option<f64>,
}

impl Axis {
    /// A linear axis.
    pub const fn linear(label: &'static str, format: fn(f64) -> String) -> Axis {
        Axis {
            label,
            log: false,
            format,
            max: None,
        }
    }

    /// A logarithmic axis.
    pub const fn log(label: &'static str, format: fn(f64) -> String) -> Axis {
        Axis {
            log: true,
            ..Axis::linear(label, format)
        }
    }

    /// The same axis, ending at `max`.
    pub const fn up_to(self, max: f64) -> Axis {
        Axis {
            max: Some(max),
            ..self
        }
    }
}

/// A stretch of the x axis shaded and named ("registries down").
#[derive(Clone, Debug)]
pub struct Band {
    /// Where it starts and ends, in x units.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
    /// What happened then, written at its top.
    pub label: String,
}

/// A chart of lines sharing two axes.
#[derive(Clone, Debug)]
pub struct LineChart {
    /// The chart's title.
    pub title: String,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// The lines, each styled by its place: the same place is the same line in every chart.
    pub series: Vec<Series>,
    /// A stretch of x to shade, if any.
    pub band: Option<Band>,
}

// ---- timelines: the shared shape of the stampede's, the outage's and the reconnect's charts ----

fn whole(value: f64) -> String {
    format!("{value:.0}")
}

/// A timeline's chart: virtual seconds across, `y` up.
pub fn timeline(title: String, y: Axis, series: Vec<Series>) -> LineChart {
    LineChart {
        title,
        x: Axis::linear("virtual time (s)", whole),
        y,
        series,
        band: None,
    }
}

/// A log axis of counts (a queue spans decades and is often empty: zero gets a tick of its own).
pub const fn log_counts(label: &'static str) -> Axis {
    Axis::log(label, count)
}

/// One line per run, `pick` of each tick of its timeline against its time `at`.
pub fn timelines<T>(
    runs: &[(String, &[T])],
    at: fn(&T) -> f64,
    pick: impl Fn(&T) -> f64,
) -> Vec<Series> {
    runs.iter()
        .map(|(label, ticks)| {
            Series::line(
                label.clone(),
                ticks.iter().map(|t| (at(t), pick(t))).collect(),
            )
        })
        .collect()
}

// ---- drawing ----

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws `charts` side by side into an SVG document, the legend under them. Four charts that
/// share their lines go two by two, so that the book does not shrink their text to nothing.
pub fn line_charts(charts: &[LineChart]) -> Result<String, String> {
    let n = charts.len().max(1) as u32;
    let labels = |c: &LineChart| c.series.iter().map(|s| s.label.clone()).collect::<Vec<_>>();
    // One legend for the figure when every chart shows the same lines.
    let shared = n > 1 && charts.windows(2).all(|w| labels(&w[0]) == labels(&w[1]));
    let (grid_rows, columns) = if shared && n == 4 { (2, 2) } else { (1, n) };
    let rows = if shared {
        legend_rows(&charts[0].series, CHART_WIDTH * columns).len()
    } else {
        charts
            .iter()
            .map(|c| legend_rows(&c.series, CHART_WIDTH).len())
            .max()
            .unwrap_or(0)
    } as u32;
    let legend_height = rows * LEGEND_ROW + 10;
    let mut svg = String::new();
    {
        let size = (
            CHART_WIDTH * columns,
            CHART_HEIGHT * grid_rows + legend_height,
        );
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        let (plots, legends) = root.split_vertically(CHART_HEIGHT * grid_rows);
        let cells = plots.split_evenly((grid_rows as usize, columns as usize));
        for (chart, area) in charts.iter().zip(cells) {
            draw(chart, &area)?;
        }
        if shared {
            draw_legend(&charts[0].series, &legends)?;
        } else {
            for (chart, area) in charts.iter().zip(legends.split_evenly((1, n as usize))) {
                draw_legend(&chart.series, &area)?;
            }
        }
        root.present().map_err(to_text)?;
    }
    Ok(add_dashes(&svg))
}

/// Gives each line its dash: the polylines drawn at [`LINE_OPACITY`] in a colour of the palette.
fn add_dashes(svg: &str) -> String {
    let mut out = svg.to_owned();
    for (c, dash) in PALETTE.iter().zip(DASHES).filter(|(_, d)| !d.is_empty()) {
        let stroke = format!(
            "opacity=\"{LINE_OPACITY}\" stroke=\"#{:02X}{:02X}{:02X}\"",
            c.0, c.1, c.2
        );
        out = out.replace(&stroke, &format!("{stroke} stroke-dasharray=\"{dash}\""));
    }
    out
}

/// A sample 30 px wide, then the label (about 6.3 px a character at 12 px), then a space.
fn entry_width(series: &Series) -> i32 {
    54 + (series.label.chars().count() as f64 * 6.3) as i32
}

/// Markers on the measured points of a sweep; a timeline of hundreds of ticks is a line.
fn has_markers(series: &Series) -> bool {
    !series.joined || series.points.len() <= 60
}

/// The legend's entries by row, each `(series index, x offset)`: in as many columns as fit
/// `width` pixels, each as wide as its widest entry.
fn legend_rows(series: &[Series], width: u32) -> Vec<Vec<(usize, i32)>> {
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

/// The legend, centred: a sample of each line as the charts draw it, and its label.
fn draw_legend(series: &[Series], area: &Area<'_>) -> Result<(), String> {
    let width = area.dim_in_pixel().0;
    let rows = legend_rows(series, width);
    // The block of entries centred, its columns kept.
    let right =
        |row: &Vec<(usize, i32)>| row.last().map_or(0, |&(i, x)| x + entry_width(&series[i]));
    let used = rows.iter().map(right).max().unwrap_or(0) - 12 - 18;
    let shift = (width as i32 - used) / 2 - 12;
    for (row, entries) in rows.iter().enumerate() {
        let y = row as i32 * LEGEND_ROW as i32 + 10;
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
            let style = (FONT, 12).into_font().color(&BLACK);
            area.draw(&Text::new(s.label.clone(), (x + 36, y - 7), style))
                .map_err(to_text)?;
        }
    }
    Ok(())
}

fn draw(chart: &LineChart, area: &Area<'_>) -> Result<(), String> {
    let xs = || {
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
    };
    let ys = || {
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
    };
    let x_ticks = if chart.x.log {
        Ticks::log(xs(), 1.0, X_GAP)
    } else {
        Ticks::linear(xs(), chart.x.max, false)
    };
    let y_ticks = if chart.y.log {
        Ticks::log(ys(), 1.1, Y_GAP)
    } else {
        Ticks::linear(ys(), chart.y.max, true)
    };
    let place =
        |&(x, y): &(f64, f64)| (x_ticks.place(chart.x.log, x), y_ticks.place(chart.y.log, y));
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, (FONT, 17))
        .margin(12)
        .margin_right(30)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x_ticks.clone(), y_ticks.clone())
        .map_err(to_text)?;
    let x_label = |v: &f64| x_ticks.label(chart.x.log, *v, chart.x.format);
    let y_label = |v: &f64| y_ticks.label(chart.y.log, *v, chart.y.format);
    plot.configure_mesh()
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(chart.x.label)
        .y_desc(chart.y.label)
        .draw()
        .map_err(to_text)?;
    if let Some(band) = &chart.band {
        let (top, bottom) = (y_ticks.range.end, y_ticks.range.start);
        plot.draw_series(std::iter::once(Rectangle::new(
            [(band.from, bottom), (band.to, top)],
            RGBColor(200, 200, 200).mix(0.35).filled(),
        )))
        .map_err(to_text)?;
        let text = Text::new(band.label.clone(), (5, 5), (FONT, 12).into_font());
        plot.draw_series(std::iter::once(EmptyElement::at((band.from, top)) + text))
            .map_err(to_text)?;
    }
    for (i, series) in chart.series.iter().enumerate() {
        let line: Vec<(f64, f64)> = series.points.iter().map(place).collect();
        if series.joined {
            plot.draw_series(LineSeries::new(line.clone(), line_style(i)))
                .map_err(to_text)?;
        }
        if has_markers(series) {
            plot.draw_series(line.iter().map(|&p| marker_at(i, p, !series.joined)))
                .map_err(to_text)?;
        }
        if chart.series.len() == 1 && line.len() <= 12 {
            // A lone short sweep gets its values written in: a log axis labels only decades.
            let values = series.points.iter().zip(&line).map(|(&(_, value), &at)| {
                EmptyElement::at(at) + Text::new((chart.y.format)(value), (6, -18), (FONT, 12))
            });
            plot.draw_series(values).map_err(to_text)?;
        }
    }
    Ok(())
}

fn to_text(error: impl std::fmt::Display) -> String {
    format!("could not draw the plot: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_at_round_numbers_past_the_data() {
        assert_eq!(round_125(30_000.0, false), 50_000.0);
        assert_eq!(round_125(25.0, true), 20.0);
        assert_eq!(round_125(1_000.0, false), 1_000.0);
        let log = Ticks::log([25.0, 30_000.0].into_iter(), 1.0, X_GAP);
        assert!((log.range.end - 50_000f64.log10()).abs() < 1e-9);
        let labels: Vec<String> = log.key.iter().map(|&k| log.label(true, k, count)).collect();
        assert_eq!(labels, ["20", "100", "1,000", "10,000", "50,000"]);
        let zero = Ticks::log([0.0, 3.0, 900.0].into_iter(), 1.1, Y_GAP);
        let labels: Vec<String> = zero
            .key
            .iter()
            .map(|&k| zero.label(true, k, count))
            .collect();
        assert_eq!(labels, ["0", "1", "10", "100", "1,000"]);
        let linear = Ticks::linear([0.0, 10_000.0].into_iter(), None, true);
        assert_eq!(linear.range, 0.0..12_000.0);
        assert_eq!(
            Ticks::linear([3.0, 120.0].into_iter(), None, false).range,
            0.0..120.0
        );
    }

    #[test]
    fn draws_log_and_linear_charts() {
        let series = vec![
            Series::line("naive", vec![(25.0, 2e3), (1e3, 1e5), (3e4, 3e6)]),
            Series::line("fix", vec![(25.0, 1e3), (1e3, 2e3), (3e4, 5e3)]),
        ];
        let svg = line_charts(&[
            LineChart {
                title: "log-log".into(),
                x: Axis::log("members", count),
                y: Axis::log("ns", count),
                series: series.clone(),
                band: None,
            },
            LineChart {
                title: "linear".into(),
                x: Axis::linear("s", count),
                y: Axis::linear("calls/s", count),
                series,
                band: Some(Band {
                    from: 100.0,
                    to: 200.0,
                    label: "down".into(),
                }),
            },
        ])
        .unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("naive"),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("10,000"), "no power-of-ten tick label");
        assert!(
            svg.contains("stroke-dasharray=\"9 4\""),
            "the second line is not dashed"
        );
        assert_eq!(svg.matches(">\nnaive\n<").count(), 1, "one shared legend");
    }
}
