//! Serde helpers shared by hand-written and generated API types.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{SeqAccess, Visitor};
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
    Ok(Option::<ExactVec<T>>::deserialize(deserializer)?.map_or_else(Vec::new, |items| items.0))
}

/// [`exact_vec`] for an optional list (`null` stays `None`).
pub fn exact_optional_vec<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<ExactVec<T>>::deserialize(deserializer)?.map(|items| items.0))
}

/// A list decoded into a vector of exactly its length (see [`collect_exact`]).
struct ExactVec<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ExactVec<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ItemsVisitor<T> {
            type Value = ExactVec<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                collect_exact(|| seq.next_element()).map(ExactVec)
            }
        }

        deserializer.deserialize_seq(ItemsVisitor(PhantomData))
    }
}

/// How many items [`collect_exact`] holds on the stack before it allocates.
const ON_STACK: usize = 4;

/// Collects the items `next` reads, until it returns `None`, into a vector of exactly
/// their number. The first few wait on the stack, so a short list (most lists of API
/// objects hold one to four items) costs one allocation of its exact size; a vector
/// grown from empty costs two (room for four, then the shrink), and keeps the spare
/// room if not shrunk.
pub(crate) fn collect_exact<T, E>(
    mut next: impl FnMut() -> Result<Option<T>, E>,
) -> Result<Vec<T>, E> {
    let mut first: [Option<T>; ON_STACK] = std::array::from_fn(|_| None);
    let mut buffered = 0;
    while buffered < ON_STACK {
        match next()? {
            Some(item) => {
                first[buffered] = Some(item);
                buffered += 1;
            }
            None => break,
        }
    }
    let after = if buffered == ON_STACK { next()? } else { None };
    let Some(after) = after else {
        let mut items = Vec::with_capacity(buffered);
        items.extend(first.into_iter().flatten());
        return Ok(items);
    };
    let mut items = Vec::with_capacity(2 * ON_STACK);
    items.extend(first.into_iter().flatten());
    items.push(after);
    while let Some(item) = next()? {
        items.push(item);
    }
    items.shrink_to_fit();
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_every_short_length_are_exact() {
        for len in 0..=20usize {
            let items: Vec<usize> = (0..len).collect();
            let json = serde_json::to_string(&items).unwrap();
            let mut de = serde_json::Deserializer::from_str(&json);
            let decoded: Vec<usize> = exact_vec(&mut de).unwrap();
            assert_eq!(decoded, items);
            assert_eq!(decoded.capacity(), len, "{len} items");
        }
        let mut de = serde_json::Deserializer::from_str("null");
        assert_eq!(exact_optional_vec::<_, u8>(&mut de).unwrap(), None);
        let mut de = serde_json::Deserializer::from_str("[1,\"x\"]");
        assert!(exact_vec::<_, u8>(&mut de).is_err());
    }
}
