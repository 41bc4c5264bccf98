//! Reads a Kubernetes OpenAPI v2 document into the model the renderers use: API type
//! definitions grouped by Go package, and the resources the document's paths serve.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::fixups;
use super::names;

/// A type of a field, as the renderers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    String,
    /// Base64 bytes.
    Bytes,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// Any JSON.
    Json,
    /// Another definition, by id.
    Ref(String),
    /// An array.
    Vec(Box<Ty>),
    /// A map with string keys.
    Map(Box<Ty>),
}

/// One property of a definition.
#[derive(Clone, Debug)]
pub struct Field {
    /// The JSON name.
    pub json: String,
    /// The Rust name.
    pub rust: String,
    /// The description.
    pub doc: String,
    /// The type.
    pub ty: Ty,
    /// Listed in the definition's `required`.
    pub required: bool,
    /// Stored in a `Box`: the type contains itself, or it is an optional large struct
    /// (see `layout`).
    pub boxed: bool,
}

/// What a definition becomes.
#[derive(Clone, Debug)]
pub enum Shape {
    /// A struct with these fields.
    Struct(Vec<Field>),
    /// `ObjectList<item>`.
    List(String),
    /// Any JSON (fixup).
    Json,
}

/// A group/version/kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gvk {
    /// The API group ("" for core).
    pub group: String,
    /// The version.
    pub version: String,
    /// The kind.
    pub kind: String,
}

/// A definition the generator emits.
#[derive(Clone, Debug)]
pub struct Definition {
    /// The full OpenAPI id (`io.k8s.api.apps.v1.Deployment`).
    pub id: String,
    /// The Go package's last element (`apps`), also the module and Cargo feature.
    pub package: String,
    /// The version module (`v1`).
    pub version: String,
    /// The Rust type name.
    pub name: String,
    /// The description.
    pub doc: String,
    /// What it becomes.
    pub shape: Shape,
    /// The kind it is sent and received as, if it is a top-level object.
    pub gvk: Option<Gvk>,
}

/// A resource the API serves for a kind.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    /// The URL name (`deployments`).
    pub plural: String,
    /// Namespaced (`true`) or cluster-scoped.
    pub namespaced: bool,
    /// The verbs served on the resource itself.
    pub verbs: BTreeSet<String>,
    /// Subresource name → the verbs served on it and the kind it exchanges.
    pub subresources: BTreeMap<String, Subresource>,
}

/// A subresource (`status`, `scale`, `log`, ...).
#[derive(Clone, Debug, Default)]
pub struct Subresource {
    /// The verbs served.
    pub verbs: BTreeSet<String>,
    /// The kind sent and received, if the document names one.
    pub gvk: Option<Gvk>,
}

/// The whole model.
#[derive(Debug)]
pub struct Model {
    /// The release the document describes (`info.version`, e.g. `1.37`).
    pub info_version: String,
    /// Emitted definitions by id.
    pub definitions: BTreeMap<String, Definition>,
    /// Definitions outside the generated packages (API machinery) that the emitted ones
    /// reference, by id, with their fields for apply configurations.
    pub machinery: BTreeMap<String, Definition>,
    /// Resources by the id of their kind's definition.
    pub resources: BTreeMap<String, Resource>,
    /// Protobuf field numbers by definition id (empty without a stored table).
    pub protobuf: super::protobuf::Table,
    /// The definitions that decode from protobuf.
    pub protobuf_supported: BTreeSet<String>,
}

impl Model {
    /// Looks a definition up among both the emitted and the machinery ones.
    pub fn lookup(&self, id: &str) -> Option<&Definition> {
        self.definitions.get(id).or_else(|| self.machinery.get(id))
    }
}

/// Reads the document.
pub fn parse(document: &Value) -> Result<Model, String> {
    let definitions = document
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or("the document has no definitions")?;
    let info_version = document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    let mut emitted = BTreeMap::new();
    let mut machinery = BTreeMap::new();
    for (id, schema) in definitions {
        let Some((package, version, name)) = split_id(id) else {
            continue;
        };
        let definition = Definition {
            id: id.clone(),
            package: package.to_string(),
            version: version.to_string(),
            name: name.to_string(),
            doc: text(schema, "description"),
            shape: shape(id, schema)?,
            gvk: single_gvk(schema),
        };
        if is_machinery(id) {
            machinery.insert(id.clone(), definition);
        } else {
            emitted.insert(id.clone(), definition);
        }
    }
    let mut model = Model {
        info_version,
        definitions: emitted,
        machinery,
        resources: BTreeMap::new(),
        protobuf: BTreeMap::new(),
        protobuf_supported: BTreeSet::new(),
    };
    mark_boxed_fields(&mut model);
    super::layout::box_large_optional_fields(&mut model);
    model.resources = resources(document, &model)?;
    Ok(model)
}

/// API machinery definitions are hand-written in `clientgo-apimachinery`.
pub fn is_machinery(id: &str) -> bool {
    id.starts_with("io.k8s.apimachinery.")
}

