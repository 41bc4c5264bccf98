//! Every way of authenticating works against the real API server: client certificates
//! (inline and from reloaded files), bearer tokens and token files, exec plugins
//! (tokens and certificates, caching, 401 refresh, cluster info), and impersonation.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::path::Path;
use std::time::Duration;

mod support;

use clientgo_envtest::{ControlPlane, Credentials, TestCluster, User, test_cluster};
use clientgo_transport::exec::{ExecConfig, InteractiveMode};
use clientgo_transport::{Config, ImpersonationConfig, Proxy, Secret, Transport};
use serde_json::{Value, json};
use support::{anonymous, config_for, connect_proxy, get, review, unprivileged_token, whoami};

async fn cluster() -> &'static TestCluster {
    test_cluster().await.unwrap()
}

#[tokio::test]
async fn envtest_only_inline_client_certificates_authenticate_over_http2() {
    let cluster = cluster().await;
    let transport = Transport::new(&config_for(
        cluster.ca_certificate_pem(),
        &cluster.admin().unwrap(),
    ))
    .unwrap();
    let (status, user, groups) = whoami(&transport, cluster.server_url()).await;
    assert_eq!((status, user.as_str()), (201, "admin"));
    assert!(groups.contains(&"system:masters".to_string()), "{groups:?}");

    let request = get(&transport, format!("{}/version", cluster.server_url()));
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
}

