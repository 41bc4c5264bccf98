//! The generic listing helpers of client-go's `tools/cache/listers.go`.

use std::sync::Arc;

use clientgo_apimachinery::labels::Selector;
use clientgo_cache::{CacheObject, Indexer, NAMESPACE_INDEX};

use crate::labels::ObjectLabels;

/// Every object of `store` matching `selector`: a selector that matches nothing gives
/// nothing, the empty selector everything (labels are not read).
pub fn list_all<K: CacheObject>(store: &Indexer<K>, selector: &Selector) -> Vec<Arc<K>> {
    if selector.is_nothing() {
        return Vec::new();
    }
    let all = store.list();
    if selector.is_empty() {
        return all;
    }
    all.into_iter()
        .filter(|obj| selector.matches(&ObjectLabels(obj.as_ref())))
        .collect()
}

/// The objects of `namespace` matching `selector` (`""`: every namespace, as
/// [`list_all`]). Uses the `namespace` index; without it, logs and scans every object.
pub fn list_all_by_namespace<K: CacheObject>(
    indexer: &Indexer<K>,
    namespace: &str,
    selector: &Selector,
) -> Vec<Arc<K>> {
    if namespace.is_empty() {
        return list_all(indexer, selector);
    }
    if selector.is_nothing() {
        return Vec::new();
    }
    let in_namespace = match indexer.by_index(NAMESPACE_INDEX, namespace) {
        Ok(items) => items,
        Err(error) => {
            tracing::warn!(%error, namespace, "no namespace index; scanning every object");
            indexer
                .list()
                .into_iter()
                .filter(|obj| obj.object_namespace().unwrap_or_default() == namespace)
                .collect()
        }
    };
    if selector.is_empty() {
        return in_namespace;
    }
    in_namespace
        .into_iter()
        .filter(|obj| selector.matches(&ObjectLabels(obj.as_ref())))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::lister::tests::object;
    use clientgo_cache::namespace_indexers;

    fn names<K: CacheObject>(mut items: Vec<Arc<K>>) -> Vec<String> {
        let mut out: Vec<String> = items
            .drain(..)
            .map(|o| {
                format!(
                    "{}/{}",
                    o.object_namespace().unwrap_or_default(),
                    o.object_name().unwrap_or_default()
                )
            })
            .collect();
        out.sort();
        out
    }

    fn fill(indexer: &Indexer<clientgo_apimachinery::meta::PartialObjectMetadata>) {
        indexer.add(object("a", "one", &[("app", "web")])).unwrap();
        indexer.add(object("a", "two", &[("app", "db")])).unwrap();
        indexer.add(object("b", "one", &[("app", "web")])).unwrap();
        indexer.add(object("", "global", &[])).unwrap();
    }

    /// client-go's `TestListAll`-style rules: nothing, everything, label match.
    #[test]
    fn list_all_rules() {
        let indexer = Indexer::with_indexers(namespace_indexers());
        fill(&indexer);
        assert!(list_all(&indexer, &Selector::nothing()).is_empty());
        assert_eq!(list_all(&indexer, &Selector::everything()).len(), 4);
        assert_eq!(
            names(list_all(&indexer, &Selector::parse("app=web").unwrap())),
            ["a/one", "b/one"]
        );
        assert_eq!(
            names(list_all(&indexer, &Selector::parse("!app").unwrap())),
            ["/global"]
        );
    }

    #[test]
    fn by_namespace_uses_index_and_falls_back_to_a_scan() {
        let indexed = Indexer::with_indexers(namespace_indexers());
        let plain = Indexer::new();
        fill(&indexed);
        fill(&plain);
        for indexer in [&indexed, &plain] {
            assert_eq!(
                names(list_all_by_namespace(indexer, "a", &Selector::everything())),
                ["a/one", "a/two"]
            );
            assert_eq!(
                names(list_all_by_namespace(
                    indexer,
                    "a",
                    &Selector::parse("app in (db)").unwrap()
                )),
                ["a/two"]
            );
            assert!(list_all_by_namespace(indexer, "a", &Selector::nothing()).is_empty());
            assert!(list_all_by_namespace(indexer, "c", &Selector::everything()).is_empty());
            assert_eq!(
                list_all_by_namespace(indexer, "", &Selector::everything()).len(),
                4
            );
        }
    }
}