/// `(package, version, name)` of a definition id, for the Kubernetes definitions.
fn split_id(id: &str) -> Option<(&str, &str, &str)> {
    if !id.starts_with("io.k8s.") {
        return None; // custom resources of the server the document came from
    }
    let mut parts = id.rsplitn(4, '.');
    let name = parts.next()?;
    let version = parts.next()?;
    let package = parts.next()?;
    Some((package, version, name))
}

fn text(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn single_gvk(schema: &Value) -> Option<Gvk> {
    let list = schema.get("x-kubernetes-group-version-kind")?.as_array()?;
    match list.as_slice() {
        [one] => Some(gvk(one)),
        _ => None,
    }
}

fn gvk(value: &Value) -> Gvk {
    Gvk {
        group: text(value, "group"),
        version: text(value, "version"),
        kind: text(value, "kind"),
    }
}

fn shape(id: &str, schema: &Value) -> Result<Shape, String> {
    if fixups::is_any_json(id) {
        return Ok(Shape::Json);
    }
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (json, property) in properties {
            let ty = ty(property).map_err(|e| format!("{id}.{json}: {e}"))?;
            fields.push(Field {
                json: json.clone(),
                rust: names::field_name(json),
                doc: text(property, "description"),
                ty,
                required: required.contains(json.as_str()),
                boxed: false,
            });
        }
    }
    if let Some(item) = list_item(schema, &fields) {
        return Ok(Shape::List(item));
    }
    Ok(Shape::Struct(fields))
}

/// The item definition of a standard list type (`apiVersion`, `kind`, `metadata`
/// of type ListMeta, `items`).
fn list_item(schema: &Value, fields: &[Field]) -> Option<String> {
    let kind = single_gvk(schema)?.kind;
    if !kind.ends_with("List") || fields.len() != 4 {
        return None;
    }
    let mut item = None;
    for field in fields {
        match (field.json.as_str(), &field.ty) {
            ("apiVersion" | "kind", Ty::String) => {}
            ("metadata", Ty::Ref(id)) if id.ends_with("meta.v1.ListMeta") => {}
            ("items", Ty::Vec(inner)) => match inner.as_ref() {
                Ty::Ref(id) => item = Some(id.clone()),
                _ => return None,
            },
            _ => return None,
        }
    }
    item
}

fn ty(property: &Value) -> Result<Ty, String> {
    if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
        let id = reference
            .strip_prefix("#/definitions/")
            .ok_or_else(|| format!("unsupported reference {reference}"))?;
        return Ok(Ty::Ref(id.to_string()));
    }
    let format = property.get("format").and_then(Value::as_str);
    Ok(match property.get("type").and_then(Value::as_str) {
        Some("string") if format == Some("byte") => Ty::Bytes,
        Some("string") => Ty::String,
        Some("integer") if format == Some("int32") => Ty::I32,
        Some("integer") => Ty::I64,
        Some("number") => Ty::F64,
        Some("boolean") => Ty::Bool,
        Some("array") => Ty::Vec(Box::new(ty(property
            .get("items")
            .ok_or("an array without items")?)?)),
        Some("object") => match property.get("additionalProperties") {
            Some(inner) if inner.is_object() => Ty::Map(Box::new(ty(inner)?)),
            _ => Ty::Json,
        },
        None => Ty::Json,
        Some(other) => return Err(format!("unsupported type {other}")),
    })
}