#[tokio::test]
async fn envtest_only_bearer_tokens_and_token_files_authenticate() {
    let cluster = cluster().await;
    let unprivileged = cluster.unprivileged().unwrap();
    let transport =
        Transport::new(&config_for(cluster.ca_certificate_pem(), &unprivileged)).unwrap();
    assert_eq!(
        whoami(&transport, cluster.server_url()).await.1,
        "unprivileged"
    );

    let Credentials::Token(token) = &unprivileged.credentials else {
        panic!("the unprivileged user has a token")
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{}\n", token.expose())).unwrap();
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.bearer_token_file = Some(file);
    let transport = Transport::new(&config).unwrap();
    assert_eq!(
        whoami(&transport, cluster.server_url()).await.1,
        "unprivileged"
    );

    let mut config = anonymous(cluster.ca_certificate_pem());
    config.bearer_token = Some(Secret::new("no-such-token"));
    let transport = Transport::new(&config).unwrap();
    assert_eq!(whoami(&transport, cluster.server_url()).await.0, 401);
}

#[tokio::test]
async fn envtest_only_rotated_client_certificate_files_are_picked_up() {
    let plane = ControlPlane::start().await.unwrap();
    let alice = plane.add_user("alice", ["a"]).unwrap();
    let bob = plane.add_user("bob", ["b"]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_file, key_file) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let write = |user: &User| {
        let Credentials::ClientCertificate(key) = &user.credentials else {
            panic!("{} has a certificate", user.name)
        };
        std::fs::write(&cert_file, &key.certificate_pem).unwrap();
        std::fs::write(&key_file, key.private_key_pem.expose()).unwrap();
    };
    write(&alice);
    let mut config = anonymous(plane.ca_certificate_pem());
    config.tls.cert_file = Some(cert_file.clone());
    config.tls.key_file = Some(key_file.clone());
    let transport = Transport::new(&config).unwrap();
    assert_eq!(whoami(&transport, plane.server_url()).await.1, "alice");

    write(&bob);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(whoami(&transport, plane.server_url()).await.1, "bob");
}

#[tokio::test]
async fn impersonation_acts_as_another_user() {
    let cluster = cluster().await;
    let mut config = config_for(cluster.ca_certificate_pem(), &cluster.admin().unwrap());
    config.impersonate = ImpersonationConfig {
        user_name: Some("jane".into()),
        uid: Some("uid-1234".into()),
        groups: vec!["reviewers".into(), "system:authenticated".into()],
        extra: [(
            "example.com/team name".to_string(),
            vec!["blue".to_string(), "green".to_string()],
        )]
        .into(),
    };
    let transport = Transport::new(&config).unwrap();
    let (status, info) = review(&transport, cluster.server_url()).await;
    assert_eq!(status, 201, "{info}");
    assert_eq!(info["username"], "jane");
    assert_eq!(info["uid"], "uid-1234");
    assert_eq!(info["groups"], json!(["reviewers", "system:authenticated"]));
    // The escaped key comes back as it was.
    assert_eq!(
        info["extra"]["example.com/team name"],
        json!(["blue", "green"])
    );
}

#[tokio::test]
async fn server_verification_follows_the_tls_settings() {
    let cluster = cluster().await;
    let server = cluster.server_url();
    let admin = cluster.admin().unwrap();

    // The serving certificate names localhost and 127.0.0.1.
    let mut named = config_for(cluster.ca_certificate_pem(), &admin);
    named.tls.server_name = Some("localhost".into());
    assert_eq!(
        whoami(&Transport::new(&named).unwrap(), server).await.0,
        201
    );

    let mut misnamed = config_for(cluster.ca_certificate_pem(), &admin);
    misnamed.tls.server_name = Some("elsewhere.example".into());
    let transport = Transport::new(&misnamed).unwrap();
    let request = get(&transport, format!("{server}/version"));
    assert!(
        transport.send(request).await.is_err(),
        "a certificate for another name was accepted"
    );

    let mut insecure = config_for(cluster.ca_certificate_pem(), &admin);
    insecure.tls.ca_data = None;
    insecure.tls.insecure = true;
    assert_eq!(
        whoami(&Transport::new(&insecure).unwrap(), server).await.0,
        201
    );

    let mut untrusted = config_for(cluster.ca_certificate_pem(), &admin);
    untrusted.tls.ca_data = None; // the system roots do not know the test CA
    let transport = Transport::new(&untrusted).unwrap();
    let request = get(&transport, format!("{server}/version"));
    assert!(
        transport.send(request).await.is_err(),
        "an unknown CA was trusted"
    );
}

#[test]
fn basic_auth_and_a_token_together_are_refused() {
    let config = Config {
        username: Some("u".into()),
        password: Some(Secret::new("hunter2")),
        bearer_token: Some(Secret::new("sekrit-token")),
        ..Config::default()
    };
    let error = Transport::new(&config).unwrap_err().to_string();
    assert!(error.contains("may be set, but not both"), "{error}");
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("sekrit") && !debug.contains("hunter2"),
        "{debug}"
    );
}

/// Writes an executable shell script.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn exec_config(command: String) -> ExecConfig {
    ExecConfig {
        command,
        args: vec![],
        env: vec![],
        api_version: "client.authentication.k8s.io/v1".into(),
        install_hint: Some("install it with: apt-get install our-plugin".into()),
        provide_cluster_info: false,
        interactive_mode: Some(InteractiveMode::Never),
        cluster: None,
    }
}

#[tokio::test]
async fn envtest_only_exec_plugin_tokens_are_cached_and_refreshed_after_401() {
    let cluster = cluster().await;
    let token = unprivileged_token(cluster);
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    // The first run prints a token the server rejects; later runs the real one.
    let plugin = script(
        dir.path(),
        "plugin",
        &format!(
            "echo run >> {runs}\nif [ $(wc -l < {runs}) -eq 1 ]; then t=wrong; else t={token}; fi\n\
             printf '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"%s\"}}}}' $t",
            runs = runs.display(),
            token = token.expose()
        ),
    );
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.exec = Some(exec_config(plugin));
    let transport = Transport::new(&config).unwrap();
    let server = cluster.server_url();
    assert_eq!(whoami(&transport, server).await.0, 401);
    assert_eq!(whoami(&transport, server).await.1, "unprivileged");
    assert_eq!(whoami(&transport, server).await.1, "unprivileged");
    let count = std::fs::read_to_string(&runs).unwrap().lines().count();
    assert_eq!(
        count, 2,
        "the plugin ran {count} times; credentials were not cached"
    );
}

