//! Settings shared by the factories: namespace, list-options tweak, transform.

use std::sync::Arc;

use clientgo_apimachinery::Metadata;
use clientgo_apimachinery::meta::ListOptions;
use clientgo_cache::TweakListOptions;

/// A transform applied by a factory to every object of every informer it creates,
/// before the object is stored (e.g. to drop `managedFields`).
pub type MetadataTransform = Arc<dyn Fn(&mut dyn Metadata) -> Result<(), String> + Send + Sync>;

/// The settings every factory has.
#[derive(Clone, Default)]
pub(crate) struct CommonOptions {
    /// `""`: every namespace.
    pub(crate) namespace: String,
    pub(crate) tweak: Option<TweakListOptions>,
    pub(crate) transform: Option<MetadataTransform>,
}

impl CommonOptions {
    /// The tweak as a plain closure for [`clientgo_cache::ListWatch::with_tweak`].
    pub(crate) fn tweak_fn(&self) -> impl Fn(&mut ListOptions) + Send + Sync + 'static {
        let tweak = self.tweak.clone();
        move |options: &mut ListOptions| {
            if let Some(tweak) = &tweak {
                tweak(options);
            }
        }
    }

    /// Installs the transform (if any) on a new, unstarted informer.
    pub(crate) fn install_transform<K>(&self, informer: &clientgo_cache::SharedIndexInformer<K>)
    where
        K: clientgo_cache::CacheObject + serde::de::DeserializeOwned + Metadata,
    {
        if let Some(transform) = self.transform.clone() {
            let result = informer.set_transform(move |mut object: K| {
                transform(&mut object)?;
                Ok(object)
            });
            if let Err(error) = result {
                tracing::warn!(%error, "could not install the factory transform");
            }
        }
    }
}
