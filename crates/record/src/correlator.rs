//! [`EventCorrelator`]: client-go's aggregation of similar events, de-duplication of
//! identical ones and per-object spam filter, for core/v1 Events.
//!
//! Time is Tokio's: tests can pause and advance it.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use clientgo_api::core::v1::Event;
use clientgo_apimachinery::Str;
use clientgo_apimachinery::meta::Time;
use tokio::time::Instant;

use crate::lru::Lru;
use crate::names::event_name;
use crate::{Error, Result};

/// The prefix of aggregated events' messages.
pub const AGGREGATED_MESSAGE_PREFIX: &str = "(combined from similar events): ";

/// The correlator's limits; zero fields fall back to client-go's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrelatorOptions {
    /// Entries of each cache (default 4096).
    pub lru_cache_size: usize,
    /// Distinct messages of similar events before they are aggregated (default 10).
    pub max_events: usize,
    /// How long similar events count towards aggregation (default 600 s).
    pub max_interval: Duration,
    /// Spam filter burst per object (default 25).
    pub burst: u32,
    /// Spam filter refill, tokens per second (default 1/300).
    pub qps: f64,
}

impl Default for CorrelatorOptions {
    fn default() -> Self {
        Self {
            lru_cache_size: 4096,
            max_events: 10,
            max_interval: Duration::from_secs(600),
            burst: 25,
            qps: 1.0 / 300.0,
        }
    }
}

impl CorrelatorOptions {
    fn with_defaults(self) -> Self {
        let defaults = Self::default();
        Self {
            lru_cache_size: if self.lru_cache_size == 0 {
                defaults.lru_cache_size
            } else {
                self.lru_cache_size
            },
            max_events: if self.max_events == 0 {
                defaults.max_events
            } else {
                self.max_events
            },
            max_interval: if self.max_interval.is_zero() {
                defaults.max_interval
            } else {
                self.max_interval
            },
            burst: if self.burst == 0 {
                defaults.burst
            } else {
                self.burst
            },
            qps: if self.qps <= 0.0 {
                defaults.qps
            } else {
                self.qps
            },
        }
    }
}

/// What [`EventCorrelator::correlate`] decided.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationResult {
    /// The event to write (possibly an aggregate, possibly with a count above one).
    pub event: Event,
    /// For a repeated event: the JSON (strategic) merge patch of `count`,
    /// `lastTimestamp` and `message`.
    pub patch: Option<Vec<u8>>,
    /// True when the spam filter dropped the event.
    pub skip: bool,
}

#[derive(Debug)]
struct AggregateRecord {
    messages: HashSet<String>,
    last: Instant,
}

#[derive(Debug, Clone)]
struct Observation {
    count: i32,
    first_timestamp: Option<Time>,
    name: Option<Str>,
    resource_version: Option<Str>,
}

#[derive(Debug)]
struct TokenBucket {
    tokens: f64,
    last: Instant,
}

/// Aggregates, de-duplicates and rate-limits events before they are written:
///
/// - **Aggregation**: events that differ only in their message (same source, involved
///   object, type, reason, reporting controller and instance) are counted per distinct
///   message; from the 10th distinct message within 10 minutes on, they are replaced by
///   one event with message `"(combined from similar events): <latest message>"`.
/// - **De-duplication**: an event identical to one seen before (same key, including the
///   message) reuses that event's name and first timestamp with `count + 1`, and comes
///   with the patch updating `count`, `lastTimestamp` and `message` on the server.
/// - **Spam filter**: a token bucket per source and involved object (burst 25, one token
///   per 5 minutes); events finding it empty are skipped.
#[derive(Debug)]
pub struct EventCorrelator {
    options: CorrelatorOptions,
    aggregates: Lru<String, AggregateRecord>,
    observations: Lru<String, Observation>,
    buckets: Lru<String, TokenBucket>,
}

impl Default for EventCorrelator {
    fn default() -> Self {
        Self::new(CorrelatorOptions::default())
    }
}

fn text(value: Option<&Str>) -> &str {
    value.map_or("", Str::as_str)
}

/// Source and involved object, the common start of every key.
fn source_and_object(event: &Event) -> String {
    let source = event.source.clone().unwrap_or_default();
    let object = &event.involved_object;
    [
        text(source.component.as_ref()),
        text(source.host.as_ref()),
        text(object.kind.as_ref()),
        text(object.namespace.as_ref()),
        text(object.name.as_ref()),
    ]
    .concat()
}

/// Key of identical events (client-go's `getEventKey`).
pub fn event_key(event: &Event) -> String {
    let object = &event.involved_object;
    [
        source_and_object(event).as_str(),
        text(object.field_path.as_ref()),
        text(object.uid.as_ref()),
        text(object.api_version.as_ref()),
        text(event.type_.as_ref()),
        text(event.reason.as_ref()),
        text(event.message.as_ref()),
    ]
    .concat()
}

