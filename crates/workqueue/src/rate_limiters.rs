//! How long to wait before retrying an item (client-go's `default_rate_limiters.go`).
//!
//! A [`RateLimiter`] answers "how long should this item wait before its next retry?"
//! ([`when`](RateLimiter::when)), and is told when an item succeeded
//! ([`forget`](RateLimiter::forget)) so its backoff starts over.
//!
//! | limiter | delay of the n-th `when` (n = 0, 1, …) |
//! |---|---|
//! | [`ItemExponentialFailureRateLimiter`] | per item: `base × 2ⁿ`, capped at `max` |
//! | [`ItemFastSlowRateLimiter`] | per item: `fast` for the first attempts, then `slow` |
//! | [`BucketRateLimiter`] | overall: a token bucket (`qps`, `burst`) shared by all items |
//! | [`MaxOfRateLimiter`] | the longest delay of several limiters |
//! | [`WithMaxWaitRateLimiter`] | another limiter's delay, capped |
//!
//! [`default_controller_rate_limiter`] is what controllers use: per-item exponential from
//! 5 ms to 1000 s, and at most 10 retries per second overall (burst 100).
//!
//! ```
//! use std::time::Duration;
//! use clientgo_workqueue::{ItemExponentialFailureRateLimiter, RateLimiter};
//!
//! let limiter = ItemExponentialFailureRateLimiter::new(
//!     Duration::from_millis(1),
//!     Duration::from_secs(1),
//! );
//! let delays: Vec<_> = (0..5).map(|_| limiter.when(&"key").as_millis()).collect();
//! assert_eq!(delays, [1, 2, 4, 8, 16]);
//! assert_eq!(limiter.num_requeues(&"key"), 5);
//! limiter.forget(&"key");
//! assert_eq!(limiter.when(&"key"), Duration::from_millis(1));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

/// Decides how long an item waits before it is retried (client-go's `TypedRateLimiter`).
pub trait RateLimiter<T>: Send + Sync {
    /// The delay before `item` is added again. Counts as one more failure of `item`.
    fn when(&self, item: &T) -> Duration;
    /// Forgets the failures of `item` (call it when the item was processed successfully).
    fn forget(&self, item: &T);
    /// How many times `item` failed since it was last forgotten.
    fn num_requeues(&self, item: &T) -> usize;
}

impl<T, R: RateLimiter<T> + ?Sized> RateLimiter<T> for Box<R> {
    fn when(&self, item: &T) -> Duration {
        (**self).when(item)
    }
    fn forget(&self, item: &T) {
        (**self).forget(item);
    }
    fn num_requeues(&self, item: &T) -> usize {
        (**self).num_requeues(item)
    }
}

impl<T, R: RateLimiter<T> + ?Sized> RateLimiter<T> for Arc<R> {
    fn when(&self, item: &T) -> Duration {
        (**self).when(item)
    }
    fn forget(&self, item: &T) {
        (**self).forget(item);
    }
    fn num_requeues(&self, item: &T) -> usize {
        (**self).num_requeues(item)
    }
}

/// Controllers' default (client-go's `DefaultTypedControllerRateLimiter`): the longer of
/// a per-item exponential backoff from 5 ms to 1000 s and an overall token bucket of
/// 10 qps with a burst of 100.
///
/// ```
/// use std::time::Duration;
/// use clientgo_workqueue::{RateLimiter, default_controller_rate_limiter};
///
/// let limiter = default_controller_rate_limiter();
/// assert_eq!(limiter.when(&"key"), Duration::from_millis(5));
/// assert_eq!(limiter.when(&"key"), Duration::from_millis(10));
/// ```
pub fn default_controller_rate_limiter<T>() -> MaxOfRateLimiter<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    MaxOfRateLimiter::new(vec![
        Box::new(ItemExponentialFailureRateLimiter::new(
            Duration::from_millis(5),
            Duration::from_secs(1000),
        )),
        Box::new(BucketRateLimiter::new(10.0, 100)),
    ])
}

