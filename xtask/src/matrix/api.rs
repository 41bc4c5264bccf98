//! The API a server serves, by discovery, and how it compares with the generated one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clientgo_discovery::DiscoveryClient;

/// `group/version` (`v1` for core) → resource and subresource names (`pods`,
/// `pods/log`).
pub(crate) type ApiSet = BTreeMap<String, BTreeSet<String>>;

/// The resources and subresources of every group version the server of `kubeconfig`
/// serves.
pub(crate) async fn served(kubeconfig: &Path) -> Result<ApiSet, String> {
    let config = clientgo_clientcmd::ClientConfig::new(
        clientgo_clientcmd::LoadingRules::explicit(kubeconfig),
        clientgo_clientcmd::ConfigOverrides::default(),
    )
    .rest_config()
    .map_err(|e| e.to_string())?;
    let discovery = DiscoveryClient::new(&config)
        .map_err(|e| e.to_string())?
        .server_groups_and_resources()
        .await
        .map_err(|e| format!("discovery: {e}"))?;
    if let Some((group_version, error)) = discovery.failed.iter().next() {
        return Err(format!("discovery of {group_version}: {error}"));
    }
    Ok(discovery
        .resources
        .into_iter()
        .map(|list| {
            let names = list.resources.into_iter().map(|r| r.name).collect();
            (list.group_version, names)
        })
        .collect())
}

/// Where the generated API and a server's differ.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ApiDiff {
    /// What the client has that the server does not serve (client-go's `+`).
    pub(crate) client_only: ApiSet,
    /// What the server serves that the client has no code for (client-go's `-`).
    pub(crate) server_only: ApiSet,
}

impl ApiDiff {
    /// Compares the generated API with a served one.
    pub(crate) fn between(generated: &ApiSet, served: &ApiSet) -> Self {
        Self {
            client_only: missing_from(generated, served),
            server_only: missing_from(served, generated),
        }
    }

    /// client-go's mark: `✓` the same API, `+` the client has more, `-` the cluster has
    /// more, `+-` both.
    pub(crate) fn mark(&self) -> &'static str {
        match (self.client_only.is_empty(), self.server_only.is_empty()) {
            (true, true) => "✓",
            (false, true) => "+",
            (true, false) => "-",
            (false, false) => "+-",
        }
    }
}

/// What `from` has that `other` lacks.
fn missing_from(from: &ApiSet, other: &ApiSet) -> ApiSet {
    from.iter()
        .filter_map(|(group_version, names)| {
            let missing: BTreeSet<String> = match other.get(group_version) {
                Some(present) => names.difference(present).cloned().collect(),
                None => names.clone(),
            };
            (!missing.is_empty()).then(|| (group_version.clone(), missing))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(entries: &[(&str, &[&str])]) -> ApiSet {
        entries
            .iter()
            .map(|(gv, names)| {
                (
                    gv.to_string(),
                    names.iter().map(|n| n.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn marks_follow_client_go() {
        let generated = set(&[("v1", &["pods", "pods/log"]), ("apps/v1", &["deployments"])]);
        assert_eq!(ApiDiff::between(&generated, &generated).mark(), "✓");

        let older = set(&[("v1", &["pods"]), ("apps/v1", &["deployments"])]);
        let diff = ApiDiff::between(&generated, &older);
        assert_eq!(diff.mark(), "+");
        assert_eq!(diff.client_only, set(&[("v1", &["pods/log"])]));

        let newer = set(&[
            ("v1", &["pods", "pods/log"]),
            ("apps/v1", &["deployments"]),
            ("example.io/v1", &["widgets"]),
        ]);
        let diff = ApiDiff::between(&generated, &newer);
        assert_eq!(diff.mark(), "-");
        assert_eq!(diff.server_only, set(&[("example.io/v1", &["widgets"])]));

        assert_eq!(ApiDiff::between(&older, &newer).mark(), "-");
        let other = set(&[("v1", &["pods"]), ("batch/v1", &["jobs"])]);
        assert_eq!(ApiDiff::between(&generated, &other).mark(), "+-");
    }
}
