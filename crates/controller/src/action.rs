//! [`Action`]: what a successful reconcile asks for next.

use std::time::Duration;

/// What to do after a successful reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Action {
    requeue_after: Option<Duration>,
}

impl Action {
    /// Nothing until the next event.
    pub fn done() -> Self {
        Self::default()
    }

    /// Reconcile again after `delay` (events may bring it earlier).
    pub fn requeue_after(delay: Duration) -> Self {
        Self {
            requeue_after: Some(delay),
        }
    }

    /// The delay of a requeue, if one was asked for.
    pub fn requeue_delay(&self) -> Option<Duration> {
        self.requeue_after
    }
}
