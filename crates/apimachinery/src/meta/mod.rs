//! The `meta.k8s.io/v1` types shared by every API group.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/apis/meta/v1`:
//!
//! * object identity: [`TypeMeta`], [`ObjectMeta`] (with [`OwnerReference`]s and
//!   [`ManagedFieldsEntry`]s whose `fieldsV1` stays raw JSON), [`ListMeta`];
//! * timestamps: [`Time`] and [`MicroTime`];
//! * failures: [`Status`], [`StatusDetails`], [`StatusCause`], [`StatusReason`];
//! * request options: [`ListOptions`], [`GetOptions`], [`CreateOptions`],
//!   [`UpdateOptions`], [`PatchOptions`], [`ApplyOptions`] (URL query, see
//!   [`QueryParams`]) and [`DeleteOptions`] (JSON body);
//! * selectors: [`LabelSelector`] and [`label_selector_as_selector`];
//! * discovery documents: [`APIResourceList`], [`APIGroupList`], [`APIVersions`];
//! * [`Condition`], [`PartialObjectMetadata`], [`Table`], and the wire [`WatchEvent`].
//!
//! All types use the API's camelCase JSON names, leave unset fields out when encoding
//! and ignore unknown fields when decoding.
//!
//! ```
//! use clientgo_apimachinery::meta::ObjectMeta;
//!
//! let meta: ObjectMeta = serde_json::from_str(
//!     r#"{"name":"web","namespace":"prod","labels":{"app":"web"},"unknownField":1}"#,
//! )?;
//! assert_eq!(meta.name.as_deref(), Some("web"));
//! assert_eq!(
//!     serde_json::to_string(&meta)?,
//!     r#"{"name":"web","namespace":"prod","labels":{"app":"web"}}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

mod discovery;
mod label_selector;
mod object_list;
mod object_meta;
mod options;
mod rfc3339;
mod status;
mod table;
mod time;

pub use discovery::{
    APIGroup, APIGroupList, APIResource, APIResourceList, APIVersions, GroupVersionForDiscovery,
    ServerAddressByClientCIDR,
};
pub use label_selector::{
    FieldSelectorRequirement, LABEL_SELECTOR_OP_DOES_NOT_EXIST, LABEL_SELECTOR_OP_EXISTS,
    LABEL_SELECTOR_OP_IN, LABEL_SELECTOR_OP_NOT_IN, LabelSelector, LabelSelectorRequirement,
    format_label_selector, label_selector_as_selector,
};
pub use object_list::ObjectList;
pub use object_meta::{
    CONDITION_FALSE, CONDITION_TRUE, CONDITION_UNKNOWN, Condition, FieldsV1, ListMeta,
    ManagedFieldsEntry, ObjectMeta, OwnerReference, PartialObjectMetadata,
    PartialObjectMetadataList, TypeMeta,
};
pub use options::{
    ApplyOptions, CreateOptions, DRY_RUN_ALL, DeleteOptions, FieldValidation, GetOptions,
    ListOptions, PatchOptions, Preconditions, PropagationPolicy, QueryParams, ResourceVersionMatch,
    UpdateOptions,
};
pub use status::{
    STATUS_FAILURE, STATUS_SUCCESS, Status, StatusCause, StatusDetails, StatusReason, WatchEvent,
    cause_type,
};
pub use table::{
    IncludeObjectPolicy, RawExtension, Table, TableColumnDefinition, TableOptions, TableRow,
    TableRowCondition,
};
pub use time::{MicroTime, Time};

pub(crate) use object_meta::null_as_default;

