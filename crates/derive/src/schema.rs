//! `#[derive(StructuralSchema)]`: the structural schema of a struct or unit-only enum,
//! following the serde attributes that change its JSON form.
//!
//! - A struct with named fields is an object; a field is `required` unless its type is
//!   optional (`Option`), it or the struct has `#[serde(default)]`, or it has
//!   `skip_serializing_if`. Skipped fields are left out; doc comments become
//!   `description`s.
//! - A newtype struct (and `#[serde(transparent)]`) has its inner type's schema.
//! - A unit-only enum is a string with an `enum` of its (renamed) variants.
//! - Anything else is a compile error that says why.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Path};

use crate::serde_attrs;

/// The impl of `StructuralSchema` for `input`, with `krate` the path of `clientgo-api`.
pub(crate) fn expand(input: &DeriveInput, krate: &Path) -> syn::Result<TokenStream> {
    let container = serde_attrs::container(&input.attrs)?;
    let ident = &input.ident;
    let apimachinery = quote!(#krate::__private::clientgo_apimachinery);
    let json = quote!(#krate::__private::serde_json);
    let description = serde_attrs::doc(&input.attrs)
        .map(|doc| quote!(schema.insert("description".into(), #json::Value::String(#doc.into()));));

    let body = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => {
                let mut properties = Vec::new();
                for field in &fields.named {
                    let attrs = serde_attrs::member(&field.attrs)?;
                    if attrs.skip {
                        continue;
                    }
                    let rust_name = field
                        .ident
                        .as_ref()
                        .map(|i| i.to_string().trim_start_matches("r#").to_string())
                        .unwrap_or_default();
                    let name = attrs.rename.clone().unwrap_or_else(|| {
                        container
                            .rename_all
                            .map_or_else(|| rust_name.clone(), |case| case.field(&rust_name))
                    });
                    let ty = &field.ty;
                    let may_be_absent =
                        container.default || attrs.default || attrs.skip_serializing_if;
                    let field_doc = serde_attrs::doc(&field.attrs).map(|doc| {
                        quote!(if let Some(object) = property.as_object_mut() {
                            object.insert("description".into(), #json::Value::String(#doc.into()));
                        })
                    });
                    properties.push(quote! {
                        let mut property = <#ty as #apimachinery::StructuralSchema>::schema();
                        #field_doc
                        properties.insert(#name.into(), property);
                        if !#may_be_absent && !<#ty as #apimachinery::StructuralSchema>::OPTIONAL {
                            required.push(#json::Value::String(#name.into()));
                        }
                    });
                }
                quote! {
                    let mut properties = #json::Map::new();
                    let mut required: ::std::vec::Vec<#json::Value> = ::std::vec::Vec::new();
                    #(#properties)*
                    let mut schema = #json::Map::new();
                    schema.insert("type".into(), #json::Value::String("object".into()));
                    #description
                    schema.insert("properties".into(), #json::Value::Object(properties));
                    if !required.is_empty() {
                        schema.insert("required".into(), #json::Value::Array(required));
                    }
                    #json::Value::Object(schema)
                }
            }
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let ty = &fields.unnamed[0].ty;
                quote!(<#ty as #apimachinery::StructuralSchema>::schema())
            }
            _ => {
                return Err(syn::Error::new_spanned(
                    ident,
                    "StructuralSchema needs named fields, or one unnamed field (a newtype)",
                ));
            }
        },
        Data::Enum(data) => {
            let mut values = Vec::new();
            for variant in &data.variants {
                if !matches!(variant.fields, Fields::Unit) {
                    return Err(syn::Error::new_spanned(
                        variant,
                        "StructuralSchema supports enums of unit variants only (a string with \
                         an `enum` of values); a variant with data has no structural schema",
                    ));
                }
                let attrs = serde_attrs::member(&variant.attrs)?;
                if attrs.skip {
                    continue;
                }
                let name = variant.ident.to_string();
                values.push(attrs.rename.unwrap_or_else(|| {
                    container
                        .rename_all
                        .map_or_else(|| name.clone(), |case| case.variant(&name))
                }));
            }
            quote! {
                let mut schema = #json::Map::new();
                schema.insert("type".into(), #json::Value::String("string".into()));
                #description
                schema.insert(
                    "enum".into(),
                    #json::Value::Array(::std::vec![#(#json::Value::String(#values.into())),*]),
                );
                #json::Value::Object(schema)
            }
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(
                ident,
                "StructuralSchema cannot be derived for unions",
            ));
        }
    };
    let only_field = match &input.data {
        Data::Struct(data) if data.fields.len() == 1 => data.fields.iter().next(),
        _ => None,
    };
    let body = match only_field {
        Some(field) if container.transparent => {
            let ty = &field.ty;
            quote!(<#ty as #apimachinery::StructuralSchema>::schema())
        }
        _ => body,
    };
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #apimachinery::StructuralSchema for #ident #ty_generics #where_clause {
            fn schema() -> #json::Value {
                #body
            }
        }
    })
}

/// The `crate = "..."` of `#[schema(...)]` (or of `#[resource(...)]` on a spec that
/// derives both), or `::clientgo_api`.
pub(crate) fn crate_path(input: &DeriveInput) -> syn::Result<Path> {
    let mut path: Path = syn::parse_quote!(::clientgo_api);
    for attr in &input.attrs {
        let is_schema = attr.path().is_ident("schema");
        if !is_schema && !attr.path().is_ident("resource") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                path = meta.value()?.parse::<syn::LitStr>()?.parse()?;
                Ok(())
            } else if is_schema {
                Err(meta.error("unknown `schema` key; expected `crate = \"...\"`"))
            } else {
                serde_attrs::skip_value(&meta)
            }
        })?;
    }
    Ok(path)
}
