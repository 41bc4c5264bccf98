//! The operator of `examples/operator.rs`, written with kube-rs: a `ConfigMapMirror`
//! copies a ConfigMap of its namespace into target namespaces and keeps the copies in
//! step.
//!
//! It shows the same stack: the resource type and its definition from
//! `#[derive(CustomResource)]`, a `Controller` (the mirrors, plus every ConfigMap mapped
//! back to the mirrors it concerns), server-side apply of the copies and of the status,
//! a finalizer that deletes the copies before the mirror goes, events, and leader
//! election with `kube-lease-manager` (only the replica holding the Lease reconciles).
//!
//! The program then plays the same scenario against the cluster and checks each step:
//! create, update propagation, a tampered copy restored, a target removed, a missing
//! namespace retried until it exists, and deletion with cleanup (`cargo run`).

use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Config, Controller};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::finalizer::{Event as Finalizer, finalizer};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::wait::{Condition, await_condition, conditions};
use kube::runtime::watcher;
use kube::{Client, CustomResource, CustomResourceExt, Resource, ResourceExt};
use kube_lease_manager::LeaseManagerBuilder;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Copies ConfigMap `source` of the mirror's namespace into `targetNamespaces`.
#[derive(CustomResource, JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[kube(
    group = "kube.demo.clientgo.dev",
    version = "v1",
    kind = "ConfigMapMirror",
    namespaced,
    status = "MirrorStatus",
    shortname = "cmm",
    printcolumn(name = "Source", type_ = "string", json_path = ".spec.source"),
    printcolumn(name = "Copies", type_ = "integer", json_path = ".status.copies")
)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapMirrorSpec {
    /// The ConfigMap to copy, in the mirror's namespace.
    pub source: String,
    /// The namespaces that get a copy.
    pub target_namespaces: Vec<String>,
}

/// What the mirror did last.
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorStatus {
    /// Copies in place.
    pub copies: i32,
}

const MANAGER: &str = "configmap-mirror";
const FINALIZER: &str = "kube.demo.clientgo.dev/copies";
const OWNER_LABEL: &str = "kube.demo.clientgo.dev/mirror";

/// The reconciler's errors: `finalizer` wants a `std::error::Error`.
#[derive(Debug, thiserror::Error)]
enum Error {
    #[error(transparent)]
    Kube(#[from] kube::Error),
    #[error(transparent)]
    Finalizer(#[from] Box<kube::runtime::finalizer::Error<Error>>),
}

/// What the reconciler needs.
struct Context {
    client: Client,
    recorder: Recorder,
}

/// The label value that ties a copy to its mirror.
fn owner_label(mirror: &ConfigMapMirror) -> String {
    format!(
        "{}.{}",
        mirror.namespace().unwrap_or_default(),
        mirror.name_any()
    )
}

async fn reconcile(mirror: Arc<ConfigMapMirror>, ctx: Arc<Context>) -> Result<Action, Error> {
    let namespace = mirror.namespace().unwrap_or_default();
    let mirrors: Api<ConfigMapMirror> = Api::namespaced(ctx.client.clone(), &namespace);
    finalizer(&mirrors, FINALIZER, mirror, |event| async {
        match event {
            Finalizer::Apply(mirror) => ctx.apply(&mirror).await,
            Finalizer::Cleanup(mirror) => {
                ctx.remove_copies(&mirror, &[]).await?;
                Ok(Action::await_change())
            }
        }
    })
    .await
    .map_err(|e| Box::new(e).into())
}

/// Failed reconciles (a missing target namespace, a conflict) are retried.
fn error_policy(_: Arc<ConfigMapMirror>, _: &Error, _: Arc<Context>) -> Action {
    Action::requeue(Duration::from_secs(1))
}

impl Context {
    async fn apply(&self, mirror: &ConfigMapMirror) -> Result<Action, Error> {
        let namespace = mirror.namespace().unwrap_or_default();
        let source = Api::<ConfigMap>::namespaced(self.client.clone(), &namespace)
            .get(&mirror.spec.source)
            .await?;
        let owner = owner_label(mirror);
        let apply = PatchParams::apply(MANAGER).force();
        self.remove_copies(mirror, &mirror.spec.target_namespaces)
            .await?;
        let (mut copies, mut failed) = (0, None);
        for target in &mirror.spec.target_namespaces {
            let copy = json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": { "name": mirror.spec.source, "labels": { OWNER_LABEL: owner } },
                "data": source.data.clone().unwrap_or_default(),
            });
            let maps = Api::<ConfigMap>::namespaced(self.client.clone(), target);
            match maps
                .patch(&mirror.spec.source, &apply, &Patch::Apply(&copy))
                .await
            {
                Ok(_) => copies += 1,
                // A missing namespace: the error retries the mirror (`error_policy`).
                Err(error) => failed = Some(error),
            }
        }
        let status = json!({
            "apiVersion": ConfigMapMirror::api_version(&()),
            "kind": ConfigMapMirror::kind(&()),
            "status": { "copies": copies },
        });
        Api::<ConfigMapMirror>::namespaced(self.client.clone(), &namespace)
            .patch_status(&mirror.name_any(), &apply, &Patch::Apply(&status))
            .await?;
        if let Some(error) = failed {
            return Err(error.into());
        }
        let event = Event {
            type_: EventType::Normal,
            reason: "Synced".into(),
            note: Some(format!("{copies} copies of {}", mirror.spec.source)),
            action: "Sync".into(),
            secondary: None,
        };
        self.recorder
            .publish(&event, &mirror.object_ref(&()))
            .await?;
        Ok(Action::await_change())
    }