/// Per-item exponential backoff from 1 ms to 1000 s (client-go's
/// `DefaultTypedItemBasedRateLimiter`).
pub fn default_item_based_rate_limiter<T>() -> ItemExponentialFailureRateLimiter<T>
where
    T: Clone + Eq + Hash + Send,
{
    ItemExponentialFailureRateLimiter::new(Duration::from_millis(1), Duration::from_secs(1000))
}

/// Per-item exponential backoff (client-go's `TypedItemExponentialFailureRateLimiter`):
/// the n-th failure of an item since it was forgotten waits `base × 2ⁿ` (n from 0),
/// at most `max`. Results too large to represent are `max`.
pub struct ItemExponentialFailureRateLimiter<T> {
    base: Duration,
    max: Duration,
    failures: Mutex<HashMap<T, u32>>,
}

impl<T> ItemExponentialFailureRateLimiter<T> {
    /// Backoff starting at `base`, capped at `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> fmt::Debug for ItemExponentialFailureRateLimiter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemExponentialFailureRateLimiter")
            .field("base", &self.base)
            .field("max", &self.max)
            .field("items", &self.failures.lock().len())
            .finish()
    }
}

impl<T> RateLimiter<T> for ItemExponentialFailureRateLimiter<T>
where
    T: Clone + Eq + Hash + Send,
{
    fn when(&self, item: &T) -> Duration {
        let exponent = {
            let mut failures = self.failures.lock();
            let count = failures.entry(item.clone()).or_insert(0);
            let exponent = *count;
            *count = count.saturating_add(1);
            exponent
        };
        exponential(self.base, exponent, self.max)
    }

    fn forget(&self, item: &T) {
        self.failures.lock().remove(item);
    }

    fn num_requeues(&self, item: &T) -> usize {
        self.failures.lock().get(item).map_or(0, |n| *n as usize)
    }
}

/// `base × 2^exponent` capped at `max`; anything beyond 64-bit nanoseconds is `max`.
fn exponential(base: Duration, exponent: u32, max: Duration) -> Duration {
    if base.is_zero() {
        return Duration::ZERO;
    }
    let nanos = 1u128
        .checked_shl(exponent)
        .and_then(|factor| base.as_nanos().checked_mul(factor))
        .filter(|nanos| *nanos <= u128::from(u64::MAX >> 1));
    match nanos.and_then(|nanos| u64::try_from(nanos).ok()) {
        Some(nanos) => Duration::from_nanos(nanos).min(max),
        None => max,
    }
}

/// Per-item two-speed retries (client-go's `TypedItemFastSlowRateLimiter`): the first
/// `max_fast_attempts` failures of an item wait `fast`, later ones `slow`.
pub struct ItemFastSlowRateLimiter<T> {
    fast: Duration,
    slow: Duration,
    max_fast_attempts: usize,
    attempts: Mutex<HashMap<T, usize>>,
}

