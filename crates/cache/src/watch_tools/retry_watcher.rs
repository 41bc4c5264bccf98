//! [`RetryWatcher`]: re-watches from the last seen resource version.

use std::sync::Arc;
use std::time::Duration;

use clientgo_apimachinery::errors::ApiStatus;
use clientgo_apimachinery::meta::{ListOptions, Status, StatusReason};
use clientgo_apimachinery::watch::WatchEvent;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::listwatch::ListerWatcher;
use crate::object::CacheObject;

/// A watch that resumes from the last resource version it saw whenever the
/// connection ends, restarting at most once a second. Bookmarks move the resource
/// version but are not delivered. A `410 Gone`/`Expired` error is delivered and then
/// the watcher stops (the caller must relist); so does a 401/403 on creation.
///
/// Events are handed over without buffering (the watcher waits for the consumer).
/// Dropping the watcher (or [`stop`](Self::stop)) ends its task.
pub struct RetryWatcher<K> {
    events: mpsc::Receiver<WatchEvent<K>>,
    cancel: CancellationToken,
    done: CancellationToken,
}

impl<K> Drop for RetryWatcher<K> {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn status_event<K>(code: i32, reason: StatusReason, message: String) -> WatchEvent<K> {
    WatchEvent::Error(Box::new(Status::failure(code, reason, message)))
}

impl<K: CacheObject + serde::de::DeserializeOwned> RetryWatcher<K> {
    /// Starts watching from `initial_rv`, which must be a real resource version (not
    /// `""` or `"0"`).
    pub fn new(initial_rv: &str, lw: Arc<dyn ListerWatcher<K>>) -> Result<Self> {
        if initial_rv.is_empty() || initial_rv == "0" {
            return Err(Error::UnsupportedResourceVersion(initial_rv.to_owned()));
        }
        let (tx, events) = mpsc::channel(1);
        let cancel = CancellationToken::new();
        let done = CancellationToken::new();
        let task_cancel = cancel.clone();
        let task_done = done.clone();
        let mut rv = initial_rv.to_owned();
        tokio::spawn(async move {
            let _done = task_done.drop_guard();
            let mut last_start: Option<tokio::time::Instant> = None;
            let mut delay = Duration::ZERO;
            loop {
                // At most one (re)start per second, or the server's retry-after.
                let wait = last_start.map_or(Duration::ZERO, |s| {
                    (s + Duration::from_secs(1).max(delay))
                        .saturating_duration_since(tokio::time::Instant::now())
                });
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = task_cancel.cancelled() => return,
                }
                last_start = Some(tokio::time::Instant::now());
                delay = Duration::ZERO;
                let options = ListOptions {
                    resource_version: Some(rv.clone()),
                    allow_watch_bookmarks: true,
                    ..ListOptions::default()
                };
                let started = tokio::select! {
                    s = lw.watch(options) => s,
                    () = task_cancel.cancelled() => return,
                };
                let mut stream = match started {
                    Ok(s) => s,
                    Err(e) if e.is_unauthorized() || e.is_forbidden() => {
                        let status = e.api_status().cloned().unwrap_or_default();
                        let _ = tx.send(WatchEvent::Error(Box::new(status))).await;
                        return;
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "retry watcher: watch not started; retrying");
                        continue;
                    }
                };
                loop {
                    let next = tokio::select! {
                        n = stream.next() => n,
                        () = task_cancel.cancelled() => return,
                    };
                    let event = match next {
                        None
                        | Some(Err(
                            clientgo_rest::Error::Stream(_) | clientgo_rest::Error::Transport(_),
                        )) => break,
                        Some(Err(e)) => match e.api_status() {
                            Some(s) => WatchEvent::Error(Box::new(s.clone())),
                            None => break,
                        },
                        Some(Ok(e)) => e,
                    };
                    match event {
                        WatchEvent::Bookmark(b) => b.metadata.resource_version.clone_into(&mut rv),
                        WatchEvent::Error(status) => {
                            if status.code == 410
                                || matches!(
                                    status.reason,
                                    StatusReason::Expired | StatusReason::Gone
                                )
                            {
                                let _ = tx.send(WatchEvent::Error(status)).await;
                                return;
                            }
                            let after = status
                                .details
                                .as_ref()
                                .map_or(0, |d| d.retry_after_seconds.max(0));
                            delay = Duration::from_secs(u64::try_from(after).unwrap_or(0));
                            break;
                        }
                        event => {
                            let Some(obj_rv) = event
                                .object()
                                .and_then(|o| o.object_resource_version())
                                .map(str::to_owned)
                            else {
                                let _ = tx
                                    .send(status_event(
                                        500,
                                        StatusReason::InternalError,
                                        "retry watcher: an event object has no resourceVersion"
                                            .into(),
                                    ))
                                    .await;
                                return;
                            };
                            rv = obj_rv;
                            tokio::select! {
                                r = tx.send(event) => if r.is_err() { return },
                                () = task_cancel.cancelled() => return,
                            }
                        }
                    }
                }
            }
        });
        Ok(Self {
            events,
            cancel,
            done,
        })
    }
}

impl<K> RetryWatcher<K> {
    /// The next event; `None` once the watcher has stopped.
    pub async fn next(&mut self) -> Option<WatchEvent<K>> {
        self.events.recv().await
    }

    /// Stops the watcher.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// Resolves once the watcher's task has ended.
    pub async fn done(&self) {
        self.done.cancelled().await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{Obj, ScriptedListWatch, WatchScript, bookmark, cm, expired};

    #[tokio::test(start_paused = true)]
    async fn resumes_from_the_last_rv_hides_bookmarks_and_stops_on_410() {
        let lw = ScriptedListWatch::new();
        lw.push_watch(WatchScript::Events(
            vec![
                Ok(WatchEvent::Added(cm("a", "6"))),
                Ok(bookmark("8", false)),
            ],
            false,
        ));
        lw.push_watch(WatchScript::Events(
            vec![Ok(WatchEvent::Modified(cm("a", "9"))), Err(expired())],
            false,
        ));
        assert!(RetryWatcher::<Obj>::new("0", Arc::new(lw.clone())).is_err());
        assert!(RetryWatcher::<Obj>::new("", Arc::new(lw.clone())).is_err());
        let mut w = RetryWatcher::new("5", Arc::new(lw.clone())).unwrap();
        assert!(matches!(w.next().await, Some(WatchEvent::Added(_))));
        assert!(matches!(w.next().await, Some(WatchEvent::Modified(_))));
        assert!(matches!(w.next().await, Some(WatchEvent::Error(s)) if s.code == 410));
        assert!(w.next().await.is_none());
        w.done().await;
        let rvs: Vec<_> = lw
            .watch_calls()
            .iter()
            .map(|c| c.resource_version.clone().unwrap())
            .collect();
        assert_eq!(rvs, ["5", "8"]);
    }
}
