//! Typed watch events, decoded in one pass.
//!
//! Mirrors the event half of Go's `k8s.io/apimachinery/pkg/watch`. A watch stream is a
//! sequence of `{"type": "...", "object": {...}}` envelopes; [`WatchEvent<T>`] decodes
//! one envelope straight into `T` (or into a [`Status`] for `ERROR` events, or into a
//! small [`Bookmark`] for `BOOKMARK` events), without building an intermediate JSON
//! tree when `type` comes before `object` (as the API server always sends it).
//!
//! ```
//! use clientgo_apimachinery::meta::PartialObjectMetadata;
//! use clientgo_apimachinery::watch::WatchEvent;
//!
//! let line = r#"{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"}}}"#;
//! let event: WatchEvent<PartialObjectMetadata> = serde_json::from_str(line)?;
//! match event {
//!     WatchEvent::Added(pod) => assert_eq!(pod.metadata.name.as_deref(), Some("a")),
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The stream-level helpers of the Go package (broadcaster, fake and proxy watchers)
//! belong with the async code that drives watches, not here.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;
use crate::meta::{INITIAL_EVENTS_END_ANNOTATION, Status};

/// The `type` of a watch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `ADDED`
    Added,
    /// `MODIFIED`
    Modified,
    /// `DELETED`
    Deleted,
    /// `BOOKMARK`: only the resource version (and annotations) of the stream position.
    Bookmark,
    /// `ERROR`: the object is a `Status`.
    Error,
}

impl EventType {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
            Self::Bookmark => "BOOKMARK",
            Self::Error => "ERROR",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "ADDED" => Self::Added,
            "MODIFIED" => Self::Modified,
            "DELETED" => Self::Deleted,
            "BOOKMARK" => Self::Bookmark,
            "ERROR" => Self::Error,
            other => return Err(Error::InvalidWatchEventType(other.to_owned())),
        })
    }
}

/// The object of a `BOOKMARK` event: only a resource version and annotations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bookmark {
    /// The object's `kind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The object's `apiVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The position in the stream.
    #[serde(default)]
    pub metadata: BookmarkMeta,
}

/// The metadata of a [`Bookmark`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkMeta {
    /// Resume a watch from here.
    #[serde(default)]
    pub resource_version: String,
    /// Annotations; see [`Bookmark::is_initial_events_end`].
    #[serde(
        default,
        deserialize_with = "crate::meta::null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
}

impl Bookmark {
    /// True for the bookmark that ends the initial events of a watch-list stream
    /// (annotation `k8s.io/initial-events-end: "true"`).
    pub fn is_initial_events_end(&self) -> bool {
        self.metadata
            .annotations
            .get(INITIAL_EVENTS_END_ANNOTATION)
            .is_some_and(|v| v == "true")
    }
}

/// One event of a watch on objects of type `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent<T> {
    /// The object was created (or is part of the initial state).
    Added(T),
    /// The object changed.
    Modified(T),
    /// The object was deleted; this is its last state.
    Deleted(T),
    /// A progress marker.
    Bookmark(Bookmark),
    /// The watch failed; typically `410 Expired` (re-list needed). Boxed: errors are
    /// rare and the status is large.
    Error(Box<Status>),
}

impl<T> WatchEvent<T> {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        match self {
            Self::Added(_) => EventType::Added,
            Self::Modified(_) => EventType::Modified,
            Self::Deleted(_) => EventType::Deleted,
            Self::Bookmark(_) => EventType::Bookmark,
            Self::Error(_) => EventType::Error,
        }
    }

    /// The object of an added, modified or deleted event.
    pub fn object(&self) -> Option<&T> {
        match self {
            Self::Added(o) | Self::Modified(o) | Self::Deleted(o) => Some(o),
            Self::Bookmark(_) | Self::Error(_) => None,
        }
    }

    /// Takes the object of an added, modified or deleted event.
    pub fn into_object(self) -> Option<T> {
        match self {
            Self::Added(o) | Self::Modified(o) | Self::Deleted(o) => Some(o),
            Self::Bookmark(_) | Self::Error(_) => None,
        }
    }

    /// Converts the object of added, modified and deleted events.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> WatchEvent<U> {
        match self {
            Self::Added(o) => WatchEvent::Added(f(o)),
            Self::Modified(o) => WatchEvent::Modified(f(o)),
            Self::Deleted(o) => WatchEvent::Deleted(f(o)),
            Self::Bookmark(b) => WatchEvent::Bookmark(b),
            Self::Error(s) => WatchEvent::Error(s),
        }
    }
}

impl<T: DeserializeOwned> WatchEvent<T> {
    /// Decodes one JSON envelope.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        Ok(serde_json::from_slice(bytes)?)
    }
}

impl<T: Serialize> Serialize for WatchEvent<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("WatchEvent", 2)?;
        s.serialize_field("type", self.event_type().as_str())?;
        match self {
            Self::Added(o) | Self::Modified(o) | Self::Deleted(o) => {
                s.serialize_field("object", o)?
            }
            Self::Bookmark(b) => s.serialize_field("object", b)?,
            Self::Error(st) => s.serialize_field("object", st)?,
        }
        s.end()
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Type,
    Object,
    #[serde(other)]
    Other,
}

fn event_type_of<E: de::Error>(s: &str) -> Result<EventType, E> {
    s.parse().map_err(E::custom)
}

