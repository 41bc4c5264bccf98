//! An operator with a custom resource: a `ConfigMapMirror` copies a ConfigMap of its
//! namespace into target namespaces and keeps the copies in step.
//!
//! It shows the whole stack: the resource type and its definition from
//! `#[derive(CustomResource)]`, a `Controller` (the mirrors, plus every ConfigMap mapped
//! back to the mirrors it concerns), server-side apply of the copies and of the status,
//! a finalizer that deletes the copies before the mirror goes, events, and leader
//! election (only the replica holding the Lease reconciles).
//!
//! The program then plays a scenario against the cluster and checks each step: create,
//! update propagation, a tampered copy restored, a target removed, a missing namespace
//! retried until it exists, and deletion with cleanup
//! (`cargo run --example operator`).

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use clientgo_api::core::v1::apply::ConfigMapApplyConfiguration;
use clientgo_api::core::v1::{ConfigMap, EventSource, Namespace};
use clientgo_api::{CustomResource, StructuralSchema};
use clientgo_apimachinery::meta::{ApplyOptions, DeleteOptions, ListOptions, ObjectMeta};
use clientgo_apimachinery::{IgnoreApiStatus, Metadata};
use clientgo_cache::CancellationToken;
use clientgo_cache::watch_tools::{await_condition, conditions};
use clientgo_controller::{Action, Controller, ObjectRef};
use clientgo_kubernetes::finalizer::{self, Finalized};
use clientgo_kubernetes::{Client, Clientset};
use clientgo_leaderelection::{
    LeaderCallbacks, LeaderElectionConfig, LeaseLock, ResourceLockConfig,
};
use clientgo_record::{ClientsetEventSink, EventBroadcaster, EventRecorder, EventType};
use clientgo_rest::RestClient;
use serde::{Deserialize, Serialize};

/// Copies ConfigMap `source` of the mirror's namespace into `targetNamespaces`.
#[derive(CustomResource, StructuralSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(
    group = "demo.clientgo.dev",
    version = "v1",
    kind = "ConfigMapMirror",
    namespaced,
    status = "MirrorStatus",
    short_names = ["cmm"],
    printer_column(name = "Source", type = "string", json_path = ".spec.source"),
    printer_column(name = "Copies", type = "integer", json_path = ".status.copies")
)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapMirrorSpec {
    /// The ConfigMap to copy, in the mirror's namespace.
    pub source: String,
    /// The namespaces that get a copy.
    pub target_namespaces: Vec<String>,
}

/// What the mirror did last.
#[derive(StructuralSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorStatus {
    /// Copies in place.
    pub copies: i32,
}

const MANAGER: &str = "configmap-mirror";
const FINALIZER: &str = "demo.clientgo.dev/copies";
const OWNER_LABEL: &str = "demo.clientgo.dev/mirror";

/// What the reconciler needs.
#[derive(Clone)]
struct Operator {
    rest: RestClient,
    recorder: EventRecorder,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

impl Operator {
    fn maps(&self, namespace: &str) -> Client<ConfigMap> {
        Client::new(self.rest.clone(), namespace)
    }

    /// The label value that ties a copy to its mirror.
    fn owner_label(mirror: &ConfigMapMirror) -> String {
        format!(
            "{}.{}",
            mirror.namespace().unwrap_or_default(),
            mirror.name().unwrap_or_default()
        )
    }

    async fn reconcile(&self, mirror: Arc<ConfigMapMirror>) -> Result<Action, Error> {
        let namespace = mirror.namespace().unwrap_or_default().to_owned();
        let mirrors = Client::new(self.rest.clone(), &namespace);
        let cleanup = {
            let (this, gone) = (self.clone(), Arc::clone(&mirror));
            move |_: &ConfigMapMirror| async move { this.remove_copies(&gone, &[]).await }
        };
        let mirror = match finalizer::run(&mirrors, mirror.as_ref(), FINALIZER, cleanup).await? {
            Finalized::Live(mirror) => mirror,
            Finalized::CleanedUp | Finalized::Deleting => return Ok(Action::done()),
        };
        let source = self
            .maps(&namespace)
            .get(&mirror.spec.source, &Default::default())
            .await?;
        let owner = Self::owner_label(&mirror);
        let apply = ApplyOptions::new(MANAGER).force();
        self.remove_copies(&mirror, &mirror.spec.target_namespaces)
            .await?;
        let (mut copies, mut failed) = (0, None);
        for target in &mirror.spec.target_namespaces {
            let copy = ConfigMapApplyConfiguration::new(mirror.spec.source.clone(), target.clone())
                .with_labels([(OWNER_LABEL, owner.as_str())])
                .with_data(source.data.clone().unwrap_or_default());
            match self.maps(target).apply(&copy, &apply).await {
                Ok(_) => copies += 1,
                // A missing namespace: the error retries the mirror with backoff.
                Err(error) => failed = Some(error),
            }
        }
        let status = serde_json::json!({
            "metadata": { "name": mirror.name() },
            "status": { "copies": copies },
        });
        self.mirrors_in(&namespace)
            .apply_status(&status, &apply)
            .await?;
        if let Some(error) = failed {
            return Err(error.into());
        }
        self.recorder.eventf(
            &mirror,
            EventType::Normal,
            "Synced",
            format_args!("{copies} copies of {}", mirror.spec.source),
        );
        Ok(Action::done())
    }

