//! Strategic merge patch: a JSON merge patch in which some lists merge element by
//! element (by a merge key such as a container's `name`) instead of being replaced,
//! with the directives `$patch: replace|delete|merge`, `$retainKeys` and
//! `$deleteFromPrimitiveList/<field>`. `$setElementOrder/<field>` is accepted and
//! ignored: merged lists keep the original elements first, new ones appended.

use clientgo_apimachinery::GroupVersionKind;
use serde_json::{Map, Value};

use super::PatchError;

/// How a list field merges in a strategic merge patch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MergeStrategy {
    /// The patch's list replaces the original (the default, "atomic" lists).
    Replace,
    /// Elements are objects merged by the value of this key; new keys are appended.
    MergeByKey(String),
    /// Elements are scalars merged as a set (union, original order first).
    MergeSet,
}

/// Where the merge keys of a strategic merge patch come from: the strategy of the list
/// at `path` (the field names from the object's root, list positions left out, e.g.
/// `["spec", "template", "spec", "containers", "ports"]`) of objects of kind `gvk`.
/// `None` means [`MergeStrategy::Replace`].
///
/// Closures of the same signature implement it.
pub trait PatchMeta: Send + Sync {
    /// The merge strategy of the list at `path`.
    fn merge_strategy(&self, gvk: &GroupVersionKind, path: &[&str]) -> Option<MergeStrategy>;
}

impl<F> PatchMeta for F
where
    F: Fn(&GroupVersionKind, &[&str]) -> Option<MergeStrategy> + Send + Sync,
{
    fn merge_strategy(&self, gvk: &GroupVersionKind, path: &[&str]) -> Option<MergeStrategy> {
        self(gvk, path)
    }
}

/// The merge keys of the built-in API types that tests patch most, taken from the
/// `x-kubernetes-patch-merge-key` / `x-kubernetes-patch-strategy` markers of the API:
///
/// - in any pod spec (a `spec` holding them: pods, and the pod templates of
///   deployments, stateful sets, daemon sets, replica sets, jobs and cron jobs):
///   `containers`, `initContainers`, `ephemeralContainers`, `imagePullSecrets`,
///   `volumes`, `schedulingGates`, `resourceClaims` by `name`; `hostAliases` by `ip`;
///   `topologySpreadConstraints` by `topologyKey`;
/// - in containers: `env` by `name`, `ports` by `containerPort`, `volumeMounts` by
///   `mountPath`, `volumeDevices` by `devicePath`;
/// - `metadata.finalizers` as a set, `metadata.ownerReferences` by `uid`;
/// - `status.conditions` by `type`; nodes' `status.addresses` by `type` and
///   `spec.podCIDRs` as a set; pods' `status.podIPs` by `ip`;
/// - services' `spec.ports` by `port`; service accounts' `secrets` by `name`.
///
/// Every other list (tolerations, args, ...) is replaced, as in the API.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinPatchMeta;

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

impl PatchMeta for BuiltinPatchMeta {
    fn merge_strategy(&self, gvk: &GroupVersionKind, path: &[&str]) -> Option<MergeStrategy> {
        let by = |key: &str| Some(MergeStrategy::MergeByKey(key.to_owned()));
        match path {
            ["metadata", "finalizers"] => return Some(MergeStrategy::MergeSet),
            ["metadata", "ownerReferences"] => return by("uid"),
            ["status", "conditions"] => return by("type"),
            ["status", "addresses"] if gvk.kind == "Node" => return by("type"),
            ["spec", "podCIDRs"] if gvk.kind == "Node" => return Some(MergeStrategy::MergeSet),
            ["status", "podIPs"] if gvk.kind == "Pod" => return by("ip"),
            ["spec", "ports"] if gvk.kind == "Service" => return by("port"),
            ["secrets"] if gvk.kind == "ServiceAccount" => return by("name"),
            _ => {}
        }
        let [.., parent, last] = path else {
            return None;
        };
        if *parent == "spec" {
            return match *last {
                "containers"
                | "initContainers"
                | "ephemeralContainers"
                | "imagePullSecrets"
                | "volumes"
                | "schedulingGates"
                | "resourceClaims" => by("name"),
                "hostAliases" => by("ip"),
                "topologySpreadConstraints" => by("topologyKey"),
                _ => None,
            };
        }
        if CONTAINER_LISTS.contains(parent) {
            return match *last {
                "env" => by("name"),
                "ports" => by("containerPort"),
                "volumeMounts" => by("mountPath"),
                "volumeDevices" => by("devicePath"),
                _ => None,
            };
        }
        None
    }
}

