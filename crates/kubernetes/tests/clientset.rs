//! The typed clientset against the real API server: every discovered resource has a
//! typed client that lists it, optimistic concurrency, server-side apply with apply
//! configurations, scale and status subresources.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the server misbehaves

mod support;

use clientgo_api::apps::v1::apply::{
    DeploymentApplyConfiguration, DeploymentSpecApplyConfiguration,
};
use clientgo_api::apps::v1::{Deployment, DeploymentSpec};
use clientgo_api::core::v1::apply::{
    ContainerApplyConfiguration, PodSpecApplyConfiguration, PodTemplateSpecApplyConfiguration,
};
use clientgo_api::core::v1::{ConfigMap, Container, PodSpec, PodTemplateSpec};
use clientgo_api::meta::v1::apply::{
    LabelSelectorApplyConfiguration, ObjectMetaApplyConfiguration,
};
use clientgo_apimachinery::meta::{
    ApplyOptions, CreateOptions, GetOptions, LabelSelector, ListOptions, ObjectMeta, UpdateOptions,
};
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, StringMap};
use clientgo_discovery::DiscoveryClient;
use clientgo_rest::retry::{DEFAULT_RETRY, retry_on_conflict};

#[tokio::test]
async fn every_discovered_resource_has_a_typed_client_that_lists_it() {
    let config = support::config().await;
    let clientset = clientgo_kubernetes::Clientset::new(&config).unwrap();
    let discovery = DiscoveryClient::new(&config)
        .unwrap()
        .server_groups_and_resources()
        .await
        .unwrap();
    let mut listed = 0;
    let mut missing = Vec::new();
    for list in &discovery.resources {
        let (group, version) = match list.group_version.split_once('/') {
            Some((group, version)) => (group, version),
            None => ("", list.group_version.as_str()),
        };
        if group.ends_with(".clientgo.dev") {
            continue; // custom resources other tests define
        }
        for resource in &list.resources {
            if resource.name.contains('/') || !resource.verbs.iter().any(|v| v == "list") {
                continue;
            }
            let gvr = GroupVersionResource::new(group, version, resource.name.as_str());
            match clientset.list_values(&gvr, &ListOptions::default()).await {
                Some(result) => {
                    result.unwrap_or_else(|e| panic!("listing {gvr}: {e}"));
                    listed += 1;
                }
                None => missing.push(gvr.to_string()),
            }
        }
    }
    assert!(missing.is_empty(), "no typed client for {missing:?}");
    assert!(listed > 50, "only {listed} resources listed");
}

fn deployment(name: &str, image: &str) -> Deployment {
    let labels: StringMap = StringMap::from([("app", name.into())]);
    Deployment {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: labels.clone(),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels,
                    ..ObjectMeta::default()
                }),
                spec: Some(Box::new(PodSpec {
                    containers: vec![Container {
                        name: "web".into(),
                        image: Some(image.into()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                })),
            },
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

#[tokio::test]
async fn a_stale_update_conflicts_and_retry_on_conflict_succeeds() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-conflict").await;
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let created = configmaps
        .create(
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("settings".into()),
                    ..ObjectMeta::default()
                },
                data: Some(StringMap::from([("mode", "a".into())])),
                ..ConfigMap::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();

    let mut first = created.clone();
    first.data = Some(StringMap::from([("mode", "b".into())]));
    configmaps
        .update(&first, &UpdateOptions::default())
        .await
        .unwrap();

    let mut stale = created;
    stale.data = Some(StringMap::from([("mode", "c".into())]));
    let error = configmaps
        .update(&stale, &UpdateOptions::default())
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error}");

    let mut attempts = 0;
    let updated = retry_on_conflict(DEFAULT_RETRY, || {
        attempts += 1;
        let configmaps = configmaps.clone();
        let stale = stale.clone();
        async move {
            // The first attempt reuses the stale copy; later ones read the latest.
            let mut object = if attempts == 1 {
                stale
            } else {
                configmaps.get("settings", &GetOptions::default()).await?
            };
            object.data = Some(StringMap::from([("mode", "c".into())]));
            configmaps.update(&object, &UpdateOptions::default()).await
        }
    })
    .await
    .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(updated.data.unwrap()["mode"], "c");
}

