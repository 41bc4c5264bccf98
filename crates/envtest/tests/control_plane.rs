//! A control plane started by the envtest crate is a real, working Kubernetes API
//! server with the users it promises.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::time::{Duration, Instant};

use clientgo_envtest::{ControlPlane, Error, User};
use serde_json::{Value, json};

async fn get(plane: &ControlPlane, user: &User, path: &str) -> (u16, Value) {
    let client = plane.http_client(user).unwrap();
    let response = client
        .get(format!("{}{path}", plane.server_url()))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, json_body(response).await)
}

async fn json_body(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn post(plane: &ControlPlane, user: &User, path: &str, body: Value) -> (u16, Value) {
    let client = plane.http_client(user).unwrap();
    let response = client
        .post(format!("{}{path}", plane.server_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, json_body(response).await)
}

#[tokio::test]
async fn envtest_only_version_endpoint_reports_the_pinned_release() {
    let plane = ControlPlane::start().await.unwrap();
    let (status, version) = get(&plane, &plane.admin(), "/version").await;
    assert_eq!(status, 200);
    assert_eq!(version["gitVersion"], format!("v{}", plane.version()));
    assert_eq!(version["minor"], plane.version().minor.to_string());
}

#[tokio::test]
async fn envtest_only_users_get_what_their_credentials_allow() {
    let plane = ControlPlane::start().await.unwrap();

    let (status, namespaces) = get(&plane, &plane.admin(), "/api/v1/namespaces").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = namespaces["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|ns| ns["metadata"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&"default") && names.contains(&"kube-system"),
        "{names:?}"
    );

    let (status, body) = get(&plane, &plane.unprivileged(), "/api/v1/namespaces").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["reason"], "Forbidden");

    let impostor = User {
        credentials: clientgo_envtest::Credentials::Token(clientgo_envtest::Secret::new(
            "not-a-token",
        )),
        ..plane.unprivileged()
    };
    let (status, body) = get(&plane, &impostor, "/api/v1/namespaces").await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn envtest_only_added_users_are_seen_with_all_their_groups() {
    let plane = ControlPlane::builder()
        .user("carol", ["early"])
        .start()
        .await
        .unwrap();
    let alice = plane.add_user("alice", ["team-a", "team-b"]).unwrap();
    let review = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let (status, body) = post(
        &plane,
        &alice,
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        review.clone(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"]["userInfo"]["username"], "alice");
    let groups = body["status"]["userInfo"]["groups"].as_array().unwrap();
    for group in ["team-a", "team-b", "system:authenticated"] {
        assert!(
            groups.contains(&json!(group)),
            "{group} missing from {groups:?}"
        );
    }
    let carol = plane.user("carol").unwrap();
    let (_, body) = post(
        &plane,
        &carol,
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        review,
    )
    .await;
    assert_eq!(body["status"]["userInfo"]["username"], "carol");

    // The kubeconfig has a context per user, admin current.
    let kubeconfig = std::fs::read_to_string(plane.kubeconfig_path()).unwrap();
    for context in [
        "name: admin",
        "name: unprivileged",
        "name: alice",
        "name: carol",
    ] {
        assert!(kubeconfig.contains(context), "{context} missing");
    }
    assert!(kubeconfig.contains("current-context: admin"));
    assert!(
        plane.add_user("alice", ["again"]).is_err(),
        "duplicate user accepted"
    );
    assert!(plane.add_user("bad,name", Vec::<String>::new()).is_err());
}

#[tokio::test]
async fn envtest_only_two_control_planes_run_side_by_side() {
    let (first, second) = tokio::join!(ControlPlane::start(), ControlPlane::start());
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_ne!(first.server_url(), second.server_url());
    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "only-in-first"}});
    let (status, _) = post(&first, &first.admin(), "/api/v1/namespaces", namespace).await;
    assert_eq!(status, 201);
    let (status, _) = get(&first, &first.admin(), "/api/v1/namespaces/only-in-first").await;
    assert_eq!(status, 200);
    let (status, _) = get(&second, &second.admin(), "/api/v1/namespaces/only-in-first").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn envtest_only_a_start_up_failure_names_the_component_and_shows_its_log() {
    let error = ControlPlane::builder()
        .apiserver_flag("no-such-flag", "1")
        .start()
        .await
        .unwrap_err();
    match &error {
        Error::Exited {
            component,
            log_tail,
            ..
        } => {
            assert_eq!(*component, "kube-apiserver");
            assert!(log_tail.contains("no-such-flag"), "{log_tail}");
        }
        other => panic!("unexpected error: {other}"),
    }
    assert!(
        error.to_string().contains("kube-apiserver exited"),
        "{error}"
    );
}

#[tokio::test]
async fn envtest_only_a_short_compaction_interval_expires_old_resource_versions() {
    let plane = ControlPlane::builder()
        .etcd_compaction_interval(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let admin = plane.admin();
    let map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "counter"}, "data": {"n": "0"}});
    let (status, created) =
        post(&plane, &admin, "/api/v1/namespaces/default/configmaps", map).await;
    assert_eq!(status, 201, "{created}");
    let first_version = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let client = plane.http_client(&admin).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut n = 0;
    loop {
        n += 1;
        let patch = json!({"data": {"n": n.to_string()}});
        let response = client
            .patch(format!(
                "{}/api/v1/namespaces/default/configmaps/counter",
                plane.server_url()
            ))
            .header("Content-Type", "application/merge-patch+json")
            .body(patch.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let path = format!(
            "/api/v1/namespaces/default/configmaps?resourceVersion={first_version}&resourceVersionMatch=Exact"
        );
        let (status, body) = get(&plane, &admin, &path).await;
        if status == 410 {
            assert_eq!(body["reason"], "Expired", "{body}");
            break;
        }
        assert_eq!(status, 200, "{body}");
        assert!(
            Instant::now() < deadline,
            "resource version {first_version} never expired"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
