//! What one run of the model is given besides the population: the combination of fixes, the
//! costs in the model's units ([`Scaled`]), the semaphore's limit, the stampede's rules and the
//! sampling.

use std::time::Duration;

use super::strategy::Strategy;
use crate::reconnect::costs::Costs;

/// Everything one run depends on besides the population. The same config and population always
/// give the same run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The combination of fixes.
    pub strategy: Strategy,
    /// What each step costs in virtual time (already scaled).
    pub costs: Scaled,
    /// Calls in flight per (session node, registry) the semaphore allows (simulated calls).
    pub limit: usize,
    /// How long a session waits for any reply.
    pub call_timeout: Duration,
    /// Wait before retrying a failed call...
    pub backoff: Duration,
    /// ... give or take this fraction of it.
    pub jitter: f64,
    /// How long to simulate.
    pub duration: Duration,
    /// How often queues are sampled.
    pub tick: Duration,
    /// Keep one timeline point every this many ticks.
    pub keep_every: usize,
    /// Seed of the sessions' backoff jitter.
    pub seed: u64,
}

/// The costs as the model charges them: each multiplied by the population's scale (a simulated
/// session stands for `scale` real ones), in seconds of virtual time.
#[derive(Clone, Copy, Debug)]
pub struct Scaled {
    /// A lookup at the ring process.
    pub ring_lookup: f64,
    /// A FastGlobal lookup in the session.
    pub fastglobal_lookup: f64,
    /// A call served by a registry or a guild.
    pub call: f64,
    /// One send to one member.
    pub send: f64,
    /// One Manifold send to a node.
    pub node_send: f64,
    /// Per receiver in a Manifold send.
    pub per_receiver: f64,
}

impl Scaled {
    /// `costs` × `scale`, in seconds.
    pub fn new(costs: &Costs, scale: f64) -> Scaled {
        let s = |ns: f64| ns * 1e-9 * scale;
        Scaled {
            ring_lookup: s(costs.ring_lookup_ns),
            fastglobal_lookup: s(costs.fastglobal_lookup_ns),
            call: s(costs.call_ns),
            send: s(costs.send_ns),
            node_send: s(costs.node_send_ns),
            per_receiver: s(costs.per_receiver_ns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconnect::costs::blog;

    #[test]
    fn scaling_multiplies_every_cost() {
        let scaled = Scaled::new(&blog().costs, 250.0);
        assert!((scaled.ring_lookup - 0.003).abs() < 1e-12);
        assert!((scaled.send - 0.0125).abs() < 1e-12);
        assert_eq!(scaled.per_receiver, 0.0);
    }
}
