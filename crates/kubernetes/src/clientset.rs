//! [`Clientset`]: one typed client per resource of every group-version, sharing one
//! REST client (one connection pool, one rate limiter).

use clientgo_apimachinery::Resource;
use clientgo_rest::{Config, RestClient, Result};

use crate::Client;

/// The typed clientset: `clientset.core_v1().pods("default")`,
/// `clientset.apps_v1().deployments("ns")`, ... Accessors of a group-version exist when
/// its Cargo feature (`core`, `apps`, ... or `all`) is on.
///
/// Every client it hands out shares one [`RestClient`]: one HTTP connection pool and one
/// client-side rate limiter for all groups.
#[derive(Clone, Debug)]
pub struct Clientset {
    rest: RestClient,
}

impl Clientset {
    /// A clientset for the server of `config`.
    pub fn new(config: &Config) -> Result<Self> {
        Ok(Self::from_rest(RestClient::new(config)?))
    }

    /// A clientset over an existing REST client.
    pub fn from_rest(rest: RestClient) -> Self {
        Self { rest }
    }

    /// The REST client underneath.
    pub fn rest_client(&self) -> &RestClient {
        &self.rest
    }

    /// The client of any namespaced resource type, including custom resources.
    pub fn namespaced<K: Resource + 'static>(&self, namespace: &str) -> Client<K> {
        Client::new(self.rest.clone(), namespace)
    }

    /// The client of any cluster-scoped resource type (or of a namespaced one across all
    /// namespaces).
    pub fn cluster<K: Resource + 'static>(&self) -> Client<K> {
        Client::new(self.rest.clone(), "")
    }
}
