//! [`FakeApiServer`]: an HTTP server on `127.0.0.1:<random port>` inside the test
//! process, and its [`FakeApiServerBuilder`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{ApiResource, Resource, Unstructured};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};

use crate::actions::Action;
use crate::error::Error;
use crate::handler::{Body, Shared, respond};
use crate::patch::{BuiltinPatchMeta, PatchMeta};
use crate::reactors::{Reaction, Reactors};
use crate::tracker::ObjectTracker;

/// How many events the server remembers for watches that resume from a resource
/// version, by default.
pub const DEFAULT_HISTORY_LIMIT: usize = 1000;

/// How often watches with `allowWatchBookmarks=true` get a bookmark, by default.
pub const DEFAULT_BOOKMARK_INTERVAL: Duration = Duration::from_secs(1);

/// An in-process fake Kubernetes API server, reached through the same REST layer as a
/// real one ([`rest_config`](Self::rest_config)).
///
/// It stops when dropped: its listener, connections and watches end with it.
pub struct FakeApiServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for FakeApiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeApiServer")
            .field("address", &self.address)
            .field("tracker", &self.shared.tracker)
            .finish_non_exhaustive()
    }
}

impl FakeApiServer {
    /// A server without objects.
    pub async fn new() -> Result<Self, Error> {
        Self::builder().start().await
    }

    /// A server seeded with `objects` (JSON objects with `apiVersion`, `kind` and
    /// `metadata.name`); see [`ObjectTracker::add`] for how their resources are found.
    pub async fn with_objects<I>(objects: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = Value>,
    {
        Self::builder().objects(objects).start().await
    }

    /// A builder for seeding, resource registration and settings.
    pub fn builder() -> FakeApiServerBuilder {
        FakeApiServerBuilder::default()
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A REST config for this server, with client-side rate limiting off.
    pub fn rest_config(&self) -> clientgo_rest::Config {
        let mut config = clientgo_rest::Config::new(self.url());
        config.qps = -1.0;
        config
    }

    /// A REST client for this server.
    pub fn rest_client(&self) -> clientgo_rest::Result<clientgo_rest::RestClient> {
        clientgo_rest::RestClient::new(&self.rest_config())
    }

    /// The server's objects, for seeding or inspecting them without HTTP.
    pub fn tracker(&self) -> &ObjectTracker {
        &self.shared.tracker
    }

    /// Adds a reactor in front of every other one (client-go's `PrependReactor`).
    /// `verb` is `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection` or `"*"`; `resource` is `"*"`, a plural (`"pods"`) or
    /// `"plural/subresource"` (`"pods/status"`).
    pub fn prepend_reactor<F>(&self, verb: &str, resource: &str, reactor: F)
    where
        F: Fn(&Action) -> Option<Reaction> + Send + Sync + 'static,
    {
        self.shared
            .reactors
            .add(verb, resource, Arc::new(reactor), true);
    }

    /// Adds a reactor after the others but before the object tracker (client-go's
    /// `AddReactor`); see [`prepend_reactor`](Self::prepend_reactor).
    pub fn add_reactor<F>(&self, verb: &str, resource: &str, reactor: F)
    where
        F: Fn(&Action) -> Option<Reaction> + Send + Sync + 'static,
    {
        self.shared
            .reactors
            .add(verb, resource, Arc::new(reactor), false);
    }

    /// Adds a watch reactor in front of the others (client-go's
    /// `PrependWatchReactor`): watches of `resource` (`"*"`, a plural) that it handles
    /// stream the events the test sends on the channel it returns. Plain reactors for
    /// the verb `watch` are consulted first (to inject errors).
    pub fn prepend_watch_reactor<F>(&self, resource: &str, reactor: F)
    where
        F: Fn(&Action) -> Option<mpsc::UnboundedReceiver<WatchEvent<Value>>>
            + Send
            + Sync
            + 'static,
    {
        self.shared
            .reactors
            .add_watch(resource, Arc::new(reactor), true);
    }

    /// The resource requests received so far, in order.
    pub fn actions(&self) -> Vec<Action> {
        self.shared.actions.lock().clone()
    }

    /// Forgets the recorded actions.
    pub fn clear_actions(&self) {
        self.shared.actions.lock().clear();
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.task.abort();
    }
}

/// Builds a [`FakeApiServer`]: seeded objects, registered resources, patch metadata and
/// watch settings.
pub struct FakeApiServerBuilder {
    objects: Vec<Value>,
    resources: Vec<ApiResource>,
    errors: Vec<Error>,
    patch_meta: Arc<dyn PatchMeta>,
    bookmark_interval: Duration,
    history_limit: usize,
}

impl Default for FakeApiServerBuilder {
    fn default() -> Self {
        Self {
            objects: Vec::new(),
            resources: Vec::new(),
            errors: Vec::new(),
            patch_meta: Arc::new(BuiltinPatchMeta),
            bookmark_interval: DEFAULT_BOOKMARK_INTERVAL,
            history_limit: DEFAULT_HISTORY_LIMIT,
        }
    }
}

impl std::fmt::Debug for FakeApiServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeApiServerBuilder")
            .field("objects", &self.objects.len())
            .field("resources", &self.resources)
            .field("bookmark_interval", &self.bookmark_interval)
            .field("history_limit", &self.history_limit)
            .finish_non_exhaustive()
    }
}

