//! Finalizers against the real server: safe adds and removes under concurrent writers,
//! and the cleanup cycle of a deleted object.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use clientgo_api::core::v1::ConfigMap;
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, GetOptions, ObjectMeta};
use clientgo_apimachinery::{ApiStatus, Metadata};
use clientgo_kubernetes::finalizer::{self, Finalized, FinalizerError};

const MINE: &str = "example.com/mine";
const THEIRS: &str = "example.com/theirs";

fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    }
}

#[tokio::test]
async fn adds_and_removes_keep_other_finalizers_and_refuse_stale_objects() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("finalizer").await;
    let maps = clientset.core_v1().config_maps(&namespace);
    let created = maps
        .create(&config_map("settings"), &CreateOptions::default())
        .await
        .unwrap();

    let with_mine = finalizer::add(&maps, &created, MINE).await.unwrap();
    assert_eq!(with_mine.metadata.finalizers, [MINE]);
    let again = finalizer::add(&maps, &with_mine, MINE).await.unwrap();
    assert_eq!(
        again.resource_version(),
        with_mine.resource_version(),
        "nothing sent"
    );

    // Another writer adds its finalizer; our stale copy must not drop it.
    let with_both = finalizer::add(&maps, &with_mine, THEIRS).await.unwrap();
    assert_eq!(with_both.metadata.finalizers, [MINE, THEIRS]);
    let stale = finalizer::remove(&maps, &with_mine, MINE)
        .await
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale}");

    let fresh = maps.get("settings", &GetOptions::default()).await.unwrap();
    let without_mine = finalizer::remove(&maps, &fresh, MINE).await.unwrap();
    assert_eq!(without_mine.metadata.finalizers, [THEIRS]);
    let last = finalizer::remove(&maps, &without_mine, THEIRS)
        .await
        .unwrap();
    assert!(last.metadata.finalizers.is_empty());
}

#[tokio::test]
async fn run_cleans_up_before_a_deleted_object_goes() {
    let clientset = support::clientset().await;
    let namespace = support::namespace("finalizer-run").await;
    let maps = clientset.core_v1().config_maps(&namespace);
    let created = maps
        .create(&config_map("cycle"), &CreateOptions::default())
        .await
        .unwrap();
    let cleanups = AtomicUsize::new(0);
    let cleanup = |_: &ConfigMap| async {
        cleanups.fetch_add(1, Ordering::SeqCst);
        Ok::<(), String>(())
    };

    let live = match finalizer::run(&maps, &created, MINE, cleanup)
        .await
        .unwrap()
    {
        Finalized::Live(object) => object,
        other => panic!("a live object is reconciled, got {other:?}"),
    };
    assert_eq!(live.metadata.finalizers, [MINE]);
    assert_eq!(cleanups.load(Ordering::SeqCst), 0);

    maps.delete("cycle", &DeleteOptions::default())
        .await
        .unwrap();
    let deleting = maps.get("cycle", &GetOptions::default()).await.unwrap();
    assert!(
        deleting.metadata.deletion_timestamp.is_some(),
        "held by the finalizer"
    );

    let failing = |_: &ConfigMap| async { Err::<(), _>("the external system is down") };
    let failed = finalizer::run(&maps, &deleting, MINE, failing)
        .await
        .unwrap_err();
    assert!(matches!(failed, FinalizerError::Cleanup(_)), "{failed}");
    let still = maps.get("cycle", &GetOptions::default()).await.unwrap();
    assert_eq!(
        still.metadata.finalizers,
        [MINE],
        "kept until a cleanup succeeds"
    );

    let done = finalizer::run(&maps, &still, MINE, cleanup).await.unwrap();
    assert!(matches!(done, Finalized::CleanedUp), "{done:?}");
    assert_eq!(cleanups.load(Ordering::SeqCst), 1);
    let gone = maps.get("cycle", &GetOptions::default()).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
}
