//! [`StringMap`]: the map type of API objects (labels, annotations, `ConfigMap.data`,
//! resource lists, ...): string keys kept sorted in one compact vector.
//!
//! API objects hold many small maps: two labels, three annotations, a `cpu` and a
//! `memory` request. A `BTreeMap` allocates a whole B-tree node (about half a kilobyte)
//! for even one entry, which dominated the memory of cached objects; a sorted vector
//! costs exactly its entries. Lookups are binary searches, so large maps stay fine; the
//! order of iteration and of the JSON is the key order, as with `BTreeMap`.
//!
//! ```
//! use clientgo_apimachinery::StringMap;
//!
//! let mut labels: StringMap = StringMap::from([("tier", "web".into())]);
//! labels.insert("app".into(), "shop".into());
//! labels.insert("env".into(), "prod".into());
//! assert_eq!(labels.get_str("app"), Some("shop"));
//! assert_eq!(labels.keys().collect::<Vec<_>>(), ["app", "env", "tier"]);
//! assert_eq!(serde_json::to_string(&labels)?, r#"{"app":"shop","env":"prod","tier":"web"}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Str;

/// A map from [`Str`] keys to `V` (by default [`Str`]), sorted by key, stored in one
/// vector.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StringMap<V = Str> {
    entries: Vec<(Str, V)>,
}

impl<V> Default for StringMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> StringMap<V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<&V> {
        let index = self.position(key.borrow()).ok()?;
        self.entries.get(index).map(|(_, v)| v)
    }

    /// The value of `key`, mutably.
    pub fn get_mut<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<&mut V> {
        let index = self.position(key.borrow()).ok()?;
        self.entries.get_mut(index).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> bool {
        self.position(key.borrow()).is_ok()
    }

    /// Sets `key` to `value`, returning the previous value.
    pub fn insert(&mut self, key: Str, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(index) => self
                .entries
                .get_mut(index)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(index) => {
                self.entries.insert(index, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<V> {
        let index = self.position(key.borrow()).ok()?;
        Some(self.entries.remove(index).1)
    }

    /// The value of `key`, inserting `default()` first if it is missing.
    pub fn get_or_insert_with(&mut self, key: &str, default: impl FnOnce() -> V) -> &mut V {
        let index = match self.position(key) {
            Ok(index) => index,
            Err(index) => {
                self.entries.insert(index, (key.into(), default()));
                index
            }
        };
        &mut self.entries[index].1
    }

    /// How many entries fit without reallocating.
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// Makes room for exactly `additional` more entries.
    pub fn reserve_exact(&mut self, additional: usize) {
        self.entries.reserve_exact(additional);
    }

    /// Drops spare capacity (after entries were inserted one by one).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter(self.entries.iter())
    }

    /// The entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Str, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Builds a map from entries in any order; a repeated key keeps its last value.
    fn from_unsorted(mut entries: Vec<(Str, V)>) -> Self {
        // Stable sort: among equal keys the original order remains, so keeping the last
        // of each run keeps the last value given.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Str, V)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match out.last_mut() {
                Some(last) if last.0 == key => last.1 = value,
                _ => out.push((key, value)),
            }
        }
        out.shrink_to_fit();
        Self { entries: out }
    }
}

impl<V: AsRef<str>> StringMap<V> {
    /// The value of `key` as text (`labels.get_str("app") == Some("web")`).
    pub fn get_str<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<&str> {
        self.get(key).map(AsRef::as_ref)
    }
}

impl<V: fmt::Debug> fmt::Debug for StringMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over the entries of a [`StringMap`] in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a, V>(std::slice::Iter<'a, (Str, V)>);

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Str, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<V> DoubleEndedIterator for Iter<'_, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<'a, V> IntoIterator for &'a StringMap<V> {
    type Item = (&'a Str, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IntoIterator for StringMap<V> {
    type Item = (Str, V);
    type IntoIter = std::vec::IntoIter<(Str, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// Collects pairs whose keys convert into [`Str`] and values into `V` (`String`s into a
/// map of [`Str`]s, say); a repeated key keeps its last value.
impl<K: Into<Str>, V, W: Into<V>> FromIterator<(K, W)> for StringMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, W)>>(entries: I) -> Self {
        Self::from_unsorted(
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<K: Into<Str>, V> Extend<(K, V)> for StringMap<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key.into(), value);
        }
    }
}

impl<K: Into<Str>, V, const N: usize> From<[(K, V); N]> for StringMap<V> {
    fn from(entries: [(K, V); N]) -> Self {
        Self::from_unsorted(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<V, W: Into<V>> From<std::collections::BTreeMap<String, W>> for StringMap<V> {
    fn from(map: std::collections::BTreeMap<String, W>) -> Self {
        // Already sorted and unique.
        Self {
            entries: map.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }
}

impl<V> From<StringMap<V>> for std::collections::BTreeMap<String, V> {
    fn from(map: StringMap<V>) -> Self {
        map.entries
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect()
    }
}

impl<V, Q: Borrow<str> + ?Sized> std::ops::Index<&Q> for StringMap<V> {
    type Output = V;

    /// The value of `key`; panics when it is missing, like `BTreeMap`'s index.
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no entry for key {:?}", key.borrow()),
        }
    }
}

impl<V: Serialize> Serialize for StringMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for StringMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = StringMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map with string keys")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let entries = crate::serde_util::collect_exact(|| access.next_entry::<Str, V>())?;
                // JSON from the API server is already sorted: check before sorting.
                if entries.windows(2).all(|pair| pair[0].0 < pair[1].0) {
                    Ok(StringMap { entries })
                } else {
                    Ok(StringMap::from_unsorted(entries))
                }
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_sorted_and_unique() {
        let mut map: StringMap<i32> = [("b", 2), ("a", 1), ("b", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(
            map.iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect::<Vec<_>>(),
            [("a", 1), ("b", 3)]
        );
        assert_eq!(map.insert("c".into(), 4), None);
        assert_eq!(map.insert("a".into(), 5), Some(1));
        assert_eq!(map.remove("b"), Some(3));
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "c"]);
        assert!(map.contains_key("c") && !map.contains_key("b"));
        *map.get_or_insert_with("d", || 0) += 7;
        assert_eq!(map["d"], 7);
    }

    #[test]
    fn json_round_trip_matches_btreemap() {
        let json = r#"{"z":"1","a":"2","m":"3","a":"4"}"#;
        let ours: StringMap = serde_json::from_str(json).unwrap();
        let theirs: std::collections::BTreeMap<String, String> =
            serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
        let converted: StringMap<String> = StringMap::from(theirs);
        let expected: Vec<(&str, &str)> = ours.iter().map(|(k, v)| (&**k, &**v)).collect();
        let got: Vec<(&str, &str)> = converted.iter().map(|(k, v)| (&**k, v.as_str())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn decoded_maps_hold_no_spare_capacity() {
        let map: StringMap = serde_json::from_str(r#"{"a":"1","b":"2","c":"3"}"#).unwrap();
        assert_eq!(map.entries.capacity(), 3);
    }

    #[test]
    fn rejects_non_maps_with_an_error() {
        assert!(serde_json::from_str::<StringMap>("[1,2]").is_err());
        assert!(serde_json::from_str::<StringMap<i32>>(r#"{"a":"x"}"#).is_err());
    }
}
