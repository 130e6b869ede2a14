//! arc-swap's own cached reader (`arc_swap::Cache`), beside the hand-written [`CachedReader`](crate::CachedReader).
//!
//! Cached readers: a thread keeps its own `Arc` of the value and reloads only after a put.
//!
//! A plain `load` is already cheap, but it still writes: arc-swap records a debt in a per-thread
//! slot and pays it off when the guard drops. A cached reader holds a full `Arc` of its own, so a
//! read is one load of a shared word that only a put ever writes, a compare, and a borrow. The
//! price: the reader keeps the value it last saw alive (and its memory allocated) until its next
//! read after a put, or until it is dropped, however long that is.
//!
//! [`CachedReader`](crate::CachedReader) checks a version counter the global bumps after each put.
//! `arc_swap::Cache` ([`ArcSwapCached`]) compares the cell's current pointer with its own instead;
//! the two cost the same on the hot path, and the storm measures both.

use std::ops::Deref;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use arc_swap::cache::Cache;
use ring_kit::{Cached, Global};

use crate::fastglobal::{Cell, FastGlobal};

/// A [`FastGlobal`] whose cached readers are `arc_swap::Cache`s instead of [`CachedReader`](crate::CachedReader)s.
pub struct WithArcSwapCache<T>(pub FastGlobal<T>);

impl<T> Clone for WithArcSwapCache<T> {
    fn clone(&self) -> Self {
        WithArcSwapCache(self.0.clone())
    }
}

/// Lets `arc_swap::Cache` reach the cell's `ArcSwapOption` through the handle's `Arc`.
pub struct CellRef<T>(Arc<Cell<T>>);

impl<T> Deref for CellRef<T> {
    type Target = ArcSwapOption<T>;
    fn deref(&self) -> &ArcSwapOption<T> {
        &self.0.value
    }
}

// ANCHOR: arc_swap_cache
/// `arc_swap::Cache`: keeps an `Arc`, reloads when the cell's pointer changed.
pub struct ArcSwapCached<T>(Cache<CellRef<T>, Option<Arc<T>>>);

impl<T: Send + Sync + 'static> Cached<T> for ArcSwapCached<T> {
    fn get(&mut self) -> Option<&T> {
        self.0.load().as_deref()
    }
}
// ANCHOR_END: arc_swap_cache

impl<T: Send + Sync + 'static> Global<T> for WithArcSwapCache<T> {
    type Cached = ArcSwapCached<T>;

    fn named(name: &str) -> Self {
        WithArcSwapCache(FastGlobal::named(name))
    }

    fn put(&self, value: T) {
        self.0.put(value);
    }

    fn with<R>(&self, read: impl FnOnce(&T) -> R) -> Option<R> {
        self.0.with(read)
    }

    fn cached(&self) -> ArcSwapCached<T> {
        ArcSwapCached(Cache::new(CellRef(Arc::clone(&self.0.cell))))
    }
}
