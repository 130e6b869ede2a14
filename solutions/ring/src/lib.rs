//! The reference answer to the ring lab: FastGlobal on `arc-swap`.
//!
//! - [`fastglobal`] (the file the lab has you write): [`FastGlobal`], a named global. A registry
//!   (a map behind a mutex) is touched only when a handle is made; the handle holds the cell
//!   itself, an `Arc` of an [`arc_swap::ArcSwapOption`], so a read is one `load`: no lock, no copy,
//!   no name lookup. [`CachedReader`], written by hand: a thread's own `Arc` of the value and the
//!   version it was loaded at; a read checks one shared counter that only a put changes.
//! - [`arc_swap_cache`]: [`ArcSwapCached`], the same idea from the library (`arc_swap::Cache`,
//!   which compares the cell's pointer instead), behind [`WithArcSwapCache`] so the two can be
//!   measured side by side.
//!
//! The kit's adapters ([`ring_kit::Published`], [`ring_kit::PublishedCached`]) turn these into
//! ring strategies: one read of the global per session, for all of its lookups.

pub mod arc_swap_cache;
pub mod fastglobal;

pub use crate::arc_swap_cache::{ArcSwapCached, WithArcSwapCache};
pub use crate::fastglobal::{CachedReader, FastGlobal};
