//! Lab "Fast access shared data": you write FastGlobal in [`fastglobal`], the only file of this
//! crate you edit.
//!
//! Everything given (the ring, the [`Global`](ring_kit::Global) contract, the naive strategies, the
//! storm and the suite) is in the `ring-kit` crate, `labs/ring/kit/`. Nothing else in the workspace
//! compiles this crate, so while your file does not compile, only `cargo test -p lab-ring` says so.
//!
//! - `cargo test -p lab-ring`: the suite, on the naive strategies and on yours;
//! - `cargo run --release -- labs`: the suite, then the speed bar;
//! - `cargo run --release -- hint ring`: the next hint.

pub mod fastglobal;
