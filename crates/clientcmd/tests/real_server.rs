//! kubeconfigs loaded by this crate authenticate against the REAL API server: the
//! current context, a `--context` override, a merged `KUBECONFIG` list, certificate
//! files referenced by relative paths, a token file, and an exec plugin.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when something is off

use std::path::{Path, PathBuf};

use clientgo_clientcmd::{
    AuthInfo, ClientConfig, ConfigOverrides, Context, ExecConfig, Kubeconfig, LoadingRules,
};
use clientgo_envtest::{TestCluster, test_cluster};
use clientgo_transport::Transport;
use serde_json::{Value, json};

async fn cluster() -> &'static TestCluster {
    test_cluster().await.unwrap()
}

/// Who the server thinks `config` is: the user name of a SelfSubjectReview.
async fn whoami(config: &clientgo_rest::Config) -> String {
    let transport = Transport::new(&config.transport).unwrap();
    let body = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let request = transport
        .http_client()
        .post(format!(
            "{}/apis/authentication.k8s.io/v1/selfsubjectreviews",
            config.host
        ))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .build()
        .unwrap();
    let response = transport.send(request).await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "SelfSubjectReview answered {status}: {text}");
    let review: Value = serde_json::from_str(&text).unwrap();
    review["status"]["userInfo"]["username"]
        .as_str()
        .unwrap()
        .to_string()
}

fn rest_config(rules: LoadingRules, overrides: ConfigOverrides) -> clientgo_rest::Config {
    ClientConfig::new(rules, overrides).rest_config().unwrap()
}

/// The test cluster's kubeconfig, parsed by this crate.
fn envtest_kubeconfig(cluster: &TestCluster) -> Kubeconfig {
    Kubeconfig::load_from_file(cluster.kubeconfig_path()).unwrap()
}

/// The name of the (only) cluster entry of the test kubeconfig.
fn cluster_name(config: &Kubeconfig) -> String {
    config.clusters.keys().next().unwrap().clone()
}

/// Adds a context `name` for `user` on the test cluster and makes it current.
fn use_new_context(config: &mut Kubeconfig, name: &str, user: AuthInfo) {
    let cluster = cluster_name(config);
    config.auth_infos.insert(name.into(), user);
    config.contexts.insert(
        name.into(),
        Context {
            cluster,
            auth_info: name.into(),
            ..Context::default()
        },
    );
    config.current_context = name.into();
}

fn unprivileged_token(config: &Kubeconfig) -> String {
    config.auth_infos["unprivileged"].token.expose().to_string()
}

#[tokio::test]
async fn envtest_only_the_current_context_authenticates_as_admin() {
    let cluster = cluster().await;
    let config = rest_config(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    );
    assert_eq!(config.host, cluster.server_url());
    assert!(config.transport.tls.cert_data.is_some());
    assert_eq!(whoami(&config).await, "admin");
}

#[tokio::test]
async fn envtest_only_a_context_override_authenticates_as_unprivileged() {
    let cluster = cluster().await;
    let overrides = ConfigOverrides {
        current_context: "unprivileged".into(),
        ..ConfigOverrides::default()
    };
    let config = rest_config(LoadingRules::explicit(cluster.kubeconfig_path()), overrides);
    assert!(config.transport.bearer_token.is_some());
    assert_eq!(whoami(&config).await, "unprivileged");
}

#[tokio::test]
async fn envtest_only_a_kubeconfig_list_merges_with_the_first_file_winning() {
    let cluster = cluster().await;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    // The first file only picks the context, and defines an unrelated cluster; the
    // second (the test kubeconfig, whose current context is admin) has everything else.
    std::fs::write(
        &first,
        "apiVersion: v1\nkind: Config\ncurrent-context: unprivileged\n\
         clusters:\n- name: elsewhere\n  cluster: {server: 'https://elsewhere.invalid'}\n",
    )
    .unwrap();
    let list = std::env::join_paths([
        first.clone(),
        dir.path().join("missing"),
        cluster.kubeconfig_path().to_path_buf(),
        first,
    ])
    .unwrap();
    let rules = LoadingRules::from_path_list(&list);
    let client = ClientConfig::new(rules, ConfigOverrides::default());
    let raw = client.raw_config().unwrap();
    assert_eq!(raw.current_context, "unprivileged");
    assert!(raw.clusters.contains_key("elsewhere"));
    assert!(raw.contexts.contains_key("admin"));
    assert_eq!(whoami(&client.rest_config().unwrap()).await, "unprivileged");
}

