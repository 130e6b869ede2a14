//! The thresholds of the send-cost scenario and of CI's instruction-count gate on
//! `cargo bench --bench send_instructions` (`workbook registry` prints them for CI).

/// Instructions for 100 sends: a remote send ÷ a local one, more than this (CI).
pub const INSTRUCTIONS_REMOTE_OVER_LOCAL: f64 = 1.0;
