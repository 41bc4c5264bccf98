//! Renders the typed listers' aliases and the informer factory's accessors: for every
//! resource the API lets clients list and watch.

use std::fmt::Write as _;

use super::clientset::{GroupVersions, group_version_names, resources_by_group_version};
use super::spec::Model;

/// The resources that can be listed and watched, by group-version.
fn watchable(model: &Model) -> GroupVersions<'_> {
    let mut groups = resources_by_group_version(model);
    for resources in groups.values_mut() {
        resources.retain(|(_, def, _)| {
            model
                .resources
                .get(&def.id)
                .is_some_and(|r| r.verbs.contains("list") && r.verbs.contains("watch"))
        });
    }
    groups.retain(|_, resources| !resources.is_empty());
    groups
}

/// `crates/listers/src/generated.rs`: `PodLister = Lister<Pod>`, ... per group-version.
pub fn render_listers(model: &Model, out: &mut String) {
    for ((package, version), resources) in &watchable(model) {
        let (module, _) = group_version_names(package, version);
        let _ = writeln!(
            out,
            "/// Listers of the `{package}/{version}` resources.
#[cfg(feature = \"{package}\")]
pub mod {module} {{"
        );
        for (_, def, namespaced) in resources {
            let scope = if *namespaced {
                "by namespace or across all namespaces"
            } else {
                "cluster-scoped"
            };
            let _ = writeln!(
                out,
                "    /// Lists and gets `{name}` objects from an informer's cache ({scope}).
    pub type {name}Lister = crate::Lister<clientgo_api::{package}::{version}::{name}>;",
                name = def.name
            );
        }
        out.push_str("}\n\n");
    }
}

/// `crates/informers/src/generated.rs`: `factory.apps_v1().deployments()`, ...
pub fn render_informers(model: &Model, out: &mut String) {
    let groups = watchable(model);
    out.push_str("#[allow(unused_imports)] // unused when no API group feature is on\nuse crate::{SharedInformerFactory, TypedInformer};\n\n");
    out.push_str("impl SharedInformerFactory {\n");
    for (package, version) in groups.keys() {
        let (method, type_name) = group_version_names(package, version);
        let _ = writeln!(
            out,
            "    /// The informers of the `{package}/{version}` resources.
    #[cfg(feature = \"{package}\")]
    pub fn {method}(&self) -> {type_name}<'_> {{
        {type_name} {{ factory: self }}
    }}
"
        );
    }
    out.push_str("}\n\n");
    render_has_typed_informer(model, &groups, out);
    for ((package, version), resources) in &groups {
        let (_, type_name) = group_version_names(package, version);
        let _ = writeln!(
            out,
            "/// The informers of the `{package}/{version}` resources, shared through the factory.
#[cfg(feature = \"{package}\")]
#[derive(Clone, Copy, Debug)]
pub struct {type_name}<'a> {{
    factory: &'a SharedInformerFactory,
}}

#[cfg(feature = \"{package}\")]
impl {type_name}<'_> {{"
        );
        for (accessor, def, _) in resources {
            let _ = writeln!(
                out,
                "    /// The shared informer and lister of `{name}` objects.
    pub fn {accessor}(&self) -> TypedInformer<clientgo_api::{package}::{version}::{name}> {{
        self.factory.typed()
    }}
",
                name = def.name
            );
        }
        out.push_str("}\n\n");
    }
}

/// `has_typed_informer(group, version, resource)`: whether this build has a typed
/// informer for a resource (for `SharedInformerFactory::for_resource`).
fn render_has_typed_informer(model: &Model, groups: &GroupVersions<'_>, out: &mut String) {
    out.push_str(
        "/// Whether this build has a typed informer for `group/version/resource` (its API
/// group's feature is on).
#[allow(clippy::match_like_matches_macro, clippy::match_single_binding)]
pub(crate) fn has_typed_informer(group: &str, version: &str, resource: &str) -> bool {
    match (group, version, resource) {
",
    );
    for ((package, _), resources) in groups {
        for (_, def, _) in resources {
            let (Some(gvk), Some(resource)) = (&def.gvk, model.resources.get(&def.id)) else {
                continue;
            };
            let _ = writeln!(
                out,
                "        #[cfg(feature = \"{package}\")]
        ({:?}, {:?}, {:?}) => true,",
                gvk.group, gvk.version, resource.plural
            );
        }
    }
    out.push_str("        _ => false,\n    }\n}\n\n");
}
