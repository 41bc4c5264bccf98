//! Kubernetes Events: client-go's `tools/record` (core/v1 Events) and `tools/events`
//! (events.k8s.io/v1, in [`events`]).
//!
//! - [`EventBroadcaster`] fans recorded events out to sinks, the log and custom
//!   watchers; [`EventRecorder`] records events about any typed object
//!   ([`event`](EventRecorder::event), [`eventf`](EventRecorder::eventf),
//!   [`annotated_event`](EventRecorder::annotated_event)).
//! - [`ClientsetEventSink`] writes them through the typed clientset, after an
//!   [`EventCorrelator`] aggregated similar events, de-duplicated identical ones (one
//!   event with a growing `count`, updated by PATCH) and applied the per-object spam
//!   filter (burst 25, one more every 5 minutes).
//! - [`get_reference`]: the `ObjectReference` of any typed object.
//! - [`events`]: the events.k8s.io/v1 recorder with event series.
//!
//! Event names are `<object name>.<unix nanoseconds in hex>`, like client-go's; events
//! about cluster-scoped objects go to namespace `default`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use clientgo_api::core::v1::{ConfigMap, EventSource};
//! use clientgo_kubernetes::Clientset;
//! use clientgo_record::{ClientsetEventSink, EventBroadcaster};
//!
//! # async fn run(config_map: ConfigMap) -> Result<(), Box<dyn std::error::Error>> {
//! let clientset = Clientset::new(&clientgo_rest::Config::in_cluster()?)?;
//! let broadcaster = EventBroadcaster::new();
//! broadcaster.start_recording_to_sink(Arc::new(ClientsetEventSink::new(clientset)));
//! broadcaster.start_logging();
//! let recorder = broadcaster.new_recorder(EventSource {
//!     component: Some("my-controller".into()),
//!     host: None,
//! });
//! recorder.event(&config_map, "Normal", "Synced", "configuration applied");
//! recorder.eventf(&config_map, "Warning", "Retrying", format_args!("attempt {}", 2));
//! broadcaster.shutdown().await; // writes what is queued, then stops
//! # Ok(()) }
//! ```

mod broadcaster;
mod correlator;
mod error;
pub mod events;
mod fanout;
mod lru;
mod names;
mod recorder;
mod reference;
mod retry;
mod sink;

pub use broadcaster::{BroadcasterOptions, EventBroadcaster};
pub use correlator::{
    AGGREGATED_MESSAGE_PREFIX, CorrelationResult, CorrelatorOptions, EventCorrelator,
    aggregate_key, event_key, spam_key,
};
pub use error::{Error, Result};
pub use recorder::{EVENT_TYPE_NORMAL, EVENT_TYPE_WARNING, EventRecorder, EventType};
pub use reference::{get_partial_reference, get_reference};
pub use sink::{ClientsetEventSink, EventSink};
pub use tokio_util::sync::CancellationToken;
