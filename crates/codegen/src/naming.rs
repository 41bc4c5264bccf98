//! Rust names for JSON names: field identifiers in snake case, type and variant names in
//! Pascal case, and whether serde's `rename_all = "camelCase"` gives the JSON name back.
//!
//! Rules: every produced name is a valid identifier that passes rustc's and clippy's
//! default naming lints (`non_snake_case`, `non_camel_case_types`,
//! `upper_case_acronyms`), so generated code compiles cleanly under `-D warnings`.
//! Keywords become raw identifiers (`r#type`), or get a suffix where Rust has no raw
//! form (`self_`, `SelfValue`).

/// Keywords that need `r#` as field names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that have no raw form.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The words of a JSON name: split at every character that is not alphanumeric and at
/// case boundaries (`podIP` → `pod`, `IP`; `HTTPGet` → `HTTP`, `Get`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The snake-case field identifier for a JSON property name, as written in Rust source
/// (`r#type` for a keyword).
pub(crate) fn field_ident(json: &str) -> String {
    let mut snake = words(json)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if snake.is_empty() {
        snake = "field".into();
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    if NOT_RAW.contains(&snake.as_str()) {
        snake.push('_');
    } else if KEYWORDS.contains(&snake.as_str()) {
        snake.insert_str(0, "r#");
    }
    snake
}

/// The Pascal-case type or variant name for a JSON name (`tls` → `Tls`, `TCP` → `Tcp`,
/// `IfNotPresent` stays).
pub(crate) fn type_ident(json: &str) -> String {
    let mut pascal = String::new();
    for word in words(json) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            pascal.push(first.to_ascii_uppercase());
            let rest = chars.as_str();
            if word.chars().all(|c| !c.is_ascii_lowercase()) {
                pascal.push_str(&rest.to_ascii_lowercase());
            } else {
                pascal.push_str(rest);
            }
        }
    }
    if pascal.is_empty() || pascal.starts_with(|c: char| c.is_ascii_digit()) {
        pascal.insert(0, 'V');
    }
    if NOT_RAW.contains(&pascal.as_str()) {
        pascal.push_str("Value");
    }
    pascal
}

/// The JSON name serde's `rename_all = "camelCase"` gives a field identifier.
pub(crate) fn serde_camel_case(ident: &str) -> String {
    let name = ident.trim_start_matches("r#");
    let mut out = String::new();
    let mut capitalize = true;
    for c in name.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    let mut chars = out.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// `value` as a Rust string literal.
pub(crate) fn string_literal(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_snake_case_identifiers() {
        for (json, rust) in [
            ("targetNamespaces", "target_namespaces"),
            ("podIP", "pod_ip"),
            ("httpGet", "http_get"),
            ("HTTPGet", "http_get"),
            ("type", "r#type"),
            ("self", "self_"),
            ("$ref", "r#ref"),
            ("x-kubernetes-map", "x_kubernetes_map"),
            ("3rdParty", "_3rd_party"),
            ("ipv6Enabled", "ipv6_enabled"),
        ] {
            assert_eq!(field_ident(json), rust, "{json}");
        }
    }

    #[test]
    fn types_and_variants_are_pascal_case() {
        for (json, rust) in [
            ("tls", "Tls"),
            ("TCP", "Tcp"),
            ("IfNotPresent", "IfNotPresent"),
            ("read-write-once", "ReadWriteOnce"),
            ("v1", "V1"),
            ("1Gi", "V1Gi"),
            ("self", "SelfValue"),
            ("", "V"),
        ] {
            assert_eq!(type_ident(json), rust, "{json}");
        }
    }

    #[test]
    fn camel_case_is_serdes() {
        assert_eq!(serde_camel_case("target_namespaces"), "targetNamespaces");
        assert_eq!(serde_camel_case("r#type"), "type");
        assert_eq!(serde_camel_case("pod_ip"), "podIp");
        assert_eq!(serde_camel_case("ipv6_enabled"), "ipv6Enabled");
    }
}
