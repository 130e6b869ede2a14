//! Every rung in the BEAM's two shapes, each caller a task on a node: the storm, one task per
//! session released at once, and the lone readers, one task per worker looping lookups. And the
//! rule every storm of the folder is repeated by ([`median_of`]).
//!
//! The thread storms of `storm.rs` measure the access with nothing else in the way; these measure
//! it as the BEAM side does, with a process (here a task) per caller, so each row of the shapes
//! table sets like beside like.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ring_kit::RingRead;
use ring_kit::naive::Actor;
use ring_kit::storm::StormRun;
use tokio::runtime::Handle;

use super::setup::{Setup, Shapes};

/// A shared read in both shapes, its tasks on `node` (a node's runtime, `setup.threads` workers).
pub fn shared_read<A: RingRead + 'static>(
    setup: &Setup,
    access: &Arc<A>,
    node: &Handle,
) -> Result<Shapes, String> {
    Ok(Shapes {
        storm: median_of(|| setup.storm.run_tasks(access, node, true))?,
        storm_sessions: setup.storm.sessions(),
        storm_lookups: setup.storm.lookups(),
        alone: median_of(|| setup.sweep.run_alone(access, node, setup.threads))?,
        alone_lookups: setup.sweep.lookups(),
    })
}

/// The ring process in both shapes, its callers on its own node. Its storm is the prehashed one
/// `storm.rs` measured when every session called at once; otherwise it runs again so.
pub fn ring_process(
    setup: &Setup,
    actor: &Arc<Actor>,
    prehashed: StormRun,
) -> Result<Shapes, String> {
    let sessions = setup.storm.sessions();
    let storm = if setup.callers == sessions {
        prehashed
    } else {
        median_of(|| setup.storm.run_actor(actor, sessions, true))?
    };
    Ok(Shapes {
        storm,
        storm_sessions: sessions,
        storm_lookups: setup.storm.lookups(),
        alone: median_of(|| setup.sweep.run_actor_alone(actor, setup.threads))?,
        alone_lookups: setup.sweep.lookups(),
    })
}

/// Runs a storm an odd number of times, up to 7, until half a second has been spent, and keeps
/// the median run. A storm through a shared read takes a few tens of milliseconds, so a single run
/// is at the mercy of one pause by the OS; the slow strategies take seconds and run once.
pub fn median_of(mut storm: impl FnMut() -> StormRun) -> Result<StormRun, String> {
    let (began, mut runs) = (Instant::now(), Vec::new());
    while runs.len() < 7 && (runs.len() % 2 == 0 || began.elapsed() < Duration::from_millis(500)) {
        runs.push(storm());
    }
    if runs.iter().any(|run| run.digest != runs[0].digest) {
        return Err("a storm gave other owners when it was run again".into());
    }
    runs.sort_by_key(|run| run.elapsed);
    Ok(runs[runs.len() / 2])
}
