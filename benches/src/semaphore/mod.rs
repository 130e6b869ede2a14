//! The limited-concurrency bottleneck (chapter "Limited concurrency"): the `stampede` and
//! `outage` scenarios, the gates they compare, the lab's grading and every threshold.

pub mod bars;
pub mod lab;
pub mod rigs;
pub mod stampede;
pub mod warmup;
