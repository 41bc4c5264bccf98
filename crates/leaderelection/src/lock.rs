//! The lock an election competes for: the [`ResourceLock`] trait and [`LeaseLock`], the
//! lock on a `coordination.k8s.io/v1` Lease (client-go's `resourcelock` package).

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::coordination::v1::Lease;
use clientgo_apimachinery::meta::{CreateOptions, GetOptions, ObjectMeta, UpdateOptions};
use clientgo_apimachinery::{Str, StringMap};
use clientgo_kubernetes::{Client, Clientset};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;

use crate::record::LeaderElectionRecord;
use crate::{Error, Result};

/// The only lock type client-go still supports.
pub const LEASES_RESOURCE_LOCK: &str = "leases";

/// The lock leader election competes for (client-go's `resourcelock.Interface`).
///
/// Implemented by [`LeaseLock`]; other implementations (an in-memory lock for tests, a
/// migration lock over two objects) plug into the
/// [`LeaderElector`](crate::LeaderElector) the same way.
pub trait ResourceLock: Send + Sync {
    /// Reads the record and its raw form (compared byte-wise to notice changes).
    fn get(&self) -> BoxFuture<'_, Result<(LeaderElectionRecord, Vec<u8>)>>;
    /// Creates the lock object holding `record`.
    fn create(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>>;
    /// Replaces the record of the lock object read or created last (optimistic
    /// concurrency: a concurrent change makes this fail with a conflict).
    fn update(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>>;
    /// Records an event about the lock (`"became leader"`, `"stopped leading"`).
    fn record_event(&self, message: &str);
    /// The identity of this candidate.
    fn identity(&self) -> &str;
    /// A human-readable name of the lock (`<namespace>/<name>`).
    fn describe(&self) -> String;
}

/// Receives the events a lock records about itself: event type `Normal`, reason
/// `LeaderElection`, message `"<identity> <what happened>"`, regarding the Lease.
///
/// Any `Fn(&Lease, &str, &str, &str) + Send + Sync` (lease, type, reason, message) is
/// one; an event recorder of `clientgo-record` fits in such a closure.
pub trait LockEventRecorder: Send + Sync {
    /// Records one event about `lease`.
    fn event(&self, lease: &Lease, event_type: &str, reason: &str, message: &str);
}

impl<F> LockEventRecorder for F
where
    F: Fn(&Lease, &str, &str, &str) + Send + Sync,
{
    fn event(&self, lease: &Lease, event_type: &str, reason: &str, message: &str) {
        self(lease, event_type, reason, message);
    }
}

/// What identifies a candidate and where its lock events go (client-go's
/// `ResourceLockConfig`).
#[derive(Clone, Default)]
pub struct ResourceLockConfig {
    /// The unique identity of this candidate (often the pod name); must not be empty.
    pub identity: String,
    /// Where lock events go; none: not recorded.
    pub event_recorder: Option<Arc<dyn LockEventRecorder>>,
}

impl std::fmt::Debug for ResourceLockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceLockConfig")
            .field("identity", &self.identity)
            .field("event_recorder", &self.event_recorder.is_some())
            .finish()
    }
}

/// A lock on the Lease `<namespace>/<name>`: the record lives in the Lease spec, and
/// updates carry the resourceVersion of the Lease read or written last.
pub struct LeaseLock {
    client: Client<Lease>,
    namespace: Str,
    name: Str,
    config: ResourceLockConfig,
    labels: StringMap,
    /// The Lease as last read or written.
    lease: Mutex<Option<Lease>>,
}

impl std::fmt::Debug for LeaseLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseLock")
            .field("lease", &self.describe())
            .field("config", &self.config)
            .finish()
    }
}

impl LeaseLock {
    /// The lock on Lease `namespace/name` for the candidate of `config`.
    pub fn new(
        clientset: &Clientset,
        namespace: &str,
        name: &str,
        config: ResourceLockConfig,
    ) -> Self {
        Self {
            client: clientset.coordination_v1().leases(namespace),
            namespace: namespace.into(),
            name: name.into(),
            config,
            labels: StringMap::new(),
            lease: Mutex::new(None),
        }
    }

    /// Applies `labels` to the Lease on create and merges them into its labels on every
    /// update (client-go's `NewWithLabels`).
    pub fn with_labels(mut self, labels: impl Into<StringMap>) -> Self {
        self.labels = labels.into();
        self
    }

    /// The Lease as last read or written, if any.
    pub fn cached_lease(&self) -> Option<Lease> {
        self.lease.lock().clone()
    }

    async fn get_lease(&self) -> Result<(LeaderElectionRecord, Vec<u8>)> {
        let lease = self.client.get(&self.name, &GetOptions::default()).await?;
        let record = lease
            .spec
            .as_deref()
            .map(LeaderElectionRecord::from_lease_spec)
            .unwrap_or_default();
        let raw = record.to_raw()?;
        *self.lease.lock() = Some(lease);
        Ok((record, raw))
    }

    async fn create_lease(&self, record: LeaderElectionRecord) -> Result<()> {
        let lease = Lease {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(self.namespace.clone()),
                labels: self.labels.clone(),
                ..ObjectMeta::default()
            },
            spec: Some(Box::new(record.to_lease_spec())),
            ..Lease::default()
        };
        let created = self
            .client
            .create(&lease, &CreateOptions::default())
            .await?;
        *self.lease.lock() = Some(created);
        Ok(())
    }

    async fn update_lease(&self, record: LeaderElectionRecord) -> Result<()> {
        let mut lease = self
            .lease
            .lock()
            .clone()
            .ok_or(Error::LeaseNotInitialized)?;
        lease.spec = Some(Box::new(record.to_lease_spec()));
        merge_labels(&mut lease.metadata, &self.labels);
        let updated = self
            .client
            .update(&lease, &UpdateOptions::default())
            .await?;
        *self.lease.lock() = Some(updated);
        Ok(())
    }
}

