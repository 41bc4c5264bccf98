//! Watch responses: newline-delimited JSON events (`{"type":"ADDED","object":{...}}`)
//! streamed until the client goes away, the server stops or `timeoutSeconds` passes,
//! with bookmarks on request.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clientgo_apimachinery::StatusError;
use clientgo_apimachinery::meta::INITIAL_EVENTS_END_ANNOTATION;
use futures_util::Stream;
use hyper::body::Frame;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::selectors::Filter;
use crate::tracker::{Event, EventKind, ObjectTracker, Subscription};

/// How one watch behaves.
pub(crate) struct WatchSettings {
    pub(crate) filter: Filter,
    /// Send a `BOOKMARK` this often (`allowWatchBookmarks=true`).
    pub(crate) bookmarks: Option<Duration>,
    /// End the initial events with the `k8s.io/initial-events-end` bookmark.
    pub(crate) initial_events_end: bool,
    /// End the stream after this long (`timeoutSeconds`).
    pub(crate) timeout: Option<Duration>,
    /// `apiVersion` and `kind` of bookmark objects.
    pub(crate) api_version: String,
    pub(crate) kind: String,
}

/// One event line.
fn line(event_type: &str, object: &Value) -> Bytes {
    let mut bytes =
        serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// The `ERROR` event line of a failed watch.
pub(crate) fn error_line(error: &StatusError) -> Bytes {
    line("ERROR", &crate::handler::status_value(error.status()))
}

fn bookmark(settings: &WatchSettings, rv: u64, initial_end: bool) -> Bytes {
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        metadata["annotations"] = json!({INITIAL_EVENTS_END_ANNOTATION: "true"});
    }
    line(
        "BOOKMARK",
        &json!({"kind": settings.kind, "apiVersion": settings.api_version, "metadata": metadata}),
    )
}

/// The line a change produces for this watch's selectors: objects entering the
/// selection are `ADDED`, objects leaving it `DELETED`.
fn translate(event: &Event, filter: &Filter) -> Option<Bytes> {
    let now = filter.matches(&event.object);
    let event_type = match event.kind {
        EventKind::Added => now.then_some("ADDED"),
        EventKind::Deleted => now.then_some("DELETED"),
        EventKind::Modified => {
            let before = event.old.as_ref().is_some_and(|old| filter.matches(old));
            match (before, now) {
                (true, true) => Some("MODIFIED"),
                (false, true) => Some("ADDED"),
                (true, false) => Some("DELETED"),
                (false, false) => None,
            }
        }
    }?;
    Some(line(event_type, &event.object))
}

struct State {
    pending: VecDeque<Bytes>,
    subscription: Subscription,
    tracker: ObjectTracker,
    settings: WatchSettings,
    next_bookmark: Option<Instant>,
    deadline: Option<Instant>,
    /// The newest resource version this watch has delivered or confirmed.
    rv: u64,
}

/// The body of a watch response.
pub(crate) fn stream(
    subscription: Subscription,
    tracker: ObjectTracker,
    settings: WatchSettings,
) -> impl Stream<Item = Result<Frame<Bytes>, Infallible>> + Send + 'static {
    let mut pending: VecDeque<Bytes> = subscription
        .initial
        .iter()
        .filter_map(|event| translate(event, &settings.filter))
        .collect();
    let mut rv = subscription.rv;
    if let Some(last) = subscription.initial.iter().map(|e| e.rv).max() {
        rv = rv.max(last);
    }
    if settings.initial_events_end {
        pending.push_back(bookmark(&settings, rv, true));
    }
    let now = Instant::now();
    let state = State {
        pending,
        next_bookmark: settings.bookmarks.map(|every| now + every),
        deadline: settings.timeout.map(|t| now + t),
        subscription,
        tracker,
        settings,
        rv,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(bytes) = state.pending.pop_front() {
                return Some((Ok(Frame::data(bytes)), state));
            }
            let far = Instant::now() + Duration::from_secs(86_400);
            let bookmark_at = state.next_bookmark.unwrap_or(far);
            let deadline = state.deadline.unwrap_or(far);
            tokio::select! {
                event = state.subscription.events.recv() => {
                    let event: Arc<Event> = event?;
                    state.rv = state.rv.max(event.rv);
                    if let Some(bytes) = translate(&event, &state.settings.filter) {
                        state.pending.push_back(bytes);
                    }
                }
                () = tokio::time::sleep_until(bookmark_at), if state.next_bookmark.is_some() => {
                    // Everything up to the current version is already queued: writes
                    // send their events before releasing the tracker.
                    let current = state.tracker.resource_version();
                    while let Ok(event) = state.subscription.events.try_recv() {
                        state.rv = state.rv.max(event.rv);
                        if let Some(bytes) = translate(&event, &state.settings.filter) {
                            state.pending.push_back(bytes);
                        }
                    }
                    state.rv = state.rv.max(current);
                    state.pending.push_back(bookmark(&state.settings, state.rv, false));
                    state.next_bookmark = state
                        .settings
                        .bookmarks
                        .map(|every| Instant::now() + every);
                }
                () = tokio::time::sleep_until(deadline), if state.deadline.is_some() => {
                    return None;
                }
            }
        }
    })
}

/// The body of a watch answered by a watch reactor: its events as they come.
pub(crate) fn reactor_stream(
    events: tokio::sync::mpsc::UnboundedReceiver<clientgo_apimachinery::watch::WatchEvent<Value>>,
) -> impl Stream<Item = Result<Frame<Bytes>, Infallible>> + Send + 'static {
    futures_util::stream::unfold(events, |mut events| async move {
        let event = events.recv().await?;
        let mut bytes = serde_json::to_vec(&event).unwrap_or_default();
        bytes.push(b'\n');
        Some((Ok(Frame::data(Bytes::from(bytes))), events))
    })
}
