//! Protobuf decoders for the generated types.
//!
//! The OpenAPI document has no field numbers, so they come from the Go API types of the
//! pinned release: `cargo xtask codegen --protobuf-from-go [GOMODCACHE]` reads the
//! struct tags (`protobuf:"bytes,2,opt,name=spec"`, `json:"spec,omitempty"`, pointer or
//! not) of every package of `k8s.io/api`, `k8s.io/apiextensions-apiserver` and
//! `k8s.io/kube-aggregator` that ships a `generated.proto`, and stores them as
//! `xtask/openapi/protobuf-<release>.tsv`. Generation reads that table.
//!
//! A type gets a `Message` impl only when every one of its fields is decodable: the field
//! has a number, its type is a scalar, a list, a string-keyed map, or a type that is
//! itself decodable (or one of the hand-written machinery types). Top-level kinds whose
//! type qualifies get `Resource::protobuf()`; the others stay JSON-only. Go's embedded
//! structs that JSON flattens (`VolumeSource` in `Volume`) are nested messages in
//! protobuf, decoded into the parent's fields.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::spec::{Definition, Field, Model, Shape, Ty};

/// One protobuf field of a Go struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtoField {
    /// The JSON name; empty for an embedded struct flattened into the parent.
    pub json: String,
    /// The field number.
    pub number: u32,
    /// A Go pointer (`*int32`): present means set, zero included.
    pub pointer: bool,
    /// `omitempty` in the JSON tag: JSON leaves a zero out.
    pub omitempty: bool,
    /// For an embedded struct, the definition id of its type.
    pub inline: Option<String>,
}

/// Field numbers by definition id.
pub type Table = BTreeMap<String, Vec<ProtoField>>;

/// Machinery types with hand-written decoders in `clientgo_apimachinery::protobuf`.
const MACHINERY: &[&str] = &[
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "io.k8s.apimachinery.pkg.apis.meta.v1.GroupResource",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
    "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails",
    "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause",
];

/// The stored table of `release`.
pub fn table_path(root: &Path, release: &str) -> PathBuf {
    root.join("xtask/openapi")
        .join(format!("protobuf-{release}.tsv"))
}

/// Reads the stored table; a missing file gives an empty table (no decoders).
pub fn load(path: &Path) -> Result<Table, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Table::new()),
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    let mut table = Table::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, json, number, pointer, omitempty, inline] = cols[..] else {
            return Err(format!("{}:{}: expected 6 columns", path.display(), n + 1));
        };
        table.entry(id.to_string()).or_default().push(ProtoField {
            json: json.to_string(),
            number: number
                .parse()
                .map_err(|_| format!("{}:{}: bad field number", path.display(), n + 1))?,
            pointer: pointer == "1",
            omitempty: omitempty == "1",
            inline: (!inline.is_empty()).then(|| inline.to_string()),
        });
    }
    Ok(table)
}

/// Extracts the table from the Go modules of `release` under `gomodcache` and returns
/// its text.
pub fn extract(gomodcache: &Path, release: &str) -> Result<String, String> {
    let go_version = format!("v0.{}", release.split_once('.').map_or("", |(_, r)| r));
    let mut rows = BTreeSet::new();
    for module in ["api", "apiextensions-apiserver", "kube-aggregator"] {
        let root = gomodcache.join(format!("k8s.io/{module}@{go_version}"));
        if !root.is_dir() {
            return Err(format!(
                "{} is missing: run `go mod download k8s.io/{module}@{go_version}`",
                root.display()
            ));
        }
        let mut dirs = Vec::new();
        find_proto_packages(&root, &mut dirs)?;
        for dir in dirs {
            let relative = dir.strip_prefix(&root).map_err(|e| e.to_string())?;
            let prefix = format!(
                "io.k8s.{module}.{}",
                relative.to_string_lossy().replace('/', ".")
            );
            extract_package(&dir, &prefix, &mut rows)?;
        }
    }
    let mut text = format!(
        "# Protobuf field numbers of the Kubernetes {release} API types, from the Go struct tags\n# (`cargo xtask codegen --protobuf-from-go`). Columns: definition, JSON name (empty:\n# embedded and flattened), number, Go pointer, JSON omitempty, embedded type.\n"
    );
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    Ok(text)
}

fn find_proto_packages(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut subdirs = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if path.file_name().is_some_and(|n| n == "generated.proto") {
            out.push(dir.to_path_buf());
        }
    }
    for sub in subdirs {
        find_proto_packages(&sub, out)?;
    }
    Ok(())
}

/// Adds the rows of every struct of one Go package.
fn extract_package(dir: &Path, prefix: &str, rows: &mut BTreeSet<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".go") || name.ends_with("_test.go") || name.starts_with("zz_") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
        let imports = imports(&text);
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("type ")
                && let Some(struct_name) = rest.strip_suffix(" struct {")
            {
                current = Some(format!("{prefix}.{struct_name}"));
                continue;
            }
            if line == "}" {
                current = None;
                continue;
            }
            let Some(id) = &current else { continue };
            if let Some(row) = field_row(id, line.trim(), prefix, &imports) {
                rows.insert(row);
            }
        }
    }
    Ok(())
}

