//! The `serde` attributes that change a type's JSON form, read so that schemas describe
//! what serde actually writes. Attributes that make a form no structural schema can
//! describe (`flatten`, `untagged`, tagged enums) are refused with an error saying so.

use syn::{Attribute, LitStr};

/// serde's `rename_all` rules.
#[derive(Clone, Copy)]
pub(crate) enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl Case {
    fn parse(name: &LitStr) -> syn::Result<Self> {
        Ok(match name.value().as_str() {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => {
                return Err(syn::Error::new(
                    name.span(),
                    "unknown serde rename_all rule",
                ));
            }
        })
    }

    /// A field name (`snake_case` in Rust) as serde renames it.
    pub(crate) fn field(self, name: &str) -> String {
        match self {
            Self::Lower | Self::Snake => name.to_string(),
            Self::Upper | Self::ScreamingSnake => name.to_ascii_uppercase(),
            Self::Pascal => pascal(name),
            Self::Camel => {
                let pascal = pascal(name);
                let mut chars = pascal.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            Self::Kebab => name.replace('_', "-"),
            Self::ScreamingKebab => name.replace('_', "-").to_ascii_uppercase(),
        }
    }

    /// A variant name (`PascalCase` in Rust) as serde renames it.
    pub(crate) fn variant(self, name: &str) -> String {
        match self {
            Self::Pascal => name.to_string(),
            Self::Lower => name.to_ascii_lowercase(),
            Self::Upper => name.to_ascii_uppercase(),
            Self::Camel => {
                let mut chars = name.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            Self::Snake | Self::ScreamingSnake | Self::Kebab | Self::ScreamingKebab => {
                let mut snake = String::new();
                for (i, c) in name.chars().enumerate() {
                    if c.is_uppercase() && i > 0 {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                }
                self.field(&snake)
            }
        }
    }
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// What the container's `#[serde(...)]` says.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) rename_all: Option<Case>,
    pub(crate) default: bool,
    pub(crate) transparent: bool,
}

/// What a field's or a variant's `#[serde(...)]` says.
#[derive(Default)]
pub(crate) struct MemberAttrs {
    pub(crate) rename: Option<String>,
    pub(crate) default: bool,
    pub(crate) skip: bool,
    pub(crate) skip_serializing_if: bool,
}

/// Reads the `#[serde(...)]` attributes of a container.
pub(crate) fn container(attrs: &[Attribute]) -> syn::Result<ContainerAttrs> {
    let mut parsed = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                parsed.rename_all = Some(Case::parse(&meta.value()?.parse()?)?);
            } else if meta.path.is_ident("default") {
                parsed.default = true;
                skip_value(&meta)?;
            } else if meta.path.is_ident("transparent") {
                parsed.transparent = true;
            } else if meta.path.is_ident("untagged")
                || meta.path.is_ident("tag")
                || meta.path.is_ident("content")
            {
                return Err(meta.error(
                    "a structural schema cannot describe tagged or untagged enums; use a \
                     struct with optional fields, or a unit-only enum",
                ));
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        })?;
    }
    Ok(parsed)
}

/// Reads the `#[serde(...)]` attributes of a field or variant.
pub(crate) fn member(attrs: &[Attribute]) -> syn::Result<MemberAttrs> {
    let mut parsed = MemberAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                if meta.input.peek(syn::Token![=]) {
                    parsed.rename = Some(meta.value()?.parse::<LitStr>()?.value());
                } else {
                    // rename(serialize = "...", deserialize = "..."): the serialized name.
                    meta.parse_nested_meta(|inner| {
                        let name = inner.value()?.parse::<LitStr>()?.value();
                        if inner.path.is_ident("serialize") {
                            parsed.rename = Some(name);
                        }
                        Ok(())
                    })?;
                }
            } else if meta.path.is_ident("default") {
                parsed.default = true;
                skip_value(&meta)?;
            } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                parsed.skip = true;
            } else if meta.path.is_ident("skip_serializing_if") {
                parsed.skip_serializing_if = true;
                skip_value(&meta)?;
            } else if meta.path.is_ident("flatten") {
                return Err(meta.error(
                    "#[serde(flatten)] is not supported by StructuralSchema: write the \
                     fields out, or nest them in a field of their own",
                ));
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        })?;
    }
    Ok(parsed)
}

/// Consumes `= value` or `(...)` after a key this module does not interpret.
pub(crate) fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?
            .parse::<proc_macro2::TokenStream>()
            .map(|_| ())
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))
    } else {
        Ok(())
    }
}

/// The `///` lines of `attrs`, joined as rustdoc joins them.
pub(crate) fn doc(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::Case;

    #[test]
    fn fields_are_renamed_as_serde_does() {
        assert_eq!(Case::Camel.field("target_namespaces"), "targetNamespaces");
        assert_eq!(Case::Pascal.field("target_namespaces"), "TargetNamespaces");
        assert_eq!(Case::Kebab.field("target_namespaces"), "target-namespaces");
        assert_eq!(Case::ScreamingSnake.field("a_b"), "A_B");
    }

    #[test]
    fn variants_are_renamed_as_serde_does() {
        assert_eq!(Case::Camel.variant("IfNotPresent"), "ifNotPresent");
        assert_eq!(Case::Snake.variant("IfNotPresent"), "if_not_present");
        assert_eq!(
            Case::ScreamingKebab.variant("IfNotPresent"),
            "IF-NOT-PRESENT"
        );
        assert_eq!(Case::Lower.variant("Always"), "always");
    }
}
