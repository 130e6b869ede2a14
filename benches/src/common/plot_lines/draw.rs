//! One chart: its axes, its shaded stretch, its lines and markers, and the name of each line
//! written at its end where the name fits, so the eye need not go to the legend and back.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{Area, LineChart, Series, to_text};
use super::legend::has_markers;
use super::style::*;
use super::ticks::{Ticks, X_GAP, Y_GAP};

/// A label's box in pixels: left, top, right, bottom.
type Boxed = (i32, i32, i32, i32);

/// Where a point `(x, y)` is plotted on a chart's axes.
type Place<'a> = dyn Fn(&(f64, f64)) -> (f64, f64) + 'a;

/// A chart as plotters draws it, on our axes.
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticks, Ticks>>;

pub(super) fn draw(chart: &LineChart, area: &Area<'_>) -> Result<(), String> {
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
        .caption(&chart.title, (FONT, TITLE))
        .margin(10)
        .margin_right(24)
        .x_label_area_size(50)
        .y_label_area_size(96)
        .build_cartesian_2d(x_ticks.clone(), y_ticks.clone())
        .map_err(to_text)?;
    let x_label = |v: &f64| x_ticks.label(chart.x.log, *v, chart.x.format);
    let y_label = |v: &f64| y_ticks.label(chart.y.log, *v, chart.y.format);
    plot.configure_mesh()
        .light_line_style(RGBColor(245, 245, 245))
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style((FONT, TEXT))
        .axis_desc_style((FONT, TEXT))
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
        let text = Text::new(band.label.clone(), (5, 5), (FONT, TEXT).into_font());
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
                EmptyElement::at(at) + Text::new((chart.y.format)(value), (6, -20), (FONT, TEXT))
            });
            plot.draw_series(values).map_err(to_text)?;
        }
    }
    name_lines(chart, &mut plot, &place)
}

/// The names of the lines written at their ends where they fit, drawn last, over every line;
/// a lone line's name is in the legend alone.
fn name_lines(chart: &LineChart, plot: &mut Plot<'_, '_>, place: &Place<'_>) -> Result<(), String> {
    if chart.series.len() < 2 {
        return Ok(());
    }
    let pixels = |s: &Series| -> Vec<(i32, i32)> {
        s.points
            .iter()
            .map(|p| plot.backend_coord(&place(p)))
            .collect()
    };
    let lines: Vec<Vec<(i32, i32)>> = chart.series.iter().map(pixels).collect();
    let bounds = plot.plotting_area().get_pixel_range();
    let mut taken: Vec<Boxed> = Vec::new();
    for (i, series) in chart.series.iter().enumerate() {
        let Some(end) = series.points.last().filter(|_| series.joined).map(place) else {
            continue;
        };
        let Some((dy, boxed)) = fit_label(&series.label, i, &lines, &bounds, &taken) else {
            continue;
        };
        taken.push(boxed);
        let at = plot.backend_coord(&end);
        let anchor = Pos::new(HPos::Right, if dy < 0 { VPos::Bottom } else { VPos::Top });
        let style = (FONT, TEXT).into_font().color(&text_color(i)).pos(anchor);
        let text = Text::new(series.label.clone(), (-8, dy), style);
        // On a white ground, so the grid does not cross the name.
        let ground = Rectangle::new(
            [
                (boxed.0 - at.0 - 2, boxed.1 - at.1),
                (boxed.2 - at.0 + 2, boxed.3 - at.1),
            ],
            WHITE.mix(0.85).filled(),
        );
        plot.draw_series(std::iter::once(EmptyElement::at(end) + ground + text))
            .map_err(to_text)?;
    }
    Ok(())
}

/// Where the name of line `index` goes, its line's points in pixels among all the lines': just
/// above or just below its last point, ending there, inside the plot (`bounds`), clear of the
/// names already placed (`taken`) and of every line and marker; `None` when neither side is
/// clear. Returns the vertical offset from the end and the name's box.
fn fit_label(
    label: &str,
    index: usize,
    lines: &[Vec<(i32, i32)>],
    bounds: &(std::ops::Range<i32>, std::ops::Range<i32>),
    taken: &[Boxed],
) -> Option<(i32, Boxed)> {
    let line = &lines[index];
    let &at = line.last()?;
    let width = (label.chars().count() as f64 * CHAR_PX) as i32;
    let height = (TEXT / 1.24).ceil() as i32 + 2;
    let (right, left) = (at.0 - 8, at.0 - 8 - width);
    let overlaps = |b: &Boxed, o: &Boxed| b.0 < o.2 && o.0 < b.2 && b.1 < o.3 && o.1 < b.3;
    // Below first when the line comes down to its end, so the name sits away from it.
    let from_above = line.len() > 1 && line[line.len() - 2].1 < at.1;
    let sides = if from_above { [6, -6] } else { [-6, 6] };
    sides.into_iter().find_map(|dy| {
        let top = if dy < 0 {
            at.1 + dy - height
        } else {
            at.1 + dy
        };
        let boxed = (left, top, right, top + height);
        let inside = left >= bounds.0.start
            && top >= bounds.1.start
            && top + height <= bounds.1.end
            && right <= bounds.0.end;
        let clear =
            !taken.iter().any(|t| overlaps(t, &boxed)) && !lines.iter().any(|l| crosses(l, &boxed));
        (inside && clear).then_some((dy, boxed))
    })
}

/// Whether a line (its points in pixels, joined), or a marker at any of its points, touches `b`.
fn crosses(line: &[(i32, i32)], b: &Boxed) -> bool {
    let near = |(x, y): (f64, f64), margin: f64| {
        x >= f64::from(b.0) - margin
            && x <= f64::from(b.2) + margin
            && y >= f64::from(b.1) - margin
            && y <= f64::from(b.3) + margin
    };
    let point = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
    if line.iter().any(|&p| near(point(p), 4.0)) {
        return true;
    }
    line.windows(2).any(|w| {
        let (a, z) = (point(w[0]), point(w[1]));
        // Sampled every 3 pixels or so along the segment.
        let steps = ((z.0 - a.0).abs().max((z.1 - a.1).abs()) / 3.0)
            .ceil()
            .max(1.0);
        (0..=steps as i32).any(|k| {
            let t = f64::from(k) / steps;
            near((a.0 + t * (z.0 - a.0), a.1 + t * (z.1 - a.1)), 1.0)
        })
    })
}