/// Import alias → definition id prefix (`metav1` → `io.k8s.apimachinery.pkg.apis.meta.v1`).
fn imports(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches("import ");
        let Some((alias, path)) = line.split_once(" \"k8s.io/") else {
            continue;
        };
        let path = path.trim_end_matches('"');
        out.insert(
            alias.trim().to_string(),
            format!("io.k8s.{}", path.replace('/', ".")),
        );
    }
    out
}

/// The row of one struct field line with a protobuf tag.
fn field_row(
    id: &str,
    line: &str,
    prefix: &str,
    imports: &BTreeMap<String, String>,
) -> Option<String> {
    let (decl, tags) = line.split_once('`')?;
    let tags = tags.trim_end_matches('`');
    let protobuf = tag(tags, "protobuf")?;
    let number: u32 = protobuf.split(',').nth(1)?.parse().ok()?;
    let json = tag(tags, "json").unwrap_or_default();
    let mut json_parts = json.split(',');
    let json_name = json_parts.next().unwrap_or_default();
    let omitempty = json_parts.any(|p| p == "omitempty");
    let decl: Vec<&str> = decl.split_whitespace().collect();
    let (go_type, embedded) = match decl[..] {
        [ty] => (ty, true),
        [_, ty] => (ty, false),
        _ => return None,
    };
    let pointer = go_type.starts_with('*');
    let inline = if embedded && (json_name.is_empty() || json.contains("inline")) {
        let ty = go_type.trim_start_matches('*');
        Some(match ty.split_once('.') {
            Some((alias, name)) => format!("{}.{name}", imports.get(alias)?),
            None => format!("{prefix}.{ty}"),
        })
    } else {
        None
    };
    let json_name = if inline.is_some() {
        ""
    } else if json_name.is_empty() {
        return None;
    } else {
        json_name
    };
    Some(format!(
        "{id}\t{json_name}\t{number}\t{}\t{}\t{}",
        u8::from(pointer),
        u8::from(omitempty),
        inline.unwrap_or_default()
    ))
}

/// The value of `key:"..."` in a Go struct tag.
fn tag<'a>(tags: &'a str, key: &str) -> Option<&'a str> {
    let start = tags.find(&format!("{key}:\""))? + key.len() + 2;
    let rest = &tags[start..];
    Some(&rest[..rest.find('"')?])
}

/// The definitions whose every field decodes, and what was left out and why.
pub fn supported(model: &Model, table: &Table) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut candidates: BTreeSet<String> = model
        .definitions
        .iter()
        .filter(|(_, def)| matches!(def.shape, Shape::Struct(_)))
        .map(|(id, _)| id.clone())
        .collect();
    let mut why = BTreeMap::new();
    loop {
        let mut removed = false;
        for id in candidates.clone() {
            let def = &model.definitions[&id];
            if let Err(reason) = check(model, table, &candidates, def) {
                candidates.remove(&id);
                why.insert(id, reason);
                removed = true;
            }
        }
        if !removed {
            return (candidates, why);
        }
    }
}

/// The rows of `id`, each embedded struct's rows nested under its row.
#[derive(Debug)]
struct Row<'t> {
    field: &'t ProtoField,
    embedded: Vec<Row<'t>>,
}

fn rows<'t>(table: &'t Table, id: &str, depth: usize) -> Result<Vec<Row<'t>>, String> {
    if depth > 4 {
        return Err("embedded structs nest too deep".into());
    }
    let Some(fields) = table.get(id) else {
        return Ok(Vec::new());
    };
    fields
        .iter()
        .map(|field| {
            let embedded = match &field.inline {
                Some(inner) => rows(table, inner, depth + 1)?,
                None => Vec::new(),
            };
            Ok(Row { field, embedded })
        })
        .collect()
}

/// The JSON names the rows (embedded ones included) give numbers to.
fn numbered<'t>(rows: &[Row<'t>], out: &mut BTreeSet<&'t str>) {
    for row in rows {
        if row.field.inline.is_some() {
            numbered(&row.embedded, out);
        } else {
            out.insert(&row.field.json);
        }
    }
}

fn check(
    model: &Model,
    table: &Table,
    candidates: &BTreeSet<String>,
    def: &Definition,
) -> Result<(), String> {
    let Shape::Struct(fields) = &def.shape else {
        return Err("not a struct".into());
    };
    let rows = rows(table, &def.id, 0)?;
    let mut names = BTreeSet::new();
    numbered(&rows, &mut names);
    for field in fields {
        let type_meta = def.gvk.is_some() && matches!(field.json.as_str(), "apiVersion" | "kind");
        if !type_meta && !names.contains(field.json.as_str()) {
            return Err(format!("field {} has no protobuf number", field.json));
        }
        decodable(model, candidates, &field.ty, true)
            .map_err(|e| format!("field {}: {e}", field.json))?;
    }
    Ok(())
}

