//! events.k8s.io/v1 events with **series** (client-go's `tools/events`).
//!
//! The first occurrence of an event is created as is. A repeat within the finish
//! interval (6 minutes) of an *isomorphic* event — same type, action, reason, reporting
//! controller and instance, regarding and related objects — turns it into a series:
//! the second occurrence is written right away with `series = {count: 2,
//! lastObservedTime}`; later ones only bump the cached `series.count` and
//! `lastObservedTime`, which are written every refresh interval (30 minutes) and one
//! last time when the series ends (no repeat for 6 minutes).
//!
//! ```no_run
//! use clientgo_api::core::v1::ConfigMap;
//! use clientgo_kubernetes::Clientset;
//! use clientgo_record::events::EventBroadcaster;
//!
//! # async fn run(config_map: ConfigMap) -> Result<(), Box<dyn std::error::Error>> {
//! let clientset = Clientset::new(&clientgo_rest::Config::in_cluster()?)?;
//! let broadcaster = EventBroadcaster::new(clientset);
//! broadcaster.start_recording_to_sink()?;
//! let recorder = broadcaster.new_recorder("my-controller");
//! recorder.eventf(&config_map, None, "Normal", "Synced", "Sync", format_args!("synced {}", 1));
//! broadcaster.shutdown().await;
//! # Ok(()) }
//! ```

mod broadcaster;
mod recorder;
mod series;

pub use broadcaster::{EventBroadcaster, EventsOptions};
pub use recorder::EventRecorder;
