//! The dynamic client of client-go for Rust (client-go's `dynamic` package): every verb
//! for any group, version and resource, custom resources included, over
//! [`Unstructured`] objects, so programs can work with kinds they have no Rust types
//! for.
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_rest::Error> {
//! use clientgo_apimachinery::GroupVersionResource;
//! use clientgo_apimachinery::meta::ListOptions;
//! use clientgo_dynamic::DynamicClient;
//!
//! let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
//! let client = DynamicClient::new(&config)?;
//! let deployments = GroupVersionResource::new("apps", "v1", "deployments");
//! let list = client
//!     .resource(&deployments)
//!     .namespace("default")
//!     .list(&ListOptions::default())
//!     .await?;
//! for item in &list.items {
//!     println!("{}", item.name().unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

mod resource;

pub use clientgo_apimachinery::{Unstructured, UnstructuredList};
pub use resource::ResourceClient;

use clientgo_apimachinery::GroupVersionResource;
use clientgo_rest::{Config, RestClient, Result};

/// A client for any resource of one API server. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DynamicClient {
    rest: RestClient,
}

impl DynamicClient {
    /// A dynamic client for `config`.
    pub fn new(config: &Config) -> Result<Self> {
        Ok(Self::from_rest(RestClient::new(config)?))
    }

    /// A dynamic client sharing `rest`'s connections, rate limiter and settings.
    pub fn from_rest(rest: RestClient) -> Self {
        Self { rest }
    }

    /// The client for one resource (cluster-wide until [`ResourceClient::namespace`]).
    pub fn resource(&self, resource: &GroupVersionResource) -> ResourceClient {
        ResourceClient::new(self.rest.clone(), resource.clone())
    }
}
