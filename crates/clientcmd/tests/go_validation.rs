//! client-go v0.37.2's validation tables (`tools/clientcmd/validation_test.go`) run
//! against [`validate`] and [`confirm_usable`]: each row carries the Go inputs and, as
//! the expected value, what client-go returned for them — every finding of the error and
//! the answers of `IsContextNotFound`, `IsEmptyConfig` and `IsConfigurationInvalid`.
//!
//! A finding written `prefix{..}suffix` matches any text in place of `{..}`: client-go
//! quotes operating-system errors and Go struct dumps there. Findings are compared as
//! sets, since client-go walks its maps in random order.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when something is off

use std::collections::BTreeMap;
use std::path::PathBuf;

use clientgo_clientcmd::{
    AuthInfo, AuthProviderConfig, Cluster, Context, Error, ExecConfig, Kubeconfig, confirm_usable,
    validate,
};
use clientgo_transport::Secret;
use clientgo_transport::exec::ExecEnvVar;

/// What to run.
enum Call {
    /// `Validate(config)`.
    Validate,
    /// `ConfirmUsable(config, context)`.
    ConfirmUsable(&'static str),
}

/// The expected outcome: `None` for success, else the findings and the three kinds.
struct Expected {
    findings: &'static [&'static str],
    context_not_found: bool,
    empty_config: bool,
    configuration_invalid: bool,
}

const fn invalid(findings: &'static [&'static str]) -> Option<Expected> {
    Some(Expected {
        findings,
        context_not_found: false,
        empty_config: false,
        configuration_invalid: true,
    })
}

const EMPTY: Option<Expected> = Some(Expected {
    findings: &[
        "no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
    ],
    context_not_found: false,
    empty_config: true,
    configuration_invalid: true,
});

struct Row {
    name: &'static str,
    config: Kubeconfig,
    call: Call,
    expected: Option<Expected>,
}

fn matches_pattern(pattern: &str, text: &str) -> bool {
    match pattern.split_once("{..}") {
        Some((prefix, suffix)) => {
            text.len() > prefix.len() + suffix.len()
                && text.starts_with(prefix)
                && text.ends_with(suffix)
        }
        None => pattern == text,
    }
}

fn findings(error: &Error) -> Vec<String> {
    match error {
        Error::ConfigurationInvalid(errors) => errors.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    }
}

fn check(row: Row) {
    let result = match row.call {
        Call::Validate => validate(&row.config),
        Call::ConfirmUsable(context) => confirm_usable(&row.config, context),
    };
    let name = row.name;
    match (result, row.expected) {
        (Ok(()), None) => {}
        (Ok(()), Some(expected)) => panic!("{name}: no error, Go: {:?}", expected.findings),
        (Err(error), None) => panic!("{name}: unexpected error {error}"),
        (Err(error), Some(expected)) => {
            let mut found = findings(&error);
            assert_eq!(
                found.len(),
                expected.findings.len(),
                "{name}: {found:?} vs Go {:?}",
                expected.findings
            );
            for pattern in expected.findings {
                let position = found.iter().position(|f| matches_pattern(pattern, f));
                let Some(position) = position else {
                    panic!("{name}: Go finding {pattern:?} not in {found:?}");
                };
                found.remove(position);
            }
            assert_eq!(
                (
                    error.is_context_not_found(),
                    error.is_empty_config(),
                    error.is_configuration_invalid()
                ),
                (
                    expected.context_not_found,
                    expected.empty_config,
                    expected.configuration_invalid
                ),
                "{name}: (context not found, empty, invalid) of {error}"
            );
        }
    }
}

fn cluster(server: &str) -> Cluster {
    Cluster {
        server: server.into(),
        ..Cluster::default()
    }
}

fn context(cluster: &str, user: &str) -> Context {
    Context {
        cluster: cluster.into(),
        auth_info: user.into(),
        ..Context::default()
    }
}

fn token(value: &str) -> AuthInfo {
    AuthInfo {
        token: Secret::new(value),
        ..AuthInfo::default()
    }
}

