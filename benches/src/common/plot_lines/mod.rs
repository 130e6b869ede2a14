//! Line charts for the book: figures against a size or over time, naive beside the fix.
//!
//! Sweeps (publish time against member count) span orders of magnitude, timelines (goodput over a
//! two-minute stampede) do not, so each axis can be linear or logarithmic. A logarithmic axis is
//! drawn by plotting `log10(value)` on a linear axis: simple, and the same code draws every
//! combination. Either way an axis ends at a round number (1, 2 or 5 times a power of ten) just
//! past the data, and its ends are labelled, so the eye reads how far the data reaches.
//!
//! Every chart is drawn as wide as the book's column and no wider, with text of 12 px, so the
//! page shows it as drawn; charts go one under the other, never side by side. The legend sits
//! outside the charts, never on the data (one legend for the figure when every chart shows the
//! same lines), and each line's name is also written at its end where it fits. Each line has its
//! own dash and marker as well as its colour, so lines that coincide (three Manifold variants
//! sending the same bytes) all show; a value of zero on a log axis sits on a tick labelled 0, a
//! decade under the smallest value; a chart can shade a stretch of x (the outage, a cliff) and
//! name it.
//!
//! A new figure of a bottleneck builds [`LineChart`]s, with [`sweep`] for a figure against a
//! parameter or [`timeline`] for one over virtual time, and draws them with [`line_charts`].

use plotters::prelude::*;

mod chart;
mod draw;
mod legend;
mod style;
mod ticks;

use crate::common::units::count;
use chart::to_text;
pub use chart::{Axis, Band, LineChart, Series};
use draw::draw;
use legend::{draw_legend, legend_height};
use style::*;
pub(crate) use style::{CHAR_PX, COLUMN_WIDTH, FONT, LEGEND_ROW, TEXT, TITLE};
pub(crate) use ticks::{Ticks, X_GAP};
#[cfg(test)]
use ticks::{Y_GAP, round_125};

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

/// A sweep's chart: a figure against a parameter (publish time against members, the share served
/// against a cost), one line per thing compared.
pub fn sweep(title: impl Into<String>, x: Axis, y: Axis, series: Vec<Series>) -> LineChart {
    LineChart {
        title: title.into(),
        x,
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

/// Draws `charts` one under the other into an SVG document as wide as the book's column
/// ([`COLUMN_WIDTH`]), so the page never shrinks their text. Charts that all show the same lines
/// share one legend, above them; otherwise each chart has its legend under it.
pub fn line_charts(charts: &[LineChart]) -> Result<String, String> {
    let labels = |c: &LineChart| c.series.iter().map(|s| s.label.clone()).collect::<Vec<_>>();
    let shared = charts.len() > 1 && charts.windows(2).all(|w| labels(&w[0]) == labels(&w[1]));
    let width = COLUMN_WIDTH;
    // Each block of the figure, top to bottom: a legend (of these series) or a chart.
    let mut blocks: Vec<(u32, Block<'_>)> = Vec::new();
    for (n, chart) in charts.iter().enumerate() {
        if shared && n == 0 {
            let series = &chart.series;
            blocks.push((legend_height(series, width), Block::Legend(series)));
        }
        blocks.push((CHART_HEIGHT, Block::Chart(chart)));
        if !shared {
            let series = &chart.series;
            blocks.push((legend_height(series, width), Block::Legend(series)));
        }
    }
    let height = blocks.iter().map(|(h, _)| h).sum::<u32>().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        let mut rest = root;
        for (h, block) in &blocks {
            let (area, below) = rest.split_vertically(*h);
            match block {
                Block::Legend(series) => draw_legend(series, &area)?,
                Block::Chart(chart) => draw(chart, &area)?,
            }
            rest = below;
        }
        rest.present().map_err(to_text)?;
    }
    Ok(add_dashes(&svg))
}

/// A part of a figure of line charts.
enum Block<'a> {
    Legend(&'a [Series]),
    Chart(&'a LineChart),
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
        // Names at the ends of lines are anchored at their end; the legend's are not.
        let texts: Vec<&str> = svg.split("<text").skip(1).collect();
        let named = |anchored: bool| {
            let naive = texts.iter().filter(|t| t.contains(">\nnaive\n<"));
            naive
                .filter(|t| t.contains("text-anchor=\"end\"") == anchored)
                .count()
        };
        assert_eq!(named(false), 1, "one shared legend");
        assert!(named(true) >= 1, "no line named at its end");
        assert_text_fits_the_column(&svg);
    }

    /// The figure is no wider than the book's column, and its smallest text is 12 px.
    fn assert_text_fits_the_column(svg: &str) {
        assert!(svg.starts_with(&format!("<svg width=\"{COLUMN_WIDTH}\"")));
        let sizes = svg.split("font-size=\"").skip(1).map(|rest| {
            let size = &rest[..rest.find('"').unwrap()];
            size.parse::<f64>().unwrap()
        });
        let smallest = sizes.fold(f64::MAX, f64::min);
        assert!((12.0..100.0).contains(&smallest), "text of {smallest} px");
    }
}
