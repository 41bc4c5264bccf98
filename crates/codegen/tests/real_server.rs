//! Generated types against the real kube-apiserver: the definitions in `tests/crds`
//! install, objects written through the generated types come back equal (a wrong JSON
//! name would be pruned by the server and read back as absent), status and scale work,
//! and the definition of a derived resource, read back from the server, generates the
//! derived types again. `clientgo-codegen --from-cluster` prints the same code as from
//! the file.

#![allow(clippy::unwrap_used)]

mod derived;
mod generated;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_apimachinery::meta::{CreateOptions, GetOptions, UpdateOptions};
use clientgo_apimachinery::{ApiStatus, IntOrString, Quantity, Time};
use clientgo_cache::watch_tools::{await_condition, conditions};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_codegen::{Options, generate};
use clientgo_kubernetes::{Client, Clientset};
use serde_json::json;

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap()
}

fn fixture(name: &str) -> CustomResourceDefinition {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/crds/{name}.yaml"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn golden(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/generated/{name}.rs"));
    std::fs::read_to_string(path).unwrap()
}

/// Creates (or keeps) `crd`, waits until it is established and returns it as stored.
async fn install(
    config: &clientgo_rest::Config,
    crd: &CustomResourceDefinition,
) -> CustomResourceDefinition {
    let crds = Clientset::new(config)
        .unwrap()
        .apiextensions_v1()
        .custom_resource_definitions();
    match crds.create(crd, &CreateOptions::default()).await {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("installing {:?}: {error}", crd.metadata.name),
    }
    let name = crd.metadata.name.clone().unwrap();
    let established = await_condition::<CustomResourceDefinition>(
        crds.requests().clone(),
        &name,
        Duration::from_secs(30),
        conditions::is_crd_established,
    )
    .await
    .unwrap();
    established.unwrap().as_ref().clone()
}

/// A REST client and a new namespace named after `prefix`.
async fn rest_and_namespace(
    config: &clientgo_rest::Config,
    prefix: &str,
) -> (clientgo_rest::RestClient, String) {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let namespace = cluster.new_namespace(prefix).await.unwrap();
    (clientgo_rest::RestClient::new(config).unwrap(), namespace)
}

#[tokio::test]
async fn a_derived_definition_read_back_generates_the_derived_types_again() {
    use derived::{Backup, BackupSpec, BackupSpecMode, BackupSpecTarget, BackupSpecVolumes};

    let config = config().await;
    let stored = install(&config, &Backup::crd()).await;
    let from_server = generate(&stored, &Options::default()).unwrap();
    assert_eq!(
        from_server,
        golden("roundtrip"),
        "the stored definition generates the checked-in code"
    );
    assert_eq!(
        from_server,
        generate(&Backup::crd(), &Options::default()).unwrap()
    );

    // An object written through the derived type reads back through the generated one
    // with the same JSON, and the other way round.
    let (rest, namespace) = rest_and_namespace(&config, "codegen-roundtrip").await;
    let derived_client: Client<Backup> = Client::new(rest.clone(), &namespace);
    let generated_client: Client<generated::roundtrip::Backup> = Client::new(rest, &namespace);
    let backup = Backup::new(
        "nightly",
        BackupSpec {
            schedule: "0 3 * * *".into(),
            parallelism: 2,
            retention_days: Some(30),
            ratio: Some(0.25),
            paused: Some(false),
            target: BackupSpecTarget {
                bucket: "backups".into(),
                path: Some("/db".into()),
            },
            volumes: Some(vec![BackupSpecVolumes {
                claim_name: "data".into(),
                read_only: Some(true),
            }]),
            labels: Some(BTreeMap::from([("tier".to_string(), "db".to_string())])),
            port: Some(IntOrString::from("http")),
            size: Some(Quantity::must_parse("10Gi")),
            not_before: Some(Time::from_unix(1_800_000_000, 0)),
            options: Some(json!({ "compress": { "level": 9 }, "tags": ["a", "b"] })),
            mode: Some(BackupSpecMode::Incremental),
        },
    );
    derived_client
        .create(&backup, &CreateOptions::default())
        .await
        .unwrap();
    let read = generated_client
        .get("nightly", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&read.spec).unwrap(),
        serde_json::to_value(&backup.spec).unwrap()
    );
    let mut written = read.clone();
    written.spec.parallelism = 5;
    generated_client
        .update(&written, &UpdateOptions::default())
        .await
        .unwrap();
    let back = derived_client
        .get("nightly", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(back.spec.parallelism, 5);
    assert_eq!(back.spec.options, backup.spec.options);
}

