//! [`Lister`] and [`NamespaceLister`]: reads from an informer's indexer.

use std::fmt;
use std::sync::Arc;

use clientgo_apimachinery::labels::Selector;
use clientgo_apimachinery::{GroupResource, Resource, StatusError};
use clientgo_cache::{CacheObject, Indexer};

use crate::list::{list_all, list_all_by_namespace};

/// Lists and gets objects of type `K` from an informer's cache (client-go's generated
/// `XLister` and `GenericLister`). Cheap to clone: a handle on the shared indexer.
///
/// The returned `Arc<K>` are the cached objects themselves: do not mutate them.
pub struct Lister<K> {
    indexer: Indexer<K>,
    resource: GroupResource,
}

impl<K> Clone for Lister<K> {
    fn clone(&self) -> Self {
        Self {
            indexer: self.indexer.clone(),
            resource: self.resource.clone(),
        }
    }
}

impl<K> fmt::Debug for Lister<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lister")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl<K: CacheObject + Resource> Lister<K> {
    /// A lister of a typed resource over `indexer`; NotFound errors name the resource
    /// like client-go's generated listers (singular lower-case kind and group,
    /// e.g. `deployment.apps`).
    pub fn new(indexer: Indexer<K>) -> Self {
        Self::with_group_resource(
            indexer,
            GroupResource::new(K::GROUP, K::KIND.to_lowercase()),
        )
    }
}

impl<K: CacheObject> Lister<K> {
    /// A lister over `indexer` whose NotFound errors name `resource` (the generic
    /// listers of dynamic and metadata informers use the plural group-resource).
    pub fn with_group_resource(indexer: Indexer<K>, resource: GroupResource) -> Self {
        Self { indexer, resource }
    }

    /// The indexer underneath (for custom indexes: `by_index`, `index_keys`, ...).
    pub fn indexer(&self) -> &Indexer<K> {
        &self.indexer
    }

    /// The group-resource named by NotFound errors.
    pub fn group_resource(&self) -> &GroupResource {
        &self.resource
    }

    /// Every cached object (all namespaces) matching `selector`.
    pub fn list(&self, selector: &Selector) -> Vec<Arc<K>> {
        list_all(&self.indexer, selector)
    }

    /// The object with key `name`: the name of a cluster-scoped object, or
    /// `namespace/name` (prefer [`namespace`](Self::namespace)`(ns).get(name)`).
    ///
    /// # Errors
    ///
    /// NotFound (`<resource>.<group> "<name>" not found`) when the cache has no such object.
    pub fn get(&self, name: &str) -> Result<Arc<K>, StatusError> {
        self.lookup(name, name)
    }

    /// The objects of one namespace.
    pub fn namespace(&self, namespace: &str) -> NamespaceLister<K> {
        NamespaceLister {
            lister: self.clone(),
            namespace: namespace.to_owned(),
        }
    }

    fn lookup(&self, key: &str, name: &str) -> Result<Arc<K>, StatusError> {
        self.indexer
            .get_by_key(key)
            .ok_or_else(|| StatusError::new_not_found(&self.resource, name))
    }
}

/// The objects of one namespace of a [`Lister`] (client-go's `XNamespaceLister`).
pub struct NamespaceLister<K> {
    lister: Lister<K>,
    namespace: String,
}

