//! [`Controller`]: informers for the primary, owned and watched resources feeding one
//! rate-limited queue of primary keys, and the workers that reconcile them.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use clientgo_apimachinery::{Metadata, Resource};
use clientgo_cache::{
    CacheObject, InformerOptions, ListWatch, ResourceEventHandlerFuncs, SharedIndexInformer, Store,
    wait_for_cache_sync,
};
use clientgo_kubernetes::Client;
use clientgo_leaderelection::{LeaderElectionConfig, LeaderElector};
use clientgo_workqueue::{QueueConfig, RateLimitingQueue, default_controller_rate_limiter};
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::metrics::ControllerMetrics;
use crate::{Action, ObjectRef};

/// Maps a watched object to the keys of the primaries it concerns.
type KeyMap<O> = Arc<dyn Fn(&O) -> Vec<ObjectRef> + Send + Sync>;

/// Whether an informer has synced.
type SyncCheck = Box<dyn Fn() -> bool + Send + Sync>;

/// A watched resource: started at run time with the queue its keys go to, it runs its
/// informer until the token is cancelled and says whether it has synced.
type Source = Box<
    dyn FnOnce(
            &RateLimitingQueue<ObjectRef>,
            CancellationToken,
        ) -> (SyncCheck, tokio::task::JoinHandle<()>)
        + Send,
>;

/// Whether this process still leads (read before each reconcile).
type LeaderCheck = Arc<dyn Fn() -> bool + Send + Sync>;

/// The controller's informers and workers, run once as the leader's work.
type LeaderWork =
    Box<dyn FnOnce(CancellationToken) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// The elector a controller runs under, and the slot its work waits in until the
/// elector starts it.
struct Election {
    elector: Arc<LeaderElector>,
    work: Arc<Mutex<Option<LeaderWork>>>,
}

/// Why [`Controller::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The token given to `run` was cancelled.
    Cancelled,
    /// The controller ran under leader election and this process stopped leading (the
    /// Lease was taken over or could not be renewed in time). The controller is spent:
    /// exit, as client-go's components do, or build a new one to compete again.
    LeadershipLost,
}

/// A controller of primary resource `K`; see the [crate documentation](crate) for the
/// rules it follows.
pub struct Controller<K: Resource> {
    name: String,
    primary: SharedIndexInformer<K>,
    sources: Vec<Source>,
    workers: usize,
    metrics: Option<ControllerMetrics>,
    election: Option<Election>,
}

impl<K: Resource> std::fmt::Debug for Controller<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller")
            .field("name", &self.name)
            .field("resource", &K::PLURAL)
            .field("watched_sources", &self.sources.len())
            .field("workers", &self.workers)
            .field("leader_election", &self.election.is_some())
            .finish_non_exhaustive()
    }
}

/// An informer over the objects `client` lists (its namespace, or all).
fn informer_of<O>(client: &Client<O>) -> SharedIndexInformer<O>
where
    O: Resource + CacheObject + DeserializeOwned,
{
    let options = InformerOptions {
        object_description: format!("{}.{}", O::PLURAL, O::GROUP),
        ..InformerOptions::default()
    };
    SharedIndexInformer::new(Arc::new(ListWatch::new(client.requests().clone())), options)
}

/// Adds every key `map` gives for an object of `informer` to `queue`, on adds, updates
/// and deletes.
fn enqueue_mapped<O: CacheObject + DeserializeOwned>(
    informer: &SharedIndexInformer<O>,
    queue: &RateLimitingQueue<ObjectRef>,
    map: KeyMap<O>,
) {
    let (on_add, on_update, on_delete) = (queue.clone(), queue.clone(), queue.clone());
    let (map_add, map_update, map_delete) = (Arc::clone(&map), Arc::clone(&map), map);
    let handler = ResourceEventHandlerFuncs::new()
        .on_add(move |object: &Arc<O>, _| {
            for key in map_add(object) {
                on_add.add(key);
            }
        })
        .on_update(move |old: &Arc<O>, new: &Arc<O>| {
            // Both: an owner reference or a mapped field may have changed.
            let mut keys = map_update(old);
            keys.extend(map_update(new));
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                on_update.add(key);
            }
        })
        .on_delete(move |deleted| {
            if let Some(object) = deleted.object() {
                for key in map_delete(object) {
                    on_delete.add(key);
                }
            }
        });
    // A fresh informer never refuses a handler.
    let _ = informer.add_event_handler(handler);
}

