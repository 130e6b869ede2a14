//! The ring lab as `workbook labs` and `workbook hint ring` see it: its hints and its bar.
//!
//! [`bar`] is generic: the lab crate's `examples/bar.rs` calls it on the reader's FastGlobal, and
//! `workbook labs --solutions` on the reference one.

use ring_kit::naive::CopyOut;
use ring_kit::storm::Storm;
use ring_kit::{Global, Published, Ring, RingRead};

use crate::common::lab::{BarCheck, Lab, SpeedBar};
use crate::common::stats::median;
use crate::ring::bars::COPY_OUT_OVER_FASTGLOBAL;

/// The ring lab.
pub const LAB: Lab = Lab {
    name: "ring",
    chapter: "Fast access shared data",
    file: "labs/ring/src/fastglobal.rs",
    hints: include_str!("../../../labs/ring/hints.md"),
    extra: None,
    bar: Some(SpeedBar {
        words: "your FastGlobal at least 20× faster than copy_out on the prehashed reconnect storm",
        solution: bar::<solution_ring::FastGlobal<Ring>>,
    }),
};

/// The median of three storms through `access`, in seconds, and the storm's digest of owners.
fn median_storm<A: RingRead>(storm: &Storm, access: &A, threads: usize) -> (f64, u64) {
    let runs: Vec<_> = (0..3).map(|_| storm.run(access, threads, true)).collect();
    let digest = runs[0].digest;
    let seconds = median(runs.iter().map(|run| run.elapsed.as_secs_f64()).collect());
    (seconds, digest)
}

/// Measures the global `G` against copying the ring out, on the same storm.
pub fn bar<G: Global<Ring>>() -> Result<BarCheck, String> {
    let ring = ring_kit::check::production_ring();
    let storm = Storm::new(20_000, 5, 7);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let global = G::named("workbook-bar/ring");
    global.put(ring.clone());
    let (yours, your_answers) = median_storm(&storm, &Published(global), threads);
    let (copy_out, answers) = median_storm(&storm, &CopyOut::new(ring), threads);
    if your_answers != answers {
        return Err("your FastGlobal gave other owners than the ring itself".into());
    }
    let speedup = copy_out / yours;
    Ok(BarCheck {
        reached: speedup >= COPY_OUT_OVER_FASTGLOBAL,
        measured: format!(
            "{speedup:.1}× faster than copy_out on {} prehashed lookups (bar \
             {COPY_OUT_OVER_FASTGLOBAL}×)",
            storm.lookups()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::units::times;

    #[test]
    fn the_bars_words_state_its_threshold() {
        let words = LAB.bar.as_ref().expect("a speed bar").words;
        let threshold = format!("{}×", times(COPY_OUT_OVER_FASTGLOBAL));
        assert!(words.contains(&threshold), "{words}");
    }
}
