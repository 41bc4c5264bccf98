//! The `LabelSelector` API type (`spec.selector` of workloads) and its conversion to a
//! [`labels::Selector`](crate::labels::Selector).

use serde::{Deserialize, Serialize};

use super::object_meta::null_as_default;
use crate::labels::{Operator, Requirement, Selector};
use crate::{Error, Str, StringMap};

/// `In`
pub const LABEL_SELECTOR_OP_IN: &str = "In";
/// `NotIn`
pub const LABEL_SELECTOR_OP_NOT_IN: &str = "NotIn";
/// `Exists`
pub const LABEL_SELECTOR_OP_EXISTS: &str = "Exists";
/// `DoesNotExist`
pub const LABEL_SELECTOR_OP_DOES_NOT_EXIST: &str = "DoesNotExist";

/// A label query as written in API objects: exact labels plus set-based expressions,
/// all ANDed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Labels that must be present with these values.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "StringMap::is_empty"
    )]
    pub match_labels: StringMap,
    /// Set-based requirements.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One requirement of a field selector written in an API object (for example in
/// `ValidatingAdmissionPolicy` match conditions or `ClusterTrustBundle` projections).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSelectorRequirement {
    /// The field path the requirement applies to.
    #[serde(default)]
    pub key: Str,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: Str,
    /// The values (non-empty for `In`/`NotIn`, empty otherwise).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub values: Vec<Str>,
}

/// One set-based requirement of a [`LabelSelector`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key.
    #[serde(default)]
    pub key: Str,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: Str,
    /// The values (non-empty for `In`/`NotIn`, empty otherwise).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub values: Vec<Str>,
}

impl LabelSelector {
    /// A selector with exact labels only.
    pub fn from_labels(labels: StringMap) -> Self {
        Self {
            match_labels: labels,
            match_expressions: Vec::new(),
        }
    }

    /// Converts to a matchable selector; see [`label_selector_as_selector`].
    pub fn to_selector(&self) -> Result<Selector, Error> {
        label_selector_as_selector(Some(self))
    }
}

/// Converts an API label selector into a [`Selector`].
///
/// `None` selects **nothing**; a present but empty selector selects **everything**.
/// Requirements are validated; an unknown operator is an error
/// (`"X" is not a valid label selector operator`).
///
/// ```
/// use clientgo_apimachinery::meta::{LabelSelector, label_selector_as_selector};
///
/// assert!(label_selector_as_selector(None)?.is_nothing());
/// assert!(label_selector_as_selector(Some(&LabelSelector::default()))?.is_empty());
/// # Ok::<(), clientgo_apimachinery::Error>(())
/// ```
pub fn label_selector_as_selector(selector: Option<&LabelSelector>) -> Result<Selector, Error> {
    let Some(ls) = selector else {
        return Ok(Selector::nothing());
    };
    if ls.match_labels.is_empty() && ls.match_expressions.is_empty() {
        return Ok(Selector::everything());
    }
    let mut requirements = Vec::with_capacity(ls.match_labels.len() + ls.match_expressions.len());
    for (k, v) in &ls.match_labels {
        requirements.push(Requirement::new(k.clone(), Operator::Equals, [v.clone()])?);
    }
    for expr in &ls.match_expressions {
        let op = match expr.operator.as_str() {
            LABEL_SELECTOR_OP_IN => Operator::In,
            LABEL_SELECTOR_OP_NOT_IN => Operator::NotIn,
            LABEL_SELECTOR_OP_EXISTS => Operator::Exists,
            LABEL_SELECTOR_OP_DOES_NOT_EXIST => Operator::DoesNotExist,
            other => {
                return Err(Error::InvalidLabelSelector(format!(
                    "{} is not a valid label selector operator",
                    crate::validation::go_quote(other)
                )));
            }
        };
        requirements.push(Requirement::new(
            expr.key.clone(),
            op,
            expr.values.iter().cloned(),
        )?);
    }
    Ok(Selector::everything().and_all(requirements))
}

/// Renders a label selector for humans: the selector string, `<none>` when it selects
/// everything, `<error>` when it is invalid.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    match label_selector_as_selector(selector) {
        Err(_) => "<error>".to_owned(),
        Ok(s) => {
            let rendered = s.to_string();
            if rendered.is_empty() {
                "<none>".to_owned()
            } else {
                rendered
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.iter().map(|v| (*v).into()).collect(),
        }
    }

    /// `TestLabelSelectorAsSelector`
    #[test]
    fn conversion_table() {
        let cases: Vec<(Option<LabelSelector>, Result<&str, &str>, bool)> = vec![
            (None, Ok(""), false),
            (Some(LabelSelector::default()), Ok(""), true),
            (
                Some(LabelSelector {
                    match_labels: StringMap::from([("foo", "foo".into()), ("bar", "bar".into())]),
                    match_expressions: vec![expr("baz", "In", &["qux", "norf"])],
                }),
                Ok("bar=bar,baz in (norf,qux),foo=foo"),
                false,
            ),
            (
                Some(LabelSelector {
                    match_labels: StringMap::from([("foo", "foo".into())]),
                    match_expressions: vec![expr("baz", "Exists", &["qux", "norf"])],
                }),
                Err(
                    "values: Invalid value: [\"qux\",\"norf\"]: values set must be empty for exists and does not exist",
                ),
                false,
            ),
            (
                Some(LabelSelector {
                    match_labels: StringMap::new(),
                    match_expressions: vec![expr("baz", "Bogus", &[])],
                }),
                Err("\"Bogus\" is not a valid label selector operator"),
                false,
            ),
        ];
        for (input, want, empty) in cases {
            let got = label_selector_as_selector(input.as_ref());
            match want {
                Ok(s) => {
                    let sel = got.unwrap();
                    assert_eq!(sel.to_string(), s);
                    assert_eq!(sel.is_empty(), empty);
                }
                Err(msg) => assert_eq!(got.unwrap_err().to_string(), msg),
            }
        }
    }

    #[test]
    fn nil_selects_nothing_and_empty_selects_everything() {
        let labels: StringMap = StringMap::from([("a", "b".into())]);
        assert!(!label_selector_as_selector(None).unwrap().matches(&labels));
        assert!(
            label_selector_as_selector(Some(&LabelSelector::default()))
                .unwrap()
                .matches(&labels)
        );
    }

    #[test]
    fn format_shows_none_and_error() {
        assert_eq!(
            format_label_selector(Some(&LabelSelector::default())),
            "<none>"
        );
        let bad = LabelSelector {
            match_expressions: vec![expr("a", "Nope", &[])],
            ..LabelSelector::default()
        };
        assert_eq!(format_label_selector(Some(&bad)), "<error>");
        let good = LabelSelector::from_labels(StringMap::from([("app", "web".into())]));
        assert_eq!(format_label_selector(Some(&good)), "app=web");
    }

    #[test]
    fn json_uses_camel_case_and_omits_empty() {
        let s = LabelSelector {
            match_labels: StringMap::from([("app", "web".into())]),
            match_expressions: vec![expr("tier", "NotIn", &["db"]), expr("x", "Exists", &[])],
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["db"]},{"key":"x","operator":"Exists"}]}"#
        );
        assert_eq!(serde_json::from_str::<LabelSelector>(&json).unwrap(), s);
        assert_eq!(
            serde_json::to_string(&LabelSelector::default()).unwrap(),
            "{}"
        );
        let null_fields: LabelSelector =
            serde_json::from_str(r#"{"matchLabels":null,"matchExpressions":null}"#).unwrap();
        assert_eq!(null_fields, LabelSelector::default());
    }
}
