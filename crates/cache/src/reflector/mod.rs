//! [`Reflector`]: keeps a [`ReflectorStore`] in sync with the server by LIST then WATCH
//! (or one streaming list), relisting when the watch's resource version expires.
//!
//! Rules (client-go's reflector):
//! * The first list asks for resource version `"0"` (served from the watch cache); later
//!   relists ask for the last synced version, and for `""` (a consistent read) after a
//!   `410 Expired` or "too large resource version" answer.
//! * Lists are paginated with 500 items per page when the resource version is `""` or
//!   `"0"`, or always once an RV=`"0"` list came back paginated (no watch cache).
//! * Watches ask for bookmarks and a random server-side timeout in [5 min, 10 min].
//! * With streaming lists on (the default when the lister-watcher supports them), the
//!   initial state comes from one watch with `sendInitialEvents=true`, ending at the
//!   bookmark annotated `k8s.io/initial-events-end`; the same watch then continues.
//!   Failure falls back to a list.
//! * Between list-and-watch cycles the reflector backs off (800 ms doubling to 30 s,
//!   jittered, reset after 2 min).

mod backoff;

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::{ListOptions, ResourceVersionMatch};
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_rest::WatchStream;
use futures_util::StreamExt;
use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use backoff::{Backoff, BackoffConfig};

use crate::error::{Error, Result};
use crate::listwatch::ListerWatcher;
use crate::object::CacheObject;
use crate::pager::{DEFAULT_PAGE_SIZE, ListPager};
use crate::store::Store;

/// Where a reflector writes (client-go's `ReflectorStore`): stores and queues.
pub trait ReflectorStore<K>: Send + Sync {
    /// An object was added.
    fn add(&self, obj: Arc<K>) -> Result<()>;
    /// An object changed.
    fn update(&self, obj: Arc<K>) -> Result<()>;
    /// An object was deleted (this is its last state).
    fn delete(&self, obj: Arc<K>) -> Result<()>;
    /// The full state at resource version `rv`.
    fn replace(&self, list: Vec<Arc<K>>, rv: String) -> Result<()>;
    /// A periodic resync tick.
    fn resync(&self) -> Result<()>;
    /// A bookmark: the stream reached `rv`.
    fn bookmark(&self, _rv: &str) {}
}

impl<K: CacheObject> ReflectorStore<K> for Store<K> {
    fn add(&self, obj: Arc<K>) -> Result<()> {
        Store::add(self, obj)
    }
    fn update(&self, obj: Arc<K>) -> Result<()> {
        Store::update(self, obj)
    }
    fn delete(&self, obj: Arc<K>) -> Result<()> {
        Store::delete(self, &obj)
    }
    fn replace(&self, list: Vec<Arc<K>>, rv: String) -> Result<()> {
        Store::replace(self, list, &rv)
    }
    fn resync(&self) -> Result<()> {
        Ok(())
    }
    fn bookmark(&self, rv: &str) {
        Store::bookmark(self, rv);
    }
}

/// Transforms each object once, after decoding and before it is stored (e.g. to drop
/// `managedFields`). An error drops the object (logged).
pub type TransformFunc<K> = Arc<dyn Fn(K) -> std::result::Result<K, String> + Send + Sync>;

/// Called with every error that ends a list-and-watch cycle.
pub type WatchErrorHandler = Arc<dyn Fn(&Error) + Send + Sync>;

/// Consulted on each resync tick; `false` skips the resync.
pub type ShouldResync = Arc<dyn Fn() -> bool + Send + Sync>;

/// Settings of a [`Reflector`].
pub struct ReflectorOptions<K> {
    /// Name for logs.
    pub name: String,
    /// What is listed, for logs and errors (e.g. `"*v1.ConfigMap"`).
    pub type_description: String,
    /// Period of `store.resync()` calls during a watch (zero: never).
    pub resync_period: Duration,
    /// Lower bound of the server-side watch timeout; only takes effect above 5 min.
    pub min_watch_timeout: Duration,
    /// Backoff between list-and-watch cycles.
    pub backoff: BackoffConfig,
    /// Page size of lists (`None`: client-go's rules).
    pub watch_list_page_size: Option<i64>,
    /// How long `500 InternalError` watch ends are retried without relisting (zero:
    /// never).
    pub max_internal_error_retry_duration: Duration,
    /// Streaming list: `Some(true)` always try it, `Some(false)` never, `None` when the
    /// lister-watcher supports it (the default).
    pub use_watch_list: Option<bool>,
    /// Asked on each resync tick.
    pub should_resync: Option<ShouldResync>,
    /// Receives errors ending a cycle (default: logged).
    pub watch_error_handler: Option<WatchErrorHandler>,
    /// Applied to every object before it is stored.
    pub transform: Option<TransformFunc<K>>,
}

