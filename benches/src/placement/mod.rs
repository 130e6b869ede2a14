//! Scenario `placement` (chapter "Other ways to place a key"): the ring Discord runs beside jump,
//! rendezvous, Maglev, multi-probe and bounded loads.
//!
//! The workbook makes a 2017 ring fast to reach; this scenario asks whether a ring of 512 MD5
//! points per node is the structure to reach. Every way places the same keys (the reconnect
//! storm's guild ids) on the same ten named nodes, and is measured for speed (a lookup, a build),
//! balance (the busiest and idlest node over the mean) and disruption (keys moved when a node joins
//! or leaves, beside the ideal). The measuring is the kit's (`placement_kit::measure`), so the lab's
//! suite and this table read the same code. No BEAM side: ex_hash_ring's placement is checked
//! key for key by ring-kit's own suite.

pub mod bars;
pub mod lab;
pub mod measure;
pub mod report;
pub mod warmup;

use placement_kit::measure::Params as KitParams;

use crate::common::beam::Beam;
use crate::common::blog;
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::scenario::{Outcome, Progress, Required, Scenario};
use crate::common::units::group_digits;
use crate::placement::bars::Measured as Checked;
use crate::placement::measure::{STEPS, measure};

/// The `placement` scenario.
pub struct PlacementScenario;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "nodes",
        "nodes the keys are placed on (the storm's: 10)",
        2,
        1_000,
        [10, 10, 10],
    ),
    ParamSpec::count(
        "keys",
        "guild ids placed for balance and moves",
        1_000,
        10_000_000,
        [100_000, 1_000_000, 1_000_000],
    ),
    ParamSpec::count(
        "timed",
        "keys looked up in each timed round",
        1_000,
        10_000_000,
        [20_000, 100_000, 100_000],
    ),
    ParamSpec::count(
        "rounds",
        "timed rounds; the median is reported",
        1,
        1_000,
        [3, 7, 15],
    ),
];

impl Scenario for PlacementScenario {
    fn name(&self) -> &'static str {
        "placement"
    }

    fn title(&self) -> &'static str {
        "Other ways to place a key: the ring beside jump, rendezvous, Maglev, multi-probe and bounded loads"
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "Other ways to place a key: {} guild ids on {} nodes, eight ways",
            group_digits(params.get("keys")),
            params.get("nodes")
        )
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 5,
            Scale::Default => 40,
            Scale::Full => 60,
        }
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // The keys and their hashes, a few owner arrays, the tables: generously 64 B a key.
        params.get("keys") * 64 + (64 << 20)
    }

    fn required(&self) -> &'static [Required] {
        &[
            Required::Positive(
                "ways.{ex_hash_ring,jump,rendezvous,maglev,multi_probe,bounded_load}.{lookup_ns,\
                 lookup_hashed_ns,peak_to_mean,min_to_mean,moved_on_add,moved_on_add_ideal,\
                 moved_on_remove,moved_on_remove_ideal,build_ns}",
            ),
            Required::Present(
                "ways.{ex_hash_ring,jump,rendezvous,maglev,multi_probe,bounded_load}.{moved_elsewhere,\
                 moved_elsewhere_on_add,memory_bytes,capabilities,cannot}",
            ),
            Required::Positive("ways.ex_hash_ring.by_points.{1,8,64,512}.peak_to_mean"),
        ]
    }

    fn run(&self, params: &Params, progress: &Progress, _beam: &Beam) -> Result<Outcome, String> {
        let kit = KitParams {
            nodes: params.count("nodes"),
            keys: params.count("keys"),
            timed: params.count("timed").min(params.count("keys")),
            seed: measure::SEED,
            rounds: params.count("rounds"),
        };
        progress.steps(STEPS);
        let measured = measure(&kit, progress);
        let way = |name: &str| {
            measured
                .ways
                .get(name)
                .ok_or_else(|| format!("the way {name} was not measured"))
        };
        let checks = bars::checks(&Checked {
            ring: way("ex_hash_ring")?,
            jump: way("jump")?,
            rendezvous: way("rendezvous")?,
            maglev: way("maglev")?,
            bounded: way("bounded_load")?,
        });
        Ok(Outcome {
            figures: report::figures(&measured)?,
            blog: blog::ring_structure(),
            table: report::tables(&measured, kit.keys),
            svg: report::plot(&measured)?,
            more_svgs: Vec::new(),
            checks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::params::overrides;
    use crate::common::scenario::missing;

    #[test]
    fn a_tiny_run_holds_every_required_figure() {
        let set = overrides(&[("keys", "2000"), ("timed", "1000"), ("rounds", "1")]);
        let params = Params::resolve(PARAMS, Scale::Quick, &set).unwrap();
        let outcome = PlacementScenario
            .run(&params, &Progress::hidden(), &Beam::off())
            .unwrap();
        let figures = serde_json::Value::Object(outcome.figures);
        assert_eq!(
            missing(PlacementScenario.required(), &figures),
            Vec::<String>::new()
        );
        assert!(outcome.table.contains("jump consistent hash"));
        assert!(outcome.svg.contains("<svg"));
        assert_eq!(outcome.checks.len(), 6);
    }
}
