//! The matching loop shared by the expansions.

use std::sync::Arc;

use clientgo_apimachinery::labels::Selector;
use clientgo_apimachinery::meta::ObjectMeta;
use clientgo_cache::CacheObject;

use crate::labels::go_map;
use crate::{Error, Lister};

/// What an expansion looks for and reports.
pub(super) struct Search {
    /// Plural name for the "no labels" error (e.g. `ReplicaSets`).
    pub(super) plural: &'static str,
    /// Name for the "no match" error (e.g. `ReplicaSet`).
    pub(super) singular: &'static str,
    /// The kind of the object whose owners are searched (e.g. `pod`).
    pub(super) kind: &'static str,
    /// Whether an object without labels is an error before searching.
    pub(super) require_labels: bool,
    /// Whether an empty selector matches everything (`policy/v1` PDBs) instead of nothing.
    pub(super) empty_matches_all: bool,
}

/// The objects of `lister` in `meta`'s namespace whose selector (from `selector_of`;
/// `Err` = invalid, skipped) matches `meta`'s labels.
pub(super) fn matching<K: CacheObject>(
    lister: &Lister<K>,
    meta: &ObjectMeta,
    search: &Search,
    selector_of: impl Fn(&K) -> Result<Selector, clientgo_apimachinery::Error>,
) -> Result<Vec<Arc<K>>, Error> {
    let name = meta.name.as_deref().unwrap_or_default().to_owned();
    let labels = &meta.labels;
    if search.require_labels && labels.is_empty() {
        return Err(Error::NoLabels {
            wanted: search.plural,
            kind: search.kind,
            name,
        });
    }
    let namespace = meta.namespace.as_deref().unwrap_or_default().to_owned();
    let found: Vec<Arc<K>> = lister
        .namespace(&namespace)
        .list(&Selector::everything())
        .into_iter()
        .filter(|candidate| match selector_of(candidate) {
            Ok(selector) => {
                (search.empty_matches_all || !selector.is_empty()) && selector.matches(labels)
            }
            Err(error) => {
                tracing::debug!(%error, "skipping an object with an invalid selector");
                false
            }
        })
        .collect();
    if found.is_empty() {
        return Err(Error::NoMatch {
            wanted: search.singular,
            kind: search.kind,
            name,
            namespace,
            labels: go_map(labels),
        });
    }
    Ok(found)
}
