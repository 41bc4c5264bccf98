//! The polymorphic scale client of client-go for Rust (client-go's `scale` package):
//! read and change the replicas of anything with a `/scale` subresource — deployments,
//! replica sets, stateful sets, replication controllers, custom resources — always as
//! an autoscaling/v1 [`Scale`], whichever Scale version the server speaks for it.
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_scale::Error> {
//! use std::sync::Arc;
//!
//! use clientgo_apimachinery::GroupResource;
//! use clientgo_discovery::restmapper::DeferredDiscoveryRestMapper;
//! use clientgo_discovery::{DiscoveryClient, MemCacheClient};
//! use clientgo_scale::{DiscoveryScaleKindResolver, ScaleClient};
//!
//! let config = clientgo_rest::Config::new("https://127.0.0.1:6443");
//! let discovery = Arc::new(MemCacheClient::new(DiscoveryClient::new(&config)?));
//! let client = ScaleClient::new(
//!     &config,
//!     Arc::new(DeferredDiscoveryRestMapper::new(Arc::clone(&discovery))),
//!     Arc::new(DiscoveryScaleKindResolver::new(discovery)),
//! )?;
//! let deployments = GroupResource::new("apps", "deployments");
//! let scales = client.scales("default");
//! let mut scale = scales.get(&deployments, "web", &Default::default()).await?;
//! scale.spec = Some(clientgo_scale::ScaleSpec { replicas: Some(3) });
//! scales.update(&deployments, &scale, &Default::default()).await?;
//! # Ok(()) }
//! ```

mod client;
mod convert;
mod error;
mod resolver;

pub use client::{ScaleClient, Scales};
/// The autoscaling/v1 `Scale` every version is converted to (the generated API type).
pub use clientgo_api::autoscaling::v1::{Scale, ScaleSpec, ScaleStatus};
pub use error::{Error, Result};
pub use resolver::{DiscoveryScaleKindResolver, ScaleKindResolver};
