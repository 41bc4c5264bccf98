//! [`ListerWatcher`]: how a reflector lists and watches, with an implementation over
//! [`ResourceRequests`] (any typed or generic resource) and one from closures.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use clientgo_apimachinery::ObjectList;
use clientgo_apimachinery::meta::ListOptions;
use clientgo_rest::{ResourceRequests, WatchStream};
use serde::de::DeserializeOwned;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Lists and watches objects of type `K` (client-go's `ListerWatcher`).
pub trait ListerWatcher<K>: Send + Sync {
    /// Lists with `options` (one page when `limit`/`continue` are set).
    fn list(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<K>>>;

    /// Starts a watch with `options`.
    fn watch(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<K>>>;

    /// Whether the server behind can do streaming lists (watch with
    /// `sendInitialEvents=true`); fake clients say no, so reflectors skip that mode.
    fn supports_watch_list(&self) -> bool {
        true
    }
}

impl<K, T: ListerWatcher<K> + ?Sized> ListerWatcher<K> for Arc<T> {
    fn list(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<K>>> {
        (**self).list(options)
    }

    fn watch(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<K>>> {
        (**self).watch(options)
    }

    fn supports_watch_list(&self) -> bool {
        (**self).supports_watch_list()
    }
}

/// Changes the options of every list and watch (e.g. to add a label selector).
pub type TweakListOptions = Arc<dyn Fn(&mut ListOptions) + Send + Sync>;

/// Lists and watches one resource through its [`ResourceRequests`] (client-go's
/// `NewFilteredListWatchFromClient`): `GET <collection>` with the options as query, and
/// the same with `watch=true`.
///
/// ```no_run
/// # fn f(rest: clientgo_rest::RestClient) {
/// use clientgo_apimachinery::GroupVersionResource;
/// use clientgo_cache::ListWatch;
/// use clientgo_rest::ResourceRequests;
///
/// let requests = ResourceRequests::new(rest, GroupVersionResource::new("", "v1", "configmaps"), Some("default"));
/// let lw = ListWatch::new(requests).with_tweak(|o| o.label_selector = Some("app=web".into()));
/// # let _ = lw; }
/// ```
#[derive(Clone)]
pub struct ListWatch {
    requests: ResourceRequests,
    tweak: Option<TweakListOptions>,
}

impl std::fmt::Debug for ListWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListWatch")
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl ListWatch {
    /// Lists and watches through `requests`.
    pub fn new(requests: ResourceRequests) -> Self {
        Self {
            requests,
            tweak: None,
        }
    }

    /// Adds a function that adjusts every request's options.
    #[must_use]
    pub fn with_tweak(mut self, tweak: impl Fn(&mut ListOptions) + Send + Sync + 'static) -> Self {
        self.tweak = Some(Arc::new(tweak));
        self
    }

    fn options(&self, mut options: ListOptions) -> ListOptions {
        if let Some(tweak) = &self.tweak {
            tweak(&mut options);
        }
        options
    }
}

impl<K: DeserializeOwned + Send + 'static> ListerWatcher<K> for ListWatch {
    fn list(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<K>>> {
        let options = self.options(options);
        Box::pin(async move { self.requests.list(&options).await })
    }

    fn watch(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<K>>> {
        let mut options = self.options(options);
        options.watch = false; // the request adds `watch=true` itself
        Box::pin(async move { self.requests.watch(&options).await })
    }
}

type ListFn<K> = Arc<
    dyn Fn(ListOptions) -> BoxFuture<'static, clientgo_rest::Result<ObjectList<K>>> + Send + Sync,
>;
type WatchFn<K> = Arc<
    dyn Fn(ListOptions) -> BoxFuture<'static, clientgo_rest::Result<WatchStream<K>>> + Send + Sync,
>;

/// A [`ListerWatcher`] from two closures (client-go's `ListWatch{ListFunc, WatchFunc}`).
pub struct FnListWatch<K> {
    list: ListFn<K>,
    watch: WatchFn<K>,
    watch_list: bool,
}

impl<K> Clone for FnListWatch<K> {
    fn clone(&self) -> Self {
        Self {
            list: Arc::clone(&self.list),
            watch: Arc::clone(&self.watch),
            watch_list: self.watch_list,
        }
    }
}

impl<K: Send + 'static> FnListWatch<K> {
    /// A lister-watcher calling `list` and `watch`. It does not claim streaming-list
    /// support unless [`with_watch_list_support`](Self::with_watch_list_support) says so.
    pub fn new<L, LF, W, WF>(list: L, watch: W) -> Self
    where
        L: Fn(ListOptions) -> LF + Send + Sync + 'static,
        LF: Future<Output = clientgo_rest::Result<ObjectList<K>>> + Send + 'static,
        W: Fn(ListOptions) -> WF + Send + Sync + 'static,
        WF: Future<Output = clientgo_rest::Result<WatchStream<K>>> + Send + 'static,
    {
        Self {
            list: Arc::new(move |o| Box::pin(list(o))),
            watch: Arc::new(move |o| Box::pin(watch(o))),
            watch_list: false,
        }
    }

    /// Declares whether the watch closure honours `sendInitialEvents=true`.
    #[must_use]
    pub fn with_watch_list_support(mut self, supported: bool) -> Self {
        self.watch_list = supported;
        self
    }
}

impl<K: Send + 'static> ListerWatcher<K> for FnListWatch<K> {
    fn list(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<K>>> {
        (self.list)(options)
    }

    fn watch(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<K>>> {
        (self.watch)(options)
    }

    fn supports_watch_list(&self) -> bool {
        self.watch_list
    }
}

impl From<ResourceRequests> for ListWatch {
    fn from(requests: ResourceRequests) -> Self {
        Self::new(requests)
    }
}
