//! client-go's `workqueue` example: the controller pattern. An informer turns ConfigMap
//! events into `namespace/name` keys on a rate-limited work queue; two workers take keys
//! and reconcile them (here: make sure the ConfigMap carries the annotation
//! `reconciled=true`, set with a merge patch). Failed keys are retried with the rate
//! limiter's backoff and `forget`-ed on success.
//!
//! The example creates its own namespace and ConfigMaps, makes the first attempt for
//! one of them fail on purpose to show a retry, and exits once every ConfigMap is
//! reconciled (within ~30 s), deleting its namespace.
//!
//! `cargo run --example workqueue` (cluster of the current kubeconfig context).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use clientgo_api::core::v1::{ConfigMap, Namespace};
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, ObjectMeta, PatchOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_cache::{CancellationToken, ResourceEventHandlerFuncs, meta_namespace_key};
use clientgo_informers::SharedInformerFactory;
use clientgo_kubernetes::{Client, Clientset};
use clientgo_listers::Lister;
use clientgo_workqueue::{QueueConfig, RateLimitingQueue, default_controller_rate_limiter};
use tokio::sync::Mutex;

type Error = Box<dyn std::error::Error + Send + Sync>;

const CONFIG_MAPS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
/// Its first reconcile fails, to show a rate-limited retry.
const FLAKY: &str = "gamma";
const WORKERS: usize = 2;
const MAX_RETRIES: usize = 5;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let namespace = create_namespace(&clientset).await?;
    println!("Using namespace {namespace}");
    let outcome = tokio::time::timeout(Duration::from_secs(30), run(&clientset, &namespace)).await;
    clientset
        .core_v1()
        .namespaces()
        .delete(&namespace, &DeleteOptions::default())
        .await?;
    println!("Deleted namespace {namespace}");
    outcome.map_err(|_| "the example did not finish within 30 s")?
}

async fn create_namespace(clientset: &Clientset) -> Result<String, Error> {
    let namespace = Namespace {
        metadata: ObjectMeta {
            generate_name: Some("workqueue-example-".into()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let created = clientset
        .core_v1()
        .namespaces()
        .create(&namespace, &CreateOptions::default())
        .await?;
    created
        .metadata
        .name
        .map(String::from)
        .ok_or_else(|| "the server returned a namespace without a name".into())
}

/// What the workers share.
struct Controller {
    queue: RateLimitingQueue<String>,
    lister: Lister<ConfigMap>,
    client: Client<ConfigMap>,
    /// Keys whose first attempt already failed on purpose.
    failed_once: Mutex<HashSet<String>>,
    /// Keys reconciled so far.
    done: Mutex<HashSet<String>>,
}

async fn run(clientset: &Clientset, namespace: &str) -> Result<(), Error> {
    let factory =
        SharedInformerFactory::new(clientset.clone(), Duration::ZERO).with_namespace(namespace);
    let informer = factory.core_v1().config_maps();
    let queue = RateLimitingQueue::with_config(
        default_controller_rate_limiter(),
        QueueConfig::new().name("configmaps"),
    );

    // Informer events become keys on the queue.
    let (on_add, on_update) = (queue.clone(), queue.clone());
    informer.informer().add_event_handler(
        ResourceEventHandlerFuncs::<ConfigMap>::new()
            .on_add(move |cm: &Arc<ConfigMap>, _| enqueue(&on_add, cm))
            .on_update(move |_, cm: &Arc<ConfigMap>| enqueue(&on_update, cm)),
    )?;

    let cancel = CancellationToken::new();
    factory.start(&cancel);
    if !factory.wait_for_cache_sync(&cancel).await.all_synced() {
        return Err("the ConfigMap cache did not sync".into());
    }

    let controller = Arc::new(Controller {
        queue: queue.clone(),
        lister: informer.lister(),
        client: clientset.core_v1().config_maps(namespace),
        failed_once: Mutex::new(HashSet::new()),
        done: Mutex::new(HashSet::new()),
    });
    let workers: Vec<_> = (0..WORKERS)
        .map(|id| tokio::spawn(worker(id, Arc::clone(&controller))))
        .collect();

    for name in CONFIG_MAPS {
        let cm = ConfigMap {
            metadata: ObjectMeta::named(name),
            ..ConfigMap::default()
        };
        controller
            .client
            .create(&cm, &CreateOptions::default())
            .await?;
        println!("Created ConfigMap {name}");
    }

    // Wait until the cache shows every ConfigMap reconciled.
    let expected: HashSet<String> = CONFIG_MAPS
        .iter()
        .map(|n| format!("{namespace}/{n}"))
        .collect();
    loop {
        let reconciled = CONFIG_MAPS
            .iter()
            .filter(|name| {
                controller
                    .lister
                    .namespace(namespace)
                    .get(name)
                    .is_ok_and(|cm| is_reconciled(&cm))
            })
            .count();
        if reconciled == CONFIG_MAPS.len() && controller.done.lock().await.is_superset(&expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("All {} ConfigMaps reconciled", CONFIG_MAPS.len());

    queue.shut_down_with_drain().await;
    for worker in workers {
        worker.await?;
    }
    cancel.cancel();
    factory.shutdown().await;
    println!("Controller stopped");
    Ok(())
}

fn enqueue(queue: &RateLimitingQueue<String>, cm: &ConfigMap) {
    match meta_namespace_key(cm) {
        Ok(key) => queue.add(key),
        Err(error) => eprintln!("cannot queue a ConfigMap: {error}"),
    }
}

fn is_reconciled(cm: &ConfigMap) -> bool {
    cm.metadata.annotations.get_str("reconciled") == Some("true")
}

async fn worker(id: usize, controller: Arc<Controller>) {
    while let Some(key) = controller.queue.get().await {
        let result = reconcile(&controller, &key).await;
        handle_result(id, &controller, &key, result);
        controller.queue.done(&key);
    }
}

/// client-go's `handleErr`: forget on success, retry with backoff a few times, then drop.
fn handle_result(id: usize, controller: &Controller, key: &String, result: Result<bool, Error>) {
    let queue = &controller.queue;
    match result {
        Ok(changed) => {
            if changed {
                println!("worker {id}: reconciled {key}");
            }
            queue.forget(key);
        }
        Err(error) if queue.num_requeues(key) < MAX_RETRIES => {
            println!("worker {id}: error reconciling {key}: {error}; retrying");
            queue.add_rate_limited(key.clone());
        }
        Err(error) => {
            println!("worker {id}: dropping {key} after {MAX_RETRIES} retries: {error}");
            queue.forget(key);
        }
    }
}

/// Makes sure the ConfigMap of `key` carries `reconciled=true`; true if it patched.
async fn reconcile(controller: &Controller, key: &str) -> Result<bool, Error> {
    let (namespace, name) = key.split_once('/').ok_or("malformed key")?;
    let cm = match controller.lister.namespace(namespace).get(name) {
        Ok(cm) => cm,
        Err(_) => return Ok(false), // deleted since: nothing to do
    };
    if name == FLAKY && controller.failed_once.lock().await.insert(key.to_owned()) {
        return Err("simulated transient failure".into());
    }
    if !is_reconciled(&cm) {
        let patch = br#"{"metadata":{"annotations":{"reconciled":"true"}}}"#;
        controller
            .client
            .patch(name, PatchType::Merge, patch, &PatchOptions::default())
            .await?;
        controller.done.lock().await.insert(key.to_owned());
        return Ok(true);
    }
    controller.done.lock().await.insert(key.to_owned());
    Ok(false)
}
