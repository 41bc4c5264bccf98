//! The events.k8s.io/v1 [`EventBroadcaster`]: series bookkeeping and writes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clientgo_api::events::v1::Event;
use clientgo_apimachinery::meta::{CreateOptions, PatchOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_kubernetes::Clientset;
use clientgo_rest::ApiStatus;
use tokio_util::sync::CancellationToken;

use super::recorder::EventRecorder;
use super::series::{SeriesCache, Write};
use crate::fanout::Fanout;
use crate::retry::{Failure, classify, with_retries};
use crate::{Error, Result};

/// Options of the events.k8s.io [`EventBroadcaster`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventsOptions {
    /// How often cached series are written again (default 30 minutes).
    pub refresh_interval: Duration,
    /// How long after its last occurrence a series is finished (written one last time
    /// and forgotten), and how often that is checked (default 6 minutes).
    pub finish_interval: Duration,
    /// Wait between tries of a failed write (default 10 s, ±25 % jitter).
    pub sleep_duration: Duration,
    /// Events queued before new ones are dropped (default 1000).
    pub queue_size: usize,
}

impl Default for EventsOptions {
    fn default() -> Self {
        Self {
            refresh_interval: Duration::from_secs(30 * 60),
            finish_interval: Duration::from_secs(6 * 60),
            sleep_duration: Duration::from_secs(10),
            queue_size: 1000,
        }
    }
}

/// Receives events.k8s.io/v1 events from its [`EventRecorder`]s and writes them,
/// keeping series of repeated events. Create it inside a Tokio runtime.
#[derive(Debug)]
pub struct EventBroadcaster {
    fanout: Fanout<Event>,
    clientset: Clientset,
    options: EventsOptions,
    recording: AtomicBool,
}

impl EventBroadcaster {
    /// A broadcaster writing through `clientset`, with default options.
    pub fn new(clientset: Clientset) -> Self {
        Self::with_options(clientset, EventsOptions::default())
    }

    /// A broadcaster with `options`.
    pub fn with_options(clientset: Clientset, options: EventsOptions) -> Self {
        Self {
            fanout: Fanout::new(options.queue_size),
            clientset,
            options,
            recording: AtomicBool::new(false),
        }
    }

    /// A recorder reporting as `reporting_controller`.
    pub fn new_recorder(&self, reporting_controller: &str) -> EventRecorder {
        EventRecorder::new(self.fanout.intake(), reporting_controller)
    }

    /// Starts writing events to the API server; a second call fails with
    /// [`Error::AlreadyRecording`].
    pub fn start_recording_to_sink(&self) -> Result<()> {
        if self.recording.swap(true, Ordering::SeqCst) {
            return Err(Error::AlreadyRecording);
        }
        let writer = Writer {
            clientset: self.clientset.clone(),
            cancel: self.fanout.shutdown_token(),
            sleep: self.options.sleep_duration,
        };
        let options = self.options;
        self.fanout.add_watcher(move |mut events| async move {
            let mut cache = SeriesCache::default();
            let mut refresh = tokio::time::interval(options.refresh_interval);
            let mut finish = tokio::time::interval(options.finish_interval);
            refresh.reset();
            finish.reset();
            loop {
                tokio::select! {
                    event = events.recv() => match event {
                        Some(event) => match cache.observe(event) {
                            Write::Create(event) => writer.create(&event).await,
                            Write::Series(event) => writer.series(&event).await,
                            Write::Nothing => {}
                        },
                        None => break,
                    },
                    _ = refresh.tick() => {
                        for event in cache.series() {
                            writer.series(&event).await;
                        }
                    }
                    _ = finish.tick() => {
                        for event in cache.finish(options.finish_interval) {
                            writer.series(&event).await;
                        }
                    }
                }
            }
        });
        Ok(())
    }

    /// Stops accepting events, writes what is queued and waits for all tasks.
    pub async fn shutdown(&self) {
        self.fanout.shutdown().await;
    }
}

/// Writes events with retries.
struct Writer {
    clientset: Clientset,
    cancel: CancellationToken,
    sleep: Duration,
}

impl Writer {
    fn pause(&self) -> impl Fn(usize) -> Duration + use<> {
        let sleep = self.sleep;
        move |_| sleep.mul_f64(0.75 + fastrand::f64() * 0.5)
    }

    fn client(&self, event: &Event) -> clientgo_kubernetes::Client<Event> {
        let namespace = event.metadata.namespace.as_deref().unwrap_or_default();
        self.clientset.events_v1().events(namespace)
    }

    async fn create(&self, event: &Event) {
        let what = event.metadata.name.clone().unwrap_or_default();
        with_retries(&what, &self.cancel, self.pause(), || async {
            self.client(event)
                .create(event, &CreateOptions::default())
                .await
                .map_err(classify)
        })
        .await;
    }

    /// Writes the series of `event` (a merge patch; creates the event when it is
    /// gone).
    async fn series(&self, event: &Event) {
        let what = event.metadata.name.clone().unwrap_or_default();
        let patch = serde_json::json!({ "series": event.series });
        let patch = match serde_json::to_vec(&patch) {
            Ok(patch) => patch,
            Err(error) => {
                tracing::error!(%error, "unable to encode a series patch");
                return;
            }
        };
        with_retries(&what, &self.cancel, self.pause(), || async {
            let client = self.client(event);
            let name = event.metadata.name.as_deref().unwrap_or_default();
            match client
                .patch(name, PatchType::Merge, &patch, &PatchOptions::default())
                .await
            {
                Ok(written) => Ok(written),
                Err(error) if error.is_not_found() => {
                    let mut fresh = event.clone();
                    fresh.metadata.resource_version = None;
                    client
                        .create(&fresh, &CreateOptions::default())
                        .await
                        .map_err(classify)
                }
                Err(error) if error.is_already_exists() => Err(Failure::Retry(error)),
                Err(error) => Err(classify(error)),
            }
        })
        .await;
    }
}
