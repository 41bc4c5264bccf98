//! Controllers under leader election against the real server: of two replicas only the
//! leader reconciles; cancelling it releases the Lease after its work stopped and the
//! other takes over; a Lease taken over by someone else stops the leader, whose `run`
//! returns `LeadershipLost`, and it reconciles nothing after that.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use clientgo_api::core::v1::ConfigMap;
use clientgo_apimachinery::meta::{CreateOptions, GetOptions, ObjectMeta, UpdateOptions};
use clientgo_clientcmd::{ClientConfig, ConfigOverrides, LoadingRules};
use clientgo_controller::{Action, Controller, Stopped};
use clientgo_kubernetes::{Client, Clientset};
use clientgo_leaderelection::{
    LeaderCallbacks, LeaderElectionConfig, LeaseLock, ResourceLockConfig,
};
use parking_lot::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const LEASE: &str = "replicated";

/// Who reconciled what, in order.
type Log = Arc<Mutex<Vec<(String, String)>>>;

/// One replica: a controller of `maps` under a Lease in `namespace`, as `identity`.
fn replica(
    clientset: &Clientset,
    maps: &Client<ConfigMap>,
    namespace: &str,
    identity: &str,
    log: &Log,
    cancel: &CancellationToken,
) -> JoinHandle<Stopped> {
    let lock = LeaseLock::new(
        clientset,
        namespace,
        LEASE,
        ResourceLockConfig {
            identity: identity.into(),
            event_recorder: None,
        },
    );
    let election = LeaderElectionConfig::new(
        Arc::new(lock),
        Duration::from_secs(3),
        Duration::from_secs(2),
        Duration::from_millis(250),
        LeaderCallbacks::new(),
    )
    .release_on_cancel(true);
    let controller = Controller::new("replicated", maps)
        .leader_election(election)
        .unwrap();
    let (identity, log) = (identity.to_owned(), Arc::clone(log));
    tokio::spawn(controller.run(cancel.clone(), move |map: Arc<ConfigMap>| {
        let (identity, log) = (identity.clone(), Arc::clone(&log));
        async move {
            let name = map.metadata.name.as_deref().unwrap_or_default().to_owned();
            log.lock().push((identity, name));
            Ok::<_, String>(Action::done())
        }
    }))
}

fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    }
}

/// Waits until `name` has been reconciled, and returns by whom.
async fn reconciled_by(log: &Log, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some((identity, _)) = log.lock().iter().find(|(_, n)| n == name) {
            return identity.clone();
        }
        assert!(Instant::now() < deadline, "{name} was never reconciled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn only_the_leader_reconciles_and_leadership_moves_safely() {
    let cluster = clientgo_envtest::test_cluster().await.unwrap();
    let mut config = ClientConfig::new(
        LoadingRules::explicit(cluster.kubeconfig_path()),
        ConfigOverrides::default(),
    )
    .rest_config()
    .unwrap();
    config.qps = -1.0;
    let clientset = Clientset::new(&config).unwrap();
    let namespace = cluster.new_namespace("controller-le").await.unwrap();
    let maps = clientset.core_v1().config_maps(&namespace);
    let leases = clientset.coordination_v1().leases(&namespace);
    let log: Log = Arc::default();

    let (cancel_a, cancel_b) = (CancellationToken::new(), CancellationToken::new());
    let a = replica(&clientset, &maps, &namespace, "replica-a", &log, &cancel_a);
    let b = replica(&clientset, &maps, &namespace, "replica-b", &log, &cancel_b);

    // One leader reconciles; the other does nothing.
    maps.create(&config_map("one"), &CreateOptions::default())
        .await
        .unwrap();
    let leader = reconciled_by(&log, "one").await;
    let lease = leases.get(LEASE, &GetOptions::default()).await.unwrap();
    assert_eq!(
        lease.spec.unwrap().holder_identity.as_deref(),
        Some(leader.as_str())
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        log.lock().iter().all(|(identity, _)| *identity == leader),
        "only the leader reconciles: {:?}",
        log.lock()
    );

    // Cancelling the leader stops its work, releases the Lease, and the other replica
    // takes over well before the lease duration would have run out.
    let (stopped_leader, cancel_leader, follower, cancel_follower, follower_name) =
        if leader == "replica-a" {
            (a, cancel_a, b, cancel_b, "replica-b")
        } else {
            (b, cancel_b, a, cancel_a, "replica-a")
        };
    cancel_leader.cancel();
    assert_eq!(stopped_leader.await.unwrap(), Stopped::Cancelled);
    let released_at = log.lock().len();
    maps.create(&config_map("two"), &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(reconciled_by(&log, "two").await, follower_name);
    assert!(
        log.lock()[released_at..]
            .iter()
            .all(|(identity, _)| identity == follower_name),
        "the stopped leader reconciles nothing after its run returned"
    );

    // Someone else takes the Lease: the new leader sees it at its next renewal, stops
    // its work and returns LeadershipLost; it reconciles nothing afterwards.
    let mut lease = leases.get(LEASE, &GetOptions::default()).await.unwrap();
    let spec = lease.spec.as_mut().unwrap();
    spec.holder_identity = Some("intruder".into());
    spec.lease_duration_seconds = Some(60);
    leases
        .update(&lease, &UpdateOptions::default())
        .await
        .unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(15), follower)
        .await
        .expect("the leader steps down once the Lease is taken")
        .unwrap();
    assert_eq!(stopped, Stopped::LeadershipLost);
    assert!(!cancel_follower.is_cancelled());
    let count = log.lock().len();
    maps.create(&config_map("three"), &CreateOptions::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        log.lock().len(),
        count,
        "no replica leads, nothing is reconciled"
    );
    let lease = leases.get(LEASE, &GetOptions::default()).await.unwrap();
    assert_eq!(
        lease.spec.unwrap().holder_identity.as_deref(),
        Some("intruder"),
        "a leader that lost the Lease does not release someone else's"
    );
}

#[test]
fn an_invalid_election_config_is_refused_with_client_gos_message() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = clientgo_rest::Config::new("https://127.0.0.1:1");
        let clientset = Clientset::new(&config).unwrap();
        let lock = LeaseLock::new(
            &clientset,
            "default",
            LEASE,
            ResourceLockConfig {
                identity: "me".into(),
                event_recorder: None,
            },
        );
        let election = LeaderElectionConfig::new(
            Arc::new(lock),
            Duration::from_secs(2),
            Duration::from_secs(3),
            Duration::from_secs(1),
            LeaderCallbacks::new(),
        );
        let error = Controller::new("invalid", &clientset.core_v1().config_maps("default"))
            .leader_election(election)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("leaseDuration must be greater than renewDeadline"),
            "{error}"
        );
    });
}
