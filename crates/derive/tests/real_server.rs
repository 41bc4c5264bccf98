//! Derived custom resources against the real kube-apiserver: the definition installs
//! as generated (the server keeps the schema as sent, so it is structural), and the
//! typed client works on the objects: create (status dropped, as for every resource
//! with a status subresource), status update, scale, server-side apply of the object
//! itself and of a `serde_json::Value`, list.

#![allow(clippy::unwrap_used)]

mod types;

use std::time::Duration;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_api::core::v1::apply::ConfigMapApplyConfiguration;
use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, GetOptions, ListOptions, OwnerReference, UpdateOptions,
};
use clientgo_apimachinery::{ApiStatus, Metadata, Resource};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::{Client, Clientset};
use serde_json::json;
use types::{Gateway, GatewaySpec, Mirror, MirrorSpec, MirrorStatus, Weight};

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap()
}

/// Creates (or keeps) `crd` and waits until the server serves it.
async fn install(
    clientset: &Clientset,
    crd: &CustomResourceDefinition,
) -> CustomResourceDefinition {
    let crds = clientset.apiextensions_v1().custom_resource_definitions();
    let name = crd.metadata.name.clone().unwrap();
    match crds.create(crd, &CreateOptions::default()).await {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("installing {name}: {error}"),
    }
    for _ in 0..100 {
        let current = crds.get(&name, &GetOptions::default()).await.unwrap();
        let established = current
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|conditions| {
                conditions
                    .iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
            });
        if established {
            return current;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} was not established within 10 s");
}

#[tokio::test]
async fn the_generated_definition_is_accepted_as_sent() {
    let clientset = Clientset::new(&config().await).unwrap();
    for crd in [Mirror::crd(), Gateway::crd()] {
        let installed = install(&clientset, &crd).await;
        let sent = serde_json::to_value(&crd.spec).unwrap();
        let kept = serde_json::to_value(&installed.spec).unwrap();
        assert_eq!(
            kept["versions"][0]["schema"], sent["versions"][0]["schema"],
            "the server keeps a structural schema unchanged"
        );
        assert_eq!(
            kept["versions"][0]["subresources"],
            sent["versions"][0]["subresources"]
        );
        assert_eq!(
            kept["versions"][0]["additionalPrinterColumns"],
            sent["versions"][0]["additionalPrinterColumns"]
        );
        let accepted = serde_json::to_value(&installed.status.unwrap().accepted_names).unwrap();
        assert_eq!(accepted, sent["names"], "every name is accepted");
    }
}

#[tokio::test]
async fn the_typed_client_works_on_derived_objects() {
    let config = config().await;
    let clientset = Clientset::new(&config).unwrap();
    install(&clientset, &Mirror::crd()).await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let namespace = cluster.new_namespace("derive").await.unwrap();
    let rest = clientgo_rest::RestClient::new(&config).unwrap();
    let mirrors: Client<Mirror> = Client::new(rest.clone(), &namespace);

    let mut mirror = Mirror::new(
        "settings",
        MirrorSpec {
            source: "app-config".into(),
            target_namespaces: vec!["a".into(), "b".into()],
            replicas: Some(2),
            ..MirrorSpec::default()
        },
    );
    mirror.status = Some(MirrorStatus {
        copies: Some(9),
        ..MirrorStatus::default()
    });
    let created = mirrors
        .create(&mirror, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.namespace(), Some(namespace.as_str()));
    assert_eq!(created.spec, mirror.spec);
    assert_eq!(
        created.status, None,
        "a create drops the status, as the server does"
    );

    let mut with_status = created.clone();
    with_status.status = Some(MirrorStatus {
        copies: Some(2),
        replicas: Some(2),
        ..MirrorStatus::default()
    });
    let updated = mirrors
        .update_status(&with_status, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(updated.status.as_ref().and_then(|s| s.copies), Some(2));

    let scale = mirrors
        .get_scale("settings", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(scale.spec.as_ref().and_then(|s| s.replicas), Some(2));

    // The object itself as an apply configuration (its set fields are claimed), then a
    // JSON value without apiVersion and kind: both are filled in from the type.
    let mut desired = Mirror::new(
        "applied",
        MirrorSpec {
            source: "other".into(),
            ..MirrorSpec::default()
        },
    );
    let apply = ApplyOptions {
        force: true,
        ..ApplyOptions::new("derive-test")
    };
    let applied = mirrors.apply(&desired, &apply).await.unwrap();
    assert_eq!(applied.spec.source, "other");
    desired.spec.source = "changed".into();
    let patch = json!({ "metadata": { "name": "applied" }, "spec": { "source": "changed" } });
    let reapplied = mirrors.apply(&patch, &apply).await.unwrap();
    assert_eq!(reapplied.spec.source, desired.spec.source);
    assert_eq!(reapplied.spec.target_namespaces, Vec::<String>::new());

    // A controller reference to the custom object, put into an apply configuration.
    let owner = OwnerReference::controller_of(&created).unwrap();
    assert_eq!(owner.kind, "Mirror");
    assert_eq!(owner.api_version, "derive.clientgo.dev/v1");
    let copy = ConfigMapApplyConfiguration::new("settings-copy", namespace.as_str())
        .with_owner_references([owner.into()]);
    let owned = clientset
        .core_v1()
        .config_maps(&namespace)
        .apply(&copy, &apply)
        .await
        .unwrap();
    let references = &owned.metadata.owner_references;
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].uid, created.metadata.uid.clone().unwrap());
    assert_eq!(references[0].controller, Some(true));
    assert!(
        OwnerReference::controller_of(&Mirror::new("unsaved", MirrorSpec::default())).is_none()
    );

    let listed = mirrors.list(&ListOptions::default()).await.unwrap();
    let mut names: Vec<&str> = listed.items.iter().filter_map(|m| m.name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["applied", "settings"]);
    assert_eq!(Mirror::PLURAL, "mirrors");
}

#[tokio::test]
async fn cluster_scoped_objects_and_newtypes_round_trip() {
    let config = config().await;
    let clientset = Clientset::new(&config).unwrap();
    install(&clientset, &Gateway::crd()).await;
    let gateways: Client<Gateway> =
        Client::new(clientgo_rest::RestClient::new(&config).unwrap(), "");
    let name = format!("edge-{}", std::process::id());
    let gateway = Gateway::new(
        &name,
        GatewaySpec {
            address: "10.0.0.1".into(),
            weight: Weight(7),
        },
    );
    let created = gateways
        .create(&gateway, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.namespace(), None);
    assert_eq!(created.spec.weight.0, 7);

    // The schema is enforced: a weight below zero is refused by the server.
    let invalid = json!({ "metadata": { "name": format!("{name}-bad") }, "spec": { "address": "x", "weight": -1 } });
    let refused = gateways
        .apply(&invalid, &ApplyOptions::new("derive-test"))
        .await
        .unwrap_err();
    assert!(refused.is_invalid(), "{refused}");
}
