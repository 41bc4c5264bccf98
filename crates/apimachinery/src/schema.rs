//! Names of API groups, versions, kinds and resources.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/runtime/schema`. Every object the API server
//! serves is identified by a **group** (empty for the core group: pods, services, ...),
//! a **version** (`v1`, `v1beta1`) and either a **kind** (the type name in a body,
//! `Deployment`) or a **resource** (the lower-case plural in a URL, `deployments`).
//!
//! | Type | Example | `Display` |
//! |---|---|---|
//! | [`GroupVersion`] | apps, v1 | `apps/v1` (core: `v1`) |
//! | [`GroupKind`] | apps, Deployment | `Deployment.apps` |
//! | [`GroupResource`] | apps, deployments | `deployments.apps` |
//! | [`GroupVersionKind`] | apps, v1, Deployment | `apps/v1, Kind=Deployment` |
//! | [`GroupVersionResource`] | apps, v1, deployments | `apps/v1, Resource=deployments` |
//!
//! The `Display` forms are the ones Go prints in error messages.
//!
//! ```
//! use clientgo_apimachinery::schema::{GroupVersion, GroupVersionResource};
//!
//! let gv: GroupVersion = "apps/v1".parse()?;
//! assert_eq!(gv.group, "apps");
//! assert_eq!(GroupVersion::parse("v1")?.api_version(), "v1");
//!
//! let (full, partial) = GroupVersionResource::parse_resource_arg("deployments.v1.apps");
//! assert_eq!(full.unwrap().to_string(), "apps/v1, Resource=deployments");
//! assert_eq!(partial.to_string(), "deployments.v1.apps");
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// An API group and version, e.g. `apps/v1`; the core group is the empty string (`v1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupVersion {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version within the group.
    pub version: String,
}

impl GroupVersion {
    /// Builds a group/version from its parts.
    pub fn new(group: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            version: version.into(),
        }
    }

    /// Parses `"group/version"` or `"version"` (core group).
    ///
    /// `""` and `"/"` give the empty group/version; more than one `/` is an error
    /// ("unexpected GroupVersion string: ...").
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() || s == "/" {
            return Ok(Self::default());
        }
        let mut parts = s.splitn(3, '/');
        let first = parts.next().unwrap_or_default();
        match (parts.next(), parts.next()) {
            (None, _) => Ok(Self::new("", first)),
            (Some(version), None) => Ok(Self::new(first, version)),
            (Some(_), Some(_)) => Err(Error::InvalidGroupVersion(s.to_owned())),
        }
    }

    /// True when both group and version are empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.version.is_empty()
    }

    /// The `apiVersion` string of objects in this group/version (`"apps/v1"`, `"v1"`).
    pub fn api_version(&self) -> String {
        self.to_string()
    }

    /// This group/version with a kind.
    pub fn with_kind(&self, kind: impl Into<String>) -> GroupVersionKind {
        GroupVersionKind::new(self.group.clone(), self.version.clone(), kind)
    }

    /// This group/version with a resource.
    pub fn with_resource(&self, resource: impl Into<String>) -> GroupVersionResource {
        GroupVersionResource::new(self.group.clone(), self.version.clone(), resource)
    }
}

impl fmt::Display for GroupVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            f.write_str(&self.version)
        } else {
            write!(f, "{}/{}", self.group, self.version)
        }
    }
}

impl FromStr for GroupVersion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Splits at the first `.`: `("deployments", "apps")` from `"deployments.apps"`.
fn split_first_dot(s: &str) -> (&str, &str) {
    match s.split_once('.') {
        Some((name, group)) => (name, group),
        None => (s, ""),
    }
}

/// `name` or `name.group` (the form Go prints for group kinds and group resources).
fn fmt_qualified(f: &mut fmt::Formatter<'_>, name: &str, group: &str) -> fmt::Result {
    if group.is_empty() {
        f.write_str(name)
    } else {
        write!(f, "{name}.{group}")
    }
}

/// A kind within a group, without version: `Deployment.apps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The kind (type name), e.g. `Deployment`.
    pub kind: String,
}

impl GroupKind {
    /// Builds a group/kind from its parts.
    pub fn new(group: impl Into<String>, kind: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            kind: kind.into(),
        }
    }

    /// Parses `"Kind.group"`, splitting at the first dot (`"Kind"` alone is the core group).
    pub fn parse(s: &str) -> Self {
        let (kind, group) = split_first_dot(s);
        Self::new(group, kind)
    }

    /// True when both group and kind are empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.kind.is_empty()
    }

    /// This group/kind with a version.
    pub fn with_version(&self, version: impl Into<String>) -> GroupVersionKind {
        GroupVersionKind::new(self.group.clone(), version, self.kind.clone())
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_qualified(f, &self.kind, &self.group)
    }
}

/// A resource within a group, without version: `deployments.apps`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupResource {
    /// The API group; empty for the core group.
    pub group: String,
    /// The resource (lower-case plural), e.g. `deployments`.
    pub resource: String,
}