/// Builds the event from an object given as a deserializer (the map value or a buffered
/// JSON tree).
fn decode_object<'de, T, D>(ty: EventType, object: D) -> Result<WatchEvent<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(match ty {
        EventType::Added => WatchEvent::Added(T::deserialize(object)?),
        EventType::Modified => WatchEvent::Modified(T::deserialize(object)?),
        EventType::Deleted => WatchEvent::Deleted(T::deserialize(object)?),
        EventType::Bookmark => WatchEvent::Bookmark(Bookmark::deserialize(object)?),
        EventType::Error => WatchEvent::Error(Box::new(Status::deserialize(object)?)),
    })
}

/// Lets a map value be decoded by [`decode_object`] with the event type chosen at run time.
struct ObjectSeed<T> {
    ty: EventType,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for ObjectSeed<T> {
    type Value = WatchEvent<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        decode_object(self.ty, deserializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for WatchEvent<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EventVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for EventVisitor<T> {
            type Value = WatchEvent<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a watch event {\"type\": ..., \"object\": ...}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut ty: Option<EventType> = None;
                let mut event: Option<WatchEvent<T>> = None;
                // Only used if `object` arrives before `type`.
                let mut buffered: Option<serde_json::Value> = None;
                while let Some(field) = map.next_key::<Field>()? {
                    match field {
                        Field::Type => {
                            if ty.is_some() {
                                return Err(de::Error::duplicate_field("type"));
                            }
                            let s: String = map.next_value()?;
                            ty = Some(event_type_of(&s)?);
                        }
                        Field::Object => {
                            if event.is_some() || buffered.is_some() {
                                return Err(de::Error::duplicate_field("object"));
                            }
                            match ty {
                                Some(ty) => {
                                    event = Some(map.next_value_seed(ObjectSeed {
                                        ty,
                                        marker: PhantomData,
                                    })?);
                                }
                                None => buffered = Some(map.next_value()?),
                            }
                        }
                        Field::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let ty = ty.ok_or_else(|| de::Error::missing_field("type"))?;
                if let Some(event) = event {
                    return Ok(event);
                }
                let object = buffered.ok_or_else(|| de::Error::missing_field("object"))?;
                decode_object(ty, object).map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_struct(
            "WatchEvent",
            &["type", "object"],
            EventVisitor(PhantomData),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{PartialObjectMetadata, StatusReason};

    type Event = WatchEvent<PartialObjectMetadata>;

    #[test]
    fn each_event_type_decodes_into_its_variant() {
        for (ty, name) in [("ADDED", "a"), ("MODIFIED", "b"), ("DELETED", "c")] {
            let json = format!(
                r#"{{"type":"{ty}","object":{{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"{name}"}}}}}}"#
            );
            let event: Event = serde_json::from_str(&json).unwrap();
            assert_eq!(event.event_type().as_str(), ty);
            assert_eq!(event.object().unwrap().metadata.name.as_deref(), Some(name));
            assert_eq!(serde_json::to_string(&event).unwrap(), json);
        }
    }

    #[test]
    fn error_event_carries_the_status() {
        let json = r#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        let WatchEvent::Error(status) = event else {
            panic!("expected an error event");
        };
        assert_eq!(status.code, 410);
        assert_eq!(status.reason, StatusReason::Expired);
        assert_eq!(status.message(), "too old resource version: 1 (2)");
        let err = crate::errors::StatusError::from(*status);
        assert!(crate::errors::is_resource_expired(&err));
    }

    #[test]
    fn bookmark_event_needs_only_resource_version() {
        let json = r#"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12746","annotations":{"k8s.io/initial-events-end":"true"}}}}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        let WatchEvent::Bookmark(b) = &event else {
            panic!("expected a bookmark");
        };
        assert_eq!(b.metadata.resource_version, "12746");
        assert!(b.is_initial_events_end());
        assert_eq!(serde_json::to_string(&event).unwrap(), json);

        #[derive(Debug, Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            spec: u32,
        }
        // A bookmark never touches T, so types with required fields still work.
        let event: WatchEvent<Strict> = serde_json::from_str(json).unwrap();
        assert_eq!(event.event_type(), EventType::Bookmark);
    }

    #[test]
    fn object_before_type_is_buffered_and_still_decoded() {
        let json = r#"{"object":{"metadata":{"name":"late"}},"extra":[1,2],"type":"MODIFIED"}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        assert_eq!(event.event_type(), EventType::Modified);
        assert_eq!(
            event.into_object().unwrap().metadata.name.as_deref(),
            Some("late")
        );
    }

    #[test]
    fn invalid_or_incomplete_events_are_errors() {
        let err = serde_json::from_str::<Event>(r#"{"type":"CHANGED","object":{}}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("got invalid watch event type: CHANGED"),
            "{err}"
        );
        assert!(serde_json::from_str::<Event>(r#"{"object":{}}"#).is_err());
        assert!(serde_json::from_str::<Event>(r#"{"type":"ADDED"}"#).is_err());
        assert!(
            serde_json::from_str::<Event>(r#"{"type":"ADDED","type":"ADDED","object":{}}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Event>("[]").is_err());
        assert!(Event::from_slice(b"{\"type\":\"ADDED\",\"object\":5}").is_err());
    }

    #[test]
    fn map_converts_objects_and_keeps_other_events() {
        let e: WatchEvent<u32> = WatchEvent::Added(2);
        assert_eq!(e.map(|v| v * 2), WatchEvent::Added(4));
        let e: WatchEvent<u32> = WatchEvent::Bookmark(Bookmark::default());
        assert_eq!(e.map(|v| v * 2).event_type(), EventType::Bookmark);
    }
}