/// Applies the strategic merge patch `patch` to `original` (an object of kind `gvk`),
/// looking list strategies up in `meta`.
///
/// ```
/// use clientgo_apimachinery::GroupVersionKind;
/// use clientgo_testing::patch::{BuiltinPatchMeta, strategic_merge_patch};
/// use serde_json::json;
///
/// let pod = json!({"spec": {"containers": [{"name": "app", "image": "v1"}, {"name": "sidecar", "image": "s"}]}});
/// let patch = json!({"spec": {"containers": [{"name": "app", "image": "v2"}]}});
/// let gvk = GroupVersionKind::new("", "v1", "Pod");
/// let patched = strategic_merge_patch(&pod, &patch, &gvk, &BuiltinPatchMeta)?;
/// assert_eq!(patched["spec"]["containers"], json!([{"name": "app", "image": "v2"}, {"name": "sidecar", "image": "s"}]));
/// # Ok::<(), clientgo_testing::patch::PatchError>(())
/// ```
pub fn strategic_merge_patch(
    original: &Value,
    patch: &Value,
    gvk: &GroupVersionKind,
    meta: &dyn PatchMeta,
) -> Result<Value, PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::Malformed(
            "a strategic merge patch must be a JSON object".into(),
        ));
    };
    let mut merged = match original {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let merger = Merger { gvk, meta };
    merger.merge_map(&mut merged, patch, &mut Vec::new())?;
    Ok(Value::Object(merged))
}

struct Merger<'a> {
    gvk: &'a GroupVersionKind,
    meta: &'a dyn PatchMeta,
}

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";

fn directive(value: &Value) -> Option<&str> {
    value.get(DIRECTIVE).and_then(Value::as_str)
}

