//! client-go's lister expansions: which workload objects select a pod (or a
//! controller revision).
//!
//! Each follows client-go: only objects of the pod's namespace are considered; an
//! object whose selector is invalid is skipped; an empty (or missing) selector matches
//! nothing, except for PodDisruptionBudgets (`policy/v1` lets an empty selector match
//! every pod); a pod without labels and "no match" are [`Error`](crate::Error)s.

#[cfg(feature = "apps")]
mod apps;
#[cfg(feature = "batch")]
mod batch;
#[cfg(feature = "core")]
mod core;
#[cfg(all(feature = "policy", feature = "core"))]
mod policy;

#[cfg(any(feature = "apps", feature = "batch", feature = "core"))]
mod select;

#[cfg(test)]
#[cfg(all(feature = "apps", feature = "batch", feature = "policy"))]
mod tests;
