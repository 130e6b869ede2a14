//! Loopback TCP links: the same frames, over the kind of wire distributed Erlang uses.
//!
//! Two BEAM nodes talk over one TCP connection (`inet_tcp_dist`), even when both run on one
//! machine. With [`Transport::Tcp`](crate::Transport::Tcp) the cluster does the same: every pair of
//! nodes gets one connection on 127.0.0.1 (ephemeral ports), and each direction of it carries one
//! link. A remote send still only pushes the encoded frame onto the link's queue, exactly as in
//! memory, and returns. Then:
//!
//! 1. a **writer** task on the sending node drains the queue into a [`BufWriter`] over the socket
//!    and flushes when the queue is empty. One `write(2)` carries every frame that piled up
//!    meanwhile: one or two when the sender is slow, a whole buffer when it floods;
//! 2. the kernel copies the bytes into the socket buffer, passes them through the loopback device
//!    and wakes the far node's runtime (epoll);
//! 3. a **reader** task on the far node reads them back out (a second copy), cuts them into frames
//!    and delivers each one exactly as the in-memory reader does (`link::deliver`).
//!
//! So a real wire adds, per batch, a system call on each side, two copies through the kernel and
//! the wakeups in between, paid on the two nodes' own threads, as a BEAM node's schedulers pay them.
//! That is the cost the memory transport leaves out, and why comparing the cluster with distributed
//! Erlang wants this one.
//!
//! **Nagle.** By default TCP holds back a small segment while an earlier one is still
//! unacknowledged, to merge it with what comes next (Nagle's algorithm), and the receiver delays
//! its ACKs (by up to 40 ms on Linux) hoping to ride them on data of its own. Together they stall
//! the classic "write, write, wait for the answer": a process that sends a one-way message and
//! then calls has its request held until the first segment's ACK, which waits for the timer. On
//! this cluster, over loopback, that send-then-call took about 45 ms without `TCP_NODELAY` and
//! about 0.07 ms with it. The writer already merges whatever is queued before it writes, so Nagle
//! has nothing left to gain: both ends set `TCP_NODELAY`, as distributed Erlang does by default
//! (`dist_nodelay`).
//!
//! **Framing.** A frame is a big-endian header followed by the encoded payload, untouched:
//!
//! | frame | header | then |
//! | --- | --- | --- |
//! | deliver | `u32` payload length, `u32` destination's local id | the payload |
//! | reply | `u32` payload length with the top bit set, `u64` reply reference | the payload |
//!
//! A deliver frame's header is exactly [`FRAME_HEADER_BYTES`](crate::FRAME_HEADER_BYTES); a reply's
//! is 4 bytes longer because reply references are 64-bit. The link counters keep the 8-byte
//! convention for both, as the memory transport does, so counts compare like for like.
//!
//! **Back-pressure.** The BEAM suspends a process that sends while its distribution buffer holds
//! more than `dist_buf_busy_limit` (1 MiB by default). Here the link's queue is unbounded by
//! default on both transports: a send never blocks, and the transports differ only in the wire. A
//! [`LinkBound`](crate::LinkBound) bounds the queue the writer drains ([`crate::busy`]).
//!
//! **Shutdown.** Only the writer and reader tasks hold the sockets (the listener is closed once
//! every pair is connected). Dropping the cluster shuts each node's runtime down, which drops its
//! tasks and so closes every socket.

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Arc;

use crate::link::{self, Frame, Outgoing};
use crate::pid::NodeId;
use crate::world::{World, node_id};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::runtime::Handle;

/// The size of each socket end's user-space buffer: the most one `write(2)` or `read(2)` moves.
const BUFFER_BYTES: usize = 64 * 1024;

/// Set in a frame's length word when the frame is a reply.
const REPLY_BIT: u32 = 1 << 31;

/// Connects every pair of nodes and starts, on each end, a writer for the outgoing link and a
/// reader for the incoming one. `queues[from * len + to]` is the queue of the link `from → to`.
pub(crate) fn start(world: &Arc<World>, mut queues: Vec<Option<Outgoing>>) -> io::Result<()> {
    let len = world.len();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    // Connect every pair before starting any task, so that a failure leaves nothing running.
    let mut connections = Vec::new();
    for a in 0..len {
        for b in a + 1..len {
            let (at_a, at_b) = connect(&listener)?;
            let at_a = register(at_a, &world.node(node_id(a)).runtime)?;
            let at_b = register(at_b, &world.node(node_id(b)).runtime)?;
            connections.push((a, b, at_a, at_b));
        }
    }
    let mut queue = |from: usize, to: usize| {
        queues[from * len + to]
            .take()
            .expect("one queue per ordered pair of nodes")
    };
    for (a, b, at_a, at_b) in connections {
        serve(world, node_id(a), at_a, queue(a, b));
        serve(world, node_id(b), at_b, queue(b, a));
    }
    Ok(())
}

/// One loopback connection: the connecting end and the accepted end.
fn connect(listener: &TcpListener) -> io::Result<(std::net::TcpStream, std::net::TcpStream)> {
    let connecting = std::net::TcpStream::connect(listener.local_addr()?)?;
    let ours = connecting.local_addr()?;
    loop {
        let (accepted, peer) = listener.accept()?;
        if peer == ours {
            return Ok((connecting, accepted));
        }
        // Another program on this machine connected to the port: not one of ours, close it.
    }
}

/// Hands a connected socket to the runtime of the node that owns this end.
fn register(socket: std::net::TcpStream, runtime: &Handle) -> io::Result<TcpStream> {
    socket.set_nodelay(true)?; // see "Nagle" above
    socket.set_nonblocking(true)?;
    let _inside = runtime.enter(); // a tokio socket is polled by the runtime it is made in
    TcpStream::from_std(socket)
}

