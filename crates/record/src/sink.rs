//! [`EventSink`]: where core/v1 events are written, and [`ClientsetEventSink`], the
//! sink writing through the typed clientset.

use clientgo_api::core::v1::Event;
use clientgo_apimachinery::meta::{CreateOptions, PatchOptions, UpdateOptions};
use clientgo_apimachinery::patch::PatchType;
use clientgo_kubernetes::Clientset;
use futures_util::future::BoxFuture;

/// Writes core/v1 events (client-go's `EventSink`).
pub trait EventSink: Send + Sync {
    /// Creates `event`.
    fn create<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, clientgo_rest::Result<Event>>;
    /// Replaces `event`.
    fn update<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, clientgo_rest::Result<Event>>;
    /// Applies the strategic merge patch `patch` to the existing event named like
    /// `event`.
    fn patch<'a>(
        &'a self,
        event: &'a Event,
        patch: &'a [u8],
    ) -> BoxFuture<'a, clientgo_rest::Result<Event>>;
}

/// The sink writing events through a [`Clientset`], each into its own namespace
/// (client-go's `EventSinkImpl`).
#[derive(Debug, Clone)]
pub struct ClientsetEventSink {
    clientset: Clientset,
}

impl ClientsetEventSink {
    /// A sink over `clientset`.
    pub fn new(clientset: Clientset) -> Self {
        Self { clientset }
    }

    fn events(&self, event: &Event) -> clientgo_kubernetes::Client<Event> {
        let namespace = event.metadata.namespace.as_deref().unwrap_or_default();
        self.clientset.core_v1().events(namespace)
    }
}

impl EventSink for ClientsetEventSink {
    fn create<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, clientgo_rest::Result<Event>> {
        Box::pin(async move {
            self.events(event)
                .create(event, &CreateOptions::default())
                .await
        })
    }

    fn update<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, clientgo_rest::Result<Event>> {
        Box::pin(async move {
            self.events(event)
                .update(event, &UpdateOptions::default())
                .await
        })
    }

    fn patch<'a>(
        &'a self,
        event: &'a Event,
        patch: &'a [u8],
    ) -> BoxFuture<'a, clientgo_rest::Result<Event>> {
        Box::pin(async move {
            let name = event.metadata.name.as_deref().unwrap_or_default();
            self.events(event)
                .patch(
                    name,
                    PatchType::StrategicMerge,
                    patch,
                    &PatchOptions::default(),
                )
                .await
        })
    }
}
