//! [`Action`]: one request the fake server received, recorded in order.

use std::fmt;

use clientgo_apimachinery::GroupVersionResource;
use clientgo_apimachinery::meta::DeleteOptions;
use clientgo_apimachinery::patch::PatchType;
use serde_json::Value;

/// The verb of a resource request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// GET of one object.
    Get,
    /// GET of a collection.
    List,
    /// GET of a collection with `watch=true`.
    Watch,
    /// POST.
    Create,
    /// PUT.
    Update,
    /// PATCH (server-side apply included).
    Patch,
    /// DELETE of one object.
    Delete,
    /// DELETE of a collection.
    DeleteCollection,
}

impl Verb {
    /// The verb as the API names it (`get`, `list`, `deletecollection`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
            Verb::DeleteCollection => "deletecollection",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource request received by the fake server (client-go's `testing.Action`).
///
/// Discovery and `/version` requests are not recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// What was asked.
    pub verb: Verb,
    /// The resource, from the URL.
    pub resource: GroupVersionResource,
    /// The subresource (`status`, `scale`, ...), or `""`.
    pub subresource: String,
    /// The namespace of the URL, or `""` (cluster-scoped or all namespaces).
    pub namespace: String,
    /// The object's name from the URL, or `""` (collections, create).
    pub name: String,
    /// The body of a create or update, when it was valid JSON.
    pub object: Option<Value>,
    /// The body of a patch (apply bodies in YAML are converted), when it could be read.
    pub patch: Option<Value>,
    /// The patch type, for patches.
    pub patch_type: Option<PatchType>,
    /// The options of a delete or delete-collection, when the body held valid ones.
    pub delete_options: Option<DeleteOptions>,
    /// The query parameters, in order.
    pub query: Vec<(String, String)>,
}

impl Action {
    /// True if this action is of `verb` (or `verb` is `"*"`) on `resource`: `"*"`, a
    /// plural (`"pods"`, any subresource excluded) or `"plural/subresource"`
    /// (`"pods/status"`).
    pub fn matches(&self, verb: &str, resource: &str) -> bool {
        let verb_matches = verb == "*" || verb.eq_ignore_ascii_case(self.verb.as_str());
        let resource_matches = resource == "*"
            || match resource.split_once('/') {
                Some((plural, sub)) => plural == self.resource.resource && sub == self.subresource,
                None => resource == self.resource.resource && self.subresource.is_empty(),
            };
        verb_matches && resource_matches
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True for dry-run requests (`dryRun=All`).
    pub fn is_dry_run(&self) -> bool {
        self.query.iter().any(|(k, v)| k == "dryRun" && v == "All")
            || self
                .delete_options
                .as_ref()
                .is_some_and(|o| o.dry_run.iter().any(|d| d == "All"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(verb: Verb, resource: &str, subresource: &str) -> Action {
        Action {
            verb,
            resource: GroupVersionResource::new("", "v1", resource),
            subresource: subresource.into(),
            namespace: "ns".into(),
            name: "a".into(),
            object: None,
            patch: None,
            patch_type: None,
            delete_options: None,
            query: vec![("dryRun".into(), "All".into())],
        }
    }

    #[test]
    fn matching_by_verb_and_resource() {
        let get = action(Verb::Get, "pods", "");
        assert!(get.matches("get", "pods"));
        assert!(get.matches("*", "*"));
        assert!(!get.matches("list", "pods"));
        assert!(!get.matches("get", "pods/status"));
        let status = action(Verb::Update, "pods", "status");
        assert!(status.matches("update", "pods/status"));
        assert!(!status.matches("update", "pods"));
        assert!(status.is_dry_run());
        assert_eq!(status.query_param("dryRun"), Some("All"));
    }
}