/// Adds `labels` to the object's labels.
fn merge_labels(metadata: &mut ObjectMeta, labels: &StringMap) {
    for (key, value) in labels {
        metadata.labels.insert(key.clone(), value.clone());
    }
}

impl ResourceLock for LeaseLock {
    fn get(&self) -> BoxFuture<'_, Result<(LeaderElectionRecord, Vec<u8>)>> {
        Box::pin(self.get_lease())
    }

    fn create(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.create_lease(record))
    }

    fn update(&self, record: LeaderElectionRecord) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.update_lease(record))
    }

    fn record_event(&self, message: &str) {
        let Some(recorder) = &self.config.event_recorder else {
            return;
        };
        let lease = self.lease.lock().clone().unwrap_or_else(|| Lease {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(self.namespace.clone()),
                ..ObjectMeta::default()
            },
            ..Lease::default()
        });
        let lease = Lease {
            api_version: Some("coordination.k8s.io/v1".into()),
            kind: Some("Lease".into()),
            ..lease
        };
        let message = format!("{} {message}", self.config.identity);
        recorder.event(&lease, "Normal", "LeaderElection", &message);
    }

    fn identity(&self) -> &str {
        &self.config.identity
    }

    fn describe(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// The lock of `lock_type` on `namespace/name` (client-go's `resourcelock.New`): only
/// [`LEASES_RESOURCE_LOCK`] is supported; the removed Endpoints and ConfigMap locks fail
/// with client-go's messages.
pub fn new_lock(
    lock_type: &str,
    namespace: &str,
    name: &str,
    clientset: &Clientset,
    config: ResourceLockConfig,
) -> Result<LeaseLock> {
    match lock_type {
        LEASES_RESOURCE_LOCK => Ok(LeaseLock::new(clientset, namespace, name, config)),
        "endpoints" | "configmaps" | "endpointsleases" | "configmapsleases" => Err(
            Error::LockType(format!("{lock_type} lock is removed, migrate to leases")),
        ),
        other => Err(Error::LockType(format!("Invalid lock-type {other}"))),
    }
}

/// The lock of `lock_type` with a clientset of its own built from `config` (client-go's
/// `NewFromKubeconfig`): requests time out after half the renew deadline (at least one
/// second) and the user agent gets the suffix `/leader-election`.
pub fn new_lock_from_config(
    lock_type: &str,
    namespace: &str,
    name: &str,
    config: &clientgo_rest::Config,
    lock_config: ResourceLockConfig,
    renew_deadline: Duration,
) -> Result<LeaseLock> {
    let mut config = config.clone();
    config.timeout = Some((renew_deadline / 2).max(Duration::from_secs(1)));
    let agent = config
        .transport
        .user_agent
        .clone()
        .unwrap_or_else(clientgo_transport::default_user_agent);
    config.transport.user_agent = Some(format!("{agent}/leader-election"));
    let clientset = Clientset::new(&config)?;
    new_lock(lock_type, namespace, name, &clientset, lock_config)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn clientset() -> Clientset {
        Clientset::new(&clientgo_rest::Config::new("https://127.0.0.1:1")).unwrap()
    }

    #[test]
    fn only_leases_are_supported() {
        let config = ResourceLockConfig {
            identity: "me".into(),
            event_recorder: None,
        };
        let lock = new_lock("leases", "ns", "name", &clientset(), config.clone()).unwrap();
        assert_eq!(lock.describe(), "ns/name");
        assert_eq!(lock.identity(), "me");
        let error = new_lock("configmaps", "ns", "n", &clientset(), config.clone()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "configmaps lock is removed, migrate to leases"
        );
        let error = new_lock("bogus", "ns", "n", &clientset(), config).unwrap_err();
        assert_eq!(error.to_string(), "Invalid lock-type bogus");
    }

    #[tokio::test]
    async fn update_needs_a_prior_get_or_create() {
        let lock = LeaseLock::new(&clientset(), "ns", "n", ResourceLockConfig::default());
        let error = lock
            .update(LeaderElectionRecord::default())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::LeaseNotInitialized));
    }

    #[test]
    fn labels_merge_into_missing_and_existing_maps() {
        let labels: StringMap = StringMap::from([("a", "1".into())]);
        let mut metadata = ObjectMeta::default();
        merge_labels(&mut metadata, &labels);
        assert_eq!(metadata.labels, labels);
        let mut metadata = ObjectMeta {
            labels: StringMap::from([("b", "2".into())]),
            ..ObjectMeta::default()
        };
        merge_labels(&mut metadata, &labels);
        assert_eq!(metadata.labels.len(), 2);
        let mut metadata = ObjectMeta::default();
        merge_labels(&mut metadata, &StringMap::new());
        assert!(metadata.labels.is_empty());
    }

    #[test]
    fn events_name_the_identity() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let recorder = move |lease: &Lease, kind: &str, reason: &str, message: &str| {
            sink.lock().push(format!(
                "{} {kind} {reason} {message}",
                lease.kind.as_deref().unwrap_or_default()
            ));
        };
        let config = ResourceLockConfig {
            identity: "me".into(),
            event_recorder: Some(Arc::new(recorder)),
        };
        let lock = LeaseLock::new(&clientset(), "ns", "n", config);
        lock.record_event("became leader");
        assert_eq!(
            seen.lock().as_slice(),
            ["Lease Normal LeaderElection me became leader"]
        );
        // Without a recorder: nothing happens.
        LeaseLock::new(&clientset(), "ns", "n", ResourceLockConfig::default()).record_event("x");
    }
}
