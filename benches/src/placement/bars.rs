//! The `placement` scenario's bars and the lab's, each once: what the figures must show, and the
//! check of each on a run.

use placement_kit::measure::Figures;

use crate::common::scenario::Check;

/// The lab's bar: Maglev's prehashed lookup at least this many times faster than the ring's binary
/// search, on the same keys.
pub const MAGLEV_OVER_RING_LOOKUP: f64 = 5.0;
/// The lab's bar: Maglev's table built (65,537 slots, ten nodes) in under this many milliseconds.
pub const MAGLEV_BUILD_MS: f64 = 10.0;
/// Maglev's shares differ by about 1 % (the paper): its busiest node under this over the mean.
pub const MAGLEV_PEAK_TO_MEAN: f64 = 1.05;
/// Bounded loads with ε = 0.25: no node above ⌈1.25 × mean⌉, so the peak under this.
pub const BOUNDED_PEAK_TO_MEAN: f64 = 1.26;
/// Jump on growth and rendezvous on removal move only the keys they must: within this of the
/// ideal share (1/11 and 1/10).
pub const MOVED_WITHIN: f64 = 0.01;

/// The ways the checks read, by name, as the scenario measured them.
pub struct Measured<'a> {
    /// The kit's ring, 512 points a node.
    pub ring: &'a Figures,
    /// Jump consistent hash.
    pub jump: &'a Figures,
    /// Rendezvous (highest random weight).
    pub rendezvous: &'a Figures,
    /// The reference Maglev.
    pub maglev: &'a Figures,
    /// Bounded loads on the ring.
    pub bounded: &'a Figures,
}

/// Every bar of the scenario, on this run.
pub fn checks(m: &Measured<'_>) -> Vec<Check> {
    let within = |figure: f64, ideal: f64| (figure - ideal).abs() <= MOVED_WITHIN;
    vec![
        Check::that(
            format!(
                "jump moves only the newcomer's share on growth (within {MOVED_WITHIN} of 1/11)"
            ),
            format!(
                "{:.4} (ideal {:.4})",
                m.jump.moved_on_add, m.jump.moved_on_add_ideal
            ),
            within(m.jump.moved_on_add, m.jump.moved_on_add_ideal),
        ),
        Check::that(
            format!("rendezvous moves only the leaver's keys (within {MOVED_WITHIN} of 1/10)"),
            format!(
                "{:.4} (ideal {:.4})",
                m.rendezvous.moved_on_remove, m.rendezvous.moved_on_remove_ideal
            ),
            within(
                m.rendezvous.moved_on_remove,
                m.rendezvous.moved_on_remove_ideal,
            ),
        ),
        Check::ratio_at_most(
            "Maglev's busiest node ÷ mean",
            m.maglev.peak_to_mean,
            MAGLEV_PEAK_TO_MEAN,
        ),
        Check::ratio_at_most(
            "bounded loads' busiest node ÷ mean",
            m.bounded.peak_to_mean,
            BOUNDED_PEAK_TO_MEAN,
        ),
        Check::that(
            "a jump lookup is faster than the ring's binary search",
            format!(
                "{:.1} ns against {:.1} ns",
                m.jump.lookup_ns, m.ring.lookup_ns
            ),
            m.jump.lookup_ns < m.ring.lookup_ns,
        ),
        Check::that(
            "a Maglev lookup is faster than the ring's binary search",
            format!(
                "{:.1} ns against {:.1} ns",
                m.maglev.lookup_ns, m.ring.lookup_ns
            ),
            m.maglev.lookup_ns < m.ring.lookup_ns,
        ),
    ]
}
