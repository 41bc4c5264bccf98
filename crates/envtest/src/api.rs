//! JSON requests to the API server with a plain HTTP client, for what this crate sets
//! up itself (namespaces, nodes, CRDs, KWOK's objects).
//!
//! Rules: a failure names the method and path and carries the server's answer; with
//! `exists_ok`, `409 Conflict` counts as success (objects left by an earlier run).

use serde_json::Value;

use crate::error::{Error, Result};

/// POSTs `body` to `path`; with `exists_ok`, `409 Conflict` counts as success (and
/// returns the server's status object).
pub(crate) async fn post(
    client: &reqwest::Client,
    server_url: &str,
    path: &str,
    body: &Value,
    exists_ok: bool,
) -> Result<Value> {
    let failed = |detail: String| Error::Client(format!("POST {path}: {detail}"));
    let response = client
        .post(format!("{server_url}{path}"))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failed(e.to_string()))?;
    let accepted = status.is_success() || (exists_ok && status.as_u16() == 409);
    if !accepted {
        return Err(failed(format!("{status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|e| failed(format!("bad JSON answer: {e}")))
}

/// GETs `path` and decodes the JSON answer.
pub(crate) async fn get(client: &reqwest::Client, server_url: &str, path: &str) -> Result<Value> {
    let failed = |detail: String| Error::Client(format!("GET {path}: {detail}"));
    let response = client
        .get(format!("{server_url}{path}"))
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failed(e.to_string()))?;
    if !status.is_success() {
        return Err(failed(format!("{status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|e| failed(e.to_string()))
}
