//! Rust types for custom resources you do not own, generated from their
//! CustomResourceDefinition: the same code `#[derive(CustomResource)]` users write by
//! hand, so the generated types work with every client of this library.
//!
//! The `clientgo-codegen` command reads a definition from a YAML or JSON file, or from a
//! cluster, and prints the types:
//!
//! ```text
//! clientgo-codegen crd certificates.yaml > src/certificate.rs
//! clientgo-codegen crd --from-cluster ~/.kube/config --crd certificates.cert-manager.io
//! ```
//!
//! The library does the same on a definition in memory:
//!
//! ```
//! use clientgo_api::apiextensions::v1::CustomResourceDefinition;
//! use clientgo_codegen::{Options, generate};
//!
//! let crd: CustomResourceDefinition = serde_json::from_value(serde_json::json!({
//!     "metadata": { "name": "mirrors.example.com" },
//!     "spec": {
//!         "group": "example.com",
//!         "names": { "kind": "Mirror", "plural": "mirrors" },
//!         "scope": "Namespaced",
//!         "versions": [{
//!             "name": "v1", "served": true, "storage": true,
//!             "schema": { "openAPIV3Schema": { "type": "object", "properties": {
//!                 "spec": { "type": "object", "required": ["source"], "properties": {
//!                     "source": { "type": "string" },
//!                     "targetNamespaces": { "type": "array", "items": { "type": "string" } },
//!                 }},
//!             }}},
//!         }],
//!     },
//! }))
//! .unwrap();
//! let code = generate(&crd, &Options::default()).unwrap();
//! assert!(code.contains("pub struct MirrorSpec {"));
//! assert!(code.contains("pub target_namespaces: Option<Vec<String>>,"));
//! ```
//!
//! What is generated, per served version (a module per version when there are several):
//! the spec struct with `#[derive(CustomResource)]` and a `#[resource(...)]` carrying
//! the definition's group, version, kind, scope, names, status and scale subresources
//! and printer columns; a struct for every nested object with properties and an enum
//! for every string enumeration, each with `#[derive(StructuralSchema)]`. Fields the
//! definition requires come first, in its order, then the others by name.
//!
//! The schema mapping is the inverse of `StructuralSchema`'s, so the definition of a
//! derived type generates that type again:
//!
//! | schema | Rust |
//! |---|---|
//! | object with `properties` | a struct named after its path (`MirrorSpecTemplate`) |
//! | object with `additionalProperties` | `BTreeMap<String, T>` |
//! | object without either | `BTreeMap<String, serde_json::Value>` |
//! | `x-kubernetes-preserve-unknown-fields` or `x-kubernetes-embedded-resource` without `properties` | `serde_json::Value` |
//! | `x-kubernetes-int-or-string` | `IntOrString`, or `Quantity` with the quantity pattern |
//! | string with an `enum` of strings | a unit-only enum |
//! | string with `format: date-time` | `Time` |
//! | other strings | `String` |
//! | integer (`int32` / other) | `i32` / `i64` |
//! | number (`float` / other) | `f32` / `f64` |
//! | boolean | `bool` |
//! | array | `Vec<T>` |
//!
//! A property that is not `required`, or is `nullable`, is an `Option`, skipped when
//! `None`.
//!
//! What is not carried: validations (patterns, bounds, CEL rules, list and map types)
//! stay on the server, which keeps enforcing them; unknown fields inside an object that
//! has both `properties` and `x-kubernetes-preserve-unknown-fields` are dropped when
//! decoded; top-level fields other than `spec` and `status` are listed in a comment.
//! So `crd()` of generated types describes the types, not the original definition:
//! install the original.
//!
//! The generated code needs `serde` (with `derive`) and, when the schema keeps
//! arbitrary JSON, `serde_json` in the user's crate.

mod model;
mod naming;
mod render;

use std::fmt::Write as _;

use clientgo_api::apiextensions::v1::CustomResourceDefinition;
use serde_json::Value;

use crate::model::{Item, Types};
use crate::naming::{field_ident, string_literal};
use crate::render::Paths;

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only these versions (all served versions when empty).
    pub versions: Vec<String>,
    /// Reach the library through the `client-go` facade crate (`client_go::...`)
    /// instead of `clientgo-api` and `clientgo-apimachinery`.
    pub facade: bool,
}

