//! The metadata-only client of client-go for Rust (client-go's `metadata` package):
//! get, list, watch, patch and delete any resource, receiving only each object's type
//! and object metadata ([`PartialObjectMetadata`]) — names, labels, annotations, owners,
//! resource versions — never its spec, status or data. Lists of large objects cost a
//! fraction of the bytes and memory of a full list.
//!
//! The server is asked for the `meta.k8s.io/v1` `PartialObjectMetadata(List)`
//! transformation; when a server or proxy ignores it, full objects are accepted if they
//! look like objects with metadata (and reduced to it), else the call fails with
//! "object does not appear to match the ObjectMeta schema".
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_rest::Error> {
//! use clientgo_apimachinery::GroupVersionResource;
//! use clientgo_apimachinery::meta::ListOptions;
//! use clientgo_metadata::MetadataClient;
//!
//! let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
//! let client = MetadataClient::new(&config)?;
//! let secrets = GroupVersionResource::new("", "v1", "secrets");
//! let list = client
//!     .resource(&secrets)
//!     .namespace("default")
//!     .list(&ListOptions::default())
//!     .await?;
//! for item in &list.items {
//!     println!("{:?} {:?}", item.metadata.name, item.metadata.labels);
//! }
//! # Ok(()) }
//! ```

mod convert;
mod resource;

pub use clientgo_apimachinery::meta::{PartialObjectMetadata, PartialObjectMetadataList};
pub use resource::MetadataResourceClient;

use clientgo_apimachinery::GroupVersionResource;
use clientgo_dynamic::DynamicClient;
use clientgo_rest::{Config, RestClient, Result};

/// `Accept` of get, patch and watch: metadata of one object, else plain JSON
/// (apimachinery's `AS_PARTIAL_OBJECT_METADATA_JSON` first).
pub const ACCEPT_OBJECT: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
/// `Accept` of list: metadata of a list, else plain JSON (apimachinery's
/// `AS_PARTIAL_OBJECT_METADATA_LIST_JSON` first).
pub const ACCEPT_LIST: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// A metadata-only client for any resource of one API server. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MetadataClient {
    /// Requests that answer one object (or watch events).
    objects: DynamicClient,
    /// Requests that answer a list.
    lists: DynamicClient,
    /// Deletions (their answers are not returned, so need no transformation).
    plain: DynamicClient,
}

impl MetadataClient {
    /// A metadata client for `config` (its `accept` is replaced for reads; every
    /// request shares one client-side rate limiter).
    pub fn new(config: &Config) -> Result<Self> {
        let objects = RestClient::new(&Config {
            accept: Some(ACCEPT_OBJECT.into()),
            ..config.clone()
        })?;
        let sharing = |accept: Option<String>| Config {
            accept,
            rate_limiter: objects.rate_limiter().cloned(),
            qps: if objects.rate_limiter().is_some() {
                config.qps
            } else {
                -1.0
            },
            ..config.clone()
        };
        let lists = RestClient::new(&sharing(Some(ACCEPT_LIST.into())))?;
        let plain = RestClient::new(&sharing(config.accept.clone()))?;
        Ok(Self {
            objects: DynamicClient::from_rest(objects),
            lists: DynamicClient::from_rest(lists),
            plain: DynamicClient::from_rest(plain),
        })
    }

    /// The client for one resource (cluster-wide until
    /// [`MetadataResourceClient::namespace`]).
    pub fn resource(&self, resource: &GroupVersionResource) -> MetadataResourceClient {
        MetadataResourceClient::new(
            self.objects.resource(resource),
            self.lists.resource(resource),
            self.plain.resource(resource),
        )
    }
}
