#![allow(clippy::unwrap_used)] // tests panic on purpose when a server misbehaves

//! The fake against a real API server: the same raw requests go to both, and their
//! answers must agree (status code, reason and message of refusals; the fields of
//! created objects). The real server is the test cluster (`CLIENTGO_TEST_KUBECONFIG`,
//! else a control plane started for this test), with a small custom resource
//! definition installed.

use std::time::Duration;

use clientgo_apimachinery::{ApiResource, Scope};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_rest::RestClient;
use clientgo_testing::FakeApiServer;
use serde_json::{Value, json};

const GROUP: &str = "parity.clientgo.dev";
const CRD_NAME: &str = "widgets.parity.clientgo.dev";
const CRD_PATH: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/// What a server answered to one request.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// An error status.
    Refused {
        code: i32,
        reason: String,
        message: String,
    },
    /// A success, with the returned object.
    Answered(Value),
}

impl Outcome {
    fn of(result: clientgo_rest::Result<Value>) -> Self {
        match result {
            Ok(object) => Outcome::Answered(object),
            Err(error) => {
                let status = error
                    .status()
                    .unwrap_or_else(|| panic!("not an API error: {error}"));
                Outcome::Refused {
                    code: status.code(),
                    reason: status.reason().as_str().to_owned(),
                    message: status.message().to_owned(),
                }
            }
        }
    }
}

/// The REST client of the test cluster's admin.
async fn real_server() -> RestClient {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    RestClient::new(&config).unwrap()
}

/// Installs the `Widget` custom resource (tolerating an earlier installation) and waits
/// until it is established.
async fn install_widgets(rest: &RestClient) {
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": CRD_NAME},
        "spec": {
            "group": GROUP,
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "subresources": {"status": {}},
            }],
        },
    });
    match rest
        .post()
        .abs_path(CRD_PATH)
        .json(&crd)
        .into_json::<Value>()
        .await
    {
        Ok(_) => {}
        Err(error) if error.status().is_some_and(|s| s.code() == 409) => {}
        Err(error) => panic!("installing the Widget CRD: {error}"),
    }
    let path = format!("{CRD_PATH}/{CRD_NAME}");
    for _ in 0..100 {
        let crd: Value = rest.get().abs_path(&path).into_json().await.unwrap();
        let established = crd["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Established" && c["status"] == "True");
        if established {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the Widget CRD was not established within 10 s");
}

/// The fake, with the same resource registered as the CRD defines.
async fn fake_server() -> FakeApiServer {
    FakeApiServer::builder()
        .resource(ApiResource {
            group: GROUP.into(),
            version: "v1".into(),
            kind: "Widget".into(),
            plural: "widgets".into(),
            scope: Scope::Namespaced,
        })
        .start()
        .await
        .unwrap()
}

/// The scenario: the same requests, in order, on one server; its answers by step.
async fn scenario(rest: &RestClient, namespace: &str) -> Vec<(&'static str, Outcome)> {
    let widgets = format!("/apis/{GROUP}/v1/namespaces/{namespace}/widgets");
    let config_maps = format!("/api/v1/namespaces/{namespace}/configmaps");
    let mut outcomes = Vec::new();

    let without_kind = json!({
        "apiVersion": "parity.clientgo.dev/v1",
        "metadata": {"name": "no-kind"},
        "spec": {"size": 1},
    });
    let answer = rest
        .post()
        .abs_path(&widgets)
        .json(&without_kind)
        .into_json()
        .await;
    outcomes.push(("create widget without kind", Outcome::of(answer)));

    let with_status = json!({
        "apiVersion": "parity.clientgo.dev/v1",
        "kind": "Widget",
        "metadata": {"name": "with-status"},
        "spec": {"size": 2},
        "status": {"phase": "x"},
    });
    let answer = rest
        .post()
        .abs_path(&widgets)
        .json(&with_status)
        .into_json()
        .await;
    outcomes.push(("create widget with status", Outcome::of(answer)));

    let replaced_without_kind = json!({
        "apiVersion": "parity.clientgo.dev/v1",
        "metadata": {"name": "with-status"},
        "spec": {"size": 3},
    });
    let answer = rest
        .put()
        .abs_path(&format!("{widgets}/with-status"))
        .json(&replaced_without_kind)
        .into_json()
        .await;
    outcomes.push(("update widget without kind", Outcome::of(answer)));

    let applied_without_kind = json!({
        "apiVersion": "parity.clientgo.dev/v1",
        "metadata": {"name": "applied"},
        "spec": {"size": 4},
    });
    let answer = rest
        .patch("application/apply-patch+yaml")
        .abs_path(&format!("{widgets}/applied"))
        .param("fieldManager", "parity")
        .body(
            serde_json::to_vec(&applied_without_kind).unwrap(),
            "application/apply-patch+yaml",
        )
        .into_json()
        .await;
    outcomes.push(("apply widget without kind", Outcome::of(answer)));

    let untyped_config_map = json!({"metadata": {"name": "untyped"}, "data": {"a": "1"}});
    let answer = rest
        .post()
        .abs_path(&config_maps)
        .json(&untyped_config_map)
        .into_json()
        .await;
    outcomes.push(("create configmap without type", Outcome::of(answer)));

    outcomes
}

/// Asserts that `outcome` is a refusal with `code` and `reason` whose message contains
/// `needle`.
fn assert_refused(side: &str, step: &str, outcome: &Outcome, code: i32, needle: &str) {
    match outcome {
        Outcome::Refused {
            code: got,
            reason,
            message,
        } => {
            assert_eq!(*got, code, "{side}, {step}: {outcome:?}");
            assert_eq!(reason, "BadRequest", "{side}, {step}: {outcome:?}");
            assert!(message.contains(needle), "{side}, {step}: {outcome:?}");
        }
        Outcome::Answered(object) => panic!("{side}, {step}: accepted: {object}"),
    }
}

fn answered<'a>(side: &str, step: &str, outcome: &'a Outcome) -> &'a Value {
    match outcome {
        Outcome::Answered(object) => object,
        Outcome::Refused { .. } => panic!("{side}, {step}: refused: {outcome:?}"),
    }
}