/// The annotation a watch-list stream puts on its final `BOOKMARK` once all initial
/// events were sent.
pub const INITIAL_EVENTS_END_ANNOTATION: &str = "k8s.io/initial-events-end";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::GroupVersionKind;

    /// Metadata of a Pod exactly as kube-apiserver returns it (including managed fields,
    /// owner references and a pending deletion).
    const POD_METADATA: &str = r#"{"name":"web-7d4b9c8f6d-x2x9k","generateName":"web-7d4b9c8f6d-","namespace":"prod","uid":"4b1d9a3e-52c1-4f4e-9a57-8d4e0f3c2b11","resourceVersion":"183457","generation":1,"creationTimestamp":"2024-05-06T07:08:09Z","deletionTimestamp":"2024-05-06T08:00:00Z","deletionGracePeriodSeconds":30,"labels":{"app":"web","pod-template-hash":"7d4b9c8f6d"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-06T07:00:00Z"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c8f6d","uid":"0f6a1c55-1c1e-4b8e-a8a5-3f2d4e5c6b7a","controller":true,"blockOwnerDeletion":true}],"finalizers":["example.com/cleanup"],"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2024-05-06T07:08:09Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0f6a1c55-1c1e-4b8e-a8a5-3f2d4e5c6b7a\"}":{}}}}},{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2024-05-06T07:08:11Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}}}},"subresource":"status"}]}"#;

    #[test]
    fn pod_metadata_round_trips_byte_for_byte() {
        let meta: ObjectMeta = serde_json::from_str(POD_METADATA).unwrap();
        assert_eq!(meta.namespace.as_deref(), Some("prod"));
        assert_eq!(meta.generation, Some(1));
        assert_eq!(
            meta.creation_timestamp.unwrap().to_string(),
            "2024-05-06T07:08:09Z"
        );
        assert_eq!(meta.labels["pod-template-hash"], "7d4b9c8f6d");
        assert_eq!(meta.controller().unwrap().kind, "ReplicaSet");
        assert_eq!(meta.managed_fields.len(), 2);
        assert_eq!(
            meta.managed_fields[1].subresource.as_deref(),
            Some("status")
        );
        assert_eq!(serde_json::to_string(&meta).unwrap(), POD_METADATA);
    }

    #[test]
    fn managed_fields_raw_bytes_are_preserved_exactly() {
        // Odd spacing and key order must survive: the bytes are never re-parsed.
        let json = r#"{"managedFields":[{"manager":"m","fieldsType":"FieldsV1","fieldsV1":{ "f:spec" : {"f:b":{},"f:a":{}} }}]}"#;
        let meta: ObjectMeta = serde_json::from_str(json).unwrap();
        let raw = meta.managed_fields[0].fields_v1.as_ref().unwrap();
        assert_eq!(raw.as_str(), r#"{ "f:spec" : {"f:b":{},"f:a":{}} }"#);
        assert_eq!(serde_json::to_string(&meta).unwrap(), json);
        assert!(raw.to_value().unwrap()["f:spec"].is_object());
        // Also through a serde_json::Value (the unstructured path).
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let via_value: ObjectMeta = serde_json::from_value(value).unwrap();
        assert_eq!(
            via_value.managed_fields[0]
                .fields_v1
                .as_ref()
                .unwrap()
                .to_value()
                .unwrap(),
            raw.to_value().unwrap()
        );
    }

    #[test]
    fn empty_object_meta_encodes_as_empty_object_and_ignores_nulls() {
        assert_eq!(serde_json::to_string(&ObjectMeta::default()).unwrap(), "{}");
        let meta: ObjectMeta = serde_json::from_str(
            r#"{"name":"a","labels":null,"annotations":null,"finalizers":null,"creationTimestamp":null}"#,
        )
        .unwrap();
        assert_eq!(meta, ObjectMeta::named("a"));
    }

    /// A `Status` body exactly as kube-apiserver sends it for an invalid create.
    const INVALID_STATUS: &str = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0","reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422}"#;

    #[test]
    fn realistic_status_body_round_trips() {
        let status: Status = serde_json::from_str(INVALID_STATUS).unwrap();
        assert!(status.is_failure());
        assert_eq!(status.reason, StatusReason::Invalid);
        assert_eq!(status.code, 422);
        let details = status.details.as_ref().unwrap();
        assert_eq!(
            details.causes[0].cause_type.as_deref(),
            Some(cause_type::FIELD_VALUE_INVALID)
        );
        assert_eq!(details.causes[0].field.as_deref(), Some("spec.replicas"));
        // Go writes an empty `metadata: {}`; we leave it out, everything else is identical.
        let ours = serde_json::to_string(&status).unwrap();
        assert_eq!(ours, INVALID_STATUS.replace(r#""metadata":{},"#, ""));
        assert_eq!(serde_json::from_str::<Status>(&ours).unwrap(), status);
    }

    #[test]
    fn owner_reference_helpers() {
        let mut owner = ObjectMeta::namespaced("ns", "rs");
        owner.uid = Some("u1".into());
        let r = OwnerReference::new_controller_ref(
            &owner,
            &GroupVersionKind::new("apps", "v1", "ReplicaSet"),
        );
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true,"blockOwnerDeletion":true}"#
        );
    }

    #[test]
    fn condition_always_writes_required_fields() {
        let c = Condition {
            type_: "Ready".into(),
            status: CONDITION_TRUE.into(),
            last_transition_time: Time::from_unix(0, 0),
            ..Condition::default()
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"type":"Ready","status":"True","lastTransitionTime":"1970-01-01T00:00:00Z","reason":"","message":""}"#
        );
    }

    #[test]
    fn partial_object_metadata_list_decodes() {
        let json = r#"{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"5","continue":"abc","remainingItemCount":3},"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a"}}]}"#;
        let list: PartialObjectMetadataList = serde_json::from_str(json).unwrap();
        assert_eq!(list.metadata.continue_.as_deref(), Some("abc"));
        assert_eq!(list.items[0].metadata.name.as_deref(), Some("a"));
        assert_eq!(
            list.items[0].group_version_kind(),
            GroupVersionKind::new("meta.k8s.io", "v1", "PartialObjectMetadata")
        );
        assert_eq!(serde_json::to_string(&list).unwrap(), json);
    }
}
