//! Where an axis ends and where its ticks go: round numbers (1, 2 or 5 times a power of ten)
//! just past the data, both ends labelled, and zero on a log axis a decade under the rest.

use plotters::coord::ranged1d::Ranged;

/// The least share of an axis between two labels: across, a label is a word wide; up, a line high.
pub(crate) const X_GAP: f64 = 0.13;
pub(super) const Y_GAP: f64 = 0.07;

/// The largest of 1, 2, 5 × 10^k at or below `v` (`below`), or the smallest at or above it.
pub(crate) fn round_125(v: f64, below: bool) -> f64 {
    let decade = 10f64.powf(v.log10().floor());
    let steps = [1.0, 2.0, 5.0, 10.0].map(|m| m * decade);
    let close = |s: f64| (s - v).abs() <= v * 1e-9;
    if below {
        steps.into_iter().rev().find(|&s| s <= v || close(s))
    } else {
        steps.into_iter().find(|&s| s >= v || close(s))
    }
    .unwrap_or(v)
}

/// Where an axis ends and where its ticks go, all in plotted units (`log10` on a log axis).
#[derive(Clone, Debug)]
pub(crate) struct Ticks {
    /// The range shown.
    pub range: std::ops::Range<f64>,
    /// Labelled ticks (with a grid line).
    pub key: Vec<f64>,
    /// Unlabelled grid lines (2 to 9 times each power of ten on a log axis).
    pub light: Vec<f64>,
    /// On a log axis with values at or below zero, where zero sits (a decade under the rest).
    pub zero: Option<f64>,
}

impl Ticks {
    /// A log axis over `values`: from the round number at or below the smallest positive value
    /// to the one at or above the largest (times `headroom`); powers of ten and both ends labelled.
    pub(crate) fn log(values: impl Iterator<Item = f64>, headroom: f64, min_gap: f64) -> Ticks {
        let (mut lo, mut hi, mut zeros) = (f64::MAX, f64::MIN, false);
        for v in values {
            if v > 0.0 {
                (lo, hi) = (lo.min(v), hi.max(v));
            } else {
                zeros = true;
            }
        }
        if lo > hi {
            (lo, hi) = (1.0, 10.0); // no positive values
        }
        let mut bottom = round_125(lo, true).log10();
        if zeros {
            bottom = bottom.floor(); // zero's tick a whole decade under a power of ten
        }
        let top = round_125(hi * headroom, false).log10().max(bottom + 0.3);
        let zero = zeros.then_some(bottom - 1.0);
        let start = zero.unwrap_or(bottom);
        // The powers of ten, but none so close to a labelled end (a share `min_gap` of the
        // axis) that their labels would touch: its grid line stays.
        let gap = min_gap * (top - start);
        let powers = ((bottom.ceil() as i32)..=(top.floor() as i32)).map(f64::from);
        let (near, far): (Vec<f64>, Vec<f64>) =
            powers.partition(|&p| p - bottom < gap && p > bottom || top - p < gap && p < top);
        let mut key: Vec<f64> = zero.into_iter().chain([bottom, top]).chain(far).collect();
        key.sort_by(f64::total_cmp);
        key.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let light = ((bottom.floor() as i32)..=(top.ceil() as i32))
            .flat_map(|p| (2..10).map(move |m| (f64::from(m) * 10f64.powi(p)).log10()))
            .filter(|&l| l > bottom && l < top)
            .chain(near)
            .collect();
        Ticks {
            range: start..top,
            key,
            light,
            zero,
        }
    }

    /// A linear axis over `values`, from zero (or below) to a multiple of a round step past the
    /// largest, a step more when the data would touch the top and `headroom` is asked for; or to
    /// `max` when given.
    pub(crate) fn linear(
        values: impl Iterator<Item = f64>,
        max: Option<f64>,
        headroom: bool,
    ) -> Ticks {
        let (lo, hi) = values.fold((0f64, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let hi = max.unwrap_or(if hi > lo { hi } else { lo + 1.0 });
        let step = round_125((hi - lo) / 6.0, false);
        let start = (lo / step).floor() * step;
        let mut end = max.unwrap_or((hi / step - 1e-9).ceil() * step);
        if max.is_none() && headroom && end - hi < 0.03 * (end - start) {
            end += step;
        }
        let n = ((end - start) / step).round() as i32;
        Ticks {
            range: start..end,
            key: (0..=n).map(|i| start + f64::from(i) * step).collect(),
            light: Vec::new(),
            zero: None,
        }
    }

    /// Where `value` is plotted on this axis.
    pub(super) fn place(&self, log: bool, value: f64) -> f64 {
        match (log, value > 0.0) {
            (false, _) => value,
            (true, true) => value.log10(),
            (true, false) => self.zero.unwrap_or(self.range.start),
        }
    }

    /// The label of tick `at`, written with `format`.
    pub(crate) fn label(&self, log: bool, at: f64, format: fn(f64) -> String) -> String {
        if !log {
            return format(at);
        }
        if self.zero.is_some_and(|z| (z - at).abs() < 1e-9) {
            return "0".into();
        }
        // 10^at, made exact: every tick is 1, 2 or 5 times a power of ten.
        let value = 10f64.powf(at);
        let (down, up) = (round_125(value, true), round_125(value, false));
        format(if value - down < up - value { down } else { up })
    }
}

/// The axis plotters draws: the range, with exactly these ticks and grid lines (its own
/// `with_key_points` would lose the tick formatter on an `f64` axis).
impl Ranged for Ticks {
    type ValueType = f64;
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (start, end) = (self.range.start, self.range.end);
        let share = (value - start) / (end - start);
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.key.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}
