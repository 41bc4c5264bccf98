//! Validation of names and label values, and field-level validation errors.
//!
//! Mirrors the parts of Go's `k8s.io/apimachinery/pkg/util/validation` (and its
//! `field` package) that selectors and API errors need. The checks return a list of
//! human-readable problems (empty when valid), worded like the API server words them.
//!
//! ```
//! use clientgo_apimachinery::validation::{is_qualified_name, is_valid_label_value};
//!
//! assert!(is_qualified_name("example.com/my-key").is_empty());
//! assert!(!is_qualified_name("-bad").is_empty());
//! assert!(is_valid_label_value("").is_empty());
//! ```

use std::fmt;

/// Longest allowed name part of a qualified name, and longest label value.
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;
/// Longest allowed DNS-1123 subdomain (the prefix of a qualified name).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// Longest allowed DNS-1123 label.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// "must be no more than N bytes".
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} bytes")
}

/// "must be non-empty".
pub fn empty_error() -> &'static str {
    "must be non-empty"
}

/// A regular-expression failure explained with examples, worded like the API server.
pub fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{regex}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(regex);
    out.push_str("')");
    out
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?` without a regex engine.
fn is_label_token(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_dns_label_token(s: &str) -> bool {
    let bytes = s.as_bytes();
    let lower_alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    lower_alnum(first) && lower_alnum(last) && bytes.iter().all(|b| lower_alnum(b) || *b == b'-')
}

fn is_dns_subdomain_token(s: &str) -> bool {
    s.split('.').all(is_dns_label_token)
}

/// Checks a qualified name (a label or annotation key): an optional DNS subdomain prefix
/// and `/`, then a name of at most 63 characters made of alphanumerics, `-`, `_` and `.`
/// that starts and ends alphanumeric. Returns the problems found.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                errs.extend(
                    is_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(LABEL_VALUE_MAX_LENGTH)
        ));
    }
    if !is_label_token(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// Checks a label value: empty, or at most 63 characters of alphanumerics, `-`, `_`
/// and `.` that start and end alphanumeric. Returns the problems found.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !is_label_token(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// Checks a lower-case RFC 1123 subdomain (`example.com`), at most 253 characters.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !is_dns_subdomain_token(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// Checks a lower-case RFC 1123 label (`my-name`), at most 63 characters.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !is_dns_label_token(value) {
        if is_dns_subdomain_token(value) {
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// The kind of a field validation problem; its [`cause_type`](Self::cause_type) is what
/// the API server puts in `status.details.causes[].reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorType {
    /// A referenced value does not exist.
    NotFound,
    /// A required value is missing.
    Required,
    /// A value that must be unique is not.
    Duplicate,
    /// A value is malformed.
    Invalid,
    /// A value is not one of the supported values.
    NotSupported,
    /// A value is not allowed under the current conditions.
    Forbidden,
    /// A value is too long.
    TooLong,
    /// A list has too many items.
    TooMany,
    /// A list has too few items.
    TooFew,
    /// Something went wrong that is not the user's fault.
    Internal,
    /// A value does not have the schema's type.
    TypeInvalid,
    /// A value is too short.
    TooShort,
}

impl FieldErrorType {
    /// The machine-readable cause type, e.g. `FieldValueInvalid`.
    pub fn cause_type(self) -> &'static str {
        match self {
            Self::NotFound => "FieldValueNotFound",
            Self::Required => "FieldValueRequired",
            Self::Duplicate => "FieldValueDuplicate",
            Self::Invalid => "FieldValueInvalid",
            Self::NotSupported => "FieldValueNotSupported",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::TooFew => "FieldValueTooFew",
            Self::Internal => "InternalError",
            Self::TypeInvalid => "FieldValueTypeInvalid",
            Self::TooShort => "FieldValueTooShort",
        }
    }

    /// The human-readable text, e.g. `Invalid value`.
    pub fn text(self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::TooFew => "Too few",
            Self::Internal => "Internal error",
            Self::TooShort => "Too short",
        }
    }

    /// True for the types whose message shows the offending value.
    fn shows_value(self) -> bool {
        matches!(
            self,
            Self::Invalid
                | Self::TypeInvalid
                | Self::NotSupported
                | Self::NotFound
                | Self::Duplicate
                | Self::TooMany
                | Self::TooFew
        )
    }
}

/// One validation problem of one field, e.g. `spec.replicas: Invalid value: -1: must be
/// greater than or equal to 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// What kind of problem.
    pub error_type: FieldErrorType,
    /// The field path, e.g. `metadata.labels` (`<nil>` when there is no path).
    pub field: String,
    /// The offending value (rendered as JSON, strings quoted), if any.
    pub bad_value: Option<serde_json::Value>,
    /// Extra explanation; may be empty.
    pub detail: String,
}

