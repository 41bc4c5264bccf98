//! [`Str`]: the string type of API objects' fields (names, images, label keys and
//! values, `"TCP"`, `"IfNotPresent"`, ...).
//!
//! Rules it follows:
//! - 16 bytes, as Go's string header, and `Option<Str>` too (a `String` is 24): an
//!   object holds many string fields, set or not.
//! - Up to 16 bytes of text are kept inline, without a heap allocation; most strings of
//!   an object are that short.
//! - Longer text is one heap allocation of its exact length plus a reference count, so a
//!   clone (of a cached object, say) shares it instead of copying it.
//! - Immutable: a field is changed by assigning a new value (`"web".into()`), never in
//!   place. Reading is through `&str` ([`Deref`], [`Str::as_str`], `Option::as_deref`).
//! - It compares, orders, hashes and serializes as the `str` it holds.
//! - Decoding (JSON and protobuf) shares long text with equal strings the thread decoded
//!   recently: objects of one workload repeat their image names, keys and
//!   field sets, and a cache then holds each of them once, not once per object.
//!
//! ```
//! use clientgo_apimachinery::Str;
//!
//! let mut name: Option<Str> = None;
//! name = Some("web-0".into());
//! assert_eq!(name.as_deref(), Some("web-0"));
//! assert_eq!(std::mem::size_of::<Option<Str>>(), 16);
//! let owned: String = name.unwrap().into();
//! assert_eq!(owned, "web-0");
//! ```

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::FromStr;

use lean_string::LeanStr;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod recent;

/// An immutable string of 16 bytes that keeps up to 16 bytes of text inline and shares
/// longer text between clones. See the [module documentation](self).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Str(LeanStr);

impl Str {
    /// The empty string (no allocation).
    pub const fn new() -> Self {
        Self(LeanStr::new())
    }

    /// A string of static text (no allocation, whatever its length).
    pub const fn from_static(text: &'static str) -> Self {
        Self(LeanStr::from_static_str(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// A string of the UTF-8 text `bytes`.
    ///
    /// # Errors
    /// When `bytes` is not UTF-8.
    pub fn from_utf8(bytes: &[u8]) -> Result<Self, std::str::Utf8Error> {
        LeanStr::from_utf8(bytes).map(Self)
    }

    /// A string decoded from a message: long text is shared with an equal string this
    /// thread decoded recently (see [`recent`]).
    pub(crate) fn decoded(text: &str) -> Self {
        Self(recent::shared(text))
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Str {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, so that maps keyed by `Str` can be searched with a `&str`.
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for Str {
    fn from(text: &str) -> Self {
        Self(LeanStr::from(text))
    }
}

impl From<&mut str> for Str {
    fn from(text: &mut str) -> Self {
        Self::from(&*text)
    }
}

impl From<String> for Str {
    fn from(text: String) -> Self {
        Self(LeanStr::from(text))
    }
}

impl From<&String> for Str {
    fn from(text: &String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<Box<str>> for Str {
    fn from(text: Box<str>) -> Self {
        Self(LeanStr::from(text))
    }
}

impl From<Cow<'_, str>> for Str {
    fn from(text: Cow<'_, str>) -> Self {
        Self(LeanStr::from(text))
    }
}

impl From<char> for Str {
    fn from(c: char) -> Self {
        Self(LeanStr::from(c))
    }
}

impl From<&Str> for Str {
    fn from(text: &Str) -> Self {
        text.clone()
    }
}

impl From<Str> for String {
    fn from(text: Str) -> Self {
        Self::from(text.0)
    }
}

impl From<&Str> for String {
    fn from(text: &Str) -> Self {
        text.as_str().to_owned()
    }
}

impl<'a> From<&'a Str> for Cow<'a, str> {
    fn from(text: &'a Str) -> Self {
        Cow::Borrowed(text.as_str())
    }
}

impl FromStr for Str {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(text))
    }
}

impl<'a> FromIterator<&'a str> for Str {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl FromIterator<char> for Str {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Str {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<Str> for $other {
            fn eq(&self, other: &Str) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, &str, String, Cow<'_, str>);

impl PartialOrd<str> for Str {
    fn partial_cmp(&self, other: &str) -> Option<std::cmp::Ordering> {
        Some(self.as_str().cmp(other))
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor)
    }
}

/// Reads a string (borrowed from the input where the format allows, so no intermediate
/// `String`) into a shared [`Str`].
struct StrVisitor;

impl Visitor<'_> for StrVisitor {
    type Value = Str;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Str, E> {
        Ok(Str::decoded(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn sizes_match_go_string_headers() {
        assert_eq!(std::mem::size_of::<Str>(), 16);
        assert_eq!(std::mem::size_of::<Option<Str>>(), 16);
    }

    #[test]
    fn short_text_is_inline_and_long_text_is_shared() {
        let short = Str::from("IfNotPresent");
        assert!(!short.0.is_heap_allocated());
        let exactly_16 = Str::from("0123456789abcdef");
        assert!(!exactly_16.0.is_heap_allocated());
        let long = Str::from("node.kubernetes.io/not-ready");
        assert!(long.0.is_heap_allocated());
        let clone = long.clone();
        assert_eq!(clone.as_ptr(), long.as_ptr(), "a clone shares the text");
        let fixed = Str::from_static("node.kubernetes.io/unreachable");
        assert!(!fixed.0.is_heap_allocated());
    }

    #[test]
    fn compares_and_hashes_as_str() {
        let name = Str::from("web");
        assert_eq!(name, "web");
        assert_eq!("web", name);
        assert_eq!(name, String::from("web"));
        assert_eq!(String::from("web"), name);
        let (a, b) = (Str::from("a"), Str::from("b"));
        assert_eq!(a.cmp(&b), std::cmp::Ordering::Less);
        assert_eq!(b.partial_cmp("a"), Some(std::cmp::Ordering::Greater));
        let map = HashMap::from([(Str::from("app"), 1)]);
        assert_eq!(map.get("app"), Some(&1));
        assert_eq!(format!("{name} {name:?}"), r#"web "web""#);
    }

    #[test]
    fn serializes_as_a_json_string() {
        let text: Str = serde_json::from_str(r#""caf\u00e9 \"quoted\"""#).unwrap();
        assert_eq!(text, "café \"quoted\"");
        assert_eq!(
            serde_json::to_string(&text).unwrap(),
            r#""café \"quoted\"""#
        );
        assert!(serde_json::from_str::<Str>("12").is_err());
        assert!(serde_json::from_str::<Str>("null").is_err());
        assert_eq!(Str::from_utf8(b"ok").unwrap(), "ok");
        assert!(Str::from_utf8(&[0xff]).is_err());
    }

    #[test]
    fn decoded_long_text_is_shared() {
        let json = r#"["node.kubernetes.io/not-ready","node.kubernetes.io/not-ready","x"]"#;
        let keys: Vec<Str> = serde_json::from_str(json).unwrap();
        assert_eq!(keys[0], "node.kubernetes.io/not-ready");
        assert_eq!(keys[0].as_ptr(), keys[1].as_ptr());
        let escaped: Str = serde_json::from_str(r#""node.kubernetes.io/not-read\u0079""#).unwrap();
        assert_eq!(escaped, keys[0]);
    }
}