impl FakeApiServerBuilder {
    /// Seeds a JSON object.
    pub fn object(mut self, object: Value) -> Self {
        self.objects.push(object);
        self
    }

    /// Seeds JSON objects.
    pub fn objects<I: IntoIterator<Item = Value>>(mut self, objects: I) -> Self {
        self.objects.extend(objects);
        self
    }

    /// Seeds an [`Unstructured`] object.
    pub fn unstructured(self, object: Unstructured) -> Self {
        self.object(object.into_value())
    }

    /// Seeds a typed object; its resource is registered from the [`Resource`]
    /// implementation, and `apiVersion` and `kind` are set from it.
    pub fn with_object<K: Resource + serde::Serialize>(mut self, object: &K) -> Self {
        self.resources.push(ApiResource::of::<K>());
        match serde_json::to_value(object) {
            Ok(mut value) => {
                if let Value::Object(map) = &mut value {
                    map.insert(
                        "apiVersion".into(),
                        Value::String(K::api_version().into_owned()),
                    );
                    map.insert("kind".into(), Value::String(K::KIND.to_owned()));
                }
                self.objects.push(value);
            }
            Err(error) => self.errors.push(error.into()),
        }
        self
    }

    /// Registers a resource (for discovery, scope and kind); seeded kinds are
    /// registered automatically with guessed names.
    pub fn resource(mut self, resource: ApiResource) -> Self {
        self.resources.push(resource);
        self
    }

    /// Where strategic merge patches (and apply) find list merge keys (default
    /// [`BuiltinPatchMeta`]).
    pub fn patch_meta(mut self, meta: impl PatchMeta + 'static) -> Self {
        self.patch_meta = Arc::new(meta);
        self
    }

    /// How often watches asking for bookmarks get one (default
    /// [`DEFAULT_BOOKMARK_INTERVAL`]).
    pub fn bookmark_interval(mut self, interval: Duration) -> Self {
        self.bookmark_interval = interval;
        self
    }

    /// How many events are kept for watches resuming from a resource version (default
    /// [`DEFAULT_HISTORY_LIMIT`]); older starting points get `410 Expired`.
    pub fn history_limit(mut self, limit: usize) -> Self {
        self.history_limit = limit;
        self
    }

    /// Seeds the objects and starts serving on `127.0.0.1` on a free port (needs a
    /// tokio runtime).
    pub async fn start(mut self) -> Result<FakeApiServer, Error> {
        if let Some(error) = self.errors.pop() {
            return Err(error);
        }
        let tracker = ObjectTracker::new(self.history_limit);
        for resource in self.resources {
            tracker.register(resource);
        }
        for object in self.objects {
            tracker.add(object)?;
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            tracker,
            reactors: Reactors::default(),
            actions: Mutex::new(Vec::new()),
            patch_meta: self.patch_meta,
            bookmark_interval: self.bookmark_interval,
            address: address.to_string(),
        });
        let (shutdown, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(FakeApiServer {
            address,
            shared,
            shutdown: Some(shutdown),
            task,
        })
    }
}

/// Accepts connections until told to stop; connections live in a set that is dropped
/// (aborting them) when this task ends or is aborted.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service = service_fn(move |request| {
                            let shared = Arc::clone(&shared);
                            async move { handle(&shared, request).await }
                        });
                        if let Err(error) = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await
                        {
                            tracing::debug!(%error, "fake API server connection ended");
                        }
                    });
                }
                Err(error) => {
                    tracing::debug!(%error, "fake API server could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
        }
        while connections.try_join_next().is_some() {}
    }
    connections.abort_all();
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::debug!(%error, "reading a request body");
            bytes::Bytes::new()
        }
    };
    Ok(respond(shared, &parts, &body))
}