#[tokio::test]
async fn certificates_round_trip_through_the_generated_types() {
    use generated::certificates::*;

    let config = config().await;
    install(&config, &fixture("certificates")).await;
    let (rest, namespace) = rest_and_namespace(&config, "codegen-cert").await;
    let certificates: Client<Certificate> = Client::new(rest, &namespace);
    let certificate = Certificate::new(
        "web",
        CertificateSpec {
            issuer_ref: CertificateSpecIssuerRef {
                name: "ca".into(),
                kind: Some("ClusterIssuer".into()),
                group: None,
            },
            secret_name: "web-tls".into(),
            common_name: Some("web.example".into()),
            dns_names: Some(vec!["web.example".into(), "*.web.example".into()]),
            duration: Some("2160h".into()),
            is_ca: Some(false),
            private_key: Some(CertificateSpecPrivateKey {
                algorithm: Some(CertificateSpecPrivateKeyAlgorithm::Ecdsa),
                encoding: Some(CertificateSpecPrivateKeyEncoding::Pkcs8),
                rotation_policy: Some(CertificateSpecPrivateKeyRotationPolicy::Always),
                size: Some(256),
            }),
            usages: Some(vec![
                CertificateSpecUsages::ServerAuth,
                CertificateSpecUsages::DigitalSignature,
            ]),
            secret_template: Some(CertificateSpecSecretTemplate {
                labels: Some(BTreeMap::from([("app".to_string(), "web".to_string())])),
                annotations: None,
            }),
            renew_before: None,
        },
    );
    let created = certificates
        .create(&certificate, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(
        created.spec, certificate.spec,
        "every field survives the server's pruning"
    );
    let json = serde_json::to_value(&created.spec).unwrap();
    assert_eq!(json["isCA"], false);
    assert_eq!(json["usages"], json!(["server auth", "digital signature"]));

    // The schema's validations stay on the server.
    let mut invalid = certificate.clone();
    invalid.metadata.name = Some("invalid".into());
    invalid.spec.common_name = Some("x".repeat(65));
    let refused = certificates
        .create(&invalid, &CreateOptions::default())
        .await
        .unwrap_err();
    assert!(refused.is_invalid(), "{refused}");

    let mut with_status = created.clone();
    with_status.status = Some(CertificateStatus {
        conditions: Some(vec![CertificateStatusConditions {
            r#type: "Ready".into(),
            status: CertificateStatusConditionsStatus::True,
            reason: Some("Issued".into()),
            message: Some("the certificate is up to date".into()),
            last_transition_time: Some(Time::from_unix(1_800_000_000, 0)),
            observed_generation: Some(1),
        }]),
        not_after: Some(Time::from_unix(1_900_000_000, 0)),
        revision: Some(1),
    });
    let updated = certificates
        .update_status(&with_status, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(updated.status, with_status.status);
}

#[tokio::test]
async fn service_monitors_keep_int_or_string_ports_and_selectors() {
    use generated::servicemonitors::*;

    let config = config().await;
    install(&config, &fixture("servicemonitors")).await;
    let (rest, namespace) = rest_and_namespace(&config, "codegen-smon").await;
    let monitors: Client<ServiceMonitor> = Client::new(rest, &namespace);
    let endpoint = |port: IntOrString| ServiceMonitorSpecEndpoints {
        target_port: Some(port),
        interval: Some("30s".into()),
        scheme: Some(ServiceMonitorSpecEndpointsScheme::Https),
        sample_ratio: Some(0.5),
        relabelings: Some(vec![ServiceMonitorSpecEndpointsRelabelings {
            action: Some("Replace".into()),
            source_labels: Some(vec!["__meta_pod_name".into()]),
            target_label: Some("pod".into()),
            regex: None,
        }]),
        ..ServiceMonitorSpecEndpoints::default()
    };
    let monitor = ServiceMonitor::new(
        "api",
        ServiceMonitorSpec {
            selector: ServiceMonitorSpecSelector {
                match_labels: Some(BTreeMap::from([("app".to_string(), "api".to_string())])),
                match_expressions: Some(vec![ServiceMonitorSpecSelectorMatchExpressions {
                    key: "tier".into(),
                    operator: "In".into(),
                    values: Some(vec!["web".into()]),
                }]),
            },
            endpoints: Some(vec![
                endpoint(IntOrString::from(8443)),
                endpoint(IntOrString::from("metrics")),
            ]),
            namespace_selector: Some(ServiceMonitorSpecNamespaceSelector {
                any: Some(true),
                match_names: None,
            }),
            sample_limit: Some(10_000),
            job_label: None,
        },
    );
    let created = monitors
        .create(&monitor, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.spec, monitor.spec);
}

#[tokio::test]
async fn workloads_keep_free_form_values_quantities_and_both_versions() {
    use generated::workloads::{v1alpha1, v1beta1};

    let config = config().await;
    install(&config, &fixture("workloads")).await;
    let (rest, namespace) = rest_and_namespace(&config, "codegen-workload").await;
    let workloads: Client<v1beta1::Workload> = Client::new(rest.clone(), &namespace);
    let workload = v1beta1::Workload::new(
        "batch",
        v1beta1::WorkloadSpec {
            image: "registry.example/batch:1".into(),
            replicas: Some(3),
            r#type: Some("batch".into()),
            values: Some(json!({ "queue": { "size": 10, "names": ["a", "b"] } })),
            template: Some(json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": { "name": "settings" },
                "data": { "mode": "fast" },
            })),
            resources: Some(v1beta1::WorkloadSpecResources {
                limits: Some(BTreeMap::from([
                    ("cpu".to_string(), Quantity::must_parse("500m")),
                    ("memory".to_string(), Quantity::must_parse("1Gi")),
                ])),
                requests: None,
            }),
            node_selector: Some(BTreeMap::from([("disk".to_string(), "ssd".to_string())])),
        },
    );
    let created = workloads
        .create(&workload, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.spec, workload.spec);

    let mut with_status = created.clone();
    with_status.status = Some(v1beta1::WorkloadStatus {
        replicas: Some(3),
        selector: Some("app=batch".into()),
        observed_generation: Some(1),
    });
    workloads
        .update_status(&with_status, &UpdateOptions::default())
        .await
        .unwrap();
    let scale = workloads
        .get_scale("batch", &GetOptions::default())
        .await
        .unwrap();
    assert_eq!(scale.spec.and_then(|s| s.replicas), Some(3));
    assert_eq!(
        scale.status.map(|s| s.selector),
        Some(Some("app=batch".into()))
    );

    // The other served version reads the same object.
    let older: Client<v1alpha1::Workload> = Client::new(rest, &namespace);
    let read = older.get("batch", &GetOptions::default()).await.unwrap();
    assert_eq!(read.spec.image.as_deref(), Some("registry.example/batch:1"));
    assert_eq!(read.spec.replicas, Some(3));
}

#[tokio::test]
async fn the_command_reads_a_definition_from_the_cluster() {
    let config = config().await;
    install(&config, &fixture("certificates")).await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_clientgo-codegen"))
        .args(["crd", "--from-cluster"])
        .arg(cluster.kubeconfig_path())
        .args(["--crd", "certificates.cert.clientgo.dev"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        golden("certificates")
    );

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_clientgo-codegen"))
        .args(["crd", "--from-cluster"])
        .arg(cluster.kubeconfig_path())
        .args(["--crd", "absent.cert.clientgo.dev"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8(missing.stderr).unwrap();
    assert!(
        stderr.contains("reading absent.cert.clientgo.dev:") && stderr.contains("not found"),
        "{stderr}"
    );
}
