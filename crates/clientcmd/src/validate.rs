//! Validation of a kubeconfig (client-go's `Validate` and `ConfirmUsable`): every
//! finding is collected, none stops the others.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{AuthInfo, Cluster, Context, Kubeconfig};

/// Checks the whole configuration: the current context must exist, and every context,
/// user and cluster must be valid.
///
/// ```
/// use clientgo_clientcmd::{Kubeconfig, validate};
///
/// let error = validate(&Kubeconfig::default()).unwrap_err();
/// assert!(error.is_empty_config());
/// ```
pub fn validate(config: &Kubeconfig) -> Result<()> {
    if config.is_empty() {
        return Err(Error::ConfigurationInvalid(vec![Error::EmptyConfig]));
    }
    let mut errors = Vec::new();
    if !config.current_context.is_empty() && !config.contexts.contains_key(&config.current_context)
    {
        errors.push(Error::ContextNotFound(config.current_context.clone()));
    }
    for (name, context) in &config.contexts {
        errors.extend(validate_context(name, context, config));
    }
    for (name, user) in &config.auth_infos {
        errors.extend(validate_auth_info(name, user));
    }
    for (name, cluster) in &config.clusters {
        errors.extend(validate_cluster(name, cluster));
    }
    Error::invalid_configuration(errors).map_or(Ok(()), Err)
}

/// Checks only what `context_name` (or, when empty, the current context) needs: the
/// context itself and its user and cluster.
pub fn confirm_usable(config: &Kubeconfig, context_name: &str) -> Result<()> {
    if config.is_empty() {
        return Err(Error::ConfigurationInvalid(vec![Error::EmptyConfig]));
    }
    let name = if context_name.is_empty() {
        config.current_context.as_str()
    } else {
        context_name
    };
    if name.is_empty() {
        return Err(Error::NoContext);
    }
    let mut errors = Vec::new();
    match config.contexts.get(name) {
        None => errors.push(Error::ContextNotFound(name.to_string())),
        Some(context) => {
            errors.extend(validate_context(name, context, config));
            let user = config
                .auth_infos
                .get(&context.auth_info)
                .cloned()
                .unwrap_or_default();
            errors.extend(validate_auth_info(&context.auth_info, &user));
            match config.clusters.get(&context.cluster) {
                Some(cluster) => errors.extend(validate_cluster(&context.cluster, cluster)),
                None => errors.push(no_server(&context.cluster)),
            }
        }
    }
    Error::invalid_configuration(errors).map_or(Ok(()), Err)
}

/// Findings about one cluster.
pub(crate) fn validate_cluster(name: &str, cluster: &Cluster) -> Vec<Error> {
    if *cluster == Cluster::default() {
        return vec![Error::EmptyCluster];
    }
    let mut errors = Vec::new();
    if cluster.server.is_empty() {
        errors.push(no_server(name));
    }
    if !cluster.proxy_url.is_empty()
        && let Err(reason) = check_proxy_url(&cluster.proxy_url)
    {
        errors.push(Error::Invalid(format!(
            "invalid 'proxy-url' {:?} for cluster {name:?}: {reason}",
            clientgo_transport::redact_url(&cluster.proxy_url)
        )));
    }
    let has_ca_file = !cluster.certificate_authority.as_os_str().is_empty();
    if has_ca_file && !cluster.certificate_authority_data.is_empty() {
        errors.push(Error::Invalid(format!(
            "certificate-authority-data and certificate-authority are both specified for {name}. certificate-authority-data will override."
        )));
    }
    if has_ca_file && let Err(reason) = check_readable(&cluster.certificate_authority) {
        errors.push(Error::Invalid(format!(
            "unable to read certificate-authority {} for {name} due to {reason}",
            cluster.certificate_authority.display()
        )));
    }
    errors
}

