//! What the derives generate, checked without a server: identity, serialization and
//! the definition's schema. `real_server.rs` installs the definitions.

#![allow(clippy::unwrap_used)]

mod types;

use clientgo_apimachinery::resource::verb;
use clientgo_apimachinery::{Metadata, Resource, Scope, StructuralSchema};
use serde_json::json;
use types::{Gateway, GatewaySpec, Mirror, MirrorSpec, MirrorStatus, Policy, Weight};

#[test]
fn the_object_type_knows_its_resource() {
    assert_eq!(Mirror::api_version(), "derive.clientgo.dev/v1");
    assert_eq!(Mirror::KIND, "Mirror");
    assert_eq!(Mirror::PLURAL, "mirrors");
    assert_eq!(Mirror::SCOPE, Scope::Namespaced);
    assert_eq!(Mirror::SUBRESOURCES, &["status", "scale"]);
    assert_eq!(Gateway::PLURAL, "gateways");
    assert_eq!(Gateway::SCOPE, Scope::Cluster);
    assert!(Gateway::SUBRESOURCES.is_empty());

    fn full<K: verb::Get + verb::List + verb::Watch + verb::Create + verb::Update>() {}
    fn with_status<K: verb::Status + verb::Scale + verb::Patch + verb::Delete>() {}
    full::<Mirror>();
    full::<Gateway>();
    with_status::<Mirror>();
}

#[test]
fn objects_serialize_with_api_version_and_kind() {
    let mut mirror = Mirror::new(
        "settings",
        MirrorSpec {
            source: "app-config".into(),
            policy: Some(Policy::IfMissing),
            scratch: 7,
            ..MirrorSpec::default()
        },
    );
    assert_eq!(mirror.name(), Some("settings"));
    let value = serde_json::to_value(&mirror).unwrap();
    assert_eq!(
        value,
        json!({
            "apiVersion": "derive.clientgo.dev/v1",
            "kind": "Mirror",
            "metadata": { "name": "settings" },
            "spec": { "source": "app-config", "targetNamespaces": [], "policy": "IfMissing" },
        })
    );

    mirror.status = Some(MirrorStatus {
        copies: Some(2),
        ..MirrorStatus::default()
    });
    let text = serde_json::to_string(&mirror).unwrap();
    assert!(text.ends_with(r#""status":{"copies":2}}"#), "{text}");
    let back: Mirror = serde_json::from_str(&text).unwrap();
    assert_eq!(back.spec.scratch, 0, "skipped fields are not sent");
    assert_eq!(back.status, mirror.status);
    assert_eq!(back.spec.source, "app-config");

    let gateway = Gateway::new(
        "edge",
        GatewaySpec {
            address: "10.0.0.1".into(),
            weight: Weight(3),
        },
    );
    assert_eq!(
        serde_json::to_value(&gateway).unwrap(),
        json!({
            "apiVersion": "derive.clientgo.dev/v1alpha1",
            "kind": "Gateway",
            "metadata": { "name": "edge" },
            "spec": { "address": "10.0.0.1", "weight": 3 },
        })
    );
}

#[test]
fn schemas_follow_serde() {
    assert_eq!(
        Policy::schema(),
        json!({
            "type": "string",
            "description": "When a copy is overwritten.",
            "enum": ["Always", "IfMissing", "never"],
        })
    );
    let spec = MirrorSpec::schema();
    assert_eq!(spec["type"], "object");
    assert_eq!(
        spec["description"],
        "Copies a ConfigMap into other namespaces."
    );
    assert_eq!(spec["required"], json!(["source"]));
    let properties = spec["properties"].as_object().unwrap();
    let names: Vec<&str> = properties.keys().map(|value| value.as_str()).collect();
    assert_eq!(
        names,
        [
            "extra",
            "labels",
            "policy",
            "port",
            "replicas",
            "source",
            "targetNamespaces"
        ]
    );
    assert_eq!(
        properties["targetNamespaces"],
        json!({ "type": "array", "items": { "type": "string" }, "description": "Where the copies go." })
    );
    assert_eq!(properties["port"]["x-kubernetes-int-or-string"], true);
    assert_eq!(
        properties["extra"]["x-kubernetes-preserve-unknown-fields"],
        true
    );
    assert_eq!(properties["replicas"]["nullable"], true);
    assert_eq!(
        properties["labels"]["additionalProperties"],
        json!({ "type": "string" })
    );
    assert_eq!(
        GatewaySpec::schema()["properties"]["weight"],
        json!({ "type": "integer", "format": "int32", "minimum": 0, "description": "A weight, carried as a newtype." })
    );
    assert_eq!(
        GatewaySpec::schema()["required"],
        json!(["address", "weight"])
    );
}

#[test]
fn the_definition_describes_the_resource() {
    let crd = serde_json::to_value(Mirror::crd()).unwrap();
    assert_eq!(crd["metadata"]["name"], "mirrors.derive.clientgo.dev");
    let spec = &crd["spec"];
    assert_eq!(spec["group"], "derive.clientgo.dev");
    assert_eq!(spec["scope"], "Namespaced");
    assert_eq!(
        spec["names"],
        json!({
            "kind": "Mirror",
            "listKind": "MirrorList",
            "plural": "mirrors",
            "singular": "mirror",
            "shortNames": ["mir"],
            "categories": ["clientgo-test"],
        })
    );
    let version = &spec["versions"][0];
    assert_eq!(version["name"], "v1");
    assert_eq!(version["served"], true);
    assert_eq!(version["storage"], true);
    assert_eq!(
        version["subresources"],
        json!({
            "status": {},
            "scale": { "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas" },
        })
    );
    assert_eq!(
        version["additionalPrinterColumns"],
        json!([
            { "name": "Source", "type": "string", "jsonPath": ".spec.source" },
            { "name": "Copies", "type": "integer", "jsonPath": ".status.copies", "priority": 1 },
        ])
    );
    let schema = &version["schema"]["openAPIV3Schema"];
    assert_eq!(schema["required"], json!(["spec"]));
    assert_eq!(schema["properties"]["spec"], MirrorSpec::schema());
    assert_eq!(schema["properties"]["status"], MirrorStatus::schema());

    let gateway = serde_json::to_value(Gateway::crd()).unwrap();
    assert_eq!(gateway["spec"]["scope"], "Cluster");
    assert!(gateway["spec"]["versions"][0].get("subresources").is_none());
    assert!(gateway["spec"]["names"].get("shortNames").is_none());
}
