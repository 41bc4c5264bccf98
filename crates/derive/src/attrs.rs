//! `#[resource(...)]`: what `#[derive(CustomResource)]` is told about the resource.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitInt, LitStr, Path, Token};

/// One column `kubectl get` prints (`additionalPrinterColumns`).
pub(crate) struct PrinterColumn {
    pub(crate) name: String,
    pub(crate) type_: String,
    pub(crate) json_path: String,
    pub(crate) description: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) priority: Option<i32>,
}

/// The `scale` subresource's paths.
pub(crate) struct Scale {
    pub(crate) spec_replicas: String,
    pub(crate) status_replicas: String,
    pub(crate) label_selector: Option<String>,
}

/// Everything `#[resource(...)]` says.
pub(crate) struct ResourceAttrs {
    pub(crate) group: String,
    pub(crate) version: String,
    pub(crate) kind: String,
    pub(crate) namespaced: bool,
    pub(crate) plural: Option<String>,
    pub(crate) singular: Option<String>,
    pub(crate) short_names: Vec<String>,
    pub(crate) categories: Vec<String>,
    pub(crate) status: Option<Path>,
    pub(crate) scale: Option<Scale>,
    pub(crate) printer_columns: Vec<PrinterColumn>,
    pub(crate) derives: Vec<Path>,
    pub(crate) krate: Path,
}

/// `"a", "b"` inside brackets: `short_names = ["a", "b"]`.
fn string_list(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
    let value = meta.value()?;
    let content;
    syn::bracketed!(content in value);
    let items = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(items.iter().map(LitStr::value).collect())
}

fn string(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    Ok(meta.value()?.parse::<LitStr>()?.value())
}

fn key(meta: &syn::meta::ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_default()
}

impl ResourceAttrs {
    /// Reads every `#[resource(...)]` of `attrs`; `span` is where a missing one is
    /// reported.
    pub(crate) fn parse(attrs: &[Attribute], span: proc_macro2::Span) -> syn::Result<Self> {
        let mut group = None;
        let mut version = None;
        let mut kind = None;
        let mut parsed = ResourceAttrs {
            group: String::new(),
            version: String::new(),
            kind: String::new(),
            namespaced: false,
            plural: None,
            singular: None,
            short_names: Vec::new(),
            categories: Vec::new(),
            status: None,
            scale: None,
            printer_columns: Vec::new(),
            derives: Vec::new(),
            krate: syn::parse_quote!(::clientgo_api),
        };
        let mut seen = false;
        for attr in attrs.iter().filter(|a| a.path().is_ident("resource")) {
            seen = true;
            attr.parse_nested_meta(|meta| {
                match key(&meta).as_str() {
                    "group" => group = Some(string(&meta)?),
                    "version" => version = Some(string(&meta)?),
                    "kind" => kind = Some(string(&meta)?),
                    "namespaced" => parsed.namespaced = true,
                    "plural" => parsed.plural = Some(string(&meta)?),
                    "singular" => parsed.singular = Some(string(&meta)?),
                    "short_names" => parsed.short_names = string_list(&meta)?,
                    "categories" => parsed.categories = string_list(&meta)?,
                    "status" => parsed.status = Some(meta.value()?.parse::<LitStr>()?.parse()?),
                    "crate" => parsed.krate = meta.value()?.parse::<LitStr>()?.parse()?,
                    "derive" => {
                        meta.parse_nested_meta(|derive| {
                            parsed.derives.push(derive.path);
                            Ok(())
                        })?;
                    }
                    "scale" => parsed.scale = Some(parse_scale(&meta)?),
                    "printer_column" => parsed.printer_columns.push(parse_column(&meta)?),
                    _ => {
                        return Err(meta.error(
                            "unknown `resource` key; expected one of: group, version, kind, \
                             namespaced, plural, singular, short_names, categories, status, \
                             scale, printer_column, derive, crate",
                        ));
                    }
                }
                Ok(())
            })?;
        }
        if !seen {
            return Err(syn::Error::new(
                span,
                "#[derive(CustomResource)] needs #[resource(group = \"...\", version = \"...\", \
                 kind = \"...\")]",
            ));
        }
        let missing = |what: &str| {
            syn::Error::new(span, format!("#[resource(...)] needs `{what} = \"...\"`"))
        };
        parsed.group = group.ok_or_else(|| missing("group"))?;
        parsed.version = version.ok_or_else(|| missing("version"))?;
        parsed.kind = kind.ok_or_else(|| missing("kind"))?;
        if parsed.kind.is_empty() || !parsed.kind.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(syn::Error::new(
                span,
                "`kind` must be a CamelCase name starting with an upper-case letter",
            ));
        }
        Ok(parsed)
    }

    /// The URL name: given, or the lower-case kind made plural by English rules
    /// (`policy` → `policies`, `gateway` → `gateways`, `patch` → `patches`). client-go's
    /// `UnsafeGuessKindToResource` is cruder (`gatewaies`), which is why a custom
    /// resource's plural is always stated in its definition, never guessed by clients.
    pub(crate) fn plural(&self) -> String {
        self.plural
            .clone()
            .unwrap_or_else(|| guess_plural(&self.kind.to_lowercase()))
    }

    /// The singular name: given, or the lower-case kind.
    pub(crate) fn singular(&self) -> String {
        self.singular
            .clone()
            .unwrap_or_else(|| self.kind.to_lowercase())
    }
}

