//! Field selectors: parse, match and render.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/fields`. A field selector is a comma-separated
//! list of `field=value`, `field==value` or `field!=value` terms that must all hold; the
//! server supports a few fields per resource (`metadata.name`, `metadata.namespace`,
//! `spec.nodeName`, `status.phase`, ...).
//!
//! Values may contain `,`, `=` and `\` only escaped with a backslash (`\,`, `\=`, `\\`);
//! [`escape_value`] does that, and rendering escapes values automatically. Terms are
//! sorted when parsed, so equal selectors print equally.
//!
//! ```
//! use std::collections::BTreeMap;
//! use clientgo_apimachinery::fields::Selector;
//!
//! let selector: Selector = "status.phase!=Failed,spec.nodeName=node-1".parse()?;
//! assert_eq!(selector.to_string(), "spec.nodeName=node-1,status.phase!=Failed");
//!
//! let fields = BTreeMap::from([
//!     ("spec.nodeName".to_owned(), "node-1".to_owned()),
//!     ("status.phase".to_owned(), "Running".to_owned()),
//! ]);
//! assert!(selector.matches(&fields));
//! assert_eq!(Selector::one_term_equal("metadata.name", "a,b").to_string(), r"metadata.name=a\,b");
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A flat map from field path to value, e.g. `metadata.name` → `my-pod`.
pub type Set = BTreeMap<String, String>;

/// Read access to the fields of an object, so selectors can match any map type.
///
/// A missing field reads as the empty string, as in Go.
pub trait Fields {
    /// The value of `field`, if known.
    fn get_field(&self, field: &str) -> Option<&str>;
}

impl Fields for BTreeMap<String, String> {
    fn get_field(&self, field: &str) -> Option<&str> {
        self.get(field).map(String::as_str)
    }
}

impl<S: std::hash::BuildHasher> Fields for HashMap<String, String, S> {
    fn get_field(&self, field: &str) -> Option<&str> {
        self.get(field).map(String::as_str)
    }
}

impl<F: Fields + ?Sized> Fields for &F {
    fn get_field(&self, field: &str) -> Option<&str> {
        (**self).get_field(field)
    }
}

/// The operator of a field selector term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `field=value` (also written `field==value`)
    Equals,
    /// `field!=value`
    NotEquals,
}

/// One term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    /// The field path, e.g. `status.phase`.
    pub field: String,
    /// Equality or inequality.
    pub operator: Operator,
    /// The (unescaped) value.
    pub value: String,
}

impl Requirement {
    /// True if the fields satisfy this term; a missing field counts as `""`.
    pub fn matches(&self, fields: &impl Fields) -> bool {
        let have = fields.get_field(&self.field).unwrap_or("");
        match self.operator {
            Operator::Equals => have == self.value,
            Operator::NotEquals => have != self.value,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::NotEquals => "!=",
        };
        write!(f, "{}{op}{}", self.field, escape_value(&self.value))
    }
}

/// A field selector: terms that must all hold. No terms selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    terms: Vec<Requirement>,
}

impl Selector {
    /// The selector that matches everything.
    pub const fn everything() -> Self {
        Self { terms: Vec::new() }
    }

