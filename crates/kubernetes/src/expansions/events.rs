//! core/v1 Event expansions: writes in the event's own namespace, and searching the
//! events of an object.

use clientgo_api::core::v1::{Event, ObjectReference};
use clientgo_apimachinery::ObjectList;
use clientgo_apimachinery::fields;
use clientgo_apimachinery::meta::{CreateOptions, ListOptions, PatchOptions, UpdateOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_rest::{Error, Result};

use crate::Client;
use crate::client::required_name;

impl Client<Event> {
    /// The client of `event`'s namespace; an event for another namespace than this
    /// client's is refused.
    fn in_event_namespace(&self, event: &Event) -> Result<Self> {
        let namespace = event.metadata.namespace.as_deref().unwrap_or_default();
        match self.namespace() {
            Some(own) if own != namespace => Err(Error::Request(format!(
                "can't create an event with namespace '{namespace}' in namespace '{own}'"
            ))),
            _ => Ok(Client::new(self.requests().rest().clone(), namespace)),
        }
    }

    /// Creates `event` in its own namespace (what event sinks use).
    pub async fn create_with_event_namespace(&self, event: &Event) -> Result<Event> {
        self.in_event_namespace(event)?
            .requests()
            .create(None, event, &CreateOptions::default(), &[])
            .await
    }

    /// Replaces `event` in its own namespace.
    pub async fn update_with_event_namespace(&self, event: &Event) -> Result<Event> {
        let name = required_name(event)?;
        self.in_event_namespace(event)?
            .requests()
            .update(name, event, &UpdateOptions::default(), &[])
            .await
    }

    /// Strategic-merge patches `event` (count, lastTimestamp, ...) in its own namespace.
    pub async fn patch_with_event_namespace(&self, event: &Event, patch: &[u8]) -> Result<Event> {
        let name = required_name(event)?;
        self.in_event_namespace(event)?
            .requests()
            .patch(
                name,
                PatchType::StrategicMerge,
                patch,
                &PatchOptions::default(),
                &[],
            )
            .await
    }

    /// The events about the object `reference` names (matched on its name, namespace,
    /// kind and uid, whichever are set).
    pub async fn search(&self, reference: &ObjectReference) -> Result<ObjectList<Event>> {
        let selector = Self::field_selector(
            reference.name.as_deref(),
            reference.namespace.as_deref(),
            reference.kind.as_deref(),
            reference.uid.as_deref(),
        );
        let namespace = reference.namespace.as_deref().unwrap_or_default();
        Client::<Event>::new(self.requests().rest().clone(), namespace)
            .list(&ListOptions::default().with_field_selector(selector))
            .await
    }

    /// The field selector of events about an object (`involvedObject.name=...,...`),
    /// with a term for each part that is set.
    pub fn field_selector(
        name: Option<&str>,
        namespace: Option<&str>,
        kind: Option<&str>,
        uid: Option<&str>,
    ) -> String {
        let mut set = fields::Set::new();
        for (field, value) in [
            ("involvedObject.kind", kind),
            ("involvedObject.namespace", namespace),
            ("involvedObject.name", name),
            ("involvedObject.uid", uid),
        ] {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                set.insert(field.to_string(), value.to_string());
            }
        }
        fields::Selector::from_set(&set).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selectors_name_the_parts_that_are_set() {
        assert_eq!(
            Client::<Event>::field_selector(Some("web"), Some("ns"), Some("Pod"), None),
            "involvedObject.kind=Pod,involvedObject.name=web,involvedObject.namespace=ns"
        );
        assert_eq!(
            Client::<Event>::field_selector(None, None, None, Some("")),
            ""
        );
    }
}
