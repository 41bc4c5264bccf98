//! `DISABLE_HTTP2`: set, the transport speaks HTTP/1.1 even to a server that offers
//! HTTP/2 (it no longer offers `h2` in ALPN), as client-go does.
//!
//! This file holds a single test because it changes the process environment.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves
#![allow(unsafe_code)] // `set_var` is unsafe: safe here, this binary runs one test on one thread

mod support;

use clientgo_envtest::test_cluster;
use clientgo_transport::Transport;
use support::{config_for, get};

#[tokio::test(flavor = "current_thread")]
async fn disable_http2_makes_requests_use_http_1_1() {
    let cluster = test_cluster().await.unwrap();
    let config = config_for(cluster.ca_certificate_pem(), &cluster.admin().unwrap());
    let version = format!("{}/version", cluster.server_url());

    // SAFETY: no other thread reads the environment while this single test runs.
    unsafe { std::env::remove_var("DISABLE_HTTP2") };
    let transport = Transport::new(&config).unwrap();
    let response = transport.send(get(&transport, &version)).await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);

    // SAFETY: as above.
    unsafe { std::env::set_var("DISABLE_HTTP2", "1") };
    let transport = Transport::new(&config).unwrap();
    let response = transport.send(get(&transport, &version)).await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
}
