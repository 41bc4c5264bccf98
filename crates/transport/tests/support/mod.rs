//! Helpers shared by the transport's integration tests.

#![allow(dead_code, clippy::unwrap_used)] // not every test file uses every helper

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clientgo_envtest::{Credentials, User};
use clientgo_transport::{Config, Transport};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A config trusting the cluster's CA, authenticating as nobody yet.
pub fn anonymous(ca_pem: &str) -> Config {
    let mut config = Config::default();
    config.tls.ca_data = Some(ca_pem.as_bytes().to_vec());
    config
}

/// A config authenticating as `user` with inline credentials.
pub fn config_for(ca_pem: &str, user: &User) -> Config {
    let mut config = anonymous(ca_pem);
    match &user.credentials {
        Credentials::ClientCertificate(key) => {
            config.tls.cert_data = Some(key.certificate_pem.as_bytes().to_vec());
            config.tls.key_data = Some(key.private_key_pem.clone());
        }
        Credentials::Token(token) => config.bearer_token = Some(token.clone()),
    }
    config
}

/// The token of the cluster's built-in user without permissions.
pub fn unprivileged_token(cluster: &clientgo_envtest::TestCluster) -> clientgo_transport::Secret {
    match cluster.unprivileged().unwrap().credentials {
        Credentials::Token(token) => token,
        Credentials::ClientCertificate(_) => panic!("the unprivileged user has a token"),
    }
}

/// A GET request for `url`, to send with `transport.send`.
pub fn get(transport: &Transport, url: impl reqwest::IntoUrl) -> reqwest::Request {
    transport.http_client().get(url).build().unwrap()
}

/// The server's `userInfo` for our requests, with the HTTP status of the review.
pub async fn review(transport: &Transport, server: &str) -> (u16, Value) {
    let body = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let request = transport
        .http_client()
        .post(format!(
            "{server}/apis/authentication.k8s.io/v1/selfsubjectreviews"
        ))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .build()
        .unwrap();
    let response = transport.send(request).await.unwrap();
    let status = response.status().as_u16();
    let review: Value =
        serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    (status, review["status"]["userInfo"].clone())
}

/// Who the server thinks we are: (HTTP status, user name, groups).
pub async fn whoami(transport: &Transport, server: &str) -> (u16, String, Vec<String>) {
    let (status, info) = review(transport, server).await;
    let groups = info["groups"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (
        status,
        info["username"].as_str().unwrap_or("").to_string(),
        groups,
    )
}

/// An HTTP CONNECT proxy on a loopback port; returns its URL and how many tunnels it
/// opened.
pub async fn connect_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&tunnels);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut reader = BufReader::new(client);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).await.unwrap();
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).await.unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                }
                let target = request_line.split_whitespace().nth(1).unwrap().to_string();
                assert!(request_line.starts_with("CONNECT "), "{request_line}");
                let mut upstream = TcpStream::connect(&target).await.unwrap();
                counter.fetch_add(1, Ordering::SeqCst);
                let mut client = reader.into_inner();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (url, tunnels)
}
