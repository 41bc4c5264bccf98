//! Derive macros for custom resources, re-exported by `clientgo-api` (feature `derive`)
//! and by the `client-go` facade.
//!
//! - [`CustomResource`], on a spec struct: the object type of the resource, its
//!   `Resource` identity and verb markers, `Metadata`, server-side apply of the object
//!   itself, a constructor, and its CustomResourceDefinition (`crd()`).
//! - [`StructuralSchema`], on the spec, the status and every type they contain: the
//!   structural OpenAPI v3 schema the definition needs, following serde's attributes.
//!
//! ```
//! use clientgo_api::{CustomResource, StructuralSchema};
//! use clientgo_apimachinery::Resource;
//! use serde::{Deserialize, Serialize};
//!
//! /// Copies a ConfigMap into other namespaces.
//! #[derive(CustomResource, StructuralSchema, Clone, Debug, Serialize, Deserialize)]
//! #[resource(group = "example.com", version = "v1", kind = "Mirror", namespaced,
//!            status = "MirrorStatus", short_names = ["mir"],
//!            printer_column(name = "Copies", type = "integer", json_path = ".status.copies"))]
//! #[serde(rename_all = "camelCase")]
//! pub struct MirrorSpec {
//!     pub source: String,
//!     pub target_namespaces: Vec<String>,
//! }
//!
//! #[derive(StructuralSchema, Clone, Debug, Default, Serialize, Deserialize)]
//! pub struct MirrorStatus {
//!     pub copies: Option<i32>,
//! }
//!
//! let crd = Mirror::crd(); // install it, then wait for Established
//! assert_eq!(crd.metadata.name.as_deref(), Some("mirrors.example.com"));
//! let mirror = Mirror::new("settings", MirrorSpec { source: "app".into(), target_namespaces: vec![] });
//! assert_eq!(Mirror::api_version(), "example.com/v1");
//! assert_eq!(serde_json::to_value(&mirror).unwrap()["kind"], "Mirror");
//! ```
//!
//! `#[resource(...)]` keys: `group`, `version`, `kind` (required); `namespaced`
//! (cluster-scoped without it); `plural` (else the English plural of the lower-case
//! kind), `singular`, `short_names = [...]`, `categories = [...]`; `status = "Type"`;
//! `scale(spec_replicas = ".spec.replicas", status_replicas = ".status.replicas",
//! label_selector = ".status.selector")`; `printer_column(name, type, json_path,
//! description, format, priority)` (repeatable); `derive(PartialEq, Default)` for more
//! derives on the object; `crate = "client_go::api"` when `clientgo-api` is reached
//! through another crate.

mod attrs;
mod custom_resource;
mod schema;
mod serde_attrs;

use proc_macro::TokenStream;

/// Generates the object type of a custom resource from its spec struct; see the crate
/// documentation for the `#[resource(...)]` keys.
#[proc_macro_derive(CustomResource, attributes(resource))]
pub fn derive_custom_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    custom_resource::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `StructuralSchema` (the structural OpenAPI v3 schema of the type's JSON
/// form) for a struct or a unit-only enum, following its serde attributes.
/// `#[schema(crate = "client_go::api")]` names `clientgo-api` when it is reached
/// through another crate.
#[proc_macro_derive(StructuralSchema, attributes(schema))]
pub fn derive_structural_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema::crate_path(&input)
        .and_then(|krate| schema::expand(&input, &krate))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