/// Boxes every field whose type can contain the field's own struct without going
/// through a collection (`JSONSchemaProps.not`), so the types have a finite size.
fn mark_boxed_fields(model: &mut Model) {
    let direct: BTreeMap<String, Vec<String>> = model
        .definitions
        .iter()
        .map(|(id, def)| {
            let targets = match &def.shape {
                Shape::Struct(fields) => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        Ty::Ref(target) => Some(target.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (id.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.extend(direct.get(&next).into_iter().flatten().cloned());
            }
        }
        false
    };
    for (id, def) in &mut model.definitions {
        if let Shape::Struct(fields) = &mut def.shape {
            for field in fields {
                if let Ty::Ref(target) = &field.ty {
                    field.boxed = reaches(target, id);
                }
            }
        }
    }
}

/// The resources of the document's paths, keyed by their kind's definition id.
fn resources(document: &Value, model: &Model) -> Result<BTreeMap<String, Resource>, String> {
    let by_gvk: BTreeMap<Gvk, &str> = model
        .definitions
        .values()
        .filter_map(|def| def.gvk.clone().map(|gvk| (gvk, def.id.as_str())))
        .collect();
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no paths")?;

    // Pass 1: the resources themselves (paths without a subresource).
    let mut found: BTreeMap<(String, String, String), (String, Resource)> = BTreeMap::new();
    let mut subresource_paths = Vec::new();
    for (path, item) in paths {
        let Some(parsed) = parse_path(path) else {
            continue;
        };
        for (_, operation) in item.as_object().into_iter().flatten() {
            let Some(action) = operation.get("x-kubernetes-action").and_then(Value::as_str) else {
                continue;
            };
            let operation_gvk = operation.get("x-kubernetes-group-version-kind").map(gvk);
            if let Some(sub) = &parsed.subresource {
                subresource_paths.push((parsed.clone(), sub.clone(), action, operation_gvk));
                continue;
            }
            let verb = match (action, parsed.named) {
                ("get", true) => "get",
                ("list", false) => "list",
                ("watchlist", false) | ("watch", true) => "watch",
                ("post", false) => "create",
                ("put", true) => "update",
                ("patch", true) => "patch",
                ("delete", true) => "delete",
                ("deletecollection", false) => "deletecollection",
                _ => continue,
            };
            // Watch paths (`/watch/...`) are recognised by parse_path; the kind is the
            // watched one.
            let Some(gvk) = operation_gvk else { continue };
            let gvk = Gvk {
                group: parsed.group.clone(),
                version: parsed.version.clone(),
                kind: gvk.kind,
            };
            let Some(def_id) = by_gvk.get(&gvk) else {
                continue;
            };
            let key = (
                parsed.group.clone(),
                parsed.version.clone(),
                parsed.plural.clone(),
            );
            let entry = found.entry(key).or_insert_with(|| {
                (
                    def_id.to_string(),
                    Resource {
                        plural: parsed.plural.clone(),
                        namespaced: parsed.namespaced,
                        ..Resource::default()
                    },
                )
            });
            entry.1.namespaced |= parsed.namespaced;
            entry.1.verbs.insert(verb.to_string());
        }
    }
    // A namespaced resource also has cross-namespace list/watch paths (`/api/v1/pods`):
    // they add no verb, and `namespaced |=` above keeps the scope right in either order.

    // Pass 2: subresources.
    for (parsed, sub, action, operation_gvk) in subresource_paths {
        let key = (
            parsed.group.clone(),
            parsed.version.clone(),
            parsed.plural.clone(),
        );
        let Some((_, resource)) = found.get_mut(&key) else {
            continue;
        };
        let verb = match action {
            "put" => "update",
            "post" => "create",
            other => other,
        };
        let entry = resource.subresources.entry(sub).or_default();
        entry.verbs.insert(verb.to_string());
        if entry.gvk.is_none() {
            entry.gvk = operation_gvk;
        }
    }

    let mut by_kind: BTreeMap<String, Resource> = BTreeMap::new();
    for (_, (def_id, resource)) in found {
        match by_kind.get(&def_id) {
            // One resource per kind: prefer the one with more verbs (e.g. `pods` over a
            // read-only alias).
            Some(existing) if existing.verbs.len() >= resource.verbs.len() => {}
            _ => {
                by_kind.insert(def_id, resource);
            }
        }
    }
    Ok(by_kind)
}

/// A path split into its parts.
#[derive(Clone, Debug)]
struct ParsedPath {
    group: String,
    version: String,
    namespaced: bool,
    plural: String,
    named: bool,
    subresource: Option<String>,
}

fn parse_path(path: &str) -> Option<ParsedPath> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let rest = match rest {
        ["watch", rest @ ..] => rest,
        rest => rest,
    };
    let (namespaced, rest) = match rest {
        ["namespaces", "{namespace}", rest @ ..] if !rest.is_empty() => (true, rest),
        rest => (false, rest),
    };
    let (plural, named, subresource) = match rest {
        [plural] => (*plural, false, None),
        [plural, "{name}"] => (*plural, true, None),
        [plural, "{name}", sub, ..] => (*plural, true, Some(sub.to_string())),
        _ => return None,
    };
    if plural.starts_with('{') {
        return None;
    }
    Some(ParsedPath {
        group: group.to_string(),
        version: version.to_string(),
        namespaced,
        plural: plural.to_string(),
        named,
        subresource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_paths() {
        let p = parse_path("/api/v1/namespaces/{namespace}/pods/{name}/status").unwrap();
        assert_eq!((p.group.as_str(), p.plural.as_str()), ("", "pods"));
        assert!(p.namespaced && p.named);
        assert_eq!(p.subresource.as_deref(), Some("status"));

        let p = parse_path("/api/v1/namespaces/{name}/finalize").unwrap();
        assert_eq!(p.plural, "namespaces");
        assert!(!p.namespaced);
        assert_eq!(p.subresource.as_deref(), Some("finalize"));

        let p = parse_path("/apis/apps/v1/watch/namespaces/{namespace}/deployments").unwrap();
        assert_eq!(
            (p.group.as_str(), p.plural.as_str()),
            ("apps", "deployments")
        );
        assert!(p.namespaced && !p.named);

        let p = parse_path("/api/v1/namespaces").unwrap();
        assert!(!p.namespaced && p.plural == "namespaces");

        assert!(parse_path("/apis/apps/v1/").is_none());
        assert!(parse_path("/version/").is_none());
    }
}
