//! Test helpers: a scripted lister-watcher and small objects.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::Arc;

use clientgo_apimachinery::ObjectList;
use clientgo_apimachinery::errors::StatusError;
use clientgo_apimachinery::meta::{
    INITIAL_EVENTS_END_ANNOTATION, ListMeta, ListOptions, ObjectMeta, PartialObjectMetadata,
    Status, StatusReason,
};
use clientgo_apimachinery::watch::{Bookmark, BookmarkMeta, WatchEvent};
use clientgo_rest::WatchStream;
use futures_util::StreamExt;
use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::listwatch::{BoxFuture, ListerWatcher};

pub type Obj = PartialObjectMetadata;
pub type Event = clientgo_rest::Result<WatchEvent<Obj>>;

pub fn cm(name: &str, rv: &str) -> Obj {
    let mut m = ObjectMeta::named(name);
    m.namespace = Some("ns".into());
    m.resource_version = Some(rv).filter(|r| !r.is_empty()).map(Into::into);
    PartialObjectMetadata {
        metadata: m,
        ..PartialObjectMetadata::default()
    }
}

pub fn list_of(rv: &str, cont: Option<&str>, items: Vec<Obj>) -> ObjectList<Obj> {
    ObjectList {
        metadata: ListMeta {
            resource_version: Some(rv.into()),
            continue_: cont.map(Into::into),
            ..ListMeta::default()
        },
        items,
        ..ObjectList::default()
    }
}

pub fn status_error(code: i32, reason: StatusReason, message: &str) -> clientgo_rest::Error {
    clientgo_rest::Error::Api(Box::new(StatusError::from(Status::failure(
        code, reason, message,
    ))))
}

pub fn expired() -> clientgo_rest::Error {
    status_error(410, StatusReason::Expired, "too old resource version")
}

pub fn bookmark(rv: &str, end: bool) -> WatchEvent<Obj> {
    let mut b = Bookmark {
        metadata: BookmarkMeta {
            resource_version: rv.into(),
            ..BookmarkMeta::default()
        },
        ..Bookmark::default()
    };
    if end {
        b.metadata
            .annotations
            .insert(INITIAL_EVENTS_END_ANNOTATION.into(), "true".into());
    }
    WatchEvent::Bookmark(b)
}

/// What one watch call returns.
pub enum WatchScript {
    /// These events, then the stream ends (`hang: false`) or stays open.
    Events(Vec<Event>, bool),
    /// Events fed live by the test.
    Channel(mpsc::UnboundedReceiver<Event>),
    /// The watch cannot be started.
    Fail(clientgo_rest::Error),
}

#[derive(Default)]
struct Script {
    lists: VecDeque<clientgo_rest::Result<ObjectList<Obj>>>,
    watches: VecDeque<WatchScript>,
    list_calls: Vec<ListOptions>,
    watch_calls: Vec<ListOptions>,
}

/// A lister-watcher answering from scripts and recording the options of each call.
/// Without scripted answers lists fail and watches stay open forever.
#[derive(Clone, Default)]
pub struct ScriptedListWatch {
    script: Arc<Mutex<Script>>,
    pub watch_list: bool,
}

impl ScriptedListWatch {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push_list(&self, l: clientgo_rest::Result<ObjectList<Obj>>) {
        self.script.lock().lists.push_back(l);
    }
    pub fn push_watch(&self, w: WatchScript) {
        self.script.lock().watches.push_back(w);
    }
    pub fn push_channel(&self) -> mpsc::UnboundedSender<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.push_watch(WatchScript::Channel(rx));
        tx
    }
    pub fn list_calls(&self) -> Vec<ListOptions> {
        self.script.lock().list_calls.clone()
    }
    pub fn watch_calls(&self) -> Vec<ListOptions> {
        self.script.lock().watch_calls.clone()
    }
}

impl ListerWatcher<Obj> for ScriptedListWatch {
    fn list(&self, options: ListOptions) -> BoxFuture<'_, clientgo_rest::Result<ObjectList<Obj>>> {
        let mut s = self.script.lock();
        s.list_calls.push(options);
        let answer = s
            .lists
            .pop_front()
            .unwrap_or_else(|| Err(clientgo_rest::Error::Request("no scripted list".into())));
        Box::pin(async move { answer })
    }

    fn watch(
        &self,
        options: ListOptions,
    ) -> BoxFuture<'_, clientgo_rest::Result<WatchStream<Obj>>> {
        let mut s = self.script.lock();
        s.watch_calls.push(options);
        let script = s.watches.pop_front();
        Box::pin(async move {
            match script {
                None => Ok(futures_util::stream::pending().boxed()),
                Some(WatchScript::Fail(e)) => Err(e),
                Some(WatchScript::Events(events, hang)) => {
                    let s = futures_util::stream::iter(events);
                    Ok(if hang {
                        s.chain(futures_util::stream::pending()).boxed()
                    } else {
                        s.boxed()
                    })
                }
                Some(WatchScript::Channel(rx)) => {
                    Ok(futures_util::stream::unfold(rx, |mut rx| async move {
                        rx.recv().await.map(|e| (e, rx))
                    })
                    .boxed())
                }
            }
        })
    }

    fn supports_watch_list(&self) -> bool {
        self.watch_list
    }
}
