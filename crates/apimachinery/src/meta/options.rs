//! Request options: `ListOptions`, `GetOptions`, `CreateOptions`, `UpdateOptions`,
//! `PatchOptions`, `ApplyOptions` (sent as URL query parameters) and `DeleteOptions`
//! (sent as a JSON body).
//!
//! [`QueryParams::query_pairs`] encodes an options struct the way the server's
//! parameter codec expects: JSON field names, unset and zero/false values left out,
//! list values repeated, booleans `true`/`false`, pairs sorted by name (the order Go's
//! `url.Values.Encode` produces).

use serde::{Deserialize, Serialize};

/// `dryRun` value that runs every stage except persisting.
pub const DRY_RUN_ALL: &str = "All";

/// Options that become URL query parameters.
pub trait QueryParams {
    /// The `(name, value)` pairs to append to the request URL, sorted by name.
    fn query_pairs(&self) -> Vec<(&'static str, String)>;
}

/// How a list's `resourceVersion` is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResourceVersionMatch {
    /// Data at least as new as the given resource version.
    NotOlderThan,
    /// Data at exactly the given resource version.
    Exact,
}

impl ResourceVersionMatch {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotOlderThan => "NotOlderThan",
            Self::Exact => "Exact",
        }
    }
}

/// What the server does with unknown or duplicate fields in a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and return a warning per field.
    Warn,
    /// Fail the request.
    Strict,
}

impl FieldValidation {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ignore => "Ignore",
            Self::Warn => "Warn",
            Self::Strict => "Strict",
        }
    }
}

/// Whether and how dependents are garbage-collected on delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PropagationPolicy {
    /// Leave dependents behind, orphaned.
    Orphan,
    /// Delete the object now; the garbage collector deletes dependents afterwards.
    Background,
    /// Delete dependents first, then the object.
    Foreground,
}

impl PropagationPolicy {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Orphan => "Orphan",
            Self::Background => "Background",
            Self::Foreground => "Foreground",
        }
    }
}

fn push_str(pairs: &mut Vec<(&'static str, String)>, name: &'static str, v: Option<&String>) {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        pairs.push((name, v.clone()));
    }
}

fn push_dry_run(pairs: &mut Vec<(&'static str, String)>, dry_run: &[String]) {
    pairs.extend(dry_run.iter().map(|v| ("dryRun", v.clone())));
}

fn sorted(mut pairs: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    pairs.sort_by_key(|(name, _)| *name);
    pairs
}

/// Options of list and watch requests.
///
/// ```
/// use clientgo_apimachinery::meta::{ListOptions, QueryParams};
///
/// let opts = ListOptions {
///     label_selector: Some("app=web".into()),
///     limit: Some(500),
///     ..ListOptions::default()
/// };
/// assert_eq!(
///     opts.query_pairs(),
///     vec![("labelSelector", "app=web".to_owned()), ("limit", "500".to_owned())]
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOptions {
    /// Restricts the list by labels (a [`labels::Selector`](crate::labels::Selector) string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<String>,
    /// Restricts the list by fields (a [`fields::Selector`](crate::fields::Selector) string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_selector: Option<String>,
    /// Watch for changes instead of listing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub watch: bool,
    /// Ask for `BOOKMARK` events during a watch.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_watch_bookmarks: bool,
    /// Where to start (see `resource_version_match`); `"0"` means any cached version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// How `resource_version` applies to a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version_match: Option<ResourceVersionMatch>,
    /// Server-side timeout of the list or watch call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    /// Page size; `Some(0)` is the same as unset (no paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Continue token from the previous page.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_: Option<String>,
    /// For watches: start with synthetic `ADDED` events for the current state, then a
    /// bookmark annotated `k8s.io/initial-events-end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_initial_events: Option<bool>,
}

impl ListOptions {
    /// Sets the label selector.
    #[must_use]
    pub fn with_label_selector(mut self, selector: impl Into<String>) -> Self {
        self.label_selector = Some(selector.into());
        self
    }

    /// Sets the field selector.
    #[must_use]
    pub fn with_field_selector(mut self, selector: impl Into<String>) -> Self {
        self.field_selector = Some(selector.into());
        self
    }

    /// Sets the page size.
    #[must_use]
    pub fn with_limit(mut self, limit: i64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the continue token.
    #[must_use]
    pub fn with_continue(mut self, token: impl Into<String>) -> Self {
        self.continue_ = Some(token.into());
        self
    }

    /// Sets the resource version.
    #[must_use]
    pub fn with_resource_version(mut self, rv: impl Into<String>) -> Self {
        self.resource_version = Some(rv.into());
        self
    }
}

/// No options: requests whose options travel in the body (deletes) or have none.
impl QueryParams for () {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

impl QueryParams for ListOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push_str(&mut pairs, "labelSelector", self.label_selector.as_ref());
        push_str(&mut pairs, "fieldSelector", self.field_selector.as_ref());
        if self.watch {
            pairs.push(("watch", "true".to_owned()));
        }
        if self.allow_watch_bookmarks {
            pairs.push(("allowWatchBookmarks", "true".to_owned()));
        }
        push_str(
            &mut pairs,
            "resourceVersion",
            self.resource_version.as_ref(),
        );
        if let Some(m) = self.resource_version_match {
            pairs.push(("resourceVersionMatch", m.as_str().to_owned()));
        }
        if let Some(t) = self.timeout_seconds {
            pairs.push(("timeoutSeconds", t.to_string()));
        }
        if let Some(limit) = self.limit.filter(|l| *l != 0) {
            pairs.push(("limit", limit.to_string()));
        }
        push_str(&mut pairs, "continue", self.continue_.as_ref());
        if let Some(b) = self.send_initial_events {
            pairs.push(("sendInitialEvents", b.to_string()));
        }
        sorted(pairs)
    }
}

/// Options of get requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOptions {
    /// `"0"` allows a cached (possibly stale) answer; unset reads the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
}

