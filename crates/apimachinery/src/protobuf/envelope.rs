//! Whole answers in protobuf: the `k8s\0` + `runtime.Unknown` envelope of objects and
//! lists, and the frames of a protobuf watch stream (`metav1.WatchEvent` messages whose
//! object is an enveloped object).

use std::collections::BTreeMap;

use super::DecodeError;
use super::decode::{Decode, Message, merge, merge_fields, push, shrink};
use super::wire::{Fields, Value};
use crate::media_type::PROTOBUF_MAGIC;
use crate::meta::{ObjectList, ObjectMeta, Status};
use crate::watch::{Bookmark, BookmarkMeta, WatchEvent};

/// An object as the server wraps it: its `apiVersion`, `kind` and message bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// `apiVersion` of the object.
    pub api_version: &'a str,
    /// `kind` of the object.
    pub kind: &'a str,
    /// The object's protobuf message.
    pub raw: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Opens `k8s\0` + `runtime.Unknown`. An object whose content type is not protobuf is
    /// an error.
    pub fn open(body: &'a [u8]) -> Result<Self, DecodeError> {
        let message = body.strip_prefix(&PROTOBUF_MAGIC).ok_or_else(|| {
            DecodeError::new("a protobuf object must start with the bytes k8s\\0")
        })?;
        let mut envelope = Envelope::default();
        for field in Fields::new(message) {
            match field? {
                (1, type_meta) => {
                    for inner in Fields::new(type_meta.bytes()?) {
                        match inner? {
                            (1, v) => envelope.api_version = utf8(v)?,
                            (2, v) => envelope.kind = utf8(v)?,
                            _ => {}
                        }
                    }
                }
                (2, v) => envelope.raw = v.bytes()?,
                (4, v) => {
                    let content_type = utf8(v)?;
                    if !content_type.is_empty()
                        && !crate::media_type::is_media_type(
                            content_type,
                            crate::media_type::APPLICATION_PROTOBUF,
                        )
                    {
                        return Err(DecodeError::new(format!(
                            "the object is wrapped as {content_type}, not protobuf"
                        )));
                    }
                }
                _ => {}
            }
        }
        Ok(envelope)
    }
}

fn utf8(value: Value<'_>) -> Result<&str, DecodeError> {
    std::str::from_utf8(value.bytes()?).map_err(|_| DecodeError::new("a string is not UTF-8"))
}

/// Decodes an enveloped object of type `K`, `apiVersion` and `kind` included.
pub fn decode_object<K: Message>(body: &[u8]) -> Result<K, DecodeError> {
    let envelope = Envelope::open(body)?;
    let mut object =
        K::decode_message(envelope.raw).map_err(|error| error.in_object(envelope.kind))?;
    object.set_type_meta(envelope.api_version, envelope.kind);
    Ok(object)
}

/// Decodes an enveloped list (`PodList`, ...) of objects of type `K`.
pub fn decode_list<K: Message>(body: &[u8]) -> Result<ObjectList<K>, DecodeError> {
    decode_object::<ObjectList<K>>(body)
}

/// Every list message: `metadata = 1`, `items = 2`.
impl<K: Message> Message for ObjectList<K> {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge(&mut self.metadata, value),
            2 => push(&mut self.items, value),
            _ => Ok(()),
        }
    }

    fn shrink(&mut self) {
        shrink(&mut self.items);
    }

    fn set_type_meta(&mut self, api_version: &str, kind: &str) {
        self.api_version = Some(api_version.into());
        self.kind = Some(kind.into());
    }

    /// Counts the items first (a pass that only skips over them) so the list is
    /// allocated once at its size rather than grown by doubling and copied.
    fn merge_message(&mut self, buf: &[u8]) -> Result<(), DecodeError> {
        let mut items = 0;
        for field in Fields::new(buf) {
            if field?.0 == 2 {
                items += 1;
            }
        }
        self.items.reserve_exact(items);
        merge_fields(self, buf)?;
        self.shrink();
        Ok(())
    }
}

/// How the objects of one kind are decoded from protobuf: the functions a typed client
/// calls for single objects (and watch events) and for lists.
pub struct Codec<K> {
    /// Decodes an enveloped object.
    pub object: fn(&[u8]) -> Result<K, DecodeError>,
    /// Decodes an enveloped list.
    pub list: fn(&[u8]) -> Result<ObjectList<K>, DecodeError>,
}

impl<K> Clone for Codec<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Codec<K> {}

impl<K> std::fmt::Debug for Codec<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("protobuf::Codec")
    }
}

impl<K: Message> Codec<K> {
    /// The codec of a generated type.
    pub fn of() -> Self {
        Self {
            object: decode_object::<K>,
            list: decode_list::<K>,
        }
    }
}

/// Decodes one frame of a protobuf watch stream (without its length prefix), objects
/// with `object`. An `ERROR` event is returned as `WatchEvent::Error` with its
/// `Status`; bookmarks keep the object's `resourceVersion` and annotations.
pub fn decode_watch_event<K>(
    frame: &[u8],
    object: fn(&[u8]) -> Result<K, DecodeError>,
) -> Result<WatchEvent<K>, DecodeError> {
    let (mut event_type, mut raw): (&str, &[u8]) = ("", &[]);
    for field in Fields::new(frame) {
        match field? {
            (1, v) => event_type = utf8(v)?,
            (2, v) => {
                for inner in Fields::new(v.bytes()?) {
                    if let (1, v) = inner? {
                        raw = v.bytes()?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(match event_type {
        "ADDED" => WatchEvent::Added(object(raw)?),
        "MODIFIED" => WatchEvent::Modified(object(raw)?),
        "DELETED" => WatchEvent::Deleted(object(raw)?),
        "ERROR" => WatchEvent::Error(Box::new(decode_object::<Status>(raw)?)),
        "BOOKMARK" => WatchEvent::Bookmark(bookmark(raw)?),
        other => {
            return Err(DecodeError::new(format!(
                "unknown watch event type {other:?}"
            )));
        }
    })
}

/// A bookmark's object is an object of the watched kind with only metadata set; its
/// metadata is field 1 in every kind.
fn bookmark(raw: &[u8]) -> Result<Bookmark, DecodeError> {
    let envelope = Envelope::open(raw)?;
    let mut metadata = ObjectMeta::default();
    for field in Fields::new(envelope.raw) {
        if let (1, v) = field? {
            metadata.merge(v)?;
        }
    }
    Ok(Bookmark {
        kind: Some(envelope.kind.to_owned()),
        api_version: Some(envelope.api_version.to_owned()),
        metadata: BookmarkMeta {
            resource_version: metadata.resource_version.unwrap_or_default().into(),
            annotations: metadata
                .annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        },
    })
}