    /// Deletes the mirror's copies outside `keep`.
    async fn remove_copies(
        &self,
        mirror: &ConfigMapMirror,
        keep: &[String],
    ) -> Result<(), kube::Error> {
        let selector = format!("{OWNER_LABEL}={}", owner_label(mirror));
        let all: Api<ConfigMap> = Api::all(self.client.clone());
        for copy in all.list(&ListParams::default().labels(&selector)).await? {
            let target = copy.namespace().unwrap_or_default();
            if !keep.contains(&target) {
                let maps = Api::<ConfigMap>::namespaced(self.client.clone(), &target);
                match maps
                    .delete(&copy.name_any(), &DeleteParams::default())
                    .await
                {
                    Err(kube::Error::Api(e)) if e.is_not_found() => {}
                    Err(e) => return Err(e),
                    Ok(_) => {}
                }
            }
        }
        Ok(())
    }
}

/// Waits until `name` in `api` matches `condition`, for at most 30 s.
async fn wait_for<K>(
    api: Api<K>,
    name: &str,
    condition: impl Condition<K>,
) -> anyhow::Result<Option<K>>
where
    K: Clone + std::fmt::Debug + Send + serde::de::DeserializeOwned + Resource + 'static,
{
    let waiting = await_condition(api, name, condition);
    Ok(tokio::time::timeout(Duration::from_secs(30), waiting).await??)
}

/// The copy's data under `key`, once it is `expected` (`None`: the copy is gone).
async fn expect_copy(
    client: &Client,
    ns: &str,
    key: &str,
    expected: Option<&str>,
) -> anyhow::Result<()> {
    let maps = Api::<ConfigMap>::namespaced(client.clone(), ns);
    wait_for(maps, "settings", |copy: Option<&ConfigMap>| {
        copy.and_then(|c| c.data.as_ref())
            .and_then(|d| d.get(key))
            .map(String::as_str)
            == expected
    })
    .await?;
    Ok(())
}

