//! The in-process fan-out under both broadcasters: a bounded intake (full: the event is
//! dropped, never blocking the caller), one task distributing events to every watcher,
//! and a shutdown that lets watchers drain what was queued and awaits every task.

use std::future::Future;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Capacity of each watcher's channel (client-go's watch queue length).
pub(crate) const WATCHER_QUEUE: usize = 1000;

/// The sending side recorders hold.
#[derive(Debug)]
pub(crate) struct Intake<E> {
    sender: mpsc::Sender<E>,
}

impl<E> Clone for Intake<E> {
    fn clone(&self) -> Self {
        Self {
            sender: self.sender.clone(),
        }
    }
}

impl<E> Intake<E> {
    /// Queues `event` without waiting; drops it when the queue is full or shut down.
    pub(crate) fn send(&self, event: E) {
        match self.sender.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::error!("too many queued events, dropping an event");
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::debug!("event broadcaster is shut down, dropping an event");
            }
        }
    }
}

/// The fan-out: intake, distributor task and watcher tasks.
#[derive(Debug)]
pub(crate) struct Fanout<E> {
    intake: Intake<E>,
    watchers: Arc<Mutex<Vec<mpsc::Sender<E>>>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    shutdown: CancellationToken,
}

impl<E: Clone + Send + 'static> Fanout<E> {
    /// Starts the distributor (on the current Tokio runtime) with an intake of
    /// `capacity` events.
    pub(crate) fn new(capacity: usize) -> Self {
        let (sender, mut receiver) = mpsc::channel::<E>(capacity.max(1));
        let watchers: Arc<Mutex<Vec<mpsc::Sender<E>>>> = Arc::default();
        let shutdown = CancellationToken::new();
        let distributor = tokio::spawn({
            let (watchers, shutdown) = (watchers.clone(), shutdown.clone());
            async move {
                loop {
                    tokio::select! {
                        biased;
                        event = receiver.recv() => match event {
                            Some(event) => distribute(&watchers, event).await,
                            None => break,
                        },
                        () = shutdown.cancelled() => {
                            receiver.close();
                            while let Some(event) = receiver.recv().await {
                                distribute(&watchers, event).await;
                            }
                            break;
                        }
                    }
                }
                // Closing the watcher channels ends the watchers once drained.
                watchers.lock().clear();
            }
        });
        Self {
            intake: Intake { sender },
            watchers,
            tasks: Mutex::new(vec![distributor]),
            shutdown,
        }
    }

    /// A handle to queue events.
    pub(crate) fn intake(&self) -> Intake<E> {
        self.intake.clone()
    }

    /// The token cancelled on shutdown (watchers stop retrying when it fires).
    pub(crate) fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Adds a watcher: `run` receives every event queued from now on, and ends when
    /// its receiver yields `None` (after shutdown, once drained).
    pub(crate) fn add_watcher<F, Fut>(&self, run: F)
    where
        F: FnOnce(mpsc::Receiver<E>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (sender, receiver) = mpsc::channel(WATCHER_QUEUE);
        if self.shutdown.is_cancelled() {
            return;
        }
        self.watchers.lock().push(sender);
        let task = tokio::spawn(run(receiver));
        self.tasks.lock().push(task);
    }

    /// Stops accepting events, lets the watchers finish what was queued (retries are
    /// abandoned: watchers see the shutdown token), and waits for every task.
    pub(crate) async fn shutdown(&self) {
        self.shutdown.cancel();
        let tasks: Vec<_> = self.tasks.lock().drain(..).collect();
        for task in tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "event broadcaster task failed");
            }
        }
    }
}

impl<E> Drop for Fanout<E> {
    fn drop(&mut self) {
        // The tasks end on their own once the token fires.
        self.shutdown.cancel();
    }
}

/// Hands `event` to every watcher, waiting while a watcher's queue is full.
async fn distribute<E: Clone>(watchers: &Mutex<Vec<mpsc::Sender<E>>>, event: E) {
    let targets: Vec<_> = watchers.lock().clone();
    for target in targets {
        let _ = target.send(event.clone()).await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn watchers_drain_and_end_on_shutdown() {
        let fanout = Fanout::<u32>::new(10);
        let seen = Arc::new(Mutex::new(Vec::new()));
        for _ in 0..2 {
            let seen = seen.clone();
            fanout.add_watcher(move |mut events| async move {
                while let Some(event) = events.recv().await {
                    seen.lock().push(event);
                }
            });
        }
        let intake = fanout.intake();
        for n in 0..5 {
            intake.send(n);
        }
        fanout.shutdown().await;
        assert_eq!(seen.lock().len(), 10);
        intake.send(99); // after shutdown: dropped quietly
        assert_eq!(seen.lock().len(), 10);
    }

    #[tokio::test]
    async fn a_full_intake_drops_events() {
        let fanout = Fanout::<u32>::new(2);
        // Fill the intake before the distributor runs (current-thread runtime).
        let intake = fanout.intake();
        for n in 0..5 {
            intake.send(n);
        }
        let seen = Arc::new(Mutex::new(0));
        let counter = seen.clone();
        fanout.add_watcher(move |mut events| async move {
            while events.recv().await.is_some() {
                *counter.lock() += 1;
            }
        });
        fanout.shutdown().await;
        assert!(*seen.lock() <= 2);
    }
}
