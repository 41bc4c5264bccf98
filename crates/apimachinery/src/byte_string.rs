//! [`ByteString`]: binary data that travels as base64 in JSON (Go's `[]byte` fields,
//! such as `Secret.data`).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes encoded as a standard base64 string on the wire.
///
/// `Debug` prints the length only, because such fields often hold secrets.
///
/// ```
/// use clientgo_apimachinery::ByteString;
///
/// let data = ByteString::from("hello");
/// assert_eq!(serde_json::to_string(&data)?, r#""aGVsbG8=""#);
/// let back: ByteString = serde_json::from_str(r#""aGVsbG8=""#)?;
/// assert_eq!(back.as_bytes(), b"hello");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteString(pub Vec<u8>);

impl ByteString {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteString({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for ByteString {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for ByteString {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<&str> for ByteString {
    fn from(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }
}

impl From<String> for ByteString {
    fn from(text: String) -> Self {
        Self(text.into_bytes())
    }
}

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Self)
            .map_err(|error| serde::de::Error::custom(format!("invalid base64 data: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_binary_data() {
        let data = ByteString(vec![0, 255, 16, 32]);
        let json = serde_json::to_string(&data).unwrap();
        assert_eq!(serde_json::from_str::<ByteString>(&json).unwrap(), data);
    }

    #[test]
    fn rejects_invalid_base64_with_an_error() {
        let error = serde_json::from_str::<ByteString>(r#""not base64!""#).unwrap_err();
        assert!(error.to_string().contains("invalid base64"), "{error}");
    }

    #[test]
    fn debug_shows_only_the_length() {
        assert_eq!(
            format!("{:?}", ByteString::from("secret")),
            "ByteString(6 bytes)"
        );
    }
}