/// The English plural of a lower-case kind.
fn guess_plural(singular: &str) -> String {
    if singular.ends_with('s') || singular.ends_with("ch") || singular.ends_with("sh") {
        return format!("{singular}es");
    }
    if let Some(stem) = singular.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    format!("{singular}s")
}

fn parse_scale(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Scale> {
    let (mut spec, mut status, mut selector) = (None, None, None);
    meta.parse_nested_meta(|inner| {
        match key(&inner).as_str() {
            "spec_replicas" => spec = Some(string(&inner)?),
            "status_replicas" => status = Some(string(&inner)?),
            "label_selector" => selector = Some(string(&inner)?),
            _ => {
                return Err(inner.error(
                    "unknown `scale` key; expected spec_replicas, status_replicas, label_selector",
                ));
            }
        }
        Ok(())
    })?;
    let span = meta.path.span();
    Ok(Scale {
        spec_replicas: spec
            .ok_or_else(|| syn::Error::new(span, "`scale(...)` needs `spec_replicas = \"...\"`"))?,
        status_replicas: status.ok_or_else(|| {
            syn::Error::new(span, "`scale(...)` needs `status_replicas = \"...\"`")
        })?,
        label_selector: selector,
    })
}

fn parse_column(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<PrinterColumn> {
    let (mut name, mut type_, mut json_path) = (None, None, None);
    let (mut description, mut format, mut priority) = (None, None, None);
    meta.parse_nested_meta(|inner| {
        match key(&inner).as_str() {
            "name" => name = Some(string(&inner)?),
            "type" | "type_" => type_ = Some(string(&inner)?),
            "json_path" => json_path = Some(string(&inner)?),
            "description" => description = Some(string(&inner)?),
            "format" => format = Some(string(&inner)?),
            "priority" => priority = Some(inner.value()?.parse::<LitInt>()?.base10_parse()?),
            _ => {
                return Err(inner.error(
                    "unknown `printer_column` key; expected name, type, json_path, \
                     description, format, priority",
                ));
            }
        }
        Ok(())
    })?;
    let span = meta.path.span();
    let need = |what: &str| {
        syn::Error::new(
            span,
            format!("`printer_column(...)` needs `{what} = \"...\"`"),
        )
    };
    Ok(PrinterColumn {
        name: name.ok_or_else(|| need("name"))?,
        type_: type_.ok_or_else(|| need("type"))?,
        json_path: json_path.ok_or_else(|| need("json_path"))?,
        description,
        format,
        priority,
    })
}

#[cfg(test)]
mod tests {
    use super::guess_plural;

    #[test]
    fn plurals_follow_english_rules() {
        for (singular, plural) in [
            ("mirror", "mirrors"),
            ("policy", "policies"),
            ("gateway", "gateways"),
            ("ingress", "ingresses"),
            ("patch", "patches"),
            ("mesh", "meshes"),
        ] {
            assert_eq!(guess_plural(singular), plural);
        }
    }
}
