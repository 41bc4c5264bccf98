//! Syncs an informer on the `bench` namespace's ConfigMaps or Pods, prints the heap it
//! holds per object and the CPU the sync took, then counts update events until the
//! driver's updates arrived and prints the CPU per event.
//!
//! `informer-clientgo <configmaps|pods> <keep|drop> <updates> <json|protobuf>`
//! (managedFields kept or dropped by a transform; the encoding asked of the server).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clientgo_api::core::v1::{ConfigMap, Pod};
use clientgo_apimachinery::{Metadata, Resource};
use clientgo_cache::{
    CancellationToken, InformerOptions, ListWatch, ResourceEventHandlerFuncs, SharedIndexInformer,
};
use clientgo_kubernetes::Clientset;

#[global_allocator]
static ALLOC: alloc_counter::Counting = alloc_counter::Counting;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: informer-clientgo <configmaps|pods> <keep|drop> <updates> <json|protobuf>";
    let (kind, managed, updates, content_type) = match args.as_slice() {
        [kind, managed, updates, encoding] => (
            kind.clone(),
            managed == "keep",
            updates.parse()?,
            match encoding.as_str() {
                "json" => "application/json",
                "protobuf" => "application/vnd.kubernetes.protobuf",
                _ => return Err(usage.into()),
            },
        ),
        _ => return Err(usage.into()),
    };
    let mut config = clientgo_clientcmd::default_rest_config()?;
    config.content_type = Some(content_type.into());
    match kind.as_str() {
        "configmaps" => run::<ConfigMap>(&config, managed, updates).await,
        "pods" => run::<Pod>(&config, managed, updates).await,
        other => Err(format!("unknown kind {other}").into()),
    }
}

async fn run<K>(
    config: &clientgo_rest::Config,
    keep_managed_fields: bool,
    updates: usize,
) -> Result<(), Box<dyn std::error::Error>>
where
    K: Resource + Metadata + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    let clientset = Clientset::new(config)?;
    let baseline = alloc_counter::live_bytes();
    let sync_cpu = alloc_counter::cpu_ns();
    let started = Instant::now();
    let requests = clientset.namespaced::<K>("bench").requests().clone();
    let informer = SharedIndexInformer::new(
        Arc::new(ListWatch::new(requests)),
        InformerOptions::default(),
    );
    if !keep_managed_fields {
        informer.set_transform(|mut object: K| {
            // `take` frees the entries' allocation (`clear` would keep it).
            drop(std::mem::take(&mut object.metadata_mut().managed_fields));
            Ok(object)
        })?;
    }
    let seen = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(std::sync::Mutex::new(None::<Instant>));
    let registration = informer.add_event_handler(ResourceEventHandlerFuncs::<K>::new().on_update({
        let (seen, first) = (seen.clone(), first.clone());
        move |_, _| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0
                && let Ok(mut first) = first.lock()
            {
                *first = Some(Instant::now());
            }
        }
    }))?;
    let cancel = CancellationToken::new();
    let running = tokio::spawn({
        let (informer, cancel) = (informer.clone(), cancel.clone());
        async move { informer.run(cancel).await }
    });
    while !registration.has_synced() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sync_seconds = started.elapsed().as_secs_f64();
    let sync_cpu_ms = (alloc_counter::cpu_ns() - sync_cpu) as f64 / 1e6;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let objects = informer.get_store().list_keys().len();
    let bytes = alloc_counter::live_bytes() - baseline;
    println!(
        "synced objects={objects} bytes_per_object={} sync_seconds={sync_seconds:.2} sync_cpu_ms={sync_cpu_ms:.0}",
        bytes / objects.max(1) as isize
    );
    let events_cpu = alloc_counter::cpu_ns();
    println!("ready");
    while seen.load(Ordering::SeqCst) < updates {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = first
        .lock()
        .ok()
        .and_then(|first| *first)
        .map_or(0.0, |first| first.elapsed().as_secs_f64());
    let cpu_us_per_event = (alloc_counter::cpu_ns() - events_cpu) as f64 / 1e3 / updates as f64;
    println!("events count={updates} seconds={elapsed:.3} cpu_us_per_event={cpu_us_per_event:.1}");
    cancel.cancel();
    running.await?;
    Ok(())
}
