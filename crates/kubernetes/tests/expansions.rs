//! The hand-written expansions against the real API server: binding, eviction (with and
//! without a blocking disruption budget), ephemeral containers, logs and proxies (which
//! reach the API server's routing; no kubelet runs here), token requests, certificate
//! approval, namespace finalize and node status patches.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the server misbehaves

mod support;

use clientgo_api::authentication::v1::{TokenRequest, TokenRequestSpec};
use clientgo_api::certificates::v1::{
    CertificateSigningRequest, CertificateSigningRequestCondition, CertificateSigningRequestStatus,
};
use clientgo_api::core::v1::{
    Binding, EphemeralContainer, Namespace, NamespaceSpec, Node, ObjectReference, Pod, Service,
    ServiceAccount,
};
use clientgo_api::policy::v1::{Eviction, PodDisruptionBudget};
use clientgo_apimachinery::ApiStatus;
use clientgo_apimachinery::meta::{
    CreateOptions, GetOptions, ObjectMeta, PatchOptions, UpdateOptions,
};
use clientgo_apimachinery::patch::PatchType;
use clientgo_kubernetes::PodLogOptions;
use serde::de::DeserializeOwned;
use serde_json::json;

fn object<T: DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        ..ObjectMeta::default()
    }
}

fn pod(name: &str) -> Pod {
    object(json!({"metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]}}))
}

#[tokio::test]
async fn binding_assigns_a_node_and_logs_need_one() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-bind").await;
    let pods = clientset.core_v1().pods(&namespace);
    pods.create(&pod("web"), &CreateOptions::default())
        .await
        .unwrap();

    // Unscheduled: no container has written anything yet.
    let log = pods.logs("web", &PodLogOptions::default()).await.unwrap();
    assert_eq!(log, "");

    let node_name = format!("node-{namespace}");
    clientset
        .core_v1()
        .nodes()
        .create(
            &Node {
                metadata: named(&node_name),
                ..Node::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    let binding = Binding {
        metadata: named("web"),
        target: ObjectReference {
            kind: Some("Node".into()),
            name: Some(node_name.clone().into()),
            ..ObjectReference::default()
        },
        ..Binding::default()
    };
    pods.bind(&binding, &CreateOptions::default())
        .await
        .unwrap();
    let bound = pods.get("web", &GetOptions::default()).await.unwrap();
    assert_eq!(
        bound.spec.unwrap().node_name.as_deref(),
        Some(node_name.as_str())
    );

    // Bound: the server now asks the node's kubelet, and this node has no address.
    let options = PodLogOptions {
        container: Some("app".into()),
        tail_lines: Some(5),
        ..PodLogOptions::default()
    };
    pods.logs("web", &options).await.unwrap_err();

    // The node's status can be patched like a kubelet does.
    let patched = clientset
        .core_v1()
        .nodes()
        .patch_status(
            &node_name,
            PatchType::StrategicMerge,
            br#"{"status":{"capacity":{"pods":"7"}}}"#,
            &PatchOptions::default(),
        )
        .await
        .unwrap();
    let capacity = patched.status.unwrap().capacity.unwrap();
    assert_eq!(capacity["pods"].to_string(), "7");
}

#[tokio::test]
async fn eviction_deletes_a_pod_unless_a_budget_forbids_it() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-evict").await;
    let pods = clientset.core_v1().pods(&namespace);
    pods.create(&pod("free"), &CreateOptions::default())
        .await
        .unwrap();
    // Pending pods may always be evicted: make this one look running.
    let mut guarded = pods
        .create(&pod("guarded"), &CreateOptions::default())
        .await
        .unwrap();
    guarded.status = Some(object(json!({"phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}]})));
    pods.update_status(&guarded, &UpdateOptions::default())
        .await
        .unwrap();
    let budget: PodDisruptionBudget = object(json!({"metadata": {"name": "guard"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}}}));
    clientset
        .policy_v1()
        .pod_disruption_budgets(&namespace)
        .create(&budget, &CreateOptions::default())
        .await
        .unwrap();

    let eviction = |name: &str| Eviction {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.clone().into()),
            ..ObjectMeta::default()
        },
        ..Eviction::default()
    };
    pods.evict(&eviction("free")).await.unwrap();
    let error = pods.get("free", &GetOptions::default()).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");

    // No disruption controller runs here, so the budget allows no disruption.
    let error = pods.evict(&eviction("guarded")).await.unwrap_err();
    assert!(error.is_too_many_requests(), "{error}");
    pods.get("guarded", &GetOptions::default()).await.unwrap();
}

#[tokio::test]
async fn ephemeral_containers_are_added_through_their_subresource() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-debug").await;
    let pods = clientset.core_v1().pods(&namespace);
    let mut created = pods
        .create(&pod("debug-me"), &CreateOptions::default())
        .await
        .unwrap();
    created
        .spec
        .as_mut()
        .unwrap()
        .ephemeral_containers
        .get_or_insert_with(Vec::new)
        .push(EphemeralContainer {
            name: "debugger".into(),
            image: Some("busybox".into()),
            target_container_name: Some("app".into()),
            ..EphemeralContainer::default()
        });
    let updated = pods
        .update_ephemeral_containers(&created, &UpdateOptions::default())
        .await
        .unwrap();
    let ephemeral = updated.spec.unwrap().ephemeral_containers.unwrap();
    assert_eq!(ephemeral[0].name, "debugger");
}

#[tokio::test]
async fn proxies_reach_the_api_servers_routing() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-proxy").await;
    let services = clientset.core_v1().services(&namespace);
    let service: Service = object(json!({"metadata": {"name": "backend"},
        "spec": {"selector": {"app": "nothing"}, "ports": [{"name": "http", "port": 80}]}}));
    services
        .create(&service, &CreateOptions::default())
        .await
        .unwrap();
    let error = services
        .proxy_get("", "backend", "http", "/healthz", &[("verbose", "1")])
        .send()
        .await
        .and_then(|response| response.into_bytes())
        .unwrap_err();
    // The server's proxy routing answered (no endpoints to route to): 1.37 looks the
    // endpoints up by EndpointSlice ("no endpoints available", 503); 1.34 to 1.36 read
    // the Endpoints object, which no controller made here (404).
    let text = error.to_string();
    let routed = (error.is_service_unavailable() && text.contains("no endpoints"))
        || (error.is_not_found() && text.contains("\"backend\" not found"));
    assert!(routed, "{error}");
}

#[tokio::test]
async fn service_account_tokens_and_certificate_approval() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-token").await;
    let accounts = clientset.core_v1().service_accounts(&namespace);
    accounts
        .create(
            &ServiceAccount {
                metadata: named("robot"),
                ..ServiceAccount::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    let request = TokenRequest {
        spec: Some(Box::new(TokenRequestSpec {
            audiences: Some(vec!["clientgo-test".into()]),
            expiration_seconds: Some(600),
            ..TokenRequestSpec::default()
        })),
        ..TokenRequest::default()
    };
    let issued = accounts
        .create_token("robot", &request, &CreateOptions::default())
        .await
        .unwrap();
    assert!(issued.status.unwrap().token.unwrap().len() > 100);

    let csrs = clientset.certificates_v1().certificate_signing_requests();
    let name = format!("approve-{namespace}");
    let csr: CertificateSigningRequest = object(json!({"metadata": {"name": name}, "spec": {
        "request": CSR_PEM_BASE64, "signerName": "example.com/signer", "usages": ["client auth"]}}));
    let mut created = csrs.create(&csr, &CreateOptions::default()).await.unwrap();
    created.status = Some(Box::new(CertificateSigningRequestStatus {
        conditions: Some(vec![CertificateSigningRequestCondition {
            type_: "Approved".into(),
            status: "True".into(),
            reason: Some("TestApproval".into()),
            ..CertificateSigningRequestCondition::default()
        }]),
        ..CertificateSigningRequestStatus::default()
    }));
    let approved = csrs
        .update_approval(&created, &UpdateOptions::default())
        .await
        .unwrap();
    let conditions = approved.status.unwrap().conditions.unwrap();
    assert_eq!(conditions[0].type_, "Approved");
}

#[tokio::test]
async fn namespace_finalize_replaces_its_finalizers() {
    let clientset = support::clientset().await;
    let namespaces = clientset.core_v1().namespaces();
    let name = format!("finalize-{}", support::namespace("expand-finalize").await);
    let mut created = namespaces
        .create(
            &Namespace {
                metadata: named(&name),
                ..Namespace::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        created.spec.as_ref().unwrap().finalizers.as_deref(),
        Some(&["kubernetes".into()][..])
    );
    created.spec = Some(Box::new(NamespaceSpec {
        finalizers: Some(Vec::new()),
    }));
    let finalized = namespaces
        .finalize(&created, &UpdateOptions::default())
        .await
        .unwrap();
    assert!(
        finalized
            .spec
            .unwrap()
            .finalizers
            .unwrap_or_default()
            .is_empty()
    );
}

/// A PKCS#10 request for CN=round-trip.
const CSR_PEM_BASE64: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIUU1IY0NBUUF3RlRFVE1CRUdBMVVFQXd3S2NtOTFibVF0ZEhKcGNEQlpNQk1HQnlxR1NNNDlBZ0VHQ0NxRwpTTTQ5QXdFSEEwSUFCT0NxNmZ6RTJaNUtuMWM3bjBPTkRCRXFQR1gvMkpnV3p1ck9BWXhNcHRUWDNvWEQ1Z0kvCk90cmZucy9meFV6TlAydVUzY0MrRm1NSFY3WlY4elcrVTllZ0FEQUtCZ2dxaGtqT1BRUURBZ05KQURCR0FpRUEKeXU3KzRVRVJEZCtpVnFRZ0ZGbkdSM3lDR2J2S2tGMXFEdVJVcXhDOUtjTUNJUUR2cElxR1hsWDg0Tkl3ZkQ2cgpjYiszb09OczNEaEJ5NVpucUFneTB0UHMwZz09Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=";

#[tokio::test]
async fn events_are_written_in_their_namespace_and_found_by_object() {
    use clientgo_api::core::v1::Event;

    let clientset = support::clientset().await;
    let namespace = support::namespace("expand-events").await;
    let pod = clientset
        .core_v1()
        .pods(&namespace)
        .create(&pod("noisy"), &CreateOptions::default())
        .await
        .unwrap();
    let reference = ObjectReference {
        kind: Some("Pod".into()),
        api_version: Some("v1".into()),
        name: pod.metadata.name.clone(),
        namespace: pod.metadata.namespace.clone(),
        uid: pod.metadata.uid.clone(),
        ..ObjectReference::default()
    };
    let event = Event {
        metadata: ObjectMeta {
            name: Some("noisy.1".into()),
            namespace: Some(namespace.clone().into()),
            ..ObjectMeta::default()
        },
        involved_object: reference.clone(),
        reason: Some("Testing".into()),
        message: Some("hello".into()),
        type_: Some("Normal".into()),
        ..Event::default()
    };
    // A client for all namespaces writes into the event's own namespace.
    let all = clientset.core_v1().events("");
    all.create_with_event_namespace(&event).await.unwrap();
    let patched = all
        .patch_with_event_namespace(&event, br#"{"count":2}"#)
        .await
        .unwrap();
    assert_eq!(patched.count, Some(2));

    let found = all.search(&reference).await.unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].message.as_deref(), Some("hello"));

    let error = clientset
        .core_v1()
        .events("elsewhere")
        .create_with_event_namespace(&event)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("can't create an event with namespace"),
        "{error}"
    );
}