fn decodable(
    model: &Model,
    candidates: &BTreeSet<String>,
    ty: &Ty,
    top: bool,
) -> Result<(), String> {
    match ty {
        Ty::String | Ty::Bytes | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => Ok(()),
        Ty::Json => Err("any JSON has no protobuf form here".into()),
        Ty::Ref(id) if MACHINERY.contains(&id.as_str()) || candidates.contains(id) => Ok(()),
        Ty::Ref(id) if model.definitions.contains_key(id) => Err(format!("{id} is not decodable")),
        Ty::Ref(id) => Err(format!("{id} has no protobuf decoder")),
        Ty::Vec(inner) if top => decodable(model, candidates, inner, false),
        // A list inside a map is a message whose field 1 repeats (`ExtraValue`).
        Ty::Map(inner) if top => match &**inner {
            Ty::Vec(item) => decodable(model, candidates, item, false),
            other => decodable(model, candidates, other, false),
        },
        _ => Err("nested lists and maps have no protobuf form here".into()),
    }
}

/// Whether the field is kept without `Option` (as `types` renders it).
fn is_plain(def: &Definition, field: &Field) -> bool {
    super::types::is_object_metadata(def, field)
        || (field.required && super::types::has_default(&field.ty))
}

/// The helper call that merges one occurrence of `field`.
fn merge_call(def: &Definition, field: &Field, row: &ProtoField) -> String {
    let plain = is_plain(def, field);
    let scalar = matches!(
        field.ty,
        Ty::String | Ty::Bytes | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool
    );
    let helper = match (&field.ty, plain, field.boxed) {
        (Ty::Vec(_), true, _) => "push",
        (Ty::Vec(_), false, _) => "push_option",
        (Ty::Map(_), true, _) => "insert",
        (Ty::Map(_), false, _) => "insert_option",
        // A required boxed field (none today) merges into the box's content.
        (_, true, true) => return format!("pb::merge(&mut *self.{}, value)", field.rust),
        (_, true, false) => "merge",
        (_, false, true) => "merge_option_boxed",
        (_, false, false) if scalar && row.omitempty && !row.pointer => "merge_option_omitempty",
        (_, false, false) => "merge_option",
    };
    format!("pb::{helper}(&mut self.{}, value)", field.rust)
}

/// The match arms of `rows`, embedded structs' fields merged into the same struct.
fn arms(
    def: &Definition,
    by_json: &BTreeMap<&str, &Field>,
    rows: &[Row<'_>],
    indent: &str,
    out: &mut String,
) {
    for row in rows {
        if row.field.inline.is_some() {
            let _ = writeln!(
                out,
                "{indent}{} => pb::merge_inline(value, |number, value| match number {{",
                row.field.number
            );
            arms(def, by_json, &row.embedded, &format!("{indent}    "), out);
            let _ = writeln!(out, "{indent}    _ => Ok(()),\n{indent}}}),");
        } else if let Some(field) = by_json.get(row.field.json.as_str()) {
            let _ = writeln!(
                out,
                "{indent}{} => {},",
                row.field.number,
                merge_call(def, field, row.field)
            );
        }
    }
}

/// The `Message` impl of a supported definition.
pub fn render(def: &Definition, fields: &[Field], table: &Table, out: &mut String) {
    let Ok(rows) = rows(table, &def.id, 0) else {
        return;
    };
    let by_json: BTreeMap<&str, &Field> = fields.iter().map(|f| (f.json.as_str(), f)).collect();
    let _ = writeln!(
        out,
        "impl clientgo_apimachinery::protobuf::Message for {} {{",
        def.name
    );
    let unused = if rows.is_empty() { "_" } else { "" };
    let _ = writeln!(
        out,
        "    fn merge_field(&mut self, {unused}number: u32, {unused}value: clientgo_apimachinery::protobuf::Value<'_>) -> Result<(), clientgo_apimachinery::protobuf::DecodeError> {{"
    );
    if rows.is_empty() {
        out.push_str("        Ok(())\n    }\n");
    } else {
        out.push_str("        use clientgo_apimachinery::protobuf::decode as pb;\n");
        out.push_str("        match number {\n");
        arms(def, &by_json, &rows, "            ", out);
        out.push_str("            _ => Ok(()),\n        }\n    }\n");
    }

    let mut shrink = String::new();
    for field in fields {
        let plain = is_plain(def, field);
        if matches!(field.ty, Ty::Vec(_) | Ty::Map(_)) {
            let helper = if plain { "shrink" } else { "shrink_option" };
            let _ = writeln!(shrink, "        pb::{helper}(&mut self.{});", field.rust);
        }
    }
    if !shrink.is_empty() {
        let _ = write!(
            out,
            "\n    fn shrink(&mut self) {{\n        use clientgo_apimachinery::protobuf::decode as pb;\n{shrink}    }}\n"
        );
    }
    let has = |name: &str| fields.iter().any(|f| f.json == name);
    if def.gvk.is_some() && has("apiVersion") && has("kind") {
        out.push_str("\n    fn set_type_meta(&mut self, api_version: &str, kind: &str) {\n        self.api_version = Some(api_version.into());\n        self.kind = Some(kind.into());\n    }\n");
    }
    out.push_str("}\n\n");
}