impl QueryParams for GetOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push_str(
            &mut pairs,
            "resourceVersion",
            self.resource_version.as_ref(),
        );
        pairs
    }
}

macro_rules! write_options {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// `["All"]` to run without persisting.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub dry_run: Vec<String>,
            /// Name of the actor making the change (recorded in managed fields).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub field_manager: Option<String>,
            /// How unknown or duplicate fields are treated.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub field_validation: Option<FieldValidation>,
        }

        impl $name {
            /// Sets `dryRun=All`.
            #[must_use]
            pub fn dry_run_all(mut self) -> Self {
                self.dry_run = vec![DRY_RUN_ALL.to_owned()];
                self
            }

            /// Sets the field manager.
            #[must_use]
            pub fn with_field_manager(mut self, manager: impl Into<String>) -> Self {
                self.field_manager = Some(manager.into());
                self
            }
        }

        impl QueryParams for $name {
            fn query_pairs(&self) -> Vec<(&'static str, String)> {
                let mut pairs = Vec::new();
                push_dry_run(&mut pairs, &self.dry_run);
                push_str(&mut pairs, "fieldManager", self.field_manager.as_ref());
                if let Some(v) = self.field_validation {
                    pairs.push(("fieldValidation", v.as_str().to_owned()));
                }
                sorted(pairs)
            }
        }
    };
}

write_options!(
    /// Options of create requests.
    CreateOptions
);
write_options!(
    /// Options of update (PUT) requests.
    UpdateOptions
);

/// Options of patch requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchOptions {
    /// `["All"]` to run without persisting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dry_run: Vec<String>,
    /// For apply patches: take over fields owned by other managers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
    /// Name of the actor making the change (required for apply patches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_manager: Option<String>,
    /// How unknown or duplicate fields are treated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_validation: Option<FieldValidation>,
}

impl QueryParams for PatchOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push_dry_run(&mut pairs, &self.dry_run);
        if let Some(force) = self.force {
            pairs.push(("force", force.to_string()));
        }
        push_str(&mut pairs, "fieldManager", self.field_manager.as_ref());
        if let Some(v) = self.field_validation {
            pairs.push(("fieldValidation", v.as_str().to_owned()));
        }
        sorted(pairs)
    }
}

/// Options of server-side apply requests (an apply patch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyOptions {
    /// `["All"]` to run without persisting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dry_run: Vec<String>,
    /// Take over fields owned by other managers instead of failing with a conflict.
    #[serde(default)]
    pub force: bool,
    /// Name of the applier; the server requires one.
    #[serde(default)]
    pub field_manager: String,
}

impl ApplyOptions {
    /// Apply options for the given field manager.
    pub fn new(field_manager: impl Into<String>) -> Self {
        Self {
            field_manager: field_manager.into(),
            ..Self::default()
        }
    }

    /// Takes over fields other managers own instead of failing with a conflict, as
    /// controllers that are the authority on their fields do.
    #[must_use]
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// The equivalent patch options (force is always sent).
    pub fn to_patch_options(&self) -> PatchOptions {
        PatchOptions {
            dry_run: self.dry_run.clone(),
            force: Some(self.force),
            field_manager: Some(self.field_manager.clone()),
            field_validation: None,
        }
    }
}

impl QueryParams for ApplyOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        self.to_patch_options().query_pairs()
    }
}

/// Conditions that must hold for a delete to go ahead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preconditions {
    /// The object must have this uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The object must have this resource version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
}

