//! `#[derive(CustomResource)]`: from a spec struct and `#[resource(...)]`, the object
//! type of a custom resource and everything a client needs of it.
//!
//! Generated, for `kind = "Mirror"` on `MirrorSpec`:
//! - `struct Mirror { metadata, spec, status }` (`status` only with `status = "..."`),
//!   deserialized by serde and serialized with `apiVersion` and `kind` always written;
//! - `Resource` (group, version, kind, plural, scope, subresources), `Metadata`, every
//!   standard verb marker, plus `verb::Status` / `verb::Scale` for those subresources;
//! - `Mirror::new(name, spec)` and `Mirror::crd()`, the CustomResourceDefinition with
//!   the structural schema of the spec and status types (`StructuralSchema`).
//!
//! Paths in the generated code go through `clientgo-api` (`::clientgo_api` unless
//! `crate = "..."` says otherwise, e.g. `crate = "client_go::api"` for the facade).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields};

use crate::attrs::ResourceAttrs;
use crate::serde_attrs;

/// The generated items for the spec struct `input`.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let attrs = ResourceAttrs::parse(&input.attrs, input.ident.span())?;
    match &input.data {
        Data::Struct(data) if matches!(data.fields, Fields::Named(_)) => {}
        _ => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(CustomResource)] goes on the spec: a struct with named fields",
            ));
        }
    }
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(CustomResource)] does not support generic spec types",
        ));
    }

    let krate = &attrs.krate;
    let apimachinery = quote!(#krate::__private::clientgo_apimachinery);
    let serde = quote!(#krate::__private::serde);
    let json = quote!(#krate::__private::serde_json);
    let serde_crate = serde.to_string().replace(' ', "");

    let vis = &input.vis;
    let spec = &input.ident;
    let object = format_ident!("{}", attrs.kind);
    let (group, version, kind) = (&attrs.group, &attrs.version, &attrs.kind);
    let plural = attrs.plural();
    let singular = attrs.singular();
    let api_version = if group.is_empty() {
        version.clone()
    } else {
        format!("{group}/{version}")
    };
    let scope = if attrs.namespaced {
        quote!(#apimachinery::Scope::Namespaced)
    } else {
        quote!(#apimachinery::Scope::Cluster)
    };
    let scope_name = if attrs.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    };
    let derives = &attrs.derives;
    let object_doc = format!(
        "A `{kind}` ({api_version}, resource `{plural}`), the object of [`{spec}`]; generated \
         by `#[derive(CustomResource)]`."
    );
    let spec_doc = serde_attrs::doc(&input.attrs).unwrap_or_else(|| "The desired state.".into());

    let mut subresources = Vec::new();
    let (status_field, status_serialize, status_schema, status_marker, status_new) =
        match &attrs.status {
            Some(status) => {
                subresources.push("status");
                (
                    quote! {
                        /// The observed state, written through the `status` subresource.
                        #[serde(default)]
                        pub status: ::std::option::Option<#status>,
                    },
                    quote! {
                        match &self.status {
                            ::std::option::Option::Some(status) => {
                                state.serialize_field("status", status)?;
                            }
                            ::std::option::Option::None => state.skip_field("status")?,
                        }
                    },
                    quote! {
                        properties.insert(
                            "status".into(),
                            <#status as #apimachinery::StructuralSchema>::schema(),
                        );
                        subresources.insert("status".into(), #json::json!({}));
                    },
                    quote!(impl #apimachinery::resource::verb::Status for #object {}),
                    quote!(status: ::std::option::Option::None,),
                )
            }
            None => Default::default(),
        };
    let (scale_schema, scale_marker) = match &attrs.scale {
        Some(scale) => {
            subresources.push("scale");
            let spec_path = &scale.spec_replicas;
            let status_path = &scale.status_replicas;
            let selector = scale.label_selector.as_ref().map(|path| {
                quote!(scale.insert("labelSelectorPath".into(), #json::Value::String(#path.into()));)
            });
            (
                quote! {
                    let mut scale = #json::Map::new();
                    scale.insert("specReplicasPath".into(), #json::Value::String(#spec_path.into()));
                    scale.insert("statusReplicasPath".into(), #json::Value::String(#status_path.into()));
                    #selector
                    subresources.insert("scale".into(), #json::Value::Object(scale));
                },
                quote!(impl #apimachinery::resource::verb::Scale for #object {}),
            )
        }
        None => Default::default(),
    };
    let field_count = 4 + usize::from(attrs.status.is_some());

    let columns = attrs.printer_columns.iter().map(|column| {
        let (name, type_, path) = (&column.name, &column.type_, &column.json_path);
        let description = column
            .description
            .as_ref()
            .map(|d| quote!(column.insert("description".into(), #json::Value::String(#d.into()));));
        let format = column
            .format
            .as_ref()
            .map(|f| quote!(column.insert("format".into(), #json::Value::String(#f.into()));));
        let priority = column
            .priority
            .map(|p| quote!(column.insert("priority".into(), #json::Value::from(#p));));
        quote! {{
            let mut column = #json::Map::new();
            column.insert("name".into(), #json::Value::String(#name.into()));
            column.insert("type".into(), #json::Value::String(#type_.into()));
            column.insert("jsonPath".into(), #json::Value::String(#path.into()));
            #description
            #format
            #priority
            #json::Value::Object(column)
        }}
    });
    let short_names = &attrs.short_names;
    let categories = &attrs.categories;
    let list_kind = format!("{kind}List");
    let crd_name = format!("{plural}.{group}");

    Ok(quote! {
        #[doc = #object_doc]
        #[derive(Clone, Debug, #(#derives,)* #serde::Deserialize)]
        #[serde(crate = #serde_crate)]
        #vis struct #object {
            /// Standard object metadata.
            #[serde(default)]
            pub metadata: #apimachinery::ObjectMeta,
            #[doc = #spec_doc]
            pub spec: #spec,
            #status_field
        }

        impl #object {
            /// A new object named `name` with `spec` (no namespace: the client's is used).
            pub fn new(name: &str, spec: #spec) -> Self {
                Self {
                    metadata: #apimachinery::ObjectMeta {
                        name: ::std::option::Option::Some(name.into()),
                        ..::std::default::Default::default()
                    },
                    spec,
                    #status_new
                }
            }

            /// The CustomResourceDefinition of this resource, with the structural schema
            /// of its spec (and status) types; install it, then wait for `Established`.
            pub fn crd() -> #krate::apiextensions::v1::CustomResourceDefinition {
                let mut properties = #json::Map::new();
                properties.insert("apiVersion".into(), #json::json!({ "type": "string" }));
                properties.insert("kind".into(), #json::json!({ "type": "string" }));
                properties.insert("metadata".into(), #json::json!({ "type": "object" }));
                properties.insert(
                    "spec".into(),
                    <#spec as #apimachinery::StructuralSchema>::schema(),
                );
                let mut subresources = #json::Map::new();
                #status_schema
                #scale_schema
                let columns: ::std::vec::Vec<#json::Value> = ::std::vec![#(#columns),*];
                let mut version = #json::json!({
                    "name": #version,
                    "served": true,
                    "storage": true,
                    "schema": { "openAPIV3Schema": {
                        "type": "object",
                        "properties": properties,
                        "required": ["spec"],
                    }},
                });
                if !subresources.is_empty() {
                    version["subresources"] = #json::Value::Object(subresources);
                }
                if !columns.is_empty() {
                    version["additionalPrinterColumns"] = #json::Value::Array(columns);
                }
                let short_names: &[&str] = &[#(#short_names),*];
                let categories: &[&str] = &[#(#categories),*];
                let mut names = #json::json!({
                    "kind": #kind,
                    "listKind": #list_kind,
                    "plural": #plural,
                    "singular": #singular,
                });
                if !short_names.is_empty() {
                    names["shortNames"] = #json::json!(short_names);
                }
                if !categories.is_empty() {
                    names["categories"] = #json::json!(categories);
                }
                let definition = #json::json!({
                    "apiVersion": "apiextensions.k8s.io/v1",
                    "kind": "CustomResourceDefinition",
                    "metadata": { "name": #crd_name },
                    "spec": {
                        "group": #group,
                        "names": names,
                        "scope": #scope_name,
                        "versions": [version],
                    },
                });
                #json::from_value(definition)
                    .expect("a generated definition has the CustomResourceDefinition shape")
            }
        }

        impl #serde::Serialize for #object {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use #serde::ser::SerializeStruct as _;
                let mut state = serializer.serialize_struct(#kind, #field_count)?;
                state.serialize_field("apiVersion", #api_version)?;
                state.serialize_field("kind", #kind)?;
                state.serialize_field("metadata", &self.metadata)?;
                state.serialize_field("spec", &self.spec)?;
                #status_serialize
                state.end()
            }
        }

        impl #apimachinery::Resource for #object {
            const GROUP: &'static str = #group;
            const VERSION: &'static str = #version;
            const KIND: &'static str = #kind;
            const PLURAL: &'static str = #plural;
            const SCOPE: #apimachinery::Scope = #scope;
            const SUBRESOURCES: &'static [&'static str] = &[#(#subresources),*];
        }

        impl #apimachinery::Metadata for #object {
            fn metadata(&self) -> &#apimachinery::ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut #apimachinery::ObjectMeta {
                &mut self.metadata
            }
        }

        #apimachinery::impl_all_verbs!(#object);
        #status_marker
        #scale_marker
    })
}
