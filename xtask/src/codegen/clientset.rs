//! Renders the typed clientset's accessors: a struct per group-version with a method
//! per resource returning the generic typed client.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::names;
use super::spec::{Definition, Model};

/// A group-version's accessor name (`apps_v1`) and struct name (`AppsV1`).
pub fn group_version_names(package: &str, version: &str) -> (String, String) {
    let method = format!("{package}_{version}");
    let mut type_name = String::new();
    let mut upper = true;
    for c in method.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            type_name.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            type_name.push(c);
        }
    }
    (method, type_name)
}

/// A resource's accessor name, its kind's definition and whether it is namespaced.
pub type Accessor<'a> = (String, &'a Definition, bool);

/// The accessors of each (package, version).
pub type GroupVersions<'a> = BTreeMap<(String, String), Vec<Accessor<'a>>>;

/// The resources of each package/version, sorted by accessor name.
pub fn resources_by_group_version(model: &Model) -> GroupVersions<'_> {
    let mut out = GroupVersions::new();
    for (id, resource) in &model.resources {
        let Some(def) = model.definitions.get(id) else {
            continue;
        };
        let Some(gvk) = &def.gvk else { continue };
        let accessor = names::accessor_name(&gvk.kind, &resource.plural);
        out.entry((def.package.clone(), def.version.clone()))
            .or_default()
            .push((accessor, def, resource.namespaced));
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

/// `src/generated.rs` of the clientset crate.
pub fn render(model: &Model, out: &mut String) {
    let groups = resources_by_group_version(model);
    out.push_str("#[allow(unused_imports)] // unused when no API group feature is on\nuse crate::{Client, Clientset};\n\n");
    out.push_str("impl Clientset {\n");
    for (package, version) in groups.keys() {
        let (method, type_name) = group_version_names(package, version);
        let _ = writeln!(
            out,
            "    /// The `{package}/{version}` resources.
    #[cfg(feature = \"{package}\")]
    pub fn {method}(&self) -> {type_name}<'_> {{
        {type_name} {{ clientset: self }}
    }}
"
        );
    }
    render_list_values(model, &groups, out);
    out.push_str("}\n");
    out.push_str(LIST_VALUES_HELPER);
    out.push('\n');
    for ((package, version), resources) in &groups {
        let (_, type_name) = group_version_names(package, version);
        let _ = writeln!(
            out,
            "/// The typed clients of the `{package}/{version}` resources.
#[cfg(feature = \"{package}\")]
#[derive(Clone, Copy, Debug)]
pub struct {type_name}<'a> {{
    clientset: &'a Clientset,
}}

#[cfg(feature = \"{package}\")]
impl {type_name}<'_> {{"
        );
        for (accessor, def, namespaced) in resources {
            let path = format!(
                "clientgo_api::{}::{}::{}",
                def.package, def.version, def.name
            );
            if *namespaced {
                let _ = writeln!(
                    out,
                    "    /// `{name}` objects in `namespace` (`\"\"`: all namespaces).
    pub fn {accessor}(&self, namespace: &str) -> Client<{path}> {{
        self.clientset.namespaced(namespace)
    }}
",
                    name = def.name
                );
            } else {
                let _ = writeln!(
                    out,
                    "    /// `{name}` objects (cluster-scoped).
    pub fn {accessor}(&self) -> Client<{path}> {{
        self.clientset.cluster()
    }}
",
                    name = def.name
                );
            }
        }
        out.push_str("}\n\n");
    }
}

/// `Clientset::list_values`: lists any resource through its typed client, by name.
fn render_list_values(model: &Model, groups: &GroupVersions<'_>, out: &mut String) {
    out.push_str(
        "    /// Lists `resource` through its typed client (decoding every object into its
    /// generated type, from protobuf when the client prefers it) and returns the list
    /// encoded again as JSON values; `None` when no typed client lists that resource.
    /// Namespaced resources are listed across all namespaces. For tools that know a
    /// resource only by name and want what a typed client sees.
    #[allow(unused_variables)] // unused when no API group feature is on
    pub async fn list_values(
        &self,
        resource: &clientgo_apimachinery::GroupVersionResource,
        options: &clientgo_apimachinery::meta::ListOptions,
    ) -> Option<clientgo_rest::Result<clientgo_apimachinery::ObjectList<serde_json::Value>>> {
        let key = (resource.group.as_str(), resource.version.as_str(), resource.resource.as_str());
        match key {
",
    );
    for ((package, version), resources) in groups {
        let (method, _) = group_version_names(package, version);
        for (accessor, def, namespaced) in resources {
            let Some(resource) = model.resources.get(&def.id) else {
                continue;
            };
            let Some(gvk) = &def.gvk else { continue };
            if !resource.verbs.contains("list") {
                continue;
            }
            let args = if *namespaced { "\"\"" } else { "" };
            let _ = writeln!(
                out,
                "            #[cfg(feature = \"{package}\")]
            ({group:?}, {version:?}, {plural:?}) => Some(
                self.{method}().{accessor}({args}).list(options).await.and_then(list_values),
            ),",
                group = gvk.group,
                version = gvk.version,
                plural = resource.plural,
            );
        }
    }
    out.push_str("            _ => None,\n        }\n    }\n");
}

/// The helper `list_values` ends with.
const LIST_VALUES_HELPER: &str = "
/// A typed list encoded again as JSON values.
#[allow(dead_code)] // unused when no API group feature is on
fn list_values<K: serde::Serialize>(
    list: clientgo_apimachinery::ObjectList<K>,
) -> clientgo_rest::Result<clientgo_apimachinery::ObjectList<serde_json::Value>> {
    let items = list
        .items
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| clientgo_rest::Error::Request(format!(\"encoding an object: {e}\")))?;
    Ok(clientgo_apimachinery::ObjectList {
        api_version: list.api_version,
        kind: list.kind,
        metadata: list.metadata,
        items,
    })
}
";
