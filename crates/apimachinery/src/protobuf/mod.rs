//! Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), decoded straight into
//! the API types: what client-go and every control-plane component read from the API
//! server for built-in kinds.
//!
//! - [`wire`]: the wire format (varints, keys, length-delimited values), bounds-checked.
//! - [`decode`]: the [`Message`] and [`Decode`] traits and the per-field helpers the
//!   generated code of `clientgo-api` calls; the rules that make a protobuf answer decode
//!   to the same value as its JSON form.
//! - [`envelope`]: the `k8s\0` + `runtime.Unknown` envelope, lists and watch frames.
//! - The hand-written `meta/v1` types, `Quantity` and `IntOrString` decode here too.
//!
//! Decoding never panics and never allocates more than the input declares and holds:
//! lengths are checked against the bytes present before anything is read. Custom
//! resources have no protobuf form (the server answers them in JSON).
//!
//! ```
//! use clientgo_apimachinery::meta::ObjectMeta;
//! use clientgo_apimachinery::protobuf::Message;
//!
//! // ObjectMeta { name: "web" (field 1), labels: {"app": "web"} (field 11) }
//! let bytes = [
//!     0x0a, 3, b'w', b'e', b'b',
//!     0x5a, 10, 0x0a, 3, b'a', b'p', b'p', 0x12, 3, b'w', b'e', b'b',
//! ];
//! let meta = ObjectMeta::decode_message(&bytes)?;
//! assert_eq!(meta.name.as_deref(), Some("web"));
//! assert_eq!(meta.labels.get_str("app"), Some("web"));
//! # Ok::<(), clientgo_apimachinery::protobuf::DecodeError>(())
//! ```

pub mod decode;
pub mod envelope;
mod machinery;
#[cfg(test)]
mod tests;
pub mod wire;

pub use decode::{Decode, Message};
pub use envelope::{Codec, Envelope, decode_list, decode_object, decode_watch_event};
pub use wire::{Fields, Value};

/// A protobuf answer that does not decode: malformed bytes, or a value the type cannot
/// hold. The text says which field (by number, outermost first) and object kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The same error, inside field `number`.
    pub fn in_field(self, number: u32) -> Self {
        Self {
            message: format!("field {number}: {}", self.message),
        }
    }

    /// The same error, inside an object of `kind`.
    pub fn in_object(self, kind: &str) -> Self {
        Self {
            message: format!("decoding a {kind}: {}", self.message),
        }
    }
}