fn with_users(users: impl IntoIterator<Item = (&'static str, AuthInfo)>) -> Kubeconfig {
    Kubeconfig {
        auth_infos: users.into_iter().map(|(n, u)| (n.to_string(), u)).collect(),
        ..Kubeconfig::default()
    }
}

fn with_clusters(clusters: impl IntoIterator<Item = (&'static str, Cluster)>) -> Kubeconfig {
    Kubeconfig {
        clusters: clusters
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect(),
        ..Kubeconfig::default()
    }
}

fn exec_user(exec: ExecConfig) -> Kubeconfig {
    with_users([(
        "user",
        AuthInfo {
            exec: Some(exec),
            ..AuthInfo::default()
        },
    )])
}

fn exec(command: &str, api_version: &str, mode: &str) -> ExecConfig {
    ExecConfig {
        command: command.into(),
        api_version: api_version.into(),
        interactive_mode: mode.into(),
        ..ExecConfig::default()
    }
}

const ALPHA: &str = "clientauthentication.k8s.io/v1alpha1";

/// `TestConfirmUsableBadInfoButOkConfig`'s configuration.
fn bad_info_but_ok() -> Kubeconfig {
    let mut config = with_clusters([
        (
            "missing ca",
            Cluster {
                certificate_authority: "missing".into(),
                ..cluster("anything")
            },
        ),
        ("clean", cluster("anything")),
    ]);
    config.auth_infos.insert(
        "error".into(),
        AuthInfo {
            username: "anything".into(),
            ..token("here")
        },
    );
    config.auth_infos.insert("clean".into(), token("here"));
    config
        .contexts
        .insert("dirty".into(), context("missing ca", "error"));
    config
        .contexts
        .insert("clean".into(), context("clean", "clean"));
    config
}

/// `TestConfirmUsableMissingObjects`'s configuration.
fn missing_objects() -> Kubeconfig {
    let mut config = with_clusters([("kind-cluster", cluster("anything"))]);
    config
        .auth_infos
        .insert("kind-user".into(), token("any-value"));
    config
        .contexts
        .insert("missing-user".into(), context("kind-cluster", "garbage"));
    config
        .contexts
        .insert("missing-cluster".into(), context("garbage", "kind-user"));
    config
}

fn current(name: &str, contexts: impl IntoIterator<Item = (&'static str, Context)>) -> Kubeconfig {
    Kubeconfig {
        current_context: name.into(),
        contexts: contexts
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect(),
        ..Kubeconfig::default()
    }
}

const TWO_METHODS: &str = "more than one authentication method found for error; found [token basicAuth], only one is allowed";
const MISSING_CA: &str = "unable to read certificate-authority missing for missing ca due to {..}";
const NO_IMPERSONATED_USER: &str =
    "requesting uid, groups or user-extra for user without impersonating a user";

#[test]
fn validation_test_go_tables() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let temp = PathBuf::from(file.path());
    let rows = vec![
        // TestConfirmUsableBadInfoButOkConfig
        Row {
            name: "bad info but ok: confirm clean",
            config: bad_info_but_ok(),
            call: Call::ConfirmUsable("clean"),
            expected: None,
        },
        Row {
            name: "bad info but ok: validate",
            config: bad_info_but_ok(),
            call: Call::Validate,
            expected: invalid(&[TWO_METHODS, MISSING_CA]),
        },
        Row {
            name: "bad info but ok: confirm dirty",
            config: bad_info_but_ok(),
            call: Call::ConfirmUsable("dirty"),
            expected: invalid(&[TWO_METHODS, MISSING_CA]),
        },
        // TestConfirmUsableMissingObjects
        Row {
            name: "missing objects: confirm missing-user",
            config: missing_objects(),
            call: Call::ConfirmUsable("missing-user"),
            expected: invalid(&[r#"user "garbage" was not found for context "missing-user""#]),
        },
        Row {
            name: "missing objects: confirm missing-cluster",
            config: missing_objects(),
            call: Call::ConfirmUsable("missing-cluster"),
            expected: invalid(&[
                r#"cluster "garbage" was not found for context "missing-cluster""#,
                r#"no server found for cluster "garbage""#,
            ]),
        },
        Row {
            name: "missing objects: validate",
            config: missing_objects(),
            call: Call::Validate,
            expected: invalid(&[
                r#"user "garbage" was not found for context "missing-user""#,
                r#"cluster "garbage" was not found for context "missing-cluster""#,
            ]),
        },
        // TestConfirmUsableBadInfoConfig
        Row {
            name: "bad info: confirm first",
            config: {
                let mut config = bad_info_but_ok();
                config.clusters.remove("clean");
                config.auth_infos.remove("clean");
                config.contexts.clear();
                config
                    .contexts
                    .insert("first".into(), context("missing ca", "error"));
                config
            },
            call: Call::ConfirmUsable("first"),
            expected: invalid(&[TWO_METHODS, MISSING_CA]),
        },
        // TestConfirmUsableEmptyConfig, TestConfirmUsableMissingConfig
        Row {
            name: "empty: confirm current",
            config: Kubeconfig::default(),
            call: Call::ConfirmUsable(""),
            expected: EMPTY,
        },
        Row {
            name: "empty: confirm not-here",
            config: Kubeconfig::default(),
            call: Call::ConfirmUsable("not-here"),
            expected: EMPTY,
        },
        // TestValidateEmptyConfig, TestIsEmptyConfig
        Row {
            name: "empty: validate",
            config: Kubeconfig::default(),
            call: Call::Validate,
            expected: EMPTY,
        },
        // TestValidateMissingCurrentContextConfig, TestIsContextNotFound
        Row {
            name: "missing current context: validate",
            config: current("anything", []),
            call: Call::Validate,
            expected: Some(Expected {
                findings: &["context was not found for specified context: anything"],
                context_not_found: true,
                empty_config: false,
                configuration_invalid: true,
            }),
        },
        Row {
            name: "missing current context: confirm",
            config: current("anything", []),
            call: Call::ConfirmUsable(""),
            expected: Some(Expected {
                findings: &["context was not found for specified context: anything"],
                context_not_found: true,
                empty_config: false,
                configuration_invalid: true,
            }),
        },
        // TestValidateMissingReferencesConfig
        Row {
            name: "missing references: validate",
            config: current("anything", [("anything", context("missing", "missing"))]),
            call: Call::Validate,
            expected: invalid(&[
                r#"user "missing" was not found for context "anything""#,
                r#"cluster "missing" was not found for context "anything""#,
            ]),
        },
        Row {
            name: "missing references: confirm",
            config: current("anything", [("anything", context("missing", "missing"))]),
            call: Call::ConfirmUsable(""),
            expected: invalid(&[
                r#"user "missing" was not found for context "anything""#,
                r#"cluster "missing" was not found for context "anything""#,
                r#"no server found for cluster "missing""#,
            ]),
        },
        // TestValidateEmptyContext
        Row {
            name: "empty context: validate",
            config: current("anything", [("anything", Context::default())]),
            call: Call::Validate,
            expected: invalid(&[
                r#"user was not specified for context "anything""#,
                r#"cluster was not specified for context "anything""#,
            ]),
        },
        Row {
            name: "empty context: confirm",
            config: current("anything", [("anything", Context::default())]),
            call: Call::ConfirmUsable(""),
            expected: invalid(&[
                r#"user was not specified for context "anything""#,
                r#"cluster was not specified for context "anything""#,
                "default cluster has no server defined",
            ]),
        },
        // TestValidateEmptyContextName
        Row {
            name: "empty context name: validate",
            config: current("anything", [("", context("missing", "missing"))]),
            call: Call::Validate,
            expected: Some(Expected {
                findings: &[
                    "context was not found for specified context: anything",
                    "empty context name for {..} is not allowed",
                    r#"user "missing" was not found for context """#,
                    r#"cluster "missing" was not found for context """#,
                ],
                context_not_found: true,
                empty_config: false,
                configuration_invalid: true,
            }),
        },
        // TestValidateEmptyClusterInfo, TestValidateClusterInfoErrEmptyCluster
        Row {
            name: "empty cluster: validate",
            config: with_clusters([("empty", Cluster::default())]),
            call: Call::Validate,
            expected: invalid(&["cluster has no server defined"]),
        },
        // TestValidateMissingCAFileClusterInfo
        Row {
            name: "missing CA file: validate",
            config: with_clusters([(
                "missing ca",
                Cluster {
                    certificate_authority: "missing".into(),
                    ..cluster("anything")
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[MISSING_CA]),
        },
        // TestValidateCleanClusterInfo, TestValidateCleanWithCAClusterInfo
        Row {
            name: "clean cluster: validate",
            config: with_clusters([("clean", cluster("anything"))]),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "clean cluster with CA: validate",
            config: with_clusters([(
                "clean",
                Cluster {
                    certificate_authority: temp.clone(),
                    ..cluster("anything")
                },
            )]),
            call: Call::Validate,
            expected: None,
        },
        // TestValidateEmptyAuthInfo
        Row {
            name: "empty user: validate",
            config: with_users([("error", AuthInfo::default())]),
            call: Call::Validate,
            expected: None,
        },
        // TestValidateCertFilesNotFoundAuthInfo
        Row {
            name: "certificate files not found: validate",
            config: with_users([(
                "error",
                AuthInfo {
                    client_certificate: "missing".into(),
                    client_key: "missing".into(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[
                "unable to read client-cert missing for error due to {..}",
                "unable to read client-key missing for error due to {..}",
            ]),
        },
        // TestValidateCertDataOverridesFiles
        Row {
            name: "certificate data and files: validate",
            config: with_users([(
                "clean",
                AuthInfo {
                    client_certificate: temp.clone(),
                    client_certificate_data: b"certdata".to_vec(),
                    client_key: temp.clone(),
                    client_key_data: Secret::new("keydata"),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[
                "client-cert-data and client-cert are both specified for clean. client-cert-data will override.",
                "client-key-data and client-key are both specified for clean; client-key-data will override",
            ]),
        },
        // TestValidateCleanCertFilesAuthInfo, TestValidateCleanTokenAuthInfo
        Row {
            name: "clean certificate files: validate",
            config: with_users([(
                "clean",
                AuthInfo {
                    client_certificate: temp.clone(),
                    client_key: temp.clone(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "clean token: validate",
            config: with_users([("clean", token("any-value"))]),
            call: Call::Validate,
            expected: None,
        },
        // TestValidateMultipleMethodsAuthInfo
        Row {
            name: "token and basic auth: validate",
            config: with_users([(
                "error",
                AuthInfo {
                    username: "username".into(),
                    ..token("token")
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[TWO_METHODS]),
        },
        // TestValidateAuthInfoExec*
        Row {
            name: "exec: validate",
            config: exec_user(ExecConfig {
                args: vec!["hello".into(), "world".into()],
                env: vec![ExecEnvVar {
                    name: "foo".into(),
                    value: "bar".into(),
                }],
                ..exec("/bin/example", ALPHA, "IfAvailable")
            }),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "exec without apiVersion: validate",
            config: exec_user(exec("/bin/example", "", "IfAvailable")),
            call: Call::Validate,
            expected: invalid(&[
                "apiVersion must be specified for user to use exec authentication plugin",
            ]),
        },
        Row {
            name: "exec without command: validate",
            config: exec_user(exec("", ALPHA, "IfAvailable")),
            call: Call::Validate,
            expected: invalid(&[
                "command must be specified for user to use exec authentication plugin",
            ]),
        },
        Row {
            name: "exec with auth provider: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    auth_provider: Some(AuthProviderConfig {
                        name: "oidc".into(),
                        config: BTreeMap::new(),
                    }),
                    exec: Some(exec("/bin/example", ALPHA, "IfAvailable")),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[
                "authProvider cannot be provided in combination with an exec plugin for user",
            ]),
        },
        Row {
            name: "exec with an empty env value: validate",
            config: exec_user(ExecConfig {
                env: vec![ExecEnvVar {
                    name: "foo".into(),
                    value: String::new(),
                }],
                ..exec("/bin/example", ALPHA, "IfAvailable")
            }),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "exec without interactiveMode: validate",
            config: exec_user(exec("/bin/example", ALPHA, "")),
            call: Call::Validate,
            expected: invalid(&[
                "interactiveMode must be specified for user to use exec authentication plugin",
            ]),
        },
        Row {
            name: "exec with an invalid interactiveMode: validate",
            config: exec_user(exec("/bin/example", ALPHA, "invalid")),
            call: Call::Validate,
            expected: invalid(&[r#"invalid interactiveMode for user: "invalid""#]),
        },
        // TestValidateAuthInfoImpersonate*
        Row {
            name: "impersonate a user: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    impersonate: "user".into(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "impersonate everything: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    impersonate: "user".into(),
                    impersonate_uid: "abc123".into(),
                    impersonate_groups: vec!["group-1".into(), "group-2".into()],
                    impersonate_user_extra: [(
                        "key".to_string(),
                        vec!["val1".to_string(), "val2".to_string()],
                    )]
                    .into(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: None,
        },
        Row {
            name: "impersonate groups without a user: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    impersonate_groups: vec!["group-1".into(), "group-2".into()],
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[NO_IMPERSONATED_USER]),
        },
        Row {
            name: "impersonate extra without a user: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    impersonate_user_extra: [(
                        "key".to_string(),
                        vec!["val1".to_string(), "val2".to_string()],
                    )]
                    .into(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[NO_IMPERSONATED_USER]),
        },
        Row {
            name: "impersonate uid without a user: validate",
            config: with_users([(
                "user",
                AuthInfo {
                    impersonate_uid: "abc123".into(),
                    ..AuthInfo::default()
                },
            )]),
            call: Call::Validate,
            expected: invalid(&[NO_IMPERSONATED_USER]),
        },
    ];
    for row in rows {
        check(row);
    }
}

/// The sentinel of an entirely empty cluster is the error itself, not just its text
/// (`TestValidateClusterInfoErrEmptyCluster`).
#[test]
fn an_empty_cluster_is_the_empty_cluster_sentinel() {
    let error = validate(&with_clusters([("", Cluster::default())])).unwrap_err();
    assert!(
        matches!(&error, Error::ConfigurationInvalid(e) if matches!(e.as_slice(), [Error::EmptyCluster]))
    );
}

/// `TestIsConfigurationInvalid`: an invalid configuration of repeated findings is still
/// one, and is not the finding itself.
#[test]
fn configuration_invalid_kinds() {
    let two = Error::ConfigurationInvalid(vec![Error::NoContext, Error::NoContext]);
    assert!(two.is_configuration_invalid());
    assert!(!matches!(two, Error::NoContext));
    // Go: IsConfigurationInvalid(ErrNoContext) and of a context-not-found error are true.
    assert!(Error::NoContext.is_configuration_invalid());
    assert!(Error::ContextNotFound("x".into()).is_configuration_invalid());
    assert!(!Error::EmptyConfig.is_configuration_invalid());
    // Go's IsEmptyConfig looks one level deep only.
    assert!(
        !Error::ConfigurationInvalid(vec![Error::ConfigurationInvalid(vec![Error::EmptyConfig])])
            .is_empty_config()
    );
    assert!(!Error::Aggregate(vec![Error::EmptyConfig]).is_empty_config());
}

/// `TestErrConfigurationInvalidWithErrorsIs`, the rows that do not need a custom `Is`.
#[test]
fn configuration_invalid_is_matches_nested_findings() {
    let invalid = |m: &str| Error::Invalid(m.into());
    let rows = [
        (
            "no match",
            Error::ConfigurationInvalid(vec![invalid("my-error"), invalid("my-other-error")]),
            invalid("no entry here"),
            false,
        ),
        (
            "match via equality",
            Error::ConfigurationInvalid(vec![invalid("err"), invalid("some")]),
            invalid("some"),
            true,
        ),
        (
            "match via nested aggregate",
            Error::ConfigurationInvalid(vec![
                invalid("closed today"),
                Error::ConfigurationInvalid(vec![Error::ConfigurationInvalid(vec![invalid(
                    "some",
                )])]),
            ]),
            invalid("some"),
            true,
        ),
        (
            "match via wrapped aggregate",
            Error::LoadFile {
                path: "wrap".into(),
                source: Box::new(Error::ConfigurationInvalid(vec![
                    invalid("err"),
                    invalid("some"),
                ])),
            },
            invalid("some"),
            true,
        ),
    ];
    for (name, error, target, expected) in rows {
        assert_eq!(error.is(&target), expected, "{name}");
    }
}

/// Proxy URLs through `validateClusterInfo` (client-go parses them with Go's
/// `url.Parse`); the expected findings are client-go's.
#[test]
fn proxy_url_findings_match_client_go() {
    let rows: &[(&str, Option<&str>)] = &[
        ("socks5://example.com", None),
        ("https://example.com", None),
        ("http://example.com", None),
        ("HTTP://p", None),
        ("http://u:p@h:1", None),
        ("http://h:", None),
        ("http://[::1]:80", None),
        ("http:opaque", None),
        ("http://h?%zz", None),
        ("http://[fe80::1%25en0]:1", None),
        ("http://h_x~!$&'()*+,;=", None),
        ("http://h/a b", None),
        ("http://é", None),
        (
            "socks6://example.com",
            Some(r#"unsupported scheme "socks6", must be http, https, or socks5"#),
        ),
        (
            "example.com",
            Some(r#"unsupported scheme "", must be http, https, or socks5"#),
        ),
        (
            "chewbacca@example.com",
            Some(r#"unsupported scheme "", must be http, https, or socks5"#),
        ),
        (
            "/just/path",
            Some(r#"unsupported scheme "", must be http, https, or socks5"#),
        ),
        (
            "localhost:3128",
            Some(r#"unsupported scheme "localhost", must be http, https, or socks5"#),
        ),
        (
            "h+x://h",
            Some(r#"unsupported scheme "h+x", must be http, https, or socks5"#),
        ),
        ("1.2.3.4:3128", Some("could not parse: 1.2.3.4:3128")),
        ("1http://h", Some("could not parse: 1http://h")),
        (":foo", Some("could not parse: :foo")),
        ("http://host:abc", Some("could not parse: http://host:abc")),
        ("http://h:1:2", Some("could not parse: http://h:1:2")),
        ("http://::1", Some("could not parse: http://::1")),
        ("http://[::1", Some("could not parse: http://[::1")),
        ("http://[::1]x", Some("could not parse: http://[::1]x")),
        ("http://[zz]:1", Some("could not parse: http://[zz]:1")),
        ("http://a b", Some("could not parse: http://a b")),
        ("http://h{x}", Some("could not parse: http://h{x}")),
        ("http://h|x", Some("could not parse: http://h|x")),
        ("http://%41", Some("could not parse: http://%41")),
        ("http://h%", Some("could not parse: http://h%")),
        ("http://h/%zz", Some("could not parse: http://h/%zz")),
        ("http://h/p%2", Some("could not parse: http://h/p%2")),
        ("http://h#%zz", Some("could not parse: http://h#%zz")),
        ("http://u{@h", Some("could not parse: http://u{@h")),
        ("http://u%zz@h", Some("could not parse: http://u%zz@h")),
        ("http://h\u{7f}", Some("could not parse: http://h\u{7f}")),
    ];
    for (proxy, reason) in rows {
        let config = with_clusters([(
            "c",
            Cluster {
                proxy_url: (*proxy).into(),
                ..cluster("https://x")
            },
        )]);
        let result = validate(&config);
        match reason {
            None => assert!(result.is_ok(), "{proxy}: {result:?}"),
            Some(reason) => {
                let found = findings(&result.unwrap_err());
                if proxy.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
                    // Unlike client-go, a proxy password is not repeated.
                    let shown = clientgo_transport::redact_url(proxy);
                    let reason = reason.replace(*proxy, &shown);
                    let expected =
                        format!("invalid 'proxy-url' {shown:?} for cluster \"c\": {reason}");
                    assert_eq!(found, [expected], "{proxy}");
                } else {
                    // Go quotes control characters as `\x7f`, Rust as `\u{7f}`.
                    assert!(found[0].ends_with(&format!(": {reason}")), "{found:?}");
                }
            }
        }
    }
}
