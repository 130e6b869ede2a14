//! The ring scenario's measurement: rigs, loops and what they measured.
//!
//! Each strategy runs the storm hashed and prehashed, then the reader-threads sweep; the ring
//! process also runs the sweep over sessions calling at once; every strategy then runs in the
//! BEAM side's two shapes (a task per session, a task per worker); every strategy that can take a
//! new ring is timed publishing one while readers run. The shared reads that should cost what a raw
//! `&Ring` costs are then run in turns with it, because a few nanoseconds a lookup is less than
//! what a shared machine changes from one moment to the next.
//!
//! | file | what |
//! | --- | --- |
//! | `setup.rs` | the strategies, the shape of a run, what each strategy measured: read by every file |
//! | `storm.rs` | the storms, the sweeps, the shared reads against the floor |
//! | `shapes.rs` | every rung in the BEAM's two shapes: a task per session, a task per worker |
//! | `updates.rs` | publishing new rings while readers run |
//!
//! This file only names the others: nothing is defined here, so no file of the folder imports
//! its parent.

mod setup;
mod shapes;
mod storm;
mod updates;

pub use self::setup::{Measured, Measurements, Setup, Shapes, Strategy, Updates};
pub use self::storm::{all, sweep_threads};