#[tokio::test]
async fn envtest_only_certificates_referenced_by_relative_paths_authenticate() {
    let cluster = cluster().await;
    let mut config = envtest_kubeconfig(cluster);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pki")).unwrap();

    let admin = config.auth_infos.get_mut("admin").unwrap();
    std::fs::write(
        dir.path().join("pki/admin.crt"),
        &admin.client_certificate_data,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pki/admin.key"),
        admin.client_key_data.expose(),
    )
    .unwrap();
    admin.client_certificate = "pki/admin.crt".into();
    admin.client_key = "./pki/admin.key".into();
    admin.client_certificate_data.clear();
    admin.client_key_data = Default::default();
    let name = cluster_name(&config);
    let entry = config.clusters.get_mut(&name).unwrap();
    std::fs::write(
        dir.path().join("pki/ca.crt"),
        &entry.certificate_authority_data,
    )
    .unwrap();
    entry.certificate_authority = "pki/ca.crt".into();
    entry.certificate_authority_data.clear();
    config.current_context = "admin".into();

    let path = dir.path().join("kubeconfig");
    config.write_to_file(&path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("client-certificate: pki/admin.crt"),
        "{written}"
    );

    let rest = rest_config(LoadingRules::explicit(&path), ConfigOverrides::default());
    let tls = &rest.transport.tls;
    assert!(tls.cert_data.is_none() && tls.key_data.is_none() && tls.ca_data.is_none());
    let cert_file = tls.cert_file.clone().unwrap();
    assert!(cert_file.is_absolute(), "{}", cert_file.display());
    assert!(cert_file.ends_with("pki/admin.crt"));
    assert!(tls.key_file.as_ref().unwrap().ends_with("pki/admin.key"));
    assert!(tls.ca_file.as_ref().unwrap().is_absolute());
    assert_eq!(whoami(&rest).await, "admin");
}

#[tokio::test]
async fn envtest_only_a_token_file_user_authenticates() {
    let cluster = cluster().await;
    let mut config = envtest_kubeconfig(cluster);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("token"),
        format!("{}\n", unprivileged_token(&config)),
    )
    .unwrap();
    let user = AuthInfo {
        token_file: PathBuf::from("token"),
        ..AuthInfo::default()
    };
    use_new_context(&mut config, "from-token-file", user);
    let path = dir.path().join("kubeconfig");
    config.write_to_file(&path).unwrap();

    let rest = rest_config(LoadingRules::explicit(&path), ConfigOverrides::default());
    assert_eq!(
        rest.transport.bearer_token_file.as_deref(),
        Some(dir.path().join("token").as_path())
    );
    assert_eq!(whoami(&rest).await, "unprivileged");
}

/// Writes a plugin script that records the `KUBERNETES_EXEC_INFO` it got in
/// `exec-info.json` and prints an `ExecCredential` with `token`.
fn write_plugin(dir: &Path, token: &str) -> PathBuf {
    let script = dir.join("plugin.sh");
    let info = dir.join("exec-info.json");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > '{}'\n\
             printf '%s' '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\"}}}}'\n",
            info.display()
        ),
    )
    .unwrap();
    script
}

#[tokio::test]
async fn envtest_only_an_exec_plugin_user_authenticates_and_gets_the_cluster_info() {
    let cluster = cluster().await;
    let mut config = envtest_kubeconfig(cluster);
    let dir = tempfile::tempdir().unwrap();
    let script = write_plugin(dir.path(), &unprivileged_token(&config));
    // The command is a relative path (resolved against the kubeconfig's folder): a
    // link to the shell, which runs the script (no executable file is written, so no
    // "text file busy" race with other tests spawning processes).
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    std::os::unix::fs::symlink("/bin/sh", dir.path().join("bin/sh")).unwrap();
    let name = cluster_name(&config);
    config.clusters.get_mut(&name).unwrap().extensions.insert(
        clientgo_clientcmd::CLUSTER_EXTENSION_KEY.into(),
        json!({"audience": "envtest"}),
    );
    let user = AuthInfo {
        exec: Some(ExecConfig {
            command: "bin/sh".into(),
            args: vec![script.to_string_lossy().into_owned()],
            api_version: "client.authentication.k8s.io/v1".into(),
            interactive_mode: "Never".into(),
            provide_cluster_info: true,
            install_hint: "\u{1b}[31minstall sh\u{1b}[0m".into(),
            ..ExecConfig::default()
        }),
        ..AuthInfo::default()
    };
    use_new_context(&mut config, "from-plugin", user);
    let path = dir.path().join("kubeconfig");
    config.write_to_file(&path).unwrap();

    let rest = rest_config(LoadingRules::explicit(&path), ConfigOverrides::default());
    let exec = rest.transport.exec.clone().unwrap();
    assert_eq!(Path::new(&exec.command), dir.path().join("bin/sh"));
    assert_eq!(
        exec.install_hint.as_deref(),
        Some("U+001B[31minstall shU+001B[0m")
    );
    assert_eq!(whoami(&rest).await, "unprivileged");

    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("exec-info.json")).unwrap())
            .unwrap();
    let spec_cluster = &info["spec"]["cluster"];
    assert_eq!(spec_cluster["server"], cluster.server_url());
    assert!(
        spec_cluster["certificate-authority-data"]
            .as_str()
            .is_some_and(|ca| !ca.is_empty()),
        "{info}"
    );
    assert_eq!(spec_cluster["config"], json!({"audience": "envtest"}));
    assert_eq!(info["spec"]["interactive"], false);
}
