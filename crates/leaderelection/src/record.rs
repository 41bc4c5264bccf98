//! [`LeaderElectionRecord`]: who holds the lock, and its mapping onto a Lease spec.

use clientgo_api::coordination::v1::LeaseSpec;
use clientgo_apimachinery::meta::MicroTime;
use serde::{Deserialize, Serialize};

/// The state of a leader election lock (client-go's `LeaderElectionRecord`), stored in
/// the spec of a `coordination.k8s.io/v1` Lease.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderElectionRecord {
    /// Identity of the holder; empty when nobody holds the lock.
    pub holder_identity: String,
    /// How long, in whole seconds, other candidates wait after last seeing the record
    /// change before they may take the lock.
    pub lease_duration_seconds: i32,
    /// When the current holder acquired the lock.
    pub acquire_time: MicroTime,
    /// When the holder last renewed the lock.
    pub renew_time: MicroTime,
    /// How many times the lock changed hands.
    pub leader_transitions: i32,
    /// Strategy of coordinated leader election; empty when unset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub strategy: String,
    /// Holder a coordinated election prefers; empty when unset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub preferred_holder: String,
}

impl LeaderElectionRecord {
    /// The record a Lease spec holds; absent fields become zero values.
    pub fn from_lease_spec(spec: &LeaseSpec) -> Self {
        Self {
            holder_identity: spec
                .holder_identity
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            lease_duration_seconds: spec.lease_duration_seconds.unwrap_or_default(),
            acquire_time: spec.acquire_time.unwrap_or_default(),
            renew_time: spec.renew_time.unwrap_or_default(),
            leader_transitions: spec.lease_transitions.unwrap_or_default(),
            strategy: spec.strategy.as_deref().unwrap_or_default().to_owned(),
            preferred_holder: spec
                .preferred_holder
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// The Lease spec storing this record; `strategy` and `preferredHolder` only when
    /// non-empty.
    pub fn to_lease_spec(&self) -> LeaseSpec {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.into());
        LeaseSpec {
            holder_identity: Some(self.holder_identity.as_str().into()),
            lease_duration_seconds: Some(self.lease_duration_seconds),
            acquire_time: Some(self.acquire_time),
            renew_time: Some(self.renew_time),
            lease_transitions: Some(self.leader_transitions),
            strategy: non_empty(&self.strategy),
            preferred_holder: non_empty(&self.preferred_holder),
        }
    }

    /// The JSON of this record: what [`ResourceLock::get`](crate::ResourceLock::get)
    /// returns as raw bytes for change detection.
    pub fn to_raw(&self) -> crate::Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| crate::Error::Encode(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn round_trips_through_a_lease_spec() {
        let record = LeaderElectionRecord {
            holder_identity: "a".into(),
            lease_duration_seconds: 15,
            acquire_time: MicroTime::from_unix(1_700_000_000, 123_000),
            renew_time: MicroTime::from_unix(1_700_000_010, 456_000),
            leader_transitions: 3,
            strategy: "OldestEmulationVersion".into(),
            preferred_holder: "b".into(),
        };
        let spec = record.to_lease_spec();
        assert_eq!(spec.holder_identity.as_deref(), Some("a"));
        assert_eq!(spec.lease_duration_seconds, Some(15));
        assert_eq!(spec.lease_transitions, Some(3));
        assert_eq!(spec.strategy.as_deref(), Some("OldestEmulationVersion"));
        assert_eq!(LeaderElectionRecord::from_lease_spec(&spec), record);
    }

    #[test]
    fn empty_optional_fields_are_left_out_and_absent_fields_are_zero() {
        let spec = LeaderElectionRecord::default().to_lease_spec();
        assert_eq!(spec.strategy, None);
        assert_eq!(spec.preferred_holder, None);
        let record = LeaderElectionRecord::from_lease_spec(&LeaseSpec::default());
        assert_eq!(record, LeaderElectionRecord::default());
        let json: serde_json::Value = serde_json::from_slice(&record.to_raw().unwrap()).unwrap();
        assert_eq!(json["holderIdentity"], "");
        assert!(json.get("strategy").is_none());
    }
}