/// Options of delete requests, sent as the JSON request body.
///
/// ```
/// use clientgo_apimachinery::meta::{DeleteOptions, PropagationPolicy};
///
/// let opts = DeleteOptions {
///     grace_period_seconds: Some(0),
///     propagation_policy: Some(PropagationPolicy::Foreground),
///     ..DeleteOptions::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&opts)?,
///     r#"{"gracePeriodSeconds":0,"propagationPolicy":"Foreground"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOptions {
    /// `DeleteOptions`, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `meta.k8s.io/v1` (or the group version of the request), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Seconds to wait before deleting; 0 deletes immediately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    /// Conditions that must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preconditions: Option<Preconditions>,
    /// Deprecated: use `propagation_policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan_dependents: Option<bool>,
    /// Garbage collection of dependents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_policy: Option<PropagationPolicy>,
    /// `["All"]` to run without persisting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dry_run: Vec<String>,
    /// Delete even if the stored object cannot be read (may break the cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_store_read_error_with_cluster_breaking_potential: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        v.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    #[test]
    fn empty_options_encode_to_nothing() {
        assert!(ListOptions::default().query_pairs().is_empty());
        assert!(GetOptions::default().query_pairs().is_empty());
        assert!(CreateOptions::default().query_pairs().is_empty());
        assert!(UpdateOptions::default().query_pairs().is_empty());
        assert!(PatchOptions::default().query_pairs().is_empty());
        let zero_limit = ListOptions {
            limit: Some(0),
            label_selector: Some(String::new()),
            ..ListOptions::default()
        };
        assert!(zero_limit.query_pairs().is_empty());
    }

    #[test]
    fn list_options_encode_every_field_sorted_by_name() {
        let opts = ListOptions {
            label_selector: Some("a=b".into()),
            field_selector: Some("metadata.name=x".into()),
            watch: true,
            allow_watch_bookmarks: true,
            resource_version: Some("123".into()),
            resource_version_match: Some(ResourceVersionMatch::NotOlderThan),
            timeout_seconds: Some(0),
            limit: Some(50),
            continue_: Some("tok".into()),
            send_initial_events: Some(false),
        };
        assert_eq!(
            opts.query_pairs(),
            pairs(&[
                ("allowWatchBookmarks", "true"),
                ("continue", "tok"),
                ("fieldSelector", "metadata.name=x"),
                ("labelSelector", "a=b"),
                ("limit", "50"),
                ("resourceVersion", "123"),
                ("resourceVersionMatch", "NotOlderThan"),
                ("sendInitialEvents", "false"),
                ("timeoutSeconds", "0"),
                ("watch", "true"),
            ])
        );
    }

    #[test]
    fn write_options_repeat_dry_run_and_encode_validation() {
        let create = CreateOptions {
            field_validation: Some(FieldValidation::Strict),
            ..CreateOptions::default()
        }
        .dry_run_all()
        .with_field_manager("me");
        assert_eq!(
            create.query_pairs(),
            pairs(&[
                ("dryRun", "All"),
                ("fieldManager", "me"),
                ("fieldValidation", "Strict")
            ])
        );
        let patch = PatchOptions {
            dry_run: vec!["All".into(), "All".into()],
            force: Some(true),
            field_manager: Some("ctl".into()),
            field_validation: Some(FieldValidation::Warn),
        };
        assert_eq!(
            patch.query_pairs(),
            pairs(&[
                ("dryRun", "All"),
                ("dryRun", "All"),
                ("fieldManager", "ctl"),
                ("fieldValidation", "Warn"),
                ("force", "true"),
            ])
        );
    }

    #[test]
    fn apply_options_always_send_force_and_manager() {
        let apply = ApplyOptions::new("my-controller");
        assert_eq!(
            apply.query_pairs(),
            pairs(&[("fieldManager", "my-controller"), ("force", "false")])
        );
    }

    #[test]
    fn delete_options_json_body() {
        let opts = DeleteOptions {
            grace_period_seconds: Some(30),
            preconditions: Some(Preconditions {
                uid: Some("u-1".into()),
                resource_version: Some("7".into()),
            }),
            propagation_policy: Some(PropagationPolicy::Background),
            dry_run: vec![DRY_RUN_ALL.into()],
            ..DeleteOptions::default()
        };
        let json = serde_json::to_string(&opts).unwrap();
        assert_eq!(
            json,
            r#"{"gracePeriodSeconds":30,"preconditions":{"uid":"u-1","resourceVersion":"7"},"propagationPolicy":"Background","dryRun":["All"]}"#
        );
        assert_eq!(serde_json::from_str::<DeleteOptions>(&json).unwrap(), opts);
        assert_eq!(
            serde_json::to_string(&DeleteOptions::default()).unwrap(),
            "{}"
        );
        for p in [PropagationPolicy::Orphan, PropagationPolicy::Foreground] {
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
    }
}
