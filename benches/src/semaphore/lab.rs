//! The limited-concurrency lab as `workbook labs` and `workbook hint semaphore` see it.
//!
//! [`bar`] is generic: the lab crate's `examples/bar.rs` calls it on the reader's guarded client,
//! and `workbook labs --solutions` on the reference one.

use std::sync::Arc;

use semaphore_kit::Client;
use semaphore_kit::model::{Config, simulate};

use crate::common::lab::{BarCheck, ExtraCheck, Lab, SpeedBar};
use crate::semaphore::bars::TIME_TO_ALL_SERVED_OVER_IDEAL;

/// The lab's registration.
pub const LAB: Lab = Lab {
    name: "semaphore",
    chapter: "Limited concurrency",
    file: "labs/semaphore/src/semaphore.rs",
    hints: include_str!("../../../labs/semaphore/hints.md"),
    extra: Some(ExtraCheck {
        about: "the loom model on your semaphore, every interleaving of a few callers (its own \
                build under --cfg loom: a minute or two the first time)",
        test: "loom",
        rustflags: "--cfg loom",
        target_dir: "target/loom",
    }),
    bar: Some(SpeedBar {
        words: "your Guarded client serves the whole quick-scale stampede (20,000 sessions, 2 \
          registries) within 1.5 × the ideal time",
        solution: || {
            bar(|config| {
                solution_semaphore::Guarded::<solution_semaphore::Semaphore>::new(
                    config.nodes(),
                    config.registries,
                    config.limit,
                )
            })
        },
    }),
};

/// Runs the quick-scale stampede with the guarded client `make` builds for its configuration.
pub fn bar<C: Client>(make: impl Fn(&Config) -> C) -> Result<BarCheck, String> {
    let config = Config::stampede(20_000, 2);
    let client = Arc::new(make(&config));
    // One session first: a client that panics fails here once, not in 20,000 tasks.
    let one = Config {
        sessions: 1,
        background_load: 0.0,
        ..config.clone()
    };
    simulate(&one, Arc::clone(&client)).map_err(|e| format!("a single session failed: {e}"))?;
    let run = simulate(&config, client)?;
    let took = run.figures.time_to_all_served_s;
    let reached = took.is_some_and(|t| t <= TIME_TO_ALL_SERVED_OVER_IDEAL * config.ideal_s());
    let measured = match took {
        Some(t) => format!(
            "all served at {t:.1} s (ideal {:.1} s, bar {TIME_TO_ALL_SERVED_OVER_IDEAL}×)",
            config.ideal_s()
        ),
        None => format!(
            "{:.1} % served by the end (bar: all, within {TIME_TO_ALL_SERVED_OVER_IDEAL}× the \
             ideal {:.1} s)",
            run.figures.served_fraction * 100.0,
            config.ideal_s()
        ),
    };
    Ok(BarCheck { reached, measured })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::units::times;

    #[test]
    fn the_bars_words_state_its_threshold() {
        let words = LAB.bar.as_ref().expect("a speed bar").words;
        let threshold = format!("{} ×", times(TIME_TO_ALL_SERVED_OVER_IDEAL));
        assert!(words.contains(&threshold), "{words}");
    }
}
