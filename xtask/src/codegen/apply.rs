//! Renders apply configurations: for every API struct an all-optional mirror with
//! `with_*` builders, so a partial object can be applied (server-side apply) without
//! claiming the fields it leaves unset.

use std::fmt::Write as _;

use super::fixups;
use super::render::{doc, literal, rust_type};
use super::spec::{Definition, Field, Model, Shape, Ty};
use super::types::is_object_metadata;

/// The apply configuration type name of a definition.
pub fn config_name(def: &Definition) -> String {
    format!("{}ApplyConfiguration", def.name)
}

/// The path of the apply configuration of `id` as seen from the apply module of
/// `from`.
fn config_path(model: &Model, id: &str, from: &Definition) -> String {
    if let Some((path, true)) = fixups::machinery_type(id) {
        return path.to_string();
    }
    let Some(target) = model.lookup(id) else {
        return "serde_json::Value".into();
    };
    match target.shape {
        Shape::Struct(_) => {}
        _ => return rust_type(model, &Ty::Ref(id.to_string()), None),
    }
    if target.package == from.package && target.version == from.version {
        config_name(target)
    } else {
        format!(
            "crate::{}::{}::apply::{}",
            target.package,
            target.version,
            config_name(target)
        )
    }
}

fn config_type(model: &Model, ty: &Ty, from: &Definition) -> String {
    match ty {
        Ty::Ref(id) => config_path(model, id, from),
        Ty::Vec(inner) => format!("Vec<{}>", config_type(model, inner, from)),
        Ty::Map(inner) => format!(
            "clientgo_apimachinery::StringMap<{}>",
            config_type(model, inner, from)
        ),
        other => rust_type(model, other, Some(from)),
    }
}

/// The apply configurations of `defs` (all of one package/version).
pub fn render(model: &Model, defs: &[&Definition], out: &mut String) {
    for def in defs {
        if let Shape::Struct(fields) = &def.shape {
            render_config(model, def, fields, out);
        }
    }
}

fn render_config(model: &Model, def: &Definition, fields: &[Field], out: &mut String) {
    let name = config_name(def);
    let _ = writeln!(
        out,
        "/// The apply configuration of [`{}`]: every field optional, unset fields omitted.",
        type_link(def)
    );
    out.push_str(
        "#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]\n",
    );
    let _ = writeln!(out, "pub struct {name} {{");
    for field in fields {
        doc(out, "    ", &field.doc, &format!("`{}`.", field.json));
        let mut ty = config_type(model, &field.ty, def);
        if field.boxed {
            ty = format!("Box<{ty}>");
        }
        let rename = if field.rust == field.json {
            String::new()
        } else {
            format!("rename = {}, ", literal(&field.json))
        };
        let _ = writeln!(
            out,
            "    #[serde({rename}default, skip_serializing_if = \"Option::is_none\")]"
        );
        let _ = writeln!(out, "    pub {}: Option<{ty}>,", field.rust);
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "impl {name} {{");
    if let Some(resource) = model.resources.get(&def.id) {
        render_constructor(def, resource.namespaced, out);
        if fields.iter().any(|f| is_object_metadata(def, f)) {
            render_metadata_shortcuts(fields, out);
        }
    }
    for field in fields {
        render_builder(model, def, field, out);
    }
    out.push_str("}\n\n");
    if let Some(extras) = fixups::apply_extras(&def.id) {
        out.push_str(extras);
    }

    if let (Some(_), true) = (
        model.resources.get(&def.id),
        fields.iter().any(|f| is_object_metadata(def, f)),
    ) {
        let _ = writeln!(
            out,
            "impl clientgo_apimachinery::resource::ApplyConfiguration for {name} {{
    type Resource = super::{resource};

    fn name(&self) -> Option<&str> {{
        self.metadata.as_ref()?.name.as_deref()
    }}

    fn namespace(&self) -> Option<&str> {{
        self.metadata.as_ref()?.namespace.as_deref()
    }}
}}
",
            resource = def.name
        );
    }
}

/// How the docs of an apply configuration refer to its type.
fn type_link(def: &Definition) -> String {
    match fixups::machinery_type(&def.id) {
        Some((path, _)) => path.to_string(),
        None => format!("super::{}", def.name),
    }
}

