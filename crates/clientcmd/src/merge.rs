//! Two kinds of merging:
//!
//! - **between files** ([`merge_files`]): the first file that defines a cluster, user,
//!   context or extension wins and its entry is taken whole; for single values
//!   (`current-context`, preferences) the first non-empty value wins;
//! - **overrides** ([`overlay_cluster`] and friends): every non-empty field of the
//!   overlay replaces the field below it (maps are merged key by key).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clientgo_transport::Secret;

use crate::model::{AuthInfo, Cluster, Context, Kubeconfig};

/// Merges loaded files, first file wins.
pub(crate) fn merge_files(configs: impl IntoIterator<Item = Kubeconfig>) -> Kubeconfig {
    let mut merged = Kubeconfig::default();
    for config in configs {
        first_wins(&mut merged.clusters, config.clusters);
        first_wins(&mut merged.auth_infos, config.auth_infos);
        first_wins(&mut merged.contexts, config.contexts);
        first_wins(&mut merged.extensions, config.extensions);
        first_wins(
            &mut merged.preferences.extensions,
            config.preferences.extensions,
        );
        if merged.current_context.is_empty() {
            merged.current_context = config.current_context;
        }
        merged.preferences.colors |= config.preferences.colors;
    }
    merged
}

fn first_wins<V>(into: &mut BTreeMap<String, V>, from: BTreeMap<String, V>) {
    for (name, value) in from {
        into.entry(name).or_insert(value);
    }
}

fn set_string(into: &mut String, from: &str) {
    if !from.is_empty() {
        *into = from.to_string();
    }
}

fn set_path(into: &mut PathBuf, from: &PathBuf) {
    if !from.as_os_str().is_empty() {
        into.clone_from(from);
    }
}

fn set_bytes(into: &mut Vec<u8>, from: &[u8]) {
    if !from.is_empty() {
        *into = from.to_vec();
    }
}

fn set_secret(into: &mut Secret, from: &Secret) {
    if !from.is_empty() {
        into.clone_from(from);
    }
}

fn set_map<V: Clone>(into: &mut BTreeMap<String, V>, from: &BTreeMap<String, V>) {
    for (key, value) in from {
        into.insert(key.clone(), value.clone());
    }
}

/// Non-empty fields of `over` replace those of `base`.
pub(crate) fn overlay_cluster(base: &mut Cluster, over: &Cluster) {
    set_path(&mut base.location_of_origin, &over.location_of_origin);
    set_string(&mut base.server, &over.server);
    set_string(&mut base.tls_server_name, &over.tls_server_name);
    base.insecure_skip_tls_verify |= over.insecure_skip_tls_verify;
    set_path(&mut base.certificate_authority, &over.certificate_authority);
    set_bytes(
        &mut base.certificate_authority_data,
        &over.certificate_authority_data,
    );
    set_string(&mut base.proxy_url, &over.proxy_url);
    base.disable_compression |= over.disable_compression;
    set_map(&mut base.extensions, &over.extensions);
}

/// Non-empty fields of `over` replace those of `base`.
pub(crate) fn overlay_auth_info(base: &mut AuthInfo, over: &AuthInfo) {
    set_path(&mut base.location_of_origin, &over.location_of_origin);
    set_path(&mut base.client_certificate, &over.client_certificate);
    set_bytes(
        &mut base.client_certificate_data,
        &over.client_certificate_data,
    );
    set_path(&mut base.client_key, &over.client_key);
    set_secret(&mut base.client_key_data, &over.client_key_data);
    set_secret(&mut base.token, &over.token);
    set_path(&mut base.token_file, &over.token_file);
    set_string(&mut base.impersonate, &over.impersonate);
    set_string(&mut base.impersonate_uid, &over.impersonate_uid);
    if !over.impersonate_groups.is_empty() {
        base.impersonate_groups.clone_from(&over.impersonate_groups);
    }
    set_map(
        &mut base.impersonate_user_extra,
        &over.impersonate_user_extra,
    );
    set_string(&mut base.username, &over.username);
    set_secret(&mut base.password, &over.password);
    if over.auth_provider.is_some() {
        base.auth_provider.clone_from(&over.auth_provider);
    }
    if over.exec.is_some() {
        base.exec.clone_from(&over.exec);
    }
    set_map(&mut base.extensions, &over.extensions);
}

/// Non-empty fields of `over` replace those of `base`.
pub(crate) fn overlay_context(base: &mut Context, over: &Context) {
    set_path(&mut base.location_of_origin, &over.location_of_origin);
    set_string(&mut base.cluster, &over.cluster);
    set_string(&mut base.auth_info, &over.auth_info);
    set_string(&mut base.namespace, &over.namespace);
    set_map(&mut base.extensions, &over.extensions);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(current: &str, cluster_server: &str, colors: bool) -> Kubeconfig {
        let mut config = Kubeconfig {
            current_context: current.into(),
            ..Kubeconfig::default()
        };
        config.preferences.colors = colors;
        config.clusters.insert(
            "shared".into(),
            Cluster {
                server: cluster_server.into(),
                ..Cluster::default()
            },
        );
        config
    }

    #[test]
    fn conflicting_current_context_first_file_wins() {
        let merged = merge_files([file("first", "a", false), file("second", "b", false)]);
        assert_eq!(merged.current_context, "first");
        let merged = merge_files([file("", "a", false), file("second", "b", false)]);
        assert_eq!(merged.current_context, "second");
    }

    #[test]
    fn the_first_file_defining_an_entry_wins_whole_without_field_merging() {
        let mut first = file("", "https://first", false);
        first
            .clusters
            .get_mut("shared")
            .unwrap()
            .certificate_authority = "first-ca".into();
        let mut second = file("", "https://second", true);
        second.clusters.get_mut("shared").unwrap().tls_server_name = "second-name".into();
        second
            .clusters
            .insert("only-second".into(), Cluster::default());
        let merged = merge_files([first, second]);
        let shared = &merged.clusters["shared"];
        assert_eq!(shared.server, "https://first");
        assert_eq!(shared.certificate_authority, PathBuf::from("first-ca"));
        assert_eq!(shared.tls_server_name, "", "no field-level merge");
        assert!(merged.clusters.contains_key("only-second"));
        assert!(merged.preferences.colors);
    }

    #[test]
    fn overlays_replace_only_non_empty_fields() {
        let mut base = AuthInfo {
            username: "file-user".into(),
            token: Secret::new("file-token"),
            impersonate_groups: vec!["g".into()],
            ..AuthInfo::default()
        };
        let over = AuthInfo {
            token: Secret::new("override-token"),
            ..AuthInfo::default()
        };
        overlay_auth_info(&mut base, &over);
        assert_eq!(base.username, "file-user");
        assert_eq!(base.token.expose(), "override-token");
        assert_eq!(base.impersonate_groups, ["g"]);

        let mut context = Context {
            cluster: "c".into(),
            auth_info: "u".into(),
            ..Context::default()
        };
        overlay_context(
            &mut context,
            &Context {
                namespace: "ns".into(),
                ..Context::default()
            },
        );
        assert_eq!(
            (
                context.cluster.as_str(),
                context.auth_info.as_str(),
                context.namespace.as_str()
            ),
            ("c", "u", "ns")
        );

        let mut cluster = Cluster {
            insecure_skip_tls_verify: true,
            ..Cluster::default()
        };
        overlay_cluster(
            &mut cluster,
            &Cluster {
                disable_compression: true,
                ..Cluster::default()
            },
        );
        assert!(cluster.insecure_skip_tls_verify && cluster.disable_compression);
    }
}