/// The finding for a cluster without server: one that sets other fields, or one that
/// the configuration does not define (client-go reports both this way, and keeps
/// "cluster has no server defined" for a defined cluster that sets nothing).
pub(crate) fn no_server(name: &str) -> Error {
    Error::Invalid(if name.is_empty() {
        "default cluster has no server defined".into()
    } else {
        format!("no server found for cluster {name:?}")
    })
}

/// The reason a proxy URL is unusable: it must parse as a URL (by the rules of Go's
/// `net/url`, which client-go applies) and its scheme must be `http`, `https` or
/// `socks5`.
pub(crate) fn check_proxy_url(url: &str) -> std::result::Result<(), String> {
    let Some(scheme) = url_scheme(url) else {
        return Err(format!(
            "could not parse: {}",
            clientgo_transport::redact_url(url)
        ));
    };
    match scheme.as_str() {
        "http" | "https" | "socks5" => Ok(()),
        other => Err(format!(
            "unsupported scheme {other:?}, must be http, https, or socks5"
        )),
    }
}

/// The lower-cased scheme of `url` (empty when it has none), or `None` when Go's
/// `url.Parse` would reject it: control characters, a leading `:`, a colon in the first
/// segment of a scheme-less reference, a malformed authority (user info, host, port)
/// or a bad `%` escape in the path or fragment.
fn url_scheme(url: &str) -> Option<String> {
    if url.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let (url, fragment) = url.split_once('#').unwrap_or((url, ""));
    if !valid_escapes(fragment) {
        return None;
    }
    let (scheme, rest) = split_scheme(url)?;
    let rest = match rest.split_once('?') {
        Some((before, _query)) => before,
        None => rest,
    };
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            // An opaque URL (`scheme:opaque`), which Go accepts as it is.
            return Some(scheme);
        }
        let first_segment = rest.split('/').next().unwrap_or("");
        return (!first_segment.contains(':') && valid_escapes(rest)).then_some(scheme);
    }
    let path = match rest.strip_prefix("//") {
        Some(after) if !scheme.is_empty() || !rest.starts_with("///") => {
            let (authority, path) = after.find('/').map_or((after, ""), |i| after.split_at(i));
            if !valid_authority(authority) {
                return None;
            }
            path
        }
        _ => rest,
    };
    valid_escapes(path).then_some(scheme)
}

/// Splits off a scheme like Go's `getScheme`: letters first, then letters, digits,
/// `+`, `-` or `.`, up to a `:`. Anything else means there is no scheme; a leading
/// `:` is an error.
fn split_scheme(url: &str) -> Option<(String, &str)> {
    for (i, c) in url.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return None,
            ':' => return Some((url[..i].to_ascii_lowercase(), &url[i + 1..])),
            _ => return Some((String::new(), url)),
        }
    }
    Some((String::new(), url))
}

/// Whether every `%` starts an escape of two hex digits.
fn valid_escapes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// `userinfo@host:port` as Go's `parseAuthority` accepts it.
fn valid_authority(authority: &str) -> bool {
    let (userinfo, host) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let userinfo_ok = userinfo.is_none_or(|info| {
        info.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&b) || b >= 0x80)
            && valid_escapes(info)
    });
    userinfo_ok && valid_host(host)
}

