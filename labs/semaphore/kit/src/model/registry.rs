//! A guild registry: one process, FIFO, a fixed amount of work per call.
//!
//! It does what Discord's did: take the next request, do the work, reply. It never checks whether
//! the caller is still waiting (it could not, on the BEAM), so a request whose caller timed out
//! costs exactly as much as a fresh one. That is the sustaining loop of the collapse.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use cluster::Process;
use tokio::time::{Instant, sleep, sleep_until};

use super::metrics::Metrics;
use crate::Lookup;

/// Serves lookups until the simulation ends. `outage` is `(start, end)` in virtual time, during
/// which the registry serves nothing.
// ANCHOR: registry
pub(crate) async fn serve(
    mut inbox: Process<Lookup>,
    index: usize,
    service_time: Duration,
    outage: Option<(Instant, Instant)>,
    tick: Duration,
    metrics: Arc<Metrics>,
) {
    while let Some(request) = inbox.recv().await {
        metrics.queues[index].store(inbox.backlog() + 1, Relaxed);
        if let Some((start, end)) = outage {
            while (start..end).contains(&Instant::now()) {
                // Stopped; wakes each tick to report its queue.
                sleep_until(end.min(Instant::now() + tick)).await;
                metrics.queues[index].store(inbox.backlog() + 1, Relaxed);
            }
        }
        sleep(service_time).await; // the work, done whether or not anyone still waits
        let guild = request.body;
        let _ = request.reply(inbox.node(), guild.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        metrics.queues[index].store(inbox.backlog(), Relaxed);
    }
}
// ANCHOR_END: registry
