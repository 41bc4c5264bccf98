//! Label selectors: parse, build, match and render.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/labels` (and the operators of
//! `pkg/selection`). A [`Selector`] is a list of [`Requirement`]s that must all hold
//! (comma means AND):
//!
//! | Syntax | Operator | Matches when |
//! |---|---|---|
//! | `key=value`, `key==value` | [`Operator::Equals`], [`Operator::DoubleEquals`] | the label exists with that value |
//! | `key!=value` | [`Operator::NotEquals`] | the label is absent or has another value |
//! | `key in (a,b)` | [`Operator::In`] | the label exists with one of the values |
//! | `key notin (a,b)` | [`Operator::NotIn`] | the label is absent or has none of the values |
//! | `key` | [`Operator::Exists`] | the label exists |
//! | `!key` | [`Operator::DoesNotExist`] | the label is absent |
//! | `key>3`, `key<3` | [`Operator::GreaterThan`], [`Operator::LessThan`] | the label is an integer above/below |
//!
//! Keys must be qualified names and values valid label values (see
//! [`validation`](mod@crate::validation)). Rendering is canonical: requirements sorted by
//! key, set values sorted, so equal selectors print equally and can be compared or
//! used as cache keys.
//!
//! ```
//! use std::collections::BTreeMap;
//! use clientgo_apimachinery::labels::Selector;
//!
//! let selector: Selector = "tier notin (db), app = web,!canary".parse()?;
//! assert_eq!(selector.to_string(), "app=web,!canary,tier notin (db)");
//!
//! let labels = BTreeMap::from([("app".to_owned(), "web".to_owned())]);
//! assert!(selector.matches(&labels));
//!
//! let built = Selector::builder().equals("app", "web").exists("team").build()?;
//! assert_eq!(built.to_string(), "app=web,team");
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::validation::{self, FieldError, aggregate_message};

/// A set of labels, as stored in `metadata.labels`.
pub type Set = crate::StringMap;

/// Read access to a set of labels, so selectors can match any map type.
pub trait Labels {
    /// The value of the label `key`, if present.
    fn get_label(&self, key: &str) -> Option<&str>;
}

impl Labels for BTreeMap<String, String> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl<V: AsRef<str>> Labels for crate::StringMap<V> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key).map(AsRef::as_ref)
    }
}

impl<S: std::hash::BuildHasher> Labels for HashMap<String, String, S> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl<L: Labels> Labels for Option<&L> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.and_then(|l| l.get_label(key))
    }
}

impl<L: Labels + ?Sized> Labels for &L {
    fn get_label(&self, key: &str) -> Option<&str> {
        (**self).get_label(key)
    }
}

/// Renders a label set as sorted `k=v` pairs joined by commas (`a=1,b=2`).
pub fn format_set(set: &Set) -> String {
    let mut out = String::new();
    for (i, (k, v)) in set.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// True if a key is in both sets with different values.
pub fn conflicts(a: &Set, b: &Set) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .any(|(k, v)| large.get(k).is_some_and(|other| other != v))
}

/// The union of two sets; on a shared key the value of `b` wins.
pub fn merge(a: &Set, b: &Set) -> Set {
    let mut out = a.clone();
    out.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// Parses `k1=v1,k2=v2` into a set, validating keys and values (whitespace around
/// them is trimmed). Anything but exactly one `=` per pair is an error.
pub fn convert_selector_to_labels_map(selector: &str) -> Result<Set, Error> {
    let mut set = Set::new();
    if selector.is_empty() {
        return Ok(set);
    }
    for pair in selector.split(',') {
        let parts: Vec<&str> = pair.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(Error::InvalidLabelSelector(format!(
                "invalid selector: [{}]",
                parts.join(" ")
            )));
        };
        let (key, value) = (key.trim(), value.trim());
        if let Some(e) = key_error(key, "<nil>") {
            return Err(Error::InvalidLabelSelector(e.to_string()));
        }
        let problems = validation::is_valid_label_value(value);
        if !problems.is_empty() {
            return Err(Error::InvalidLabelSelector(
                FieldError::invalid(format!("<nil>[{key}]"), value, problems.join("; "))
                    .to_string(),
            ));
        }
        set.insert(key.into(), value.into());
    }
    Ok(set)
}

