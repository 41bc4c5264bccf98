//! A string that never shows itself in `Debug`.

use std::fmt;

/// Secret material: a password, bearer token or private key.
///
/// `Debug` prints `--- REDACTED ---`; the value is reachable only through
/// [`Secret::expose`], so it cannot end up in a log line or an error by accident.
///
/// ```
/// use clientgo_transport::Secret;
///
/// let token = Secret::new("abc123");
/// assert_eq!(format!("{token:?}"), "--- REDACTED ---");
/// assert_eq!(token.expose(), "abc123");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Call this only where the value is really needed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("--- REDACTED ---")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}
