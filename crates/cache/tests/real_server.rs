//! The informer against a real kube-apiserver: convergence under concurrent writers,
//! connection cuts, compaction (410) and both initial-sync paths.

#![allow(clippy::unwrap_used)] // tests panic on purpose when the server misbehaves

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientgo_api::core::v1::ConfigMap;
use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::{DeleteOptions, ListOptions, ObjectMeta};
use clientgo_apimachinery::{ObjectList, StringMap};
use clientgo_cache::{
    BoxFuture, CancellationToken, DeletedObject, InformerOptions, ListWatch, ListerWatcher,
    ResourceEventHandlerFuncs, SharedIndexInformer, wait_for_cache_sync,
};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_envtest::TcpProxy;
use clientgo_kubernetes::{Client, Clientset};
use clientgo_rest::{Config, WatchStream};
use parking_lot::Mutex;

// ---------------------------------------------------------------- set-up

fn rest_config_of(kubeconfig: &std::path::Path) -> Config {
    let mut config = ClientConfig::new(
        LoadingRules::explicit(kubeconfig),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    config.qps = -1.0; // writers and informers must not be throttled client-side
    config
}

async fn shared_config() -> Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    rest_config_of(cluster.kubeconfig_path())
}

async fn namespace(prefix: &str) -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace(prefix).await.unwrap()
}

/// A lister-watcher that counts lists and streaming-list watches.
struct Counting<L> {
    inner: L,
    lists: AtomicUsize,
    watches: AtomicUsize,
    streaming_watches: AtomicUsize,
}

impl<L> Counting<L> {
    fn new(inner: L) -> Self {
        Self {
            inner,
            lists: AtomicUsize::new(0),
            watches: AtomicUsize::new(0),
            streaming_watches: AtomicUsize::new(0),
        }
    }
}

