//! The exponential backoff between list/watch attempts.

use std::time::Duration;

use tokio::time::Instant;

/// Backoff settings (client-go's reflector defaults in [`Default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackoffConfig {
    /// The first delay (800 ms).
    pub initial: Duration,
    /// The growth factor per step (2.0).
    pub factor: f64,
    /// Each delay `d` is drawn uniformly from `[d, d + jitter·d)` (jitter 1.0).
    pub jitter: f64,
    /// The largest delay before jitter (30 s).
    pub cap: Duration,
    /// Back to `initial` when this long has passed since the last reset (2 min).
    pub reset_after: Duration,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(800),
            factor: 2.0,
            jitter: 1.0,
            cap: Duration::from_secs(30),
            reset_after: Duration::from_secs(120),
        }
    }
}

/// The running state of a [`BackoffConfig`].
#[derive(Debug, Clone)]
pub struct Backoff {
    config: BackoffConfig,
    current: Duration,
    last_reset: Instant,
}

impl Backoff {
    /// A fresh backoff.
    pub fn new(config: BackoffConfig) -> Self {
        Self {
            config,
            current: config.initial,
            last_reset: Instant::now(),
        }
    }

    /// The next delay.
    pub fn next_delay(&mut self) -> Duration {
        let now = Instant::now();
        if now.duration_since(self.last_reset) > self.config.reset_after {
            self.current = self.config.initial;
            self.last_reset = now;
        }
        let base = self.current;
        self.current = base
            .mul_f64(self.config.factor.max(1.0))
            .min(self.config.cap);
        if self.config.jitter > 0.0 {
            base + base.mul_f64(self.config.jitter * fastrand::f64())
        } else {
            base
        }
    }

    /// Sleeps for the next delay, or until `cancel` fires (then returns false).
    pub async fn wait(&mut self, cancel: &tokio_util::sync::CancellationToken) -> bool {
        let delay = self.next_delay();
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = cancel.cancelled() => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn delays_grow_with_jitter_up_to_the_cap_and_reset() {
        let mut b = Backoff::new(BackoffConfig::default());
        let mut base = Duration::from_millis(800);
        for _ in 0..10 {
            let d = b.next_delay();
            assert!(
                d >= base && d < base * 2,
                "{d:?} not in [{base:?}, 2·{base:?})"
            );
            base = (base * 2).min(Duration::from_secs(30));
        }
        tokio::time::advance(Duration::from_secs(121)).await;
        let d = b.next_delay();
        assert!(d < Duration::from_millis(1600), "reset after 2 min: {d:?}");
    }
}