#[tokio::test]
async fn the_fake_answers_type_and_status_questions_like_a_real_server() {
    let real = real_server().await;
    install_widgets(&real).await;
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let namespace = cluster.new_namespace("parity").await.unwrap();
    let fake = fake_server().await;

    let on_real = scenario(&real, &namespace).await;
    let on_fake = scenario(&fake.rest_client().unwrap(), &namespace).await;

    for ((step, real), (_, fake)) in on_real.iter().zip(&on_fake) {
        for (side, outcome) in [("real", real), ("fake", fake)] {
            match *step {
                "create widget without kind" | "update widget without kind" => {
                    assert_refused(side, step, outcome, 400, "Object 'Kind' is missing in '");
                }
                "apply widget without kind" => {
                    assert_refused(side, step, outcome, 400, "invalid object type: ");
                }
                "create widget with status" => {
                    let object = answered(side, step, outcome);
                    assert_eq!(object["kind"], "Widget", "{side}, {step}: {object}");
                    assert_eq!(object["spec"], json!({"size": 2}), "{side}, {step}");
                    assert!(object.get("status").is_none(), "{side}, {step}: {object}");
                }
                "create configmap without type" => {
                    let object = answered(side, step, outcome);
                    assert_eq!(object["kind"], "ConfigMap", "{side}, {step}: {object}");
                    assert_eq!(object["apiVersion"], "v1", "{side}, {step}: {object}");
                    assert_eq!(object["data"], json!({"a": "1"}), "{side}, {step}");
                }
                other => panic!("unchecked step {other}"),
            }
        }
        // Refusals agree to the letter: the bodies were the same bytes.
        if let Outcome::Refused { .. } = real {
            assert_eq!(real, fake, "{step}");
        }
    }
    assert_eq!(on_real.len(), on_fake.len());
}
