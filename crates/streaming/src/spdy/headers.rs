//! Header blocks of SPDY streams.

use std::fmt;

/// The headers of a SPDY stream: what a `SYN_STREAM` asks for, what a `SYN_REPLY`
/// answers.
///
/// Names are stored lower-case (SPDY/3 requires it; spdystream lower-cases what it
/// sends) and compared case-insensitively; a name has one or more values, kept in the
/// order they were added (on the wire they travel NUL-separated in one entry). Entries
/// keep their insertion order.
///
/// ```
/// use clientgo_streaming::spdy::Headers;
///
/// let headers = Headers::new()
///     .with("streamType", "error")
///     .with("port", "8080")
///     .with("requestID", "0");
/// assert_eq!(headers.get("STREAMTYPE"), Some("error"));
/// assert_eq!(headers.iter().next().map(|(name, _)| name), Some("streamtype"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, Vec<String>)>,
}

impl Headers {
    /// An empty set of headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` to the values of `name` (lower-cased), creating the entry if needed.
    pub fn add(&mut self, name: impl AsRef<str>, value: impl Into<String>) {
        let name = name.as_ref().to_lowercase();
        let value = value.into();
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => self.entries.push((name, vec![value])),
        }
    }

    /// Replaces every value of `name` (lower-cased) by `value`.
    pub fn set(&mut self, name: impl AsRef<str>, value: impl Into<String>) {
        let name = name.as_ref().to_lowercase();
        let value = value.into();
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => *values = vec![value],
            None => self.entries.push((name, vec![value])),
        }
    }

    /// [`add`](Self::add) as a builder.
    #[must_use]
    pub fn with(mut self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
        self.add(name, value);
        self
    }

    /// Removes `name` and its values; returns whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.entries.len() != before
    }

    /// The first value of `name` (any case), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).first().map(String::as_str)
    }

    /// Every value of `name` (any case), empty if absent.
    pub fn get_all(&self, name: &str) -> &[String] {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(&[], |(_, values)| values.as_slice())
    }

    /// The entries in order: each lower-case name with its values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries
            .iter()
            .map(|(name, values)| (name.as_str(), values.as_slice()))
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(n, v)| (n, v)))
            .finish()
    }
}

impl<K: AsRef<str>, V: Into<String>> FromIterator<(K, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        headers.extend(iter);
        headers
    }
}

impl<K: AsRef<str>, V: Into<String>> Extend<(K, V)> for Headers {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.add(name, value);
        }
    }
}

impl<K: AsRef<str>, V: Into<String>, const N: usize> From<[(K, V); N]> for Headers {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_cased_and_values_merged() {
        let mut headers = Headers::from([("streamType", "data"), ("Port", "80")]);
        headers.add("PORT", "81");
        assert_eq!(headers.len(), 2);
        assert_eq!(headers.get_all("port"), ["80", "81"]);
        assert_eq!(headers.get("streamtype"), Some("data"));
        headers.set("port", "82");
        assert_eq!(headers.get_all("Port"), ["82"]);
        assert!(headers.remove("PORT"));
        assert!(!headers.remove("port"));
        assert_eq!(headers.get("port"), None);
        assert!(headers.get_all("missing").is_empty());
        assert_eq!(format!("{headers:?}"), r#"{"streamtype": ["data"]}"#);
    }
}
