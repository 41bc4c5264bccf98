//! The client-go for Rust program of `cargo xtask bench requests`: typed GETs of
//! ConfigMap `bench/target` and typed LISTs of the ConfigMaps labelled `bench=small`
//! through `Clientset`, measured by `requests-harness`, on the harness's multi-threaded
//! tokio runtime. Client-side rate limiting is off (`qps = -1`).
//!
//! `requests-clientgo json|protobuf [N]`: `protobuf` keeps the default content type
//! (protobuf for built-in kinds), `json` sets `content_type` to `application/json`.

use std::process::ExitCode;

use clientgo_apimachinery::meta::{GetOptions, ListOptions};
use clientgo_kubernetes::Clientset;
use requests_harness::{BoxError, Counting, Encoding, Shape};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> ExitCode {
    requests_harness::main("requests-clientgo", run)
}

/// Builds the client once, then measures both shapes.
async fn run(encoding: Encoding, requests: usize) -> Result<(), BoxError> {
    let mut config = clientgo_clientcmd::default_rest_config()?;
    config.qps = -1.0;
    if encoding == Encoding::Json {
        config.content_type = Some("application/json".into());
    }
    let config_maps = Clientset::new(&config)?.core_v1().config_maps("bench");
    let get = GetOptions::default();
    requests_harness::measure(Shape::Get, requests, async || {
        let target = config_maps.get("target", &get).await?;
        Ok(target.data.map_or(0, |data| data.len()))
    })
    .await?;
    let list = ListOptions {
        label_selector: Some("bench=small".into()),
        ..ListOptions::default()
    };
    requests_harness::measure(Shape::List, requests, async || {
        Ok(config_maps.list(&list).await?.items.len())
    })
    .await
}
