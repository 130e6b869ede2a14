//! The scenarios behind the chapters, in book order.

pub mod send_cost;

use crate::scenario::Scenario;

/// Every scenario `workbook reproduce` knows.
pub const ALL: &[&dyn Scenario] = &[&send_cost::SendCost];
