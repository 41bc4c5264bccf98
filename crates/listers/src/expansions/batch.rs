//! Expansions of the `batch/v1` listers.

use std::sync::Arc;

use clientgo_api::batch::v1::Job;
use clientgo_api::core::v1::Pod;
use clientgo_apimachinery::meta::label_selector_as_selector;

use super::select::{Search, matching};
use crate::{Error, Lister};

impl Lister<Job> {
    /// The Jobs of the pod's namespace whose selector matches its labels.
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a pod without labels, [`Error::NoMatch`] when none matches.
    pub fn get_pod_jobs(&self, pod: &Pod) -> Result<Vec<Arc<Job>>, Error> {
        let search = Search {
            plural: "jobs",
            singular: "jobs",
            kind: "pod",
            require_labels: true,
            empty_matches_all: false,
        };
        matching(self, &pod.metadata, &search, |job| {
            label_selector_as_selector(job.spec.as_ref().and_then(|s| s.selector.as_ref()))
        })
    }
}
