//! Index functions: secondary keys computed from objects, and the default namespace
//! index of informers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Error;
use crate::keys::KeyFunc;
use crate::object::CacheObject;

/// Computes the values of one index for an object (an object can have several, or
/// none). Index functions are infallible: an object an index cannot classify simply
/// has no value in it.
pub type IndexFunc<K> = Arc<dyn Fn(&K) -> Vec<String> + Send + Sync>;

/// Index functions by index name.
pub type Indexers<K> = HashMap<String, IndexFunc<K>>;

/// The name of the namespace index informers have by default.
pub const NAMESPACE_INDEX: &str = "namespace";

/// The namespace index: one value, the object's namespace (`""` for cluster-scoped
/// objects).
pub fn meta_namespace_index_func<K: CacheObject + ?Sized>(obj: &K) -> Vec<String> {
    vec![obj.object_namespace().unwrap_or_default().to_owned()]
}

/// `{ "namespace": meta_namespace_index_func }`, the default indexers of informers.
pub fn namespace_indexers<K: CacheObject>() -> Indexers<K> {
    let f: IndexFunc<K> = Arc::new(|o: &K| meta_namespace_index_func(o));
    HashMap::from([(NAMESPACE_INDEX.to_owned(), f)])
}

/// A key function from an index function that must give exactly one value.
pub fn index_func_to_key_func<K: 'static>(f: IndexFunc<K>) -> KeyFunc<K> {
    Arc::new(move |obj: &K| {
        let mut values = f(obj);
        match values.len() {
            0 => Err(Error::IndexKey("unexpected empty indexKeys".into())),
            1 => Ok(values.swap_remove(0)),
            _ => Err(Error::IndexKey(format!("too many keys: {values:?}"))),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clientgo_apimachinery::meta::ObjectMeta;

    #[test]
    fn namespace_index_and_key_func_adapter() {
        let mut m = ObjectMeta::named("a");
        assert_eq!(meta_namespace_index_func(&m), vec![String::new()]);
        m.namespace = Some("ns".into());
        assert_eq!(meta_namespace_index_func(&m), vec!["ns".to_owned()]);
        let indexers = namespace_indexers::<ObjectMeta>();
        let key = index_func_to_key_func(indexers[NAMESPACE_INDEX].clone());
        assert_eq!(key(&m).unwrap(), "ns");
        let none: IndexFunc<ObjectMeta> = Arc::new(|_| vec![]);
        assert_eq!(
            index_func_to_key_func(none)(&m).unwrap_err().to_string(),
            "unexpected empty indexKeys"
        );
        let two: IndexFunc<ObjectMeta> = Arc::new(|_| vec!["a".into(), "b".into()]);
        assert!(
            index_func_to_key_func(two)(&m)
                .unwrap_err()
                .to_string()
                .starts_with("too many keys")
        );
    }
}
