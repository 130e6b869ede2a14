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

pub(crate) const FONT: &str = "sans-serif";

/// The width of the book's content column (mdbook's `--content-max-width`): every figure is drawn
/// this wide or narrower, so the page never shrinks it and its text keeps its size.
pub(crate) const COLUMN_WIDTH: u32 = 750;

/// The size asked of plotters for every text but titles. Its SVG writes a font size 1.24 times
/// smaller (`plotters-svg`: `size / 1.24`): 15 is drawn at 12.1 px, the least the book shows.
pub(crate) const TEXT: f64 = 15.0;
/// Titles: drawn at 15.3 px.
pub(crate) const TITLE: f64 = 19.0;
/// About how wide a character of [`TEXT`] is drawn, in pixels, to lay out legends and labels.
pub(crate) const CHAR_PX: f64 = 7.0;

/// A line chart's height; it is [`COLUMN_WIDTH`] wide, charts go one under the other.
pub(super) const CHART_HEIGHT: u32 = 360;
pub(crate) const LEGEND_ROW: u32 = 24;

pub(super) fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// The colour of series `index`'s label on its line: its own, darker, to read as text.
pub(super) fn text_color(index: usize) -> RGBColor {
    let c = color(index);
    let dark = |v: u8| (f64::from(v) * 0.7) as u8;
    RGBColor(dark(c.0), dark(c.1), dark(c.2))
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
