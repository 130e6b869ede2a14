//! The scenarios behind the chapters, in book order.

pub mod fanout;
pub mod ring;
pub mod send_cost;
pub mod stampede;

use crate::scenario::Scenario;

/// Every scenario `workbook reproduce` knows.
pub const ALL: &[&dyn Scenario] = &[
    &send_cost::SendCost,
    &fanout::FanoutScenario,
    &ring::RingStorm,
    &stampede::Stampede,
    &stampede::Outage,
];
