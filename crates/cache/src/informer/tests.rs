#![allow(clippy::unwrap_used)]

use clientgo_apimachinery::watch::WatchEvent;

use super::*;
use crate::testing::{Obj, ScriptedListWatch, WatchScript, cm, expired, list_of};

type Log = Arc<parking_lot::Mutex<Vec<String>>>;

fn recorder(log: &Log, name: &'static str) -> ResourceEventHandlerFuncs<Obj> {
    let (a, u, d) = (log.clone(), log.clone(), log.clone());
    ResourceEventHandlerFuncs::<Obj>::new()
        .on_add(move |o, initial| {
            a.lock().push(format!(
                "{name}:add:{}:{initial}",
                o.metadata.name.as_deref().unwrap()
            ));
        })
        .on_update(move |old, new| {
            u.lock().push(format!(
                "{name}:update:{}:{}->{}",
                new.metadata.name.as_deref().unwrap(),
                old.metadata.resource_version.as_deref().unwrap_or_default(),
                new.metadata.resource_version.as_deref().unwrap_or_default()
            ));
        })
        .on_delete(move |o| {
            d.lock().push(format!(
                "{name}:delete:{}:{}",
                o.name(),
                o.is_final_state_unknown()
            ));
        })
}

async fn settle() {
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
}

fn start(informer: &SharedIndexInformer<Obj>) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (i, c) = (informer.clone(), cancel.clone());
        async move { i.run(c).await }
    });
    (cancel, task)
}

fn options() -> InformerOptions<Obj> {
    InformerOptions {
        use_watch_list: Some(false),
        ..InformerOptions::default()
    }
}

#[tokio::test(start_paused = true)]
async fn handlers_see_initial_list_live_events_and_late_handlers_get_the_state() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "1"), cm("b", "2")])));
    let tx = lw.push_channel();
    let informer = SharedIndexInformer::new(Arc::new(lw.clone()), options());
    let log: Log = Arc::default();
    let first = informer.add_event_handler(recorder(&log, "h1")).unwrap();
    assert!(!informer.has_synced());
    assert_eq!(informer.last_sync_resource_version(), "");
    let (cancel, task) = start(&informer);
    settle().await;
    assert!(informer.has_synced());
    assert!(first.has_synced());
    assert_eq!(informer.last_sync_resource_version(), "10");
    let mut initial = log.lock().clone();
    initial.sort();
    assert_eq!(initial, ["h1:add:a:true", "h1:add:b:true"]);
    log.lock().clear();

    tx.send(Ok(WatchEvent::Modified(cm("a", "11")))).unwrap();
    tx.send(Ok(WatchEvent::Deleted(cm("b", "12")))).unwrap();
    tx.send(Ok(WatchEvent::Added(cm("c", "13")))).unwrap();
    settle().await;
    assert_eq!(
        *log.lock(),
        ["h1:update:a:1->11", "h1:delete:b:false", "h1:add:c:false"]
    );
    log.lock().clear();

    // A late handler gets the current state as initial adds, then live events.
    let late = informer.add_event_handler(recorder(&log, "h2")).unwrap();
    settle().await;
    assert!(late.has_synced());
    let mut got = log.lock().clone();
    got.sort();
    assert_eq!(got, ["h2:add:a:true", "h2:add:c:true"]);
    log.lock().clear();
    tx.send(Ok(WatchEvent::Modified(cm("c", "14")))).unwrap();
    settle().await;
    let mut got = log.lock().clone();
    got.sort();
    assert_eq!(got, ["h1:update:c:13->14", "h2:update:c:13->14"]);

    // Removal: removed handlers hear nothing more; foreign/double removal is a no-op.
    informer.shut_down_event_handler(&late).await;
    informer.remove_event_handler(&late);
    let other = SharedIndexInformer::new(Arc::new(ScriptedListWatch::new()), options());
    other.remove_event_handler(&first);
    assert_eq!(informer.handler_count(), 1);
    log.lock().clear();
    tx.send(Ok(WatchEvent::Deleted(cm("c", "15")))).unwrap();
    settle().await;
    assert_eq!(*log.lock(), ["h1:delete:c:false"]);

    cancel.cancel();
    task.await.unwrap();
    assert!(informer.is_stopped());
    assert!(informer.add_event_handler(recorder(&log, "h3")).is_err());
    assert!(informer.set_transform(Ok).is_err());
}

