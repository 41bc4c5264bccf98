//! The series cache: decides, per recorded event, whether to create it, start a series
//! or only count it; and which series to refresh or finish.

use std::collections::HashMap;
use std::time::Duration;

use clientgo_api::core::v1::ObjectReference;
use clientgo_api::events::v1::{Event, EventSeries};
use clientgo_apimachinery::meta::MicroTime;
use tokio::time::Instant;

/// What to write for a recorded event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Write {
    /// A first occurrence: create it.
    Create(Event),
    /// A second occurrence: send the cached event with its new series (patch; create
    /// when it is gone).
    Series(Event),
    /// A later occurrence: counted in the cache only.
    Nothing,
}

fn reference_key(reference: Option<&ObjectReference>) -> String {
    reference.map_or_else(String::new, |r| {
        [
            &r.kind,
            &r.namespace,
            &r.name,
            &r.uid,
            &r.api_version,
            &r.field_path,
            &r.resource_version,
        ]
        .iter()
        .map(|field| field.as_deref().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\u{0}")
    })
}

/// The key of isomorphic events.
fn series_key(event: &Event) -> String {
    [
        event.type_.as_deref().unwrap_or_default(),
        event.action.as_deref().unwrap_or_default(),
        event.reason.as_deref().unwrap_or_default(),
        event.reporting_controller.as_deref().unwrap_or_default(),
        event.reporting_instance.as_deref().unwrap_or_default(),
        &reference_key(event.regarding.as_deref()),
        &reference_key(event.related.as_deref()),
    ]
    .join("\u{1}")
}

#[derive(Debug)]
struct Entry {
    event: Event,
    last_seen: Instant,
}

/// Recently recorded events by series key.
#[derive(Debug, Default)]
pub(crate) struct SeriesCache {
    entries: HashMap<String, Entry>,
}

impl SeriesCache {
    /// Takes in a recorded event.
    pub(crate) fn observe(&mut self, event: Event) -> Write {
        let now = Instant::now();
        let key = series_key(&event);
        let Some(entry) = self.entries.get_mut(&key) else {
            self.entries.insert(
                key,
                Entry {
                    event: event.clone(),
                    last_seen: now,
                },
            );
            return Write::Create(event);
        };
        entry.last_seen = now;
        match &mut entry.event.series {
            Some(series) => {
                series.count = series.count.saturating_add(1);
                series.last_observed_time = MicroTime::now();
                Write::Nothing
            }
            None => {
                entry.event.series = Some(Box::new(EventSeries {
                    count: 2,
                    last_observed_time: MicroTime::now(),
                }));
                Write::Series(entry.event.clone())
            }
        }
    }

    /// Every cached series (for the periodic refresh).
    pub(crate) fn series(&self) -> Vec<Event> {
        self.entries
            .values()
            .filter(|entry| entry.event.series.is_some())
            .map(|entry| entry.event.clone())
            .collect()
    }

    /// Evicts events not seen for `idle`; returns the evicted series (to be written
    /// one last time). Singletons are evicted silently.
    pub(crate) fn finish(&mut self, idle: Duration) -> Vec<Event> {
        let now = Instant::now();
        let mut finished = Vec::new();
        self.entries.retain(|_, entry| {
            if now.duration_since(entry.last_seen) < idle {
                return true;
            }
            if entry.event.series.is_some() {
                finished.push(entry.event.clone());
            }
            false
        });
        finished
    }

    /// Number of cached events.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(reason: &str) -> Event {
        Event {
            type_: Some("Normal".into()),
            reason: Some(reason.into()),
            action: Some("Sync".into()),
            reporting_controller: Some("c".into()),
            reporting_instance: Some("c-host".into()),
            regarding: Some(Box::new(ObjectReference {
                kind: Some("ConfigMap".into()),
                name: Some("cm".into()),
                ..ObjectReference::default()
            })),
            ..Event::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn repeats_become_a_series_counted_in_the_cache() {
        let mut cache = SeriesCache::default();
        assert!(matches!(cache.observe(event("A")), Write::Create(_)));
        let Write::Series(second) = cache.observe(event("A")) else {
            panic!("expected a series");
        };
        assert_eq!(second.series.as_ref().map(|s| s.count), Some(2));
        assert_eq!(cache.observe(event("A")), Write::Nothing);
        assert_eq!(cache.observe(event("A")), Write::Nothing);
        assert_eq!(cache.series()[0].series.as_ref().map(|s| s.count), Some(4));
        assert!(matches!(cache.observe(event("B")), Write::Create(_)));
        assert_eq!(cache.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_events_are_finished() {
        let mut cache = SeriesCache::default();
        cache.observe(event("A"));
        cache.observe(event("A"));
        cache.observe(event("B"));
        tokio::time::advance(Duration::from_secs(5 * 60)).await;
        assert!(cache.finish(Duration::from_secs(6 * 60)).is_empty());
        tokio::time::advance(Duration::from_secs(61)).await;
        let finished = cache.finish(Duration::from_secs(6 * 60));
        assert_eq!(finished.len(), 1, "only the series is written again");
        assert_eq!(cache.len(), 0);
    }
}
