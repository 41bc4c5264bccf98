//! Label and field selectors of list and watch requests, matched against JSON objects.
//!
//! Labels come from `metadata.labels`. Fields are dotted paths into the object
//! (`metadata.name`, `spec.nodeName`, `status.phase`, ...): any path is accepted, unlike
//! the real server which only knows a few fields per resource. A missing field reads as
//! `""`; numbers and booleans read as their JSON text.

use std::borrow::Cow;

use clientgo_apimachinery::StatusError;
use clientgo_apimachinery::{fields, labels};
use serde_json::Value;

/// The label and field selectors of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    labels: labels::Selector,
    fields: fields::Selector,
}

impl Filter {
    /// Parses the selectors (either may be empty); a bad selector is a 400 BadRequest.
    pub(crate) fn parse(label_selector: &str, field_selector: &str) -> Result<Self, StatusError> {
        let labels = labels::Selector::parse(label_selector).map_err(|error| {
            StatusError::new_bad_request(&format!("unable to parse requirement: {error}"))
        })?;
        let fields = fields::Selector::parse(field_selector).map_err(|error| {
            StatusError::new_bad_request(&format!("invalid field selector: {error}"))
        })?;
        Ok(Self { labels, fields })
    }

    /// True if `object` satisfies both selectors.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        self.labels.matches(&ObjectLabels(object))
            && self
                .fields
                .requirements()
                .iter()
                .all(|term| matches_field(term, object))
    }
}

/// The labels of a JSON object.
struct ObjectLabels<'a>(&'a Value);

impl labels::Labels for ObjectLabels<'_> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.0.get("metadata")?.get("labels")?.get(key)?.as_str()
    }
}

fn matches_field(term: &fields::Requirement, object: &Value) -> bool {
    let have = field_value(object, &term.field);
    match term.operator {
        fields::Operator::Equals => have == term.value,
        fields::Operator::NotEquals => have != term.value,
    }
}

/// The value at dotted `path`, as text (`""` when missing or not a scalar).
pub(crate) fn field_value<'a>(object: &'a Value, path: &str) -> Cow<'a, str> {
    let mut current = object;
    for part in path.split('.') {
        match current.get(part) {
            Some(next) => current = next,
            None => return Cow::Borrowed(""),
        }
    }
    match current {
        Value::String(s) => Cow::Borrowed(s),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(b) => Cow::Owned(b.to_string()),
        _ => Cow::Borrowed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({
            "metadata": {"name": "a", "namespace": "ns", "labels": {"app": "web", "tier": "front"}},
            "spec": {"nodeName": "n1", "replicas": 3, "hostNetwork": true},
            "status": {"phase": "Running"},
        })
    }

    #[test]
    fn label_selectors_match_metadata_labels() {
        let object = pod();
        for (selector, want) in [
            ("", true),
            ("app=web", true),
            ("app=db", false),
            ("app in (web,db),tier", true),
            ("!tier", false),
            ("missing!=x", true),
        ] {
            let filter = Filter::parse(selector, "").unwrap();
            assert_eq!(filter.matches(&object), want, "{selector}");
        }
        assert!(Filter::parse("a in (", "").is_err());
    }

    #[test]
    fn field_selectors_walk_dotted_paths() {
        let object = pod();
        for (selector, want) in [
            ("metadata.name=a", true),
            ("metadata.namespace=other", false),
            ("spec.nodeName=n1,status.phase!=Failed", true),
            ("spec.replicas=3", true),
            ("spec.hostNetwork=true", true),
            ("spec.missing=", true),
            ("spec.missing!=", false),
        ] {
            let filter = Filter::parse("", selector).unwrap();
            assert_eq!(filter.matches(&object), want, "{selector}");
        }
        assert!(Filter::parse("", "no-operator").is_err());
    }
}