impl GroupResource {
    /// Builds a group/resource from its parts.
    pub fn new(group: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            resource: resource.into(),
        }
    }

    /// Parses `"resource.group"`, splitting at the first dot (`"pods"` alone is the core group).
    pub fn parse(s: &str) -> Self {
        let (resource, group) = split_first_dot(s);
        Self::new(group, resource)
    }

    /// True when both group and resource are empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.resource.is_empty()
    }

    /// This group/resource with a version.
    pub fn with_version(&self, version: impl Into<String>) -> GroupVersionResource {
        GroupVersionResource::new(self.group.clone(), version, self.resource.clone())
    }
}

impl fmt::Display for GroupResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_qualified(f, &self.resource, &self.group)
    }
}

/// A fully qualified kind: group, version and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupVersionKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version within the group.
    pub version: String,
    /// The kind (type name), e.g. `Deployment`.
    pub kind: String,
}

impl GroupVersionKind {
    /// Builds a group/version/kind from its parts.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        kind: impl Into<String>,
    ) -> Self {
        Self {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
        }
    }

    /// Builds the kind of an object from its `apiVersion` and `kind` fields.
    ///
    /// An `apiVersion` that does not parse leaves group and version empty.
    pub fn from_api_version_and_kind(api_version: &str, kind: impl Into<String>) -> Self {
        match GroupVersion::parse(api_version) {
            Ok(gv) => Self::new(gv.group, gv.version, kind),
            Err(_) => Self::new("", "", kind),
        }
    }

    /// The `(apiVersion, kind)` pair of objects of this kind; `("", "")` when empty.
    pub fn to_api_version_and_kind(&self) -> (String, String) {
        if self.is_empty() {
            return (String::new(), String::new());
        }
        (self.group_version().to_string(), self.kind.clone())
    }

    /// True when group, version and kind are all empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.version.is_empty() && self.kind.is_empty()
    }

    /// The group/version part.
    pub fn group_version(&self) -> GroupVersion {
        GroupVersion::new(self.group.clone(), self.version.clone())
    }

    /// The group/kind part.
    pub fn group_kind(&self) -> GroupKind {
        GroupKind::new(self.group.clone(), self.kind.clone())
    }

    /// The `apiVersion` string of objects of this kind.
    pub fn api_version(&self) -> String {
        self.group_version().to_string()
    }

    /// Parses a `kind.version.group` argument the way `kubectl` does.
    ///
    /// With two or more dots the first return value is the full kind split into kind,
    /// version and group (the group keeps any further dots). The second value always
    /// reads the argument as `Kind.group`.
    pub fn parse_kind_arg(arg: &str) -> (Option<GroupVersionKind>, GroupKind) {
        (
            split_three(arg).map(|(k, v, g)| Self::new(g, v, k)),
            GroupKind::parse(arg),
        )
    }
}

impl fmt::Display for GroupVersionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}, Kind={}", self.group, self.version, self.kind)
    }
}

/// A fully qualified resource: group, version and resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupVersionResource {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version within the group.
    pub version: String,
    /// The resource (lower-case plural), e.g. `deployments`.
    pub resource: String,
}

impl GroupVersionResource {
    /// Builds a group/version/resource from its parts.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Self {
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
        }
    }

    /// True when group, version and resource are all empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.version.is_empty() && self.resource.is_empty()
    }

    /// The group/version part.
    pub fn group_version(&self) -> GroupVersion {
        GroupVersion::new(self.group.clone(), self.version.clone())
    }

    /// The group/resource part.
    pub fn group_resource(&self) -> GroupResource {
        GroupResource::new(self.group.clone(), self.resource.clone())
    }

    /// Parses a `resource.version.group` argument the way `kubectl` does.
    ///
    /// With two or more dots the first return value is the full resource split into
    /// resource, version and group (`"foo.v1.example.com"` is resource `foo`, version
    /// `v1`, group `example.com`). The second value always reads the argument as
    /// `resource.group`.
    pub fn parse_resource_arg(arg: &str) -> (Option<GroupVersionResource>, GroupResource) {
        (
            split_three(arg).map(|(r, v, g)| Self::new(g, v, r)),
            GroupResource::parse(arg),
        )
    }
}

impl fmt::Display for GroupVersionResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}, Resource={}",
            self.group, self.version, self.resource
        )
    }
}

/// `a.b.c.d` → `(a, b, "c.d")`; `None` with fewer than two dots.
fn split_three(arg: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arg.splitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c)) => Some((a, b, c)),
        _ => None,
    }
}