impl<K> Controller<K>
where
    K: Resource + Metadata + CacheObject + DeserializeOwned + Clone,
{
    /// A controller named `name` (in logs and metrics) of the objects `primary` lists:
    /// its namespace, or every namespace for a client made with `""`.
    pub fn new(name: &str, primary: &Client<K>) -> Self {
        Self {
            name: name.to_owned(),
            primary: informer_of(primary),
            sources: Vec::new(),
            workers: 1,
            metrics: None,
            election: None,
        }
    }

    /// Also watches the objects `owned` lists whose controller reference names a `K`
    /// (kind and apiVersion of `K`): each of their changes reconciles that owner.
    #[must_use]
    pub fn owns<O>(self, owned: &Client<O>) -> Self
    where
        O: Resource + Metadata + CacheObject + DeserializeOwned,
    {
        self.watches(owned, |object: &O| {
            let namespace = if K::is_namespaced() {
                object.namespace().unwrap_or_default()
            } else {
                ""
            };
            object
                .metadata()
                .owner_references
                .iter()
                .filter(|owner| {
                    owner.controller == Some(true)
                        && owner.kind == K::KIND
                        && owner.api_version == K::api_version()
                })
                .map(|owner| ObjectRef::new(namespace, owner.name.clone()))
                .collect()
        })
    }

    /// Also watches the objects `watched` lists: each change reconciles the primaries
    /// `map` names.
    #[must_use]
    pub fn watches<O>(
        mut self,
        watched: &Client<O>,
        map: impl Fn(&O) -> Vec<ObjectRef> + Send + Sync + 'static,
    ) -> Self
    where
        O: Resource + CacheObject + DeserializeOwned,
    {
        let informer = informer_of(watched);
        let map: KeyMap<O> = Arc::new(map);
        self.sources.push(Box::new(move |queue, token| {
            enqueue_mapped(&informer, queue, map);
            let synced = informer.clone();
            let running = tokio::spawn(async move { informer.run(token).await });
            (Box::new(move || synced.has_synced()) as SyncCheck, running)
        }));
        self
    }

    /// Runs `workers` reconciles at a time (default 1); one key is never reconciled by
    /// two workers at once.
    #[must_use]
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Exports this controller's reconcile and queue metrics through `metrics`.
    #[must_use]
    pub fn metrics(mut self, metrics: &ControllerMetrics) -> Self {
        self.metrics = Some(metrics.clone());
        self
    }

    /// The primary objects' cache (the informer's store), for reconciles that look at
    /// other primaries or for tests.
    pub fn store(&self) -> Store<K> {
        self.primary.get_store()
    }

    /// Runs the controller only while this process leads, competing for the lock of
    /// `config` (client-go's leader election; e.g.
    /// `LeaderElectionConfig::kube_defaults(Arc::new(lease_lock), LeaderCallbacks::new())
    /// .release_on_cancel(true)`). The controller's informers and workers are the
    /// leader's work: they start when the Lease is acquired; when leadership ends they
    /// stop, and running reconciles finish, before the Lease is released. A worker
    /// checks that this process still leads (by its monotonic clock) before each
    /// reconcile, so a process resuming from a pause does not act as a stale leader.
    ///
    /// `config`'s `on_started_leading` is the controller's; `on_stopped_leading` (a log
    /// line when unset) and `on_new_leader` are kept. Fails when the config does not
    /// validate (client-go's rules and messages).
    pub fn leader_election(
        mut self,
        mut config: LeaderElectionConfig,
    ) -> Result<Self, clientgo_leaderelection::Error> {
        let slot: Arc<Mutex<Option<LeaderWork>>> = Arc::default();
        let work = Arc::clone(&slot);
        let mut callbacks = std::mem::take(&mut config.callbacks).on_started_leading(
            move |leading: CancellationToken| {
                let work = work.lock().take();
                async move {
                    if let Some(work) = work {
                        work(leading).await;
                    }
                }
            },
        );
        if !callbacks.has_on_stopped_leading() {
            let name = self.name.clone();
            callbacks = callbacks
                .on_stopped_leading(move || tracing::info!(controller = %name, "stopped leading"));
        }
        config.callbacks = callbacks;
        if config.name.is_empty() {
            config.name.clone_from(&self.name);
        }
        let elector = Arc::new(LeaderElector::new(config)?);
        self.election = Some(Election {
            elector,
            work: slot,
        });
        Ok(self)
    }

    /// Runs the informers and, once they have synced, the workers, until `cancel` is
    /// cancelled; then stops the informers, waits for running reconciles and returns.
    /// With [`leader_election`](Self::leader_election), does so only while leading and
    /// also returns when leadership is lost.
    pub async fn run<F, Fut, E>(mut self, cancel: CancellationToken, reconcile: F) -> Stopped
    where
        F: Fn(Arc<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Action, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let Some(election) = self.election.take() else {
            self.run_workers(cancel, reconcile, None).await;
            return Stopped::Cancelled;
        };
        let elector = Arc::clone(&election.elector);
        let leading: LeaderCheck = Arc::new(move || elector.is_leader());
        *election.work.lock() = Some(Box::new(move |token| {
            Box::pin(self.run_workers(token, reconcile, Some(leading)))
        }));
        election.elector.run(&cancel).await;
        if cancel.is_cancelled() {
            Stopped::Cancelled
        } else {
            Stopped::LeadershipLost
        }
    }

    /// The informers and workers until `cancel`; `leading`, under leader election, is
    /// checked before each reconcile.
    async fn run_workers<F, Fut, E>(
        self,
        cancel: CancellationToken,
        reconcile: F,
        leading: Option<LeaderCheck>,
    ) where
        F: Fn(Arc<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Action, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let mut config = QueueConfig::new().name(self.name.clone());
        if let Some(metrics) = &self.metrics {
            config = config.metrics_provider(metrics.queues.clone());
        }
        let queue = RateLimitingQueue::with_config(default_controller_rate_limiter(), config);
        enqueue_mapped(
            &self.primary,
            &queue,
            Arc::new(|object: &K| vec![ObjectRef::from_object(object)]),
        );
        let informers = cancel.child_token();
        let mut running = vec![tokio::spawn({
            let (primary, token) = (self.primary.clone(), informers.clone());
            async move { primary.run(token).await }
        })];
        let primary = self.primary.clone();
        let mut synced: Vec<SyncCheck> = vec![Box::new(move || primary.has_synced())];
        for source in self.sources {
            let (check, task) = source(&queue, informers.clone());
            running.push(task);
            synced.push(check);
        }
        let checks: Vec<&(dyn Fn() -> bool + Sync)> = synced
            .iter()
            .map(|check| check.as_ref() as &(dyn Fn() -> bool + Sync))
            .collect();
        if !wait_for_cache_sync(&cancel, &checks).await {
            queue.shut_down();
        } else {
            tracing::info!(controller = %self.name, workers = self.workers, "caches synced; starting workers");
            let reconcile = Arc::new(reconcile);
            let worker_tasks: Vec<_> = (0..self.workers)
                .map(|_| {
                    tokio::spawn(work(
                        self.name.clone(),
                        queue.clone(),
                        self.primary.get_store(),
                        Arc::clone(&reconcile),
                        self.metrics.clone(),
                        leading.clone(),
                    ))
                })
                .collect();
            cancel.cancelled().await;
            tracing::info!(controller = %self.name, "stopping: draining workers");
            queue.shut_down_with_drain().await;
            for task in worker_tasks {
                let _ = task.await;
            }
        }
        informers.cancel();
        for task in running {
            let _ = task.await;
        }
    }
}

