//! client-go's event recording: records events about a ConfigMap it creates in
//! namespace `default` — one `Created`, 15 identical `Synced` (de-duplicated into one
//! event with count 15) and a `Warning` — then lists them from the server and cleans up
//! (`cargo run --example event-recorder`).

use std::sync::Arc;

use clientgo_api::core::v1::{ConfigMap, EventSource};
use clientgo_apimachinery::meta::{CreateOptions, DeleteOptions, ListOptions, ObjectMeta};
use clientgo_kubernetes::Clientset;
use clientgo_record::{ClientsetEventSink, EventBroadcaster};
use clientgo_rest::ApiStatus;

const NAME: &str = "event-recorder-example";
const NAMESPACE: &str = "default";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = clientgo_clientcmd::default_rest_config()?;
    let clientset = Clientset::new(&config)?;
    let maps = clientset.core_v1().config_maps(NAMESPACE);
    if let Err(error) = maps.delete(NAME, &DeleteOptions::default()).await
        && !error.is_not_found()
    {
        return Err(error.into());
    }
    let map = ConfigMap {
        metadata: ObjectMeta {
            name: Some(NAME.into()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    };
    let map = maps.create(&map, &CreateOptions::default()).await?;
    println!("created configmap {NAMESPACE}/{NAME}");

    let broadcaster = EventBroadcaster::new();
    broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset.clone())));
    broadcaster.start_event_watcher(|event| {
        println!(
            "recorded: {} {}",
            event.reason.as_deref().unwrap_or_default(),
            event.message.as_deref().unwrap_or_default()
        );
    });
    let recorder = broadcaster.new_recorder(EventSource {
        component: Some("event-recorder-example".into()),
        host: None,
    });
    recorder.event(
        &map,
        "Normal",
        "Created",
        "configmap created by the example",
    );
    for _ in 0..15 {
        recorder.event(&map, "Normal", "Synced", "configuration synced");
    }
    recorder.eventf(
        &map,
        "Warning",
        "Degraded",
        format_args!("{} keys missing", 2),
    );
    broadcaster.shutdown().await; // writes everything queued

    let uid = map.metadata.uid.clone().unwrap_or_default();
    let events = clientset.core_v1().events(NAMESPACE);
    let listed = events.list(&ListOptions::default()).await?;
    let ours: Vec<_> = listed
        .items
        .into_iter()
        .filter(|e| e.involved_object.uid.as_deref() == Some(uid.as_str()))
        .collect();
    println!("events on the server for configmap {NAME}:");
    for event in &ours {
        println!(
            "  {:<8} {:<10} count={:<3} {}",
            event.type_.as_deref().unwrap_or_default(),
            event.reason.as_deref().unwrap_or_default(),
            event.count.unwrap_or_default(),
            event.message.as_deref().unwrap_or_default()
        );
    }

    for event in &ours {
        if let Some(name) = event.metadata.name.as_deref() {
            events.delete(name, &DeleteOptions::default()).await?;
        }
    }
    maps.delete(NAME, &DeleteOptions::default()).await?;
    println!("cleaned up");
    Ok(())
}
