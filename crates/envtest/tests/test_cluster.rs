//! The shared test cluster serves requests, whether it comes from
//! `CLIENTGO_TEST_KUBECONFIG` (under `cargo xtask test`) or was started for this binary.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use clientgo_envtest::{TEST_KUBECONFIG_ENV, test_cluster};

#[tokio::test]
async fn envtest_only_the_shared_cluster_serves_each_test_in_its_own_namespace() {
    let cluster = test_cluster().await.unwrap();
    if let Some(shared) = std::env::var_os(TEST_KUBECONFIG_ENV) {
        assert_eq!(cluster.kubeconfig_path(), std::path::Path::new(&shared));
    }
    let first = cluster.new_namespace("shared").await.unwrap();
    let second = cluster.new_namespace("shared").await.unwrap();
    assert!(
        first.starts_with("shared-") && first != second,
        "{first} {second}"
    );

    let admin = cluster.http_client(&cluster.admin().unwrap()).unwrap();
    let url = format!("{}/api/v1/namespaces/{first}", cluster.server_url());
    assert_eq!(admin.get(&url).send().await.unwrap().status(), 200);
    let nobody = cluster
        .http_client(&cluster.unprivileged().unwrap())
        .unwrap();
    assert_eq!(nobody.get(&url).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn every_test_of_a_binary_gets_the_same_cluster() {
    let (a, b) = tokio::join!(test_cluster(), test_cluster());
    assert!(std::ptr::eq(a.unwrap(), b.unwrap()));
}
