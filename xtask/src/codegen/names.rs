//! Rust names for OpenAPI names: snake_case fields, escaped keywords, module paths.

/// Rust keywords (strict and reserved) that cannot be used as field names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The Rust field name for a JSON property: `podIPs` → `pod_ips`, `type` → `type_`,
/// `$ref` → `ref_path`, `x-kubernetes-list-type` → `x_kubernetes_list_type`.
pub fn field_name(json: &str) -> String {
    let name = match json {
        "$ref" => "ref_path".to_string(),
        "$schema" => "schema".to_string(),
        _ => snake_case(&json.replace('-', "_")),
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// snake_case with acronyms kept whole, including their plural `s`
/// (`clusterIPs` → `cluster_ips`, `nonResourceURLs` → `non_resource_urls`,
/// `CIDRBlock` → `cidr_block`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_uppercase() {
            // A run of capitals: an acronym, or one capital starting a word.
            let start = i;
            while i < chars.len() && chars[i].is_ascii_uppercase() {
                i += 1;
            }
            let mut end = i;
            let next_lower = i < chars.len() && chars[i].is_ascii_lowercase();
            let plural = next_lower
                && chars[i] == 's'
                && (i + 1 == chars.len() || !chars[i + 1].is_ascii_lowercase());
            if end - start > 1 && next_lower && !plural {
                // `CIDRBlock`: the last capital starts the next word.
                end -= 1;
                i = end;
            }
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(chars[start..end].iter().map(|c| c.to_ascii_lowercase()));
            if plural {
                out.push('s');
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// snake_case for a kind in accessor names: `ReplicaSet` → `replica_set`.
pub fn kind_snake(kind: &str) -> String {
    snake_case(kind)
}

/// The accessor name for a resource: the plural with the kind's word breaks
/// (`ReplicaSet`/`replicasets` → `replica_sets`, `NetworkPolicy`/`networkpolicies`
/// → `network_policies`).
pub fn accessor_name(kind: &str, plural: &str) -> String {
    let snake = kind_snake(kind);
    let mut out = String::with_capacity(plural.len() + 4);
    let mut rest = plural;
    for c in snake.chars() {
        if c == '_' {
            if !rest.is_empty() {
                out.push('_');
            }
            continue;
        }
        match rest.strip_prefix(c) {
            Some(tail) => {
                out.push(c);
                rest = tail;
            }
            None => break,
        }
    }
    out.push_str(rest);
    escape(out.replace('-', "_"))
}

/// lowerCamelCase of a snake_case name: `owner_references` → `ownerReferences`.
pub fn lower_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn escape(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases_kubernetes_field_names() {
        for (json, rust) in [
            ("podIPs", "pod_ips"),
            ("hostIP", "host_ip"),
            ("nonResourceURLs", "non_resource_urls"),
            (
                "serverAddressByClientCIDRs",
                "server_address_by_client_cidrs",
            ),
            ("apiVersion", "api_version"),
            ("type", "type_"),
            ("$ref", "ref_path"),
            ("x-kubernetes-list-type", "x_kubernetes_list_type"),
            ("CIDRBlock", "cidr_block"),
            (
                "targetCPUUtilizationPercentage",
                "target_cpu_utilization_percentage",
            ),
            ("continue", "continue_"),
            ("readOnly", "read_only"),
            ("ioMode", "io_mode"),
            ("uid", "uid"),
            ("fsGroup", "fs_group"),
        ] {
            assert_eq!(field_name(json), rust, "{json}");
        }
    }

    #[test]
    fn accessors_follow_the_kind_word_breaks() {
        assert_eq!(accessor_name("ReplicaSet", "replicasets"), "replica_sets");
        assert_eq!(accessor_name("Pod", "pods"), "pods");
        assert_eq!(
            accessor_name("NetworkPolicy", "networkpolicies"),
            "network_policies"
        );
        assert_eq!(accessor_name("Endpoints", "endpoints"), "endpoints");
        assert_eq!(
            accessor_name("PodSecurityPolicy", "podsecuritypolicies"),
            "pod_security_policies"
        );
    }
}
