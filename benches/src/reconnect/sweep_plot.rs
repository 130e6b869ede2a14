//! The sweep's plot: sessions served against the registry cost, one line per combination of
//! fixes, the cliff marked.
//!
//! Drawn for the book's content column: 750 px wide, so the page shows it at its own size, with
//! every text at least 12 px as rendered. (Plotters writes a font of size `s` as `s / 1.24` px,
//! hence the sizes below.) Lines that lie on each other (every combination with the ring process
//! serves nearly nobody) keep apart by their markers, which differ in shape and size.

use plotters::prelude::*;

use crate::reconnect::sweep::{Sweep, short_name};

/// The width of the book's content column, in pixels.
pub const WIDTH: u32 = 750;
const CHART_HEIGHT: u32 = 440;
const LEGEND_ROW: u32 = 24;
const LEGEND_COLUMNS: usize = 2;
/// Rendered at 12.9 px.
const TEXT: u32 = 16;
/// Rendered at 14.5 px.
const TITLE: u32 = 18;
const FONT: &str = "sans-serif";

/// A colour per combination, in `Strategy::ALL`'s order: no fix first, every fix last.
const COLOURS: [RGBColor; 8] = [
    RGBColor(90, 90, 90),
    RGBColor(67, 147, 195),
    RGBColor(224, 160, 40),
    RGBColor(214, 96, 77),
    RGBColor(40, 160, 160),
    RGBColor(153, 112, 171),
    RGBColor(90, 174, 97),
    RGBColor(20, 20, 20),
];

/// The sweep, one line per combination in `Strategy::ALL`'s order, the legend under the chart.
pub fn plot(sweep: &Sweep) -> Result<String, String> {
    let rows = LEGEND_AT.iter().map(|&(_, r)| r + 1).max().unwrap_or(0) as u32;
    let height = CHART_HEIGHT + rows * LEGEND_ROW + 16;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(to_text)?;
        let (chart_area, legend_area) = root.split_vertically(CHART_HEIGHT);
        draw_chart(sweep, &chart_area)?;
        draw_legend(sweep, &legend_area)?;
        root.present().map_err(to_text)?;
    }
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw_chart(sweep: &Sweep, area: &Area<'_>) -> Result<(), String> {
    let x_end = sweep.costs_ns.iter().fold(0.0, |a: f64, &c| a.max(c / 1e3));
    let mut chart = ChartBuilder::on(area)
        .caption(
            "blog profile: sessions served, registry cost swept",
            (FONT, TITLE),
        )
        .margin(12)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_end, 0.0..105.0)
        .map_err(to_text)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_labels(11)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FONT, TEXT))
        .axis_desc_style((FONT, TEXT))
        .x_desc("a registry call or guild join costs (µs; the post gives none)")
        .y_desc("sessions served by 120 s (%)")
        .draw()
        .map_err(to_text)?;
    if let Some(cliff) = sweep.cliff_ns() {
        let x = cliff / 1e3;
        let grey = RGBColor(120, 120, 120);
        chart
            .draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, 105.0)],
                6,
                4,
                grey.stroke_width(2),
            ))
            .map_err(to_text)?;
        let label = format!("cliff: every fix needed at {x:.0} µs");
        // Under the top lines, right of the cliff, where the lines have fallen away.
        let text = Text::new(label, (6, 4), (FONT, TEXT).into_font().color(&grey));
        chart
            .draw_series(std::iter::once(EmptyElement::at((x, 80.0)) + text))
            .map_err(to_text)?;
    }
    for (i, (_, fractions)) in sweep.served.iter().enumerate() {
        let points: Vec<(f64, f64)> = sweep
            .costs_ns
            .iter()
            .zip(fractions)
            .map(|(c, f)| (c / 1e3, f * 100.0))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), COLOURS[i].stroke_width(2)))
            .map_err(to_text)?;
        chart
            .draw_series(points.iter().map(|&p| marker(i, p)))
            .map_err(to_text)?;
    }
    Ok(())
}

/// Combination `i`'s marker at `at`: a circle, filled or hollow, of a size its own, so markers
/// on the same point nest instead of hiding each other.
fn marker<C: Clone>(i: usize, at: C) -> Circle<C, u32> {
    let radius = [9, 3, 7, 5, 8, 4, 6, 3][i % 8];
    let style = match i % 2 {
        0 => COLOURS[i].stroke_width(2),
        _ => COLOURS[i].filled(),
    };
    Circle::new(at, radius, style)
}

/// Where each combination of `Strategy::ALL` sits in the legend, `(column, row)`: no fix and
/// the single fixes on the left, every fix but one and every fix on the right.
const LEGEND_AT: [(i32, i32); 8] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (1, 0),
    (0, 3),
    (1, 1),
    (1, 2),
    (1, 3),
];

/// The legend, two columns: a sample of each line with its marker, and its name.
fn draw_legend(sweep: &Sweep, area: &Area<'_>) -> Result<(), String> {
    let column = (WIDTH / LEGEND_COLUMNS as u32) as i32;
    for (i, (strategy, _)) in sweep.served.iter().enumerate() {
        let (c, r) = LEGEND_AT[i % 8];
        let (x, y) = (24 + c * column, 14 + r * LEGEND_ROW as i32);
        area.draw(&PathElement::new(
            vec![(x, y), (x + 30, y)],
            COLOURS[i].stroke_width(2),
        ))
        .map_err(to_text)?;
        area.draw(&marker(i, (x + 15, y))).map_err(to_text)?;
        let label = short_name(*strategy);
        let style = (FONT, TEXT).into_font().color(&BLACK);
        area.draw(&Text::new(label, (x + 40, y - 8), style))
            .map_err(to_text)?;
    }
    Ok(())
}

fn to_text(error: impl std::fmt::Display) -> String {
    format!("could not draw the plot: {error}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::reconnect::model::Strategy;
    use crate::reconnect::population::Population;
    use crate::reconnect::sweep::REGISTRY_COSTS_NS;

    #[test]
    fn the_plot_fits_the_column_and_its_text_reads() {
        let costs = REGISTRY_COSTS_NS.to_vec();
        let sweep = Sweep {
            population: Arc::new(Population::new(
                200,
                1,
                std::time::Duration::from_secs(1),
                1,
            )),
            served: Strategy::ALL
                .iter()
                .map(|&s| {
                    let works = |c: f64| s == Strategy::EVERY_FIX || c < 9_000.0;
                    (s, costs.iter().map(|&c| f64::from(works(c))).collect())
                })
                .collect(),
            costs_ns: costs,
        };
        let svg = plot(&sweep).expect("a plot");
        assert!(svg.starts_with("<svg width=\"750\""), "{}", &svg[..60]);
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(!sizes.is_empty());
        assert!(sizes.iter().all(|&s| s >= 12.0), "{sizes:?}");
        assert!(svg.contains("every fix needed at 10 µs"), "no cliff marked");
        assert!(svg.contains("\nevery fix\n</text>"), "no legend");
    }
}