#[tokio::test]
async fn envtest_only_exec_plugin_certificates_and_cluster_info_reach_the_server() {
    let plane = ControlPlane::start().await.unwrap();
    let carol = plane.add_user("carol", ["exec-users"]).unwrap();
    let Credentials::ClientCertificate(key) = &carol.credentials else {
        panic!("carol has a certificate")
    };
    let dir = tempfile::tempdir().unwrap();
    let credential = json!({
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "kind": "ExecCredential",
        "status": {
            "clientCertificateData": key.certificate_pem,
            "clientKeyData": key.private_key_pem.expose(),
            "expirationTimestamp": "2099-01-01T00:00:00Z",
        }
    });
    std::fs::write(dir.path().join("credential.json"), credential.to_string()).unwrap();
    let info = dir.path().join("exec-info.json");
    let plugin = script(
        dir.path(),
        "plugin",
        &format!(
            "printf '%s' \"$KUBERNETES_EXEC_INFO\" > {}\nprintf '%s' \"$PLUGIN_SETTING\" > {}.env\ncat {}",
            info.display(),
            info.display(),
            dir.path().join("credential.json").display()
        ),
    );
    let mut exec = exec_config(plugin);
    exec.api_version = "client.authentication.k8s.io/v1beta1".into();
    exec.provide_cluster_info = true;
    exec.env = vec![clientgo_transport::exec::ExecEnvVar {
        name: "PLUGIN_SETTING".into(),
        value: "from-kubeconfig".into(),
    }];
    exec.cluster = Some(clientgo_transport::exec::ExecCluster {
        server: plane.server_url().to_string(),
        ..Default::default()
    });
    let mut config = anonymous(plane.ca_certificate_pem());
    config.exec = Some(exec);
    let transport = Transport::new(&config).unwrap();
    let (status, user, groups) = whoami(&transport, plane.server_url()).await;
    assert_eq!((status, user.as_str()), (201, "carol"));
    assert!(groups.contains(&"exec-users".to_string()));

    let env = std::fs::read_to_string(format!("{}.env", info.display())).unwrap();
    assert_eq!(
        env, "from-kubeconfig",
        "the configured env did not reach the plugin"
    );
    let sent: Value = serde_json::from_str(&std::fs::read_to_string(&info).unwrap()).unwrap();
    assert_eq!(sent["kind"], "ExecCredential");
    assert_eq!(sent["spec"]["interactive"], false);
    assert_eq!(sent["spec"]["cluster"]["server"], plane.server_url());
}

#[tokio::test]
async fn a_missing_exec_plugin_explains_how_to_install_it() {
    let cluster = cluster().await;
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.exec = Some(exec_config("/no/such/plugin".into()));
    let transport = Transport::new(&config).unwrap();
    let request = get(&transport, format!("{}/version", cluster.server_url()));
    let error = transport.send(request).await.unwrap_err().to_string();
    assert!(
        error.contains("executable /no/such/plugin not found"),
        "{error}"
    );
    assert!(error.contains("apt-get install our-plugin"), "{error}");
}

