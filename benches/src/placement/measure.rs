//! Every way of placing a key, measured on the same keys and the same named nodes: the kit's ways,
//! the reference Maglev, and bounded loads on a ring of few points, where its cap has work to do.

use std::collections::BTreeMap;

use placement_kit::measure::{Balance, Figures, Keys, Params, by_points, figures, way};
use placement_kit::{BoundedLoad, ExHashRing, HrwCrate, Jump, MultiProbe, Rendezvous};
use solution_placement::maglev::Maglev;

use crate::common::progress::Progress;

/// The seed of the storm whose guild ids every way places.
pub const SEED: u64 = 2017;
/// Points per node of the ring under [`BOUNDED_FEW_POINTS`]: few enough that the ring alone is
/// far out of balance (about 1.9× the mean), so bounded loads' cap binds.
pub const FEW_POINTS: u32 = 8;
/// The name of bounded loads on a ring of [`FEW_POINTS`] points a node.
pub const BOUNDED_FEW_POINTS: &str = "bounded_load_8_points";

/// What the scenario measured.
pub struct Measured {
    /// Every way's figures, by its name.
    pub ways: BTreeMap<&'static str, Figures>,
    /// The ring's balance against its points per node.
    pub by_points: BTreeMap<u32, Balance>,
}

/// The ways in the order the table shows them, with how each is built, one step each.
type Measure = fn(&Keys, &Params) -> (&'static str, Figures);

const WAYS: [Measure; 8] = [
    way::<ExHashRing>,
    way::<Jump>,
    way::<Rendezvous>,
    way::<Maglev>,
    way::<MultiProbe>,
    way::<BoundedLoad>,
    |keys, params| {
        let build = |nodes: &[&str]| BoundedLoad::with(nodes, FEW_POINTS, BoundedLoad::EPSILON);
        (BOUNDED_FEW_POINTS, figures(build, keys, params))
    },
    way::<HrwCrate>,
];

/// The number of progress steps [`measure`] takes.
pub const STEPS: u64 = WAYS.len() as u64 + 1;

/// Measures every way on the storm's first `params.keys` guild ids.
pub fn measure(params: &Params, progress: &Progress) -> Measured {
    let keys = Keys::storm(params.keys, params.seed);
    let mut ways = BTreeMap::new();
    for measure in WAYS {
        progress.step(&format!(
            "placing every key, way {} of {}",
            ways.len() + 1,
            WAYS.len()
        ));
        let (name, figures) = measure(&keys, params);
        ways.insert(name, figures);
        progress.done();
    }
    progress.step("the ring's balance against its points per node");
    let by_points = by_points(&keys, params);
    progress.done();
    Measured { ways, by_points }
}