impl<K> Default for ReflectorOptions<K> {
    fn default() -> Self {
        Self {
            name: "reflector".into(),
            type_description: "<unspecified>".into(),
            resync_period: Duration::ZERO,
            min_watch_timeout: Duration::ZERO,
            backoff: BackoffConfig::default(),
            watch_list_page_size: None,
            max_internal_error_retry_duration: Duration::ZERO,
            use_watch_list: None,
            should_resync: None,
            watch_error_handler: None,
            transform: None,
        }
    }
}

impl<K> Clone for ReflectorOptions<K> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            type_description: self.type_description.clone(),
            resync_period: self.resync_period,
            min_watch_timeout: self.min_watch_timeout,
            backoff: self.backoff,
            watch_list_page_size: self.watch_list_page_size,
            max_internal_error_retry_duration: self.max_internal_error_retry_duration,
            use_watch_list: self.use_watch_list,
            should_resync: self.should_resync.clone(),
            watch_error_handler: self.watch_error_handler.clone(),
            transform: self.transform.clone(),
        }
    }
}

#[derive(Debug, Default)]
struct SyncState {
    last_sync_resource_version: String,
    unavailable: bool,
    paginated_result: bool,
}

/// A cheap handle reading a reflector's last synced resource version.
#[derive(Debug, Clone, Default)]
pub struct SyncVersion(Arc<Mutex<SyncState>>);

impl SyncVersion {
    /// The resource version of the last list, event or bookmark applied (`""` before).
    pub fn get(&self) -> String {
        self.0.lock().last_sync_resource_version.clone()
    }
}

/// Keeps a store in sync with the server through a [`ListerWatcher`].
pub struct Reflector<K> {
    lw: Arc<dyn ListerWatcher<K>>,
    store: Arc<dyn ReflectorStore<K>>,
    options: ReflectorOptions<K>,
    state: SyncVersion,
}

/// How a watch ended without an error worth returning.
enum WatchEnd {
    /// Closed by the server or the connection; `events` were received.
    Closed { events: usize },
    /// Cancelled.
    Cancelled,
}

