//! `--from-cluster`: fetches the OpenAPI v2 document and the release of a live server.

use std::path::{Path, PathBuf};

use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_rest::RestClient;

/// Fetches `/openapi/v2` from the server of `kubeconfig`, stores it as
/// `xtask/openapi/kubernetes-<release>.json` and returns that path.
pub async fn store_from_cluster(kubeconfig: &Path, root: &Path) -> Result<PathBuf, String> {
    let config = ClientConfig::new(
        LoadingRules::explicit(kubeconfig),
        ConfigOverrides::default(),
    )
    .rest_config()
    .map_err(|e| e.to_string())?;
    let client = RestClient::new(&config).map_err(|e| e.to_string())?;
    let version: serde_json::Value = client
        .get()
        .abs_path("/version")
        .into_json()
        .await
        .map_err(|e| format!("GET /version: {e}"))?;
    let release = version
        .get("gitVersion")
        .and_then(serde_json::Value::as_str)
        .ok_or("/version has no gitVersion")?
        .trim_start_matches('v')
        .split(['-', '+'])
        .next()
        .unwrap_or_default()
        .to_string();
    let document = client
        .get()
        .abs_path("/openapi/v2")
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("GET /openapi/v2: {e}"))?
        .into_bytes()
        .map_err(|e| format!("GET /openapi/v2: {e}"))?;
    let path = root
        .join("xtask/openapi")
        .join(format!("kubernetes-{release}.json"));
    std::fs::write(&path, &document).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!(
        "[xtask] stored the OpenAPI document of Kubernetes {release} in {}",
        path.display()
    );
    Ok(path)
}
