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

/// Reads a list (`null` as empty) without spare capacity. A decoded list grows by
/// doubling, so without this a cached object keeps room it never uses (a pod with one
/// container would hold room for four). Use with `#[serde(default, deserialize_with =
/// "...")]`.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Spec {
///     #[serde(default, deserialize_with = "clientgo_apimachinery::serde_util::exact_vec")]
///     items: Vec<String>,
/// }
/// let spec: Spec = serde_json::from_str(r#"{"items":["a"]}"#)?;
/// assert_eq!(spec.items.capacity(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn exact_vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut items = Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default();
    items.shrink_to_fit();
    Ok(items)
}

/// [`exact_vec`] for an optional list (`null` stays `None`).
pub fn exact_optional_vec<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut items = Option::<Vec<T>>::deserialize(deserializer)?;
    if let Some(items) = &mut items {
        items.shrink_to_fit();
    }
    Ok(items)
}
