//! **Your file.** FastGlobal: a named global with lock-free, copy-free reads.
//!
//! Discord's FastGlobal (after mochiglobal) stores a value by compiling a module whose one function
//! returns it as a literal: the BEAM keeps literals in a shared area, so `get` neither locks nor
//! copies. `put` is slow (a compile and a code load, up to a second for the ring), and that is the
//! trade: the ring changes a few times a day and is read millions of times.
//!
//! In Rust the shared area is an `Arc<T>`, and the "module" is an atomic cell holding the current
//! `Arc`. Readers borrow the value through the cell without taking a lock and without cloning
//! anything but (at most) a pointer; a put swaps in a new `Arc` and the old value is freed when
//! its last reader lets go. You need:
//!
//! 1. **A registry** from names to globals, so that every `FastGlobal::named("ring")`, from any
//!    thread, gets a handle on the same cell. It is touched only by `named`, never by a read:
//!    that is the point of the handle (FastGlobal's answer to building the module name, an atom,
//!    on every call). Two threads naming a new global at the same moment must end up sharing one.
//! 2. **The handle** ([`FastGlobal`]): the cell for one name. `put` replaces, `with` reads.
//!    A name nobody has put yet reads as `None`, not a panic (FastGlobal's `get` returns `nil`).
//! 3. **A cached reader** ([`CachedReader`]): one thread's own `Arc` of the current value, so a read
//!    touches no shared reference count; it checks something cheap (a version number, or the
//!    cell's pointer) and reloads only when a put replaced the value.
//!
//! `arc_swap::ArcSwapOption` is a dependency of this crate. Read its docs: `load`, `store`, and
//! what a `Guard` costs. `cargo test -p lab-ring` runs the suite on this file; `workbook labs`
//! measures it against the bar (at least 20 times faster than copying the ring out).

use std::marker::PhantomData;
use std::sync::Arc;

use ring_kit::{Cached, Global};

// ANCHOR: skeleton
/// A handle on the global called by some name. Cheap to clone; every clone sees the same value.
pub struct FastGlobal<T> {
    // Replace with what a handle holds.
    _value: PhantomData<fn() -> Arc<T>>,
}

impl<T> Clone for FastGlobal<T> {
    fn clone(&self) -> Self {
        todo!("a handle clones cheaply: share the cell")
    }
}

impl<T: Send + Sync + 'static> Global<T> for FastGlobal<T> {
    type Cached = CachedReader<T>;

    fn named(name: &str) -> Self {
        let _ = name;
        todo!("find the global called `name` in the registry, or create it")
    }

    fn put(&self, value: T) {
        let _ = value;
        todo!("replace the value: readers never wait for this")
    }

    fn with<R>(&self, read: impl FnOnce(&T) -> R) -> Option<R> {
        let _ = read;
        todo!("borrow the current value without a lock and without copying it")
    }

    fn cached(&self) -> CachedReader<T> {
        todo!("a reader that keeps its own Arc of the current value")
    }
}

/// One thread's reader of a [`FastGlobal`], holding the value it last saw.
pub struct CachedReader<T> {
    // Replace with what a cached reader keeps.
    _value: PhantomData<fn() -> Arc<T>>,
}

impl<T: Send + Sync + 'static> Cached<T> for CachedReader<T> {
    fn get(&mut self) -> Option<&T> {
        todo!("check cheaply whether a put replaced the value; reload only then")
    }
}
// ANCHOR_END: skeleton
