//! Makes a folder that mimics a pod's service-account mount, so the in-cluster example
//! runs against the local control plane: a real ServiceAccount allowed to read
//! namespaces and pods, and a token the API server issued for it.

use clientgo_envtest::ControlPlane;
use serde_json::{Value, json};

/// The ServiceAccount the example runs as.
const ACCOUNT: &str = "in-cluster-example";

/// Creates the account, its binding and a token; returns the mount folder and the
/// environment a pod would have.
pub(crate) async fn mimic_pod(
    plane: &ControlPlane,
) -> Result<(tempfile::TempDir, Vec<(String, String)>), String> {
    let client = plane
        .http_client(&plane.admin())
        .map_err(|e| e.to_string())?;
    let server = plane.server_url();
    let post = |path: String, body: Value| {
        let client = client.clone();
        async move {
            let response = client
                .post(format!("{server}{path}"))
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let text = response.text().await.map_err(|e| e.to_string())?;
            if !status.is_success() && status.as_u16() != 409 {
                return Err(format!("POST {path}: {status}: {text}"));
            }
            serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())
        }
    };
    post(
        "/api/v1/namespaces/default/serviceaccounts".into(),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": ACCOUNT}}),
    )
    .await?;
    post(
        "/apis/rbac.authorization.k8s.io/v1/clusterroles".into(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": ACCOUNT},
            "rules": [{"apiGroups": [""], "resources": ["namespaces", "pods"], "verbs": ["get", "list", "watch"]}],
        }),
    )
    .await?;
    post(
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings".into(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": ACCOUNT},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": ACCOUNT},
            "subjects": [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": "default"}],
        }),
    )
    .await?;
    let issued = post(
        format!("/api/v1/namespaces/default/serviceaccounts/{ACCOUNT}/token"),
        json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 3600}}),
    )
    .await?;
    let token = issued["status"]["token"]
        .as_str()
        .ok_or("the TokenRequest returned no token")?;
    let mount = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::write(mount.path().join("token"), token).map_err(|e| e.to_string())?;
    std::fs::write(mount.path().join("ca.crt"), plane.ca_certificate_pem())
        .map_err(|e| e.to_string())?;
    std::fs::write(mount.path().join("namespace"), "default").map_err(|e| e.to_string())?;
    let port = server.rsplit(':').next().unwrap_or_default().to_string();
    let environment = vec![
        (
            "KUBERNETES_SERVICE_HOST".to_string(),
            "127.0.0.1".to_string(),
        ),
        ("KUBERNETES_SERVICE_PORT".to_string(), port),
        (
            "SERVICE_ACCOUNT_DIR".to_string(),
            mount.path().display().to_string(),
        ),
    ];
    Ok((mount, environment))
}
