//! Proxies from the environment: `HTTPS_PROXY` is used, `NO_PROXY` bypasses it.
//!
//! This file holds a single test because it changes the process environment.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves
#![allow(unsafe_code)] // `set_var` is unsafe: safe here, this binary runs one test on one thread

mod support;

use std::sync::atomic::Ordering;

use clientgo_envtest::test_cluster;
use clientgo_transport::Transport;
use support::{config_for, connect_proxy, whoami};

#[tokio::test(flavor = "current_thread")]
async fn envtest_only_https_proxy_is_used_unless_no_proxy_names_the_host() {
    let cluster = test_cluster().await.unwrap();
    let (proxy, tunnels) = connect_proxy().await;
    let config = config_for(cluster.ca_certificate_pem(), &cluster.admin().unwrap());

    // SAFETY: no other thread reads the environment while this single test runs.
    unsafe {
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
        std::env::set_var("HTTPS_PROXY", &proxy);
    }
    let proxied = Transport::new(&config).unwrap();
    assert_eq!(whoami(&proxied, cluster.server_url()).await.1, "admin");
    assert_eq!(
        tunnels.load(Ordering::SeqCst),
        1,
        "the request did not use HTTPS_PROXY"
    );

    // SAFETY: as above.
    unsafe {
        std::env::set_var("NO_PROXY", "127.0.0.0/8,localhost");
    }
    let direct = Transport::new(&config).unwrap();
    assert_eq!(whoami(&direct, cluster.server_url()).await.1, "admin");
    assert_eq!(tunnels.load(Ordering::SeqCst), 1, "NO_PROXY was ignored");
}
