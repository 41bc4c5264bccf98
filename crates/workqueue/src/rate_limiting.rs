//! A delaying queue whose delays come from a rate limiter (client-go's
//! `RateLimitingInterface`), the queue controllers use.
//!
//! When processing an item fails, [`add_rate_limited`](RateLimitingQueue::add_rate_limited)
//! puts it back after the delay its [`RateLimiter`] decides (growing with every failure);
//! when it succeeds, [`forget`](RateLimitingQueue::forget) resets that backoff.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! use clientgo_workqueue::{RateLimitingQueue, QueueConfig, default_controller_rate_limiter};
//!
//! let queue = RateLimitingQueue::with_config(
//!     default_controller_rate_limiter(),
//!     QueueConfig::new().name("deployments"),
//! );
//! queue.add("default/web".to_owned());
//!
//! let key = queue.get().await.unwrap();
//! // Processing failed: retry later (5 ms, then 10 ms, 20 ms, ...).
//! queue.add_rate_limited(key.clone());
//! queue.done(&key);
//! assert_eq!(queue.num_requeues(&key), 1);
//!
//! let key = queue.get().await.unwrap(); // after 5 ms
//! // Processing succeeded: reset the backoff.
//! queue.forget(&key);
//! queue.done(&key);
//! assert_eq!(queue.num_requeues(&key), 0);
//! # }
//! ```

use std::fmt;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use crate::delaying::DelayingQueue;
use crate::queue::{Queue, QueueConfig};
use crate::rate_limiters::RateLimiter;

/// A [`DelayingQueue`] with rate-limited re-adds. See the [module documentation](self).
///
/// A cheap handle: clones share the same queue and limiter.
pub struct RateLimitingQueue<T> {
    delaying: DelayingQueue<T>,
    limiter: Arc<dyn RateLimiter<T>>,
}

impl<T> Clone for RateLimitingQueue<T> {
    fn clone(&self) -> Self {
        Self {
            delaying: self.delaying.clone(),
            limiter: self.limiter.clone(),
        }
    }
}

impl<T> fmt::Debug for RateLimitingQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitingQueue")
            .field("delaying", &self.delaying)
            .finish_non_exhaustive()
    }
}

