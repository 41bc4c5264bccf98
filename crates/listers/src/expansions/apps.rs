//! Expansions of the `apps/v1` listers.

use std::sync::Arc;

use clientgo_api::apps::v1::{ControllerRevision, DaemonSet, ReplicaSet, StatefulSet};
use clientgo_api::core::v1::Pod;
use clientgo_apimachinery::meta::label_selector_as_selector;

use super::select::{Search, matching};
use crate::{Error, Lister};

const POD_SEARCH: Search = Search {
    plural: "",
    singular: "",
    kind: "pod",
    require_labels: true,
    empty_matches_all: false,
};

impl Lister<ReplicaSet> {
    /// The ReplicaSets of the pod's namespace whose selector matches its labels.
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a pod without labels, [`Error::NoMatch`] when none matches.
    pub fn get_pod_replica_sets(&self, pod: &Pod) -> Result<Vec<Arc<ReplicaSet>>, Error> {
        let search = Search {
            plural: "ReplicaSets",
            singular: "ReplicaSet",
            ..POD_SEARCH
        };
        matching(self, &pod.metadata, &search, |rs| {
            label_selector_as_selector(Some(&rs.spec.selector))
        })
    }
}

impl Lister<StatefulSet> {
    /// The StatefulSets of the pod's namespace whose selector matches its labels.
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a pod without labels, [`Error::NoMatch`] when none matches.
    pub fn get_pod_stateful_sets(&self, pod: &Pod) -> Result<Vec<Arc<StatefulSet>>, Error> {
        let search = Search {
            plural: "StatefulSets",
            singular: "StatefulSet",
            ..POD_SEARCH
        };
        matching(self, &pod.metadata, &search, |ss| {
            label_selector_as_selector(Some(&ss.spec.selector))
        })
    }
}

impl Lister<DaemonSet> {
    /// The DaemonSets of the pod's namespace whose selector matches its labels.
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a pod without labels, [`Error::NoMatch`] when none matches.
    pub fn get_pod_daemon_sets(&self, pod: &Pod) -> Result<Vec<Arc<DaemonSet>>, Error> {
        let search = Search {
            plural: "daemon sets",
            singular: "daemon set",
            ..POD_SEARCH
        };
        matching(self, &pod.metadata, &search, |ds| {
            label_selector_as_selector(Some(&ds.spec.selector))
        })
    }

    /// The DaemonSets of the revision's namespace whose selector matches its labels
    /// (the owners of a `ControllerRevision`).
    ///
    /// # Errors
    ///
    /// [`Error::NoLabels`] for a revision without labels, [`Error::NoMatch`] when none
    /// matches.
    pub fn get_history_daemon_sets(
        &self,
        history: &ControllerRevision,
    ) -> Result<Vec<Arc<DaemonSet>>, Error> {
        let search = Search {
            plural: "DaemonSet",
            singular: "DaemonSets",
            kind: "ControllerRevision",
            ..POD_SEARCH
        };
        matching(self, &history.metadata, &search, |ds| {
            label_selector_as_selector(Some(&ds.spec.selector))
        })
    }
}