#[tokio::test(start_paused = true)]
async fn relist_delivers_tombstones_and_only_real_updates() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of(
        "10",
        None,
        vec![cm("a", "1"), cm("b", "2"), cm("c", "3")],
    )));
    lw.push_watch(WatchScript::Events(vec![Err(expired())], false));
    lw.push_list(Ok(list_of(
        "20",
        None,
        vec![cm("a", "1"), cm("b", "5"), cm("d", "6")],
    )));
    let informer = SharedIndexInformer::new(Arc::new(lw.clone()), options());
    let log: Log = Arc::default();
    informer.add_event_handler(recorder(&log, "h")).unwrap();
    let (cancel, task) = start(&informer);
    settle().await;
    log.lock().clear();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        *log.lock(),
        ["h:delete:c:true", "h:update:b:2->5", "h:add:d:false"],
        "a unchanged (same RV) is not redelivered"
    );
    assert_eq!(informer.last_sync_resource_version(), "20");
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn transform_runs_before_store_and_handlers() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "1")])));
    let informer = SharedIndexInformer::new(Arc::new(lw.clone()), options());
    informer
        .set_transform(|mut o: Obj| {
            o.metadata.annotations.insert("t".into(), "1".into());
            Ok(o)
        })
        .unwrap();
    let saw = Arc::new(parking_lot::Mutex::new(false));
    informer
        .add_event_handler(ResourceEventHandlerFuncs::new().on_add({
            let saw = saw.clone();
            move |o: &Arc<Obj>, _| *saw.lock() = o.metadata.annotations.contains_key("t")
        }))
        .unwrap();
    let (cancel, task) = start(&informer);
    settle().await;
    assert!(*saw.lock());
    assert!(
        informer
            .get_store()
            .get_by_key("ns/a")
            .unwrap()
            .metadata
            .annotations
            .contains_key("t")
    );
    assert_eq!(
        informer
            .get_indexer()
            .index_keys(crate::NAMESPACE_INDEX, "ns")
            .unwrap(),
        ["ns/a"]
    );
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn handlers_resync_at_their_own_periods() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "1")])));
    let informer = SharedIndexInformer::new(
        Arc::new(lw.clone()),
        InformerOptions {
            resync_period: Duration::from_secs(10),
            ..options()
        },
    );
    let log: Log = Arc::default();
    informer
        .add_event_handler_with_resync_period(recorder(&log, "fast"), Duration::from_secs(5))
        .unwrap();
    informer
        .add_event_handler_with_resync_period(recorder(&log, "slow"), Duration::from_secs(20))
        .unwrap();
    informer
        .add_event_handler_with_resync_period(recorder(&log, "never"), Duration::ZERO)
        .unwrap();
    let (cancel, task) = start(&informer);
    settle().await;
    log.lock().clear();
    tokio::time::sleep(Duration::from_millis(20_500)).await;
    let count = |name: &str| {
        log.lock()
            .iter()
            .filter(|l| l.starts_with(&format!("{name}:update")))
            .count()
    };
    // The check period was lowered to 5 s before start.
    assert_eq!(count("fast"), 4);
    assert_eq!(count("slow"), 1);
    assert_eq!(count("never"), 0);
    // After start, a smaller period is raised to the check period.
    informer
        .add_event_handler_with_resync_period(recorder(&log, "late"), Duration::from_secs(1))
        .unwrap();
    settle().await;
    log.lock().clear();
    tokio::time::sleep(Duration::from_secs(21)).await;
    // Raised to the 5 s check period (1 s would give about 20).
    assert!((2..=4).contains(&count("late")), "{}", count("late"));
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn handler_panics_propagate_or_are_skipped() {
    for policy in [HandlerPanicPolicy::Skip, HandlerPanicPolicy::Propagate] {
        let lw = ScriptedListWatch::new();
        lw.push_list(Ok(list_of("10", None, vec![cm("a", "1"), cm("b", "1")])));
        let informer = SharedIndexInformer::new(
            Arc::new(lw.clone()),
            InformerOptions {
                handler_panic: policy,
                ..options()
            },
        );
        let log: Log = Arc::default();
        informer
            .add_event_handler(ResourceEventHandlerFuncs::new().on_add({
                let log = log.clone();
                move |o: &Arc<Obj>, _| {
                    log.lock()
                        .push(o.metadata.name.as_deref().unwrap().to_owned());
                    if log.lock().len() == 1 {
                        panic!("handler bug");
                    }
                }
            }))
            .unwrap();
        let (_cancel, task) = start(&informer);
        tokio::time::sleep(Duration::from_secs(2)).await;
        match policy {
            HandlerPanicPolicy::Skip => {
                assert_eq!(log.lock().len(), 2, "the next notification still arrives");
                task.abort();
            }
            HandlerPanicPolicy::Propagate => {
                let err = task.await.unwrap_err();
                assert!(err.is_panic());
                assert_eq!(log.lock().len(), 1);
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_the_run_future_stops_everything() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "1")])));
    let informer = SharedIndexInformer::new(Arc::new(lw.clone()), options());
    informer
        .add_event_handler(ResourceEventHandlerFuncs::new())
        .unwrap();
    let (_cancel, task) = start(&informer);
    settle().await;
    task.abort();
    let _ = task.await;
    assert!(informer.is_stopped());
    assert!(
        informer
            .add_event_handler(ResourceEventHandlerFuncs::new())
            .is_err()
    );
    assert!(informer.add_indexers(Indexers::new()).is_err());
}

#[tokio::test(start_paused = true)]
async fn wait_for_cache_sync_polls_until_true_or_cancelled() {
    let cancel = CancellationToken::new();
    assert!(wait_for_cache_sync(&cancel, &[&|| true]).await);
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        c.cancel();
    });
    assert!(!wait_for_cache_sync(&cancel, &[&|| false]).await);
}