/// The relation between a label and the values of a [`Requirement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `key=value`
    Equals,
    /// `key==value`
    DoubleEquals,
    /// `key!=value`
    NotEquals,
    /// `key in (values)`
    In,
    /// `key notin (values)`
    NotIn,
    /// `key`
    Exists,
    /// `!key`
    DoesNotExist,
    /// `key>value` (integers)
    GreaterThan,
    /// `key<value` (integers)
    LessThan,
}

impl Operator {
    /// The name Go uses for the operator (`=`, `==`, `!=`, `in`, `notin`, `exists`, `!`,
    /// `gt`, `lt`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equals => "=",
            Self::DoubleEquals => "==",
            Self::NotEquals => "!=",
            Self::In => "in",
            Self::NotIn => "notin",
            Self::Exists => "exists",
            Self::DoesNotExist => "!",
            Self::GreaterThan => "gt",
            Self::LessThan => "lt",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One condition on one label: a key, an operator and (depending on the operator) values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// Builds and validates a requirement.
    ///
    /// The key must be a qualified name and every value a valid label value; `in` and
    /// `notin` need at least one value, `=`, `==` and `!=` exactly one, exists and
    /// does-not-exist none, `>` and `<` exactly one integer.
    pub fn new<I, S>(key: impl Into<String>, operator: Operator, values: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let requirement = Self {
            key: key.into(),
            operator,
            values: values.into_iter().map(Into::into).collect(),
        };
        let errors = requirement.validate("", "key");
        if errors.is_empty() {
            Ok(requirement)
        } else {
            Err(Error::InvalidLabelSelector(aggregate_message(&errors)))
        }
    }

