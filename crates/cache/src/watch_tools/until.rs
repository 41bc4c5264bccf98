//! [`until_with_sync`]: wait for a condition on the events of a private informer.

use std::sync::Arc;

use clientgo_apimachinery::watch::WatchEvent;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::informer::{
    InformerOptions, ResourceEventHandlerFuncs, SharedIndexInformer, wait_for_cache_sync,
};
use crate::listwatch::ListerWatcher;
use crate::object::CacheObject;
use crate::store::Store;

/// A check of an informer's synced store.
pub type Precondition<K> = dyn Fn(&Store<K>) -> bool + Sync;

/// Runs a private informer and feeds its notifications as watch events (adds →
/// `Added`, updates → `Modified` with the new object, deletes → `Deleted` with the last
/// known object) to `condition` until it returns true; returns that event.
///
/// With a `precondition`, waits for the informer to sync first and evaluates it on the
/// store: true returns `None` without watching. Cancelling `cancel` ends the wait with
/// [`Error::WaitInterrupted`] (or [`Error::SyncFailed`] before sync).
pub async fn until_with_sync<K>(
    cancel: &CancellationToken,
    lw: Arc<dyn ListerWatcher<K>>,
    precondition: Option<&Precondition<K>>,
    mut condition: impl FnMut(&WatchEvent<Arc<K>>) -> Result<bool>,
) -> Result<Option<WatchEvent<Arc<K>>>>
where
    K: CacheObject + serde::de::DeserializeOwned,
{
    let informer = SharedIndexInformer::new(lw, InformerOptions::default());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (a, u, d) = (tx.clone(), tx.clone(), tx);
    informer.add_event_handler(
        ResourceEventHandlerFuncs::new()
            .on_add(move |o: &Arc<K>, _| drop(a.send(WatchEvent::Added(Arc::clone(o)))))
            .on_update(move |_, n: &Arc<K>| drop(u.send(WatchEvent::Modified(Arc::clone(n)))))
            .on_delete(move |o| {
                if let Some(o) = o.object() {
                    drop(d.send(WatchEvent::Deleted(Arc::clone(o))));
                }
            }),
    )?;
    let stop = cancel.child_token();
    let _stop_on_return = stop.clone().drop_guard();
    let running = tokio::spawn({
        let (informer, stop) = (informer.clone(), stop.clone());
        async move { informer.run(stop).await }
    });
    let result = async {
        if let Some(pre) = precondition {
            if !wait_for_cache_sync(cancel, &[&|| informer.has_synced()]).await {
                return Err(Error::SyncFailed("cancelled".into()));
            }
            if pre(&informer.get_store()) {
                return Ok(None);
            }
        }
        loop {
            let event = tokio::select! {
                e = rx.recv() => e.ok_or(Error::WatchClosed)?,
                () = cancel.cancelled() => return Err(Error::WaitInterrupted),
            };
            if condition(&event)? {
                return Ok(Some(event));
            }
        }
    }
    .await;
    stop.cancel();
    let _ = running.await;
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{Obj, ScriptedListWatch, cm, list_of};

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_condition_or_returns_on_the_precondition() {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("5", None, vec![cm("a", "1")])));
        let tx = lw.push_channel();
        tx.send(Ok(WatchEvent::Modified(cm("a", "6")))).unwrap();
        let cancel = CancellationToken::new();
        let event = until_with_sync::<Obj>(&cancel, Arc::new(lw), None, |e| {
            Ok(matches!(e, WatchEvent::Modified(o) if o.metadata.resource_version.as_deref() == Some("6")))
        })
        .await
        .unwrap();
        assert!(matches!(event, Some(WatchEvent::Modified(_))));

        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("5", None, vec![cm("a", "1")])));
        let pre = |s: &Store<Obj>| s.get_by_key("ns/a").is_some();
        let none = until_with_sync::<Obj>(&cancel, Arc::new(lw), Some(&pre), |_| Ok(false))
            .await
            .unwrap();
        assert!(none.is_none());
    }
}
