//! Lab "Fanout": you write Manifold in [`manifold`], the only file of this crate you edit.
//!
//! Everything given (the [`Fanout`](fanout_kit::Fanout) trait, the naive strategy, the suite and the
//! rig) is in the `fanout-kit` crate, `labs/fanout/kit/`. Nothing else in the workspace compiles
//! this crate, so while your file does not compile, only `cargo test -p lab-fanout` says so.
//!
//! - `cargo test -p lab-fanout`: the suite, on the naive strategy and on yours;
//! - `cargo run --release -- labs`: the suite, then the speed bar;
//! - `cargo run --release -- hint fanout`: the next hint.

pub mod manifold;