    /// Builds a requirement without validating it (for input already known to be valid).
    pub fn new_unchecked<I, S>(key: impl Into<String>, operator: Operator, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            key: key.into(),
            operator,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Checks the requirement, reporting errors under `path` (Go's field path of the
    /// requirement; empty for none). The key error is reported at `key_path`.
    fn validate(&self, path: &str, key_path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(e) = key_error(&self.key, key_path) {
            errors.push(e);
        }
        let values_path = child_path(path, "values");
        let values_json = || serde_json::Value::from(self.values.clone());
        match self.operator {
            Operator::In | Operator::NotIn => {
                if self.values.is_empty() {
                    errors.push(FieldError::invalid(
                        values_path.clone(),
                        values_json(),
                        "for 'in', 'notin' operators, values set can't be empty",
                    ));
                }
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals => {
                if self.values.len() != 1 {
                    errors.push(FieldError::invalid(
                        values_path.clone(),
                        values_json(),
                        "exact-match compatibility requires one single value",
                    ));
                }
            }
            Operator::Exists | Operator::DoesNotExist => {
                if !self.values.is_empty() {
                    errors.push(FieldError::invalid(
                        values_path.clone(),
                        values_json(),
                        "values set must be empty for exists and does not exist",
                    ));
                }
            }
            Operator::GreaterThan | Operator::LessThan => {
                if self.values.len() != 1 {
                    errors.push(FieldError::invalid(
                        values_path.clone(),
                        values_json(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in self.values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errors.push(FieldError::invalid(
                            format!("{values_path}[{i}]"),
                            v.as_str(),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
        }
        for (i, v) in self.values.iter().enumerate() {
            let problems = validation::is_valid_label_value(v);
            if !problems.is_empty() {
                errors.push(FieldError::invalid(
                    format!("{values_path}[{i}][{}]", self.key),
                    v.as_str(),
                    problems.join("; "),
                ));
            }
        }
        errors
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values, in the order given.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    fn has_value(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// True if the labels satisfy this requirement.
    ///
    /// `!=` and `notin` match when the label is absent; `>` and `<` need the label to be
    /// present and both sides to parse as 64-bit integers.
    pub fn matches(&self, labels: &impl Labels) -> bool {
        let value = labels.get_label(&self.key);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                value.is_some_and(|v| self.has_value(v))
            }
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !self.has_value(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(have)) = value.map(str::parse::<i64>) else {
                    return false;
                };
                let [want] = self.values.as_slice() else {
                    return false;
                };
                let Ok(want) = want.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let (op, parens) = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => ("=", false),
            Operator::DoubleEquals => ("==", false),
            Operator::NotEquals => ("!=", false),
            Operator::In => (" in ", true),
            Operator::NotIn => (" notin ", true),
            Operator::GreaterThan => (">", false),
            Operator::LessThan => ("<", false),
        };
        f.write_str(op)?;
        if parens {
            f.write_str("(")?;
        }
        if self.values.is_sorted() {
            write_joined(f, self.values.iter())?;
        } else {
            let mut sorted: Vec<&String> = self.values.iter().collect();
            sorted.sort();
            write_joined(f, sorted.into_iter())?;
        }
        if parens {
            f.write_str(")")?;
        }
        Ok(())
    }
}

fn write_joined<'a>(
    f: &mut fmt::Formatter<'_>,
    values: impl Iterator<Item = &'a String>,
) -> fmt::Result {
    for (i, v) in values.enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        f.write_str(v)?;
    }
    Ok(())
}

fn child_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

fn key_error(key: &str, path: &str) -> Option<FieldError> {
    let problems = validation::is_qualified_name(key);
    (!problems.is_empty()).then(|| FieldError::invalid(path, key, problems.join("; ")))
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Inner {
    Nothing,
    Requirements(Vec<Requirement>),
}

/// A label selector: requirements that must all hold, or the special "nothing" selector.
///
/// [`Selector::everything`] (no requirements) matches every label set and is empty;
/// [`Selector::nothing`] matches none and is not empty. Both render as `""`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Selector(Inner);

impl Default for Selector {
    fn default() -> Self {
        Self::everything()
    }
}

impl Selector {
    /// The selector that matches everything.
    pub const fn everything() -> Self {
        Self(Inner::Requirements(Vec::new()))
    }

    /// The selector that matches nothing.
    pub const fn nothing() -> Self {
        Self(Inner::Nothing)
    }

    /// Starts building a selector from requirements; validation happens in
    /// [`SelectorBuilder::build`].
    pub fn builder() -> SelectorBuilder {
        SelectorBuilder::default()
    }

    /// Parses a selector string (see the [module docs](self) for the grammar).
    ///
    /// Whitespace around tokens is ignored; the empty string is [`everything`](Self::everything).
    pub fn parse(input: &str) -> Result<Self, Error> {
        Parser::new(input)
            .parse()
            .map(|requirements| Self::everything().and_all(requirements))
            .map_err(Error::InvalidLabelSelector)
    }

    /// A selector requiring exactly the given labels (`k=v` for every entry), without
    /// validating keys or values. An empty set gives [`everything`](Self::everything).
    pub fn from_set(set: &Set) -> Self {
        Self(Inner::Requirements(
            set.iter()
                .map(|(k, v)| Requirement::new_unchecked(k.clone(), Operator::Equals, [v.clone()]))
                .collect(),
        ))
    }

    /// Like [`from_set`](Self::from_set), but validates every key and value.
    pub fn validated_from_set(set: &Set) -> Result<Self, Error> {
        let requirements = set
            .iter()
            .map(|(k, v)| Requirement::new(k.clone(), Operator::Equals, [v.clone()]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Inner::Requirements(requirements)))
    }

    /// True if the labels satisfy every requirement.
    pub fn matches(&self, labels: &impl Labels) -> bool {
        match &self.0 {
            Inner::Nothing => false,
            Inner::Requirements(reqs) => reqs.iter().all(|r| r.matches(labels)),
        }
    }

    /// True if the selector does not restrict anything ([`everything`](Self::everything)).
    pub fn is_empty(&self) -> bool {
        matches!(&self.0, Inner::Requirements(reqs) if reqs.is_empty())
    }

    /// True for [`nothing`](Self::nothing).
    pub fn is_nothing(&self) -> bool {
        matches!(self.0, Inner::Nothing)
    }

    /// The requirements, sorted by key; `None` for the selector that selects nothing.
    pub fn requirements(&self) -> Option<&[Requirement]> {
        match &self.0 {
            Inner::Nothing => None,
            Inner::Requirements(reqs) => Some(reqs),
        }
    }

    /// Adds a requirement (kept sorted by key); Go's `Add`. Adding to
    /// [`nothing`](Self::nothing) keeps it nothing.
    ///
    /// Requirements with equal keys are ordered as Go orders them, which for more than
    /// twelve requirements is not necessarily the order they were added in.
    #[must_use]
    pub fn and(self, requirement: Requirement) -> Self {
        self.and_all([requirement])
    }

    /// Adds several requirements at once and sorts by key like Go's `Add` with more
    /// than one argument.
    #[must_use]
    pub(crate) fn and_all(mut self, requirements: impl IntoIterator<Item = Requirement>) -> Self {
        if let Inner::Requirements(reqs) = &mut self.0 {
            reqs.extend(requirements);
            crate::go_sort::sort_by(reqs, |a, b| a.key < b.key);
        }
        self
    }

    /// If the selector requires `label` to have one specific value (`=`, `==`, or `in`
    /// with one value), that value.
    pub fn requires_exact_match(&self, label: &str) -> Option<&str> {
        let reqs = self.requirements()?;
        let r = reqs.iter().find(|r| r.key == label)?;
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Inner::Requirements(reqs) = &self.0 else {
            return Ok(());
        };
        for (i, r) in reqs.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
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

/// Collects requirements for a [`Selector`]; see [`Selector::builder`].
#[derive(Debug, Clone, Default)]
pub struct SelectorBuilder {
    requirements: Vec<(String, Operator, Vec<String>)>,
}

impl SelectorBuilder {
    /// Adds a requirement with any operator.
    #[must_use]
    pub fn requirement<I, S>(
        mut self,
        key: impl Into<String>,
        operator: Operator,
        values: I,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.requirements.push((
            key.into(),
            operator,
            values.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// `key=value`
    #[must_use]
    pub fn equals(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.requirement(key, Operator::Equals, [value.into()])
    }

    /// `key!=value`
    #[must_use]
    pub fn not_equals(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.requirement(key, Operator::NotEquals, [value.into()])
    }

    /// `key in (values)`
    #[must_use]
    pub fn in_values<I, S>(self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.requirement(key, Operator::In, values)
    }

    /// `key notin (values)`
    #[must_use]
    pub fn not_in<I, S>(self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.requirement(key, Operator::NotIn, values)
    }

    /// `key`
    #[must_use]
    pub fn exists(self, key: impl Into<String>) -> Self {
        self.requirement(key, Operator::Exists, Vec::<String>::new())
    }

    /// `!key`
    #[must_use]
    pub fn does_not_exist(self, key: impl Into<String>) -> Self {
        self.requirement(key, Operator::DoesNotExist, Vec::<String>::new())
    }

    /// `key>value`
    #[must_use]
    pub fn greater_than(self, key: impl Into<String>, value: i64) -> Self {
        self.requirement(key, Operator::GreaterThan, [value.to_string()])
    }

    /// `key<value`
    #[must_use]
    pub fn less_than(self, key: impl Into<String>, value: i64) -> Self {
        self.requirement(key, Operator::LessThan, [value.to_string()])
    }

    /// Validates every requirement and builds the selector; the first invalid
    /// requirement's error is returned.
    pub fn build(self) -> Result<Selector, Error> {
        let requirements = self
            .requirements
            .into_iter()
            .map(|(key, op, values)| Requirement::new(key, op, values))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Selector::everything().and_all(requirements))
    }
}

// ---------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
    Error,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn symbol_token(s: &str) -> Option<Token> {
    Some(match s {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

/// Splits the input into tokens; each token keeps its literal text.
///
/// Reads byte by byte like the Go lexer, including its treatment of a NUL byte: a NUL
/// ends the token being read (and is dropped), and a NUL where a token would start ends
/// the input.
fn lex(input: &str) -> Vec<(Token, &str)> {
    let mut lexer = Lexer { input, pos: 0 };
    let mut items = Vec::new();
    loop {
        let item = lexer.next_token();
        items.push(item);
        if item.0 == Token::End {
            return items;
        }
    }
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// The next byte, or 0 at the end of the input (where the position stays put).
    fn read(&mut self) -> u8 {
        match self.input.as_bytes().get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => 0,
        }
    }

    fn next_token(&mut self) -> (Token, &'a str) {
        let mut b = self.read();
        while is_whitespace(b) {
            b = self.read();
        }
        if b == 0 {
            return (Token::End, "");
        }
        self.pos -= 1;
        if is_special(b) {
            self.special_symbol()
        } else {
            self.word()
        }
    }

    /// The longest run of special characters that still forms a known symbol.
    fn special_symbol(&mut self) -> (Token, &'a str) {
        let start = self.pos;
        let mut end = start;
        let mut best: Option<(Token, usize)> = None;
        loop {
            let b = self.read();
            if b == 0 {
                break;
            }
            if !is_special(b) {
                self.pos -= 1;
                break;
            }
            end = self.pos;
            match symbol_token(&self.input[start..end]) {
                Some(tok) => best = Some((tok, end)),
                None if best.is_some() => {
                    self.pos -= 1;
                    break;
                }
                None => {}
            }
        }
        match best {
            Some((tok, end)) => (tok, &self.input[start..end]),
            None => (Token::Error, &self.input[start..end]),
        }
    }

    /// An identifier or the keyword `in` / `notin`.
    fn word(&mut self) -> (Token, &'a str) {
        let start = self.pos;
        let mut end = start;
        loop {
            let b = self.read();
            if b == 0 {
                break;
            }
            if is_special(b) || is_whitespace(b) {
                self.pos -= 1;
                break;
            }
            end = self.pos;
        }
        let word = &self.input[start..end];
        let tok = match word {
            "in" => Token::In,
            "notin" => Token::NotIn,
            _ => Token::Identifier,
        };
        (tok, word)
    }
}

/// In value position the keywords `in` and `notin` are plain identifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser<'a> {
    items: Vec<(Token, &'a str)>,
    position: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Self {
            items: lex(input),
            position: 0,
        }
    }

    fn lookahead(&self, context: Context) -> (Token, &'a str) {
        let (tok, lit) = self
            .items
            .get(self.position)
            .copied()
            .unwrap_or((Token::End, ""));
        match (context, tok) {
            (Context::Values, Token::In | Token::NotIn) => (Token::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, &'a str) {
        let item = self.lookahead(context);
        if self.position < self.items.len() {
            self.position += 1;
        }
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::End => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => {
                            return Err(format!("found '{l}', expected: ',' or 'end of string'"));
                        }
                    }
                }
                Token::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        error_literal(tok, lit)
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, inferred) = self.parse_key_and_infer_operator()?;
        if let Some(op) = inferred {
            return Requirement::new(key, op, Vec::<String>::new()).map_err(|e| e.to_string());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        let req = Requirement::new_unchecked(key, op, values);
        let errors = req.validate("", "key");
        if errors.is_empty() {
            Ok(req)
        } else {
            Err(aggregate_message(&errors))
        }
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let (mut tok, mut lit) = self.consume(Context::Values);
        let negated = tok == Token::DoesNotExist;
        if negated {
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!(
                "found '{}', expected: identifier",
                error_literal(tok, lit)
            ));
        }
        if let Some(e) = key_error(lit, "<nil>") {
            return Err(e.to_string());
        }
        let (next, _) = self.lookahead(Context::Values);
        let op = if negated {
            Some(Operator::DoesNotExist)
        } else if matches!(next, Token::End | Token::Comma) {
            Some(Operator::Exists)
        } else {
            None
        };
        Ok((lit.to_owned(), op))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                    error_literal(tok, lit)
                ));
            }
        })
    }

    /// `( v1, v2 )`; the values come back sorted and without duplicates.
    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{}' expected: '('", error_literal(tok, lit)));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                let (tok, _) = self.consume(Context::Values);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!(
                "found '{}', expected: ',', ')' or identifier",
                error_literal(tok, lit)
            )),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut set = std::collections::BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit.to_owned());
                    let (tok2, lit2) = self.lookahead(Context::Values);
                    match tok2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set.into_iter().collect()),
                        _ => {
                            return Err(format!(
                                "found '{}', expected: ',' or ')'",
                                error_literal(tok2, lit2)
                            ));
                        }
                    }
                }
                Token::Comma => {
                    // "(," and ",," and ",)" each stand for an empty value; the second
                    // comma of ",," is left for the next round.
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    match self.lookahead(Context::Values).0 {
                        Token::ClosedPar => {
                            set.insert(String::new());
                            return Ok(set.into_iter().collect());
                        }
                        Token::Comma => {
                            set.insert(String::new());
                        }
                        _ => {}
                    }
                }
                _ => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        error_literal(tok, lit)
                    ));
                }
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if matches!(tok, Token::End | Token::Comma) {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            Ok(vec![lit.to_owned()])
        } else {
            Err(format!(
                "found '{}', expected: identifier",
                error_literal(tok, lit)
            ))
        }
    }
}

