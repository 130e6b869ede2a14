//! How each line looks: its colour, its dash and its marker, so that lines which coincide
//! all show, and the sizes of a chart and its legend.

use plotters::element::ComposedElement;
use plotters::prelude::*;

/// Colours for the lines, in order: the naive version first, the fixes after.
pub(super) const PALETTE: [RGBColor; 8] = [
    RGBColor(214, 96, 77),
    RGBColor(67, 147, 195),
    RGBColor(90, 174, 97),
    RGBColor(153, 112, 171),
    RGBColor(224, 160, 40),
    RGBColor(90, 90, 90),
    RGBColor(40, 160, 160),
    RGBColor(200, 110, 170),
];

/// Dashes for the lines, in the same order (SVG `stroke-dasharray`; empty: solid).
pub(super) const DASHES: [&str; 8] = [
    "",
    "9 4",
    "2 3",
    "12 3 2 3",
    "5 5",
    "16 4",
    "3 7",
    "8 2 2 2 2 2",
];

/// Lines are drawn at this opacity and nothing else is, so the dashes can be added to them alone
/// once the SVG is written (plotters draws no dashed polylines of its own).
pub(super) const LINE_OPACITY: f64 = 0.99;

pub(super) const FONT: &str = "sans-serif";
pub(super) const CHART_WIDTH: u32 = 560;
pub(super) const CHART_HEIGHT: u32 = 400;
pub(super) const LEGEND_ROW: u32 = 20;

pub(super) fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

pub(super) fn line_style(index: usize) -> ShapeStyle {
    color(index).mix(LINE_OPACITY).stroke_width(2)
}

/// Series `index`'s marker, drawn around its point: an outline in pixels and its fill (filled
/// circle, hollow square, triangle, diamond, plus, hollow circle, cross, filled square). `big`
/// for points that stand alone.
pub(super) fn marker(index: usize, big: bool) -> (Vec<(i32, i32)>, ShapeStyle, ShapeStyle) {
    let c = color(index);
    // Sizes differ too, so markers on the same point nest rather than hide each other.
    let r = [4, 4, 6, 6, 5, 5, 5, 3][index % 8] + if big { 3 } else { 0 };
    let round = |r: f64| -> Vec<(i32, i32)> {
        (0..=16)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::TAU / 16.0;
                ((r * a.cos()).round() as i32, (r * a.sin()).round() as i32)
            })
            .collect()
    };
    let (outline, filled) = match index % 8 {
        0 => (round(f64::from(r) - 0.5), true),
        1 => (vec![(-r, -r), (r, -r), (r, r), (-r, r), (-r, -r)], false),
        2 => (
            vec![(0, -r - 1), (r, r - 1), (-r, r - 1), (0, -r - 1)],
            false,
        ),
        3 => (
            vec![
                (0, -r - 1),
                (r + 1, 0),
                (0, r + 1),
                (-r - 1, 0),
                (0, -r - 1),
            ],
            false,
        ),
        4 => (vec![(-r, 0), (r, 0), (0, 0), (0, -r), (0, r)], false),
        5 => (round(f64::from(r) + 0.5), false),
        6 => (vec![(-r, -r), (r, r), (0, 0), (r, -r), (-r, r)], false),
        _ => (vec![(-r, -r), (r, -r), (r, r), (-r, r), (-r, -r)], true),
    };
    let fill = if filled {
        c.filled()
    } else {
        TRANSPARENT.filled()
    };
    (outline, fill, c.stroke_width(2))
}

/// The marker of series `index` at `at`, as one element.
pub(super) type Marker<C, DB> =
    ComposedElement<C, DB, Polygon<(i32, i32)>, PathElement<(i32, i32)>>;

pub(super) fn marker_at<C, DB: DrawingBackend>(index: usize, at: C, big: bool) -> Marker<C, DB> {
    let (outline, fill, stroke) = marker(index, big);
    EmptyElement::at(at) + Polygon::new(outline.clone(), fill) + PathElement::new(outline, stroke)
}
