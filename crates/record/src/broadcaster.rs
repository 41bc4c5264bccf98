//! [`EventBroadcaster`]: fans recorded core/v1 events out to sinks, the log and custom
//! watchers (client-go's `record.EventBroadcaster`).

use std::sync::Arc;
use std::time::Duration;

use clientgo_api::core::v1::{Event, EventSource};
use clientgo_rest::ApiStatus;
use tokio_util::sync::CancellationToken;

use crate::correlator::{CorrelatorOptions, EventCorrelator};
use crate::fanout::Fanout;
use crate::recorder::EventRecorder;
use crate::retry::{Failure, classify, with_retries};
use crate::sink::EventSink;

/// Options of an [`EventBroadcaster`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BroadcasterOptions {
    /// Limits of the correlator of each sink.
    pub correlator: CorrelatorOptions,
    /// Wait between tries of a failed write (default 10 s; the first retry waits a
    /// random fraction of it).
    pub sleep_duration: Duration,
    /// Events queued before new ones are dropped (default 1000).
    pub queue_size: usize,
}

impl Default for BroadcasterOptions {
    fn default() -> Self {
        Self {
            correlator: CorrelatorOptions::default(),
            sleep_duration: Duration::from_secs(10),
            queue_size: 1000,
        }
    }
}

/// Receives events from its [`EventRecorder`]s and hands each to every started
/// watcher: sinks ([`start_recording_to_sink`](Self::start_recording_to_sink)), the log
/// ([`start_logging`](Self::start_logging)) or any handler
/// ([`start_event_watcher`](Self::start_event_watcher)).
///
/// Create it inside a Tokio runtime. [`shutdown`](Self::shutdown) stops intake, lets
/// the watchers finish what is queued (abandoning retries) and waits for every task;
/// dropping the broadcaster stops it too, without waiting.
#[derive(Debug)]
pub struct EventBroadcaster {
    fanout: Fanout<Event>,
    options: BroadcasterOptions,
}

impl Default for EventBroadcaster {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBroadcaster {
    /// A broadcaster with default options.
    pub fn new() -> Self {
        Self::with_options(BroadcasterOptions::default())
    }

    /// A broadcaster with `options`.
    pub fn with_options(options: BroadcasterOptions) -> Self {
        Self {
            fanout: Fanout::new(options.queue_size),
            options,
        }
    }

    /// A recorder whose events carry `source` (component and host).
    pub fn new_recorder(&self, source: EventSource) -> EventRecorder {
        EventRecorder::new(self.fanout.intake(), source)
    }

    /// Writes events to `sink`, through a correlator of its own (aggregation,
    /// de-duplication by PATCH, spam filter).
    pub fn start_recording_to_sink(&self, sink: Arc<dyn EventSink>) {
        let options = self.options;
        let cancel = self.fanout.shutdown_token();
        self.fanout.add_watcher(move |mut events| async move {
            let mut correlator = EventCorrelator::new(options.correlator);
            while let Some(event) = events.recv().await {
                record_to_sink(
                    sink.as_ref(),
                    &mut correlator,
                    event,
                    &cancel,
                    options.sleep_duration,
                )
                .await;
            }
        });
    }

    /// Logs every event through `tracing` (info level).
    pub fn start_logging(&self) {
        self.start_event_watcher(|event: &Event| {
            let object = &event.involved_object;
            tracing::info!(
                kind = object.kind.as_deref().unwrap_or_default(),
                namespace = object.namespace.as_deref().unwrap_or_default(),
                name = object.name.as_deref().unwrap_or_default(),
                r#type = event.type_.as_deref().unwrap_or_default(),
                reason = event.reason.as_deref().unwrap_or_default(),
                "event: {}",
                event.message.as_deref().unwrap_or_default()
            );
        });
    }

    /// Calls `handler` with every event.
    pub fn start_event_watcher<F>(&self, handler: F)
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        self.fanout.add_watcher(move |mut events| async move {
            while let Some(event) = events.recv().await {
                handler(&event);
            }
        });
    }

    /// Stops accepting events, lets watchers write what is queued (failed writes are
    /// not retried any more) and waits for all tasks.
    pub async fn shutdown(&self) {
        self.fanout.shutdown().await;
    }
}

/// Correlates `event` and writes it: PATCH for a repeat (falling back to CREATE when
/// the old event is gone), else CREATE; with retries.
async fn record_to_sink(
    sink: &dyn EventSink,
    correlator: &mut EventCorrelator,
    event: Event,
    cancel: &CancellationToken,
    sleep: Duration,
) {
    let result = match correlator.correlate(event) {
        Ok(result) => result,
        Err(error) => {
            tracing::error!(%error, "unable to correlate event");
            return;
        }
    };
    if result.skip {
        tracing::debug!("event dropped by the spam filter");
        return;
    }
    let event = result.event;
    let patch = result.patch;
    let what = event.metadata.name.clone().unwrap_or_default();
    let pause = |tries: usize| {
        if tries == 1 {
            sleep.mul_f64(fastrand::f64())
        } else {
            sleep
        }
    };
    let written = with_retries(&what, cancel, pause, || {
        let (event, patch) = (&event, patch.as_deref());
        async move { write_event(sink, event, patch).await }
    })
    .await;
    if let Some(written) = written {
        correlator.update_state(&written);
    }
}

/// One try of writing `event`.
async fn write_event(
    sink: &dyn EventSink,
    event: &Event,
    patch: Option<&[u8]>,
) -> Result<Event, Failure> {
    if event.count.unwrap_or(1) > 1
        && let Some(patch) = patch
    {
        match sink.patch(event, patch).await {
            Ok(written) => return Ok(written),
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(classify(error)),
        }
    }
    let mut fresh = event.clone();
    fresh.metadata.resource_version = None;
    sink.create(&fresh).await.map_err(classify)
}