/// One worker: takes keys until the queue shuts down.
async fn work<K, F, Fut, E>(
    name: String,
    queue: RateLimitingQueue<ObjectRef>,
    store: Store<K>,
    reconcile: Arc<F>,
    metrics: Option<ControllerMetrics>,
    leading: Option<LeaderCheck>,
) where
    K: CacheObject + DeserializeOwned,
    F: Fn(Arc<K>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Action, E>> + Send + 'static,
    E: Display + Send + 'static,
{
    while let Some(key) = queue.get().await {
        let Some(object) = store.get_by_key(&key.to_string()) else {
            queue.forget(&key); // gone: nothing to reconcile
            queue.done(&key);
            continue;
        };
        if leading.as_ref().is_some_and(|leading| !leading()) {
            // Leadership ended (the workers are being stopped): act no more.
            queue.done(&key);
            continue;
        }
        let started = Instant::now();
        let outcome = reconcile(object).await;
        let result = match outcome {
            Ok(action) => {
                queue.forget(&key);
                match action.requeue_delay() {
                    Some(delay) => {
                        queue.add_after(key.clone(), delay);
                        "requeue_after"
                    }
                    None => "success",
                }
            }
            Err(error) => {
                tracing::warn!(controller = %name, %key, %error, retries = queue.num_requeues(&key), "reconcile failed; retrying with backoff");
                queue.add_rate_limited(key.clone());
                "error"
            }
        };
        if let Some(metrics) = &metrics {
            metrics.observe(&name, result, started.elapsed().as_secs_f64());
        }
        queue.done(&key);
    }
}
