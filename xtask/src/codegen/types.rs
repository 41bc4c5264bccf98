//! Renders the API types of one package/version: a struct per definition, list
//! aliases, and the `Resource`, `Metadata` and verb marker impls of top-level kinds.

use std::fmt::Write as _;

use super::fixups;
use super::render::{doc, literal, rust_type};
use super::spec::{Definition, Field, Model, Shape, Ty};

/// The types of `defs` (all of one package/version).
pub fn render(model: &Model, defs: &[&Definition], out: &mut String) {
    for def in defs {
        match &def.shape {
            Shape::Json => {
                doc(
                    out,
                    "",
                    &def.doc,
                    &format!("The `{}` type (any JSON).", def.name),
                );
                let _ = writeln!(out, "pub type {} = serde_json::Value;\n", def.name);
            }
            Shape::List(item) => {
                doc(out, "", &def.doc, &format!("A list of `{}`.", def.name));
                let item = super::render::type_path(model, item, Some(def));
                let _ = writeln!(
                    out,
                    "pub type {} = clientgo_apimachinery::ObjectList<{item}>;\n",
                    def.name
                );
            }
            Shape::Struct(fields) => render_struct(model, def, fields, out),
        }
    }
}

/// Whether a field of a top-level kind is its object metadata (kept non-optional so
/// every object has an `ObjectMeta`).
pub fn is_object_metadata(def: &Definition, field: &Field) -> bool {
    def.gvk.is_some()
        && field.json == "metadata"
        && matches!(&field.ty, Ty::Ref(id) if id.ends_with("meta.v1.ObjectMeta"))
}

/// Types without a `Default` impl, which required fields still wrap in `Option`.
pub fn has_default(ty: &Ty) -> bool {
    match ty {
        Ty::Ref(id) => !matches!(
            fixups::machinery_type(id),
            Some(("clientgo_apimachinery::meta::RawExtension", _))
                | Some(("clientgo_apimachinery::meta::FieldsV1", _))
        ),
        _ => true,
    }
}

fn render_struct(model: &Model, def: &Definition, fields: &[Field], out: &mut String) {
    doc(out, "", &def.doc, &format!("The `{}` API type.", def.name));
    out.push_str(
        "#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]\n",
    );
    let _ = writeln!(out, "pub struct {} {{", def.name);
    for field in fields {
        doc(out, "    ", &field.doc, &format!("`{}`.", field.json));
        let mut ty = rust_type(model, &field.ty, Some(def));
        if field.boxed {
            ty = format!("Box<{ty}>");
        }
        let rename = if field.rust == field.json {
            String::new()
        } else {
            format!("rename = {}, ", literal(&field.json))
        };
        let plain = is_object_metadata(def, field) || (field.required && has_default(&field.ty));
        // Lists are read without spare capacity: cached objects keep what they decode.
        let is_list = matches!(field.ty, Ty::Vec(_));
        if plain {
            let read = if is_list {
                "exact_vec"
            } else {
                "null_as_default"
            };
            let _ = writeln!(
                out,
                "    #[serde({rename}default, deserialize_with = \"clientgo_apimachinery::serde_util::{read}\")]"
            );
            let _ = writeln!(out, "    pub {}: {ty},", field.rust);
        } else {
            let read = if is_list {
                ", deserialize_with = \"clientgo_apimachinery::serde_util::exact_optional_vec\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    #[serde({rename}default{read}, skip_serializing_if = \"Option::is_none\")]"
            );
            let _ = writeln!(out, "    pub {}: Option<{ty}>,", field.rust);
        }
    }
    out.push_str("}\n\n");
    if model.protobuf_supported.contains(&def.id) {
        super::protobuf::render(def, fields, &model.protobuf, out);
    }
    if def.gvk.is_some() && fields.iter().any(|f| is_object_metadata(def, f)) {
        render_metadata_impl(def, out);
    }
    if let Some(resource) = model.resources.get(&def.id) {
        render_resource_impl(model, def, resource, out);
    }
}

fn render_metadata_impl(def: &Definition, out: &mut String) {
    let _ = writeln!(
        out,
        "impl clientgo_apimachinery::Metadata for {} {{
    fn metadata(&self) -> &clientgo_apimachinery::ObjectMeta {{
        &self.metadata
    }}

    fn metadata_mut(&mut self) -> &mut clientgo_apimachinery::ObjectMeta {{
        &mut self.metadata
    }}
}}
",
        def.name
    );
}

fn render_resource_impl(
    model: &Model,
    def: &Definition,
    resource: &super::spec::Resource,
    out: &mut String,
) {
    let Some(gvk) = &def.gvk else { return };
    let protobuf = if model.protobuf_supported.contains(&def.id) {
        "\n    fn protobuf() -> Option<clientgo_apimachinery::protobuf::Codec<Self>> {\n        Some(clientgo_apimachinery::protobuf::Codec::of())\n    }\n"
    } else {
        ""
    };
    let scope = if resource.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    };
    let subresources: Vec<String> = resource.subresources.keys().map(|s| literal(s)).collect();
    let _ = writeln!(
        out,
        "impl clientgo_apimachinery::Resource for {name} {{
    const GROUP: &'static str = {group};
    const VERSION: &'static str = {version};
    const KIND: &'static str = {kind};
    const PLURAL: &'static str = {plural};
    const SCOPE: clientgo_apimachinery::Scope = clientgo_apimachinery::Scope::{scope};
    const SUBRESOURCES: &'static [&'static str] = &[{subresources}];
{protobuf}}}
",
        name = def.name,
        group = literal(&gvk.group),
        version = literal(&gvk.version),
        kind = literal(&gvk.kind),
        plural = literal(&resource.plural),
        subresources = subresources.join(", "),
    );
    for (verb, marker) in [
        ("get", "Get"),
        ("list", "List"),
        ("watch", "Watch"),
        ("create", "Create"),
        ("update", "Update"),
        ("patch", "Patch"),
        ("delete", "Delete"),
        ("deletecollection", "DeleteCollection"),
    ] {
        if resource.verbs.contains(verb) {
            let _ = writeln!(
                out,
                "impl clientgo_apimachinery::resource::verb::{marker} for {} {{}}",
                def.name
            );
        }
    }
    if resource
        .subresources
        .get("status")
        .is_some_and(|s| s.verbs.contains("update"))
    {
        let _ = writeln!(
            out,
            "impl clientgo_apimachinery::resource::verb::Status for {} {{}}",
            def.name
        );
    }
    if resource
        .subresources
        .get("scale")
        .is_some_and(|s| s.verbs.contains("get") && s.verbs.contains("update"))
    {
        let _ = writeln!(
            out,
            "impl clientgo_apimachinery::resource::verb::Scale for {} {{}}",
            def.name
        );
    }
    out.push('\n');
}
