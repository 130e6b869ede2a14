//! The registry cost swept: every combination of fixes on the blog's figures, with the one cost
//! the post does not give changed.
//!
//! The post gives a request/reply "about 12μs" for the ring process; it gives no figure for a
//! registry call or a guild join, and the blog profile charges them the same 12 µs. Whether a
//! combination survives the storm turns on that assumption: a registry with 500,000 callers at
//! 12 µs each has 6 s of work behind a 5 s timeout, at 8 µs it has 4 s. So the scenario runs all
//! eight combinations again at each cost of [`REGISTRY_COSTS_NS`], everything else the blog's,
//! and finds the costs at which every fix is needed (the smallest is the **cliff**) and those at
//! which a single fix works. Both are lists, not thresholds: the storm need not be monotone in a
//! cost (a slow registry also holds sessions away from the ring process).
//!
//! A combination **works** when it serves every session within the run, as every fix does in the
//! blog profile's bar ([`super::bars`]).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::common::report::captioned_table;
use crate::common::units::{group_digits, tenths};
use crate::reconnect::model::Strategy;
use crate::reconnect::population::Population;

/// The registry and join costs swept, in real nanoseconds: 2 µs to 20 µs, the blog profile's
/// 12 µs among them.
pub const REGISTRY_COSTS_NS: [f64; 9] = [
    2_000.0, 4_000.0, 6_000.0, 8_000.0, 10_000.0, 12_000.0, 14_000.0, 16_000.0, 20_000.0,
];

/// The combinations that lack exactly one fix.
pub const ALL_BUT_ONE: [Strategy; 3] = [
    Strategy::ALL_BUT_FASTGLOBAL,
    Strategy::ALL_BUT_SEMAPHORE,
    Strategy::ALL_BUT_MANIFOLD,
];

/// The combinations with exactly one fix.
pub const ONE_FIX: [Strategy; 3] = [
    Strategy::MANIFOLD_ONLY,
    Strategy {
        guard: crate::reconnect::model::Guard::Semaphore,
        ..Strategy::NOTHING_FIXED
    },
    Strategy {
        ring: crate::reconnect::model::RingWay::FastGlobal,
        ..Strategy::NOTHING_FIXED
    },
];

/// What the sweep gave: per combination, its served fraction at each cost.
pub struct Sweep {
    /// Who reconnected in every run of the sweep.
    pub population: Arc<Population>,
    /// The costs, ascending.
    pub costs_ns: Vec<f64>,
    /// Every combination in [`Strategy::ALL`]'s order, with one served fraction per cost.
    pub served: Vec<(Strategy, Vec<f64>)>,
}

/// Whether a run that served `fraction` of the sessions works: it served every one.
pub fn works(fraction: f64) -> bool {
    fraction >= 1.0
}

impl Sweep {
    /// The served fractions of `strategy`, one per cost.
    pub fn of(&self, strategy: Strategy) -> &[f64] {
        self.served
            .iter()
            .find(|(s, _)| *s == strategy)
            .map_or(&[], |(_, f)| &f[..])
    }

    /// The swept costs at which none of `strategies` works.
    fn none_work_at(&self, strategies: &[Strategy]) -> Vec<f64> {
        let none_work = |i: &usize| strategies.iter().all(|s| !works(self.of(*s)[*i]));
        (0..self.costs_ns.len())
            .filter(none_work)
            .map(|i| self.costs_ns[i])
            .collect()
    }

    /// The swept costs at which every fix is needed: no combination lacking one fix works.
    pub fn every_fix_needed_ns(&self) -> Vec<f64> {
        self.none_work_at(&ALL_BUT_ONE)
    }

    /// The cliff: the smallest swept cost at which every fix is needed.
    pub fn cliff_ns(&self) -> Option<f64> {
        self.every_fix_needed_ns().first().copied()
    }

    /// The swept costs at which some single fix works (none: no fix works alone anywhere).
    pub fn one_fix_works_ns(&self) -> Vec<f64> {
        let none = self.none_work_at(&ONE_FIX);
        let works = self.costs_ns.iter().filter(|c| !none.contains(c));
        works.copied().collect()
    }

    /// The sweep as the results file holds it (`sweep.registry_cost_ns`,
    /// `sweep.served_fraction.<combination>`, `sweep.cliff_ns`).
    pub fn json(&self) -> Value {
        let served: Map<String, Value> = self
            .served
            .iter()
            .map(|(s, fractions)| (s.key(), json!(fractions)))
            .collect();
        json!({
            "profile": "blog",
            "varied": "call_ns: a registry call and a guild join; every other cost the blog's",
            "works_means": "serves every session within the run",
            "simulated_sessions": self.population.sessions.len(),
            "scale": self.population.scale,
            "registry_cost_ns": self.costs_ns,
            "served_fraction": served,
            "cliff_ns": self.cliff_ns(),
            "every_fix_needed_ns": self.every_fix_needed_ns(),
            "one_fix_works_ns": self.one_fix_works_ns(),
        })
    }

