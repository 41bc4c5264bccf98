//! The expansions, in the spirit of client-go's `daemonset_expansion_test.go`.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use clientgo_api::apps::v1::{ControllerRevision, DaemonSet, ReplicaSet, StatefulSet};
use clientgo_api::batch::v1::{Job, JobSpec};
use clientgo_api::core::v1::{Pod, ReplicationController, ReplicationControllerSpec};
use clientgo_api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use clientgo_apimachinery::meta::{LabelSelector, LabelSelectorRequirement, ObjectMeta};
use clientgo_apimachinery::{Metadata, Resource};
use clientgo_cache::{CacheObject, Indexer, namespace_indexers};
use serde::de::DeserializeOwned;

use crate::{Error, Lister};

fn meta(ns: &str, name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    let mut m = ObjectMeta::named(name);
    m.namespace = Some(ns.into());
    m.labels = labels.iter().map(|(k, v)| (*k, *v)).collect();
    m
}

fn pod(ns: &str, name: &str, labels: &[(&str, &str)]) -> Pod {
    Pod {
        metadata: meta(ns, name, labels),
        ..Pod::default()
    }
}

fn selector(labels: &[(&str, &str)]) -> LabelSelector {
    LabelSelector::from_labels(labels.iter().map(|(k, v)| (*k, *v)).collect())
}

fn invalid_selector() -> LabelSelector {
    LabelSelector {
        match_expressions: vec![LabelSelectorRequirement {
            key: "app".into(),
            operator: "Bogus".into(),
            values: vec!["x".into()],
        }],
        ..LabelSelector::default()
    }
}

fn lister<K: CacheObject + Resource + DeserializeOwned>(objects: Vec<K>) -> Lister<K> {
    let indexer = Indexer::with_indexers(namespace_indexers());
    for o in objects {
        indexer.add(Arc::new(o)).unwrap();
    }
    Lister::new(indexer)
}

fn names<K: Metadata>(items: &[Arc<K>]) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .map(|o| o.metadata().name.as_deref().unwrap_or_default().to_owned())
        .collect();
    out.sort();
    out
}

fn daemon_set(ns: &str, name: &str, sel: LabelSelector) -> DaemonSet {
    let mut ds = DaemonSet {
        metadata: meta(ns, name, &[]),
        ..DaemonSet::default()
    };
    ds.spec.selector = sel;
    ds
}

