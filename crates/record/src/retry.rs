//! Writing an event with retries: network errors are retried (at most 12 tries), API
//! and request errors are not; shutdown abandons the retries.

use std::future::Future;
use std::time::Duration;

use clientgo_apimachinery::meta::StatusReason;
use clientgo_rest::ApiStatus;
use tokio_util::sync::CancellationToken;

/// The most tries per event.
pub(crate) const MAX_TRIES: usize = 12;

/// Why an attempt failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another try (the server was unreachable).
    Retry(clientgo_rest::Error),
    /// Not worth another try.
    GiveUp(clientgo_rest::Error),
}

/// Sorts a failed write: API status errors and malformed requests are final, transport
/// failures are retried.
pub(crate) fn classify(error: clientgo_rest::Error) -> Failure {
    match &error {
        clientgo_rest::Error::Api(_) | clientgo_rest::Error::Retried { .. }
            if error.api_status().is_some() =>
        {
            Failure::GiveUp(error)
        }
        clientgo_rest::Error::Config(_)
        | clientgo_rest::Error::Request(_)
        | clientgo_rest::Error::Decode { .. } => Failure::GiveUp(error),
        _ => Failure::Retry(error),
    }
}

/// True for failures that are expected and logged quietly: the event exists already,
/// or its namespace is being deleted.
fn is_quiet(error: &clientgo_rest::Error) -> bool {
    error.is_already_exists()
        || (error.reason() == StatusReason::Forbidden
            && error
                .api_status()
                .and_then(|status| status.details.as_ref())
                .is_some_and(|details| {
                    details
                        .causes
                        .iter()
                        .any(|cause| cause.cause_type.as_deref() == Some("NamespaceTerminating"))
                }))
}

/// Runs `attempt` until it succeeds, fails for good, [`MAX_TRIES`] are used, or `cancel`
/// fires; `pause(n)` is the wait before try `n + 1` (n ≥ 1).
pub(crate) async fn with_retries<T, F, Fut>(
    what: &str,
    cancel: &CancellationToken,
    pause: impl Fn(usize) -> Duration,
    mut attempt: F,
) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    for tries in 1..=MAX_TRIES {
        match attempt().await {
            Ok(value) => return Some(value),
            Err(Failure::GiveUp(error)) => {
                if is_quiet(&error) {
                    tracing::info!(%error, event = what, "server rejected event (will not retry)");
                } else {
                    tracing::error!(%error, event = what, "server rejected event (will not retry)");
                }
                return None;
            }
            Err(Failure::Retry(error)) => {
                tracing::error!(%error, event = what, "unable to write event (may retry after sleeping)");
            }
        }
        if tries == MAX_TRIES {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(pause(tries)) => {}
            () = cancel.cancelled() => {
                tracing::info!(event = what, "shutting down, not retrying event");
                return None;
            }
        }
    }
    tracing::error!(
        event = what,
        "unable to write event, giving up after {MAX_TRIES} tries"
    );
    None
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use clientgo_apimachinery::errors::StatusError;
    use clientgo_apimachinery::schema::GroupResource;

    use super::*;

    async fn count_tries(error: fn() -> clientgo_rest::Error) -> usize {
        let tries = AtomicUsize::new(0);
        let result: Option<()> = with_retries(
            "e",
            &CancellationToken::new(),
            |_| Duration::from_secs(10),
            || {
                tries.fetch_add(1, Ordering::SeqCst);
                async move { Err(classify(error())) }
            },
        )
        .await;
        assert!(result.is_none());
        tries.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn network_errors_are_retried_twelve_times_and_status_errors_never() {
        assert_eq!(
            count_tries(|| clientgo_rest::Error::Stream("reset".into())).await,
            12
        );
        let not_found = || {
            clientgo_rest::Error::Api(Box::new(StatusError::new_not_found(
                &GroupResource::new("", "events"),
                "e",
            )))
        };
        assert_eq!(count_tries(not_found).await, 1);
        assert_eq!(
            count_tries(|| clientgo_rest::Error::Request("bad".into())).await,
            1
        );
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_abandons_retries() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let tries = AtomicUsize::new(0);
        let result: Option<()> = with_retries(
            "e",
            &cancel,
            |_| Duration::from_secs(10),
            || {
                tries.fetch_add(1, Ordering::SeqCst);
                async { Err(Failure::Retry(clientgo_rest::Error::Stream("x".into()))) }
            },
        )
        .await;
        assert!(result.is_none());
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}
