//! Label access for any cached object, so selectors can match it.

use clientgo_apimachinery::StringMap;
use clientgo_apimachinery::labels::Labels;
use clientgo_cache::CacheObject;

/// The labels of a cached object, read through [`CacheObject::object_label`].
pub(crate) struct ObjectLabels<'a, K: ?Sized>(pub(crate) &'a K);

impl<K: CacheObject + ?Sized> Labels for ObjectLabels<'_, K> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.0.object_label(key)
    }
}

/// Go's `%v` of a `map[string]string`: `map[k1:v1 k2:v2]`, keys sorted.
#[cfg_attr(not(any(feature = "core", feature = "apps")), allow(dead_code))]
pub(crate) fn go_map(labels: &StringMap) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", pairs.join(" "))
}
