//! Syncs a kube-rs reflector on the `bench` namespace's ConfigMaps or Pods, prints the
//! heap it holds per object and the CPU the sync took, then counts update events until
//! the driver's updates arrived and prints the CPU per event.
//!
//! `informer-kube <configmaps|pods> <keep|drop> <updates> json` (kube-rs reads JSON).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Api, Resource, ResourceExt};

#[global_allocator]
static ALLOC: alloc_counter::Counting = alloc_counter::Counting;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (kind, managed, updates) = match args.as_slice() {
        [kind, managed, updates, json] if json == "json" => {
            (kind.clone(), managed == "keep", updates.parse()?)
        }
        _ => return Err("usage: informer-kube <configmaps|pods> <keep|drop> <updates> json".into()),
    };
    match kind.as_str() {
        "configmaps" => run::<ConfigMap>(managed, updates).await,
        "pods" => run::<Pod>(managed, updates).await,
        other => Err(format!("unknown kind {other}").into()),
    }
}

async fn run<K>(keep_managed_fields: bool, updates: usize) -> Result<(), Box<dyn std::error::Error>>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let client = kube::Client::try_default().await?;
    let baseline = alloc_counter::live_bytes();
    let sync_cpu = alloc_counter::cpu_ns();
    let started = Instant::now();
    let api: Api<K> = Api::namespaced(client, "bench");
    let (reader, writer) = reflector::store::<K>();
    let synced = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(std::sync::Mutex::new(None::<Instant>));
    let stream = watcher(api, watcher::Config::default())
        .modify(move |object| {
            if !keep_managed_fields {
                // `take` frees the entries' allocation (`clear` would keep it).
                drop(std::mem::take(object.managed_fields_mut()));
            }
        })
        .reflect(writer)
        .applied_objects();
    let task = tokio::spawn({
        let (synced, seen, first) = (synced.clone(), seen.clone(), first.clone());
        async move {
            futures::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                if event.is_ok()
                    && synced.load(Ordering::SeqCst) == 1
                    && seen.fetch_add(1, Ordering::SeqCst) == 0
                    && let Ok(mut first) = first.lock()
                {
                    *first = Some(Instant::now());
                }
            }
        }
    });
    reader.wait_until_ready().await?;
    synced.store(1, Ordering::SeqCst);
    let sync_seconds = started.elapsed().as_secs_f64();
    let sync_cpu_ms = (alloc_counter::cpu_ns() - sync_cpu) as f64 / 1e6;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let objects = reader.state().len();
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
    task.abort();
    Ok(())
}