impl Merger<'_> {
    fn strategy(&self, path: &[String]) -> MergeStrategy {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        self.meta
            .merge_strategy(self.gvk, &path)
            .unwrap_or(MergeStrategy::Replace)
    }

    /// `patch` applied to nothing: its directives and `null`s removed.
    fn fresh(&self, patch: &Value, path: &mut Vec<String>) -> Result<Value, PatchError> {
        match patch {
            Value::Object(patch) => {
                let mut merged = Map::new();
                self.merge_map(&mut merged, patch, path)?;
                Ok(Value::Object(merged))
            }
            Value::Array(items) => Ok(Value::Array(self.merge_list(Vec::new(), items, path)?)),
            other => Ok(other.clone()),
        }
    }

    fn merge_map(
        &self,
        original: &mut Map<String, Value>,
        patch: &Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<(), PatchError> {
        match patch.get(DIRECTIVE).map(|d| d.as_str()) {
            None | Some(Some("merge")) => {}
            Some(Some("replace")) => {
                original.clear();
                let rest: Map<String, Value> = patch
                    .iter()
                    .filter(|(k, _)| k.as_str() != DIRECTIVE)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                return self.merge_map(original, &rest, path);
            }
            Some(Some("delete")) => {
                original.clear();
                return Ok(());
            }
            Some(other) => {
                return Err(PatchError::Malformed(format!(
                    "unknown patch directive {other:?}"
                )));
            }
        }
        let mut deletions = Vec::new();
        for (key, value) in patch {
            if key == DIRECTIVE || key == RETAIN_KEYS || key.starts_with(SET_ELEMENT_ORDER) {
                continue;
            }
            if let Some(field) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
                deletions.push((field, value));
                continue;
            }
            path.push(key.clone());
            let result = self.merge_field(original, key, value, path);
            path.pop();
            result?;
        }
        for (field, values) in deletions {
            let values = values.as_array().ok_or_else(|| {
                PatchError::Malformed(format!(
                    "{DELETE_FROM_PRIMITIVE_LIST}{field} must be a list"
                ))
            })?;
            if let Some(Value::Array(items)) = original.get_mut(field) {
                items.retain(|item| !values.contains(item));
            }
        }
        if let Some(retain) = patch.get(RETAIN_KEYS) {
            let keys = retain.as_array().ok_or_else(|| {
                PatchError::Malformed(format!("{RETAIN_KEYS} must be a list of field names"))
            })?;
            original.retain(|key, _| keys.iter().any(|k| k.as_str() == Some(key)));
        }
        Ok(())
    }

    fn merge_field(
        &self,
        original: &mut Map<String, Value>,
        key: &str,
        value: &Value,
        path: &mut Vec<String>,
    ) -> Result<(), PatchError> {
        match value {
            Value::Null => {
                original.remove(key);
            }
            Value::Object(_) if directive(value) == Some("delete") => {
                original.remove(key);
            }
            Value::Object(patch) => match original.get_mut(key) {
                Some(Value::Object(existing)) => self.merge_map(existing, patch, path)?,
                _ => {
                    let fresh = self.fresh(value, path)?;
                    original.insert(key.to_owned(), fresh);
                }
            },
            Value::Array(items) => {
                let existing = match original.remove(key) {
                    Some(Value::Array(existing)) => existing,
                    _ => Vec::new(),
                };
                let merged = self.merge_list(existing, items, path)?;
                original.insert(key.to_owned(), Value::Array(merged));
            }
            scalar => {
                original.insert(key.to_owned(), scalar.clone());
            }
        }
        Ok(())
    }

    fn merge_list(
        &self,
        original: Vec<Value>,
        patch: &[Value],
        path: &mut Vec<String>,
    ) -> Result<Vec<Value>, PatchError> {
        let replace_all = patch.iter().any(|item| directive(item) == Some("replace"));
        let strategy = if replace_all {
            MergeStrategy::Replace
        } else {
            self.strategy(path)
        };
        match strategy {
            MergeStrategy::Replace => patch
                .iter()
                .filter(|item| directive(item).is_none() || !is_bare_directive(item))
                .map(|item| self.fresh(item, path))
                .collect(),
            MergeStrategy::MergeSet => {
                let mut merged = original;
                for item in patch {
                    if !merged.contains(item) {
                        merged.push(item.clone());
                    }
                }
                Ok(merged)
            }
            MergeStrategy::MergeByKey(key) => {
                let mut merged = original;
                for item in patch {
                    let Value::Object(fields) = item else {
                        if !merged.contains(item) {
                            merged.push(item.clone());
                        }
                        continue;
                    };
                    let wanted = fields.get(&key).ok_or_else(|| {
                        PatchError::Malformed(format!(
                            "map: {item} does not contain declared merge key: {key}"
                        ))
                    })?;
                    let position = merged.iter().position(|e| e.get(&key) == Some(wanted));
                    if directive(item) == Some("delete") {
                        merged.retain(|e| e.get(&key) != Some(wanted));
                        continue;
                    }
                    match position.and_then(|i| merged.get_mut(i)) {
                        Some(Value::Object(existing)) => self.merge_map(existing, fields, path)?,
                        _ => merged.push(self.fresh(item, path)?),
                    }
                }
                Ok(merged)
            }
        }
    }
}