async fn create_namespace(client: &Client, name: &str) -> anyhow::Result<()> {
    let namespace = Namespace {
        metadata: kube::api::ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    match Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
    {
        Err(kube::Error::Api(e)) if e.is_already_exists() => Ok(()),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(()),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::try_default().await?;
    let run = std::process::id();
    let (home, a, b, later) = (
        format!("mirror-home-{run}"),
        format!("mirror-a-{run}"),
        format!("mirror-b-{run}"),
        format!("mirror-later-{run}"),
    );

    // Install the definition and wait until it is served.
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd = ConfigMapMirror::crd();
    let name = crd.name_any();
    crds.patch(
        &name,
        &PatchParams::apply(MANAGER).force(),
        &Patch::Apply(&crd),
    )
    .await?;
    wait_for(crds, &name, conditions::is_crd_established()).await?;
    println!("CustomResourceDefinition {name} established");
    for namespace in [&home, &a, &b] {
        create_namespace(&client, namespace).await?;
    }

    // The operator: mirrors of every namespace, and every ConfigMap mapped to the
    // mirrors that copy it (a source changed) or own it (a copy changed).
    let context = Arc::new(Context {
        client: client.clone(),
        recorder: Recorder::new(client.clone(), Reporter::from(MANAGER)),
    });
    let controller = Controller::new(
        Api::<ConfigMapMirror>::all(client.clone()),
        watcher::Config::default(),
    )
    .with_config(Config::default().concurrency(2));
    let mirrors_cache = controller.store();
    let controller = controller.watches(
        Api::<ConfigMap>::all(client.clone()),
        watcher::Config::default(),
        move |map| {
            let mut keys: Vec<ObjectRef<ConfigMapMirror>> = map
                .labels()
                .get(OWNER_LABEL)
                .and_then(|owner| owner.split_once('.'))
                .map(|(ns, name)| ObjectRef::new(name).within(ns))
                .into_iter()
                .collect();
            keys.extend(
                mirrors_cache
                    .state()
                    .iter()
                    .filter(|m| m.namespace() == map.namespace() && m.spec.source == map.name_any())
                    .map(|m| ObjectRef::from_obj(m.as_ref())),
            );
            keys
        },
    );
    // With several replicas, only the holder of the Lease reconciles; it stops its
    // work before it releases the Lease (when the last receiver of `leader` goes).
    let lease = LeaseManagerBuilder::new(client.clone(), MANAGER)
        .with_namespace(&home)
        .with_identity(format!("{MANAGER}-{run}"))
        .with_duration(15)
        .with_grace(5)
        .build()
        .await?;
    let (mut leader, lease_task) = lease.watch().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        leader.wait_for(|&leading| leading).await?;
        let lost = async move {
            let _ = leader.wait_for(|&leading| !leading).await;
        };
        controller
            .graceful_shutdown_on(stopped.map(|_| ()))
            .graceful_shutdown_on(lost)
            .run(reconcile, error_policy, context)
            .for_each(|_| futures::future::ready(()))
            .await;
        // Every receiver of `leader` is gone: the lease manager releases the Lease.
        lease_task.await??;
        anyhow::Ok(())
    });

    // 1. A source and a mirror: copies appear.
    let apply = PatchParams::apply("operator-example").force();
    let source_map = |greeting: &str| {
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": { "name": "settings" },
            "data": { "greeting": greeting },
        })
    };
    let maps = Api::<ConfigMap>::namespaced(client.clone(), &home);
    maps.patch("settings", &apply, &Patch::Apply(source_map("hello")))
        .await?;
    let mut mirror = ConfigMapMirror::new(
        "settings",
        ConfigMapMirrorSpec {
            source: "settings".into(),
            target_namespaces: vec![a.clone(), b.clone()],
        },
    );
    let mirrors = Api::<ConfigMapMirror>::namespaced(client.clone(), &home);
    let created = mirrors
        .patch("settings", &apply, &Patch::Apply(&mirror))
        .await?;
    expect_copy(&client, &a, "greeting", Some("hello")).await?;
    expect_copy(&client, &b, "greeting", Some("hello")).await?;
    println!("copies created in {a} and {b}");

    // 2. The source changes: the copies follow.
    maps.patch("settings", &apply, &Patch::Apply(source_map("bonjour")))
        .await?;
    expect_copy(&client, &a, "greeting", Some("bonjour")).await?;
    expect_copy(&client, &b, "greeting", Some("bonjour")).await?;
    println!("source update propagated");

    // 3. A copy is tampered with: restored.
    let copies_in_a = Api::<ConfigMap>::namespaced(client.clone(), &a);
    let mut copy = copies_in_a.get("settings").await?;
    copy.data = Some([("greeting".to_owned(), "tampered".to_owned())].into());
    copies_in_a
        .replace("settings", &PostParams::default(), &copy)
        .await?;
    expect_copy(&client, &a, "greeting", Some("bonjour")).await?;
    println!("tampered copy restored");

    // 4. A target is removed: its copy goes. 5. A missing namespace: retried until it
    //    exists.
    mirror.spec.target_namespaces = vec![a.clone(), later.clone()];
    mirrors
        .patch("settings", &apply, &Patch::Apply(&mirror))
        .await?;
    expect_copy(&client, &b, "greeting", None).await?;
    println!("copy removed from {b}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    create_namespace(&client, &later).await?;
    expect_copy(&client, &later, "greeting", Some("bonjour")).await?;
    println!("copy created in {later} once it existed");
    let status = wait_for(
        mirrors.clone(),
        "settings",
        |m: Option<&ConfigMapMirror>| {
            m.and_then(|m| m.status.as_ref())
                .is_some_and(|s| s.copies == 2)
        },
    )
    .await?;
    println!("status: {:?}", status.and_then(|m| m.status));

    // 6. The mirror is deleted: the finalizer removes the copies first.
    mirrors.delete("settings", &DeleteParams::default()).await?;
    let uid = created.uid().unwrap_or_default();
    wait_for(mirrors, "settings", conditions::is_deleted(&uid)).await?;
    expect_copy(&client, &a, "greeting", None).await?;
    expect_copy(&client, &later, "greeting", None).await?;
    println!("mirror deleted after its copies were cleaned up");

    let _ = stop.send(());
    running.await??;
    let lease = Api::<Lease>::namespaced(client.clone(), &home)
        .get(MANAGER)
        .await?;
    let holder = lease.spec.and_then(|spec| spec.holder_identity);
    if holder.as_deref().is_some_and(|h| !h.is_empty()) {
        anyhow::bail!("the Lease is still held by {holder:?} after the stop");
    }
    println!("stopped: workers drained, then the Lease released");
    let namespaces = Api::<Namespace>::all(client.clone());
    for namespace in [&home, &a, &b, &later] {
        namespaces
            .delete(namespace, &DeleteParams::default())
            .await?;
    }
    Ok(())
}