/// A host with optional port: a bracketed IP literal (with optional `%25` zone) or a
/// name of allowed characters, then nothing or `:` and digits.
fn valid_host(host: &str) -> bool {
    let valid_port = |port: &str| {
        port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(inside) = host.strip_prefix('[') {
        let Some(end) = inside.rfind(']') else {
            return false;
        };
        let address = inside[..end].split("%25").next().unwrap_or("");
        return valid_port(&inside[end + 1..]) && address.parse::<std::net::IpAddr>().is_ok();
    }
    let name = match host.find(':') {
        Some(colon) if !valid_port(&host[colon..]) => return false,
        Some(colon) => &host[..colon],
        None => host,
    };
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            // Only `%25` (a zone separator) and escapes of non-ASCII bytes.
            let hex = bytes.get(i + 1..i + 3);
            let ok = hex.is_some_and(|h| {
                h.iter().all(u8::is_ascii_hexdigit) && (h[0] >= b'8' || h == b"25")
            });
            if !ok {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b >= 0x80 || b.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

fn check_readable(path: &Path) -> std::result::Result<(), std::io::Error> {
    std::fs::File::open(path).map(drop)
}

/// Findings about one user.
pub(crate) fn validate_auth_info(name: &str, user: &AuthInfo) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut methods = Vec::new();
    if !user.token.is_empty() {
        methods.push("token");
    }
    if !user.username.is_empty() || !user.password.is_empty() {
        methods.push("basicAuth");
    }
    let has_cert_file = !user.client_certificate.as_os_str().is_empty();
    let has_key_file = !user.client_key.as_os_str().is_empty();
    if has_cert_file || !user.client_certificate_data.is_empty() {
        if has_cert_file && !user.client_certificate_data.is_empty() {
            errors.push(Error::Invalid(format!(
                "client-cert-data and client-cert are both specified for {name}. client-cert-data will override."
            )));
        }
        if has_key_file && !user.client_key_data.is_empty() {
            errors.push(Error::Invalid(format!(
                "client-key-data and client-key are both specified for {name}; client-key-data will override"
            )));
        }
        if !has_key_file && user.client_key_data.is_empty() {
            errors.push(Error::Invalid(format!(
                "client-key-data or client-key must be specified for {name} to use the clientCert authentication method."
            )));
        }
        if has_cert_file && let Err(reason) = check_readable(&user.client_certificate) {
            errors.push(Error::Invalid(format!(
                "unable to read client-cert {} for {name} due to {reason}",
                user.client_certificate.display()
            )));
        }
        if has_key_file && let Err(reason) = check_readable(&user.client_key) {
            errors.push(Error::Invalid(format!(
                "unable to read client-key {} for {name} due to {reason}",
                user.client_key.display()
            )));
        }
    }
    if let Some(exec) = &user.exec {
        if user.auth_provider.is_some() {
            errors.push(Error::Invalid(format!(
                "authProvider cannot be provided in combination with an exec plugin for {name}"
            )));
        }
        if exec.command.is_empty() {
            errors.push(Error::Invalid(format!(
                "command must be specified for {name} to use exec authentication plugin"
            )));
        }
        if exec.api_version.is_empty() {
            errors.push(Error::Invalid(format!(
                "apiVersion must be specified for {name} to use exec authentication plugin"
            )));
        }
        for variable in &exec.env {
            if variable.name.is_empty() {
                errors.push(Error::Invalid(format!(
                    "env variable name must be specified for {name} to use exec authentication plugin"
                )));
            }
        }
        match exec.interactive_mode.as_str() {
            "" => errors.push(Error::Invalid(format!(
                "interactiveMode must be specified for {name} to use exec authentication plugin"
            ))),
            "Never" | "IfAvailable" | "Always" => {}
            other => errors.push(Error::Invalid(format!(
                "invalid interactiveMode for {name}: {other:?}"
            ))),
        }
    }
    if methods.len() > 1 {
        errors.push(Error::Invalid(format!(
            "more than one authentication method found for {name}; found [{}], only one is allowed",
            methods.join(" ")
        )));
    }
    let impersonates_details = !user.impersonate_uid.is_empty()
        || !user.impersonate_groups.is_empty()
        || !user.impersonate_user_extra.is_empty();
    if impersonates_details && user.impersonate.is_empty() {
        errors.push(Error::Invalid(format!(
            "requesting uid, groups or user-extra for {name} without impersonating a user"
        )));
    }
    errors
}

/// Findings about one context.
fn validate_context(name: &str, context: &Context, config: &Kubeconfig) -> Vec<Error> {
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(Error::Invalid(format!(
            "empty context name for {context:?} is not allowed"
        )));
    }
    if context.auth_info.is_empty() {
        errors.push(Error::Invalid(format!(
            "user was not specified for context {name:?}"
        )));
    } else if !config.auth_infos.contains_key(&context.auth_info) {
        errors.push(Error::Invalid(format!(
            "user {:?} was not found for context {name:?}",
            context.auth_info
        )));
    }
    if context.cluster.is_empty() {
        errors.push(Error::Invalid(format!(
            "cluster was not specified for context {name:?}"
        )));
    } else if !config.clusters.contains_key(&context.cluster) {
        errors.push(Error::Invalid(format!(
            "cluster {:?} was not found for context {name:?}",
            context.cluster
        )));
    }
    if !context.namespace.is_empty() && !is_dns1123_label(&context.namespace) {
        errors.push(Error::Invalid(format!(
            "namespace {:?} for context {name:?} does not conform to the kubernetes DNS_LABEL rules",
            context.namespace
        )));
    }
    errors
}

/// At most 63 lower-case letters, digits and `-`, starting and ending alphanumeric.
fn is_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExecConfig;
    use clientgo_transport::Secret;
    use clientgo_transport::exec::ExecEnvVar;

    fn messages(result: Result<()>) -> Vec<String> {
        match result {
            Ok(()) => Vec::new(),
            Err(Error::ConfigurationInvalid(errors)) => {
                errors.iter().map(ToString::to_string).collect()
            }
            Err(other) => vec![other.to_string()],
        }
    }

    fn valid_config() -> Kubeconfig {
        let mut config = Kubeconfig::default();
        config.clusters.insert(
            "c".into(),
            Cluster {
                server: "https://x".into(),
                ..Cluster::default()
            },
        );
        config.auth_infos.insert(
            "u".into(),
            AuthInfo {
                token: Secret::new("t"),
                ..AuthInfo::default()
            },
        );
        config.contexts.insert(
            "ctx".into(),
            Context {
                cluster: "c".into(),
                auth_info: "u".into(),
                ..Context::default()
            },
        );
        config.current_context = "ctx".into();
        config
    }

    #[test]
    fn an_empty_config_is_reported_as_empty() {
        let error = validate(&Kubeconfig::default()).unwrap_err();
        assert!(error.is_empty_config());
        assert!(
            confirm_usable(&Kubeconfig::default(), "")
                .unwrap_err()
                .is_empty_config()
        );
    }

    #[test]
    fn a_valid_config_passes() {
        validate(&valid_config()).unwrap();
        confirm_usable(&valid_config(), "").unwrap();
    }

    #[test]
    fn a_missing_current_context_is_reported() {
        let mut config = valid_config();
        config.current_context = "nope".into();
        let error = validate(&config).unwrap_err();
        assert!(error.is_context_not_found());
        assert_eq!(
            messages(Err(error)),
            ["context was not found for specified context: nope"]
        );
        assert!(
            confirm_usable(&config, "")
                .unwrap_err()
                .is_context_not_found()
        );
    }

    #[test]
    fn confirm_usable_without_any_context_name_is_no_context() {
        let mut config = valid_config();
        config.current_context.clear();
        assert!(matches!(confirm_usable(&config, ""), Err(Error::NoContext)));
        confirm_usable(&config, "ctx").unwrap();
    }

    #[test]
    fn missing_and_unknown_references_of_a_context_are_reported() {
        let mut config = valid_config();
        config.contexts.insert(
            "bad".into(),
            Context {
                cluster: "ghost".into(),
                auth_info: String::new(),
                namespace: "Not_A_Label".into(),
                ..Context::default()
            },
        );
        config.contexts.insert(
            "worse".into(),
            Context {
                auth_info: "nobody".into(),
                ..Context::default()
            },
        );
        let found = messages(validate(&config));
        for expected in [
            "user was not specified for context \"bad\"",
            "cluster \"ghost\" was not found for context \"bad\"",
            "namespace \"Not_A_Label\" for context \"bad\" does not conform to the kubernetes DNS_LABEL rules",
            "user \"nobody\" was not found for context \"worse\"",
            "cluster was not specified for context \"worse\"",
        ] {
            assert!(
                found.iter().any(|m| m == expected),
                "{expected} not in {found:?}"
            );
        }
    }

    #[test]
    fn an_empty_context_name_is_reported() {
        let mut config = valid_config();
        config.contexts.insert(
            String::new(),
            Context {
                cluster: "c".into(),
                auth_info: "u".into(),
                ..Context::default()
            },
        );
        let found = messages(validate(&config));
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("empty context name for ")),
            "{found:?}"
        );
    }

    #[test]
    fn cluster_findings() {
        assert!(matches!(
            validate_cluster("c", &Cluster::default()).as_slice(),
            [Error::EmptyCluster]
        ));
        let no_server = Cluster {
            insecure_skip_tls_verify: true,
            ..Cluster::default()
        };
        assert_eq!(
            validate_cluster("c", &no_server)[0].to_string(),
            "no server found for cluster \"c\""
        );
        assert_eq!(
            validate_cluster("", &no_server)[0].to_string(),
            "default cluster has no server defined"
        );
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.crt");
        std::fs::write(&ca, "PEM").unwrap();
        let both = Cluster {
            server: "https://x".into(),
            certificate_authority: ca.clone(),
            certificate_authority_data: b"PEM".to_vec(),
            ..Cluster::default()
        };
        assert_eq!(
            validate_cluster("c", &both)[0].to_string(),
            "certificate-authority-data and certificate-authority are both specified for c. certificate-authority-data will override."
        );
        let clean = Cluster {
            server: "https://x".into(),
            certificate_authority: ca,
            ..Cluster::default()
        };
        assert!(validate_cluster("c", &clean).is_empty());
        let missing_ca = Cluster {
            server: "https://x".into(),
            certificate_authority: dir.path().join("missing.crt"),
            ..Cluster::default()
        };
        let found = validate_cluster("c", &missing_ca)[0].to_string();
        assert!(
            found.starts_with("unable to read certificate-authority "),
            "{found}"
        );
        assert!(found.contains("missing.crt for c due to"), "{found}");
    }

    #[test]
    fn proxy_urls_must_be_http_https_or_socks5() {
        let cluster = |proxy: &str| Cluster {
            server: "https://x".into(),
            proxy_url: proxy.into(),
            ..Cluster::default()
        };
        for good in ["http://p:3128", "https://p", "socks5://p:1080", "HTTP://p"] {
            assert!(validate_cluster("c", &cluster(good)).is_empty(), "{good}");
        }
        let found = validate_cluster("c", &cluster("ftp://u:secretpw@p"))[0].to_string();
        assert!(
            found.contains("unsupported scheme \"ftp\", must be http, https, or socks5"),
            "{found}"
        );
        assert!(!found.contains("secretpw"), "{found}");
        let found = validate_cluster("c", &cluster("1.2.3.4:3128"))[0].to_string();
        assert!(found.contains("could not parse"), "{found}");
    }

    #[test]
    fn certificate_findings_of_a_user() {
        let dir = tempfile::tempdir().unwrap();
        let cert_only = AuthInfo {
            client_certificate_data: b"CERT".to_vec(),
            ..AuthInfo::default()
        };
        assert_eq!(
            validate_auth_info("u", &cert_only)[0].to_string(),
            "client-key-data or client-key must be specified for u to use the clientCert authentication method."
        );
        let missing_files = AuthInfo {
            client_certificate: dir.path().join("u.crt"),
            client_key: dir.path().join("u.key"),
            ..AuthInfo::default()
        };
        let found: Vec<String> = validate_auth_info("u", &missing_files)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("unable to read client-cert "));
        assert!(found[1].starts_with("unable to read client-key "));
        std::fs::write(dir.path().join("u.crt"), "C").unwrap();
        std::fs::write(dir.path().join("u.key"), "K").unwrap();
        let both = AuthInfo {
            client_certificate_data: b"CERT".to_vec(),
            client_key_data: Secret::new("KEY"),
            ..missing_files
        };
        let found: Vec<String> = validate_auth_info("u", &both)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "client-cert-data and client-cert are both specified for u. client-cert-data will override.",
                "client-key-data and client-key are both specified for u; client-key-data will override"
            ]
        );
    }

    #[test]
    fn token_and_basic_auth_together_are_more_than_one_method_but_certs_do_not_count() {
        let user = AuthInfo {
            token: Secret::new("t"),
            username: "me".into(),
            password: Secret::new("p"),
            client_certificate_data: b"C".to_vec(),
            client_key_data: Secret::new("K"),
            ..AuthInfo::default()
        };
        let found: Vec<String> = validate_auth_info("u", &user)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "more than one authentication method found for u; found [token basicAuth], only one is allowed"
            ]
        );
        let cert_and_token = AuthInfo {
            username: String::new(),
            password: Secret::default(),
            ..user
        };
        assert!(validate_auth_info("u", &cert_and_token).is_empty());
    }

    #[test]
    fn exec_findings() {
        let exec = |mode: &str| AuthInfo {
            exec: Some(ExecConfig {
                command: "plugin".into(),
                api_version: "client.authentication.k8s.io/v1".into(),
                interactive_mode: mode.into(),
                ..ExecConfig::default()
            }),
            ..AuthInfo::default()
        };
        assert!(validate_auth_info("u", &exec("Never")).is_empty());
        assert!(validate_auth_info("u", &exec("IfAvailable")).is_empty());
        assert!(validate_auth_info("u", &exec("Always")).is_empty());
        assert_eq!(
            validate_auth_info("u", &exec(""))[0].to_string(),
            "interactiveMode must be specified for u to use exec authentication plugin"
        );
        assert_eq!(
            validate_auth_info("u", &exec("Sometimes"))[0].to_string(),
            "invalid interactiveMode for u: \"Sometimes\""
        );
        let broken = AuthInfo {
            exec: Some(ExecConfig {
                env: vec![ExecEnvVar {
                    name: String::new(),
                    value: "v".into(),
                }],
                interactive_mode: "Never".into(),
                ..ExecConfig::default()
            }),
            auth_provider: Some(Default::default()),
            ..AuthInfo::default()
        };
        let found: Vec<String> = validate_auth_info("u", &broken)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "authProvider cannot be provided in combination with an exec plugin for u",
                "command must be specified for u to use exec authentication plugin",
                "apiVersion must be specified for u to use exec authentication plugin",
                "env variable name must be specified for u to use exec authentication plugin",
            ]
        );
    }

    #[test]
    fn impersonating_groups_uid_or_extra_needs_a_user() {
        for user in [
            AuthInfo {
                impersonate_uid: "1".into(),
                ..AuthInfo::default()
            },
            AuthInfo {
                impersonate_groups: vec!["g".into()],
                ..AuthInfo::default()
            },
            AuthInfo {
                impersonate_user_extra: [("k".to_string(), vec!["v".to_string()])].into(),
                ..AuthInfo::default()
            },
        ] {
            assert_eq!(
                validate_auth_info("u", &user)[0].to_string(),
                "requesting uid, groups or user-extra for u without impersonating a user"
            );
            let with_user = AuthInfo {
                impersonate: "bob".into(),
                ..user
            };
            assert!(validate_auth_info("u", &with_user).is_empty());
        }
    }

    #[test]
    fn dns_labels() {
        assert!(is_dns1123_label("kube-system"));
        assert!(is_dns1123_label("a"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label("a-"));
        assert!(!is_dns1123_label("A"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
    }
}
