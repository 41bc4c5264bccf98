//! `retry_on_conflict` (client-go's `util/retry`): run a read-modify-write again when the
//! server rejects it with 409 Conflict because the object changed in between.

use std::future::Future;
use std::time::Duration;

use clientgo_apimachinery::errors::ApiStatus;

use crate::error::Error;

/// How often, and how far apart, an operation is tried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// How many tries in all.
    pub steps: u32,
    /// The first wait.
    pub duration: Duration,
    /// Each wait is the previous one times this.
    pub factor: f64,
    /// Up to this fraction of a wait is added at random.
    pub jitter: f64,
}

/// client-go's `DefaultRetry`: 5 tries, 10 ms apart (for conflicts, which clear fast).
pub const DEFAULT_RETRY: Backoff = Backoff {
    steps: 5,
    duration: Duration::from_millis(10),
    factor: 1.0,
    jitter: 0.1,
};

/// client-go's `DefaultBackoff`: 4 tries, 10 ms growing five-fold.
pub const DEFAULT_BACKOFF: Backoff = Backoff {
    steps: 4,
    duration: Duration::from_millis(10),
    factor: 5.0,
    jitter: 0.1,
};

/// Runs `operation` until it succeeds, fails with something other than a conflict, or
/// `backoff.steps` tries have been made; returns its last outcome.
///
/// ```no_run
/// # async fn update() -> Result<(), clientgo_rest::Error> { Ok(()) }
/// # async fn run() -> Result<(), clientgo_rest::Error> {
/// use clientgo_rest::retry::{DEFAULT_RETRY, retry_on_conflict};
///
/// retry_on_conflict(DEFAULT_RETRY, || async {
///     // get the object, change it, update it
///     update().await
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn retry_on_conflict<T, F, Fut>(backoff: Backoff, operation: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    on_error(backoff, |error: &Error| error.is_conflict(), operation).await
}

/// Like [`retry_on_conflict`] for any errors `retriable` accepts.
pub async fn on_error<T, F, Fut>(
    backoff: Backoff,
    retriable: impl Fn(&Error) -> bool,
    mut operation: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut wait = backoff.duration;
    let mut tries = 0;
    loop {
        tries += 1;
        match operation().await {
            Err(error) if retriable(&error) && tries < backoff.steps.max(1) => {
                tokio::time::sleep(jittered(wait, backoff.jitter)).await;
                wait = wait.mul_f64(backoff.factor.max(1.0));
            }
            outcome => return outcome,
        }
    }
}

fn jittered(wait: Duration, jitter: f64) -> Duration {
    if jitter <= 0.0 {
        return wait;
    }
    use std::hash::{BuildHasher, RandomState};
    let random = (RandomState::new().hash_one(0u8) % 1000) as f64 / 1000.0;
    wait.mul_f64(1.0 + random * jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_only_the_errors_asked_for_and_at_most_steps_times() {
        let calls = AtomicU32::new(0);
        let outcome: Result<(), Error> = on_error(
            DEFAULT_RETRY,
            |e| matches!(e, Error::Request(_)),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Error::Request("again".into()))
            },
        )
        .await;
        assert!(outcome.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 5);

        calls.store(0, Ordering::SeqCst);
        let outcome: Result<(), Error> = on_error(
            DEFAULT_RETRY,
            |e| matches!(e, Error::Request(_)),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Error::Config("permanent".into()))
            },
        )
        .await;
        assert!(matches!(outcome, Err(Error::Config(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        calls.store(0, Ordering::SeqCst);
        let outcome = on_error(
            DEFAULT_RETRY,
            |_| true,
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(Error::Request("not yet".into()))
                } else {
                    Ok(7)
                }
            },
        )
        .await;
        assert_eq!(outcome.unwrap(), 7);
    }
}
