//! What a message becomes when it leaves its node.
//!
//! The BEAM turns a message into the external term format before it goes down a distribution link,
//! and back into a term on the far side. Here the format is [postcard]: serde-driven, compact
//! (varint integers, no field names) and well kept. Every remote send pays [`encode`] on the
//! sender's thread and [`decode`] on the far node's link reader, exactly once each.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Anything a process can receive: it can cross a link, so it must be encodable.
///
/// Implemented for every `Serialize + DeserializeOwned + Send + 'static` type; there is nothing to
/// implement by hand.
pub trait Message: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Message for T {}

/// A message that could not be encoded or decoded.
pub type CodecError = postcard::Error;

/// Encodes a message for a link.
///
/// Into a buffer this thread keeps, then copied out at its exact size: one allocation per
/// message. Encoding straight into a new `Vec` grows it as it goes, and a 12-byte message paid
/// three reallocations (`realloc` and `memmove` were among the remote sender's largest costs in
/// `perf record`).
pub fn encode<M: Serialize>(message: &M) -> Result<Vec<u8>, CodecError> {
    SCRATCH.with(|scratch| {
        let mut buffer = scratch.take();
        buffer.clear();
        let buffer = postcard::to_extend(message, buffer)?;
        let encoded = buffer.as_slice().to_vec();
        if buffer.capacity() <= SCRATCH_KEPT_BYTES {
            scratch.set(buffer); // a huge message's buffer is not kept
        }
        Ok(encoded)
    })
}

/// The largest encoding buffer a thread keeps between messages.
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

thread_local! {
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Decodes a message that came off a link.
pub fn decode<M: DeserializeOwned>(bytes: &[u8]) -> Result<M, CodecError> {
    postcard::from_bytes(bytes)
}