impl<T> ItemFastSlowRateLimiter<T> {
    /// `max_fast_attempts` retries after `fast`, then retries after `slow`.
    pub fn new(fast: Duration, slow: Duration, max_fast_attempts: usize) -> Self {
        Self {
            fast,
            slow,
            max_fast_attempts,
            attempts: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> fmt::Debug for ItemFastSlowRateLimiter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemFastSlowRateLimiter")
            .field("fast", &self.fast)
            .field("slow", &self.slow)
            .field("max_fast_attempts", &self.max_fast_attempts)
            .field("items", &self.attempts.lock().len())
            .finish()
    }
}

impl<T> RateLimiter<T> for ItemFastSlowRateLimiter<T>
where
    T: Clone + Eq + Hash + Send,
{
    fn when(&self, item: &T) -> Duration {
        let mut attempts = self.attempts.lock();
        let count = attempts.entry(item.clone()).or_insert(0);
        *count = count.saturating_add(1);
        if *count <= self.max_fast_attempts {
            self.fast
        } else {
            self.slow
        }
    }

    fn forget(&self, item: &T) {
        self.attempts.lock().remove(item);
    }

    fn num_requeues(&self, item: &T) -> usize {
        self.attempts.lock().get(item).copied().unwrap_or(0)
    }
}

/// An overall token bucket (client-go's `TypedBucketRateLimiter` over `x/time/rate`):
/// every `when`, whatever the item, reserves one token and returns how long until that
/// token is available.
///
/// The bucket starts full (`burst` tokens) and refills at `qps` tokens per second;
/// reservations in the future still consume, so a burst of failures is spread out at
/// `qps`. It tracks no items: `forget` does nothing and `num_requeues` is 0.
///
/// Degenerate settings: an infinite `qps` never delays; a `qps` of zero (or less, or NaN)
/// hands out the `burst` tokens and then answers [`Duration::MAX`] ("never"), as does a
/// `burst` of zero.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use std::time::Duration;
/// use clientgo_workqueue::{BucketRateLimiter, RateLimiter};
///
/// let bucket = BucketRateLimiter::new(10.0, 2);
/// assert_eq!(bucket.when(&"a"), Duration::ZERO);
/// assert_eq!(bucket.when(&"b"), Duration::ZERO);
/// assert_eq!(bucket.when(&"c"), Duration::from_millis(100));
/// assert_eq!(bucket.when(&"d"), Duration::from_millis(200));
/// # }
/// ```
#[derive(Debug)]
pub struct BucketRateLimiter {
    qps: f64,
    burst: u32,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Available tokens; negative when reservations are outstanding.
    tokens: f64,
    /// When `tokens` was last brought up to date.
    last: Option<Instant>,
}

impl BucketRateLimiter {
    /// A bucket of `burst` tokens refilled at `qps` tokens per second.
    pub fn new(qps: f64, burst: u32) -> Self {
        Self {
            qps,
            burst,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(burst),
                last: None,
            }),
        }
    }

    /// The refill rate, in tokens per second.
    pub fn qps(&self) -> f64 {
        self.qps
    }

    /// The bucket size.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Reserves one token at `now`; returns the wait until it is available.
    fn reserve(&self, now: Instant) -> Duration {
        if self.qps == f64::INFINITY {
            return Duration::ZERO;
        }
        let mut bucket = self.bucket.lock();
        if self.burst == 0 {
            return Duration::MAX;
        }
        if self.qps.is_nan() || self.qps <= 0.0 {
            // No refill: only the initial tokens.
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                return Duration::ZERO;
            }
            return Duration::MAX;
        }
        let elapsed = bucket
            .last
            .map_or(Duration::ZERO, |last| now.saturating_duration_since(last));
        let refilled = bucket.tokens + elapsed.as_secs_f64() * self.qps;
        let tokens = refilled.min(f64::from(self.burst)) - 1.0;
        bucket.tokens = tokens;
        bucket.last = Some(now);
        if tokens >= 0.0 {
            return Duration::ZERO;
        }
        let nanos = (-tokens / self.qps * 1e9).round();
        if nanos.is_finite() && nanos < u64::MAX as f64 {
            Duration::from_nanos(nanos as u64)
        } else {
            Duration::MAX
        }
    }
}

impl<T> RateLimiter<T> for BucketRateLimiter {
    fn when(&self, _item: &T) -> Duration {
        self.reserve(Instant::now())
    }

    fn forget(&self, _item: &T) {}

    fn num_requeues(&self, _item: &T) -> usize {
        0
    }
}

/// The longest delay of several limiters (client-go's `TypedMaxOfRateLimiter`).
///
/// `when` asks **every** limiter (so all of them count the failure) and returns the
/// longest answer; `num_requeues` is the largest count; `forget` reaches every limiter.
/// With no limiters the delay is zero.
pub struct MaxOfRateLimiter<T> {
    limiters: Vec<Box<dyn RateLimiter<T>>>,
}

impl<T> MaxOfRateLimiter<T> {
    /// The maximum of `limiters`.
    pub fn new(limiters: Vec<Box<dyn RateLimiter<T>>>) -> Self {
        Self { limiters }
    }

    /// Adds one more limiter.
    pub fn with(mut self, limiter: impl RateLimiter<T> + 'static) -> Self {
        self.limiters.push(Box::new(limiter));
        self
    }
}

impl<T> fmt::Debug for MaxOfRateLimiter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaxOfRateLimiter")
            .field("limiters", &self.limiters.len())
            .finish()
    }
}

