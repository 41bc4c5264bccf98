//! Client-side rate limiting (client-go's `flowcontrol` token bucket).

use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Decides how long a request waits before it is sent.
pub trait RateLimiter: Send + Sync {
    /// Takes one token, returning how long the caller must wait before using it.
    fn reserve(&self) -> Duration;
}

/// A token bucket: `qps` tokens a second, at most `burst` saved up (client-go's default
/// limiter, 5 qps and burst 10).
///
/// ```
/// use clientgo_rest::{RateLimiter, TokenBucket};
/// use std::time::Duration;
///
/// let bucket = TokenBucket::new(1.0, 2);
/// assert_eq!(bucket.reserve(), Duration::ZERO);
/// assert_eq!(bucket.reserve(), Duration::ZERO);
/// assert!(bucket.reserve() > Duration::from_millis(900)); // the third waits ~1 s
/// ```
#[derive(Debug)]
pub struct TokenBucket {
    qps: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Tokens available at `updated`; negative when requests already wait.
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket refilled at `qps` a second, holding at most `burst` (at least 1).
    pub fn new(qps: f32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            qps: f64::from(qps).max(f64::MIN_POSITIVE),
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                updated: Instant::now(),
            }),
        }
    }
}

impl RateLimiter for TokenBucket {
    fn reserve(&self) -> Duration {
        let mut state = self.state.lock();
        let now = Instant::now();
        let refill = now.duration_since(state.updated).as_secs_f64() * self.qps;
        state.tokens = (state.tokens + refill).min(self.burst) - 1.0;
        state.updated = now;
        if state.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-state.tokens / self.qps)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_requests_are_spaced_at_qps() {
        let bucket = TokenBucket::new(10.0, 3);
        for _ in 0..3 {
            assert_eq!(bucket.reserve(), Duration::ZERO);
        }
        let waits: Vec<Duration> = (0..3).map(|_| bucket.reserve()).collect();
        for (i, wait) in waits.iter().enumerate() {
            let expected = 0.1 * (i + 1) as f64;
            assert!(
                (wait.as_secs_f64() - expected).abs() < 0.02,
                "wait {i}: {wait:?}"
            );
        }
    }

    #[test]
    fn a_zero_burst_still_lets_one_request_through() {
        let bucket = TokenBucket::new(1.0, 0);
        assert_eq!(bucket.reserve(), Duration::ZERO);
        assert!(bucket.reserve() > Duration::ZERO);
    }
}
