//! Correlator scenarios of client-go's `events_cache_test.go`, with paused time.

#![allow(clippy::unwrap_used)]

use clientgo_api::core::v1::{EventSource, ObjectReference};

use super::*;

fn event(object: &str, reason: &str, message: &str) -> Event {
    let now = Time::now();
    let mut event = Event {
        involved_object: ObjectReference {
            kind: Some("ConfigMap".into()),
            namespace: Some("ns".into()),
            name: Some(object.into()),
            uid: Some(format!("uid-{object}").into()),
            api_version: Some("v1".into()),
            ..ObjectReference::default()
        },
        reason: Some(reason.into()),
        message: Some(message.into()),
        type_: Some("Normal".into()),
        source: Some(Box::new(EventSource {
            component: Some("test".into()),
            host: None,
        })),
        count: Some(1),
        first_timestamp: Some(now),
        last_timestamp: Some(now),
        ..Event::default()
    };
    event.metadata.name = Some(format!("{object}.{message}").into());
    event
}

#[tokio::test(start_paused = true)]
async fn a_new_event_passes_unchanged() {
    let mut correlator = EventCorrelator::default();
    let input = event("a", "Started", "hello");
    let result = correlator.correlate(input.clone()).unwrap();
    assert_eq!(result.event, input);
    assert_eq!(result.patch, None);
    assert!(!result.skip);
}

#[tokio::test(start_paused = true)]
async fn a_duplicate_gets_count_two_the_first_name_and_a_patch() {
    let mut correlator = EventCorrelator::default();
    let first = correlator
        .correlate(event("a", "Started", "hello"))
        .unwrap()
        .event;
    let mut written = first.clone();
    written.metadata.resource_version = Some("7".into());
    correlator.update_state(&written);
    let mut again = event("a", "Started", "hello");
    again.metadata.name = Some("other-name".into());
    let result = correlator.correlate(again).unwrap();
    assert_eq!(result.event.count, Some(2));
    assert_eq!(result.event.metadata.name, first.metadata.name);
    assert_eq!(result.event.first_timestamp, first.first_timestamp);
    let patch: serde_json::Value = serde_json::from_slice(&result.patch.unwrap()).unwrap();
    assert_eq!(patch["count"], 2);
    assert_eq!(patch["message"], "hello");
    assert!(patch.get("lastTimestamp").is_some());
    for expected in 3..=5 {
        let result = correlator
            .correlate(event("a", "Started", "hello"))
            .unwrap();
        assert_eq!(result.event.count, Some(expected));
    }
}

#[tokio::test(start_paused = true)]
async fn ten_distinct_messages_are_aggregated() {
    let mut correlator = EventCorrelator::default();
    for n in 0..9 {
        let result = correlator
            .correlate(event("a", "Failed", &format!("m{n}")))
            .unwrap();
        assert_eq!(
            result.event.message.as_deref(),
            Some(format!("m{n}").as_str())
        );
    }
    let result = correlator.correlate(event("a", "Failed", "m9")).unwrap();
    let message = result.event.message.clone().unwrap();
    assert_eq!(message, "(combined from similar events): m9");
    assert_eq!(result.event.count, Some(1));
    assert!(result.event.metadata.name.unwrap().starts_with("a."));
    // Further similar events count on the aggregate.
    let result = correlator.correlate(event("a", "Failed", "m10")).unwrap();
    assert_eq!(
        result.event.message.as_deref(),
        Some("(combined from similar events): m10")
    );
    assert_eq!(result.event.count, Some(2));
    assert!(result.patch.is_some());
    // Another reason is not similar.
    let result = correlator.correlate(event("a", "Other", "m11")).unwrap();
    assert_eq!(result.event.message.as_deref(), Some("m11"));
}

#[tokio::test(start_paused = true)]
async fn the_aggregation_interval_expires() {
    let mut correlator = EventCorrelator::default();
    for n in 0..9 {
        correlator
            .correlate(event("a", "Failed", &format!("m{n}")))
            .unwrap();
    }
    tokio::time::advance(Duration::from_secs(601)).await;
    let result = correlator.correlate(event("a", "Failed", "m9")).unwrap();
    assert_eq!(result.event.message.as_deref(), Some("m9"));
}

#[tokio::test(start_paused = true)]
async fn the_spam_filter_allows_a_burst_of_25_per_object_then_one_per_5_minutes() {
    let mut correlator = EventCorrelator::default();
    let skipped = |c: &mut EventCorrelator, object: &str, n: usize| {
        c.correlate(event(object, &format!("r{}", n % 3), "same"))
            .unwrap()
            .skip
    };
    for n in 0..25 {
        assert!(!skipped(&mut correlator, "a", n), "event {n}");
    }
    assert!(skipped(&mut correlator, "a", 25));
    assert!(
        !skipped(&mut correlator, "b", 0),
        "another object has its own bucket"
    );
    tokio::time::advance(Duration::from_secs(300)).await;
    assert!(!skipped(&mut correlator, "a", 26));
    assert!(skipped(&mut correlator, "a", 27));
}

#[test]
fn keys_follow_client_go() {
    let e = event("a", "Started", "hello");
    assert_eq!(event_key(&e), "testConfigMapnsauid-av1NormalStartedhello");
    assert_eq!(
        aggregate_key(&e),
        (
            "testConfigMapnsauid-av1NormalStarted".to_owned(),
            "hello".to_owned()
        )
    );
    assert_eq!(spam_key(&e), "testConfigMapnsauid-av1Normal");
}

#[test]
fn zero_options_mean_defaults() {
    let correlator = EventCorrelator::new(CorrelatorOptions {
        lru_cache_size: 0,
        max_events: 0,
        max_interval: Duration::ZERO,
        burst: 0,
        qps: 0.0,
    });
    assert_eq!(correlator.options, CorrelatorOptions::default());
}
