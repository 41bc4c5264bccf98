//! The kube-rs program of `cargo xtask bench requests`: typed GETs of ConfigMap
//! `bench/target` and typed LISTs of the ConfigMaps labelled `bench=small` through
//! `Api<ConfigMap>`, measured by `requests-harness`, on the harness's multi-threaded
//! tokio runtime. kube-rs has no client-side rate limiting.
//!
//! `requests-kube json [N]`: JSON only (k8s-openapi has no protobuf codec).

use std::process::ExitCode;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::ListParams;
use requests_harness::{BoxError, Counting, Encoding, Shape};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> ExitCode {
    requests_harness::main("requests-kube", run)
}

/// Builds the client once, then measures both shapes.
async fn run(encoding: Encoding, requests: usize) -> Result<(), BoxError> {
    if encoding != Encoding::Json {
        return Err("kube-rs reads JSON only".into());
    }
    let config_maps: Api<ConfigMap> = Api::namespaced(kube::Client::try_default().await?, "bench");
    requests_harness::measure(Shape::Get, requests, async || {
        let target = config_maps.get("target").await?;
        Ok(target.data.map_or(0, |data| data.len()))
    })
    .await?;
    let list = ListParams::default().labels("bench=small");
    requests_harness::measure(Shape::List, requests, async || {
        Ok(config_maps.list(&list).await?.items.len())
    })
    .await
}