impl FieldError {
    /// A field error of any type.
    pub fn new(
        error_type: FieldErrorType,
        field: impl Into<String>,
        bad_value: Option<serde_json::Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            error_type,
            field: field.into(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// A malformed value.
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<serde_json::Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(FieldErrorType::Invalid, field, Some(value.into()), detail)
    }

    /// A missing required value.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Required, field, None, detail)
    }

    /// A value not allowed under the current conditions.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Forbidden, field, None, detail)
    }

    /// A value outside an enumeration; lists the supported values.
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<serde_json::Value>,
        supported: &[&str],
    ) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|v| format!("{v:?}")).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(
            FieldErrorType::NotSupported,
            field,
            Some(value.into()),
            detail,
        )
    }

    /// The message without the field path (what goes into a `StatusCause` message).
    pub fn error_body(&self) -> String {
        let mut s = self.error_type.text().to_owned();
        if self.error_type.shows_value()
            && let Some(value) = &self.bad_value
        {
            s.push_str(": ");
            match value {
                serde_json::Value::String(text) => s.push_str(&go_quote(text)),
                other => s.push_str(&other.to_string()),
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error_body())
    }
}

impl std::error::Error for FieldError {}

/// Renders a list of field errors the way Go aggregates them: one error as itself,
/// several (duplicates removed) as `[a, b]`, none as an empty string.
pub fn aggregate_message(errors: &[FieldError]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for message in errors.iter().map(ToString::to_string) {
        if !seen.contains(&message) {
            seen.push(message);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen.remove(0),
        _ => format!("[{}]", seen.join(", ")),
    }
}

/// Double-quotes a string with Go-like escapes (`\"`, `\\`, `\n`, `\t`, `\u{..}` for
/// other control characters).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_accept_prefix_and_63_char_name() {
        for ok in [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "example.com/Mixed_Case.name",
            "a",
            &"a".repeat(63),
            &format!("{}/a", "a".repeat(253)),
        ] {
            assert!(
                is_qualified_name(ok).is_empty(),
                "{ok}: {:?}",
                is_qualified_name(ok)
            );
        }
    }

    #[test]
    fn qualified_names_reject_bad_prefix_name_and_slashes() {
        for bad in [
            "",
            "-starts-with-dash",
            "ends-with-dash-",
            "a/b/c",
            "/simple",
            "Upper.Case/name",
            "name with space",
            &"a".repeat(64),
            &format!("{}/a", "a".repeat(254)),
        ] {
            assert!(!is_qualified_name(bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn qualified_name_messages_match_server_wording() {
        assert_eq!(
            is_qualified_name("/a"),
            vec!["prefix part must be non-empty".to_owned()]
        );
        assert_eq!(
            is_qualified_name(&"a".repeat(64)),
            vec!["name part must be no more than 63 bytes".to_owned()]
        );
        assert_eq!(
            is_qualified_name("-a"),
            vec![
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn label_values_allow_empty_and_limit_length_and_charset() {
        assert!(is_valid_label_value("").is_empty());
        assert!(is_valid_label_value("a.b_c-d").is_empty());
        assert!(is_valid_label_value(&"v".repeat(63)).is_empty());
        assert_eq!(
            is_valid_label_value(&"v".repeat(64)),
            vec!["must be no more than 63 bytes".to_owned()]
        );
        assert!(!is_valid_label_value("-x").is_empty());
        assert!(!is_valid_label_value("x y").is_empty());
        assert!(!is_valid_label_value("a/b").is_empty());
    }

    #[test]
    fn dns_labels_reject_dots_with_specific_message() {
        assert!(is_dns1123_label("my-name").is_empty());
        assert_eq!(
            is_dns1123_label("a.b"),
            vec!["must not contain dots".to_owned()]
        );
        assert_eq!(is_dns1123_label("A").len(), 1);
    }

    #[test]
    fn field_errors_render_like_go() {
        let e = FieldError::invalid("spec.replicas", -1, "must be greater than or equal to 0");
        assert_eq!(
            e.to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        let e = FieldError::invalid("metadata.name", "a b", "bad");
        assert_eq!(e.error_body(), "Invalid value: \"a b\": bad");
        let e = FieldError::required("metadata.name", "");
        assert_eq!(e.to_string(), "metadata.name: Required value");
        let e = FieldError::not_supported("spec.op", "X", &["A", "B"]);
        assert_eq!(
            e.to_string(),
            "spec.op: Unsupported value: \"X\": supported values: \"A\", \"B\""
        );
    }

    #[test]
    fn aggregate_brackets_only_several_distinct_errors() {
        let a = FieldError::required("a", "");
        let b = FieldError::required("b", "");
        assert_eq!(aggregate_message(&[]), "");
        assert_eq!(
            aggregate_message(std::slice::from_ref(&a)),
            "a: Required value"
        );
        assert_eq!(
            aggregate_message(&[a.clone(), b, a]),
            "[a: Required value, b: Required value]"
        );
    }
}