#[tokio::test]
async fn envtest_only_requests_go_through_a_configured_proxy() {
    let cluster = cluster().await;
    let (proxy, tunnels) = connect_proxy().await;
    let mut config = config_for(cluster.ca_certificate_pem(), &cluster.admin().unwrap());
    config.proxy = Proxy::Url(proxy);
    let transport = Transport::new(&config).unwrap();
    assert_eq!(whoami(&transport, cluster.server_url()).await.1, "admin");
    assert_eq!(tunnels.load(std::sync::atomic::Ordering::SeqCst), 1);

    // A second transport with equal TLS settings shares the connection pool: its
    // request reuses the open connection instead of opening another tunnel.
    let twin = Transport::new(&config).unwrap();
    assert_eq!(whoami(&twin, cluster.server_url()).await.1, "admin");
    assert_eq!(tunnels.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn envtest_only_exec_credentials_are_refreshed_when_they_expire() {
    let cluster = cluster().await;
    let token = unprivileged_token(cluster);
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    // Each credential expires two seconds after the plugin printed it.
    let plugin = script(
        dir.path(),
        "plugin",
        &format!(
            "echo run >> {runs}\nexpiry=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\",\"expirationTimestamp\":\"%s\"}}}}' $expiry",
            runs = runs.display(),
            token = token.expose()
        ),
    );
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.exec = Some(exec_config(plugin));
    let transport = Transport::new(&config).unwrap();
    let server = cluster.server_url();
    assert_eq!(whoami(&transport, server).await.1, "unprivileged");
    assert_eq!(whoami(&transport, server).await.1, "unprivileged");
    let runs_before = std::fs::read_to_string(&runs).unwrap().lines().count();
    assert_eq!(
        runs_before, 1,
        "the credential was not cached until it expired"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(whoami(&transport, server).await.1, "unprivileged");
    assert_eq!(
        std::fs::read_to_string(&runs).unwrap().lines().count(),
        2,
        "the expired credential was reused"
    );
}

#[tokio::test]
async fn interactive_mode_always_needs_a_terminal() {
    let cluster = cluster().await;
    let dir = tempfile::tempdir().unwrap();
    let plugin = script(dir.path(), "plugin", "exit 0");
    let mut exec = exec_config(plugin);
    exec.interactive_mode = Some(InteractiveMode::Always);
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.exec = Some(exec);
    let transport = Transport::new(&config).unwrap();
    let request = get(&transport, format!("{}/version", cluster.server_url()));
    // Test processes have no terminal on standard input.
    let error = transport.send(request).await.unwrap_err().to_string();
    assert!(
        error.contains("standard input is not a terminal"),
        "{error}"
    );
}

#[tokio::test]
async fn envtest_only_a_rewritten_token_file_is_used_by_the_same_client() {
    let cluster = cluster().await;
    let token = unprivileged_token(cluster);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "not-a-valid-token").unwrap();
    let mut config = anonymous(cluster.ca_certificate_pem());
    config.bearer_token_file = Some(file.clone());
    let transport = Transport::new(&config).unwrap();
    assert_eq!(whoami(&transport, cluster.server_url()).await.0, 401);
    std::fs::write(&file, token.expose()).unwrap();
    // Tokens read from a file are used for up to a minute (less 10 s of leeway).
    tokio::time::sleep(Duration::from_secs(51)).await;
    assert_eq!(
        whoami(&transport, cluster.server_url()).await.1,
        "unprivileged"
    );
}

#[tokio::test]
async fn envtest_only_tls_server_name_verifies_a_server_dialled_at_an_unnamed_address() {
    let cluster = cluster().await;
    let target = cluster
        .server_url()
        .trim_start_matches("https://")
        .to_string();
    // The serving certificate names localhost and 127.0.0.1, not 127.0.0.5.
    let forwarder =
        clientgo_envtest::TcpProxy::start_on("127.0.0.5".parse().unwrap(), target.parse().unwrap())
            .await
            .unwrap();
    let dialled = forwarder.url();
    let mut config = config_for(cluster.ca_certificate_pem(), &cluster.admin().unwrap());
    let transport = Transport::new(&config).unwrap();
    let request = get(&transport, format!("{dialled}/version"));
    assert!(
        transport.send(request).await.is_err(),
        "a certificate not naming 127.0.0.5 was accepted"
    );

    config.tls.server_name = Some("localhost".into());
    let transport = Transport::new(&config).unwrap();
    assert_eq!(whoami(&transport, &dialled).await.1, "admin");
}
