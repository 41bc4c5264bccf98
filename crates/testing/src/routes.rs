//! What a URL path asks for: a discovery document, or a resource (group, version,
//! plural, namespace, name, subresource).

use clientgo_apimachinery::GroupVersionResource;

/// A resource request's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourcePath {
    pub(crate) resource: GroupVersionResource,
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) subresource: String,
}

/// What a path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/version`
    Version,
    /// `/healthz`, `/readyz`, `/livez`
    Health,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/<group>`
    Group(String),
    /// `/api/v1`, `/apis/<group>/<version>`
    ResourceList { group: String, version: String },
    /// Anything below a group version.
    Resource(ResourcePath),
    /// Nothing the fake serves.
    Unknown,
}

impl Route {
    pub(crate) fn parse(path: &str) -> Route {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["version"] => Route::Version,
            ["healthz" | "readyz" | "livez", ..] => Route::Health,
            ["api"] => Route::CoreVersions,
            ["apis"] => Route::Groups,
            ["apis", group] => Route::Group((*group).to_owned()),
            ["api", version, rest @ ..] => resource_route("", version, rest),
            ["apis", group, version, rest @ ..] => resource_route(group, version, rest),
            _ => Route::Unknown,
        }
    }
}

fn resource_route(group: &str, version: &str, rest: &[&str]) -> Route {
    let (namespace, plural, tail) = match rest {
        [] => {
            return Route::ResourceList {
                group: group.to_owned(),
                version: version.to_owned(),
            };
        }
        // `/api/v1/namespaces/<name>/status` is the namespace's own subresource.
        ["namespaces", _, "status" | "finalize"] if group.is_empty() => ("", rest[0], &rest[1..]),
        ["namespaces", namespace, plural, tail @ ..] => (*namespace, *plural, tail),
        [plural, tail @ ..] => ("", *plural, tail),
    };
    let (name, subresource) = match tail {
        [] => ("", String::new()),
        [name, sub @ ..] => (*name, sub.join("/")),
    };
    Route::Resource(ResourcePath {
        resource: GroupVersionResource::new(group, version, plural),
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        subresource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(path: &str) -> ResourcePath {
        match Route::parse(path) {
            Route::Resource(r) => r,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn paths_name_resource_scope_and_subresource() {
        let pod = resource("/api/v1/namespaces/ns/pods/web/status");
        assert_eq!(pod.resource, GroupVersionResource::new("", "v1", "pods"));
        assert_eq!(
            (
                pod.namespace.as_str(),
                pod.name.as_str(),
                pod.subresource.as_str()
            ),
            ("ns", "web", "status")
        );
        let all = resource("/apis/apps/v1/deployments");
        assert_eq!((all.namespace.as_str(), all.name.as_str()), ("", ""));
        let namespace = resource("/api/v1/namespaces/kube-system");
        assert_eq!(namespace.resource.resource, "namespaces");
        assert_eq!(
            (namespace.namespace.as_str(), namespace.name.as_str()),
            ("", "kube-system")
        );
        let status = resource("/api/v1/namespaces/kube-system/status");
        assert_eq!(
            (status.name.as_str(), status.subresource.as_str()),
            ("kube-system", "status")
        );
        let list = resource("/api/v1/namespaces/ns/configmaps");
        assert_eq!(
            (list.namespace.as_str(), list.resource.resource.as_str()),
            ("ns", "configmaps")
        );
        assert_eq!(
            Route::parse("/apis/apps/v1"),
            Route::ResourceList {
                group: "apps".into(),
                version: "v1".into()
            }
        );
        assert_eq!(Route::parse("/apis"), Route::Groups);
        assert_eq!(Route::parse("/nope"), Route::Unknown);
    }
}
