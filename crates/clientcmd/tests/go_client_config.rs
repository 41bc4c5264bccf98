//! client-go v0.37.2's client config tables (`tools/clientcmd/client_config_test.go`,
//! `overrides_test.go`) run against [`DirectClientConfig`]: overrides of cluster,
//! context and user, namespace resolution, insecure and CA overrides, TLS server name,
//! proxy URLs, impersonation, exec plugins and the merged raw config. Expected values
//! are what client-go returned for the same inputs.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when something is off

use std::path::PathBuf;

use clientgo_clientcmd::{
    AuthInfo, Cluster, ConfigOverrides, Context, DirectClientConfig, ExecConfig, Kubeconfig,
    LoadingRules, build_config_from_flags, modify_config, strip_namespace_prefix,
};
use clientgo_transport::{Proxy, Secret};

/// client-go's `createValidTestConfig`.
fn valid() -> Kubeconfig {
    let mut config = Kubeconfig {
        current_context: "clean".into(),
        ..Kubeconfig::default()
    };
    config.clusters.insert(
        "clean".into(),
        Cluster {
            server: "https://anything.com:8080".into(),
            ..Cluster::default()
        },
    );
    config.auth_infos.insert(
        "clean".into(),
        AuthInfo {
            token: Secret::new("the-token"),
            ..AuthInfo::default()
        },
    );
    config.contexts.insert(
        "clean".into(),
        Context {
            cluster: "clean".into(),
            auth_info: "clean".into(),
            ..Context::default()
        },
    );
    config
}

/// `createCAValidTestConfig`.
fn ca_valid() -> Kubeconfig {
    let mut config = valid();
    config
        .clusters
        .get_mut("clean")
        .unwrap()
        .certificate_authority_data = vec![0, 0];
    config
}

fn clean(config: Kubeconfig, overrides: ConfigOverrides) -> DirectClientConfig {
    DirectClientConfig::with_context(config, "clean", overrides)
}

fn cluster_override(cluster: Cluster) -> ConfigOverrides {
    ConfigOverrides {
        cluster_info: cluster,
        ..ConfigOverrides::default()
    }
}

fn set_user(config: &mut Kubeconfig, user: AuthInfo) {
    config.auth_infos.insert("clean".into(), user);
}

fn set_server(config: &mut Kubeconfig, server: &str) {
    config.clusters.get_mut("clean").unwrap().server = server.into();
}

