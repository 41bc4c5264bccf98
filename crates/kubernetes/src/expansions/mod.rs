//! Hand-written verbs of particular resources (client-go's "expansions"): pod logs,
//! eviction, binding, ephemeral containers and resize, proxies, service-account tokens,
//! namespace finalize and certificate approval. Each is an inherent
//! method of [`Client<K>`](crate::Client) for that `K`, next to the generic verbs.

#[cfg(feature = "certificates")]
mod certificates;
#[cfg(feature = "core")]
mod events;
#[cfg(feature = "core")]
mod namespaces;
#[cfg(feature = "core")]
mod pods;
#[cfg(feature = "core")]
mod proxy;
#[cfg(all(feature = "core", feature = "authentication"))]
mod service_accounts;

#[cfg(feature = "core")]
pub use pods::PodLogOptions;
#[cfg(feature = "core")]
pub use proxy::Proxied;
