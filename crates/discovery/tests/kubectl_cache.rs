//! The disk cache this library writes is the one kubectl reads, and kubectl trusts it as
//! it is: client-go's own cached discovery (cli-runtime's `ConfigFlags`, run as a small
//! Go program, `tests/kubectl_peer`) answers from it without a single request — for a
//! server URL with a trailing slash, and with an APIService whose backend is missing
//! (its version is stale, and is left out of the cached groups as client-go does).
//!
//! This file holds a single test because it changes the process environment
//! (`KUBECACHEDIR`) and registers an APIService other tests would see as failed.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves
#![allow(unsafe_code)] // `set_var` is unsafe: safe here, this binary runs one test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions};
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_discovery::{CachedDiscoveryClient, DiscoveryClient, DiscoveryInterface};
use clientgo_dynamic::DynamicClient;
use serde_json::{Value, json};

const STALE_GROUP: &str = "stale.clientgo.dev";
const STALE_API_SERVICE: &str = "v1.stale.clientgo.dev";

fn api_services(config: &clientgo_rest::Config) -> clientgo_dynamic::ResourceClient {
    DynamicClient::new(config)
        .unwrap()
        .resource(&GroupVersionResource::new(
            "apiregistration.k8s.io",
            "v1",
            "apiservices",
        ))
}

/// Deletes the APIService when the test ends, passed or not, so that later test
/// binaries see complete discovery.
struct RemoveApiService(clientgo_rest::Config);

impl Drop for RemoveApiService {
    fn drop(&mut self) {
        let config = self.0.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let _ = api_services(&config)
                    .delete(STALE_API_SERVICE, &DeleteOptions::default(), &[])
                    .await;
            });
        })
        .join()
        .unwrap();
    }
}

/// Registers an APIService whose service does not exist and waits until aggregated
/// discovery reports its version stale.
async fn register_stale_api_service(config: &clientgo_rest::Config) {
    let service = Unstructured::from_value(json!({
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": STALE_API_SERVICE},
        "spec": {
            "group": STALE_GROUP, "version": "v1",
            "service": {"namespace": "default", "name": "nowhere", "port": 443},
            "insecureSkipTLSVerify": true,
            "groupPriorityMinimum": 1000, "versionPriority": 15,
        },
    }))
    .unwrap();
    match api_services(config)
        .create(&service, &CreateOptions::default(), &[])
        .await
    {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("creating the APIService: {error}"),
    }
    let live = DiscoveryClient::new(config).unwrap();
    for _ in 0..600 {
        let discovery = live.server_groups_and_resources().await.unwrap();
        if discovery.failed.contains_key(&format!("{STALE_GROUP}/v1")) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the APIService never became stale in discovery");
}

/// Builds the Go peer (cached in Go's build cache after the first time).
fn kubectl_peer() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kubectl_peer");
    let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubectl_peer");
    clientgo_envtest::build_go_program(&source, &binary).expect("building the kubectl peer");
    binary
}

#[tokio::test(flavor = "current_thread")]
async fn kubectl_reads_our_disk_cache_without_a_request() {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    // The same server, spelled with a trailing slash (kubectl's folder drops it).
    let kubeconfig_text = std::fs::read_to_string(cluster.kubeconfig_path()).unwrap();
    let server = cluster.server_url().trim_end_matches('/');
    assert!(kubeconfig_text.contains(server));
    let work = tempfile::tempdir().unwrap();
    let kubeconfig = work.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        kubeconfig_text.replace(server, &format!("{server}/")),
    )
    .unwrap();
    let cache = work.path().join("cache");
    // SAFETY: this binary runs one test, and nothing else reads the environment now.
    unsafe { std::env::set_var("KUBECACHEDIR", &cache) };

    let config = ClientConfig::new(
        LoadingRules::explicit(&kubeconfig),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    assert!(config.host.ends_with('/'), "{}", config.host);
    let _cleanup = RemoveApiService(config.clone());
    register_stale_api_service(&config).await;

    // Live discovery: the group is there, without the stale version, and so without a
    // preferred version (client-go prefers the first fresh one).
    let live = DiscoveryClient::new(&config).unwrap();
    let discovery = live.server_groups_and_resources().await.unwrap();
    let group = discovery
        .groups
        .iter()
        .find(|g| g.name == STALE_GROUP)
        .expect("the group of a stale version is still listed");
    assert!(group.versions.is_empty(), "{group:?}");
    assert!(group.preferred_version.is_none(), "{group:?}");

    // Our cache, in kubectl's folder for this server.
    let ours = CachedDiscoveryClient::with_kubectl_defaults(&config).unwrap();
    let expected_dir = cache
        .join("discovery")
        .join(server.trim_start_matches("https://").replace(':', "_"));
    assert_eq!(ours.dir(), expected_dir);
    let filled = ours.server_groups_and_resources().await.unwrap();
    let groups_file = std::fs::read_to_string(ours.groups_file()).unwrap();
    assert!(
        !groups_file.contains(&format!("{STALE_GROUP}/v1")),
        "{groups_file}"
    );
    let mut ours_group_versions: Vec<String> = filled
        .resources
        .iter()
        .map(|list| list.group_version.clone())
        .collect();
    ours_group_versions.sort();

    // kubectl's discovery over the same folder: everything from the cache.
    let output = Command::new(kubectl_peer())
        .arg(&kubeconfig)
        .env("KUBECACHEDIR", &cache)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(peer["requests"], 0, "kubectl went to the server: {peer}");
    assert_eq!(peer["error"], "", "{peer}");
    let theirs: Vec<String> = serde_json::from_value(peer["groupVersions"].clone()).unwrap();
    assert_eq!(theirs, ours_group_versions);
}