/// Why a definition cannot be turned into types.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// The definition serves no version (or none of those asked for).
    #[error("{crd}: no served version to generate{}", asked_for(.asked))]
    NoVersion {
        /// The definition's name.
        crd: String,
        /// The versions asked for.
        asked: Vec<String>,
    },
    /// A version has no `openAPIV3Schema`.
    #[error("{crd} {version}: the version has no openAPIV3Schema")]
    NoSchema {
        /// The definition's name.
        crd: String,
        /// The version.
        version: String,
    },
    /// The `spec` is not an object with properties, which the derive needs.
    #[error(
        "{crd} {version}: `spec` is not an object with properties; #[derive(CustomResource)] \
         needs a spec struct"
    )]
    SpecNotAStruct {
        /// The definition's name.
        crd: String,
        /// The version.
        version: String,
    },
    /// The definition lacks a field every definition has.
    #[error("{crd}: the definition has no {field}")]
    Missing {
        /// The definition's name.
        crd: String,
        /// The missing field's path.
        field: &'static str,
    },
}

fn asked_for(asked: &[String]) -> String {
    if asked.is_empty() {
        String::new()
    } else {
        format!(" (asked for {})", asked.join(", "))
    }
}

/// The Rust source of the types of `crd`'s served versions.
pub fn generate(crd: &CustomResourceDefinition, options: &Options) -> Result<String, CodegenError> {
    let name = crd.metadata.name.as_deref().unwrap_or_default().to_owned();
    let definition = serde_json::to_value(crd).unwrap_or_default();
    let spec = &definition["spec"];
    let missing = |field| CodegenError::Missing {
        crd: name.clone(),
        field,
    };
    let kind = spec["names"]["kind"]
        .as_str()
        .ok_or_else(|| missing("spec.names.kind"))?;
    spec["group"]
        .as_str()
        .ok_or_else(|| missing("spec.group"))?;
    let versions: Vec<&Value> = spec["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool().unwrap_or(false))
        .filter(|v| {
            options.versions.is_empty()
                || options
                    .versions
                    .iter()
                    .any(|wanted| v["name"].as_str() == Some(wanted))
        })
        .collect();
    if versions.is_empty() {
        return Err(CodegenError::NoVersion {
            crd: name,
            asked: options.versions.clone(),
        });
    }
    let paths = if options.facade {
        Paths {
            derives: "client_go",
            apimachinery: "client_go::apimachinery",
            api_crate: Some("client_go::api"),
        }
    } else {
        Paths {
            derives: "clientgo_api",
            apimachinery: "clientgo_apimachinery",
            api_crate: None,
        }
    };

    let mut out = String::new();
    let served: Vec<&str> = versions.iter().filter_map(|v| v["name"].as_str()).collect();
    let _ = writeln!(
        out,
        "// Types of the custom resource `{name}` ({}),\n\
         // generated by clientgo-codegen from its CustomResourceDefinition: regenerate\n\
         // rather than edit.\n",
        served.join(", ")
    );
    for (index, version) in versions.iter().enumerate() {
        let code = version_code(&name, spec, version, kind, &paths)?;
        if versions.len() == 1 {
            out.push_str(&code);
            continue;
        }
        if index > 0 {
            out.push('\n');
        }
        let module = field_ident(version["name"].as_str().unwrap_or_default());
        let _ = writeln!(
            out,
            "/// The `{}` version.",
            version["name"].as_str().unwrap_or_default()
        );
        let _ = writeln!(out, "pub mod {module} {{");
        for line in code.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "    {line}");
            }
        }
        out.push_str("}\n");
    }
    Ok(out)
}

/// The code of one version: `use` lines, then the spec and every type it needs.
fn version_code(
    crd: &str,
    spec: &Value,
    version: &Value,
    kind: &str,
    paths: &Paths,
) -> Result<String, CodegenError> {
    let version_name = version["name"].as_str().unwrap_or_default().to_string();
    let schema =
        version
            .pointer("/schema/openAPIV3Schema")
            .ok_or_else(|| CodegenError::NoSchema {
                crd: crd.into(),
                version: version_name.clone(),
            })?;
    let mut types = Types::new(&[kind]);
    let spec_type = types
        .root_struct(
            &format!("{kind}Spec"),
            schema.pointer("/properties/spec").unwrap_or(&Value::Null),
        )
        .map_err(|_| CodegenError::SpecNotAStruct {
            crd: crd.into(),
            version: version_name.clone(),
        })?;
    let has_status_subresource = version.pointer("/subresources/status").is_some();
    let status_type = match schema.pointer("/properties/status") {
        Some(status) if has_status_subresource => {
            let hint = format!("{kind}Status");
            Some(
                types
                    .root_struct(&hint, status)
                    .unwrap_or_else(|_| render::ty(&types.ty(status, &hint), paths)),
            )
        }
        None if has_status_subresource => Some(render::ty(&model::Ty::Value, paths)),
        _ => None,
    };
    let items = types.into_items();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "use {}::{{CustomResource, StructuralSchema}};\nuse serde::{{Deserialize, Serialize}};",
        paths.derives
    );
    let left_out = left_out_fields(schema, has_status_subresource);
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "\n// Not generated: top-level field(s) {} (the derived object has metadata, spec,\n\
             // and status with the status subresource only).",
            left_out.join(", ")
        );
    }
    let resource = resource_attribute(spec, version, kind, status_type.as_deref(), paths);
    for item in &items {
        out.push('\n');
        let is_spec = matches!(item, Item::Struct { name, .. } if *name == spec_type);
        render::item(&mut out, item, paths, is_spec.then_some(resource.as_str()));
    }
    Ok(out)
}

