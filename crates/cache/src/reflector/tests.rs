#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use clientgo_apimachinery::meta::StatusReason;

use super::*;
use crate::testing::{
    Obj, ScriptedListWatch, WatchScript, bookmark, cm, expired, list_of, status_error,
};

fn reflector(
    lw: &ScriptedListWatch,
    store: &Store<Obj>,
    options: ReflectorOptions<Obj>,
) -> Arc<Reflector<Obj>> {
    Arc::new(Reflector::new(
        Arc::new(lw.clone()),
        Arc::new(store.clone()),
        options,
    ))
}

fn spawn(r: &Arc<Reflector<Obj>>) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let (r, c) = (Arc::clone(r), cancel.clone());
        async move { r.run(c).await }
    });
    (cancel, task)
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

fn rvs(calls: &[ListOptions]) -> Vec<String> {
    calls
        .iter()
        .map(|c| c.resource_version.clone().unwrap_or_default())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn list_then_watch_applies_events_and_tracks_the_last_rv() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "5")])));
    let tx = lw.push_channel();
    let store = Store::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    settle().await;
    assert_eq!(
        lw.list_calls()[0].resource_version.as_deref(),
        Some("0"),
        "first list from the watch cache"
    );
    assert_eq!(lw.list_calls()[0].limit, Some(500));
    let watch = &lw.watch_calls()[0];
    assert_eq!(watch.resource_version.as_deref(), Some("10"));
    assert!(watch.allow_watch_bookmarks);
    let timeout = watch.timeout_seconds.unwrap();
    assert!((300..=600).contains(&timeout), "{timeout}");

    tx.send(Ok(WatchEvent::Added(cm("b", "11")))).unwrap();
    tx.send(Ok(WatchEvent::Modified(cm("a", "12")))).unwrap();
    tx.send(Ok(WatchEvent::Deleted(cm("b", "13")))).unwrap();
    tx.send(Ok(bookmark("14", false))).unwrap();
    settle().await;
    assert_eq!(store.list_keys(), ["ns/a"]);
    assert_eq!(
        store
            .get_by_key("ns/a")
            .unwrap()
            .metadata
            .resource_version
            .as_deref(),
        Some("12")
    );
    assert_eq!(r.last_sync_resource_version(), "14");
    assert_eq!(store.last_store_sync_resource_version(), "14");

    // A closed watch resumes from the last RV without a relist.
    drop(tx);
    settle().await;
    assert_eq!(lw.watch_calls().len(), 2);
    assert_eq!(lw.watch_calls()[1].resource_version.as_deref(), Some("14"));
    assert_eq!(lw.list_calls().len(), 1);
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn expired_watch_relists_from_lsrv_then_consistently() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![cm("a", "5")])));
    lw.push_watch(WatchScript::Events(
        vec![Ok(WatchEvent::Error(Box::new(
            clientgo_apimachinery::meta::Status::failure(410, StatusReason::Expired, "too old"),
        )))],
        false,
    ));
    lw.push_list(Err(expired())); // the relist from "10" is expired too
    lw.push_list(Ok(list_of("20", None, vec![cm("b", "15")])));
    let errors = Arc::new(AtomicUsize::new(0));
    let options = ReflectorOptions {
        watch_error_handler: Some({
            let errors = Arc::clone(&errors);
            Arc::new(move |e: &Error| {
                assert!(e.is_expired(), "{e}");
                errors.fetch_add(1, Ordering::SeqCst);
            })
        }),
        ..ReflectorOptions::default()
    };
    let store = Store::new();
    let r = reflector(&lw, &store, options);
    let (cancel, task) = spawn(&r);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        rvs(&lw.list_calls()),
        ["0", "10", ""],
        "ExpiredExactResourceVersion"
    );
    assert_eq!(
        lw.list_calls()[1].limit,
        None,
        "an exact-RV list is not paginated"
    );
    assert_eq!(lw.list_calls()[2].limit, Some(500), "a consistent list is");
    assert_eq!(store.list_keys(), ["ns/b"]);
    assert_eq!(r.last_sync_resource_version(), "20");
    assert_eq!(errors.load(Ordering::SeqCst), 1);
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn paginated_rv0_list_makes_paging_sticky_and_expired_pages_fall_back() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", Some("c"), vec![cm("a", "1")])));
    lw.push_list(Ok(list_of("10", None, vec![cm("b", "1")])));
    lw.push_watch(WatchScript::Fail(status_error(
        500,
        StatusReason::InternalError,
        "boom",
    )));
    // Relist from "10": paged (sticky), the continuation expires → full list.
    lw.push_list(Ok(list_of("11", Some("c2"), vec![cm("a", "1")])));
    lw.push_list(Err(expired()));
    lw.push_list(Ok(list_of("12", None, vec![cm("a", "1"), cm("c", "2")])));
    let store = Store::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let calls = lw.list_calls();
    assert_eq!(calls[2].resource_version.as_deref(), Some("10"));
    assert_eq!(
        calls[2].limit,
        Some(500),
        "paging is sticky once RV=0 was paginated"
    );
    assert_eq!(
        calls[4].limit, None,
        "full list after an expired continuation"
    );
    assert_eq!(calls[4].resource_version.as_deref(), Some("10"));
    let mut keys = store.list_keys();
    keys.sort();
    assert_eq!(keys, ["ns/a", "ns/c"]);
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn watch_list_page_size_is_honoured_and_too_large_rv_forces_consistent_lists() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Err(status_error(
        504,
        StatusReason::Timeout,
        "Too large resource version: 5, current: 3",
    )));
    lw.push_list(Ok(list_of("10", None, vec![])));
    let options = ReflectorOptions {
        watch_list_page_size: Some(7),
        ..ReflectorOptions::default()
    };
    let store = Store::new();
    let r = reflector(&lw, &store, options);
    let (cancel, task) = spawn(&r);
    settle().await;
    assert_eq!(rvs(&lw.list_calls()), ["0", ""]);
    assert!(lw.list_calls().iter().all(|c| c.limit == Some(7)));
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn failing_lists_back_off_instead_of_hot_looping() {
    let lw = ScriptedListWatch::new(); // every list fails
    let store = Store::<Obj>::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let n = lw.list_calls().len();
    // 0.8 + 1.6 + 3.2 + ... with jitter in [d, 2d): at most 4 attempts in 10 s.
    assert!((2..=4).contains(&n), "{n} lists in 10 s");
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn watch_429_backs_off_and_rewatches_without_relisting() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("10", None, vec![])));
    lw.push_watch(WatchScript::Fail(status_error(
        429,
        StatusReason::TooManyRequests,
        "slow down",
    )));
    lw.push_watch(WatchScript::Events(
        vec![Err(status_error(
            429,
            StatusReason::TooManyRequests,
            "again",
        ))],
        false,
    ));
    let store = Store::<Obj>::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    settle().await;
    assert_eq!(lw.watch_calls().len(), 1);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        lw.watch_calls().len(),
        3,
        "two back-offs, then a third watch"
    );
    assert_eq!(lw.list_calls().len(), 1, "no relist on 429");
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn streaming_list_replaces_once_and_continues_on_the_same_watch() {
    let mut lw = ScriptedListWatch::new();
    lw.watch_list = true;
    let tx = lw.push_channel();
    let store = Store::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    settle().await;
    let call = &lw.watch_calls()[0];
    assert_eq!(call.send_initial_events, Some(true));
    assert_eq!(
        call.resource_version_match,
        Some(ResourceVersionMatch::NotOlderThan)
    );
    assert_eq!(call.resource_version, None);
    assert!(call.allow_watch_bookmarks);
    tx.send(Ok(WatchEvent::Added(cm("a", "3")))).unwrap();
    tx.send(Ok(WatchEvent::Added(cm("b", "4")))).unwrap();
    tx.send(Ok(bookmark("5", false))).unwrap();
    settle().await;
    assert!(store.is_empty(), "nothing applied before the end bookmark");
    tx.send(Ok(bookmark("6", true))).unwrap();
    settle().await;
    assert_eq!(store.len(), 2);
    assert_eq!(r.last_sync_resource_version(), "6");
    tx.send(Ok(WatchEvent::Deleted(cm("a", "7")))).unwrap();
    settle().await;
    assert_eq!(store.list_keys(), ["ns/b"]);
    assert_eq!(lw.watch_calls().len(), 1, "the same watch continues");
    assert!(lw.list_calls().is_empty());
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn streaming_list_falls_back_to_list_and_restarts_after_410() {
    let mut lw = ScriptedListWatch::new();
    lw.watch_list = true;
    // 410 → restart with RV ""; then a server that does not send the end bookmark.
    lw.push_watch(WatchScript::Fail(expired()));
    lw.push_watch(WatchScript::Fail(status_error(
        400,
        StatusReason::BadRequest,
        "sendInitialEvents unsupported",
    )));
    lw.push_list(Ok(list_of("9", None, vec![cm("a", "1")])));
    let store = Store::new();
    let r = reflector(&lw, &store, ReflectorOptions::default());
    let (cancel, task) = spawn(&r);
    settle().await;
    let calls = lw.watch_calls();
    assert_eq!(calls[0].send_initial_events, Some(true));
    assert_eq!(calls[1].send_initial_events, Some(true));
    assert_eq!(calls[1].resource_version, None);
    assert_eq!(lw.list_calls().len(), 1, "fell back to LIST");
    assert_eq!(calls[2].send_initial_events, None, "then a plain watch");
    assert_eq!(calls[2].resource_version.as_deref(), Some("9"));
    assert_eq!(store.list_keys(), ["ns/a"]);
    cancel.cancel();
    task.await.unwrap();
}

#[derive(Default)]
struct CountingStore {
    inner: Store<Obj>,
    resyncs: AtomicUsize,
}

impl ReflectorStore<Obj> for CountingStore {
    fn add(&self, obj: Arc<Obj>) -> Result<()> {
        self.inner.add(obj)
    }
    fn update(&self, obj: Arc<Obj>) -> Result<()> {
        self.inner.update(obj)
    }
    fn delete(&self, obj: Arc<Obj>) -> Result<()> {
        self.inner.delete(&obj)
    }
    fn replace(&self, list: Vec<Arc<Obj>>, rv: String) -> Result<()> {
        self.inner.replace(list, &rv)
    }
    fn resync(&self) -> Result<()> {
        self.resyncs.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn resync_ticks_consult_should_resync() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("1", None, vec![])));
    let store = Arc::new(CountingStore::default());
    let asked = Arc::new(AtomicUsize::new(0));
    let options = ReflectorOptions {
        resync_period: Duration::from_secs(10),
        should_resync: Some({
            let asked = Arc::clone(&asked);
            Arc::new(move || asked.fetch_add(1, Ordering::SeqCst).is_multiple_of(2))
        }),
        ..ReflectorOptions::default()
    };
    let r = Arc::new(Reflector::new(
        Arc::new(lw.clone()),
        store.clone() as Arc<dyn ReflectorStore<Obj>>,
        options,
    ));
    let (cancel, task) = spawn(&r);
    tokio::time::sleep(Duration::from_secs(41)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 4);
    assert_eq!(store.resyncs.load(Ordering::SeqCst), 2);
    cancel.cancel();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn very_short_empty_watches_are_errors_and_transform_applies() {
    let lw = ScriptedListWatch::new();
    lw.push_list(Ok(list_of("1", None, vec![cm("a", "1")])));
    lw.push_watch(WatchScript::Events(vec![], false));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let options = ReflectorOptions {
        name: "short".into(),
        watch_error_handler: Some({
            let errors = Arc::clone(&errors);
            Arc::new(move |e: &Error| errors.lock().push(e.to_string()))
        }),
        transform: Some(Arc::new(|mut o: Obj| {
            o.metadata.labels.insert("seen".into(), "yes".into());
            Ok(o)
        })),
        ..ReflectorOptions::default()
    };
    let store = Store::new();
    let r = reflector(&lw, &store, options);
    let (cancel, task) = spawn(&r);
    settle().await;
    assert!(
        errors.lock()[0].starts_with("very short watch: short"),
        "{:?}",
        errors.lock()
    );
    assert_eq!(
        store.get_by_key("ns/a").unwrap().metadata.labels["seen"],
        "yes"
    );
    cancel.cancel();
    task.await.unwrap();
}
