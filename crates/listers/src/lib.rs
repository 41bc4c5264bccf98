//! client-go's `listers` for Rust: read objects from an informer's cache instead of the
//! API server.
//!
//! A [`Lister<K>`] wraps the [`Indexer`](clientgo_cache::Indexer) of a
//! [`SharedIndexInformer`](clientgo_cache::SharedIndexInformer). It never copies objects:
//! every call hands out the cached `Arc<K>` values, which **must be treated as read-only**
//! (clone the inner value before changing it).
//!
//! * [`Lister::list`]: every cached object matching a label selector.
//! * [`Lister::get`]: one object by key (`name` for cluster-scoped resources).
//! * [`Lister::namespace`] → [`NamespaceLister`]: `list` and `get` within one namespace,
//!   through the informer's `namespace` index when it has one.
//! * A missing object is a NotFound [`StatusError`](clientgo_apimachinery::StatusError)
//!   with client-go's message, `<resource>.<group> "<name>" not found` (singular,
//!   lower-case resource: `pod "web" not found`, `deployment.apps "web" not found`).
//! * Generated aliases per group-version (`core_v1::PodLister`, `apps_v1::DeploymentLister`,
//!   ...) behind one Cargo feature per API group, and client-go's lister expansions
//!   ([`Lister::get_pod_replica_sets`](Lister) and friends) for the workload types.
//! * [`list_all`] and [`list_all_by_namespace`]: the generic helpers underneath.
//!
//! ```
//! use std::sync::Arc;
//! use clientgo_apimachinery::ApiStatus;
//! use clientgo_apimachinery::labels::Selector;
//! use clientgo_apimachinery::meta::{ObjectMeta, PartialObjectMetadata};
//! use clientgo_apimachinery::GroupResource;
//! use clientgo_cache::{Indexer, namespace_indexers};
//! use clientgo_listers::Lister;
//!
//! let indexer = Indexer::with_indexers(namespace_indexers());
//! for (ns, name, app) in [("prod", "web", "web"), ("prod", "db", "db"), ("dev", "web", "web")] {
//!     let mut obj = PartialObjectMetadata::default();
//!     obj.metadata = ObjectMeta::named(name);
//!     obj.metadata.namespace = Some(ns.into());
//!     obj.metadata.labels.insert("app".into(), app.into());
//!     indexer.add(Arc::new(obj))?;
//! }
//! let lister = Lister::with_group_resource(indexer, GroupResource::new("", "configmap"));
//!
//! let web = Selector::parse("app=web")?;
//! assert_eq!(lister.list(&web).len(), 2);
//! assert_eq!(lister.namespace("prod").list(&web).len(), 1);
//! assert!(lister.namespace("prod").get("db").is_ok());
//! let missing = lister.namespace("dev").get("db").unwrap_err();
//! assert!(missing.is_not_found());
//! assert_eq!(missing.to_string(), r#"configmap "db" not found"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod expansions;
mod labels;
mod list;
mod lister;

#[allow(unused_imports)]
mod generated;

#[allow(unused_imports)]
pub use generated::*;

pub use error::Error;
pub use list::{list_all, list_all_by_namespace};
pub use lister::{Lister, NamespaceLister};
