//! The labs, as `workbook labs` and `workbook hint` see them: how a lab is described, and how it
//! is graded without ever compiling the reader's file into this crate.
//!
//! A reader's file that does not compile yet is the most common state of a lab, so nothing here
//! links against it. Grading runs cargo on the lab crate, one step at a time, in a subprocess:
//!
//! 1. **build**: `cargo test --no-run`; a compile error is the lab's status (its first error);
//! 2. **suite**: `cargo test`; each failing check is named, with the first lines of its message;
//! 3. **bar**: `cargo run --example bar` (the lab crate's example calls the bottleneck's `bar`
//!    function on the reader's type), which prints what it measured and exits 0 when the bar is
//!    reached, 1 when it is not.
//!
//! `workbook reset <lab>` writes the skeleton back over the reader's file, from the pristine copy
//! in the lab's kit that the book shows (see [`reset()`]).
//!
//! The reference solutions are graded the same way (`workbook labs --solutions`), except that their
//! bar is measured in this process: this crate depends on them, never on the lab crates.

mod grade;
mod reset;
mod spec;

pub use self::grade::{FailedCheck, Side, Status, describe, failed_checks, first_error, grade};
pub use self::reset::{Reset, reset};
pub use self::spec::{
    BarCheck, ExtraCheck, Hint, Lab, SpeedBar, find, hints_shown, parse_hints, set_hints_shown,
    workspace,
};

#[cfg(test)]
mod tests;
