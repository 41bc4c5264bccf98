//! One handler's buffer and task (client-go's `processorListener`), and the processor
//! distributing notifications to all of them.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::HandlerPanicPolicy;
use super::handler::ResourceEventHandler;
use crate::keys::DeletedObject;

/// A notification for a handler.
pub(crate) enum Notification<K> {
    Add(Arc<K>, bool),
    Update(Arc<K>, Arc<K>),
    Delete(DeletedObject<K>),
}

impl<K> Clone for Notification<K> {
    fn clone(&self) -> Self {
        match self {
            Self::Add(o, i) => Self::Add(Arc::clone(o), *i),
            Self::Update(a, b) => Self::Update(Arc::clone(a), Arc::clone(b)),
            Self::Delete(d) => Self::Delete(d.clone()),
        }
    }
}

/// Where a handler panic is reported when the policy is to propagate it.
pub(crate) type PanicSink = Arc<dyn Fn(String) + Send + Sync>;

pub(crate) struct Listener<K> {
    pub(crate) id: u64,
    handler: Arc<dyn ResourceEventHandler<K>>,
    sender: Option<mpsc::UnboundedSender<Notification<K>>>,
    receiver: Option<mpsc::UnboundedReceiver<Notification<K>>>,
    /// Initial-list adds queued but not yet handled.
    pub(crate) pending_initial: Arc<AtomicI64>,
    pub(crate) requested_resync: Duration,
    pub(crate) resync_period: Duration,
    next_resync: Instant,
    syncing: bool,
    task: Option<JoinHandle<()>>,
}

impl<K> Listener<K> {
    /// Closes the input; the task drains what is buffered and ends.
    pub(crate) fn close(&mut self) -> Option<JoinHandle<()>> {
        self.sender = None;
        self.receiver = None;
        self.task.take()
    }
}

impl<K: Send + Sync + 'static> Listener<K> {
    pub(crate) fn new(
        id: u64,
        handler: Arc<dyn ResourceEventHandler<K>>,
        requested: Duration,
        period: Duration,
    ) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        Self {
            id,
            handler,
            sender: Some(sender),
            receiver: Some(receiver),
            pending_initial: Arc::new(AtomicI64::new(0)),
            requested_resync: requested,
            resync_period: period,
            next_resync: Instant::now() + period,
            syncing: false,
            task: None,
        }
    }

    /// Queues a notification (never blocks: the buffer grows).
    pub(crate) fn push(&self, n: Notification<K>) {
        let Some(sender) = &self.sender else { return };
        if let Notification::Add(_, true) = n {
            self.pending_initial.fetch_add(1, Ordering::SeqCst);
        }
        if sender.send(n).is_err() {
            tracing::debug!(
                listener = self.id,
                "listener is gone; dropping a notification"
            );
        }
    }

    /// Starts the task calling the handler (once).
    pub(crate) fn start(
        &mut self,
        runtime: &tokio::runtime::Handle,
        policy: HandlerPanicPolicy,
        on_panic: PanicSink,
    ) {
        let Some(mut receiver) = self.receiver.take() else {
            return;
        };
        let handler = Arc::clone(&self.handler);
        let pending = Arc::clone(&self.pending_initial);
        let id = self.id;
        self.task = Some(runtime.spawn(async move {
            let mut long_backlog_warned = false;
            while let Some(n) = receiver.recv().await {
                let initial = matches!(n, Notification::Add(_, true));
                let started = std::time::Instant::now();
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| match &n {
                    Notification::Add(o, i) => handler.on_add(o, *i),
                    Notification::Update(a, b) => handler.on_update(a, b),
                    Notification::Delete(d) => handler.on_delete(d),
                }));
                if initial {
                    pending.fetch_sub(1, Ordering::SeqCst);
                }
                let backlog = receiver.len();
                if backlog > 1024 && started.elapsed() > Duration::from_millis(100) && !long_backlog_warned {
                    long_backlog_warned = true;
                    tracing::info!(listener = id, backlog, elapsed = ?started.elapsed(), "slow event handler with a large backlog");
                }
                if let Err(panic) = outcome {
                    let message = panic_message(panic.as_ref());
                    tracing::error!(listener = id, %message, "event handler panicked");
                    match policy {
                        HandlerPanicPolicy::Propagate => {
                            on_panic(message);
                            break;
                        }
                        HandlerPanicPolicy::Skip => tokio::time::sleep(Duration::from_secs(1)).await,
                    }
                }
            }
        }));
    }

    fn is_due(&mut self, now: Instant) -> bool {
        if self.resync_period.is_zero() {
            self.syncing = false;
            return false;
        }
        self.syncing = now >= self.next_resync;
        if self.syncing {
            self.next_resync = now + self.resync_period;
        }
        self.syncing
    }

    /// Sets the effective resync period from the informer's check period.
    pub(crate) fn set_resync_period(&mut self, check_period: Duration) {
        self.resync_period = effective_resync(self.requested_resync, check_period);
        self.next_resync = Instant::now() + self.resync_period;
    }
}

pub(crate) fn effective_resync(requested: Duration, check_period: Duration) -> Duration {
    if requested.is_zero() {
        return Duration::ZERO;
    }
    if check_period.is_zero() {
        tracing::warn!(
            "the informer's resync check period is 0; the handler's resync period is ignored"
        );
        return Duration::ZERO;
    }
    requested.max(check_period)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Every listener of an informer.
pub(crate) struct Processor<K> {
    pub(crate) listeners: Vec<Listener<K>>,
    pub(crate) runtime: Option<tokio::runtime::Handle>,
}

impl<K: Send + Sync + 'static> Processor<K> {
    pub(crate) fn new() -> Self {
        Self {
            listeners: Vec::new(),
            runtime: None,
        }
    }

    /// Sends `n` to every listener, or with `sync` only to those due for a resync.
    pub(crate) fn distribute(&self, n: &Notification<K>, sync: bool) {
        for l in &self.listeners {
            if !sync || l.syncing {
                l.push(n.clone());
            }
        }
    }

    /// Marks the listeners due for a resync; true if any is.
    pub(crate) fn should_resync(&mut self) -> bool {
        let now = Instant::now();
        let mut any = false;
        for l in &mut self.listeners {
            any |= l.is_due(now);
        }
        any
    }
}
