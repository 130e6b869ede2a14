//! The blog's semaphore as a limiter: its limit is `settings.initial`, forever.
//!
//! Discord sized its semaphore by hand for the registries' normal capacity. Behind a [`Gate`]
//! this is exactly that semaphore: a caller finds the limit reached and bails at once. It is the
//! baseline every adaptive limiter is measured against, and still the right answer where the
//! capacity does not move (see the chapter "Beyond a fixed limit").
//!
//! [`Gate`]: crate::gate::Gate

use crate::{AdaptiveLimiter, Sample, Settings};

/// A limit that never moves.
#[derive(Clone, Copy, Debug)]
pub struct Fixed {
    limit: f64,
}

impl AdaptiveLimiter for Fixed {
    fn new(settings: &Settings) -> Self {
        Fixed {
            limit: settings.initial,
        }
    }

    fn limit(&self) -> f64 {
        self.limit
    }

    fn on_sample(&self, _: &Sample) {}
}
