//! The placement lab as `workbook labs` and `workbook hint placement` see it: its hints and its bar.
//!
//! [`bar`] is generic: the lab crate's `examples/bar.rs` calls it on the reader's Maglev, and
//! `workbook labs --solutions` on the reference one.

use placement_kit::measure::{Keys, build_ns, lookup_ns, node_names};
use placement_kit::{ExHashRing, Placement};

use crate::common::lab::{BarCheck, Lab, SpeedBar};
use crate::placement::bars::{MAGLEV_BUILD_MS, MAGLEV_OVER_RING_LOOKUP};

/// The placement lab.
pub const LAB: Lab = Lab {
    name: "placement",
    chapter: "Other ways to place a key",
    file: "labs/placement/src/maglev.rs",
    hints: include_str!("../../../labs/placement/hints.md"),
    extra: None,
    bar: Some(SpeedBar {
        words: "your Maglev's lookups at least 5× faster than the ring's binary search on the same \
                keys, and its table built in under 10 ms",
        solution: bar::<solution_placement::maglev::Maglev>,
    }),
};

/// Measures the Maglev `M` against the kit's ring on the storm's keys, ten nodes.
pub fn bar<M: Placement>() -> Result<BarCheck, String> {
    let names = node_names(10);
    let nodes: Vec<&str> = names.iter().map(String::as_str).collect();
    let keys = Keys::storm(200_000, 2017);
    let maglev = M::build(&nodes);
    let ring = ExHashRing::build(&nodes);
    if let Some(&hash) = keys
        .hashes()
        .iter()
        .find(|&&h| maglev.node_of(h) >= nodes.len())
    {
        return Err(format!(
            "your Maglev placed hash {hash} on a node that does not exist"
        ));
    }
    let yours = lookup_ns(&maglev, keys.hashes(), 7).median_ns;
    let ring_ns = lookup_ns(&ring, keys.hashes(), 7).median_ns;
    let build_ms = build_ns(M::build, nodes.len(), 5).median_ns / 1e6;
    let speedup = ring_ns / yours;
    Ok(BarCheck {
        reached: speedup >= MAGLEV_OVER_RING_LOOKUP && build_ms < MAGLEV_BUILD_MS,
        measured: format!(
            "lookups {speedup:.1}× faster than the ring ({yours:.1} ns against {ring_ns:.1} ns; bar \
             {MAGLEV_OVER_RING_LOOKUP}×), table built in {build_ms:.2} ms (bar under \
             {MAGLEV_BUILD_MS} ms)"
        ),
    })
}
