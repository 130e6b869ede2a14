//! What a line chart is: its lines, its two axes, a shaded stretch; and the drawing area and
//! error text its drawing shares.

use plotters::coord::Shift;
use plotters::prelude::*;

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

/// The part of the figure a chart or a legend is drawn in.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

pub(super) fn to_text(error: impl std::fmt::Display) -> String {
    format!("could not draw the plot: {error}")
}
