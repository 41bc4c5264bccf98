//! Headers every request gets: user agent, basic auth, and impersonation.

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::config::ImpersonationConfig;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// client-go's default user agent shape:
/// `<program>/<version> (<os>/<arch>) kubernetes/<commit>`, e.g.
/// `my-controller/v0.1.0 (linux/amd64) kubernetes/unknown`.
pub fn default_user_agent() -> String {
    let program = std::env::args_os()
        .next()
        .and_then(|arg0| {
            std::path::Path::new(&arg0)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!(
        "{program}/v{} ({}/{arch}) kubernetes/unknown",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

/// `Authorization: Basic ...` for `username:password`, marked sensitive.
pub(crate) fn basic_auth(username: &str, password: Option<&Secret>) -> Result<HeaderValue> {
    let credentials = format!("{username}:{}", password.map(Secret::expose).unwrap_or(""));
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    sensitive(&format!("Basic {encoded}"))
}

/// `Authorization: Bearer <token>`, marked sensitive.
pub(crate) fn bearer(token: &Secret) -> Result<HeaderValue> {
    sensitive(&format!("Bearer {}", token.expose()))
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::Config("credentials contain characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The fixed headers of a transport (user agent and impersonation).
#[derive(Clone, Debug, Default)]
pub(crate) struct FixedHeaders {
    user_agent: Option<HeaderValue>,
    impersonation: Vec<(HeaderName, HeaderValue)>,
}

impl FixedHeaders {
    pub(crate) fn new(user_agent: &str, impersonate: &ImpersonationConfig) -> Result<Self> {
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {user_agent:?}")))?;
        Ok(Self {
            user_agent: Some(user_agent),
            impersonation: impersonation_headers(impersonate)?,
        })
    }

    /// Adds the headers the request does not have yet.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        if let Some(agent) = &self.user_agent
            && !headers.contains_key(USER_AGENT)
        {
            headers.insert(USER_AGENT, agent.clone());
        }
        if !self.impersonation.is_empty() && !headers.contains_key("impersonate-user") {
            for (name, value) in &self.impersonation {
                headers.append(name.clone(), value.clone());
            }
        }
    }
}

/// Whether the request already carries credentials.
pub(crate) fn has_authorization(headers: &HeaderMap) -> bool {
    headers.contains_key(AUTHORIZATION)
}

fn impersonation_headers(config: &ImpersonationConfig) -> Result<Vec<(HeaderName, HeaderValue)>> {
    if !config.is_set() {
        return Ok(Vec::new());
    }
    let value = |text: &str| {
        HeaderValue::from_str(text)
            .map_err(|_| Error::Config(format!("invalid impersonation value {text:?}")))
    };
    let mut headers = vec![(
        HeaderName::from_static("impersonate-user"),
        value(config.user_name.as_deref().unwrap_or(""))?,
    )];
    if let Some(uid) = config.uid.as_deref().filter(|u| !u.is_empty()) {
        headers.push((HeaderName::from_static("impersonate-uid"), value(uid)?));
    }
    for group in &config.groups {
        headers.push((HeaderName::from_static("impersonate-group"), value(group)?));
    }
    for (key, values) in &config.extra {
        let name = HeaderName::from_bytes(
            format!("impersonate-extra-{}", escape_header_key(key)).as_bytes(),
        )
        .map_err(|_| Error::Config(format!("invalid impersonation extra key {key:?}")))?;
        for extra in values {
            headers.push((name.clone(), value(extra)?));
        }
    }
    Ok(headers)
}

/// Escapes an extra key for a header name: HTTP token characters stay (except `%`),
/// everything else becomes `%XX`.
pub(crate) fn escape_header_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        let token = byte.is_ascii_alphanumeric() || b"!#$&'*+-.^_`|~".contains(&byte);
        if token {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_has_client_go_shape() {
        let agent = default_user_agent();
        let (program, rest) = agent.split_once('/').unwrap();
        assert!(!program.is_empty());
        assert!(
            rest.contains(" (") && rest.ends_with(") kubernetes/unknown"),
            "{agent}"
        );
    }

    #[test]
    fn extra_keys_are_escaped() {
        assert_eq!(escape_header_key("scopes"), "scopes");
        assert_eq!(escape_header_key("example.com/key"), "example.com%2Fkey");
        assert_eq!(escape_header_key("100%"), "100%25");
        assert_eq!(escape_header_key("a b"), "a%20b");
        assert_eq!(escape_header_key("ü"), "%C3%BC");
    }

    #[test]
    fn impersonation_headers_follow_the_config() {
        let config = ImpersonationConfig {
            user_name: Some("jane".into()),
            uid: Some("42".into()),
            groups: vec!["a".into(), "b".into()],
            extra: [(
                "example.com/scopes".to_string(),
                vec!["x".to_string(), "y".to_string()],
            )]
            .into(),
        };
        let fixed = FixedHeaders::new("agent", &config).unwrap();
        let mut headers = HeaderMap::new();
        fixed.apply(&mut headers);
        assert_eq!(headers["impersonate-user"], "jane");
        assert_eq!(headers["impersonate-uid"], "42");
        assert_eq!(headers.get_all("impersonate-group").iter().count(), 2);
        assert_eq!(
            headers
                .get_all("impersonate-extra-example.com%2fscopes")
                .iter()
                .count(),
            2
        );
        assert_eq!(headers[USER_AGENT], "agent");

        // A request that impersonates already, or has its own agent, keeps its own.
        let mut own = HeaderMap::new();
        own.insert("impersonate-user", HeaderValue::from_static("someone"));
        own.insert(USER_AGENT, HeaderValue::from_static("mine"));
        fixed.apply(&mut own);
        assert_eq!(own["impersonate-user"], "someone");
        assert!(own.get("impersonate-group").is_none());
        assert_eq!(own[USER_AGENT], "mine");
    }

    #[test]
    fn credentials_are_sensitive_headers() {
        let value = bearer(&Secret::new("t")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(
            basic_auth("user", Some(&Secret::new("pass"))).unwrap(),
            "Basic dXNlcjpwYXNz"
        );
    }
}
