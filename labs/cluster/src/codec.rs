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
pub fn encode<M: Serialize>(message: &M) -> Result<Vec<u8>, CodecError> {
    postcard::to_stdvec(message)
}

/// Decodes a message that came off a link.
pub fn decode<M: DeserializeOwned>(bytes: &[u8]) -> Result<M, CodecError> {
    postcard::from_bytes(bytes)
}
