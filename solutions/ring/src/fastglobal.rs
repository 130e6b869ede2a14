//! `FastGlobal<T>`: a registry of named cells, handles that skip it, and a cached reader.
//!
//! FastGlobal compiles a module per key, and `FastGlobal.new(:ring)` returns the module's name so
//! that a hot path does not build it (an atom) on every call. Here the registry maps a name to its
//! cell; [`Global::named`] looks it up once, and the handle keeps an `Arc` of the cell. Reads go
//! straight to the cell: `ArcSwapOption::load` borrows the current `Arc` without touching its
//! reference count (arc-swap records a "debt" in a per-thread slot instead), so readers on many
//! cores do not fight over one cache line, and a put never makes them wait.
//!
//! [`CachedReader`] keeps a thread's own `Arc` of the value and the version it was loaded at; a
//! read checks one shared counter that only a put changes, and reloads only after a put.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use arc_swap::ArcSwapOption;
use ring_kit::{Cached, Global};

// ANCHOR: cell
/// One named global: the value, and a version bumped by every put.
pub(crate) struct Cell<T> {
    pub(crate) value: ArcSwapOption<T>,
    /// Changes only when a put replaced the value: what a cached reader checks.
    pub(crate) version: AtomicU64,
    /// Puts are rare; serializing them keeps the version order the order of the values.
    writer: Mutex<()>,
}

/// Every named global of the process, by value type and name. Locked only to make a handle.
type Registry = Mutex<HashMap<(TypeId, String), Arc<dyn Any + Send + Sync>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}
// ANCHOR_END: cell

/// A handle on a named global. Clones share the cell.
pub struct FastGlobal<T> {
    pub(crate) cell: Arc<Cell<T>>,
}

impl<T> Clone for FastGlobal<T> {
    fn clone(&self) -> Self {
        FastGlobal {
            cell: Arc::clone(&self.cell),
        }
    }
}

// ANCHOR: global
impl<T: Send + Sync + 'static> Global<T> for FastGlobal<T> {
    type Cached = CachedReader<T>;

    fn named(name: &str) -> Self {
        let mut globals = registry().lock().unwrap_or_else(PoisonError::into_inner);
        let cell = globals
            .entry((TypeId::of::<T>(), name.to_owned()))
            .or_insert_with(|| {
                Arc::new(Cell::<T> {
                    value: ArcSwapOption::empty(),
                    version: AtomicU64::new(0),
                    writer: Mutex::new(()),
                })
            });
        let cell = Arc::clone(cell)
            .downcast::<Cell<T>>()
            .expect("the registry is keyed by the value's type");
        FastGlobal { cell }
    }

    fn put(&self, value: T) {
        let _one_writer = self
            .cell
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.cell.value.store(Some(Arc::new(value)));
        // After the store: a reader that sees the new version loads at least this value.
        self.cell.version.fetch_add(1, Ordering::Release);
    }

    fn with<R>(&self, read: impl FnOnce(&T) -> R) -> Option<R> {
        let guard = self.cell.value.load();
        guard.as_deref().map(read)
    }

    fn cached(&self) -> CachedReader<T> {
        CachedReader::new(Arc::clone(&self.cell))
    }
}
// ANCHOR_END: global

// ANCHOR: cached
/// One thread's reader of a [`FastGlobal`]: the value it last loaded and that value's version.
pub struct CachedReader<T> {
    cell: Arc<Cell<T>>,
    version: u64,
    value: Option<Arc<T>>,
}

impl<T> CachedReader<T> {
    pub(crate) fn new(cell: Arc<Cell<T>>) -> Self {
        // Version first: a put between the two loads only makes the next read reload again.
        let version = cell.version.load(Ordering::Acquire);
        let value = cell.value.load_full();
        CachedReader {
            cell,
            version,
            value,
        }
    }
}

impl<T: Send + Sync + 'static> Cached<T> for CachedReader<T> {
    fn get(&mut self) -> Option<&T> {
        let now = self.cell.version.load(Ordering::Acquire);
        if now != self.version {
            self.value = self.cell.value.load_full();
            self.version = now;
        }
        self.value.as_deref()
    }
}
// ANCHOR_END: cached
