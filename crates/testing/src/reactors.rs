//! Reactors (client-go's reaction chain): closures consulted in order for every
//! resource request before the object tracker, able to answer it themselves.

use std::sync::Arc;

use clientgo_apimachinery::StatusError;
use clientgo_apimachinery::meta::{Status, StatusReason};
use clientgo_apimachinery::watch::WatchEvent;
use parking_lot::RwLock;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::actions::Action;

/// How a reactor answers a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reaction {
    /// Answer with this object (HTTP 201 for creates, 200 otherwise). For watches the
    /// body is sent as is and the stream ends.
    Object(Value),
    /// Answer with this error; the HTTP code is the status's `code` (500 when 0).
    /// Boxed: statuses are large.
    Error(Box<Status>),
}

impl Reaction {
    /// An error answer of HTTP `code` with `reason` and `message`.
    pub fn error(code: u16, reason: StatusReason, message: impl Into<String>) -> Self {
        Reaction::Error(Box::new(Status::failure(i32::from(code), reason, message)))
    }
}

impl From<StatusError> for Reaction {
    fn from(error: StatusError) -> Self {
        Reaction::Error(Box::new(error.into_status()))
    }
}

impl From<Value> for Reaction {
    fn from(object: Value) -> Self {
        Reaction::Object(object)
    }
}

/// A reactor: `None` lets the request go on to the next reactor (and finally the
/// object tracker); `Some` answers it.
pub type ReactorFn = dyn Fn(&Action) -> Option<Reaction> + Send + Sync;

/// A watch reactor: `Some(events)` answers a watch with the events sent on the channel
/// (the stream ends when the sender is dropped); `None` lets the request go on.
pub type WatchReactorFn =
    dyn Fn(&Action) -> Option<mpsc::UnboundedReceiver<WatchEvent<Value>>> + Send + Sync;

struct Entry {
    verb: String,
    resource: String,
    reactor: Arc<ReactorFn>,
}

/// The ordered reactors of one server.
#[derive(Default)]
pub(crate) struct Reactors {
    entries: RwLock<Vec<Entry>>,
    watch_entries: RwLock<Vec<(String, Arc<WatchReactorFn>)>>,
}

impl Reactors {
    pub(crate) fn add(&self, verb: &str, resource: &str, reactor: Arc<ReactorFn>, first: bool) {
        let entry = Entry {
            verb: verb.to_owned(),
            resource: resource.to_owned(),
            reactor,
        };
        let mut entries = self.entries.write();
        if first {
            entries.insert(0, entry);
        } else {
            entries.push(entry);
        }
    }

    /// The answer of the first reactor that handles `action`. Reactors run without any
    /// lock held, so they may use the server (its tracker, more reactors) themselves.
    pub(crate) fn react(&self, action: &Action) -> Option<Reaction> {
        let matching: Vec<Arc<ReactorFn>> = self
            .entries
            .read()
            .iter()
            .filter(|e| action.matches(&e.verb, &e.resource))
            .map(|e| Arc::clone(&e.reactor))
            .collect();
        matching.iter().find_map(|reactor| reactor(action))
    }

    pub(crate) fn add_watch(&self, resource: &str, reactor: Arc<WatchReactorFn>, first: bool) {
        let mut entries = self.watch_entries.write();
        let entry = (resource.to_owned(), reactor);
        if first {
            entries.insert(0, entry);
        } else {
            entries.push(entry);
        }
    }

    /// The events of the first watch reactor that handles `action`.
    pub(crate) fn react_watch(
        &self,
        action: &Action,
    ) -> Option<mpsc::UnboundedReceiver<WatchEvent<Value>>> {
        let matching: Vec<Arc<WatchReactorFn>> = self
            .watch_entries
            .read()
            .iter()
            .filter(|(resource, _)| action.matches("watch", resource))
            .map(|(_, reactor)| Arc::clone(reactor))
            .collect();
        matching.iter().find_map(|reactor| reactor(action))
    }
}
