//! Shared set-up of the clientset tests: a clientset for the test cluster's admin.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the cluster is unusable

use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_kubernetes::Clientset;

/// The REST configuration of the test cluster's admin.
pub async fn config() -> clientgo_rest::Config {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap()
}

/// A clientset for the test cluster's admin.
pub async fn clientset() -> Clientset {
    Clientset::new(&config().await).unwrap()
}

/// A fresh namespace.
pub async fn namespace(prefix: &str) -> String {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    cluster.new_namespace(prefix).await.unwrap()
}