fn render_constructor(def: &Definition, namespaced: bool, out: &mut String) {
    let Some(gvk) = &def.gvk else { return };
    let api_version = if gvk.group.is_empty() {
        gvk.version.clone()
    } else {
        format!("{}/{}", gvk.group, gvk.version)
    };
    let into_str = into_str();
    let (params, namespace) = if namespaced {
        (
            format!("name: {into_str}, namespace: {into_str}"),
            ".with_namespace(namespace)",
        )
    } else {
        (format!("name: {into_str}"), "")
    };
    let what = if namespaced {
        format!("the {} `name` in `namespace`", gvk.kind)
    } else {
        format!("the {} `name`", gvk.kind)
    };
    let _ = writeln!(
        out,
        "    /// An apply configuration for {what}, with `apiVersion` and `kind` set.
    pub fn new({params}) -> Self {{
        Self {{
            api_version: Some({api_version}.into()),
            kind: Some({kind}.into()),
            metadata: Some(
                crate::meta::v1::apply::ObjectMetaApplyConfiguration::default()
                    .with_name(name){namespace},
            ),
            ..Self::default()
        }}
    }}
",
        api_version = literal(&api_version),
        kind = literal(&gvk.kind),
    );
}

/// `with_name`, `with_labels`, ... on a top-level kind, writing into its metadata.
fn render_metadata_shortcuts(fields: &[Field], out: &mut String) {
    let taken = |name: &str| fields.iter().any(|f| f.rust == name);
    let into_str = into_str();
    let entries = format!("entries: impl IntoIterator<Item = ({into_str}, {into_str})>");
    for (method, param) in [
        ("name", format!("value: {into_str}")),
        ("generate_name", format!("value: {into_str}")),
        ("namespace", format!("value: {into_str}")),
        ("labels", entries.clone()),
        ("annotations", entries.clone()),
        (
            "finalizers",
            format!("items: impl IntoIterator<Item = {into_str}>"),
        ),
        (
            "owner_references",
            "items: impl IntoIterator<Item = crate::meta::v1::apply::OwnerReferenceApplyConfiguration>"
                .to_string(),
        ),
    ] {
        if taken(method) {
            continue;
        }
        let arg = param.split(':').next().unwrap_or("value");
        let _ = writeln!(
            out,
            "    /// Sets `metadata.{json}` (lists append, maps merge).
    pub fn with_{method}(mut self, {param}) -> Self {{
        self.metadata = Some(self.metadata.take().unwrap_or_default().with_{method}({arg}));
        self
    }}
",
            json = super::names::lower_camel(method),
        );
    }
}

fn render_builder(model: &Model, def: &Definition, field: &Field, out: &mut String) {
    let method = field.rust.trim_end_matches('_');
    let name = &field.rust;
    match &field.ty {
        Ty::Vec(inner) => {
            let item = config_type(model, inner, def);
            let (param, convert) = into_param(&item);
            let _ = writeln!(
                out,
                "    /// Appends to `{json}`.
    pub fn with_{method}(mut self, items: impl IntoIterator<Item = {param}>) -> Self {{
        self.{name}.get_or_insert_with(Vec::new).extend({items});
        self
    }}
",
                json = field.json,
                items = if convert {
                    "items.into_iter().map(Into::into)"
                } else {
                    "items"
                },
            );
        }
        Ty::Map(inner) => {
            let value = config_type(model, inner, def);
            let (param, convert) = into_param(&value);
            let _ = writeln!(
                out,
                "    /// Adds entries to `{json}`.
    pub fn with_{method}(mut self, entries: impl IntoIterator<Item = ({into_str}, {param})>) -> Self {{
        self.{name}
            .get_or_insert_with(Default::default)
            .extend({entries});
        self
    }}
",
                json = field.json,
                into_str = into_str(),
                entries = if convert {
                    "entries.into_iter().map(|(k, v)| (k, v.into()))"
                } else {
                    "entries"
                },
            );
        }
        ty => {
            let value = config_type(model, ty, def);
            let (param, convert) = into_param(&value);
            let mut expr = if convert {
                "value.into()".to_string()
            } else {
                "value".to_string()
            };
            if field.boxed {
                expr = format!("Box::new({expr})");
            }
            let _ = writeln!(
                out,
                "    /// Sets `{json}`.
    pub fn with_{method}(mut self, value: {param}) -> Self {{
        self.{name} = Some({expr});
        self
    }}
",
                json = field.json,
            );
        }
    }
}

/// The parameter type setters take strings as: `impl Into<Str>`.
fn into_str() -> String {
    format!("impl Into<{}>", super::render::STR)
}

/// Strings are taken as [`into_str`], other types as they are.
fn into_param(ty: &str) -> (String, bool) {
    if ty == super::render::STR {
        (into_str(), true)
    } else {
        (ty.to_string(), false)
    }
}
