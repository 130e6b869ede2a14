//! The limited-concurrency lab as `workbook labs` and `workbook hint semaphore` see it.

use std::sync::Arc;

use lab_semaphore::model::{Config, simulate};
use lab_semaphore::semaphore::{Guarded, Semaphore};

use crate::labs::{BarCheck, Lab};

/// The lab's registration.
pub const LAB: Lab = Lab {
    name: "semaphore",
    title: "Limited concurrency: a semaphore that makes callers bail early",
    crate_name: "lab-semaphore",
    file: "labs/semaphore/src/semaphore.rs",
    hints: &[
        "try_acquire is a loop around one compare_exchange on in_flight: read the count, give up if \
         it is already at max, otherwise try to swap in count + 1. If another thread got there first, \
         compare_exchange tells you the count it saw: look again with that.",
        "Compare with `>=`, not `==`: after set_max lowers the limit, the count can be above it, and a \
         count above the limit must refuse (that is Discord's open bug #6).",
        "The Permit holds a reference to its semaphore; Drop for Permit does one fetch_sub. Drop runs \
         while a panic unwinds too, so call(f) needs nothing more than holding a permit while f runs.",
        "Guarded::call: `let Some(_permit) = self.semaphore(node, registry).try_acquire() else { return \
         Outcome::Rejected };` then await `call_registry(..)`. Name the permit `_permit`, not `_`: `_` \
         drops it at once.",
        "Orderings: Acquire on the successful compare_exchange and Release on the fetch_sub pair the \
         end of one holder's work with the start of the next; Relaxed is enough for the failed reads.",
    ],
    bar: "all checks green (`cargo test -p lab-semaphore`), and your Guarded client serves the whole \
          quick-scale stampede (20,000 sessions, 2 registries) within 1.5 × the ideal time",
    check_bar,
};

fn check_bar() -> Result<BarCheck, String> {
    let config = Config::stampede(20_000, 2);
    let client = Arc::new(Guarded::<Semaphore>::new(
        config.nodes(),
        config.registries,
        config.limit,
    ));
    // One session first: a client that panics fails here once, not in 20,000 tasks.
    let one = Config {
        sessions: 1,
        background_load: 0.0,
        ..config.clone()
    };
    simulate(&one, Arc::clone(&client)).map_err(|e| format!("a single session failed: {e}"))?;
    let run = simulate(&config, client)?;
    let took = run.figures.time_to_all_served_s;
    let reached = took.is_some_and(|t| t <= 1.5 * config.ideal_s());
    let measured = match took {
        Some(t) => format!(
            "all served at {t:.1} s (ideal {:.1} s, bar 1.5×)",
            config.ideal_s()
        ),
        None => format!(
            "{:.1} % served by the end",
            run.figures.served_fraction * 100.0
        ),
    };
    Ok(BarCheck { reached, measured })
}