    /// One row per cost: every fix, each combination lacking one, the best single fix and none.
    pub fn table(&self) -> String {
        let pct = |f: f64| format!("{} %", tenths(f * 100.0));
        let rows: Vec<Vec<String>> = (0..self.costs_ns.len())
            .map(|i| {
                let at = |s: Strategy| self.of(s)[i];
                let (best, name) = ONE_FIX
                    .iter()
                    .map(|&s| (at(s), short_name(s)))
                    .fold((-1.0, ""), |a, b| if b.0 > a.0 { b } else { a });
                let mut row = vec![format!("{} µs", self.costs_ns[i] / 1e3)];
                row.push(pct(at(Strategy::EVERY_FIX)));
                row.extend(ALL_BUT_ONE.iter().map(|&s| pct(at(s))));
                row.push(format!("{} ({name})", pct(best)));
                row.push(pct(at(Strategy::NOTHING_FIXED)));
                row
            })
            .collect();
        let caption = format!(
            "Registry cost swept (blog profile, every other cost the post's; {} simulated \
             sessions, 1 : {}): sessions served",
            group_digits(self.population.sessions.len() as u64),
            group_digits(self.population.scale.round() as u64)
        );
        let header = [
            "registry cost",
            "every fix",
            "but FastGlobal",
            "but the semaphore",
            "but Manifold",
            "best single fix",
            "no fix",
        ];
        captioned_table(&caption, &header, &rows)
    }
}

/// A combination in a few words, for the plot's legend and the table.
pub fn short_name(strategy: Strategy) -> &'static str {
    const NAMES: [&str; 8] = [
        "no fix",
        "Manifold alone",
        "semaphore alone",
        "all but FastGlobal",
        "FastGlobal alone",
        "all but the semaphore",
        "all but Manifold",
        "every fix",
    ];
    let at = Strategy::ALL.iter().position(|s| *s == strategy);
    at.map_or("?", |i| NAMES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(served: impl Fn(Strategy, f64) -> f64) -> Sweep {
        let costs: Vec<f64> = REGISTRY_COSTS_NS.to_vec();
        Sweep {
            population: Arc::new(Population::new(
                200,
                1,
                std::time::Duration::from_secs(1),
                1,
            )),
            served: Strategy::ALL
                .iter()
                .map(|&s| (s, costs.iter().map(|&c| served(s, c)).collect()))
                .collect(),
            costs_ns: costs,
        }
    }

    #[test]
    fn the_cliff_is_where_every_fix_becomes_needed() {
        // Without the semaphore, everyone is served up to 9 µs; nothing else lacking a fix works.
        let s = sweep(|s, c| match s {
            Strategy::EVERY_FIX => 1.0,
            Strategy::ALL_BUT_SEMAPHORE if c < 9_000.0 => 1.0,
            _ => 0.5,
        });
        assert_eq!(s.cliff_ns(), Some(10_000.0));
        assert_eq!(s.every_fix_needed_ns().len(), 5);
        assert_eq!(s.one_fix_works_ns(), Vec::<f64>::new());
        // A single fix that works up to 4 µs, and every fix needed nowhere.
        let s = sweep(|s, c| {
            let works = s == Strategy::MANIFOLD_ONLY && c <= 4_000.0;
            if works || s == Strategy::ALL_BUT_MANIFOLD {
                1.0
            } else {
                0.0
            }
        });
        assert_eq!(s.one_fix_works_ns(), [2_000.0, 4_000.0]);
        assert_eq!(s.cliff_ns(), None);
    }

    #[test]
    fn a_combination_that_recovers_is_listed_where_it_does() {
        let s = sweep(|s, c| {
            let recovers = s == Strategy::ALL_BUT_FASTGLOBAL && c == 20_000.0;
            let early = s == Strategy::ALL_BUT_SEMAPHORE && c < 10_000.0;
            if recovers || early || s == Strategy::EVERY_FIX {
                1.0
            } else {
                0.0
            }
        });
        assert_eq!(s.cliff_ns(), Some(10_000.0));
        assert_eq!(
            s.every_fix_needed_ns(),
            [10_000.0, 12_000.0, 14_000.0, 16_000.0]
        );
    }

    #[test]
    fn names_and_table_cover_every_combination() {
        let names: Vec<&str> = Strategy::ALL.iter().map(|&s| short_name(s)).collect();
        assert!(!names.contains(&"?"));
        assert_eq!(short_name(ONE_FIX[1]), "semaphore alone");
        assert_eq!(short_name(ONE_FIX[2]), "FastGlobal alone");
        let table = sweep(|_, c| c / 20_000.0).table();
        let header = table.lines().nth(2).expect("a header");
        assert_eq!(header.matches('|').count(), 8, "{header}");
        assert!(table.contains("| 20 µs | 100.0 % |"), "{table}");
    }
}
