//! The facade's paths are client-go's: a program written with Go's package layout in
//! mind compiles, and works against the real API server.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::time::Duration;

use client_go::api::core::v1::ConfigMap;
use client_go::apimachinery::meta::{CreateOptions, GetOptions, ObjectMeta};
use client_go::informers::SharedInformerFactory;
use client_go::kubernetes::Clientset;
use client_go::tools::cache::CancellationToken;
use client_go::tools::clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use client_go::util::retry::{DEFAULT_RETRY, retry_on_conflict};
use client_go::util::workqueue;

#[tokio::test]
async fn a_program_with_go_paths_works_against_the_server() {
    let cluster = client_go::envtest::test_cluster().await.unwrap();
    let config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    let clientset = Clientset::new(&config).unwrap();
    let namespace = cluster.new_namespace("facade").await.unwrap();
    let configmaps = clientset.core_v1().config_maps(&namespace);
    let created = configmaps
        .create(
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("facade".into()),
                    ..ObjectMeta::default()
                },
                ..ConfigMap::default()
            },
            &CreateOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(created.metadata.name.as_deref(), Some("facade"));
    let read = retry_on_conflict(DEFAULT_RETRY, || async {
        configmaps.get("facade", &GetOptions::default()).await
    })
    .await
    .unwrap();
    assert_eq!(read.metadata.uid, created.metadata.uid);

    // The informer's cache (tools/cache) sees it.
    let factory = SharedInformerFactory::new(clientset.clone(), Duration::ZERO);
    let informer = factory.core_v1().config_maps();
    let stop = CancellationToken::new();
    factory.start(&stop);
    assert!(factory.wait_for_cache_sync(&stop).await.all_synced());
    let key = format!("{namespace}/facade");
    assert!(informer.informer().get_indexer().get_by_key(&key).is_some());
    stop.cancel();
    factory.shutdown().await;

    // util/workqueue.
    let queue = workqueue::Queue::<String>::new();
    queue.add(key.clone());
    assert_eq!(queue.get().await, Some(key));
}

/// Exec and port-forward sit where client-go has them.
#[test]
fn streaming_packages_sit_under_tools() {
    let exec = client_go::tools::remotecommand::ExecOptions::command(["date"]).stdout(true);
    assert_eq!(exec.command, ["date"]);
    let ports = client_go::tools::portforward::parse_ports(&["8080:80"]).unwrap();
    assert_eq!((ports[0].local, ports[0].remote), (8080, 80));
}
