//! Expansions of the `policy/v1` listers.

use std::sync::Arc;

use clientgo_api::core::v1::Pod;
use clientgo_api::policy::v1::PodDisruptionBudget;
use clientgo_apimachinery::meta::label_selector_as_selector;

use super::select::{Search, matching};
use crate::{Error, Lister};

impl Lister<PodDisruptionBudget> {
    /// The PodDisruptionBudgets of the pod's namespace whose selector matches its
    /// labels. As in client-go's `policy/v1` lister, an empty selector matches every
    /// pod, a missing one none, and a pod without labels is not an error by itself.
    ///
    /// # Errors
    ///
    /// [`Error::NoMatch`] when none matches.
    pub fn get_pod_pod_disruption_budgets(
        &self,
        pod: &Pod,
    ) -> Result<Vec<Arc<PodDisruptionBudget>>, Error> {
        let search = Search {
            plural: "PodDisruptionBudgets",
            singular: "PodDisruptionBudget",
            kind: "pod",
            require_labels: false,
            empty_matches_all: true,
        };
        matching(self, &pod.metadata, &search, |pdb| {
            label_selector_as_selector(pdb.spec.as_ref().and_then(|s| s.selector.as_ref()))
        })
    }
}