impl<T> RateLimiter<T> for MaxOfRateLimiter<T> {
    fn when(&self, item: &T) -> Duration {
        self.limiters
            .iter()
            .map(|limiter| limiter.when(item))
            .fold(Duration::ZERO, Duration::max)
    }

    fn forget(&self, item: &T) {
        for limiter in &self.limiters {
            limiter.forget(item);
        }
    }

    fn num_requeues(&self, item: &T) -> usize {
        self.limiters
            .iter()
            .map(|limiter| limiter.num_requeues(item))
            .max()
            .unwrap_or(0)
    }
}

/// Caps another limiter's delay (client-go's `TypedWithMaxWaitRateLimiter`).
#[derive(Debug)]
pub struct WithMaxWaitRateLimiter<R> {
    limiter: R,
    max_wait: Duration,
}

impl<R> WithMaxWaitRateLimiter<R> {
    /// `limiter`, but never waiting longer than `max_wait`.
    pub fn new(limiter: R, max_wait: Duration) -> Self {
        Self { limiter, max_wait }
    }
}

impl<T, R: RateLimiter<T>> RateLimiter<T> for WithMaxWaitRateLimiter<R> {
    fn when(&self, item: &T) -> Duration {
        self.limiter.when(item).min(self.max_wait)
    }

    fn forget(&self, item: &T) {
        self.limiter.forget(item);
    }