impl<K> Clone for NamespaceLister<K> {
    fn clone(&self) -> Self {
        Self {
            lister: self.lister.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

impl<K> fmt::Debug for NamespaceLister<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NamespaceLister")
            .field("resource", &self.lister.resource)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl<K: CacheObject> NamespaceLister<K> {
    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The cached objects of the namespace matching `selector`.
    pub fn list(&self, selector: &Selector) -> Vec<Arc<K>> {
        list_all_by_namespace(&self.lister.indexer, &self.namespace, selector)
    }

    /// The object `name` of the namespace.
    ///
    /// # Errors
    ///
    /// NotFound (`<resource>.<group> "<name>" not found`) when the cache has no such object.
    pub fn get(&self, name: &str) -> Result<Arc<K>, StatusError> {
        let key = if self.namespace.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.namespace)
        };
        self.lister.lookup(&key, name)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use clientgo_apimachinery::ApiStatus;
    use clientgo_apimachinery::meta::{ObjectMeta, PartialObjectMetadata};
    use clientgo_apimachinery::resource::Scope;
    use clientgo_apimachinery::{Metadata, ObjectMeta as Meta};
    use clientgo_cache::namespace_indexers;

    pub(crate) fn object(
        ns: &str,
        name: &str,
        labels: &[(&str, &str)],
    ) -> Arc<PartialObjectMetadata> {
        let mut obj = PartialObjectMetadata {
            metadata: ObjectMeta::named(name),
            ..PartialObjectMetadata::default()
        };
        if !ns.is_empty() {
            obj.metadata.namespace = Some(ns.into());
        }
        for (k, v) in labels {
            obj.metadata.labels.insert((*k).into(), (*v).into());
        }
        Arc::new(obj)
    }

    /// A typed resource for the NotFound message of generated listers.
    #[derive(Debug, serde::Deserialize)]
    struct Deployment {
        metadata: Meta,
    }
    impl Resource for Deployment {
        const GROUP: &'static str = "apps";
        const VERSION: &'static str = "v1";
        const KIND: &'static str = "Deployment";
        const PLURAL: &'static str = "deployments";
        const SCOPE: Scope = Scope::Namespaced;
    }
    impl Metadata for Deployment {
        fn metadata(&self) -> &Meta {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut Meta {
            &mut self.metadata
        }
    }

    #[test]
    fn typed_lister_not_found_uses_the_singular_resource() {
        let indexer = Indexer::with_indexers(namespace_indexers());
        let mut d = Deployment {
            metadata: ObjectMeta::named("web"),
        };
        d.metadata.namespace = Some("prod".into());
        let d = Arc::new(d);
        indexer.add(Arc::clone(&d)).unwrap();
        let lister = Lister::new(indexer);
        assert_eq!(lister.group_resource().to_string(), "deployment.apps");
        let got = lister.namespace("prod").get("web").unwrap();
        assert!(
            Arc::ptr_eq(&got, &d),
            "the cached object itself, not a copy"
        );
        assert!(Arc::ptr_eq(&lister.get("prod/web").unwrap(), &d));
        let err = lister.namespace("dev").get("web").unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.to_string(), r#"deployment.apps "web" not found"#);
        assert_eq!(err.code(), 404);
        let err = lister.get("web").unwrap_err();
        assert_eq!(err.to_string(), r#"deployment.apps "web" not found"#);
    }

    /// The spirit of client-go's `dynamiclister` tests: list with selectors across and
    /// within namespaces, get by name, cluster-scoped objects.
    #[test]
    fn list_and_get_by_namespace_and_cluster_wide() {
        let indexer = Indexer::with_indexers(namespace_indexers());
        for obj in [
            object("ns-foo", "name-foo", &[("app", "foo")]),
            object("ns-foo", "name-foo1", &[("app", "foo")]),
            object("ns-bar", "name-bar", &[("app", "bar")]),
            object("", "node-1", &[("app", "foo")]),
        ] {
            indexer.add(obj).unwrap();
        }
        let lister = Lister::with_group_resource(indexer, GroupResource::new("group", "things"));
        let foo = Selector::parse("app=foo").unwrap();
        assert_eq!(lister.list(&foo).len(), 3);
        assert_eq!(lister.list(&Selector::everything()).len(), 4);
        assert!(lister.list(&Selector::nothing()).is_empty());
        assert_eq!(lister.namespace("ns-foo").list(&foo).len(), 2);
        assert!(lister.namespace("ns-bar").list(&foo).is_empty());
        assert_eq!(lister.namespace("").list(&foo).len(), 3);
        assert_eq!(
            lister.get("node-1").unwrap().metadata.name.as_deref(),
            Some("node-1")
        );
        assert_eq!(
            lister
                .namespace("")
                .get("node-1")
                .unwrap()
                .metadata
                .name
                .as_deref(),
            Some("node-1")
        );
        let err = lister.namespace("ns-bar").get("name-foo").unwrap_err();
        assert_eq!(err.to_string(), r#"things.group "name-foo" not found"#);
        assert_eq!(lister.namespace("ns-bar").namespace(), "ns-bar");
        assert!(format!("{:?}", lister.namespace("x")).contains("things"));
    }

    #[test]
    fn lister_sees_later_changes_of_the_indexer() {
        let indexer = Indexer::with_indexers(namespace_indexers());
        let lister = Lister::with_group_resource(indexer.clone(), GroupResource::new("", "pod"));
        assert!(lister.list(&Selector::everything()).is_empty());
        let obj = object("a", "x", &[]);
        indexer.add(Arc::clone(&obj)).unwrap();
        assert_eq!(lister.namespace("a").list(&Selector::everything()).len(), 1);
        indexer.delete(&obj).unwrap();
        assert!(lister.namespace("a").get("x").unwrap_err().is_not_found());
    }
}