/// An element that only carries a `$patch` directive.
fn is_bare_directive(item: &Value) -> bool {
    item.as_object()
        .is_some_and(|m| m.len() == 1 && m.contains_key(DIRECTIVE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment_patch(original: Value, patch: Value) -> Value {
        let gvk = GroupVersionKind::new("apps", "v1", "Deployment");
        strategic_merge_patch(&original, &patch, &gvk, &BuiltinPatchMeta).unwrap()
    }

    fn deployment() -> Value {
        json!({
            "metadata": {"name": "web", "finalizers": ["a"]},
            "spec": {"replicas": 1, "template": {"spec": {
                "containers": [
                    {"name": "app", "image": "app:1", "env": [{"name": "A", "value": "1"}], "args": ["x"]},
                    {"name": "sidecar", "image": "side:1"},
                ],
                "tolerations": [{"key": "k"}],
            }}},
        })
    }

    #[test]
    fn containers_and_env_merge_by_name() {
        let patched = deployment_patch(
            deployment(),
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "app", "image": "app:2", "env": [{"name": "B", "value": "2"}], "args": ["y"]},
                {"name": "new", "image": "new:1"},
            ]}}}}),
        );
        let containers = &patched["spec"]["template"]["spec"]["containers"];
        assert_eq!(
            containers,
            &json!([
                {"name": "app", "image": "app:2", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "args": ["y"]},
                {"name": "sidecar", "image": "side:1"},
                {"name": "new", "image": "new:1"},
            ])
        );
        assert_eq!(patched["spec"]["replicas"], 1);
    }

    #[test]
    fn directives_delete_and_replace() {
        let patched = deployment_patch(
            deployment(),
            json!({
                "metadata": {"finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]},
                "spec": {"template": {"spec": {
                    "containers": [{"name": "sidecar", "$patch": "delete"}],
                    "tolerations": [{"key": "other"}],
                }}},
            }),
        );
        assert_eq!(patched["metadata"]["finalizers"], json!(["b"]));
        let spec = &patched["spec"]["template"]["spec"];
        assert_eq!(spec["containers"].as_array().unwrap().len(), 1);
        assert_eq!(spec["tolerations"], json!([{"key": "other"}]));

        let replaced = deployment_patch(
            deployment(),
            json!({"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "only"}]}}}}),
        );
        assert_eq!(
            replaced["spec"]["template"]["spec"]["containers"],
            json!([{"name": "only"}])
        );
        let map_replaced = deployment_patch(
            deployment(),
            json!({"spec": {"$patch": "replace", "replicas": 5}}),
        );
        assert_eq!(map_replaced["spec"], json!({"replicas": 5}));
        let map_deleted = deployment_patch(deployment(), json!({"spec": {"$patch": "delete"}}));
        assert!(map_deleted.get("spec").is_none());
    }

    #[test]
    fn retain_keys_drops_other_fields() {
        let original = json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
        let patched = deployment_patch(
            original,
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        );
        assert_eq!(patched["spec"]["strategy"], json!({"type": "Recreate"}));
    }

    #[test]
    fn malformed_patches_are_errors() {
        let gvk = GroupVersionKind::new("", "v1", "Pod");
        for patch in [
            json!([1]),
            json!({"spec": {"containers": [{"image": "no-name"}]}}),
            json!({"spec": {"$patch": "explode"}}),
        ] {
            assert!(
                strategic_merge_patch(&json!({}), &patch, &gvk, &BuiltinPatchMeta).is_err(),
                "{patch}"
            );
        }
    }

    #[test]
    fn closures_are_patch_meta() {
        let meta = |_: &GroupVersionKind, path: &[&str]| {
            (path == ["spec", "items"]).then(|| MergeStrategy::MergeByKey("id".into()))
        };
        let gvk = GroupVersionKind::new("example.com", "v1", "Widget");
        let patched = strategic_merge_patch(
            &json!({"spec": {"items": [{"id": 1, "v": "a"}]}}),
            &json!({"spec": {"items": [{"id": 1, "v": "b"}, {"id": 2}]}}),
            &gvk,
            &meta,
        )
        .unwrap();
        assert_eq!(
            patched["spec"]["items"],
            json!([{"id": 1, "v": "b"}, {"id": 2}])
        );
    }
}
