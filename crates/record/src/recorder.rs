//! [`EventRecorder`]: records core/v1 events about objects (client-go's
//! `record.EventRecorder`).

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use clientgo_api::core::v1::{Event, EventSource, ObjectReference};
use clientgo_apimachinery::meta::Time;
use clientgo_apimachinery::{Metadata, ObjectMeta, Resource};

use crate::fanout::Intake;
use crate::names::event_name;
use crate::reference::{event_namespace, get_reference};

/// Event type of normal, informational events.
pub const EVENT_TYPE_NORMAL: &str = "Normal";
/// Event type of events that may need attention.
pub const EVENT_TYPE_WARNING: &str = "Warning";

/// The two event types, for recorders' `event_type` arguments (which also take the
/// strings `"Normal"` and `"Warning"`, as client-go does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Normal, informational events.
    Normal,
    /// Events that may need attention.
    Warning,
}

impl EventType {
    /// `"Normal"` or `"Warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => EVENT_TYPE_NORMAL,
            Self::Warning => EVENT_TYPE_WARNING,
        }
    }
}

impl AsRef<str> for EventType {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True for the two valid event types.
pub(crate) fn is_valid_type(event_type: &str) -> bool {
    event_type == EVENT_TYPE_NORMAL || event_type == EVENT_TYPE_WARNING
}

/// Records events through its [`EventBroadcaster`](crate::EventBroadcaster); cheap to
/// clone. Recording never blocks: when the broadcaster's queue (1000 events) is full
/// the event is dropped and logged.
#[derive(Debug, Clone)]
pub struct EventRecorder {
    intake: Intake<Event>,
    source: EventSource,
}

impl EventRecorder {
    pub(crate) fn new(intake: Intake<Event>, source: EventSource) -> Self {
        Self { intake, source }
    }

    /// Records an event of `event_type` ([`EventType`], or its string; anything else
    /// is logged and dropped) about `object` (a typed object, or the `Arc` of one that
    /// a lister returned).
    pub fn event<K: Resource + Metadata>(
        &self,
        object: &K,
        event_type: impl AsRef<str>,
        reason: &str,
        message: &str,
    ) {
        self.event_for_reference(
            &get_reference(object),
            BTreeMap::new(),
            event_type,
            reason,
            message,
        );
    }

    /// [`event`](Self::event) with a formatted message:
    /// `recorder.eventf(&pod, EventType::Normal, "Pulled", format_args!("pulled {image}"))`.
    pub fn eventf<K: Resource + Metadata>(
        &self,
        object: &K,
        event_type: impl AsRef<str>,
        reason: &str,
        message: fmt::Arguments<'_>,
    ) {
        self.event(object, event_type, reason, &message.to_string());
    }

    /// [`event`](Self::event) with annotations on the event object.
    pub fn annotated_event<K: Resource + Metadata>(
        &self,
        object: &K,
        annotations: BTreeMap<String, String>,
        event_type: impl AsRef<str>,
        reason: &str,
        message: &str,
    ) {
        self.event_for_reference(
            &get_reference(object),
            annotations,
            event_type,
            reason,
            message,
        );
    }

    /// Records an event about the object `reference` points to (for objects of types
    /// without a [`Resource`] implementation, or a part of an object via `fieldPath`).
    pub fn event_for_reference(
        &self,
        reference: &ObjectReference,
        annotations: BTreeMap<String, String>,
        event_type: impl AsRef<str>,
        reason: &str,
        message: &str,
    ) {
        let event_type = event_type.as_ref();
        if !is_valid_type(event_type) {
            tracing::error!(event_type, reason, "Unsupported event type");
            return;
        }
        let wall = SystemTime::now();
        let now = Time::from(wall);
        let object_name = reference.name.as_deref().unwrap_or_default();
        let event = Event {
            metadata: ObjectMeta {
                name: Some(event_name(object_name, wall)),
                namespace: Some(event_namespace(reference)),
                annotations: annotations.into(),
                ..ObjectMeta::default()
            },
            involved_object: reference.clone(),
            reason: Some(reason.into()),
            message: Some(message.into()),
            first_timestamp: Some(now),
            last_timestamp: Some(now),
            count: Some(1),
            type_: Some(event_type.into()),
            source: Some(Box::new(self.source.clone())),
            reporting_component: self.source.component.clone(),
            reporting_instance: self.source.host.clone(),
            ..Event::default()
        };
        self.intake.send(event);
    }
}
