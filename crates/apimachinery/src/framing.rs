//! Splitting response streams into frames, and the protobuf envelope.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/util/framer` and the envelope part of
//! `pkg/runtime/serializer/protobuf`. Everything here works on byte buffers, so the async
//! code that reads the network can append what arrives and take out complete frames:
//!
//! * JSON watch streams are concatenated JSON objects: [`json_frame_len`] finds where
//!   the first complete one ends.
//! * Protobuf watch streams are frames of a 4-byte big-endian length and that many
//!   bytes: [`split_length_prefixed`] / [`encode_length_prefixed`].
//! * Every protobuf object starts with the magic `k8s\0` and is a `runtime.Unknown`
//!   message: [`Unknown::decode`] / [`Unknown::encode`] (byte-compatible with Go).
//!
//! ```
//! use clientgo_apimachinery::framing::json_frame_len;
//!
//! let mut buf = br#"{"type":"ADDED","object":{"a":"}"}}
//! {"type":"DEL"#.to_vec();
//! let end = json_frame_len(&buf)?.expect("one complete frame");
//! let frame: Vec<u8> = buf.drain(..end).collect();
//! assert!(frame.ends_with(b"}}"));
//! assert_eq!(json_frame_len(&buf)?, None); // the second object is not complete yet
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```

use crate::Error;
use crate::media_type::PROTOBUF_MAGIC;
use crate::protobuf::Decode;
use crate::protobuf::wire::{Fields, Value, put_bytes};

/// The length of the first complete JSON object or array in `buf`, counting leading
/// whitespace, or `None` if more bytes are needed.
///
/// Only the structure is checked (brackets, strings, escapes); decoding the frame
/// reports any other syntax error. A frame that starts with something other than `{`
/// or `[` is an error.
pub fn json_frame_len(buf: &[u8]) -> Result<Option<usize>, Error> {
    let Some(start) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(None);
    };
    if !matches!(buf[start], b'{' | b'[') {
        return Err(Error::Framing(format!(
            "expected a JSON object or array, found byte 0x{:02x}",
            buf[start]
        )));
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in buf.iter().enumerate().skip(start) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// The length a length-prefixed frame declares, once its 4-byte header has arrived
/// (useful to reject oversized frames before buffering them).
pub fn declared_frame_len(buf: &[u8]) -> Option<usize> {
    let header: [u8; 4] = buf.get(..4)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(header)).ok()
}

/// Splits one complete length-prefixed frame off the front: `(frame, rest)`, or `None`
/// if more bytes are needed.
pub fn split_length_prefixed(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = declared_frame_len(buf)?;
    let end = 4usize.checked_add(len)?;
    if buf.len() < end {
        return None;
    }
    Some((&buf[4..end], &buf[end..]))
}

/// Prefixes a frame with its 4-byte big-endian length.
pub fn encode_length_prefixed(frame: &[u8]) -> Result<Vec<u8>, Error> {
    let len = u32::try_from(frame.len())
        .map_err(|_| Error::Framing(format!("frame of {} bytes is too large", frame.len())))?;
    let mut out = Vec::with_capacity(frame.len() + 4);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(frame);
    Ok(out)
}

/// The protobuf envelope of every Kubernetes object (Go's `runtime.Unknown`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknown {
    /// `apiVersion` of the wrapped object.
    pub api_version: String,
    /// `kind` of the wrapped object.
    pub kind: String,
    /// The object's own serialization (protobuf for built-in types).
    pub raw: Vec<u8>,
    /// Encoding of `raw`, usually empty.
    pub content_encoding: String,
    /// Content type of `raw`, usually empty (meaning protobuf).
    pub content_type: String,
}

impl Unknown {
    /// Decodes `k8s\0` + a `runtime.Unknown` message. Unknown protobuf fields are skipped.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let body = bytes.strip_prefix(&PROTOBUF_MAGIC).ok_or_else(|| {
            Error::Framing("protobuf object does not start with k8s\\0".to_owned())
        })?;
        let framing = |error: crate::protobuf::DecodeError| Error::Framing(error.to_string());
        let text = |value: Value<'_>| String::decode(value).map_err(framing);
        let mut out = Self::default();
        for field in Fields::new(body) {
            match field.map_err(framing)? {
                (1, Value::Bytes(type_meta)) => {
                    for inner in Fields::new(type_meta) {
                        match inner.map_err(framing)? {
                            (1, v) => out.api_version = text(v)?,
                            (2, v) => out.kind = text(v)?,
                            _ => {}
                        }
                    }
                }
                (2, Value::Bytes(v)) => out.raw = v.to_vec(),
                (3, v) => out.content_encoding = text(v)?,
                (4, v) => out.content_type = text(v)?,
                _ => {}
            }
        }
        Ok(out)
    }

    /// Encodes as `k8s\0` + a `runtime.Unknown` message, field for field as Go does.
    pub fn encode(&self) -> Vec<u8> {
        let mut type_meta = Vec::new();
        put_bytes(&mut type_meta, 1, self.api_version.as_bytes());
        put_bytes(&mut type_meta, 2, self.kind.as_bytes());
        let mut out = Vec::with_capacity(4 + type_meta.len() + self.raw.len() + 16);
        out.extend_from_slice(&PROTOBUF_MAGIC);
        put_bytes(&mut out, 1, &type_meta);
        if !self.raw.is_empty() {
            put_bytes(&mut out, 2, &self.raw);
        }
        put_bytes(&mut out, 3, self.content_encoding.as_bytes());
        put_bytes(&mut out, 4, self.content_type.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_frames_end_at_the_matching_bracket() {
        assert_eq!(json_frame_len(b"").unwrap(), None);
        assert_eq!(json_frame_len(b" \n ").unwrap(), None);
        assert_eq!(json_frame_len(b"{}").unwrap(), Some(2));
        assert_eq!(
            json_frame_len(b"\n {\"a\":[1,{\"b\":2}]}{").unwrap(),
            Some(19)
        );
        assert_eq!(json_frame_len(br#"{"a":"}\"{"}"#).unwrap(), Some(12));
        assert_eq!(json_frame_len(br#"{"a":"\\"}"#).unwrap(), Some(10));
        assert_eq!(json_frame_len(br#"{"a":"\\"#).unwrap(), None);
        assert_eq!(json_frame_len(b"[1,2]").unwrap(), Some(5));
        assert_eq!(json_frame_len(b"{\"a\":").unwrap(), None);
        assert!(json_frame_len(b"x{}").is_err());
    }

    #[test]
    fn json_frames_decode_as_watch_events_one_by_one() {
        let stream = b"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}\n";
        let mut buf: &[u8] = stream;
        let mut names = Vec::new();
        while let Some(end) = json_frame_len(buf).unwrap() {
            let event: crate::watch::WatchEvent<crate::meta::PartialObjectMetadata> =
                serde_json::from_slice(&buf[..end]).unwrap();
            names.push(event.into_object().unwrap().metadata.name.unwrap());
            buf = &buf[end..];
        }
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn length_prefixed_frames_split_and_encode() {
        let mut stream = encode_length_prefixed(b"hello").unwrap();
        stream.extend(encode_length_prefixed(b"").unwrap());
        stream.extend_from_slice(&[0, 0, 0, 9, 1]);
        assert_eq!(&stream[..4], &[0, 0, 0, 5]);
        let (first, rest) = split_length_prefixed(&stream).unwrap();
        assert_eq!(first, b"hello");
        let (second, rest) = split_length_prefixed(rest).unwrap();
        assert_eq!(second, b"");
        assert_eq!(declared_frame_len(rest), Some(9));
        assert_eq!(split_length_prefixed(rest), None);
        assert_eq!(split_length_prefixed(&[0, 0]), None);
    }

    #[test]
    fn unknown_envelope_round_trips_byte_compatible_with_go() {
        let u = Unknown {
            api_version: "v1".into(),
            kind: "Pod".into(),
            raw: vec![0x0a, 0x02, 0x08, 0x01],
            content_encoding: String::new(),
            content_type: String::new(),
        };
        let bytes = u.encode();
        assert_eq!(
            bytes,
            [
                b'k', b'8', b's', 0, // magic
                0x0a, 0x09, 0x0a, 0x02, b'v', b'1', 0x12, 0x03, b'P', b'o', b'd', // typeMeta
                0x12, 0x04, 0x0a, 0x02, 0x08, 0x01, // raw
                0x1a, 0x00, // contentEncoding
                0x22, 0x00, // contentType
            ]
        );
        assert_eq!(Unknown::decode(&bytes).unwrap(), u);
    }

    #[test]
    fn unknown_envelope_rejects_bad_input_and_skips_unknown_fields() {
        assert!(Unknown::decode(b"{}").is_err());
        assert!(Unknown::decode(b"k8s\0\x0a\x05ab").is_err());
        assert!(Unknown::decode(b"k8s\0\x0b").is_err());
        // Field 9 (varint) and field 10 (fixed64) are ignored.
        let mut bytes = b"k8s\0".to_vec();
        bytes.extend_from_slice(&[0x48, 0x96, 0x01, 0x51, 1, 2, 3, 4, 5, 6, 7, 8]);
        bytes.extend_from_slice(&[0x22, 0x03, b'a', b'/', b'b']);
        let u = Unknown::decode(&bytes).unwrap();
        assert_eq!(u.content_type, "a/b");
        assert_eq!(Unknown::decode(b"k8s\0").unwrap(), Unknown::default());
    }
}
