//! The typed Kubernetes clientset (client-go's `kubernetes` package).
//!
//! [`Clientset`] has an accessor per group-version (`core_v1()`, `apps_v1()`, ...) with a
//! method per resource returning a [`Client<K>`]: ONE generic typed client over the
//! [`Resource`](clientgo_apimachinery::Resource) trait with get, list, watch, create,
//! update, update_status, patch (JSON, merge, strategic merge, apply), apply,
//! apply_status, delete, delete_collection and get/update scale. Each verb is offered
//! only when the API serves it for the resource. The types come from `clientgo-api`;
//! this crate's features (`core`, `apps`, ..., `all`) choose which groups compile.
//!
//! [`finalizer`] adds and removes finalizers safely under concurrent writers and runs
//! a controller's cleanup before an object goes.
//!
//! ```no_run
//! # #[cfg(feature = "core")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use clientgo_apimachinery::meta::ListOptions;
//! use clientgo_kubernetes::Clientset;
//!
//! let config = clientgo_rest::Config::in_cluster()?;
//! let clientset = Clientset::new(&config)?;
//! let pods = clientset.core_v1().pods("default").list(&ListOptions::default()).await?;
//! for pod in &pods.items {
//!     println!("{}", pod.metadata.name.as_deref().unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

mod client;
mod clientset;
mod expansions;
pub mod finalizer;
mod generated;

pub use client::Client;
pub use clientset::Clientset;
#[cfg(feature = "core")]
pub use expansions::{PodLogOptions, Proxied};
#[allow(unused_imports)] // empty when no API group feature is on
pub use generated::*;
