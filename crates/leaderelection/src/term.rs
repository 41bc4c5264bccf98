//! [`Term`]: how long the current leadership of this candidate lasts, by the local
//! monotonic clock only.
//!
//! Rules:
//! - A term begins with the write that acquired the lock, dated by the instant that
//!   attempt *started*: the server cannot have stored the record earlier, so no other
//!   candidate can have seen it, and started waiting out the lease, earlier.
//! - Each successful renewal moves that date to the instant the renewal started.
//! - The term is over once `renew_deadline` has passed since that date, or when the
//!   elector ends it (another holder seen, election cancelled).
//! - Over is final: a renewal that completes after the deadline (the process was paused
//!   or stalled while it was in flight) does not revive the term. Only the next
//!   acquisition begins a new one.

use std::time::Duration;

use tokio::time::Instant;

/// The leadership term of one elector.
#[derive(Debug)]
pub(crate) struct Term {
    renew_deadline: Duration,
    /// When the last successful write of this term started; `None`: no term.
    renewed: Option<Instant>,
}

impl Term {
    /// No term yet; terms will last `renew_deadline` past each renewal.
    pub(crate) fn new(renew_deadline: Duration) -> Self {
        Self {
            renew_deadline,
            renewed: None,
        }
    }

    /// The lock was acquired by an attempt that started at `started`: a new term.
    pub(crate) fn begin(&mut self, started: Instant) {
        self.renewed = Some(started);
    }

    /// A renewal that started at `started` succeeded at `now`: extends the term unless
    /// it was already over by then.
    pub(crate) fn renewed(&mut self, started: Instant, now: Instant) {
        if self.deadline(now).is_some() {
            self.renewed = self.renewed.map(|renewed| renewed.max(started));
        }
    }

    /// When the term ends unless renewed before; `None` when it is over at `now` (and
    /// from then on).
    pub(crate) fn deadline(&mut self, now: Instant) -> Option<Instant> {
        let deadline = self.renewed? + self.renew_deadline;
        if now < deadline {
            Some(deadline)
        } else {
            self.renewed = None;
            None
        }
    }

    /// Ends the term.
    pub(crate) fn end(&mut self) {
        self.renewed = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINE: Duration = Duration::from_secs(10);

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn lasts_the_renew_deadline_from_the_start_of_the_last_renewal() {
        let t0 = Instant::now();
        let mut term = Term::new(DEADLINE);
        assert_eq!(term.deadline(t0), None, "no term before acquiring");
        term.renewed(t0, t0);
        assert_eq!(term.deadline(t0), None, "a renewal does not begin a term");
        term.begin(t0);
        assert_eq!(term.deadline(t0 + secs(9)), Some(t0 + DEADLINE));
        // A renewal that started at 8 s and took 1.5 s: the deadline counts from 8 s.
        term.renewed(t0 + secs(8), t0 + secs(9) + Duration::from_millis(500));
        assert_eq!(term.deadline(t0 + secs(17)), Some(t0 + secs(18)));
        assert_eq!(term.deadline(t0 + secs(18)), None);
    }

    #[test]
    fn is_over_for_good_once_the_deadline_passed() {
        let t0 = Instant::now();
        let mut term = Term::new(DEADLINE);
        term.begin(t0);
        // A renewal sent at 9 s completes at 25 s (a pause in between): too late.
        term.renewed(t0 + secs(9), t0 + secs(25));
        assert_eq!(term.deadline(t0 + secs(25)), None);
        // Noticed by a check: later renewals do not revive it either.
        term.begin(t0);
        assert_eq!(term.deadline(t0 + secs(11)), None);
        term.renewed(t0 + secs(12), t0 + secs(12));
        assert_eq!(term.deadline(t0 + secs(12)), None);
    }

    #[test]
    fn ends_when_ended() {
        let t0 = Instant::now();
        let mut term = Term::new(DEADLINE);
        term.begin(t0);
        term.end();
        assert_eq!(term.deadline(t0), None);
        term.renewed(t0, t0);
        assert_eq!(term.deadline(t0), None);
    }
}
