//! The error of the lister expansions.

/// Why a lister expansion (`get_pod_replica_sets`, ...) found nothing.
///
/// The messages are client-go's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The object has no labels, so no selector can pick it.
    #[error("no {wanted} found for {kind} {name} because it has no labels")]
    NoLabels {
        /// What was looked for (e.g. `ReplicaSets`).
        wanted: &'static str,
        /// The kind of the object (e.g. `pod`).
        kind: &'static str,
        /// The object's name.
        name: String,
    },

    /// No object's selector matches the object's labels.
    #[error(
        "could not find {wanted} for {kind} {name} in namespace {namespace} with labels: {labels}"
    )]
    NoMatch {
        /// What was looked for (e.g. `ReplicaSet`).
        wanted: &'static str,
        /// The kind of the object (e.g. `pod`).
        kind: &'static str,
        /// The object's name.
        name: String,
        /// The object's namespace.
        namespace: String,
        /// The object's labels, formatted like Go's `%v` of a map (`map[a:b c:d]`).
        labels: String,
    },
}