/// Starts one node's end of a connection: the writer of the link `here → there` and the reader of
/// the link `there → here`, both on `here`'s runtime.
fn serve(world: &Arc<World>, here: NodeId, socket: TcpStream, outgoing: Outgoing) {
    let (incoming, out) = socket.into_split();
    let runtime = &world.node(here).runtime;
    runtime.spawn(write(outgoing, out));
    runtime.spawn(read(Arc::clone(world), here, incoming));
}

// ANCHOR: tcp
/// The sending node's writer: frames from the link's queue, in order, onto the socket.
///
/// It writes every frame already queued into the buffer, then flushes: the sender never waits for
/// the socket, and a burst of sends becomes a few large writes. It stops when the link's queue
/// closes or the connection breaks (at shutdown); the link then refuses further sends.
async fn write(mut frames: Outgoing, socket: OwnedWriteHalf) {
    let mut socket = BufWriter::with_capacity(BUFFER_BYTES, socket);
    while let Some(first) = frames.recv().await {
        let mut next = Some(first);
        while let Some(frame) = next {
            if write_frame(&mut socket, &frame).await.is_err() {
                return;
            }
            next = frames.try_recv();
        }
        if socket.flush().await.is_err() {
            return;
        }
    }
}

/// The receiving node's reader: frames off the socket, in order, delivered as in memory.
async fn read(world: Arc<World>, here: NodeId, socket: OwnedReadHalf) {
    let mut socket = BufReader::with_capacity(BUFFER_BYTES, socket);
    // Ends when the sending node closes its end (shutdown) or the connection breaks.
    while let Ok(frame) = read_frame(&mut socket).await {
        link::deliver(&world, here, frame);
    }
}
// ANCHOR_END: tcp

async fn write_frame<W: AsyncWrite + Unpin>(out: &mut W, frame: &Frame) -> io::Result<()> {
    match frame {
        Frame::Deliver { to, payload } => {
            out.write_u32(length(payload)?).await?;
            out.write_u32(*to).await?;
            out.write_all(payload).await
        }
        Frame::Reply { reference, payload } => {
            out.write_u32(length(payload)? | REPLY_BIT).await?;
            out.write_u64(*reference).await?;
            out.write_all(payload).await
        }
    }
}

async fn read_frame<R: AsyncRead + Unpin>(input: &mut R) -> io::Result<Frame> {
    let word = input.read_u32().await?;
    let mut payload = vec![0; (word & !REPLY_BIT) as usize];
    if word & REPLY_BIT == 0 {
        let to = input.read_u32().await?;
        input.read_exact(&mut payload).await?;
        Ok(Frame::Deliver { to, payload })
    } else {
        let reference = input.read_u64().await?;
        input.read_exact(&mut payload).await?;
        Ok(Frame::Reply { reference, payload })
    }
}

/// A payload's length for the header; a payload of 2 GiB or more cannot be framed.
fn length(payload: &[u8]) -> io::Result<u32> {
    u32::try_from(payload.len())
        .ok()
        .filter(|len| len & REPLY_BIT == 0)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a payload of 2 GiB or more"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::FRAME_HEADER_BYTES;

    fn run<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    async fn encoded(frame: &Frame) -> Vec<u8> {
        let mut wire = Vec::new();
        write_frame(&mut wire, frame).await.unwrap();
        wire
    }

    #[test]
    fn frames_round_trip_in_order() {
        run(async {
            let sent = [
                Frame::Deliver {
                    to: 7,
                    payload: b"hello".to_vec(),
                },
                Frame::Reply {
                    reference: u64::MAX - 1,
                    payload: vec![0xff; 3],
                },
                Frame::Deliver {
                    to: u32::MAX,
                    payload: Vec::new(),
                },
            ];
            let mut wire = Vec::new();
            for frame in &sent {
                wire.extend(encoded(frame).await);
            }
            let mut input = wire.as_slice();
            for frame in &sent {
                let got = read_frame(&mut input).await.unwrap();
                match (frame, got) {
                    (Frame::Deliver { to, payload }, Frame::Deliver { to: t, payload: p }) => {
                        assert_eq!((*to, payload), (t, &p));
                    }
                    (
                        Frame::Reply { reference, payload },
                        Frame::Reply {
                            reference: r,
                            payload: p,
                        },
                    ) => assert_eq!((*reference, payload), (r, &p)),
                    _ => panic!("a frame changed kind on the wire"),
                }
            }
            assert!(input.is_empty(), "bytes left over after the last frame");
            assert!(read_frame(&mut input).await.is_err(), "end of stream");
        });
    }

    #[test]
    fn both_ends_of_a_connection_turn_nagle_off() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let (a, b) = connect(&listener).unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        for end in [a, b] {
            let end = register(end, runtime.handle()).unwrap();
            assert!(
                end.nodelay().unwrap(),
                "TCP_NODELAY must be set (see the module doc)"
            );
        }
    }

    #[test]
    fn a_deliver_frame_is_its_payload_plus_the_counted_header() {
        run(async {
            let payload = vec![1; 300];
            let wire = encoded(&Frame::Deliver { to: 1, payload }).await;
            assert_eq!(wire.len() as u64, FRAME_HEADER_BYTES + 300);
            let wire = encoded(&Frame::Reply {
                reference: 1,
                payload: vec![1; 300],
            })
            .await;
            assert_eq!(wire.len() as u64, FRAME_HEADER_BYTES + 4 + 300);
        });
    }
}
