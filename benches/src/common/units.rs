//! Numbers as the prose writes them: one home for every unit and format the tables, plots, bars and
//! the terminal print, so `1,000`, `12.3×` and `4.1 ms` read the same everywhere.

/// `1234567` as `1,234,567`.
pub fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A count written as the prose writes it, rounded: `1,000`.
pub fn count(value: f64) -> String {
    group_digits(value.max(0.0).round() as u64)
}

/// A threshold as the prose writes it: `10`, `1,000`, `1.25`.
pub fn times(value: f64) -> String {
    if value.fract() == 0.0 && value >= 0.0 {
        group_digits(value as u64)
    } else {
        format!("{value}")
    }
}

/// `105786.64` as `105,786.6`: one decimal, digits grouped as the prose writes them.
pub fn tenths(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return format!("{value:.1}");
    }
    let tenths = (value * 10.0).round() as u64;
    format!("{}.{}", group_digits(tenths / 10), tenths % 10)
}

/// A duration in nanoseconds as a person reads it: `42 ns`, `1.3 µs`, `4.1 ms`, `1.25 s`.
pub fn human_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// A round duration for an axis tick: `10 ns`, `1 µs`, `100 ms`, `10 s`.
pub fn tick_ns(ns: f64) -> String {
    let (value, unit) = match ns {
        ns if ns < 1e3 => (ns, "ns"),
        ns if ns < 1e6 => (ns / 1e3, "µs"),
        ns if ns < 1e9 => (ns / 1e6, "ms"),
        ns => (ns / 1e9, "s"),
    };
    format!("{} {unit}", (value * 100.0).round() / 100.0)
}

/// A round number of bytes under a tick: `1 kB`, `100 kB`, `2 MB`.
pub fn bytes_tick(bytes: f64) -> String {
    match bytes {
        b if b >= 1e6 => format!("{} MB", b / 1e6),
        b if b >= 1e3 => format!("{} kB", b / 1e3),
        b => format!("{b} B"),
    }
}

/// Bytes as the table writes them: `840 B`, `1.5 kB`, `9.8 MB` (the report's and the BEAM
/// column's, so both write them alike).
pub fn bytes_text(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.1} kB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(2_500_000), "2,500,000");
    }

    #[test]
    fn ratios_group_their_digits() {
        assert_eq!(tenths(105_786.64), "105,786.6");
        assert_eq!(tenths(9.96), "10.0");
        assert_eq!(tenths(1.25), "1.3");
        assert_eq!(times(1_000.0), "1,000");
        assert_eq!(times(1.25), "1.25");
    }

    #[test]
    fn durations_read_as_a_person_writes_them() {
        assert_eq!(human_ns(42.0), "42 ns");
        assert_eq!(human_ns(1_300.0), "1.3 µs");
        assert_eq!(human_ns(1.25e9), "1.25 s");
        assert_eq!(tick_ns(1e5), "100 µs");
        assert_eq!(bytes_tick(2e6), "2 MB");
        assert_eq!(bytes_text(840.0), "840 B");
        assert_eq!(bytes_text(1_530.0), "1.5 kB");
        assert_eq!(bytes_text(9.8e6), "9.8 MB");
    }
}
