//! Reply slots: where a call's reply lands, and the table that finds one from a reply frame.
//!
//! A slot is shared by the caller, its request and, once the request has been encoded to cross a
//! link, the caller node's table of filed slots. Whoever fills it first wins: the reply (counted as
//! a reply) or the caller closing it on timeout (a reply after that is counted as wasted). One
//! mutex per slot keeps the two from crossing: a slot is only ever touched by one caller and
//! one callee, so it is never contended for long.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::call::Filed;
use crate::codec::{self, Message};
use crate::error::{CallError, CallerGone};
use crate::pid::NodeId;
use crate::stats::Counters;

/// Where one call's reply lands: shared by the caller, its request, and the caller node's table
/// once the request has been encoded.
pub(crate) struct Slot<R> {
    inner: Mutex<SlotState<R>>,
    /// The caller node's table, to file the slot in if the request is encoded.
    table: Arc<Replies>,
    caller: NodeId,
}

struct SlotState<R> {
    reply: Reply<R>,
    /// The caller, once it has waited.
    waker: Option<Waker>,
    /// The slot's reference in `table`, once filed.
    filed: Option<u64>,
}

enum Reply<R> {
    Awaited,
    Arrived(Result<R, CallError>),
    /// The caller took its reply or gave up: a reply now is wasted work.
    Closed,
}

impl<R> Slot<R> {
    pub(crate) fn new(table: Arc<Replies>, caller: NodeId) -> Arc<Self> {
        Arc::new(Slot {
            inner: Mutex::new(SlotState {
                reply: Reply::Awaited,
                waker: None,
                filed: None,
            }),
            table,
            caller,
        })
    }

    fn lock(&self) -> MutexGuard<'_, SlotState<R>> {
        // Every operation leaves the state whole: a panic elsewhere cannot break it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn is_waiting(&self) -> bool {
        matches!(self.lock().reply, Reply::Awaited)
    }

    /// Hands `reply` to the caller if it still waits, and counts it: as a reply, or as wasted.
    pub(crate) fn fill(
        &self,
        reply: Result<R, CallError>,
        counters: &Counters,
    ) -> Result<(), CallerGone> {
        let mut state = self.lock();
        if !matches!(state.reply, Reply::Awaited) {
            drop(state);
            Counters::bump(&counters.wasted);
            return Err(CallerGone);
        }
        state.reply = Reply::Arrived(reply);
        // Counted before the caller can see it, so a caller that returns sees its reply counted.
        Counters::bump(&counters.replies);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// The caller's side: the reply if it has arrived (the slot then closes), else remember who to
    /// wake.
    pub(crate) fn poll_reply(&self, cx: &mut Context<'_>) -> Poll<Result<R, CallError>> {
        let mut state = self.lock();
        match std::mem::replace(&mut state.reply, Reply::Closed) {
            Reply::Arrived(reply) => Poll::Ready(reply),
            waiting => {
                state.reply = waiting;
                if !state
                    .waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    state.waker = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }

    /// Closes the slot: the reply if it arrived just in time, `None` if the caller gives up.
    pub(crate) fn close(&self) -> Option<Result<R, CallError>> {
        let mut state = self.lock();
        let reply = std::mem::replace(&mut state.reply, Reply::Closed);
        let filed = state.filed;
        drop(state);
        if let Some(reference) = filed {
            self.table.remove(reference); // no reply frame will look for it now
        }
        match reply {
            Reply::Arrived(reply) => Some(reply),
            Reply::Awaited | Reply::Closed => None,
        }
    }
}

impl<R: Message> Slot<R> {
    /// Files the slot in its node's table (once) and returns where a reply frame finds it.
    pub(crate) fn file(slot: &Arc<Self>) -> Filed {
        let mut state = slot.lock();
        let reference = match state.filed {
            Some(reference) => reference,
            None => {
                let reference = slot.table.file(Arc::clone(slot) as Arc<dyn Awaiting>);
                state.filed = Some(reference);
                reference
            }
        };
        Filed {
            node: slot.caller,
            reference,
        }
    }
}

/// A filed slot, whatever its reply's type: what a reply frame needs to land.
pub(crate) trait Awaiting: Send + Sync {
    /// Decodes the reply into the slot; see [`Slot::fill`].
    fn fill_encoded(&self, payload: &[u8], counters: &Counters) -> Result<(), CallerGone>;
    fn is_waiting(&self) -> bool;
}

impl<R: Message> Awaiting for Slot<R> {
    fn fill_encoded(&self, payload: &[u8], counters: &Counters) -> Result<(), CallerGone> {
        let reply = codec::decode(payload).map_err(|_| CallError::BadReply);
        self.fill(reply, counters)
    }

    fn is_waiting(&self) -> bool {
        Slot::is_waiting(self)
    }
}

/// One node's table of filed slots: the calls whose request crossed a link.
#[derive(Default)]
pub(crate) struct Replies {
    next: AtomicU64,
    filed: Mutex<HashMap<u64, Arc<dyn Awaiting>>>,
}

impl Replies {
    pub(crate) fn file(&self, slot: Arc<dyn Awaiting>) -> u64 {
        let reference = self.next.fetch_add(1, Relaxed);
        self.lock().insert(reference, slot);
        reference
    }

    pub(crate) fn remove(&self, reference: u64) {
        self.lock().remove(&reference);
    }

    pub(crate) fn is_waiting(&self, reference: u64) -> bool {
        let slot = self.lock().get(&reference).cloned();
        slot.is_some_and(|slot| slot.is_waiting())
    }

    /// A reply frame arrived for `reference`: hands it to the slot and counts it, or counts it as
    /// wasted if nobody waits.
    pub(crate) fn complete(
        &self,
        reference: u64,
        payload: &[u8],
        counters: &Counters,
    ) -> Result<(), CallerGone> {
        let slot = self.lock().remove(&reference);
        match slot {
            Some(slot) => slot.fill_encoded(payload, counters),
            None => {
                Counters::bump(&counters.wasted);
                Err(CallerGone)
            }
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<dyn Awaiting>>> {
        // A panic while holding this lock leaves the map consistent (every operation is one call).
        self.filed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
