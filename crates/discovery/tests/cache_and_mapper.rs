//! Caches, REST mapper and OpenAPI against the real API server: a CRD created by the
//! test appears in cached discovery only after invalidation (or, for the deferred
//! mapper over a stale disk cache, on the first miss), short names and categories
//! resolve, the disk cache is written, reused and refreshed, and OpenAPI documents are
//! served.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgo_apimachinery::meta::CreateOptions;
use clientgo_apimachinery::schema::{GroupKind, GroupResource, GroupVersionKind};
use clientgo_apimachinery::{ApiStatus, GroupVersionResource, Scope, Unstructured};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_discovery::restmapper::{
    CategoryExpander, DeferredDiscoveryRestMapper, DiscoveryCategoryExpander, RestMapper,
    ShortcutExpander,
};
use clientgo_discovery::{
    CachedDiscoveryClient, DiscoveryClient, DiscoveryInterface, Error, MemCacheClient,
};
use clientgo_dynamic::DynamicClient;
use clientgo_rest::RateLimiter;
use serde_json::json;

const GROUP: &str = "mapper.clientgo.dev";

async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let rules = LoadingRules::explicit(cluster.kubeconfig_path());
    ClientConfig::new(rules, ConfigOverrides::default())
        .rest_config()
        .unwrap()
}

/// Counts requests (every attempt asks the rate limiter once) and never throttles.
#[derive(Default)]
struct Counter(AtomicUsize);

impl RateLimiter for Counter {
    fn reserve(&self) -> Duration {
        self.0.fetch_add(1, Ordering::SeqCst);
        Duration::ZERO
    }
}

fn counted(config: &clientgo_rest::Config) -> (clientgo_rest::Config, Arc<Counter>) {
    let counter = Arc::new(Counter::default());
    let mut config = config.clone();
    config.rate_limiter = Some(counter.clone());
    (config, counter)
}

fn requests(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

/// Creates the `gadgets` CRD and waits until live discovery lists it.
async fn create_gadgets(config: &clientgo_rest::Config) {
    let dynamic = DynamicClient::new(config).unwrap();
    let crds = dynamic.resource(&GroupVersionResource::new(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
    ));
    let crd = Unstructured::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("gadgets.{GROUP}")},
        "spec": {
            "group": GROUP,
            "names": {"kind": "Gadget", "plural": "gadgets", "singular": "gadget",
                      "shortNames": ["gdg"], "categories": ["all", "clientgo"]},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
            }],
        },
    }))
    .unwrap();
    match crds.create(&crd, &CreateOptions::default(), &[]).await {
        Ok(_) => {}
        Err(error) if error.is_already_exists() => {}
        Err(error) => panic!("creating the CRD: {error}"),
    }
    let live = DiscoveryClient::new(config).unwrap();
    for _ in 0..100 {
        let discovery = live.server_groups_and_resources().await.unwrap();
        if discovery.resources_for(&format!("{GROUP}/v1")).is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the gadgets CRD never appeared in discovery");
}

fn has_group(groups: &clientgo_apimachinery::meta::APIGroupList) -> bool {
    groups.groups.iter().any(|g| g.name == GROUP)
}

