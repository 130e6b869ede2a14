//! Every threshold of the reconnect scenario, in one place: its checks and CI read them
//! (`workbook registry` prints them).

/// Blog profile, no fix at all (`actor/unguarded/naive`): it serves fewer than this fraction of
/// the sessions.
pub const NOTHING_FIXED_SERVED_BELOW: f64 = 0.5;
/// Blog profile, every fix (`fastglobal/semaphore/manifold`): it serves everyone within this many
/// times the ideal (the time capacity alone allows).
pub const ALL_FIXED_OVER_IDEAL: f64 = 1.5;
/// The whole scenario, every profile and combination, at the default scale: wall seconds.
pub const WALL_S: f64 = 60.0;