/// Top-level properties the derived object cannot carry.
fn left_out_fields(schema: &Value, has_status_subresource: bool) -> Vec<String> {
    let properties = schema["properties"].as_object().into_iter().flatten();
    properties
        .map(|(name, _)| name.as_str())
        .filter(|name| !["apiVersion", "kind", "metadata", "spec"].contains(name))
        .filter(|name| !(*name == "status" && has_status_subresource))
        .map(|name| format!("`{name}`"))
        .collect()
}

/// `#[resource(...)]` for the spec struct, one key per line.
fn resource_attribute(
    spec: &Value,
    version: &Value,
    kind: &str,
    status: Option<&str>,
    paths: &Paths,
) -> String {
    let quoted = |value: &Value| string_literal(value.as_str().unwrap_or_default());
    let list = |value: &Value| {
        let items: Vec<String> = value.as_array().into_iter().flatten().map(quoted).collect();
        format!("[{}]", items.join(", "))
    };
    let names = &spec["names"];
    let mut keys = vec![
        format!("group = {}", quoted(&spec["group"])),
        format!("version = {}", quoted(&version["name"])),
        format!("kind = {}", string_literal(kind)),
    ];
    if spec["scope"] == "Namespaced" {
        keys.push("namespaced".into());
    }
    keys.push(format!("plural = {}", quoted(&names["plural"])));
    if let Some(singular) = names["singular"].as_str()
        && singular != kind.to_lowercase()
    {
        keys.push(format!("singular = {}", string_literal(singular)));
    }
    if names
        .get("shortNames")
        .is_some_and(|v| !v.as_array().is_none_or(Vec::is_empty))
    {
        keys.push(format!("short_names = {}", list(&names["shortNames"])));
    }
    if names
        .get("categories")
        .is_some_and(|v| !v.as_array().is_none_or(Vec::is_empty))
    {
        keys.push(format!("categories = {}", list(&names["categories"])));
    }
    if let Some(status) = status {
        keys.push(format!("status = {}", string_literal(status)));
    }
    if let Some(scale) = version.pointer("/subresources/scale") {
        let mut parts = vec![
            format!("spec_replicas = {}", quoted(&scale["specReplicasPath"])),
            format!("status_replicas = {}", quoted(&scale["statusReplicasPath"])),
        ];
        if scale["labelSelectorPath"].is_string() {
            parts.push(format!(
                "label_selector = {}",
                quoted(&scale["labelSelectorPath"])
            ));
        }
        keys.push(format!("scale({})", parts.join(", ")));
    }
    for column in version["additionalPrinterColumns"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let mut parts = vec![
            format!("name = {}", quoted(&column["name"])),
            format!("type = {}", quoted(&column["type"])),
            format!("json_path = {}", quoted(&column["jsonPath"])),
        ];
        for (key, json) in [("description", "description"), ("format", "format")] {
            if column[json].is_string() {
                parts.push(format!("{key} = {}", quoted(&column[json])));
            }
        }
        if let Some(priority) = column["priority"].as_i64() {
            parts.push(format!("priority = {priority}"));
        }
        keys.push(format!("printer_column({})", parts.join(", ")));
    }
    keys.push("derive(PartialEq)".into());
    if let Some(krate) = paths.api_crate {
        keys.push(format!("crate = {}", string_literal(krate)));
    }
    let mut attribute = String::from("#[resource(\n");
    for key in keys {
        let _ = writeln!(attribute, "    {key},");
    }
    attribute.push_str(")]\n");
    attribute
}