/// `TestDisableCompression`, `TestInsecureOverridesCA`, `TestCAOverridesCAData`,
/// `TestTLSServerName`, `TestTLSServerNameClearsWhenServerNameSet`.
#[test]
fn cluster_overrides() {
    let config = clean(
        valid(),
        cluster_override(Cluster {
            disable_compression: true,
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    assert!(config.transport.disable_compression);

    let config = clean(
        ca_valid(),
        cluster_override(Cluster {
            insecure_skip_tls_verify: true,
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    let tls = &config.transport.tls;
    assert!(tls.insecure);
    assert_eq!((tls.ca_file.as_ref(), tls.ca_data.as_ref()), (None, None));

    let ca = tempfile::NamedTempFile::new().unwrap();
    let config = clean(
        ca_valid(),
        cluster_override(Cluster {
            certificate_authority: ca.path().to_path_buf(),
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    let tls = &config.transport.tls;
    assert!(!tls.insecure);
    assert_eq!(tls.ca_file.as_deref(), Some(ca.path()));
    assert_eq!(tls.ca_data, None);

    let config = clean(
        valid(),
        cluster_override(Cluster {
            tls_server_name: "overridden-server-name".into(),
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    let tls = &config.transport.tls;
    assert_eq!(tls.server_name.as_deref(), Some("overridden-server-name"));
    assert_eq!((tls.ca_file.as_ref(), tls.ca_data.as_ref()), (None, None));

    let mut with_name = valid();
    with_name.clusters.get_mut("clean").unwrap().tls_server_name = "from-file".into();
    let config = clean(
        with_name,
        cluster_override(Cluster {
            server: "http://something".into(),
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    assert_eq!(config.transport.tls.server_name, None);
}

/// `TestFullImpersonateConfig`: impersonation applies to a plain-HTTP server too.
#[test]
fn full_impersonation() {
    let mut config = valid();
    set_server(&mut config, "https://localhost:8443");
    set_user(
        &mut config,
        AuthInfo {
            impersonate: "alice".into(),
            impersonate_uid: "abc123".into(),
            impersonate_groups: vec!["group-1".into()],
            impersonate_user_extra: [("some-key".to_string(), vec!["some-value".to_string()])]
                .into(),
            ..AuthInfo::default()
        },
    );
    let rest = clean(
        config,
        cluster_override(Cluster {
            server: "http://something".into(),
            ..Cluster::default()
        }),
    )
    .rest_config()
    .unwrap();
    let impersonate = &rest.transport.impersonate;
    assert_eq!(impersonate.user_name.as_deref(), Some("alice"));
    assert_eq!(impersonate.uid.as_deref(), Some("abc123"));
    assert_eq!(impersonate.groups, ["group-1"]);
    assert_eq!(impersonate.extra.len(), 1);
    assert_eq!(impersonate.extra["some-key"], ["some-value"]);
}

/// `TestMergeContext`, `TestNamespaceOverride`.
#[test]
fn namespace_resolution() {
    assert_eq!(
        clean(valid(), ConfigOverrides::default())
            .namespace()
            .unwrap(),
        ("default".to_string(), false)
    );
    let mut overrides = ConfigOverrides::default();
    overrides.context.namespace = "overridden-namespace".into();
    assert_eq!(
        clean(valid(), overrides).namespace().unwrap(),
        ("overridden-namespace".to_string(), true)
    );
    let mut overrides = ConfigOverrides::default();
    overrides.context.namespace = "foo".into();
    assert_eq!(
        DirectClientConfig::new(Kubeconfig::default(), overrides)
            .namespace()
            .unwrap(),
        ("foo".to_string(), true)
    );
}

/// `TestCertificateData`, `TestBasicAuthData`, `TestBasicTokenFile`,
/// `TestPrecedenceTokenFile`, `TestCreateClean`, `TestCreateCleanDefault`,
/// `TestCreateCleanDefaultCluster`.
#[test]
fn credentials_from_the_file() {
    let mut config = valid();
    set_server(&mut config, "https://localhost:8443");
    config
        .clusters
        .get_mut("clean")
        .unwrap()
        .certificate_authority_data = b"ca-data".to_vec();
    set_user(
        &mut config,
        AuthInfo {
            client_certificate_data: b"cert-data".to_vec(),
            client_key_data: Secret::new("key-data"),
            ..AuthInfo::default()
        },
    );
    let rest = clean(config, ConfigOverrides::default())
        .rest_config()
        .unwrap();
    let tls = &rest.transport.tls;
    assert_eq!(tls.ca_data.as_deref(), Some(&b"ca-data"[..]));
    assert_eq!(tls.cert_data.as_deref(), Some(&b"cert-data"[..]));
    assert_eq!(tls.key_data.as_ref().unwrap().expose(), "key-data");

    let mut config = valid();
    set_server(&mut config, "https://localhost:8443");
    set_user(
        &mut config,
        AuthInfo {
            username: "myuser".into(),
            password: Secret::new("mypass"),
            ..AuthInfo::default()
        },
    );
    let rest = clean(config, ConfigOverrides::default())
        .rest_config()
        .unwrap();
    assert_eq!(rest.transport.username.as_deref(), Some("myuser"));
    assert_eq!(rest.transport.password.unwrap().expose(), "mypass");

    let token_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token_file.path(), "exampletoken").unwrap();
    for (token, expected) in [("", "exampletoken"), ("expected", "expected")] {
        let mut config = valid();
        set_server(&mut config, "https://localhost:8443");
        set_user(
            &mut config,
            AuthInfo {
                token: Secret::new(token),
                token_file: token_file.path().to_path_buf(),
                ..AuthInfo::default()
            },
        );
        let rest = clean(config, ConfigOverrides::default())
            .rest_config()
            .unwrap();
        assert_eq!(rest.transport.bearer_token.unwrap().expose(), expected);
    }

    for (name, client) in [
        ("clean", clean(valid(), ConfigOverrides::default())),
        (
            "default",
            DirectClientConfig::new(valid(), ConfigOverrides::default()),
        ),
        (
            "default cluster",
            DirectClientConfig::new(
                valid(),
                ConfigOverrides {
                    cluster_defaults: Cluster {
                        server: "http://localhost:8080".into(),
                        ..Cluster::default()
                    },
                    ..ConfigOverrides::default()
                },
            ),
        ),
    ] {
        let rest = client.rest_config().unwrap();
        assert_eq!(rest.host, "https://anything.com:8080", "{name}");
        assert!(!rest.transport.tls.insecure, "{name}");
        assert_eq!(rest.transport.tls.server_name, None, "{name}");
        assert_eq!(
            rest.transport.bearer_token.unwrap().expose(),
            "the-token",
            "{name}"
        );
    }
}

/// `TestProxyURL`.
#[test]
fn proxy_urls() {
    let rows = [
        ("", false),
        ("socks5://example.com", false),
        ("https://example.com", false),
        ("http://example.com", false),
        ("socks6://example.com", true),
        ("example.com", true),
        ("chewbacca@example.com", true),
    ];
    for (proxy, fails) in rows {
        let mut config = valid();
        set_server(&mut config, "https://localhost:8443");
        config.clusters.get_mut("clean").unwrap().proxy_url = proxy.into();
        set_user(&mut config, AuthInfo::default());
        let result = clean(config, ConfigOverrides::default()).rest_config();
        match (result, fails) {
            (Err(error), true) => assert!(error.is_configuration_invalid(), "{proxy}: {error}"),
            (Ok(rest), false) if proxy.is_empty() => {
                assert_eq!(rest.transport.proxy, Proxy::default(), "{proxy}");
            }
            (Ok(rest), false) => {
                assert_eq!(rest.transport.proxy, Proxy::Url(proxy.into()), "{proxy}");
            }
            (result, _) => panic!("{proxy}: {result:?}"),
        }
    }
}

/// `TestCreateCleanWithPrefix` and further server URLs: the host keeps its path; a
/// path longer than `/` drops the query and fragment.
#[test]
fn server_urls_with_prefixes() {
    let rows = [
        (
            "https://anything.com:8080/foo/bar",
            "https://anything.com:8080/foo/bar",
        ),
        (
            "http://anything.com:8080/foo/bar",
            "http://anything.com:8080/foo/bar",
        ),
        (
            "http://anything.com:8080/foo/bar/",
            "http://anything.com:8080/foo/bar/",
        ),
        ("http://anything.com:8080/", "http://anything.com:8080/"),
        ("http://anything.com:8080//", "http://anything.com:8080//"),
        ("anything.com:8080/foo/bar", "anything.com:8080/foo/bar"),
        ("anything.com:8080", "anything.com:8080"),
        ("anything.com", "anything.com"),
        ("anything", "anything"),
        ("", "http://localhost:8080"),
        (
            "https://anything.com:8080/foo/bar?x=1#f",
            "https://anything.com:8080/foo/bar",
        ),
        (
            "https://anything.com:8080/?x=1",
            "https://anything.com:8080/?x=1",
        ),
        ("https://H:1/a%20b?q", "https://H:1/a%20b"),
        ("https://a/b/../c?x", "https://a/b/../c"),
        ("https://[::1]:6443/p?x", "https://[::1]:6443/p"),
    ];
    for (server, host) in rows {
        let mut config = valid();
        set_server(&mut config, server);
        let overrides = ConfigOverrides {
            cluster_defaults: Cluster {
                server: "http://localhost:8080".into(),
                ..Cluster::default()
            },
            ..ConfigOverrides::default()
        };
        let rest = clean(config, overrides).rest_config().unwrap();
        assert_eq!(rest.host, host, "{server}");
    }
}

/// `TestCreateMissingContextNoDefault`, `TestCreateMissingContext`, and further missing
/// names: client-go's errors for the same inputs.
#[test]
fn missing_names() {
    let missing = |overrides: ConfigOverrides| {
        DirectClientConfig::with_context(valid(), "not-present", overrides)
    };
    let error = missing(ConfigOverrides::default())
        .rest_config()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: [context was not found for specified context: not-present, cluster has no server defined]"
    );
    assert!(error.is_context_not_found() && error.is_configuration_invalid());
    assert!(!error.is_empty_config());

    let with_default = ConfigOverrides {
        cluster_defaults: Cluster {
            server: "http://localhost:8080".into(),
            ..Cluster::default()
        },
        ..ConfigOverrides::default()
    };
    let error = missing(with_default).rest_config().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: context was not found for specified context: not-present"
    );

    let error = missing(ConfigOverrides::default()).namespace().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: [context was not found for specified context: not-present, cluster has no server defined]"
    );
    let error = missing(ConfigOverrides::default())
        .merged_raw_config()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: [context was not found for specified context: not-present, cluster has no server defined]"
    );

    // A `--context` override naming no context.
    let overrides = ConfigOverrides {
        current_context: "missing".into(),
        ..ConfigOverrides::default()
    };
    let direct = DirectClientConfig::new(valid(), overrides);
    let error = direct.rest_config().unwrap_err();
    assert_eq!(error.to_string(), "context \"missing\" does not exist");
    assert!(!error.is_configuration_invalid());
    let error = direct.namespace().unwrap_err();
    assert!(error.is_empty_config(), "{error}");
    let error = direct.merged_raw_config().unwrap_err();
    assert!(error.is_empty_config(), "{error}");

    // `--user` and `--cluster` overrides naming nothing.
    let mut overrides = ConfigOverrides::default();
    overrides.context.auth_info = "nobody".into();
    let error = DirectClientConfig::new(valid(), overrides)
        .rest_config()
        .unwrap_err();
    assert_eq!(error.to_string(), "auth info \"nobody\" does not exist");
    let mut overrides = ConfigOverrides::default();
    overrides.context.cluster = "nowhere".into();
    let direct = DirectClientConfig::new(valid(), overrides);
    let error = direct.rest_config().unwrap_err();
    assert_eq!(error.to_string(), "cluster \"nowhere\" does not exist");
    let error = direct.namespace().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: no server found for cluster \"nowhere\""
    );
    assert!(!error.is_empty_config());

    let error = DirectClientConfig::new(Kubeconfig::default(), ConfigOverrides::default())
        .merged_raw_config()
        .unwrap_err();
    assert!(error.is_empty_config(), "{error}");
}

fn install_hint_of(hint: &str) -> Option<String> {
    let overrides = ConfigOverrides {
        auth_info: AuthInfo {
            exec: Some(ExecConfig {
                api_version: "client.authentication.k8s.io/v1alpha1".into(),
                command: "some-command".into(),
                install_hint: hint.into(),
                interactive_mode: "IfAvailable".into(),
                ..ExecConfig::default()
            }),
            ..AuthInfo::default()
        },
        ..ConfigOverrides::default()
    };
    let rest = clean(valid(), overrides).rest_config().unwrap();
    rest.transport.exec.unwrap().install_hint
}

/// `TestCreateAuthConfigExecInstallHintCleanup`, `TestCleanANSIEscapeCodes`: the install
/// hint of an exec plugin keeps letters, marks, numbers, punctuation, symbols,
/// separators and space controls, and shows other characters as `U+XXXX`.
#[test]
fn exec_install_hints_are_cleaned() {
    let rows: &[(&str, Option<&str>)] = &[
        (
            "some install hint with \x1b[1mcontrol chars\x1b[0m\nand a newline",
            Some("some install hint with U+001B[1mcontrol charsU+001B[0m\nand a newline"),
        ),
        (
            "\x1b[1mbold tuna\x1b[0m, fish, \x1b[1mbold marlin\x1b[0m",
            Some("U+001B[1mbold tunaU+001B[0m, fish, U+001B[1mbold marlinU+001B[0m"),
        ),
        (
            "\x1b[2Aup up, \x1b[2Cright right",
            Some("U+001B[2Aup up, U+001B[2Cright right"),
        ),
        ("clear: \x1b[2J", Some("clear: U+001B[2J")),
        ("tuna\nfish\r\nmarlin\t\r\ntuna\x0bfish\x0cmarlin", None),
        ("alpha: \u{03b1}, beta: \u{03b2}, gamma: \u{03b3}", None),
        (
            "tu\u{0301}na with a mark over the u, fi\u{0302}sh with a mark over the i, ma\u{030A}rlin with a mark over the a",
            None,
        ),
        (
            "t1na, f2sh, m3rlin, t12a, f34h, m56lin, t123, f456, m567n",
            None,
        ),
        ("\"here's a sentence; with! some...punctuation ;)\"", None),
        (
            "the integral of f(x) from 0 to n approximately equals the sum of f(x) from a = 0 to n, where a and n are natural numbers:\u{222b}\u{2081}\u{207F} f(x) dx \u{2248} \u{2211}\u{2090}\u{208C}\u{2081}\u{207F} f(x), a \u{2208} \u{2115}, n \u{2208} \u{2115}",
            None,
        ),
        (
            "here is a paragraph separator\u{2029}and here\u{2003}are\u{2003}some\u{2003}em\u{2003}spaces",
            None,
        ),
    ];
    for (hint, cleaned) in rows {
        let expected = cleaned.unwrap_or(hint);
        assert_eq!(install_hint_of(hint).as_deref(), Some(expected), "{hint:?}");
    }
}

/// `TestAuthConfigMerge`: `build_config_from_flags` with a file whose exec user asks for
/// cluster information gets the args and the cluster's exec extension.
#[test]
fn exec_config_from_a_file() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        "
apiVersion: v1
clusters:
- cluster:
    server: https://localhost:8080
    extensions:
    - name: client.authentication.k8s.io/exec
      extension:
        audience: foo
        other: bar
  name: foo-cluster
contexts:
- context:
    cluster: foo-cluster
    user: foo-user
    namespace: bar
  name: foo-context
current-context: foo-context
kind: Config
users:
- name: foo-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      args:
      - arg-1
      - arg-2
      command: foo-command
      provideClusterInfo: true
",
    )
    .unwrap();
    let path = file.path().to_str().unwrap();
    let rest = build_config_from_flags("", path).unwrap();
    let exec = rest.transport.exec.unwrap();
    assert_eq!(exec.args, ["arg-1", "arg-2"]);
    assert!(exec.provide_cluster_info);
    assert_eq!(
        exec.cluster.unwrap().config,
        Some(serde_json::json!({"audience": "foo", "other": "bar"}))
    );
}

/// `TestMergeRawConfigDoOverride`.
#[test]
fn merged_raw_config_applies_overrides_to_the_chosen_entries_only() {
    let mut config = valid();
    config.clusters.insert(
        "modify".into(),
        Cluster {
            server: "https://anything.com:8080".into(),
            ..Cluster::default()
        },
    );
    config.auth_infos.insert(
        "modify".into(),
        AuthInfo {
            token: Secret::new("the-token"),
            ..AuthInfo::default()
        },
    );
    config.contexts.insert(
        "modify".into(),
        Context {
            cluster: "modify".into(),
            auth_info: "modify".into(),
            namespace: "modify".into(),
            ..Context::default()
        },
    );
    let overrides = ConfigOverrides {
        cluster_info: Cluster {
            server: "http://localhost:8081".into(),
            ..Cluster::default()
        },
        context: Context {
            namespace: "foobar".into(),
            cluster: "modify".into(),
            auth_info: "modify".into(),
            ..Context::default()
        },
        auth_info: AuthInfo {
            token: Secret::new("modified-token"),
            ..AuthInfo::default()
        },
        current_context: "modify".into(),
        ..ConfigOverrides::default()
    };
    let merged = DirectClientConfig::new(config.clone(), overrides)
        .merged_raw_config()
        .unwrap();
    assert_eq!(merged.current_context, "modify");
    assert_eq!(merged.clusters["modify"].server, "http://localhost:8081");
    assert_eq!(merged.contexts["modify"].namespace, "foobar");
    assert_eq!(merged.clusters["clean"], config.clusters["clean"]);
    assert_eq!(merged.contexts["clean"], config.contexts["clean"]);
}

/// `TestClientCertOverrideData`: a certificate or key override replaces both the path
/// and the data of the file's user.
#[test]
fn client_certificate_overrides_replace_path_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("client.crt");
    let key = dir.path().join("client.key");
    std::fs::write(&cert, "dummy-cert-content").unwrap();
    std::fs::write(&key, "dummy-key-content").unwrap();
    let base = |user: AuthInfo| {
        let mut config = Kubeconfig {
            current_context: "test-context".into(),
            ..Kubeconfig::default()
        };
        config.clusters.insert(
            "test-cluster".into(),
            Cluster {
                server: "https://example.com:6443".into(),
                certificate_authority_data: b"fake-ca-data".to_vec(),
                ..Cluster::default()
            },
        );
        config.auth_infos.insert("test-user".into(), user);
        config.contexts.insert(
            "test-context".into(),
            Context {
                cluster: "test-cluster".into(),
                auth_info: "test-user".into(),
                ..Context::default()
            },
        );
        config
    };
    let merged_user = |config: Kubeconfig, over: AuthInfo| {
        let overrides = ConfigOverrides {
            auth_info: over,
            ..ConfigOverrides::default()
        };
        let merged = DirectClientConfig::with_context(config, "test-context", overrides)
            .merged_raw_config()
            .unwrap();
        merged.auth_infos["test-user"].clone()
    };

    let user = merged_user(
        base(AuthInfo {
            client_certificate_data: b"base-cert-data".to_vec(),
            client_key_data: Secret::new("base-key-data"),
            ..AuthInfo::default()
        }),
        AuthInfo {
            client_certificate: cert.clone(),
            client_key: key.clone(),
            ..AuthInfo::default()
        },
    );
    assert_eq!((user.client_certificate, user.client_key), (cert, key));
    assert!(user.client_certificate_data.is_empty() && user.client_key_data.is_empty());

    let user = merged_user(
        base(AuthInfo {
            client_certificate: "/path/to/base-cert.pem".into(),
            client_key: "/path/to/base-key.pem".into(),
            ..AuthInfo::default()
        }),
        AuthInfo {
            client_certificate_data: b"override-cert-data".to_vec(),
            client_key_data: Secret::new("override-key-data"),
            ..AuthInfo::default()
        },
    );
    assert_eq!(user.client_certificate, PathBuf::new());
    assert_eq!(user.client_key, PathBuf::new());
    assert_eq!(user.client_certificate_data, b"override-cert-data");
    assert_eq!(user.client_key_data.expose(), "override-key-data");
}

/// `TestModifyContext`: a new current context and context are written to the file.
#[test]
fn modify_context() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let rules = LoadingRules::explicit(file.path());
    let mut config = valid();
    config.contexts.insert(
        "updated".into(),
        Context {
            cluster: "updated".into(),
            auth_info: "updated".into(),
            ..Context::default()
        },
    );
    config.current_context = "updated".into();
    modify_config(&rules, &config, true).unwrap();
    let starting = rules.starting_config().unwrap();
    assert_eq!(starting.current_context, "updated");
    assert_eq!(
        starting.contexts.keys().collect::<Vec<_>>(),
        ["clean", "updated"]
    );
}

/// `TestNamespacePrefixStrip` (`overrides_test.go`).
#[test]
fn namespace_prefixes() {
    let rows = [
        ("namespaces/foo", "foo"),
        ("NAMESPACES/foo", "foo"),
        ("NameSpaces/foo", "foo"),
        ("namespace/foo", "foo"),
        ("NAMESPACE/foo", "foo"),
        ("nameSpace/foo", "foo"),
        ("ns/foo", "foo"),
        ("NS/foo", "foo"),
        ("namespaces/", "namespaces/"),
        ("namespace/", "namespace/"),
        ("ns/", "ns/"),
    ];
    for (before, after) in rows {
        assert_eq!(strip_namespace_prefix(before), after, "{before}");
        let mut overrides = ConfigOverrides::default();
        overrides.set_namespace(before);
        assert_eq!(overrides.context.namespace, after, "{before}");
    }
}
