//! Serde helpers shared by hand-written and generated API types.

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default, for fields the server may send as `null`
/// (Go encodes a nil slice or map that way). Use with `#[serde(default,
/// deserialize_with = "...")]`.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Spec {
///     #[serde(default, deserialize_with = "clientgo_apimachinery::serde_util::null_as_default")]
///     items: Vec<String>,
/// }
/// let spec: Spec = serde_json::from_str(r#"{"items":null}"#)?;
/// assert!(spec.items.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