impl<T> RateLimitingQueue<T>
where
    T: Clone + Eq + Hash + Send + Sync + 'static,
{
    /// An unnamed queue without metrics, retrying after `limiter`'s delays (client-go's
    /// `NewTypedRateLimitingQueue`).
    pub fn new(limiter: impl RateLimiter<T> + 'static) -> Self {
        Self::with_config(limiter, QueueConfig::new())
    }

    /// A queue with `config`, retrying after `limiter`'s delays (client-go's
    /// `NewTypedRateLimitingQueueWithConfig`).
    pub fn with_config(limiter: impl RateLimiter<T> + 'static, config: QueueConfig) -> Self {
        Self::from_delaying(limiter, DelayingQueue::with_config(config))
    }

    /// Rate-limited re-adds on top of an existing delaying queue (client-go's
    /// `RateLimitingQueueConfig.DelayingQueue`).
    pub fn from_delaying(
        limiter: impl RateLimiter<T> + 'static,
        delaying: DelayingQueue<T>,
    ) -> Self {
        Self {
            delaying,
            limiter: Arc::new(limiter),
        }
    }

    /// Adds `item` again once the rate limiter allows: after
    /// [`RateLimiter::when`], which counts one more failure of `item`. Ignored (beyond
    /// that count) after shutdown.
    pub fn add_rate_limited(&self, item: T) {
        let delay = self.limiter.when(&item);
        self.delaying.add_after(item, delay);
    }

    /// Ends the backoff of `item`: call it when the item was processed successfully, or
    /// its next failure waits longer still. The item itself stays wherever it is (a
    /// pending rate-limited add still happens).
    pub fn forget(&self, item: &T) {
        self.limiter.forget(item);
    }

    /// How many times `item` was re-added with backoff since it was last forgotten.
    pub fn num_requeues(&self, item: &T) -> usize {
        self.limiter.num_requeues(item)
    }

    /// Adds `item` once `delay` has passed. See [`DelayingQueue::add_after`].
    pub fn add_after(&self, item: T, delay: Duration) {
        self.delaying.add_after(item, delay);
    }

    /// Adds `item` now. See [`Queue::add`].
    pub fn add(&self, item: T) {
        self.delaying.add(item);
    }

    /// Waits for the next item. See [`Queue::get`].
    pub async fn get(&self) -> Option<T> {
        self.delaying.get().await
    }

    /// Marks `item` as processed. See [`Queue::done`].
    pub fn done(&self, item: &T) {
        self.delaying.done(item);
    }

    /// Number of queued items; items waiting for their delay are not counted.
    pub fn len(&self) -> usize {
        self.delaying.len()
    }

    /// Whether no item is queued (waiting items are not counted).
    pub fn is_empty(&self) -> bool {
        self.delaying.is_empty()
    }

    /// Shuts the queue down. See [`DelayingQueue::shut_down`].
    pub fn shut_down(&self) {
        self.delaying.shut_down();
    }

    /// Shuts down and waits for items being processed. See
    /// [`DelayingQueue::shut_down_with_drain`].
    pub async fn shut_down_with_drain(&self) {
        self.delaying.shut_down_with_drain().await;
    }

    /// Whether the queue was shut down.
    pub fn shutting_down(&self) -> bool {
        self.delaying.shutting_down()
    }

    /// The underlying delaying queue.
    pub fn delaying_queue(&self) -> &DelayingQueue<T> {
        &self.delaying
    }

    /// The underlying queue.
    pub fn queue(&self) -> &Queue<T> {
        self.delaying.queue()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limiters::ItemExponentialFailureRateLimiter;

    const MS: Duration = Duration::from_millis(1);

    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn add_rate_limited_waits_as_the_limiter_says() {
        let queue = RateLimitingQueue::new(ItemExponentialFailureRateLimiter::new(
            MS,
            Duration::from_secs(1),
        ));

        queue.add_rate_limited("one");
        assert_eq!(queue.len(), 0, "waits 1 ms");
        tokio::time::sleep(MS).await;
        settle().await;
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.num_requeues(&"one"), 1);

        let item = queue.get().await.unwrap();
        queue.add_rate_limited(item);
        queue.done(&item);
        tokio::time::sleep(MS).await;
        settle().await;
        assert_eq!(queue.len(), 0, "second failure waits 2 ms");
        tokio::time::sleep(MS).await;
        settle().await;
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.num_requeues(&"one"), 2);

        queue.forget(&"one");
        assert_eq!(queue.num_requeues(&"one"), 0);
        let item = queue.get().await.unwrap();
        queue.add_rate_limited(item);
        queue.done(&item);
        tokio::time::sleep(MS).await;
        settle().await;
        assert_eq!(
            queue.len(),
            1,
            "after forget the backoff starts over at 1 ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn limiter_counts_even_after_shut_down_but_nothing_is_added() {
        let queue = RateLimitingQueue::new(ItemExponentialFailureRateLimiter::new(
            MS,
            Duration::from_secs(1),
        ));
        queue.shut_down();
        queue.add_rate_limited("one");
        tokio::time::sleep(10 * MS).await;
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.get().await, None);
        assert!(queue.shutting_down());
    }

    #[tokio::test(start_paused = true)]
    async fn from_delaying_shares_the_queue() {
        let delaying = DelayingQueue::new();
        let queue = RateLimitingQueue::from_delaying(
            ItemExponentialFailureRateLimiter::new(MS, Duration::from_secs(1)),
            delaying.clone(),
        );
        queue.add("a");
        queue.add_after("b", Duration::ZERO);
        assert_eq!(delaying.len(), 2);
        assert_eq!(queue.queue().len(), 2);
        assert_eq!(queue.delaying_queue().len(), 2);
        queue.shut_down_with_drain().await;
        assert!(delaying.shutting_down());
    }
}