impl<K> Reflector<K>
where
    K: CacheObject + serde::de::DeserializeOwned,
{
    /// A reflector filling `store` from `lw`.
    pub fn new(
        lw: Arc<dyn ListerWatcher<K>>,
        store: Arc<dyn ReflectorStore<K>>,
        options: ReflectorOptions<K>,
    ) -> Self {
        Self {
            lw,
            store,
            options,
            state: SyncVersion::default(),
        }
    }

    /// The resource version of the last list, event or bookmark applied (`""` before).
    pub fn last_sync_resource_version(&self) -> String {
        self.state.get()
    }

    /// A handle reading [`last_sync_resource_version`](Self::last_sync_resource_version)
    /// from elsewhere.
    pub fn sync_version(&self) -> SyncVersion {
        self.state.clone()
    }

    fn set_lsrv(&self, rv: &str) {
        rv.clone_into(&mut self.state.0.lock().last_sync_resource_version);
    }

    fn set_unavailable(&self, unavailable: bool) {
        self.state.0.lock().unavailable = unavailable;
    }

    /// The resource version of a relist or rewatch.
    fn relist_resource_version(&self) -> String {
        let s = self.state.0.lock();
        if s.unavailable {
            String::new()
        } else if s.last_sync_resource_version.is_empty() {
            "0".into()
        } else {
            s.last_sync_resource_version.clone()
        }
    }

    fn rewatch_resource_version(&self) -> String {
        let s = self.state.0.lock();
        if s.unavailable {
            String::new()
        } else {
            s.last_sync_resource_version.clone()
        }
    }

    fn watch_timeout_seconds(&self) -> i64 {
        let min = self.options.min_watch_timeout.max(Duration::from_secs(300));
        let t = min + min.mul_f64(fastrand::f64());
        i64::try_from(t.as_secs()).unwrap_or(600)
    }

    fn use_watch_list(&self) -> bool {
        self.options
            .use_watch_list
            .unwrap_or_else(|| self.lw.supports_watch_list())
    }

    fn handle_error(&self, error: &Error) {
        if let Some(handler) = &self.options.watch_error_handler {
            handler(error);
        } else if error.is_expired() {
            tracing::debug!(reflector = %self.options.name, %error, "watch of {} closed", self.options.type_description);
        } else {
            tracing::warn!(reflector = %self.options.name, %error, "list and watch of {} failed", self.options.type_description);
        }
    }

    fn transform(&self, obj: K) -> Option<Arc<K>> {
        match &self.options.transform {
            None => Some(Arc::new(obj)),
            Some(f) => match f(obj) {
                Ok(o) => Some(Arc::new(o)),
                Err(error) => {
                    tracing::warn!(reflector = %self.options.name, %error, "transforming an object failed; skipping it");
                    None
                }
            },
        }
    }

    /// Runs list-and-watch cycles with backoff in between until `cancel` fires.
    pub async fn run(&self, cancel: CancellationToken) {
        tracing::debug!(reflector = %self.options.name, "starting reflector for {}", self.options.type_description);
        let mut backoff = Backoff::new(self.options.backoff);
        while !cancel.is_cancelled() {
            let result = tokio::select! {
                r = self.list_and_watch(&cancel) => r,
                () = cancel.cancelled() => break,
            };
            if let Err(error) = result {
                self.handle_error(&error);
            }
            if !backoff.wait(&cancel).await {
                break;
            }
        }
        tracing::debug!(reflector = %self.options.name, "stopped reflector for {}", self.options.type_description);
    }

    /// One cycle: a streaming list or a list, then watches until an error that needs a
    /// relist, or cancellation.
    pub async fn list_and_watch(&self, cancel: &CancellationToken) -> Result<()> {
        let mut open = None;
        if self.use_watch_list() {
            match self.watch_list(cancel).await {
                Ok(Some(stream)) => open = Some(stream),
                Ok(None) => return Ok(()),
                Err(error) => {
                    tracing::info!(reflector = %self.options.name, %error, "streaming list failed; falling back to a list");
                }
            }
        }
        if open.is_none() {
            self.list().await?;
        }
        self.watch_loop(cancel, open).await
    }

    async fn list(&self) -> Result<()> {
        let mut rv = self.relist_resource_version();
        let list = loop {
            let (page_size, was_paginated) = {
                let s = self.state.0.lock();
                let size = match self.options.watch_list_page_size {
                    Some(size) => size,
                    None if s.paginated_result => DEFAULT_PAGE_SIZE,
                    None if !rv.is_empty() && rv != "0" => 0,
                    None => DEFAULT_PAGE_SIZE,
                };
                (size, s.paginated_result)
            };
            let options = ListOptions {
                resource_version: Some(rv.clone()).filter(|r| !r.is_empty()),
                ..ListOptions::default()
            };
            let pager = ListPager::with_page_size(page_size);
            match pager.list(self.lw.as_ref(), options).await {
                Ok((list, paginated)) => {
                    if rv == "0" && paginated && !was_paginated {
                        self.state.0.lock().paginated_result = true;
                    }
                    break list;
                }
                Err(e) => {
                    let error = Error::List {
                        what: self.options.type_description.clone(),
                        source: e,
                    };
                    if !rv.is_empty()
                        && (error.is_expired() || error.is_too_large_resource_version())
                    {
                        tracing::debug!(reflector = %self.options.name, %error, "relisting with a consistent read");
                        self.set_unavailable(true);
                        rv = String::new();
                        continue;
                    }
                    return Err(error);
                }
            }
        };
        self.set_unavailable(false);
        let list_rv = list.resource_version().unwrap_or_default().to_owned();
        let items: Vec<Arc<K>> = list
            .items
            .into_iter()
            .filter_map(|o| self.transform(o))
            .collect();
        tracing::debug!(reflector = %self.options.name, items = items.len(), rv = %list_rv, "listed {}", self.options.type_description);
        self.store
            .replace(items, list_rv.clone())
            .map_err(|e| Error::Process(format!("unable to sync list result: {e}")))?;
        self.set_lsrv(&list_rv);
        Ok(())
    }

    /// The streaming list. `Ok(None)` when cancelled.
    async fn watch_list(&self, cancel: &CancellationToken) -> Result<Option<WatchStream<K>>> {
        let what = || self.options.type_description.clone();
        let mut backoff = Backoff::new(self.options.backoff);
        loop {
            let options = ListOptions {
                resource_version: Some(self.rewatch_resource_version()).filter(|r| !r.is_empty()),
                resource_version_match: Some(ResourceVersionMatch::NotOlderThan),
                send_initial_events: Some(true),
                allow_watch_bookmarks: true,
                timeout_seconds: Some(self.watch_timeout_seconds()),
                ..ListOptions::default()
            };
            let started = tokio::select! {
                r = self.lw.watch(options) => r,
                () = cancel.cancelled() => return Ok(None),
            };
            let mut stream = match started {
                Ok(s) => s,
                Err(e) => {
                    let error = Error::Api(e);
                    if error.is_expired() || error.is_too_large_resource_version() {
                        self.set_unavailable(true);
                        continue;
                    }
                    if error.is_too_many_requests() {
                        if !backoff.wait(cancel).await {
                            return Ok(None);
                        }
                        continue;
                    }
                    return Err(Error::WatchList {
                        what: what(),
                        reason: error.to_string(),
                    });
                }
            };
            let temp = Store::<K>::new();
            let mut warn = tokio::time::interval_at(
                Instant::now() + Duration::from_secs(10),
                Duration::from_secs(10),
            );
            let mut seen_recently = false;
            let end_rv = loop {
                let next = tokio::select! {
                    n = stream.next() => n,
                    _ = warn.tick() => {
                        if !seen_recently {
                            tracing::warn!(reflector = %self.options.name, "awaiting the required bookmark event for the initial events stream, no events received for 10s");
                        }
                        seen_recently = false;
                        continue;
                    }
                    () = cancel.cancelled() => return Ok(None),
                };
                seen_recently = true;
                match next {
                    Some(Ok(WatchEvent::Added(o) | WatchEvent::Modified(o))) => {
                        if let Some(o) = self.transform(o) {
                            temp.add(o)?;
                        }
                    }
                    Some(Ok(WatchEvent::Deleted(o))) => temp.delete(&o)?,
                    Some(Ok(WatchEvent::Bookmark(b))) => {
                        if b.is_initial_events_end() {
                            break Some(b.metadata.resource_version);
                        }
                    }
                    Some(Ok(WatchEvent::Error(status))) => {
                        let error =
                            Error::Api(clientgo_rest::Error::Api(Box::new((*status).into())));
                        if error.is_expired() || error.is_too_large_resource_version() {
                            self.set_unavailable(true);
                            break None;
                        }
                        return Err(Error::WatchList {
                            what: what(),
                            reason: error.to_string(),
                        });
                    }
                    Some(Err(e)) => {
                        return Err(Error::WatchList {
                            what: what(),
                            reason: e.to_string(),
                        });
                    }
                    None => {
                        return Err(Error::WatchList {
                            what: what(),
                            reason: "the watch ended before the initial-events-end bookmark".into(),
                        });
                    }
                }
            };
            let Some(rv) = end_rv else { continue };
            let items = temp.list();
            tracing::debug!(reflector = %self.options.name, items = items.len(), %rv, "streamed the list of {}", self.options.type_description);
            self.store
                .replace(items, rv.clone())
                .map_err(|e| Error::Process(format!("unable to sync watch-list result: {e}")))?;
            self.set_lsrv(&rv);
            self.set_unavailable(false);
            return Ok(Some(stream));
        }
    }

    async fn watch_loop(
        &self,
        cancel: &CancellationToken,
        mut open: Option<WatchStream<K>>,
    ) -> Result<()> {
        let mut backoff = Backoff::new(self.options.backoff);
        let mut resync = (!self.options.resync_period.is_zero()).then(|| {
            tokio::time::interval_at(
                Instant::now() + self.options.resync_period,
                self.options.resync_period,
            )
        });
        let mut internal_errors_since: Option<(Instant, Instant)> = None;
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            let start_rv = self.rewatch_resource_version();
            let stream = match open.take() {
                Some(s) => s,
                None => {
                    let options = ListOptions {
                        resource_version: Some(start_rv.clone()).filter(|r| !r.is_empty()),
                        timeout_seconds: Some(self.watch_timeout_seconds()),
                        allow_watch_bookmarks: true,
                        ..ListOptions::default()
                    };
                    let started = tokio::select! {
                        r = self.lw.watch(options) => r,
                        () = cancel.cancelled() => return Ok(()),
                    };
                    match started {
                        Ok(s) => s,
                        Err(e) => {
                            let error = Error::Api(e);
                            if error.is_too_many_requests()
                                || matches!(
                                    error.rest_error(),
                                    Some(clientgo_rest::Error::Transport(_))
                                )
                            {
                                tracing::debug!(reflector = %self.options.name, %error, "watch not started; retrying");
                                if !backoff.wait(cancel).await {
                                    return Ok(());
                                }
                                continue;
                            }
                            return Err(error);
                        }
                    }
                }
            };
            let started_at = Instant::now();
            match self
                .handle_watch(stream, &start_rv, cancel, resync.as_mut())
                .await
            {
                Ok(WatchEnd::Cancelled) => return Ok(()),
                Ok(WatchEnd::Closed { events }) => {
                    if events == 0 && started_at.elapsed() < Duration::from_secs(1) {
                        return Err(Error::VeryShortWatch(self.options.name.clone()));
                    }
                }
                Err(error) if error.is_expired() => return Err(error),
                Err(error) if error.is_too_many_requests() => {
                    if !backoff.wait(cancel).await {
                        return Ok(());
                    }
                }
                Err(error)
                    if error.is_internal_error()
                        && !self.options.max_internal_error_retry_duration.is_zero() =>
                {
                    let now = Instant::now();
                    let (first, last) = match internal_errors_since {
                        Some((first, last))
                            if now.duration_since(last) <= Duration::from_secs(60) =>
                        {
                            (first, now)
                        }
                        _ => (now, now),
                    };
                    internal_errors_since = Some((first, last));
                    if now.duration_since(first) > self.options.max_internal_error_retry_duration {
                        return Err(error);
                    }
                }
                Err(error) => {
                    tracing::info!(reflector = %self.options.name, %error, "watch ended with error");
                    return Err(error);
                }
            }
        }
    }

    async fn handle_watch(
        &self,
        mut stream: WatchStream<K>,
        start_rv: &str,
        cancel: &CancellationToken,
        mut resync: Option<&mut tokio::time::Interval>,
    ) -> Result<WatchEnd> {
        let mut events = 0usize;
        // From "" or "0" the initial ADDED events are not in RV order.
        let mut advance = !(start_rv.is_empty() || start_rv == "0");
        loop {
            let next = tokio::select! {
                n = stream.next() => n,
                () = async {
                    match resync.as_deref_mut() {
                        Some(t) => { t.tick().await; }
                        None => std::future::pending::<()>().await,
                    }
                } => {
                    let due = self.options.should_resync.as_ref().is_none_or(|f| f());
                    if due {
                        tracing::trace!(reflector = %self.options.name, "resync");
                        self.store.resync()?;
                    }
                    continue;
                }
                () = cancel.cancelled() => return Ok(WatchEnd::Cancelled),
            };
            let event = match next {
                None => return Ok(WatchEnd::Closed { events }),
                Some(Ok(event)) => event,
                Some(Err(
                    e @ (clientgo_rest::Error::Stream(_) | clientgo_rest::Error::Transport(_)),
                )) => {
                    tracing::debug!(reflector = %self.options.name, error = %e, "watch connection ended");
                    return Ok(WatchEnd::Closed { events });
                }
                Some(Err(e)) => return Err(Error::Api(e)),
            };
            events += 1;
            let rv = match event {
                WatchEvent::Added(o) => {
                    let rv = o.object_resource_version().map(str::to_owned);
                    if let Some(o) = self.transform(o) {
                        self.log_store_error(self.store.add(o));
                    }
                    rv
                }
                WatchEvent::Modified(o) => {
                    advance = true;
                    let rv = o.object_resource_version().map(str::to_owned);
                    if let Some(o) = self.transform(o) {
                        self.log_store_error(self.store.update(o));
                    }
                    rv
                }
                WatchEvent::Deleted(o) => {
                    advance = true;
                    let rv = o.object_resource_version().map(str::to_owned);
                    if let Some(o) = self.transform(o) {
                        self.log_store_error(self.store.delete(o));
                    }
                    rv
                }
                WatchEvent::Bookmark(b) => {
                    advance = true;
                    self.store.bookmark(&b.metadata.resource_version);
                    Some(b.metadata.resource_version)
                }
                WatchEvent::Error(status) => {
                    return Err(Error::Api(clientgo_rest::Error::Api(Box::new(
                        (*status).into(),
                    ))));
                }
            };
            if advance && let Some(rv) = rv.filter(|r| !r.is_empty()) {
                self.set_lsrv(&rv);
            }
        }
    }

    fn log_store_error(&self, result: Result<()>) {
        if let Err(error) = result {
            tracing::warn!(reflector = %self.options.name, %error, "unable to apply a watch event to the store");
        }
    }
}

#[cfg(test)]
mod tests;
