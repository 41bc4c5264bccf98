//! Small text helpers shared by the renderers.

use std::fmt::Write as _;

use super::fixups;
use super::spec::{Definition, Model, Ty};

/// Writes `text` as `///` doc comment lines at `indent`, made safe for rustdoc: no
/// indented code blocks (they would run as doc tests), no link or HTML syntax.
pub fn doc(out: &mut String, indent: &str, text: &str, fallback: &str) {
    let text = if text.trim().is_empty() {
        fallback
    } else {
        text
    };
    // Each line is its own paragraph: the descriptions' line breaks are meaningful, and
    // markdown would otherwise fold list continuations into the list.
    let mut first = true;
    for line in text.lines() {
        let line = line
            .trim()
            .replace("```", "'''")
            .replace('\\', "\\\\")
            .replace('[', "\\[")
            .replace(']', "\\]")
            .replace('<', "\\<")
            .replace('>', "\\>");
        if line.is_empty() {
            continue;
        }
        if !first {
            let _ = writeln!(out, "{indent}///");
        }
        first = false;
        let _ = writeln!(out, "{indent}/// {line}");
    }
}

/// The module path of a generated package/version (`crate::apps::v1`).
pub fn module_path(def: &Definition) -> String {
    format!("crate::{}::{}", def.package, def.version)
}

/// The string type of generated fields: 16 bytes, short text inline (Go's string header
/// is 16 bytes too).
pub const STR: &str = "clientgo_apimachinery::Str";

/// The Rust type of `ty` as seen from module `from` (`None`: from outside any
/// generated module).
pub fn rust_type(model: &Model, ty: &Ty, from: Option<&Definition>) -> String {
    match ty {
        Ty::String => STR.into(),
        Ty::Bytes => "clientgo_apimachinery::ByteString".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Vec(inner) => format!("Vec<{}>", rust_type(model, inner, from)),
        Ty::Map(inner) => format!(
            "clientgo_apimachinery::StringMap<{}>",
            rust_type(model, inner, from)
        ),
        Ty::Ref(id) => type_path(model, id, from),
    }
}

/// The path of definition `id` as seen from module `from`.
pub fn type_path(model: &Model, id: &str, from: Option<&Definition>) -> String {
    if let Some((path, _)) = fixups::machinery_type(id) {
        return path.to_string();
    }
    match model.definitions.get(id) {
        Some(target) => match from {
            Some(from) if from.package == target.package && from.version == target.version => {
                target.name.clone()
            }
            _ => format!("{}::{}", module_path(target), target.name),
        },
        None => "serde_json::Value".into(),
    }
}

/// A Rust string literal.
pub fn literal(text: &str) -> String {
    format!("{text:?}")
}
