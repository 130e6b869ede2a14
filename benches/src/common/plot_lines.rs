//! Line charts for the book: figures against a size or over time, naive beside the fix.
//!
//! Sweeps (publish time against member count) span orders of magnitude, timelines (goodput over a
//! two-minute stampede) do not, so each axis can be linear or logarithmic. A logarithmic axis is
//! drawn by plotting `log10(value)` on a linear axis and labelling only the powers of ten: simple,
//! and the same code draws every combination.

use plotters::prelude::*;

/// One line: a label and its points `(x, y)`.
#[derive(Clone, Debug)]
pub struct Series {
    /// What the line is ("naive", "manifold").
    pub label: String,
    /// Its points, in x order.
    pub points: Vec<(f64, f64)>,
}

/// One axis: its description, scale and how a value is written.
#[derive(Clone, Copy, Debug)]
pub struct Axis {
    /// The description, unit included.
    pub label: &'static str,
    /// Logarithmic (values must be positive) or linear.
    pub log: bool,
    /// How a value is written at a tick.
    pub format: fn(f64) -> String,
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
    /// The lines.
    pub series: Vec<Series>,
}

/// Colours for the lines, in order: the naive version first, the fixes after.
const PALETTE: [RGBColor; 8] = [
    RGBColor(214, 96, 77),
    RGBColor(67, 147, 195),
    RGBColor(90, 174, 97),
    RGBColor(153, 112, 171),
    RGBColor(224, 160, 40),
    RGBColor(90, 90, 90),
    RGBColor(40, 160, 160),
    RGBColor(200, 110, 170),
];

/// Draws `charts` side by side into an SVG document.
pub fn line_charts(charts: &[LineChart]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let size = (560 * charts.len().max(1) as u32, 420);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        for (chart, area) in charts
            .iter()
            .zip(root.split_evenly((1, charts.len().max(1))))
        {
            draw(chart, &area)?;
        }
        root.present().map_err(to_text)?;
    }
    Ok(svg)
}

fn draw(
    chart: &LineChart,
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
) -> Result<(), String> {
    // On a log axis, values at or below zero (an empty queue) sit on the lowest decade shown:
    // the floor of the smallest positive value.
    let floor = |pick: fn(&(f64, f64)) -> f64| {
        let positive = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(pick))
            .filter(|v| *v > 0.0);
        positive.fold(f64::MAX, f64::min).log10().floor().min(0.0)
    };
    let (x_floor, y_floor) = (floor(|p| p.0), floor(|p| p.1));
    let place = |axis: &Axis, v: f64, floor: f64| match (axis.log, v > 0.0) {
        (false, _) => v,
        (true, true) => v.log10(),
        (true, false) => floor,
    };
    let points: Vec<Vec<(f64, f64)>> = chart
        .series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|&(x, y)| (place(&chart.x, x, x_floor), place(&chart.y, y, y_floor)))
                .collect()
        })
        .collect();
    let all = points.iter().flatten();
    let (x_range, y_range) = (
        span(all.clone().map(|p| p.0), chart.x.log),
        span(all.map(|p| p.1), chart.y.log),
    );
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, ("sans-serif", 17))
        .margin(12)
        .margin_right(24)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range, y_range)
        .map_err(to_text)?;
    let label = |axis: Axis| {
        move |v: &f64| {
            if !axis.log {
                (axis.format)(*v)
            } else if (v - v.round()).abs() < 1e-9 {
                (axis.format)(10f64.powf(v.round()))
            } else {
                String::new() // only powers of ten are labelled on a log axis
            }
        }
    };
    let (x_label, y_label) = (label(chart.x), label(chart.y));
    plot.configure_mesh()
        .x_labels(if chart.x.log { 60 } else { 8 })
        .y_labels(if chart.y.log { 60 } else { 8 })
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(235, 235, 235))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(chart.x.label)
        .y_desc(chart.y.label)
        .draw()
        .map_err(to_text)?;
    for (i, (series, line)) in chart.series.iter().zip(points).enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        plot.draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))
            .map_err(to_text)?
            .label(series.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        if line.len() <= 60 {
            // Dots mark the measured points of a sweep; a timeline of hundreds of ticks is a line.
            plot.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(to_text)?;
        }
        if chart.series.len() == 1 && line.len() <= 12 {
            // A lone short sweep gets its values written in: a log axis labels only decades.
            let values = series.points.iter().zip(&line).map(|(&(_, value), &at)| {
                EmptyElement::at(at)
                    + Text::new((chart.y.format)(value), (6, -18), ("sans-serif", 12))
            });
            plot.draw_series(values).map_err(to_text)?;
        }
    }
    plot.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(to_text)?;
    Ok(())
}

/// The range to show for some values: whole decades on a log axis, a margin on a linear one.
fn span(values: impl Iterator<Item = f64>, log: bool) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return 0.0..1.0; // no points
    }
    if log {
        return lo.floor()..(hi.ceil().max(lo.floor() + 1.0));
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo.min(0.0))..(hi + pad)
}

fn to_text(error: impl std::fmt::Display) -> String {
    format!("could not draw the plot: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(v: f64) -> String {
        format!("{v:.0}")
    }

    #[test]
    fn draws_log_and_linear_charts() {
        let series = vec![
            Series {
                label: "naive".into(),
                points: vec![(25.0, 2e3), (1e3, 1e5), (3e4, 3e6)],
            },
            Series {
                label: "fix".into(),
                points: vec![(25.0, 1e3), (1e3, 2e3), (3e4, 5e3)],
            },
        ];
        let svg = line_charts(&[
            LineChart {
                title: "log-log".into(),
                x: Axis {
                    label: "members",
                    log: true,
                    format: count,
                },
                y: Axis {
                    label: "ns",
                    log: true,
                    format: count,
                },
                series: series.clone(),
            },
            LineChart {
                title: "linear".into(),
                x: Axis {
                    label: "s",
                    log: false,
                    format: count,
                },
                y: Axis {
                    label: "calls/s",
                    log: false,
                    format: count,
                },
                series,
            },
        ])
        .unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("naive"),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("10000"), "no power-of-ten tick label");
    }
}
