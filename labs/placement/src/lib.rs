//! Lab "Other ways to place a key": you write Maglev's lookup table in [`maglev`], the only file
//! of this crate you edit.
//!
//! Everything given (the [`Placement`](placement_kit::Placement) trait, the ring, jump,
//! rendezvous, multi-probe and bounded-load ways, the measures and the suite) is in the
//! `placement-kit` crate, `labs/placement/kit/`. Nothing else in the workspace compiles this
//! crate, so while your file does not compile, only `cargo test -p lab-placement` says so.
//!
//! - `cargo test -p lab-placement`: the suite on your table;
//! - `cargo run --release -- labs`: the suite, then the speed bar;
//! - `cargo run --release -- hint placement`: the next hint.

pub mod maglev;
