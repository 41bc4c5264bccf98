//! Rust source text for the generated types: doc comments from descriptions, the derives
//! and serde attributes, one field per line.
//!
//! Rules: `Option` fields are skipped when `None` (the derive then never lists them as
//! required); a struct uses `rename_all = "camelCase"` when that gives most of its JSON
//! names back and names the others with `rename`; everything derives `Clone`, `Debug`,
//! `PartialEq`, and `Default` where every required field has one.

use std::fmt::Write as _;

use crate::model::{Field, Item, Ty};
use crate::naming::string_literal;

/// Where the generated code finds this library's crates.
pub(crate) struct Paths {
    /// The derive macros (`clientgo_api` or `client_go`).
    pub(crate) derives: &'static str,
    /// `clientgo-apimachinery` (`clientgo_apimachinery` or `client_go::apimachinery`).
    pub(crate) apimachinery: &'static str,
    /// The `crate = "..."` the derives are told, when not the default `clientgo_api`.
    pub(crate) api_crate: Option<&'static str>,
}

/// The Rust type `ty` is written as.
pub(crate) fn ty(ty: &Ty, paths: &Paths) -> String {
    let apimachinery = paths.apimachinery;
    match ty {
        Ty::String => "String".into(),
        Ty::Time => format!("{apimachinery}::Time"),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::IntOrString => format!("{apimachinery}::IntOrString"),
        Ty::Quantity => format!("{apimachinery}::Quantity"),
        Ty::Value => "serde_json::Value".into(),
        Ty::Vec(item) => format!("Vec<{}>", self::ty(item, paths)),
        Ty::Map(value) => format!(
            "std::collections::BTreeMap<String, {}>",
            self::ty(value, paths)
        ),
        Ty::Named(name) => name.clone(),
    }
}

/// `doc` as `///` lines indented by `indent`.
pub(crate) fn doc(out: &mut String, doc: Option<&str>, indent: &str) {
    for line in doc.into_iter().flat_map(str::lines) {
        let line = line.trim();
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

/// The `#[derive(...)]` line of a type.
fn derives(head: &[&str], default: bool) -> String {
    let mut derives: Vec<&str> = head.to_vec();
    derives.extend(["Clone", "Debug"]);
    if default {
        derives.push("Default");
    }
    derives.extend(["PartialEq", "Serialize", "Deserialize"]);
    format!("#[derive({})]\n", derives.join(", "))
}

/// One generated item; `resource` is the `#[resource(...)]` attribute of the spec.
pub(crate) fn item(out: &mut String, item: &Item, paths: &Paths, resource: Option<&str>) {
    match item {
        Item::Struct {
            name,
            doc: text,
            fields,
            default,
        } => {
            doc(out, text.as_deref(), "");
            let head: &[&str] = if resource.is_some() {
                &["CustomResource", "StructuralSchema"]
            } else {
                &["StructuralSchema"]
            };
            out.push_str(&derives(head, *default));
            match resource {
                Some(resource) => out.push_str(resource),
                None => schema_crate(out, paths),
            }
            let camel = rename_all_camel_case(fields);
            if camel {
                out.push_str("#[serde(rename_all = \"camelCase\")]\n");
            }
            let _ = writeln!(out, "pub struct {name} {{");
            for field in fields {
                self::field(out, field, camel, paths);
            }
            out.push_str("}\n");
        }
        Item::Enum {
            name,
            doc: text,
            variants,
        } => {
            doc(out, text.as_deref(), "");
            out.push_str(&derives(&["StructuralSchema"], false));
            schema_crate(out, paths);
            let _ = writeln!(out, "pub enum {name} {{");
            for (variant, json) in variants {
                if variant != json {
                    let _ = writeln!(out, "    #[serde(rename = {})]", string_literal(json));
                }
                let _ = writeln!(out, "    {variant},");
            }
            out.push_str("}\n");
        }
    }
}

fn schema_crate(out: &mut String, paths: &Paths) {
    if let Some(krate) = paths.api_crate {
        let _ = writeln!(out, "#[schema(crate = {})]", string_literal(krate));
    }
}

/// Whether the struct's fields are named with `rename_all = "camelCase"`: some field
/// needs it and it fits more fields than it misses.
fn rename_all_camel_case(fields: &[Field]) -> bool {
    let plain = |f: &&Field| f.ident.trim_start_matches("r#") == f.json;
    let fits = fields
        .iter()
        .filter(|f| !plain(f) && f.camel_case_fits())
        .count();
    let misses = fields
        .iter()
        .filter(|f| !plain(f) && !f.camel_case_fits())
        .count();
    fits > 0 && fits >= misses
}

fn field(out: &mut String, field: &Field, camel: bool, paths: &Paths) {
    doc(out, field.doc.as_deref(), "    ");
    let named = if camel {
        field.camel_case_fits()
    } else {
        field.ident.trim_start_matches("r#") == field.json
    };
    let mut serde = Vec::new();
    if !named {
        serde.push(format!("rename = {}", string_literal(&field.json)));
    }
    let mut ty = self::ty(&field.ty, paths);
    if field.optional {
        serde.push("skip_serializing_if = \"Option::is_none\"".into());
        ty = format!("Option<{ty}>");
    }
    if !serde.is_empty() {
        let _ = writeln!(out, "    #[serde({})]", serde.join(", "));
    }
    let _ = writeln!(out, "    pub {}: {ty},", field.ident);
}