#[tokio::test]
async fn cached_discovery_and_the_rest_mapper_follow_a_new_crd() {
    let config = config().await;
    let dir = tempfile::tempdir().unwrap();
    // The CRD may exist from an earlier run against a shared cluster: start without it.
    let dynamic = DynamicClient::new(&config).unwrap();
    let crds = dynamic.resource(&GroupVersionResource::new(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
    ));
    let _ = crds
        .delete(&format!("gadgets.{GROUP}"), &Default::default(), &[])
        .await;
    let live = DiscoveryClient::new(&config).unwrap();
    for _ in 0..100 {
        if !has_group(&live.server_groups().await.unwrap()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Filled before the CRD exists: memory cache, and a disk cache in `dir`.
    let memory = Arc::new(MemCacheClient::new(DiscoveryClient::new(&config).unwrap()));
    assert!(!memory.fresh());
    assert!(!has_group(&memory.server_groups().await.unwrap()));
    assert!(memory.fresh());
    let before =
        CachedDiscoveryClient::for_config(&config, dir.path(), Duration::from_secs(3600)).unwrap();
    before.server_groups_and_resources().await.unwrap();
    let deferred = DeferredDiscoveryRestMapper::new(Arc::clone(&memory));
    assert_eq!(
        deferred
            .kind_for(&GroupVersionResource::new("", "", "pods"))
            .await
            .unwrap(),
        GroupVersionKind::new("", "v1", "Pod")
    );

    create_gadgets(&config).await;
    let gadgets = GroupVersionResource::new("", "", "gadgets");

    // The memory cache does not see the CRD until invalidated.
    assert!(!has_group(&memory.server_groups().await.unwrap()));
    assert!(matches!(
        memory
            .server_resources_for_group_version(&format!("{GROUP}/v1"))
            .await,
        Err(Error::CacheNotFound)
    ));
    // It is fresh, so the deferred mapper's miss is final until reset.
    let miss = deferred.kind_for(&gadgets).await.unwrap_err();
    assert!(miss.is_no_match(), "{miss}");
    deferred.reset();
    assert_eq!(
        deferred.kind_for(&gadgets).await.unwrap(),
        GroupVersionKind::new(GROUP, "v1", "Gadget")
    );
    assert!(has_group(&memory.server_groups().await.unwrap()));
    memory.invalidate();
    let list = memory
        .server_resources_for_group_version(&format!("{GROUP}/v1"))
        .await
        .unwrap();
    assert!(list.resources.iter().any(|r| r.name == "gadgets"));

    // A disk cache written by another client before the CRD is stale: the deferred
    // mapper misses, refreshes once by itself and finds the kind.
    let (counted_config, counter) = counted(&config);
    let stale = Arc::new(
        CachedDiscoveryClient::for_config(&counted_config, dir.path(), Duration::from_secs(3600))
            .unwrap(),
    );
    let stale_mapper = DeferredDiscoveryRestMapper::new(Arc::clone(&stale));
    let mapping = stale_mapper
        .rest_mapping(&GroupKind::new(GROUP, "Gadget"), &[])
        .await
        .unwrap();
    assert_eq!(
        mapping.resource,
        GroupVersionResource::new(GROUP, "v1", "gadgets")
    );
    assert_eq!(mapping.scope, Scope::Namespaced);
    assert!(requests(&counter) > 0, "the refresh asked the server");
    assert!(stale.fresh());
    assert!(
        dir.path()
            .join(GROUP)
            .join("v1")
            .join("serverresources.json")
            .exists()
    );

    // Short names and categories, through the shortcut expander over the memory cache.
    let warnings = Arc::new(parking_lot::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let mapper = ShortcutExpander::new(
        DeferredDiscoveryRestMapper::new(Arc::clone(&memory)),
        Arc::clone(&memory),
        Some(Arc::new(move |w: &str| sink.lock().push(w.to_string()))),
    );
    let resource_for = |name: &'static str| {
        let mapper = &mapper;
        async move {
            mapper
                .resource_for(&GroupVersionResource::new("", "", name))
                .await
                .unwrap()
        }
    };
    assert_eq!(
        resource_for("po").await,
        GroupVersionResource::new("", "v1", "pods")
    );
    assert_eq!(
        resource_for("deploy").await,
        GroupVersionResource::new("apps", "v1", "deployments")
    );
    assert_eq!(
        resource_for("gdg").await,
        GroupVersionResource::new(GROUP, "v1", "gadgets")
    );
    assert_eq!(
        resource_for("gadget").await,
        GroupVersionResource::new(GROUP, "v1", "gadgets")
    );
    assert_eq!(
        mapper
            .kind_for(&GroupVersionResource::new("", "", "gdg"))
            .await
            .unwrap(),
        GroupVersionKind::new(GROUP, "v1", "Gadget")
    );
    assert!(warnings.lock().is_empty(), "{:?}", warnings.lock());
    let unknown = mapper
        .kind_for(&GroupVersionResource::new("", "", "nosuchthings"))
        .await
        .unwrap_err();
    assert!(unknown.is_no_match(), "{unknown}");

    let categories = DiscoveryCategoryExpander::new(Arc::clone(&memory));
    assert_eq!(
        categories.expand("clientgo").await.unwrap(),
        vec![GroupResource::new(GROUP, "gadgets")]
    );
    let all = categories.expand("all").await.unwrap();
    for expected in [
        GroupResource::new("", "pods"),
        GroupResource::new("apps", "deployments"),
        GroupResource::new(GROUP, "gadgets"),
    ] {
        assert!(all.contains(&expected), "{expected} not in {all:?}");
    }
    assert!(!all.contains(&GroupResource::new("", "configmaps")));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_disk_cache_is_written_reused_and_refreshed() {
    let config = config().await;
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("discovery").join("127.0.0.1_6443");
    let ttl = Duration::from_secs(3600);

    let (first_config, first_count) = counted(&config);
    let first = CachedDiscoveryClient::for_config(&first_config, &cache_dir, ttl).unwrap();
    let filled = first.server_groups_and_resources().await.unwrap();
    let fill_requests = requests(&first_count);
    assert!(fill_requests >= 2, "{fill_requests}");
    assert!(filled.resources_for("apps/v1").is_some());
    assert!(first.fresh(), "it only served what it fetched");

    for file in [
        cache_dir.join("servergroups.json"),
        cache_dir.join("v1").join("serverresources.json"),
        cache_dir
            .join("apps")
            .join("v1")
            .join("serverresources.json"),
    ] {
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode(&file), 0o660, "{}", file.display());
    }
    for folder in [
        cache_dir.clone(),
        cache_dir.join("apps"),
        cache_dir.join("apps").join("v1"),
    ] {
        assert_eq!(mode(&folder), 0o750, "{}", folder.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let groups = first.server_groups().await.unwrap();
    assert_eq!(
        requests(&first_count),
        fill_requests,
        "answered from the cache"
    );

    // Another client (another process) reuses the files without asking the server,
    // and is no longer fresh.
    let (second_config, second_count) = counted(&config);
    let second = CachedDiscoveryClient::for_config(&second_config, &cache_dir, ttl).unwrap();
    assert_eq!(second.server_groups().await.unwrap(), groups);
    // Every group version with resources was written; group versions that failed
    // (e.g. an APIService without backend on a shared cluster) have no file.
    for list in filled.resources.iter().filter(|l| !l.resources.is_empty()) {
        let reused = second
            .server_resources_for_group_version(&list.group_version)
            .await
            .unwrap();
        assert_eq!(&reused, list);
    }
    assert_eq!(requests(&second_count), 0);
    assert!(!second.fresh());
    // A corrupt file falls back to the server (and is rewritten).
    std::fs::write(
        cache_dir
            .join("apps")
            .join("v1")
            .join("serverresources.json"),
        b"{not json",
    )
    .unwrap();
    let third_client = CachedDiscoveryClient::for_config(&second_config, &cache_dir, ttl).unwrap();
    let apps = third_client
        .server_resources_for_group_version("apps/v1")
        .await
        .unwrap();
    assert!(apps.resources.iter().any(|r| r.name == "deployments"));
    assert!(requests(&second_count) > 0);

    // After invalidate(), only files written since by this client are used.
    let before_invalidate = requests(&second_count);
    second.invalidate();
    assert!(second.fresh());
    second.server_groups().await.unwrap();
    second
        .server_resources_for_group_version("apps/v1")
        .await
        .unwrap();
    let refetched = requests(&second_count) - before_invalidate;
    assert!(refetched >= 2, "{refetched}");
    second.server_groups().await.unwrap();
    second
        .server_resources_for_group_version("apps/v1")
        .await
        .unwrap();
    assert_eq!(
        requests(&second_count) - before_invalidate,
        refetched,
        "files written since the invalidation are used"
    );
    assert!(second.fresh());

    // Past the TTL, files are fetched again and rewritten.
    let (short_config, short_count) = counted(&config);
    let short =
        CachedDiscoveryClient::for_config(&short_config, &cache_dir, Duration::from_secs(1))
            .unwrap();
    let groups_file = cache_dir.join("servergroups.json");
    let written = std::fs::metadata(&groups_file).unwrap().modified().unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    short.server_groups().await.unwrap();
    assert!(requests(&short_count) > 0, "an expired file is not used");
    assert!(std::fs::metadata(&groups_file).unwrap().modified().unwrap() > written);
}

#[tokio::test]
async fn openapi_v2_and_v3_are_served() {
    let discovery = DiscoveryClient::new(&config().await).unwrap();
    let v2: serde_json::Value =
        serde_json::from_slice(&discovery.openapi_v2().await.unwrap()).unwrap();
    assert_eq!(v2["swagger"], "2.0");
    assert!(v2["definitions"]["io.k8s.api.core.v1.Pod"].is_object());
    assert!(v2["paths"]["/api/v1/namespaces/{namespace}/pods"].is_object());

    let index = discovery.openapi_v3().await.unwrap();
    assert!(
        index.paths.contains_key("api/v1"),
        "{:?}",
        index.paths.keys()
    );
    let apps = index.for_group_version("apps/v1").unwrap();
    assert!(
        apps.server_relative_url
            .starts_with("/openapi/v3/apis/apps/v1?hash=")
    );
    let document: serde_json::Value =
        serde_json::from_slice(&discovery.openapi_v3_document(apps).await.unwrap()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert!(document["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"].is_object());
    assert!(index.for_group_version("nope.example/v1").is_none());
}
