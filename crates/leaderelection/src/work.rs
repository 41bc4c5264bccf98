//! [`Work`]: the work of one leadership term, the future `on_started_leading` returned,
//! run as its own task.
//!
//! Rules:
//! - The work gets a token that is cancelled when the term ends.
//! - Stopping cancels the token and waits for the task, at most the grace period.
//! - A work still running after the grace period is aborted (dropped at its next
//!   `.await`) and not waited for any longer; stopping then reports it as unfinished.
//! - A work that panicked has finished (the panic is logged).

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::StartedFn;

/// The running work of a term.
#[derive(Debug)]
pub(crate) struct Work {
    token: CancellationToken,
    task: JoinHandle<()>,
}

impl Work {
    /// Spawns `started(token)`.
    pub(crate) fn start(started: &StartedFn, token: CancellationToken) -> Self {
        let task = tokio::spawn(started(token.clone()));
        Self { token, task }
    }

    /// The token handed to the work.
    pub(crate) fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// Cancels the token and waits up to `grace` for the work to return; true when it
    /// did, false when it had to be aborted.
    pub(crate) async fn stop(mut self, grace: Duration) -> bool {
        self.token.cancel();
        match tokio::time::timeout(grace, &mut self.task).await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                tracing::error!(%error, "the leader's work panicked");
                true
            }
            Err(_) => {
                tracing::warn!(
                    ?grace,
                    "the leader's work did not stop within the grace period: aborted"
                );
                self.task.abort();
                false
            }
        }
    }
}