impl<L: ListerWatcher<ConfigMap>> ListerWatcher<ConfigMap> for Counting<L> {
    fn list(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<ConfigMap>>> {
        self.lists.fetch_add(1, Ordering::SeqCst);
        self.inner.list(options)
    }

    fn watch(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<ConfigMap>>> {
        self.watches.fetch_add(1, Ordering::SeqCst);
        if options.send_initial_events == Some(true) {
            self.streaming_watches.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.watch(options)
    }

    fn supports_watch_list(&self) -> bool {
        self.inner.supports_watch_list()
    }
}

/// What a handler saw last per key: `Some(rv)` for a live object, `None` after a delete.
type Seen = Arc<Mutex<HashMap<String, Option<String>>>>;

fn recording_handler(seen: Seen) -> ResourceEventHandlerFuncs<ConfigMap> {
    let (a, u, d) = (seen.clone(), seen.clone(), seen);
    let key = |o: &ConfigMap| {
        format!(
            "{}/{}",
            o.metadata.namespace.as_deref().unwrap_or_default(),
            o.metadata.name.as_deref().unwrap_or_default()
        )
    };
    ResourceEventHandlerFuncs::new()
        .on_add(move |o, _| {
            a.lock().insert(
                key(o),
                o.metadata.resource_version.as_deref().map(str::to_owned),
            );
        })
        .on_update(move |_, o| {
            u.lock().insert(
                key(o),
                o.metadata.resource_version.as_deref().map(str::to_owned),
            );
        })
        .on_delete(move |o: &DeletedObject<ConfigMap>| {
            d.lock().insert(o.key().unwrap(), None);
        })
}

struct Running {
    informer: SharedIndexInformer<ConfigMap>,
    seen: Seen,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn start_informer(
    lw: Arc<dyn ListerWatcher<ConfigMap>>,
    options: InformerOptions<ConfigMap>,
) -> Running {
    let informer = SharedIndexInformer::new(lw, options);
    informer
        .set_transform(|mut cm: ConfigMap| {
            cm.metadata.managed_fields.clear();
            Ok(cm)
        })
        .unwrap();
    let seen: Seen = Arc::default();
    informer
        .add_event_handler(recording_handler(seen.clone()))
        .unwrap();
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (informer, cancel) = (informer.clone(), cancel.clone());
        async move { informer.run(cancel).await }
    });
    Running {
        informer,
        seen,
        cancel,
        task,
    }
}

impl Running {
    async fn stop(self) {
        self.cancel.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .unwrap()
            .unwrap();
        assert!(self.informer.is_stopped());
    }
}

fn informer_lw(config: &Config, ns: &str) -> ListWatch {
    let rest = clientgo_rest::RestClient::new(config).unwrap();
    Client::<ConfigMap>::new(rest, ns).requests().clone().into()
}

fn small_cm(name: &str, value: &str) -> ConfigMap {
    let mut meta = ObjectMeta::named(name);
    meta.labels.insert("test".into(), "cache".into());
    ConfigMap {
        metadata: meta,
        data: Some(StringMap::from([("v", value.into())])),
        ..ConfigMap::default()
    }
}

/// Four writers create `total` ConfigMaps, update each once, delete every third.
async fn write_storm(clientset: &Clientset, ns: &str, total: usize) {
    let writers = 4;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let cms = clientset.core_v1().config_maps(ns);
        tasks.push(tokio::spawn(async move {
            let mine: Vec<usize> = (0..total).filter(|i| i % writers == w).collect();
            for &i in &mine {
                create_retrying(&cms, &small_cm(&format!("cm-{i}"), "0")).await;
            }
            for &i in &mine {
                let name = format!("cm-{i}");
                let mut cm = cms.get(&name, &Default::default()).await.unwrap();
                cm.data = Some(StringMap::from([("v", "1".into())]));
                cms.update(&cm, &Default::default()).await.unwrap();
                if i.is_multiple_of(3) {
                    cms.delete(&name, &DeleteOptions::default()).await.unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

async fn create_retrying(cms: &Client<ConfigMap>, cm: &ConfigMap) {
    for _ in 0..5 {
        match cms.create(cm, &Default::default()).await {
            Ok(_) => return,
            Err(e) if e.is_already_exists() => return,
            Err(e) => {
                eprintln!("create failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("could not create {:?}", cm.metadata.name);
}

/// name → resourceVersion of a fresh list.
async fn truth(clientset: &Clientset, ns: &str) -> BTreeMap<String, String> {
    let list = clientset
        .core_v1()
        .config_maps(ns)
        .list(&ListOptions::default())
        .await
        .unwrap();
    list.items
        .into_iter()
        .map(|cm| {
            (
                format!("{ns}/{}", cm.metadata.name.unwrap()),
                cm.metadata.resource_version.unwrap().into(),
            )
        })
        .collect()
}

fn store_state(informer: &SharedIndexInformer<ConfigMap>) -> BTreeMap<String, String> {
    informer
        .get_store()
        .list()
        .iter()
        .map(|cm| {
            (
                format!(
                    "{}/{}",
                    cm.metadata.namespace.as_deref().unwrap(),
                    cm.metadata.name.as_deref().unwrap()
                ),
                cm.metadata.resource_version.clone().unwrap().into(),
            )
        })
        .collect()
}

/// Waits until the store and the handler's view equal a fresh list, and every
/// deleted object was seen deleted.
async fn assert_converges(running: &Running, clientset: &Clientset, ns: &str, total: usize) {
    let expected = truth(clientset, ns).await;
    assert_eq!(
        expected.len(),
        total - total.div_ceil(3),
        "the storm's result"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let store = store_state(&running.informer);
        let seen = running.seen.lock().clone();
        let live: BTreeMap<String, String> = seen
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect();
        let deleted_ok = (0..total)
            .filter(|i| i.is_multiple_of(3))
            .all(|i| matches!(seen.get(&format!("{ns}/cm-{i}")), Some(None)));
        if store == expected && live == expected && deleted_ok {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            let missing: Vec<_> = expected
                .iter()
                .filter(|(k, v)| store.get(*k) != Some(v))
                .take(5)
                .collect();
            panic!(
                "no convergence: store {} vs truth {} (first differences {missing:?}), handler live {} deleted_ok {deleted_ok}",
                store.len(),
                expected.len(),
                live.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(running.informer.has_synced());
    assert!(!running.informer.last_sync_resource_version().is_empty());
}

// ---------------------------------------------------------------- a TCP proxy that cuts

fn upstream_of(config: &Config) -> std::net::SocketAddr {
    let url = url::Url::parse(&config.host).unwrap();
    let host = url.host_str().unwrap();
    format!("{host}:{}", url.port().unwrap()).parse().unwrap()
}

fn through(config: &Config, proxy: &TcpProxy) -> Config {
    let mut c = config.clone();
    c.host = proxy.url();
    // The serving certificate names 127.0.0.1; the proxy listens there on another port.
    c.transport.tls.server_name = Some("127.0.0.1".into());
    c
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn informer_converges_under_four_concurrent_writers() {
    let config = shared_config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("cache-storm").await;
    let running = start_informer(
        Arc::new(informer_lw(&config, &ns)),
        InformerOptions::default(),
    );
    let cancel = running.cancel.clone();
    assert!(wait_for_cache_sync(&cancel, &[&|| running.informer.has_synced()]).await);

    write_storm(&clientset, &ns, 2000).await;
    assert_converges(&running, &clientset, &ns, 2000).await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envtest_only_informer_recovers_from_connection_cuts() {
    let config = shared_config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("cache-cuts").await;
    let proxy = Arc::new(TcpProxy::start(upstream_of(&config)).await.unwrap());
    let lw = Arc::new(informer_lw(&through(&config, &proxy), &ns));
    let running = start_informer(lw, InformerOptions::default());

    let cutter = tokio::spawn({
        let proxy = Arc::clone(&proxy);
        async move {
            for _ in 0..6 {
                let ms = 300 + fastrand::u64(0..1200);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                proxy.cut_all();
            }
        }
    });
    write_storm(&clientset, &ns, 1000).await;
    cutter.await.unwrap();
    assert_converges(&running, &clientset, &ns, 1000).await;
    running.stop().await;
    proxy.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_initial_sync_paths_work_against_the_server() {
    let config = shared_config().await;
    let clientset = Clientset::new(&config).unwrap();
    let ns = namespace("cache-paths").await;
    let cms = clientset.core_v1().config_maps(&ns);
    for i in 0..30 {
        cms.create(&small_cm(&format!("pre-{i}"), "x"), &Default::default())
            .await
            .unwrap();
    }
    for streaming in [true, false] {
        let lw = Arc::new(Counting::new(informer_lw(&config, &ns)));
        let options = InformerOptions {
            use_watch_list: Some(streaming),
            ..InformerOptions::default()
        };
        let running = start_informer(lw.clone(), options);
        assert!(wait_for_cache_sync(&running.cancel, &[&|| running.informer.has_synced()]).await);
        assert_eq!(store_state(&running.informer), truth(&clientset, &ns).await);
        // Live events keep flowing on the same path.
        cms.create(
            &small_cm(&format!("live-{streaming}"), "x"),
            &Default::default(),
        )
        .await
        .unwrap();
        let expected = truth(&clientset, &ns).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while store_state(&running.informer) != expected {
            assert!(
                tokio::time::Instant::now() < deadline,
                "live event not seen"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (lists, streams) = (
            lw.lists.load(Ordering::SeqCst),
            lw.streaming_watches.load(Ordering::SeqCst),
        );
        if streaming {
            assert_eq!((lists, streams), (0, 1), "streaming list, no LIST");
            assert_eq!(
                lw.watches.load(Ordering::SeqCst),
                1,
                "the streaming watch continues as the watch"
            );
        } else {
            assert_eq!((lists, streams), (1, 0), "LIST then WATCH");
        }
        running.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envtest_only_compacted_watch_gets_410_and_relists() {
    let plane = clientgo_envtest::ControlPlane::builder()
        .etcd_compaction_interval(Duration::from_secs(1))
        .apiserver_flag("watch-cache", "false")
        .start()
        .await
        .unwrap();
    let config = rest_config_of(plane.kubeconfig_path());
    let clientset = Clientset::new(&config).unwrap();
    let ns = "default";
    let proxy = Arc::new(TcpProxy::start(upstream_of(&config)).await.unwrap());
    let lw = Arc::new(Counting::new(informer_lw(&through(&config, &proxy), ns)));
    let options = InformerOptions {
        use_watch_list: Some(false),
        ..InformerOptions::default()
    };
    let informer =
        SharedIndexInformer::new(lw.clone() as Arc<dyn ListerWatcher<ConfigMap>>, options);
    let expired = Arc::new(AtomicUsize::new(0));
    informer
        .set_watch_error_handler({
            let expired = expired.clone();
            move |e| {
                eprintln!("watch error: {e}");
                if e.is_expired() {
                    expired.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
        .unwrap();
    let seen: Seen = Arc::default();
    informer
        .add_event_handler(recording_handler(seen.clone()))
        .unwrap();
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (informer, cancel) = (informer.clone(), cancel.clone());
        async move { informer.run(cancel).await }
    });
    let running = Running {
        informer,
        seen,
        cancel,
        task,
    };
    assert!(wait_for_cache_sync(&running.cancel, &[&|| running.informer.has_synced()]).await);
    let cms = clientset.core_v1().config_maps(ns);
    cms.create(&small_cm("before", "x"), &Default::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(lw.lists.load(Ordering::SeqCst), 1);

    // Hold the reflector's next watch while the store moves on and gets compacted.
    proxy.hold(true);
    proxy.cut_all();
    for i in 0..30_u32 {
        cms.create(&small_cm(&format!("during-{i}"), "x"), &Default::default())
            .await
            .unwrap();
        if i.is_multiple_of(3) {
            cms.delete(&format!("during-{i}"), &DeleteOptions::default())
                .await
                .unwrap();
        }
    }
    cms.delete("before", &DeleteOptions::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await; // several compactions
    proxy.hold(false);

    let expected = truth(&clientset, ns).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let seen = running.seen.lock().clone();
        if store_state(&running.informer) == expected
            && matches!(seen.get("default/before"), Some(None))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no convergence after compaction"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        expired.load(Ordering::SeqCst) >= 1,
        "the old watch got 410 Expired"
    );
    assert!(
        lw.lists.load(Ordering::SeqCst) >= 2,
        "and the reflector relisted"
    );
    running.stop().await;
    proxy.shutdown();
}