    /// A selector with the single term `field=value`.
    pub fn one_term_equal(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            terms: vec![Requirement {
                field: field.into(),
                operator: Operator::Equals,
                value: value.into(),
            }],
        }
    }

    /// A selector requiring every field of the set to have its value.
    pub fn from_set(set: &Set) -> Self {
        Self {
            terms: set
                .iter()
                .map(|(field, value)| Requirement {
                    field: field.clone(),
                    operator: Operator::Equals,
                    value: value.clone(),
                })
                .collect(),
        }
    }

    /// Parses a field selector string.
    ///
    /// Like Go, a term whose field and value are both empty (`=`, `==`, `!=`) selects
    /// everything and is dropped, so `"a=b,="` is `"a=b"` and `"!="` is
    /// [`everything`](Self::everything).
    ///
    /// Errors: a term without an operator (`invalid selector: '<s>'; can't understand
    /// '<term>'`), an unknown escape (`invalid field selector: invalid escape sequence:
    /// ...`), or an unescaped `,`/`=` in a value.
    pub fn parse(selector: &str) -> Result<Self, Error> {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((field, operator, raw)) = split_term(part) else {
                return Err(Error::InvalidFieldSelector(format!(
                    "invalid selector: '{selector}'; can't understand '{part}'"
                )));
            };
            let value = unescape_value(raw)?;
            if field.is_empty() && value.is_empty() {
                continue;
            }
            terms.push(Requirement {
                field: field.to_owned(),
                operator,
                value,
            });
        }
        Ok(Self { terms })
    }

    /// True if the fields satisfy every term.
    pub fn matches(&self, fields: &impl Fields) -> bool {
        self.terms.iter().all(|t| t.matches(fields))
    }

    /// True if there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms, in order.
    pub fn requirements(&self) -> &[Requirement] {
        &self.terms
    }

    /// Adds a term at the end.
    #[must_use]
    pub fn and(mut self, requirement: Requirement) -> Self {
        self.terms.push(requirement);
        self
    }

    /// If an `=` term requires `field` to have a value, that value.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.operator == Operator::Equals && t.field == field)
            .map(|t| t.value.as_str())
    }

    /// Rewrites every term's field and value (e.g. to map field labels of an old API
    /// version); the first error is returned. A term rewritten to an empty field and an
    /// empty value is dropped, as in Go.
    pub fn transform<E>(
        &self,
        mut f: impl FnMut(&str, &str) -> Result<(String, String), E>,
    ) -> Result<Self, E> {
        let mut terms = Vec::with_capacity(self.terms.len());
        for t in &self.terms {
            let (field, value) = f(&t.field, &t.value)?;
            if !(field.is_empty() && value.is_empty()) {
                terms.push(Requirement {
                    field,
                    operator: t.operator,
                    value,
                });
            }
        }
        Ok(Self { terms })
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl FromStr for Selector {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Escapes `\`, `,` and `=` in a value with a backslash.
pub fn escape_value(value: &str) -> String {
    if !value.contains(['\\', ',', '=']) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Reverses [`escape_value`]: `\\`, `\,` and `\=` become the character; any other escape,
/// a trailing lone `\`, or an unescaped `,` or `=` is an error.
///
/// As in Go, the unescaped-character error names the character by its code point
/// ("invalid field selector: unescaped character in value: 61" for `=`).
pub fn unescape_value(value: &str) -> Result<String, Error> {
    if !value.contains(['\\', ',', '=']) {
        return Ok(value.to_owned());
    }
    let mut out = String::with_capacity(value.len());
    let mut in_slash = false;
    for c in value.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(Error::InvalidFieldSelector(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                )));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(Error::InvalidFieldSelector(format!(
                    "invalid field selector: unescaped character in value: {}",
                    u32::from(c)
                )));
            }
            c => out.push(c),
        }
    }
    if in_slash {
        return Err(Error::InvalidFieldSelector(
            "invalid field selector: invalid escape sequence: \\".to_owned(),
        ));
    }
    Ok(out)
}

/// Splits at commas that are not escaped; escapes stay in the pieces.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Splits a term at the first operator (`!=`, then `==`, then `=` at each position).
fn split_term(term: &str) -> Option<(&str, Operator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        if let Some(value) = rest.strip_prefix("!=") {
            return Some((&term[..i], Operator::NotEquals, value));
        }
        if let Some(value) = rest.strip_prefix("==") {
            return Some((&term[..i], Operator::Equals, value));
        }
        if let Some(value) = rest.strip_prefix('=') {
            return Some((&term[..i], Operator::Equals, value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `TestSplitTerms`.
    #[test]
    fn split_terms_honours_escaped_commas() {
        let cases: Vec<(&str, Vec<&str>)> = vec![
            ("a", vec!["a"]),
            ("a=avalue", vec!["a=avalue"]),
            ("a=avalue,b=bvalue", vec!["a=avalue", "b=bvalue"]),
            (
                "a=avalue,b==bvalue,c!=cvalue",
                vec!["a=avalue", "b==bvalue", "c!=cvalue"],
            ),
            ("", vec![]),
            ("a=a,", vec!["a=a", ""]),
            (",a=a", vec!["", "a=a"]),
            (r"k=\,,k2=v2", vec![r"k=\,", "k2=v2"]),
            (r"k=\\,k2=v2", vec![r"k=\\", "k2=v2"]),
            (r"k=\\\,,k2=v2", vec![r"k=\\\,", "k2=v2"]),
            (r"k=\a\b\", vec![r"k=\a\b\"]),
            (r"k=\", vec![r"k=\"]),
            ("함=수,목=록", vec!["함=수", "목=록"]),
        ];
        for (input, want) in cases {
            assert_eq!(split_terms(input), want, "{input}");
        }
    }

    /// Go's `TestSplitTerm`.
    #[test]
    fn split_term_finds_first_operator() {
        assert_eq!(
            split_term("a=value"),
            Some(("a", Operator::Equals, "value"))
        );
        assert_eq!(
            split_term("b==value"),
            Some(("b", Operator::Equals, "value"))
        );
        assert_eq!(
            split_term("c!=value"),
            Some(("c", Operator::NotEquals, "value"))
        );
        assert_eq!(split_term(""), None);
        assert_eq!(split_term("a"), None);
        assert_eq!(split_term(r"k=\,"), Some(("k", Operator::Equals, r"\,")));
        assert_eq!(split_term(r"k=\="), Some(("k", Operator::Equals, r"\=")));
        assert_eq!(
            split_term(r"k=\\\a\b\=\,\"),
            Some(("k", Operator::Equals, r"\\\a\b\=\,\"))
        );
        assert_eq!(split_term("함=수"), Some(("함", Operator::Equals, "수")));
    }
}
