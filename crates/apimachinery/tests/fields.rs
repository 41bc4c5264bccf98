//! The tables of Go's `k8s.io/apimachinery/pkg/fields/selector_test.go` (v0.37.2), with
//! Go's results as the expected values. The term-splitting tables live with the
//! (private) splitters in `src/fields.rs`.

use clientgo_apimachinery::fields::{self, Operator, Requirement, Selector, Set};

/// Field or label pairs of a table row.
type Pairs<'a> = &'a [(&'a str, &'a str)];

fn set(pairs: Pairs<'_>) -> Set {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn term(field: &str, operator: Operator, value: &str) -> Requirement {
    Requirement {
        field: field.to_owned(),
        operator,
        value: value.to_owned(),
    }
}

/// `TestEscapeValue`: escaping round-trips; bad escapes fail with Go's messages.
#[test]
fn escape_value() {
    let table = [
        ("", ""),
        ("a", "a"),
        ("=", r"\="),
        (",", r"\,"),
        (r"\", r"\\"),
        (r"\=\,\", r"\\\=\\\,\\"),
    ];
    for (raw, escaped) in table {
        assert_eq!(fields::escape_value(raw), escaped, "{raw}");
        assert_eq!(fields::unescape_value(escaped).unwrap(), raw, "{escaped}");
    }
    for (invalid, message) in [
        (r"\", r"invalid field selector: invalid escape sequence: \"),
        (
            r"\\\",
            r"invalid field selector: invalid escape sequence: \",
        ),
        (
            r"\a",
            r"invalid field selector: invalid escape sequence: \a",
        ),
    ] {
        let err = fields::unescape_value(invalid).unwrap_err();
        assert_eq!(err.to_string(), message, "{invalid}");
    }
}

/// `TestSelectorParse`: good strings print back unchanged; bad ones fail with Go's
/// messages.
#[test]
fn selector_parse() {
    for good in ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"] {
        assert_eq!(Selector::parse(good).unwrap().to_string(), good);
    }
    let bad = [
        (
            "x=a||y=b",
            "invalid field selector: unescaped character in value: 61",
        ),
        (
            "x==a==b",
            "invalid field selector: unescaped character in value: 61",
        ),
        ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
        (
            "x in (a)",
            "invalid selector: 'x in (a)'; can't understand 'x in (a)'",
        ),
        (
            "x in (a,b,c)",
            "invalid selector: 'x in (a,b,c)'; can't understand 'b'",
        ),
        ("x", "invalid selector: 'x'; can't understand 'x'"),
    ];
    for (input, message) in bad {
        let err = Selector::parse(input).expect_err(input);
        assert_eq!(err.to_string(), message, "{input}");
    }
}

/// Terms with an empty field and an empty value are dropped, as Go's parser drops them
/// (they select everything).
#[test]
fn empty_terms_select_everything() {
    for input in ["=", "==", "!=", ",=,", "=,!="] {
        let s = Selector::parse(input).unwrap();
        assert!(s.is_empty(), "{input}");
        assert_eq!(s.to_string(), "", "{input}");
        assert!(s.matches(&set(&[])), "{input}");
        assert!(s.matches(&set(&[("a", "b")])), "{input}");
    }
    let s = Selector::parse("a=b,=").unwrap();
    assert_eq!(s.to_string(), "a=b");
    assert_eq!(s.requirements(), [term("a", Operator::Equals, "b")]);
    // An empty field with a value is kept.
    let s = Selector::parse(r"!=\=").unwrap();
    assert_eq!(s.requirements(), [term("", Operator::NotEquals, "=")]);
    assert_eq!(s.to_string(), r"!=\=");
    assert!(s.matches(&set(&[])));
}

/// `TestDeterministicParse`
#[test]
fn deterministic_parse() {
    assert_eq!(
        Selector::parse("x=a,a=x").unwrap().to_string(),
        Selector::parse("a=x,x=a").unwrap().to_string()
    );
}

/// `TestEverything`
#[test]
fn everything() {
    assert!(Selector::everything().matches(&set(&[("x", "y")])));
    assert!(Selector::everything().is_empty());
}

/// `TestSelectorMatches`
#[test]
fn selector_matches() {
    let fieldset = [("foo", "bar"), ("baz", "blah"), ("complex", r"=value\,\")];
    let table: &[(&str, Pairs<'_>, bool)] = &[
        ("", &[("x", "y")], true),
        ("x=y", &[("x", "y")], true),
        ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
        ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
        ("notin=in", &[("notin", "in")], true),
        ("x=y", &[("x", "z")], false),
        ("x=y,z=w", &[("x", "w"), ("z", "w")], false),
        ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
        ("foo=bar", &fieldset, true),
        ("baz=blah", &fieldset, true),
        ("foo=bar,baz=blah", &fieldset, true),
        (r"foo=bar,baz=blah,complex=\=value\\\,\\", &fieldset, true),
        ("foo=blah", &fieldset, false),
        ("baz=bar", &fieldset, false),
        ("foo=bar,foobar=bar,baz=blah", &fieldset, false),
    ];
    for (input, fields, want) in table {
        let s = Selector::parse(input).unwrap();
        assert_eq!(s.matches(&set(fields)), *want, "{input} vs {fields:?}");
    }
}

/// `TestOneTermEqualSelector`
#[test]
fn one_term_equal_selector() {
    assert!(Selector::one_term_equal("x", "y").matches(&set(&[("x", "y")])));
    assert!(!Selector::one_term_equal("x", "y").matches(&set(&[("x", "z")])));
}

/// `TestSetMatches`
#[test]
fn set_matches() {
    let fieldset = set(&[("foo", "bar"), ("baz", "blah")]);
    let table: &[(Pairs<'_>, bool)] = &[
        (&[], true),
        (&[("foo", "bar")], true),
        (&[("baz", "blah")], true),
        (&[("foo", "bar"), ("baz", "blah")], true),
        (&[("foo", "=blah")], false),
        (&[("baz", "=bar")], false),
        (
            &[("foo", "=bar"), ("foobar", "bar"), ("baz", "blah")],
            false,
        ),
    ];
    for (selector, want) in table {
        let s = Selector::from_set(&set(selector));
        assert_eq!(s.matches(&fieldset), *want, "{selector:?}");
    }
}

/// `TestNilMapIsValid` and `TestSetIsEmpty` (Go's nested and-terms flatten to a plain
/// list of terms here).
#[test]
fn set_is_empty() {
    assert!(Selector::from_set(&Set::new()).is_empty());
    assert!(Selector::default().is_empty());
    let empty_term = Selector::everything().and(term("", Operator::Equals, ""));
    assert!(!empty_term.is_empty());
    let empty_not_term = Selector::everything().and(term("", Operator::NotEquals, ""));
    assert!(!empty_not_term.is_empty());
    assert!(!Selector::one_term_equal("a", "b").is_empty());
}

/// `TestRequiresExactMatch`
#[test]
fn requires_exact_match() {
    let of = |terms: Vec<Requirement>| {
        terms
            .into_iter()
            .fold(Selector::everything(), Selector::and)
    };
    let table = [
        ("empty set", Selector::from_set(&Set::new()), None),
        (
            "empty hasTerm",
            of(vec![term("", Operator::Equals, "")]),
            None,
        ),
        (
            "skipped hasTerm",
            of(vec![term("a", Operator::Equals, "b")]),
            None,
        ),
        (
            "valid hasTerm",
            of(vec![term("test", Operator::Equals, "b")]),
            Some("b"),
        ),
        (
            "valid hasTerm no value",
            of(vec![term("test", Operator::Equals, "")]),
            Some(""),
        ),
        (
            "valid notHasTerm",
            of(vec![term("test", Operator::NotEquals, "b")]),
            None,
        ),
        (
            "valid notHasTerm no value",
            of(vec![term("test", Operator::NotEquals, "")]),
            None,
        ),
        ("empty andTerm", of(vec![]), None),
        (
            "nested andTerm matches",
            of(vec![term("test", Operator::Equals, "b")]),
            Some("b"),
        ),
        (
            "andTerm with non-match",
            of(vec![
                term("", Operator::Equals, ""),
                term("test", Operator::Equals, "b"),
            ]),
            Some("b"),
        ),
    ];
    for (name, selector, want) in table {
        assert_eq!(selector.requires_exact_match("test"), want, "{name}");
    }
}

/// `TestTransform`
#[test]
fn transform() {
    type Transform = fn(&str, &str) -> (String, String);
    let identity: Transform = |f, v| (f.to_owned(), v.to_owned());
    let rename_a: Transform = |f, v| {
        if f == "a" {
            ("e".to_owned(), "f".to_owned())
        } else {
            (f.to_owned(), v.to_owned())
        }
    };
    let remove_all: Transform = |_, _| (String::new(), String::new());
    let remove_c: Transform = |f, v| {
        if f == "c" {
            (String::new(), String::new())
        } else {
            (f.to_owned(), v.to_owned())
        }
    };
    let table = [
        ("", identity, "", true),
        ("a=b,c=d", identity, "a=b,c=d", false),
        ("a=b,c=d", rename_a, "e=f,c=d", false),
        ("a=b", remove_all, "", true),
        ("a=b,c=d,e=f", remove_c, "a=b,e=f", false),
    ];
    for (input, f, want, empty) in table {
        let result = Selector::parse(input)
            .unwrap()
            .transform(|field, value| Ok::<_, ()>(f(field, value)))
            .unwrap();
        assert_eq!(result.to_string(), want, "{input}");
        assert_eq!(result.is_empty(), empty, "{input}");
    }
}