/// Guesses the plural and singular resource names of a kind, without asking the server.
///
/// Singular is the lower-cased kind. Plural: kinds ending in `endpoints` stay as they
/// are; a trailing `s` gets `es`; a trailing `y` becomes `ies` (whatever precedes it, so
/// `Gateway` becomes `gatewaies`, as upstream does); anything else gets `s`. An empty kind
/// gives empty resources. Prefer discovery (the REST mapper) for real names.
pub fn unsafe_guess_kind_to_resource(
    gvk: &GroupVersionKind,
) -> (GroupVersionResource, GroupVersionResource) {
    if gvk.kind.is_empty() {
        return Default::default();
    }
    let singular_name = gvk.kind.to_lowercase();
    let gv = gvk.group_version();
    let singular = gv.with_resource(singular_name.clone());
    let plural_name = if singular_name.ends_with("endpoints") {
        singular_name
    } else if singular_name.ends_with('s') {
        format!("{singular_name}es")
    } else if let Some(stem) = singular_name.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{singular_name}s")
    };
    (gv.with_resource(plural_name), singular)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_group_version_accepts_core_grouped_and_empty_forms() {
        let cases = [
            ("", GroupVersion::default()),
            ("/", GroupVersion::default()),
            ("v1", GroupVersion::new("", "v1")),
            ("apps/v1", GroupVersion::new("apps", "v1")),
            ("v1/", GroupVersion::new("v1", "")),
            ("/v1", GroupVersion::new("", "v1")),
        ];
        for (input, want) in cases {
            assert_eq!(GroupVersion::parse(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn parse_group_version_rejects_more_than_one_slash() {
        let err = GroupVersion::parse("a/b/c").unwrap_err();
        assert_eq!(err.to_string(), "unexpected GroupVersion string: a/b/c");
    }

    #[test]
    fn display_forms_match_go_strings() {
        assert_eq!(GroupVersion::new("", "v1").to_string(), "v1");
        assert_eq!(GroupVersion::new("apps", "v1").to_string(), "apps/v1");
        assert_eq!(GroupKind::new("", "Pod").to_string(), "Pod");
        assert_eq!(
            GroupKind::new("apps", "Deployment").to_string(),
            "Deployment.apps"
        );
        assert_eq!(GroupResource::new("", "pods").to_string(), "pods");
        assert_eq!(
            GroupResource::new("apps", "deployments").to_string(),
            "deployments.apps"
        );
        assert_eq!(
            GroupVersionKind::new("", "v1", "Pod").to_string(),
            "/v1, Kind=Pod"
        );
        assert_eq!(
            GroupVersionResource::new("apps", "v1", "deployments").to_string(),
            "apps/v1, Resource=deployments"
        );
    }

    #[test]
    fn parse_resource_arg_splits_full_form_only_with_two_dots() {
        let (full, gr) = GroupVersionResource::parse_resource_arg("foo.v1.example.com");
        assert_eq!(
            full,
            Some(GroupVersionResource::new("example.com", "v1", "foo"))
        );
        assert_eq!(gr, GroupResource::new("v1.example.com", "foo"));

        let (full, gr) = GroupVersionResource::parse_resource_arg("deployments.apps");
        assert_eq!(full, None);
        assert_eq!(gr, GroupResource::new("apps", "deployments"));

        let (full, gr) = GroupVersionResource::parse_resource_arg("pods");
        assert_eq!(full, None);
        assert_eq!(gr, GroupResource::new("", "pods"));
    }

    #[test]
    fn parse_kind_arg_splits_full_form_only_with_two_dots() {
        let (full, gk) = GroupVersionKind::parse_kind_arg("Deployment.v1.apps");
        assert_eq!(
            full,
            Some(GroupVersionKind::new("apps", "v1", "Deployment"))
        );
        assert_eq!(gk, GroupKind::new("v1.apps", "Deployment"));
        let (full, gk) = GroupVersionKind::parse_kind_arg("Pod");
        assert_eq!(full, None);
        assert_eq!(gk, GroupKind::new("", "Pod"));
    }

    #[test]
    fn api_version_and_kind_round_trip() {
        let gvk = GroupVersionKind::new("apps", "v1", "Deployment");
        assert_eq!(
            gvk.to_api_version_and_kind(),
            ("apps/v1".to_owned(), "Deployment".to_owned())
        );
        assert_eq!(
            GroupVersionKind::from_api_version_and_kind("apps/v1", "Deployment"),
            gvk
        );
        assert_eq!(
            GroupVersionKind::default().to_api_version_and_kind(),
            (String::new(), String::new())
        );
        assert_eq!(
            GroupVersionKind::from_api_version_and_kind("a/b/c", "Pod"),
            GroupVersionKind::new("", "", "Pod")
        );
    }

    #[test]
    fn guessed_resource_names_follow_upstream_pluralisation() {
        let cases = [
            ("Pod", "pods", "pod"),
            ("Endpoints", "endpoints", "endpoints"),
            ("CustomEndpoints", "customendpoints", "customendpoints"),
            ("Ingress", "ingresses", "ingress"),
            ("NetworkPolicy", "networkpolicies", "networkpolicy"),
            ("Gateway", "gatewaies", "gateway"),
            ("Key", "keies", "key"),
        ];
        for (kind, plural, singular) in cases {
            let (p, s) = unsafe_guess_kind_to_resource(&GroupVersionKind::new("g", "v1", kind));
            assert_eq!(p, GroupVersionResource::new("g", "v1", plural), "{kind}");
            assert_eq!(s, GroupVersionResource::new("g", "v1", singular), "{kind}");
        }
        let (p, s) = unsafe_guess_kind_to_resource(&GroupVersionKind::new("g", "v1", ""));
        assert!(p.is_empty() && s.is_empty());
    }
}
