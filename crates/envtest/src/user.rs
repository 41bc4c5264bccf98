//! Users of a test control plane and their credentials.

use crate::certs::CertifiedKey;
use clientgo_transport::Secret;

/// The built-in administrator: client certificate, group `system:masters`.
pub const ADMIN_USER: &str = "admin";

/// The built-in user with no permissions: bearer token, no groups beyond
/// `system:authenticated`.
pub const UNPRIVILEGED_USER: &str = "unprivileged";

/// A user the control plane authenticates.
#[derive(Clone, Debug)]
pub struct User {
    /// The user name the API server sees.
    pub name: String,
    /// The groups the API server sees (besides `system:authenticated`).
    pub groups: Vec<String>,
    /// How the user authenticates.
    pub credentials: Credentials,
}

/// How a user authenticates to the API server.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A client certificate signed by the control plane's client CA.
    ClientCertificate(CertifiedKey),
    /// A bearer token from the API server's token file.
    Token(Secret),
}

impl User {
    /// The transport settings (TLS with the control plane's CA `ca_pem`, and this
    /// user's credentials) for clients of this library: put them in a REST config's
    /// `transport`.
    pub fn transport_config(&self, ca_pem: &str) -> clientgo_transport::Config {
        let mut config = clientgo_transport::Config::default();
        config.tls.ca_data = Some(ca_pem.as_bytes().to_vec());
        match &self.credentials {
            Credentials::ClientCertificate(key) => {
                config.tls.cert_data = Some(key.certificate_pem.as_bytes().to_vec());
                config.tls.key_data = Some(key.private_key_pem.clone());
            }
            Credentials::Token(token) => config.bearer_token = Some(token.clone()),
        }
        config
    }
}

/// Checks a user name or group for what certificates and kubeconfigs can carry.
pub(crate) fn validate_name(kind: &str, name: &str) -> Result<(), crate::Error> {
    let bad = name.is_empty()
        || name.len() > 253
        || name.chars().any(|c| c.is_control() || c == ',' || c == '"');
    if bad {
        return Err(crate::Error::InvalidUser(format!(
            "{kind} {name:?} must be 1 to 253 printable characters without ',' or '\"'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_names_that_break_files() {
        assert!(validate_name("user", "alice").is_ok());
        assert!(validate_name("group", "system:masters").is_ok());
        for bad in ["", "a,b", "quote\"d", "line\nbreak"] {
            assert!(validate_name("user", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_credentials() {
        let user = User {
            name: "bob".into(),
            groups: vec![],
            credentials: Credentials::Token(Secret::new("sekrit-token")),
        };
        let debug = format!("{user:?}");
        assert!(!debug.contains("sekrit"), "{debug}");
    }
}