/// The literal to show in an error; an unrecognised run of symbols reads like Go's lexer
/// error.
fn error_literal(tok: Token, lit: &str) -> String {
    if tok == Token::Error {
        format!("error expected: keyword found '{lit}'")
    } else {
        lit.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Set {
        pairs
            .iter()
            .map(|(k, v)| (*k, crate::Str::from(*v)))
            .collect()
    }

    fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
        Requirement::new(key, op, values.iter().copied()).unwrap()
    }

    #[test]
    fn bad_selectors_are_rejected() {
        for input in [
            "x=a||y=b",
            "x==a==b",
            "!x=a",
            "x<a",
            ",x,y",
            "x nott in (y)",
            "a in (xyz),",
            "a in (xyz)b notin ()",
            "a in (xyz abc)",
            "a notin(",
            "a (",
            "(",
            "x=a b",
            "-x",
            "x in (a,-b)",
        ] {
            assert!(Selector::parse(input).is_err(), "{input} should not parse");
        }
    }

    #[test]
    fn matching_follows_operator_semantics_including_absent_keys() {
        let yes = |sel: &str, labels: &[(&str, &str)]| {
            assert!(
                Selector::parse(sel).unwrap().matches(&set(labels)),
                "{sel} vs {labels:?}"
            );
        };
        let no = |sel: &str, labels: &[(&str, &str)]| {
            assert!(
                !Selector::parse(sel).unwrap().matches(&set(labels)),
                "{sel} vs {labels:?}"
            );
        };
        yes("", &[("x", "y")]);
        yes("x=y", &[("x", "y")]);
        yes("x=y,z=w", &[("x", "y"), ("z", "w")]);
        yes("x!=y,z!=w", &[("x", "z"), ("z", "a")]);
        yes("notin=in", &[("notin", "in")]);
        yes("x", &[("x", "z")]);
        yes("!x", &[("y", "z")]);
        yes("x>1", &[("x", "2")]);
        yes("x<1", &[("x", "0")]);
        yes("x!=y", &[]);
        yes("x notin (a)", &[]);
        no("x=z", &[]);
        no("x=y", &[("x", "z")]);
        no("x=y,z=w", &[("x", "w"), ("z", "w")]);
        no("x!=y,z!=w", &[("x", "z"), ("z", "w")]);
        no("x", &[("y", "z")]);
        no("!x", &[("x", "z")]);
        no("x>1", &[("x", "0")]);
        no("x<1", &[("x", "2")]);
        no("x>1", &[]);
        no("x>1", &[("x", "v2")]);
        let labels = [("foo", "bar"), ("baz", "blah")];
        yes("foo=bar", &labels);
        yes("baz=blah", &labels);
        yes("foo=bar,baz=blah", &labels);
        no("foo=blah", &labels);
        no("baz=bar", &labels);
        no("foo=bar,foobar=bar,baz=blah", &labels);
    }

    #[test]
    fn requirement_constructor_validates_operator_arity_and_key() {
        let cases: Vec<(&str, Operator, Vec<&str>, bool)> = vec![
            ("x", Operator::In, vec![], false),
            ("x", Operator::NotIn, vec![], false),
            ("x", Operator::In, vec!["foo"], true),
            ("x", Operator::NotIn, vec!["foo"], true),
            ("x", Operator::Exists, vec![], true),
            ("x", Operator::DoesNotExist, vec![], true),
            ("x", Operator::Exists, vec!["a"], false),
            ("1foo", Operator::In, vec!["bar"], true),
            ("1234", Operator::In, vec!["bar"], true),
            ("y", Operator::GreaterThan, vec!["1"], true),
            ("z", Operator::LessThan, vec!["6"], true),
            ("foo", Operator::GreaterThan, vec!["bar"], false),
            ("barz", Operator::LessThan, vec!["blah"], false),
            ("x", Operator::Equals, vec!["a", "b"], false),
            ("x", Operator::NotEquals, vec![], false),
        ];
        for (key, op, values, ok) in cases {
            assert_eq!(
                Requirement::new(key, op, values.clone()).is_ok(),
                ok,
                "{key} {op} {values:?}"
            );
        }
        assert!(Requirement::new("a".repeat(254), Operator::Exists, Vec::<String>::new()).is_err());
    }

    #[test]
    fn requirement_errors_carry_server_wording() {
        let err = Requirement::new("x", Operator::In, Vec::<String>::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
        );
        let err = Requirement::new("x", Operator::Equals, ["a", "b"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "values: Invalid value: [\"a\",\"b\"]: exact-match compatibility requires one single value"
        );
        let err = Selector::parse("x=a b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "found 'b', expected: ',' or 'end of string'"
        );
        let err = Selector::parse("-x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unable to parse requirement: <nil>: Invalid value: \"-x\": name part must consist of"),
            "{err}"
        );
    }

    #[test]
    fn everything_and_nothing_differ_in_emptiness_and_matching() {
        let labels = set(&[("x", "y")]);
        assert!(Selector::everything().matches(&labels));
        assert!(Selector::everything().is_empty());
        assert!(!Selector::nothing().matches(&labels));
        assert!(!Selector::nothing().is_empty());
        assert_eq!(Selector::nothing().to_string(), "");
        assert_eq!(
            Selector::nothing().and(req("a", Operator::Exists, &[])),
            Selector::nothing()
        );
        assert!(Selector::from_set(&Set::new()).is_empty());
    }

    #[test]
    fn set_selectors_match_exactly_and_render_sorted() {
        let labels = set(&[("foo", "bar"), ("baz", "blah")]);
        for s in [
            set(&[]),
            set(&[("foo", "bar")]),
            set(&[("baz", "blah")]),
            set(&[("foo", "bar"), ("baz", "blah")]),
        ] {
            assert!(Selector::from_set(&s).matches(&labels));
        }
        assert!(!Selector::from_set(&set(&[("foo", "=blah")])).matches(&labels));
        assert_eq!(format_set(&set(&[("b", "2"), ("a", "1")])), "a=1,b=2");
        assert_eq!(
            Selector::from_set(&set(&[("b", "2"), ("a", "1")])).to_string(),
            "a=1,b=2"
        );
        assert!(Selector::validated_from_set(&set(&[("a", "-bad")])).is_err());
    }

    #[test]
    fn add_keeps_requirements_sorted_by_key() {
        let s = Selector::everything()
            .and(req("key", Operator::In, &["value"]))
            .and(req("key2", Operator::Equals, &["value2"]))
            .and(req("a", Operator::Exists, &[]));
        let keys: Vec<&str> = s
            .requirements()
            .unwrap()
            .iter()
            .map(Requirement::key)
            .collect();
        assert_eq!(keys, ["a", "key", "key2"]);
    }

    #[test]
    fn requires_exact_match_reports_single_value_equality() {
        let s = Selector::parse("a=1,b in (2),c in (3,4),d!=5").unwrap();
        assert_eq!(s.requires_exact_match("a"), Some("1"));
        assert_eq!(s.requires_exact_match("b"), Some("2"));
        assert_eq!(s.requires_exact_match("c"), None);
        assert_eq!(s.requires_exact_match("d"), None);
        assert_eq!(s.requires_exact_match("e"), None);
    }

    #[test]
    fn builder_validates_and_sorts() {
        let s = Selector::builder()
            .not_in("tier", ["db", "cache"])
            .equals("app", "web")
            .greater_than("gen", 3)
            .does_not_exist("canary")
            .build()
            .unwrap();
        assert_eq!(s.to_string(), "app=web,!canary,gen>3,tier notin (cache,db)");
        assert!(
            Selector::builder()
                .in_values("x", Vec::<String>::new())
                .build()
                .is_err()
        );
    }

    /// `labels_test.go`: conflicts, merge and selector-to-map conversion.
    #[test]
    fn set_helpers_match_go() {
        assert!(!conflicts(&set(&[]), &set(&[])));
        assert!(!conflicts(&set(&[("a", "1")]), &set(&[("b", "2")])));
        assert!(!conflicts(
            &set(&[("a", "1")]),
            &set(&[("a", "1"), ("b", "2")])
        ));
        assert!(conflicts(
            &set(&[("a", "1"), ("c", "3")]),
            &set(&[("a", "2")])
        ));
        assert_eq!(
            merge(
                &set(&[("a", "1"), ("b", "2")]),
                &set(&[("b", "3"), ("c", "4")])
            ),
            set(&[("a", "1"), ("b", "3"), ("c", "4")])
        );
        assert_eq!(convert_selector_to_labels_map("").unwrap(), set(&[]));
        assert_eq!(
            convert_selector_to_labels_map("x=a, y = b").unwrap(),
            set(&[("x", "a"), ("y", "b")])
        );
        assert_eq!(
            convert_selector_to_labels_map("x=a=b")
                .unwrap_err()
                .to_string(),
            "invalid selector: [x a b]"
        );
        assert!(convert_selector_to_labels_map("x").is_err());
        assert!(convert_selector_to_labels_map("-x=a").is_err());
        assert!(convert_selector_to_labels_map("x=-a").is_err());
    }

    fn tokens(input: &str) -> Vec<Token> {
        lex(input).into_iter().map(|(t, _)| t).collect()
    }

    /// Go's `TestLexer`: the first token of each input, and its text.
    #[test]
    fn go_lexer_table() {
        let table = [
            ("", Token::End),
            (",", Token::Comma),
            ("notin", Token::NotIn),
            ("in", Token::In),
            ("=", Token::Equals),
            ("==", Token::DoubleEquals),
            (">", Token::GreaterThan),
            ("<", Token::LessThan),
            ("!", Token::DoesNotExist),
            ("!=", Token::NotEquals),
            ("(", Token::OpenPar),
            (")", Token::ClosedPar),
            ("~", Token::Identifier),
            ("||", Token::Identifier),
        ];
        for (input, want) in table {
            assert_eq!(lex(input)[0], (want, input), "{input:?}");
        }
    }

    /// Go's `TestLexerSequence` and `TestParserLookahead`: whole token sequences, and
    /// lookahead agreeing with consume.
    #[test]
    fn go_lexer_sequence_and_lookahead_tables() {
        use Token::*;
        let table: [(&str, &[Token]); 11] = [
            (
                "key in ( value )",
                &[Identifier, In, OpenPar, Identifier, ClosedPar],
            ),
            (
                "key notin ( value )",
                &[Identifier, NotIn, OpenPar, Identifier, ClosedPar],
            ),
            (
                "key in ( value1, value2 )",
                &[
                    Identifier, In, OpenPar, Identifier, Comma, Identifier, ClosedPar,
                ],
            ),
            ("key", &[Identifier]),
            ("!key", &[DoesNotExist, Identifier]),
            ("()", &[OpenPar, ClosedPar]),
            ("", &[]),
            (
                "x in (),y",
                &[Identifier, In, OpenPar, ClosedPar, Comma, Identifier],
            ),
            (
                "== != (), = notin",
                &[
                    DoubleEquals,
                    NotEquals,
                    OpenPar,
                    ClosedPar,
                    Comma,
                    Equals,
                    NotIn,
                ],
            ),
            ("key>2", &[Identifier, GreaterThan, Identifier]),
            ("key<1", &[Identifier, LessThan, Identifier]),
        ];
        for (input, want) in table {
            let mut expected = want.to_vec();
            expected.push(End);
            assert_eq!(tokens(input), expected, "{input:?}");
            let mut parser = Parser::new(input);
            loop {
                let ahead = parser.lookahead(Context::KeyAndOperator);
                let consumed = parser.consume(Context::KeyAndOperator);
                assert_eq!(ahead, consumed, "{input:?}");
                if ahead.0 == End {
                    break;
                }
            }
        }
    }

    /// Go's `TestParseOperator`.
    #[test]
    fn go_parse_operator_table() {
        let expected = "expected: in, notin, =, ==, !=, gt, lt";
        let table = [
            ("in", Ok(Operator::In)),
            ("=", Ok(Operator::Equals)),
            ("==", Ok(Operator::DoubleEquals)),
            (">", Ok(Operator::GreaterThan)),
            ("<", Ok(Operator::LessThan)),
            ("notin", Ok(Operator::NotIn)),
            ("!=", Ok(Operator::NotEquals)),
            ("!", Err(format!("found '!', {expected}"))),
            ("exists", Err(format!("found 'exists', {expected}"))),
            ("(", Err(format!("found '(', {expected}"))),
        ];
        for (input, want) in table {
            assert_eq!(Parser::new(input).parse_operator(), want, "{input:?}");
        }
    }

    /// A NUL byte ends the token being read, and ends the input where a token would
    /// start, as in Go's lexer.
    #[test]
    fn nul_bytes_end_tokens_like_go() {
        assert_eq!(lex("x \0y"), [(Token::Identifier, "x"), (Token::End, "")]);
        assert_eq!(
            lex("x\0y"),
            [
                (Token::Identifier, "x"),
                (Token::Identifier, "y"),
                (Token::End, "")
            ]
        );
        assert_eq!(Selector::parse("x \0y").unwrap().to_string(), "x");
        assert_eq!(Selector::parse("x=\0").unwrap().to_string(), "x=");
    }
}
