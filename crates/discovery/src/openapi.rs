//! OpenAPI documents of the server: `/openapi/v2` and the `/openapi/v3` index with one
//! document per group version.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::DiscoveryClient;
use crate::error::{Error, Result};

/// The `/openapi/v3` index: one entry per group version (`api/v1`, `apis/apps/v1`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApiV3Index {
    /// Path (`apis/apps/v1`) → where its document is.
    #[serde(default)]
    pub paths: BTreeMap<String, OpenApiV3Path>,
}

/// Where one group version's OpenAPI v3 document is served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApiV3Path {
    /// The URL below the server's base, with a `hash` query parameter that changes
    /// with the document (so it can be cached forever).
    #[serde(default, rename = "serverRelativeURL")]
    pub server_relative_url: String,
}

impl OpenApiV3Index {
    /// The index entry of a group version (`v1` → `api/v1`, `apps/v1` → `apis/apps/v1`).
    pub fn for_group_version(&self, group_version: &str) -> Option<&OpenApiV3Path> {
        let key = if group_version.contains('/') {
            format!("apis/{group_version}")
        } else {
            format!("api/{group_version}")
        };
        self.paths.get(&key)
    }
}

impl DiscoveryClient {
    /// The OpenAPI v2 document (`/openapi/v2`) as JSON bytes.
    pub async fn openapi_v2(&self) -> Result<Bytes> {
        Ok(self
            .rest()
            .get()
            .abs_path("/openapi/v2")
            .header("Accept", "application/json")
            .send()
            .await?
            .into_bytes()?)
    }

    /// The OpenAPI v3 index (`/openapi/v3`).
    pub async fn openapi_v3(&self) -> Result<OpenApiV3Index> {
        Ok(self
            .rest()
            .get()
            .abs_path("/openapi/v3")
            .header("Accept", "application/json")
            .into_json()
            .await?)
    }

    /// The OpenAPI v3 document at `path` of the index (its
    /// [`server_relative_url`](OpenApiV3Path::server_relative_url)), as JSON bytes.
    pub async fn openapi_v3_document(&self, path: &OpenApiV3Path) -> Result<Bytes> {
        let url = &path.server_relative_url;
        let (path_part, query) = url.split_once('?').unwrap_or((url, ""));
        if !path_part.starts_with("/openapi/v3/") {
            return Err(Error::Rest(clientgo_rest::Error::Request(format!(
                "not an OpenAPI v3 document path: {url:?}"
            ))));
        }
        let mut request = self
            .rest()
            .get()
            .abs_path(path_part)
            .header("Accept", "application/json");
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            request = request.param(name, value);
        }
        Ok(request.send().await?.into_bytes()?)
    }
}
