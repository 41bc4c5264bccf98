//! Expansions of the `core/v1` listers.

use std::sync::Arc;

use clientgo_api::core::v1::{Pod, ReplicationController};
use clientgo_apimachinery::labels::Selector;

use super::select::{Search, matching};
use crate::{Error, Lister};

impl Lister<ReplicationController> {
    /// The ReplicationControllers of the pod's namespace whose selector matches its
    /// labels.
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a pod without labels, [`Error::NoMatch`] when none matches.
    pub fn get_pod_controllers(&self, pod: &Pod) -> Result<Vec<Arc<ReplicationController>>, Error> {
        let search = Search {
            plural: "controllers",
            singular: "controller",
            kind: "pod",
            require_labels: true,
            empty_matches_all: false,
        };
        matching(self, &pod.metadata, &search, |rc| {
            // A map selector, taken as is (client-go's `AsSelectorPreValidated`).
            Ok(rc
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .map_or_else(Selector::everything, Selector::from_set))
        })
    }
}
