//! Rigs that send into a bare channel: tokio's two mpsc channels, crossbeam's and the standard
//! library's.
//!
//! Why they are here, beside the cluster: a cluster send is a push onto such a channel plus the
//! cluster's own work (resolving the pid, and for another node encode, link and decode). These
//! rows give the floor under it, and show what a choice of channel costs by itself.

use std::sync::mpsc as std_mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;
use tokio::sync::mpsc as tokio_mpsc;

use crate::send_cost::measure::event::Presence;
use crate::send_cost::measure::rigs::{Received, SendRig, Via};

/// Capacity of the bounded tokio channel: large enough that a draining receiver rarely makes the
/// sender wait, small enough to be a real bound.
pub const BOUNDED_CAPACITY: usize = 1024;

fn one_worker_runtime() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
}

/// tokio's unbounded channel, drained by a task.
pub(super) struct TokioUnbounded {
    /// Runs the receiver task; dropping it stops the receiver.
    _runtime: Runtime,
    tx: tokio_mpsc::UnboundedSender<Presence>,
    received: Received,
    sent: u64,
}

impl TokioUnbounded {
    /// A channel with its receiver task running on a one-worker runtime.
    pub(super) fn new() -> std::io::Result<Self> {
        let runtime = one_worker_runtime()?;
        let (tx, mut rx) = tokio_mpsc::unbounded_channel();
        let received = Received::default();
        let counter = received.clone();
        runtime.spawn(async move {
            while let Some(event) = rx.recv().await {
                counter.take(event);
            }
        });
        Ok(TokioUnbounded {
            _runtime: runtime,
            tx,
            received,
            sent: 0,
        })
    }
}

impl SendRig for TokioUnbounded {
    fn via(&self) -> Via {
        Via::TokioUnbounded
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let start = Instant::now();
        for seq in 0..n {
            self.tx
                .send(Presence::numbered(seq))
                .map_err(|_| "tokio receiver gone")?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }
}

/// tokio's bounded channel ([`BOUNDED_CAPACITY`]), drained by a task, fed by an async sender.
pub(super) struct TokioBounded {
    runtime: Runtime,
    tx: tokio_mpsc::Sender<Presence>,
    received: Received,
    sent: u64,
}

impl TokioBounded {
    /// A channel with its receiver task running on a one-worker runtime.
    pub(super) fn new() -> std::io::Result<Self> {
        let runtime = one_worker_runtime()?;
        let (tx, mut rx) = tokio_mpsc::channel(BOUNDED_CAPACITY);
        let received = Received::default();
        let counter = received.clone();
        runtime.spawn(async move {
            while let Some(event) = rx.recv().await {
                counter.take(event);
            }
        });
        Ok(TokioBounded {
            runtime,
            tx,
            received,
            sent: 0,
        })
    }
}

impl SendRig for TokioBounded {
    fn via(&self) -> Via {
        Via::TokioBounded
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let tx = self.tx.clone();
        // The sender is an async task, as it would be in a tokio program; `send` waits when full.
        let spent = self.runtime.block_on(async move {
            let start = Instant::now();
            for seq in 0..n {
                tx.send(Presence::numbered(seq))
                    .await
                    .map_err(|_| "tokio receiver gone")?;
            }
            Ok::<_, String>(start.elapsed())
        })?;
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }
}

/// A receiver on a plain thread, for the two thread-based channels.
pub(super) struct ThreadRig<S> {
    via: Via,
    tx: Option<S>,
    send: fn(&S, Presence) -> Result<(), ()>,
    receiver: Option<JoinHandle<()>>,
    received: Received,
    sent: u64,
}

impl<S> SendRig for ThreadRig<S> {
    fn via(&self) -> Via {
        self.via
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let key = self.key();
        let tx = self
            .tx
            .as_ref()
            .expect("a rig's sender lives as long as the rig");
        let start = Instant::now();
        for seq in 0..n {
            (self.send)(tx, Presence::numbered(seq)).map_err(|_| format!("{key} receiver gone"))?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, key)?;
        Ok(spent)
    }
}

impl<S> Drop for ThreadRig<S> {
    fn drop(&mut self) {
        drop(self.tx.take()); // closes the channel: the receiver's loop ends
        if let Some(receiver) = self.receiver.take() {
            let _ = receiver.join();
        }
    }
}

impl<S> ThreadRig<S> {
    /// Starts a receiver thread draining `rx` and returns the rig that sends through `tx`.
    fn start<R>(via: Via, tx: S, rx: R, send: fn(&S, Presence) -> Result<(), ()>) -> Self
    where
        R: IntoIterator<Item = Presence> + Send + 'static,
    {
        let received = Received::default();
        let counter = received.clone();
        let receiver = thread::spawn(move || {
            for event in rx {
                counter.take(event);
            }
        });
        ThreadRig {
            via,
            tx: Some(tx),
            send,
            receiver: Some(receiver),
            received,
            sent: 0,
        }
    }
}

/// The `crossbeam-channel` unbounded channel.
pub(super) fn crossbeam() -> ThreadRig<crossbeam_channel::Sender<Presence>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    ThreadRig::start(Via::Crossbeam, tx, rx, |tx, event| {
        tx.send(event).map_err(drop)
    })
}

/// The standard library's `mpsc::channel`.
pub(super) fn std_mpsc() -> ThreadRig<std_mpsc::Sender<Presence>> {
    let (tx, rx) = std_mpsc::channel();
    ThreadRig::start(Via::StdMpsc, tx, rx, |tx, event| {
        tx.send(event).map_err(drop)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::units::group_digits;

    #[test]
    fn the_bounded_channels_label_names_its_capacity() {
        let label = Via::TokioBounded.facts().label;
        assert!(
            label.contains(&group_digits(BOUNDED_CAPACITY as u64)),
            "{label}"
        );
    }
}