/// `TestDaemonSetLister`-style cases for `get_pod_daemon_sets`.
#[test]
fn pod_daemon_sets() {
    let l = lister(vec![
        daemon_set("ns", "match", selector(&[("app", "web")])),
        daemon_set("ns", "also-match", selector(&[("tier", "front")])),
        daemon_set("ns", "other-label", selector(&[("app", "db")])),
        daemon_set("other-ns", "other-ns", selector(&[("app", "web")])),
        daemon_set("ns", "empty-selector", LabelSelector::default()),
        daemon_set("ns", "invalid-selector", invalid_selector()),
    ]);
    let found = l
        .get_pod_daemon_sets(&pod("ns", "p", &[("app", "web"), ("tier", "front")]))
        .unwrap();
    assert_eq!(names(&found), ["also-match", "match"]);

    let err = l.get_pod_daemon_sets(&pod("ns", "bare", &[])).unwrap_err();
    assert!(matches!(err, Error::NoLabels { .. }));
    assert_eq!(
        err.to_string(),
        "no daemon sets found for pod bare because it has no labels"
    );
    let err = l
        .get_pod_daemon_sets(&pod("ns", "lonely", &[("app", "x"), ("b", "c")]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not find daemon set for pod lonely in namespace ns with labels: map[app:x b:c]"
    );
    // A pod in a namespace without daemon sets.
    assert!(matches!(
        l.get_pod_daemon_sets(&pod("empty", "p", &[("app", "web")])),
        Err(Error::NoMatch { .. })
    ));
}

#[test]
fn history_daemon_sets() {
    let l = lister(vec![
        daemon_set("ns", "ds", selector(&[("app", "web")])),
        daemon_set("ns", "none", LabelSelector::default()),
    ]);
    let rev = |labels: &[(&str, &str)]| ControllerRevision {
        metadata: meta("ns", "rev", labels),
        ..ControllerRevision::default()
    };
    assert_eq!(
        names(&l.get_history_daemon_sets(&rev(&[("app", "web")])).unwrap()),
        ["ds"]
    );
    assert_eq!(
        l.get_history_daemon_sets(&rev(&[]))
            .unwrap_err()
            .to_string(),
        "no DaemonSet found for ControllerRevision rev because it has no labels"
    );
    assert_eq!(
        l.get_history_daemon_sets(&rev(&[("app", "db")]))
            .unwrap_err()
            .to_string(),
        "could not find DaemonSets for ControllerRevision rev in namespace ns with labels: map[app:db]"
    );
}

#[test]
fn pod_replica_and_stateful_sets() {
    let rs = |name: &str, sel: LabelSelector| {
        let mut rs = ReplicaSet {
            metadata: meta("ns", name, &[]),
            ..ReplicaSet::default()
        };
        rs.spec.selector = sel;
        rs
    };
    let l = lister(vec![
        rs("web", selector(&[("app", "web")])),
        rs("empty", LabelSelector::default()),
        rs("bad", invalid_selector()),
    ]);
    assert_eq!(
        names(
            &l.get_pod_replica_sets(&pod("ns", "p", &[("app", "web")]))
                .unwrap()
        ),
        ["web"]
    );
    assert_eq!(
        l.get_pod_replica_sets(&pod("ns", "p", &[]))
            .unwrap_err()
            .to_string(),
        "no ReplicaSets found for pod p because it has no labels"
    );
    assert_eq!(
        l.get_pod_replica_sets(&pod("ns", "p", &[("app", "db")]))
            .unwrap_err()
            .to_string(),
        "could not find ReplicaSet for pod p in namespace ns with labels: map[app:db]"
    );

    let mut ss = StatefulSet {
        metadata: meta("ns", "db", &[]),
        ..StatefulSet::default()
    };
    ss.spec.selector = selector(&[("app", "db")]);
    let l = lister(vec![ss]);
    assert_eq!(
        names(
            &l.get_pod_stateful_sets(&pod("ns", "db-0", &[("app", "db")]))
                .unwrap()
        ),
        ["db"]
    );
    assert_eq!(
        l.get_pod_stateful_sets(&pod("ns", "x", &[("app", "web")]))
            .unwrap_err()
            .to_string(),
        "could not find StatefulSet for pod x in namespace ns with labels: map[app:web]"
    );
}

#[test]
fn pod_jobs_skip_missing_selectors() {
    let job = |name: &str, sel: Option<LabelSelector>| Job {
        metadata: meta("ns", name, &[]),
        spec: Some(Box::new(JobSpec {
            selector: sel,
            ..JobSpec::default()
        })),
        ..Job::default()
    };
    let l = lister(vec![
        job("match", Some(selector(&[("job", "a")]))),
        job("no-selector", None),
        job("empty", Some(LabelSelector::default())),
        Job {
            metadata: meta("ns", "no-spec", &[]),
            ..Job::default()
        },
    ]);
    assert_eq!(
        names(&l.get_pod_jobs(&pod("ns", "p", &[("job", "a")])).unwrap()),
        ["match"]
    );
    assert_eq!(
        l.get_pod_jobs(&pod("ns", "p", &[]))
            .unwrap_err()
            .to_string(),
        "no jobs found for pod p because it has no labels"
    );
}

#[test]
fn pod_disruption_budgets_let_an_empty_selector_match_everything() {
    let pdb = |name: &str, sel: Option<LabelSelector>| PodDisruptionBudget {
        metadata: meta("ns", name, &[]),
        spec: Some(Box::new(PodDisruptionBudgetSpec {
            selector: sel,
            ..PodDisruptionBudgetSpec::default()
        })),
        ..PodDisruptionBudget::default()
    };
    let l = lister(vec![
        pdb("web", Some(selector(&[("app", "web")]))),
        pdb("all", Some(LabelSelector::default())),
        pdb("none", None),
        pdb("bad", Some(invalid_selector())),
    ]);
    assert_eq!(
        names(
            &l.get_pod_pod_disruption_budgets(&pod("ns", "p", &[("app", "web")]))
                .unwrap()
        ),
        ["all", "web"]
    );
    // No labels is not an error by itself: the empty selector still matches.
    assert_eq!(
        names(
            &l.get_pod_pod_disruption_budgets(&pod("ns", "p", &[]))
                .unwrap()
        ),
        ["all"]
    );
    let l = lister(vec![pdb("web", Some(selector(&[("app", "web")])))]);
    assert_eq!(
        l.get_pod_pod_disruption_budgets(&pod("ns", "p", &[]))
            .unwrap_err()
            .to_string(),
        "could not find PodDisruptionBudget for pod p in namespace ns with labels: map[]"
    );
}

#[test]
fn pod_controllers_from_map_selectors() {
    let rc = |name: &str, sel: Option<&[(&str, &str)]>| ReplicationController {
        metadata: meta("ns", name, &[]),
        spec: Some(Box::new(ReplicationControllerSpec {
            selector: sel.map(|s| {
                s.iter()
                    .map(|(k, v)| (*k, *v))
                    .collect::<clientgo_apimachinery::StringMap>()
            }),
            ..ReplicationControllerSpec::default()
        })),
        ..ReplicationController::default()
    };
    let l = lister(vec![
        rc("web", Some(&[("app", "web")])),
        rc("empty", Some(&[])),
        rc("none", None),
    ]);
    assert_eq!(
        names(
            &l.get_pod_controllers(&pod("ns", "p", &[("app", "web")]))
                .unwrap()
        ),
        ["web"]
    );
    assert_eq!(
        l.get_pod_controllers(&pod("ns", "p", &[]))
            .unwrap_err()
            .to_string(),
        "no controllers found for pod p because it has no labels"
    );
    assert_eq!(
        l.get_pod_controllers(&pod("ns", "p", &[("app", "db")]))
            .unwrap_err()
            .to_string(),
        "could not find controller for pod p in namespace ns with labels: map[app:db]"
    );
}