    fn num_requeues(&self, item: &T) -> usize {
        self.limiter.num_requeues(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn exponential_doubles_per_item_and_forget_resets() {
        let limiter = ItemExponentialFailureRateLimiter::new(MS, Duration::from_secs(1));
        for expected in [1, 2, 4, 8, 16] {
            assert_eq!(limiter.when(&"one"), expected * MS);
        }
        assert_eq!(limiter.num_requeues(&"one"), 5);

        // Another item has its own count.
        assert_eq!(limiter.when(&"two"), MS);
        assert_eq!(limiter.when(&"two"), 2 * MS);
        assert_eq!(limiter.num_requeues(&"two"), 2);

        limiter.forget(&"one");
        assert_eq!(limiter.num_requeues(&"one"), 0);
        assert_eq!(limiter.when(&"one"), MS);
        assert_eq!(
            limiter.num_requeues(&"two"),
            2,
            "forget touches one item only"
        );
    }

    #[test]
    fn exponential_is_capped_at_max() {
        let limiter = ItemExponentialFailureRateLimiter::new(MS, 10 * MS);
        let delays: Vec<_> = (0..6).map(|_| limiter.when(&"x")).collect();
        assert_eq!(delays, [MS, 2 * MS, 4 * MS, 8 * MS, 10 * MS, 10 * MS]);
    }

    #[test]
    fn exponential_overflow_is_max() {
        let max = Duration::from_secs(1000);
        let limiter = ItemExponentialFailureRateLimiter::new(MS, max);
        for _ in 0..5 {
            limiter.when(&"one");
        }
        assert_eq!(limiter.when(&"one"), 32 * MS);
        for _ in 0..1000 {
            limiter.when(&"overflow");
        }
        assert_eq!(limiter.when(&"overflow"), max);

        // A base so large that a few doublings leave 64-bit nanoseconds.
        let hours = Duration::from_secs(3600);
        let limiter = ItemExponentialFailureRateLimiter::new(Duration::from_secs(60), 1000 * hours);
        for _ in 0..2 {
            limiter.when(&"two");
        }
        assert_eq!(limiter.when(&"two"), Duration::from_secs(240));
        for _ in 0..1000 {
            limiter.when(&"overflow");
        }
        assert_eq!(limiter.when(&"overflow"), 1000 * hours);
    }

    #[test]
    fn exponential_helper_edges() {
        let max = Duration::MAX;
        assert_eq!(exponential(MS, 0, max), MS);
        assert_eq!(exponential(MS, 63, max), max, "beyond 64-bit nanoseconds");
        assert_eq!(exponential(MS, 200, max), max);
        assert_eq!(exponential(MS, u32::MAX, max), max);
        assert_eq!(exponential(Duration::ZERO, u32::MAX, max), Duration::ZERO);
        assert_eq!(exponential(Duration::ZERO, 10, max), Duration::ZERO);
        assert_eq!(
            exponential(Duration::from_nanos(1), 62, max),
            Duration::from_nanos(1 << 62)
        );
    }

    #[test]
    fn default_item_based_starts_at_one_millisecond() {
        let limiter = default_item_based_rate_limiter();
        assert_eq!(limiter.when(&1), MS);
        assert_eq!(limiter.when(&1), 2 * MS);
    }

    #[test]
    fn fast_slow_switches_after_the_fast_attempts() {
        let limiter = ItemFastSlowRateLimiter::new(5 * MS, 10 * Duration::from_secs(1), 3);
        let slow = Duration::from_secs(10);
        let delays: Vec<_> = (0..5).map(|_| limiter.when(&"one")).collect();
        assert_eq!(delays, [5 * MS, 5 * MS, 5 * MS, slow, slow]);
        assert_eq!(limiter.num_requeues(&"one"), 5);

        assert_eq!(limiter.when(&"two"), 5 * MS);
        assert_eq!(limiter.when(&"two"), 5 * MS);
        assert_eq!(limiter.num_requeues(&"two"), 2);

        limiter.forget(&"one");
        assert_eq!(limiter.num_requeues(&"one"), 0);
        assert_eq!(limiter.when(&"one"), 5 * MS);
    }

    #[test]
    fn fast_slow_with_no_fast_attempts_is_always_slow() {
        let limiter = ItemFastSlowRateLimiter::new(MS, Duration::from_secs(1), 0);
        assert_eq!(limiter.when(&"x"), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_hands_out_the_burst_then_spreads_at_qps() {
        let bucket = BucketRateLimiter::new(10.0, 100);
        for _ in 0..100 {
            assert_eq!(RateLimiter::<&str>::when(&bucket, &"x"), Duration::ZERO);
        }
        let next: Vec<_> = (0..3).map(|_| bucket.when(&"x")).collect();
        assert_eq!(next, [100 * MS, 200 * MS, 300 * MS]);

        // Time pays the debt back: after 300 ms the bucket is empty again.
        tokio::time::advance(300 * MS).await;
        assert_eq!(bucket.when(&"x"), 100 * MS);

        // A long pause refills up to the burst, not beyond.
        tokio::time::advance(Duration::from_secs(3600)).await;
        for _ in 0..100 {
            assert_eq!(bucket.when(&"x"), Duration::ZERO);
        }
        assert_eq!(bucket.when(&"x"), 100 * MS);
        assert_eq!(RateLimiter::<&str>::num_requeues(&bucket, &"x"), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_refills_fractionally() {
        let bucket = BucketRateLimiter::new(10.0, 1);
        assert_eq!(bucket.when(&()), Duration::ZERO);
        assert_eq!(bucket.when(&()), 100 * MS);
        tokio::time::advance(50 * MS).await;
        // One token owed, half a token refilled, one more reserved: 1.5 tokens short.
        assert_eq!(bucket.when(&()), 150 * MS);
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_degenerate_settings_never_panic() {
        let unlimited = BucketRateLimiter::new(f64::INFINITY, 0);
        for _ in 0..10 {
            assert_eq!(unlimited.when(&()), Duration::ZERO);
        }
        let no_refill = BucketRateLimiter::new(0.0, 2);
        assert_eq!(no_refill.when(&()), Duration::ZERO);
        assert_eq!(no_refill.when(&()), Duration::ZERO);
        assert_eq!(no_refill.when(&()), Duration::MAX);
        let negative = BucketRateLimiter::new(-1.0, 0);
        assert_eq!(negative.when(&()), Duration::MAX);
        let nan = BucketRateLimiter::new(f64::NAN, 1);
        assert_eq!(nan.when(&()), Duration::ZERO);
        assert_eq!(nan.when(&()), Duration::MAX);
        let no_burst = BucketRateLimiter::new(10.0, 0);
        assert_eq!(no_burst.when(&()), Duration::MAX);
        let tiny = BucketRateLimiter::new(1e-300, 1);
        assert_eq!(tiny.when(&()), Duration::ZERO);
        assert_eq!(tiny.when(&()), Duration::MAX);
        assert_eq!(tiny.qps(), 1e-300);
        assert_eq!(tiny.burst(), 1);
    }

    #[test]
    fn max_of_takes_the_longest_and_advances_all() {
        let limiter = MaxOfRateLimiter::new(vec![
            Box::new(ItemFastSlowRateLimiter::new(
                5 * MS,
                3 * Duration::from_secs(1),
                3,
            )),
            Box::new(ItemExponentialFailureRateLimiter::new(
                MS,
                Duration::from_secs(1),
            )),
        ]);
        let delays: Vec<_> = (0..5).map(|_| limiter.when(&"one")).collect();
        let three_s = Duration::from_secs(3);
        assert_eq!(delays, [5 * MS, 5 * MS, 5 * MS, three_s, three_s]);
        assert_eq!(limiter.num_requeues(&"one"), 5);

        assert_eq!(limiter.when(&"two"), 5 * MS);
        assert_eq!(limiter.when(&"two"), 5 * MS);
        assert_eq!(limiter.num_requeues(&"two"), 2);

        limiter.forget(&"one");
        assert_eq!(limiter.num_requeues(&"one"), 0);
        assert_eq!(limiter.when(&"one"), 5 * MS);
    }

    #[test]
    fn max_of_nothing_is_zero() {
        let limiter = MaxOfRateLimiter::<u8>::new(Vec::new());
        assert_eq!(limiter.when(&1), Duration::ZERO);
        assert_eq!(limiter.num_requeues(&1), 0);
        let limiter = limiter.with(ItemFastSlowRateLimiter::new(MS, MS, 1));
        assert_eq!(limiter.when(&1), MS);
    }

    #[tokio::test(start_paused = true)]
    async fn default_controller_limiter_is_exponential_and_bucketed() {
        let limiter = default_controller_rate_limiter::<String>();
        let a = "a".to_owned();
        // Per item: 5 ms, 10 ms, 20 ms ...
        assert_eq!(limiter.when(&a), 5 * MS);
        assert_eq!(limiter.when(&a), 10 * MS);
        assert_eq!(limiter.when(&a), 20 * MS);
        assert_eq!(limiter.num_requeues(&a), 3);
        // Overall: 100 first failures free (3 used above), then 100 ms apart.
        for i in 0..97 {
            assert_eq!(limiter.when(&format!("k{i}")), 5 * MS);
        }
        assert_eq!(limiter.when(&"b".to_owned()), 100 * MS);
        assert_eq!(limiter.when(&"c".to_owned()), 200 * MS);
        limiter.forget(&a);
        assert_eq!(limiter.num_requeues(&a), 0);
        // The exponential backoff eventually dominates, capped at 1000 s.
        let d = "d".to_owned();
        for _ in 0..40 {
            limiter.when(&d);
        }
        assert_eq!(limiter.when(&d), Duration::from_secs(1000));
    }

    #[test]
    fn with_max_wait_caps_the_delay() {
        let limiter = WithMaxWaitRateLimiter::new(
            ItemExponentialFailureRateLimiter::new(MS, Duration::from_secs(1000)),
            500 * MS,
        );
        let delays: Vec<_> = (0..12).map(|_| limiter.when(&"x")).collect();
        assert_eq!(delays[8], 256 * MS);
        assert_eq!(delays[9], 500 * MS);
        assert_eq!(delays[11], 500 * MS);
        assert_eq!(limiter.num_requeues(&"x"), 12);
        limiter.forget(&"x");
        assert_eq!(limiter.when(&"x"), MS);
    }

    #[test]
    fn shared_limiters_work_through_arc_and_box() {
        let shared = Arc::new(ItemExponentialFailureRateLimiter::new(
            MS,
            Duration::from_secs(1),
        ));
        let boxed: Box<dyn RateLimiter<&str>> = Box::new(shared.clone());
        assert_eq!(boxed.when(&"x"), MS);
        assert_eq!(shared.when(&"x"), 2 * MS);
        assert_eq!(boxed.num_requeues(&"x"), 2);
        boxed.forget(&"x");
        assert_eq!(shared.num_requeues(&"x"), 0);
    }
}