    fn mirrors_in(&self, namespace: &str) -> Client<ConfigMapMirror> {
        Client::new(self.rest.clone(), namespace)
    }

    /// Deletes the mirror's copies outside `keep`.
    async fn remove_copies(
        &self,
        mirror: &ConfigMapMirror,
        keep: &[String],
    ) -> clientgo_rest::Result<()> {
        let selector = format!("{OWNER_LABEL}={}", Self::owner_label(mirror));
        let options = ListOptions::default().with_label_selector(selector);
        for copy in self.maps("").list(&options).await?.items {
            let target = copy.namespace().unwrap_or_default().to_owned();
            if !keep.contains(&target) {
                let name = copy.name().unwrap_or_default();
                let maps = self.maps(&target);
                maps.delete(name, &Default::default())
                    .await
                    .ignore_not_found()?;
            }
        }
        Ok(())
    }
}

/// The copy's data under `key`, once it is `expected` (`None`: the copy is gone).
async fn expect_copy(
    operator: &Operator,
    ns: &str,
    key: &str,
    expected: Option<&str>,
) -> Result<(), Error> {
    let (key, expected) = (key.to_owned(), expected.map(str::to_owned));
    let requests = operator.maps(ns).requests().clone();
    await_condition::<ConfigMap>(requests, "settings", Duration::from_secs(30), move |copy| {
        copy.and_then(|c| c.data.as_ref())
            .and_then(|d| d.get(&key))
            .map(|value| value.as_str())
            == expected.as_deref()
    })
    .await?;
    Ok(())
}

async fn create_namespace(clientset: &Clientset, name: &str) -> Result<(), Error> {
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let namespaces = clientset.core_v1().namespaces();
    namespaces
        .create(&namespace, &Default::default())
        .await
        .ignore_already_exists()?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut config = clientgo_clientcmd::default_rest_config()?;
    config.qps = 50.0; // controllers react faster above client-go's 5 QPS default
    config.burst = 100;
    let clientset = Clientset::new(&config)?;
    let rest = RestClient::new(&config)?;
    let run = std::process::id();
    let (home, a, b, later) = (
        format!("mirror-home-{run}"),
        format!("mirror-a-{run}"),
        format!("mirror-b-{run}"),
        format!("mirror-later-{run}"),
    );

    // Install the definition and wait until it is served.
    let crds = clientset.apiextensions_v1().custom_resource_definitions();
    let crd = ConfigMapMirror::crd();
    crds.create(&crd, &Default::default())
        .await
        .ignore_already_exists()?;
    let name = crd.metadata.name.clone().unwrap_or_default();
    await_condition::<CustomResourceDefinition>(
        crds.requests().clone(),
        &name,
        Duration::from_secs(30),
        conditions::is_crd_established,
    )
    .await?;
    println!("CustomResourceDefinition {name} established");
    for namespace in [&home, &a, &b] {
        create_namespace(&clientset, namespace).await?;
    }

    // The operator: mirrors of every namespace, and every ConfigMap mapped to the
    // mirrors that copy it (a source changed) or own it (a copy changed).
    let broadcaster = EventBroadcaster::new();
    broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset.clone())));
    let source = EventSource {
        component: Some(MANAGER.into()),
        host: None,
    };
    let all_mirrors: Client<ConfigMapMirror> = Client::new(rest.clone(), "");
    let operator = Operator {
        rest: rest.clone(),
        recorder: broadcaster.new_recorder(source),
    };
    // With several replicas, only the holder of the Lease reconciles; it stops its
    // work before it releases the Lease.
    let lock = LeaseLock::new(
        &clientset,
        &home,
        MANAGER,
        ResourceLockConfig {
            identity: format!("{MANAGER}-{run}"),
            event_recorder: None,
        },
    );
    let election = LeaderElectionConfig::kube_defaults(Arc::new(lock), LeaderCallbacks::new())
        .release_on_cancel(true);
    let controller = Controller::new(MANAGER, &all_mirrors)
        .workers(2)
        .leader_election(election)?;
    let mirrors_cache = controller.store();
    let controller = controller.watches(
        &Client::<ConfigMap>::new(rest.clone(), ""),
        move |map: &ConfigMap| {
            let mut keys: Vec<ObjectRef> = map
                .labels()
                .get(OWNER_LABEL)
                .and_then(|owner| owner.split_once('.'))
                .map(|(ns, name)| ObjectRef::new(ns, name))
                .into_iter()
                .collect();
            keys.extend(
                mirrors_cache
                    .list()
                    .iter()
                    .filter(|m| {
                        m.namespace() == map.namespace()
                            && Some(m.spec.source.as_str()) == map.name()
                    })
                    .map(|m| ObjectRef::from_object(m.as_ref())),
            );
            keys
        },
    );
    let cancel = CancellationToken::new();
    let running = tokio::spawn({
        let operator = operator.clone();
        controller.run(cancel.clone(), move |mirror| {
            let operator = operator.clone();
            async move { operator.reconcile(mirror).await }
        })
    });

    // 1. A source and a mirror: copies appear.
    let source_map = ConfigMapApplyConfiguration::new("settings", home.clone())
        .with_data([("greeting", "hello")]);
    let apply = ApplyOptions::new("operator-example").force();
    operator.maps(&home).apply(&source_map, &apply).await?;
    let mut mirror = ConfigMapMirror::new(
        "settings",
        ConfigMapMirrorSpec {
            source: "settings".into(),
            target_namespaces: vec![a.clone(), b.clone()],
        },
    );
    mirror.metadata.namespace = Some(home.as_str().into());
    let mirrors = operator.mirrors_in(&home);
    mirrors.apply(&mirror, &apply).await?;
    expect_copy(&operator, &a, "greeting", Some("hello")).await?;
    expect_copy(&operator, &b, "greeting", Some("hello")).await?;
    println!("copies created in {a} and {b}");

    // 2. The source changes: the copies follow.
    operator
        .maps(&home)
        .apply(
            &source_map.clone().with_data([("greeting", "bonjour")]),
            &apply,
        )
        .await?;
    expect_copy(&operator, &a, "greeting", Some("bonjour")).await?;
    expect_copy(&operator, &b, "greeting", Some("bonjour")).await?;
    println!("source update propagated");

    // 3. A copy is tampered with: restored.
    let mut copy = operator
        .maps(&a)
        .get("settings", &Default::default())
        .await?;
    copy.data = Some(
        [("greeting".to_owned(), "tampered".to_owned())]
            .into_iter()
            .collect(),
    );
    operator.maps(&a).update(&copy, &Default::default()).await?;
    expect_copy(&operator, &a, "greeting", Some("bonjour")).await?;
    println!("tampered copy restored");

    // 4. A target is removed: its copy goes. 5. A missing namespace: retried until it
    //    exists.
    mirror.spec.target_namespaces = vec![a.clone(), later.clone()];
    mirrors.apply(&mirror, &apply).await?;
    expect_copy(&operator, &b, "greeting", None).await?;
    println!("copy removed from {b}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    create_namespace(&clientset, &later).await?;
    expect_copy(&operator, &later, "greeting", Some("bonjour")).await?;
    println!("copy created in {later} once it existed");
    let status = await_condition::<ConfigMapMirror>(
        mirrors.requests().clone(),
        "settings",
        Duration::from_secs(30),
        |m| {
            m.and_then(|m| m.status.as_ref())
                .is_some_and(|s| s.copies == 2)
        },
    )
    .await?;
    println!("status: {:?}", status.and_then(|m| m.status.clone()));

    // 6. The mirror is deleted: the finalizer removes the copies first.
    mirrors
        .delete("settings", &DeleteOptions::default())
        .await?;
    await_condition::<ConfigMapMirror>(
        mirrors.requests().clone(),
        "settings",
        Duration::from_secs(30),
        conditions::is_deleted,
    )
    .await?;
    expect_copy(&operator, &a, "greeting", None).await?;
    expect_copy(&operator, &later, "greeting", None).await?;
    println!("mirror deleted after its copies were cleaned up");

    cancel.cancel();
    running.await?;
    let lease = clientset
        .coordination_v1()
        .leases(&home)
        .get(MANAGER, &Default::default())
        .await?;
    let holder = lease.spec.and_then(|spec| spec.holder_identity);
    if holder.as_deref().is_some_and(|h| !h.is_empty()) {
        return Err(format!("the Lease is still held by {holder:?} after the stop").into());
    }
    println!("stopped: workers drained, then the Lease released");
    broadcaster.shutdown().await;
    for namespace in [&home, &a, &b, &later] {
        clientset
            .core_v1()
            .namespaces()
            .delete(namespace, &DeleteOptions::default())
            .await?;
    }
    Ok(())
}
