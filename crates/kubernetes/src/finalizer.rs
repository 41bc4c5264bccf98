//! Finalizers: adding and removing one without losing anybody else's, and the
//! add → reconcile → clean up → remove cycle every controller with external state runs.
//!
//! Rules:
//! - Every write is a merge patch of `metadata.finalizers` carrying the object's
//!   `metadata.resourceVersion` (when it has one, as every object read from the
//!   server does), so it applies only to the version the caller read: a
//!   concurrent change of the object is a 409 conflict (`ApiStatus::is_conflict`), never
//!   a lost finalizer. Re-read (or wait for the next informer event) and retry.
//! - Adding a finalizer the object has, or removing one it lacks, sends nothing.
//! - [`run`] never adds a finalizer to an object that is being deleted (the server
//!   would refuse it), and removes its own only after the cleanup succeeded.

use std::future::Future;

use clientgo_apimachinery::meta::PatchOptions;
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::resource::verb;
use clientgo_apimachinery::{Metadata, Resource, Str};
use clientgo_rest::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::client::{Client, required_name};

/// What [`run`] found and did.
#[derive(Debug)]
pub enum Finalized<K> {
    /// The object lives and carries the finalizer (added now if it was missing, in which
    /// case this is the updated object): reconcile it.
    Live(K),
    /// The object was being deleted: the cleanup ran and the finalizer was removed.
    CleanedUp,
    /// The object is being deleted and does not carry the finalizer: nothing to do.
    Deleting,
}

/// Why [`run`] failed.
#[derive(Debug, thiserror::Error)]
pub enum FinalizerError<E> {
    /// The cleanup failed; the finalizer stays, so deletion waits for a later success.
    #[error("cleanup before removing the finalizer failed: {0}")]
    Cleanup(#[source] E),
    /// Adding or removing the finalizer failed (a conflict when the object changed).
    #[error("updating the finalizers: {0}")]
    Api(#[source] clientgo_rest::Error),
}

/// Adds `finalizer` to `object` (as read from the server) unless it has it; returns
/// the object as the server now has it.
pub async fn add<K>(client: &Client<K>, object: &K, finalizer: &str) -> Result<K>
where
    K: Resource + Metadata + Serialize + DeserializeOwned + Clone + verb::Patch + 'static,
{
    let current = &object.metadata().finalizers;
    if current.iter().any(|f| f == finalizer) {
        return Ok(object.clone());
    }
    let mut finalizers = current.clone();
    finalizers.push(finalizer.into());
    write(client, object, finalizers).await
}

/// Removes `finalizer` from `object` (as read from the server) if it has it, keeping
/// the others; returns the object as the server now has it (which may be gone from
/// the server if it was the last finalizer of a deleted object).
pub async fn remove<K>(client: &Client<K>, object: &K, finalizer: &str) -> Result<K>
where
    K: Resource + Metadata + Serialize + DeserializeOwned + Clone + verb::Patch + 'static,
{
    let current = &object.metadata().finalizers;
    if !current.iter().any(|f| f == finalizer) {
        return Ok(object.clone());
    }
    let finalizers = current
        .iter()
        .filter(|f| *f != finalizer)
        .cloned()
        .collect();
    write(client, object, finalizers).await
}

/// One step of the finalizer cycle for `object`: a live object gets `finalizer` (and is
/// returned to be reconciled); a deleted one carrying it gets `cleanup`, then loses it.
pub async fn run<K, F, Fut, E>(
    client: &Client<K>,
    object: &K,
    finalizer: &str,
    cleanup: F,
) -> std::result::Result<Finalized<K>, FinalizerError<E>>
where
    K: Resource + Metadata + Serialize + DeserializeOwned + Clone + verb::Patch + 'static,
    F: FnOnce(&K) -> Fut,
    Fut: Future<Output = std::result::Result<(), E>>,
{
    let has_it = object.metadata().finalizers.iter().any(|f| f == finalizer);
    if object.metadata().deletion_timestamp.is_none() {
        return add(client, object, finalizer)
            .await
            .map(Finalized::Live)
            .map_err(FinalizerError::Api);
    }
    if !has_it {
        return Ok(Finalized::Deleting);
    }
    cleanup(object).await.map_err(FinalizerError::Cleanup)?;
    remove(client, object, finalizer)
        .await
        .map_err(FinalizerError::Api)?;
    Ok(Finalized::CleanedUp)
}

/// Sets the finalizers of `object` to `finalizers`, on condition that the object is
/// still at the version read.
async fn write<K>(client: &Client<K>, object: &K, finalizers: Vec<Str>) -> Result<K>
where
    K: Resource + Metadata + Serialize + DeserializeOwned + verb::Patch + 'static,
{
    let name = required_name(object)?;
    let mut metadata = json!({ "finalizers": finalizers });
    if let Some(version) = object.resource_version().filter(|v| !v.is_empty()) {
        metadata["resourceVersion"] = version.into();
    }
    let patch = json!({ "metadata": metadata });
    client
        .patch(name, PatchType::Merge, &patch, &PatchOptions::default())
        .await
}
