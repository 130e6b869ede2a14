//! The fanout lab as `workbook labs` and `workbook hint fanout` see it: its hints and its bar.
//!
//! [`bar`] is generic: the lab crate's `examples/bar.rs` calls it on the reader's Manifold, and
//! `workbook labs --solutions` on the reference one.

use fanout_kit::Fanout;
use fanout_kit::naive::Naive;

use crate::common::lab::{BarCheck, Lab, SpeedBar};
use crate::common::stats::percentile;
use crate::fanout::bars;
use crate::fanout::measure::rigs::{Setup, measure};

/// The fanout lab.
pub const LAB: Lab = Lab {
    name: "fanout",
    chapter: "Fanout",
    file: "labs/fanout/src/manifold.rs",
    hints: include_str!("../../../labs/fanout/hints.md"),
    extra: None,
    bar: Some(SpeedBar {
        words: "at 30,000 members on 4 session nodes, your Manifold's median time in the guild per \
          publish at least 10× below the naive strategy's, with one message between nodes per node \
          per publish (20 publishes each)",
        solution: bar::<solution_fanout::manifold::Manifold>,
    }),
};

/// Measures `F` against the naive strategy at the bar's size.
pub fn bar<F: Fanout>() -> Result<BarCheck, String> {
    const PUBLISHES: usize = 20;
    let setup = Setup {
        members: 30_000,
        session_nodes: 4,
        threads: 2,
    };
    let naive = measure::<Naive>(setup, PUBLISHES)?;
    let yours = measure::<F>(setup, PUBLISHES)?;
    let median = |ns: &[f64]| percentile(ns, 50.0);
    let speedup = median(&naive.in_guild_ns) / median(&yours.in_guild_ns);
    let per_node = yours.cross_node_messages;
    Ok(BarCheck {
        reached: speedup >= bars::NAIVE_OVER_MANIFOLD && per_node <= setup.session_nodes as f64,
        measured: format!(
            "{speedup:.1}× faster in the guild than naive (bar {}×), {per_node:.1} messages \
             between nodes per publish (bar {})",
            bars::NAIVE_OVER_MANIFOLD,
            setup.session_nodes
        ),
    })
}
