//! The events.k8s.io/v1 [`EventRecorder`].

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use clientgo_api::core::v1::ObjectReference;
use clientgo_api::events::v1::Event;
use clientgo_apimachinery::meta::MicroTime;
use clientgo_apimachinery::{Metadata, ObjectMeta, Resource, Str};

use crate::fanout::Intake;
use crate::names::event_name;
use crate::recorder::is_valid_type;
use crate::reference::{event_namespace, get_reference};

/// Records events.k8s.io/v1 events as `reporting_controller`, instance
/// `<controller>-<hostname>`; cheap to clone.
#[derive(Debug, Clone)]
pub struct EventRecorder {
    intake: Intake<Event>,
    reporting_controller: Str,
    reporting_instance: Str,
}

/// The host name (for the reporting instance).
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

impl EventRecorder {
    pub(crate) fn new(intake: Intake<Event>, reporting_controller: &str) -> Self {
        Self {
            intake,
            reporting_controller: reporting_controller.into(),
            reporting_instance: format!("{reporting_controller}-{}", hostname()).into(),
        }
    }

    /// The reporting instance (`<controller>-<hostname>`).
    pub fn reporting_instance(&self) -> &str {
        &self.reporting_instance
    }

    /// Records an event of `event_type` ([`EventType`](crate::EventType) or its string;
    /// anything else is logged and dropped) about `regarding`, optionally relating another object, with
    /// the formatted `note`.
    pub fn eventf<K: Resource + Metadata>(
        &self,
        regarding: &K,
        related: Option<&ObjectReference>,
        event_type: impl AsRef<str>,
        reason: &str,
        action: &str,
        note: fmt::Arguments<'_>,
    ) {
        self.event_for_reference(
            &get_reference(regarding),
            related,
            BTreeMap::new(),
            event_type,
            reason,
            action,
            &note.to_string(),
        );
    }

    /// Records an event about the object `regarding` points to, with annotations.
    #[allow(clippy::too_many_arguments)] // mirrors client-go's AnnotatedEventf
    pub fn event_for_reference(
        &self,
        regarding: &ObjectReference,
        related: Option<&ObjectReference>,
        annotations: BTreeMap<String, String>,
        event_type: impl AsRef<str>,
        reason: &str,
        action: &str,
        note: &str,
    ) {
        let event_type = event_type.as_ref();
        if !is_valid_type(event_type) {
            tracing::error!(event_type, reason, "Unsupported event type");
            return;
        }
        let wall = SystemTime::now();
        let event = Event {
            metadata: ObjectMeta {
                name: Some(event_name(
                    regarding.name.as_deref().unwrap_or_default(),
                    wall,
                )),
                namespace: Some(event_namespace(regarding)),
                annotations: annotations.into(),
                ..ObjectMeta::default()
            },
            event_time: MicroTime::from(wall),
            series: None,
            reporting_controller: Some(self.reporting_controller.clone()),
            reporting_instance: Some(self.reporting_instance.clone()),
            action: Some(action.into()),
            reason: Some(reason.into()),
            regarding: Some(Box::new(regarding.clone())),
            related: related.cloned().map(Box::new),
            note: Some(note.into()),
            type_: Some(event_type.into()),
            ..Event::default()
        };
        self.intake.send(event);
    }
}