/// Key of similar events and the message distinguishing them (client-go's
/// `EventAggregatorByReasonFunc`).
pub fn aggregate_key(event: &Event) -> (String, String) {
    let object = &event.involved_object;
    let key = [
        source_and_object(event).as_str(),
        text(object.uid.as_ref()),
        text(object.api_version.as_ref()),
        text(event.type_.as_ref()),
        text(event.reason.as_ref()),
        text(event.reporting_component.as_ref()),
        text(event.reporting_instance.as_ref()),
    ]
    .concat();
    (key, event.message.as_deref().unwrap_or_default().to_owned())
}

/// Key of the spam filter: source, involved object and type (no reason, no message).
pub fn spam_key(event: &Event) -> String {
    let object = &event.involved_object;
    [
        source_and_object(event).as_str(),
        text(object.uid.as_ref()),
        text(object.api_version.as_ref()),
        text(event.type_.as_ref()),
    ]
    .concat()
}

impl EventCorrelator {
    /// A correlator with `options` (zero fields: defaults).
    pub fn new(options: CorrelatorOptions) -> Self {
        let options = options.with_defaults();
        Self {
            options,
            aggregates: Lru::new(options.lru_cache_size),
            observations: Lru::new(options.lru_cache_size),
            buckets: Lru::new(options.lru_cache_size),
        }
    }

    /// Aggregates, de-duplicates and spam-filters `event`.
    pub fn correlate(&mut self, event: Event) -> Result<CorrelationResult> {
        let now = Instant::now();
        let (event, key) = self.aggregate(event, now);
        let (event, patch) = self.observe(event, key)?;
        let skip = !self.take_token(&spam_key(&event), now);
        Ok(CorrelationResult { event, patch, skip })
    }

    /// Remembers the server's copy of a written event (its name, resourceVersion,
    /// count and first timestamp) for later de-duplication.
    pub fn update_state(&mut self, event: &Event) {
        self.observations.insert(
            event_key(event),
            Observation {
                count: event.count.unwrap_or(1),
                first_timestamp: event.first_timestamp,
                name: event.metadata.name.clone(),
                resource_version: event.metadata.resource_version.clone(),
            },
        );
    }

    fn aggregate(&mut self, event: Event, now: Instant) -> (Event, String) {
        let (key, message) = aggregate_key(&event);
        let fresh = || AggregateRecord {
            messages: HashSet::new(),
            last: now,
        };
        let mut record = self.aggregates.remove(&key).unwrap_or_else(fresh);
        if now.duration_since(record.last) > self.options.max_interval {
            record = fresh();
        }
        record.messages.insert(message);
        record.last = now;
        let aggregated = record.messages.len() >= self.options.max_events;
        if aggregated {
            // Stay at the threshold: forget one arbitrary message.
            if let Some(any) = record.messages.iter().next().cloned() {
                record.messages.remove(&any);
            }
        }
        self.aggregates.insert(key.clone(), record);
        if !aggregated {
            let event_key = event_key(&event);
            return (event, event_key);
        }
        let wall = SystemTime::now();
        let timestamp = Time::from(wall);
        let object_name = event.involved_object.name.clone().unwrap_or_default();
        let mut combined = Event {
            count: Some(1),
            first_timestamp: Some(timestamp),
            last_timestamp: Some(timestamp),
            message: Some(
                format!(
                    "{AGGREGATED_MESSAGE_PREFIX}{}",
                    event.message.as_deref().unwrap_or_default()
                )
                .into(),
            ),
            ..event
        };
        combined.metadata.name = Some(event_name(&object_name, wall));
        combined.metadata.resource_version = None;
        (combined, key)
    }

    fn observe(&mut self, mut event: Event, key: String) -> Result<(Event, Option<Vec<u8>>)> {
        let mut patch = None;
        if let Some(last) = self.observations.get_mut(&key).cloned() {
            event.count = Some(last.count.saturating_add(1));
            event.first_timestamp = last.first_timestamp;
            event.metadata.name = last.name;
            event.metadata.resource_version = last.resource_version;
            let body = serde_json::json!({
                "count": event.count,
                "lastTimestamp": event.last_timestamp,
                "message": event.message,
            });
            patch = Some(serde_json::to_vec(&body).map_err(|e| Error::Encode(e.to_string()))?);
        }
        self.observations.insert(
            key,
            Observation {
                count: event.count.unwrap_or(1),
                first_timestamp: event.first_timestamp,
                name: event.metadata.name.clone(),
                resource_version: event.metadata.resource_version.clone(),
            },
        );
        Ok((event, patch))
    }

    fn take_token(&mut self, key: &str, now: Instant) -> bool {
        let burst = f64::from(self.options.burst);
        let qps = self.options.qps;
        let key = key.to_owned();
        if self.buckets.get_mut(&key).is_none() {
            self.buckets.insert(
                key.clone(),
                TokenBucket {
                    tokens: burst,
                    last: now,
                },
            );
        }
        let Some(bucket) = self.buckets.get_mut(&key) else {
            return true;
        };
        let refill = now.duration_since(bucket.last).as_secs_f64() * qps;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests;
