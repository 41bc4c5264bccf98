//! The scale client against the real API server: the `/scale` subresource of an
//! apps/v1 Deployment and of a custom resource with a scale subresource, read,
//! replaced and patched, with the object's `spec.replicas` read back.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::meta::{CreateOptions, ListOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::schema::{GroupResource, GroupVersionKind};
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_discovery::restmapper::DeferredDiscoveryRestMapper;
use clientgo_discovery::{DiscoveryClient, MemCacheClient};
use clientgo_dynamic::DynamicClient;
use clientgo_scale::{
    DiscoveryScaleKindResolver, Error, Scale, ScaleClient, ScaleKindResolver, ScaleSpec,
};
use serde_json::json;

const GROUP: &str = "scale.clientgo.dev";

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let rules = LoadingRules::explicit(cluster.kubeconfig_path());
    ClientConfig::new(rules, ConfigOverrides::default())
        .rest_config()
        .unwrap()
}

fn object(value: serde_json::Value) -> Unstructured {
    Unstructured::from_value(value).unwrap()
}

/// Creates the `scalers` CRD with a scale subresource and waits until it is served.
async fn create_scalers(dynamic: &DynamicClient) -> GroupVersionResource {
    let crds = dynamic.resource(&GroupVersionResource::new(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
    ));
    let crd = object(json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("scalers.{GROUP}")},
        "spec": {
            "group": GROUP,
            "names": {"kind": "Scaler", "plural": "scalers", "singular": "scaler"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"scale": {
                    "specReplicasPath": ".spec.replicas",
                    "statusReplicasPath": ".status.replicas",
                    "labelSelectorPath": ".status.selector",
                }},
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
            }],
        },
    }));
    match crds.create(&crd, &CreateOptions::default(), &[]).await {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("creating the CRD: {error}"),
    }
    let scalers = GroupVersionResource::new(GROUP, "v1", "scalers");
    for _ in 0..100 {
        if dynamic
            .resource(&scalers)
            .list(&ListOptions::default())
            .await
            .is_ok()
        {
            return scalers;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the scalers resource was never served");
}

#[tokio::test]
async fn scales_of_deployments_and_custom_resources() {
    let config = config().await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let ns = cluster.new_namespace("scale").await.unwrap();
    let dynamic = DynamicClient::new(&config).unwrap();
    let scalers = create_scalers(&dynamic).await;

    let deployments_gvr = GroupVersionResource::new("apps", "v1", "deployments");
    let deployments = dynamic.resource(&deployments_gvr).namespace(&ns);
    deployments
        .create(
            &object(json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
                    },
                },
            })),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();
    let custom = dynamic.resource(&scalers).namespace(&ns);
    custom
        .create(
            &object(json!({
                "apiVersion": format!("{GROUP}/v1"), "kind": "Scaler",
                "metadata": {"name": "s1"},
                "spec": {"replicas": 2},
            })),
            &CreateOptions::default(),
            &[],
        )
        .await
        .unwrap();

    let discovery = Arc::new(MemCacheClient::new(DiscoveryClient::new(&config).unwrap()));
    let resolver = Arc::new(DiscoveryScaleKindResolver::new(Arc::clone(&discovery)));
    assert_eq!(
        resolver.scale_for_resource(&deployments_gvr).await.unwrap(),
        GroupVersionKind::new("autoscaling", "v1", "Scale")
    );
    assert_eq!(
        resolver.scale_for_resource(&scalers).await.unwrap(),
        GroupVersionKind::new("autoscaling", "v1", "Scale")
    );
    let no_scale = resolver
        .scale_for_resource(&GroupVersionResource::new("", "v1", "configmaps"))
        .await
        .unwrap_err();
    assert!(
        matches!(no_scale, Error::NoScaleSubresource(_)),
        "{no_scale}"
    );
    let client = ScaleClient::new(
        &config,
        Arc::new(DeferredDiscoveryRestMapper::new(Arc::clone(&discovery))),
        resolver,
    )
    .unwrap();
    let scales = client.scales(&ns);
    let replicas = |resource: &clientgo_dynamic::ResourceClient, name: &'static str| {
        let resource = resource.clone();
        async move {
            resource
                .get(name, &Default::default(), &[])
                .await
                .unwrap()
                .nested_i64(&["spec", "replicas"])
                .unwrap()
        }
    };

    // Deployment: get, update, patch.
    let deployment = GroupResource::new("apps", "deployments");
    let mut scale = scales
        .get(&deployment, "web", &Default::default())
        .await
        .unwrap();
    assert_eq!(wanted(&scale), Some(1));
    assert_eq!(scale.metadata.name.as_deref(), Some("web"));
    assert_eq!(
        scale.status.as_ref().and_then(|s| s.selector.as_deref()),
        Some("app=web")
    );
    scale.spec = Some(ScaleSpec { replicas: Some(3) });
    let updated = scales
        .update(&deployment, &scale, &Default::default())
        .await
        .unwrap();
    assert_eq!(wanted(&updated), Some(3));
    assert_eq!(replicas(&deployments, "web").await, Some(3));
    let patched = scales
        .patch(
            &deployments_gvr,
            "web",
            PatchType::Merge,
            br#"{"spec":{"replicas":5}}"#,
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(wanted(&patched), Some(5));
    assert_eq!(replicas(&deployments, "web").await, Some(5));

    // Custom resource: the same through its scale subresource.
    let scaler = GroupResource::new(GROUP, "scalers");
    let mut scale = scales
        .get(&scaler, "s1", &Default::default())
        .await
        .unwrap();
    assert_eq!(wanted(&scale), Some(2));
    scale.spec = Some(ScaleSpec { replicas: Some(4) });
    let updated = scales
        .update(&scaler, &scale, &Default::default())
        .await
        .unwrap();
    assert_eq!(wanted(&updated), Some(4));
    assert_eq!(replicas(&custom, "s1").await, Some(4));
    let patched = scales
        .patch(
            &scalers,
            "s1",
            PatchType::Json,
            br#"[{"op":"replace","path":"/spec/replicas","value":6}]"#,
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(wanted(&patched), Some(6));
    assert_eq!(replicas(&custom, "s1").await, Some(6));

    // A stale resource version conflicts; unknown resources and objects fail clearly.
    let stale = scales
        .update(&scaler, &scale, &Default::default())
        .await
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale}");
    let unknown = scales
        .get(
            &GroupResource::new("", "nosuchthings"),
            "x",
            &Default::default(),
        )
        .await
        .unwrap_err();
    assert!(
        unknown
            .to_string()
            .starts_with("unable to get full preferred group-version-resource for nosuchthings"),
        "{unknown}"
    );
    let missing = scales
        .get(&deployment, "nope", &Default::default())
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}

/// The wanted replicas of a Scale.
fn wanted(scale: &Scale) -> Option<i32> {
    scale.spec.as_ref()?.replicas
}