fn web_apply(name: &str, namespace: &str, image: &str) -> DeploymentApplyConfiguration {
    DeploymentApplyConfiguration::new(name, namespace).with_spec(
        DeploymentSpecApplyConfiguration::default()
            .with_selector(
                LabelSelectorApplyConfiguration::default().with_match_labels([("app", name)]),
            )
            .with_template(
                PodTemplateSpecApplyConfiguration::default()
                    .with_metadata(
                        ObjectMetaApplyConfiguration::default().with_labels([("app", name)]),
                    )
                    .with_spec(
                        PodSpecApplyConfiguration::default().with_containers([
                            ContainerApplyConfiguration::default()
                                .with_name("web")
                                .with_image(image),
                        ]),
                    ),
            ),
    )
}

fn apply_options(manager: &str, force: bool) -> ApplyOptions {
    ApplyOptions {
        field_manager: manager.into(),
        force,
        ..ApplyOptions::default()
    }
}

#[tokio::test]
async fn server_side_apply_tracks_owners_conflicts_and_force() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-apply").await;
    let deployments = clientset.apps_v1().deployments(&namespace);

    let applied = deployments
        .apply(
            &web_apply("web", &namespace, "nginx:1"),
            &apply_options("alpha", false),
        )
        .await
        .unwrap();
    assert_eq!(
        applied.spec.template.spec.as_ref().unwrap().containers[0]
            .image
            .as_deref(),
        Some("nginx:1")
    );
    let managed = &applied.metadata.managed_fields;
    assert_eq!(managed.len(), 1);
    let owned = serde_json::to_string(&managed[0].fields_v1).unwrap();
    assert!(owned.contains("f:image"), "{owned}");
    assert!(
        !owned.contains("f:replicas"),
        "alpha set no replicas: {owned}"
    );

    // A second manager setting the image to another value conflicts, naming the field.
    let error = deployments
        .apply(
            &web_apply("web", &namespace, "nginx:2"),
            &apply_options("beta", false),
        )
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("image") && message.contains("alpha"),
        "{message}"
    );

    // Forcing takes the field over.
    let forced = deployments
        .apply(
            &web_apply("web", &namespace, "nginx:2"),
            &apply_options("beta", true),
        )
        .await
        .unwrap();
    assert_eq!(
        forced.spec.template.spec.unwrap().containers[0]
            .image
            .as_deref(),
        Some("nginx:2")
    );
    let beta = forced
        .metadata
        .managed_fields
        .iter()
        .find(|entry| entry.manager.as_deref() == Some("beta"))
        .unwrap();
    assert!(
        serde_json::to_string(&beta.fields_v1)
            .unwrap()
            .contains("f:image")
    );

    // A partial configuration (replicas only) claims replicas and nothing else.
    let replicas = DeploymentApplyConfiguration::new("web", &namespace)
        .with_spec(DeploymentSpecApplyConfiguration::default().with_replicas(3));
    let scaled = deployments
        .apply(&replicas, &apply_options("scaler", false))
        .await
        .unwrap();
    assert_eq!(scaled.spec.replicas, Some(3));
    let scaler = scaled
        .metadata
        .managed_fields
        .iter()
        .find(|entry| entry.manager.as_deref() == Some("scaler"))
        .unwrap();
    let owned = serde_json::to_string(&scaler.fields_v1).unwrap();
    assert!(owned.contains("f:replicas"), "{owned}");
    assert!(
        !owned.contains("f:template") && !owned.contains("f:selector"),
        "{owned}"
    );
}

#[tokio::test]
async fn scale_and_status_subresources() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-scale").await;
    let deployments = clientset.apps_v1().deployments(&namespace);
    deployments
        .create(&deployment("web", "nginx:1"), &CreateOptions::default())
        .await
        .unwrap();

    let mut scale = deployments
        .get_scale("web", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(scale.spec.as_ref().unwrap().replicas, Some(1));
    scale.spec.as_mut().unwrap().replicas = Some(4);
    deployments
        .update_scale("web", &scale, &UpdateOptions::default())
        .await
        .unwrap();
    let read = deployments
        .get("web", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(read.spec.replicas, Some(4));

    let mut with_status = read;
    with_status
        .status
        .get_or_insert_with(Default::default)
        .observed_generation = Some(7);
    let updated = deployments
        .update_status(&with_status, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(updated.status.unwrap().observed_generation, Some(7));
}

#[tokio::test]
async fn watch_sees_typed_events() {
    use clientgo_apimachinery::watch::WatchEvent;
    use futures_util::StreamExt;

    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-watch").await;
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let list = configmaps.list(&ListOptions::default()).await.unwrap();
    let mut events = configmaps
        .watch(&ListOptions {
            resource_version: list.metadata.resource_version.as_deref().map(str::to_owned),
            ..ListOptions::default()
        })
        .await
        .unwrap();
    configmaps
        .create(
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("watched".into()),
                    ..ObjectMeta::default()
                },
                ..ConfigMap::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Added(object) => assert_eq!(object.metadata.name.as_deref(), Some("watched")),
        other => panic!("unexpected event {other:?}"),
    }
}

#[tokio::test]
async fn extract_returns_what_a_manager_applied_for_read_modify_apply() {
    use clientgo_apimachinery::resource::ApplyConfiguration;

    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-extract").await;
    let deployments = clientset.apps_v1().deployments(&namespace);
    let desired = web_apply("web", &namespace, "nginx:1");
    deployments
        .apply(&desired, &apply_options("owner", false))
        .await
        .unwrap();
    // Another manager changes replicas with a plain update.
    let mut current = deployments
        .get("web", &GetOptions::default())
        .await
        .unwrap();
    current.spec.replicas = Some(3);
    let current = deployments
        .update(&current, &UpdateOptions::default())
        .await
        .unwrap();

    let extracted = DeploymentApplyConfiguration::extract(&current, "owner").unwrap();
    assert_eq!(
        serde_json::to_value(&extracted).unwrap(),
        serde_json::to_value(&desired).unwrap(),
        "the extraction holds exactly the applied fields"
    );

    // Read-modify-apply: change the image and apply the extraction again.
    let mut modified = extracted;
    let container = &mut modified
        .spec
        .as_mut()
        .unwrap()
        .template
        .as_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .containers
        .as_mut()
        .unwrap()[0];
    container.image = Some("nginx:2".into());
    let applied = deployments
        .apply(&modified, &apply_options("owner", false))
        .await
        .unwrap();
    assert_eq!(
        applied.spec.replicas,
        Some(3),
        "the other manager's replicas stay"
    );
    assert_eq!(
        applied.spec.template.spec.unwrap().containers[0]
            .image
            .as_deref(),
        Some("nginx:2")
    );
    assert!(
        DeploymentApplyConfiguration::extract(&current, "nobody")
            .unwrap()
            .spec
            .is_none()
    );
}

#[tokio::test]
async fn patches_take_bytes_json_values_and_typed_values() {
    use clientgo_apimachinery::meta::PatchOptions;
    use clientgo_apimachinery::patch::{Json, PatchType};

    let clientset = support::clientset().await;
    let namespace = support::namespace("typed-patch").await;
    let deployments = clientset.apps_v1().deployments(&namespace);
    deployments
        .create(&deployment("web", "nginx:1"), &CreateOptions::default())
        .await
        .unwrap();
    let options = PatchOptions::default();

    // Bytes, as client-go sends them.
    let patched = deployments
        .patch(
            "web",
            PatchType::Merge,
            br#"{"spec":{"replicas":2}}"#,
            &options,
        )
        .await
        .unwrap();
    assert_eq!(patched.spec.replicas, Some(2));

    // A JSON value; a JSON patch's operations.
    let value = serde_json::json!({ "metadata": { "labels": { "tier": "web" } } });
    let patched = deployments
        .patch("web", PatchType::StrategicMerge, &value, &options)
        .await
        .unwrap();
    assert_eq!(patched.metadata.labels.get_str("tier"), Some("web"));
    let operations = serde_json::json!([{ "op": "replace", "path": "/spec/replicas", "value": 3 }]);
    let patched = deployments
        .patch("web", PatchType::Json, &operations, &options)
        .await
        .unwrap();
    assert_eq!(patched.spec.replicas, Some(3));

    // A typed value: an apply configuration used as a merge patch.
    let partial = DeploymentApplyConfiguration::default()
        .with_spec(DeploymentSpecApplyConfiguration::default().with_min_ready_seconds(5));
    let patched = deployments
        .patch("web", PatchType::Merge, &Json(&partial), &options)
        .await
        .unwrap();
    assert_eq!(patched.spec.min_ready_seconds, Some(5));
    assert_eq!(
        patched.spec.replicas,
        Some(3),
        "a merge patch leaves other fields"
    );

    // The status subresource, by name or through patch_subresource.
    let status = serde_json::json!({ "status": { "observedGeneration": 9 } });
    let patched = deployments
        .patch_status("web", PatchType::Merge, &status, &options)
        .await
        .unwrap();
    assert_eq!(patched.status.unwrap().observed_generation, Some(9));
    let patched = deployments
        .patch_subresource(
            "web",
            "status",
            PatchType::Merge,
            r#"{"status":{"observedGeneration":10}}"#,
            &options,
        )
        .await
        .unwrap();
    assert_eq!(patched.status.unwrap().observed_generation, Some(10));
    assert_eq!(
        patched.spec.replicas,
        Some(3),
        "a status patch leaves the spec"
    );
}
