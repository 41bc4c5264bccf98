//! The tables of Go's `k8s.io/apimachinery/pkg/labels/selector_test.go` (v0.37.2), with
//! Go's results as the expected values. Error messages are the full messages Go
//! returns. The lexer tables live with the (private) lexer in `src/labels.rs`.

use clientgo_apimachinery::labels::{Operator, Requirement, Selector, Set};

/// Field or label pairs of a table row.
type Pairs<'a> = &'a [(&'a str, &'a str)];

fn set(pairs: Pairs<'_>) -> Set {
    pairs
        .iter()
        .map(|(k, v)| (*k, clientgo_apimachinery::Str::from(*v)))
        .collect()
}

fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
    Requirement::new(key, op, values.iter().copied())
        .unwrap_or_else(|e| panic!("{key} {op} {values:?}: {e}"))
}

fn selector(requirements: Vec<Requirement>) -> Selector {
    requirements
        .into_iter()
        .fold(Selector::everything(), Selector::and)
}

/// `TestSelectorParse`: good strings print back without spaces; bad ones fail with
/// Go's messages.
#[test]
fn selector_parse() {
    for good in [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ] {
        let parsed = Selector::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(parsed.to_string(), good.replace(' ', ""), "{good}");
    }
    let bad = [
        (
            "x=a||y=b",
            "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
        ),
    ];
    for (input, message) in bad {
        let err = Selector::parse(input).expect_err(input);
        assert_eq!(err.to_string(), message, "{input}");
    }
}

/// `TestDeterministicParse`
#[test]
fn deterministic_parse() {
    let a = Selector::parse("x=a,a=x").unwrap();
    let b = Selector::parse("a=x,x=a").unwrap();
    assert_eq!(a.to_string(), b.to_string());
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
    let labelset = [("foo", "bar"), ("baz", "blah")];
    let table: &[(&str, Pairs<'_>, bool)] = &[
        ("", &[("x", "y")], true),
        ("x=y", &[("x", "y")], true),
        ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
        ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
        ("notin=in", &[("notin", "in")], true),
        ("x", &[("x", "z")], true),
        ("!x", &[("y", "z")], true),
        ("x>1", &[("x", "2")], true),
        ("x<1", &[("x", "0")], true),
        ("x=z", &[], false),
        ("x=y", &[("x", "z")], false),
        ("x=y,z=w", &[("x", "w"), ("z", "w")], false),
        ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
        ("x", &[("y", "z")], false),
        ("!x", &[("x", "z")], false),
        ("x>1", &[("x", "0")], false),
        ("x<1", &[("x", "2")], false),
        ("foo=bar", &labelset, true),
        ("baz=blah", &labelset, true),
        ("foo=bar,baz=blah", &labelset, true),
        ("foo=blah", &labelset, false),
        ("baz=bar", &labelset, false),
        ("foo=bar,foobar=bar,baz=blah", &labelset, false),
    ];
    for (input, labels, want) in table {
        let parsed = Selector::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(parsed.matches(&set(labels)), *want, "{input} vs {labels:?}");
    }
}

/// `TestSetMatches`, `TestNilMapIsValid`, `TestSetIsEmpty`
#[test]
fn set_selectors() {
    let labelset = set(&[("foo", "bar"), ("baz", "blah")]);
    for s in [
        set(&[]),
        set(&[("foo", "bar")]),
        set(&[("baz", "blah")]),
        set(&[("foo", "bar"), ("baz", "blah")]),
    ] {
        assert!(Selector::from_set(&s).matches(&labelset), "{s:?}");
    }
    assert!(Selector::from_set(&Set::new()).is_empty());
    assert!(Selector::default().is_empty());
}

/// `TestRequirementConstructor`; Go's `unsupportedOp` row has no counterpart (the
/// operator is an enum).
#[test]
fn requirement_constructor() {
    let long = "a".repeat(254);
    let table: Vec<(&str, Operator, Vec<&str>, Option<String>)> = vec![
        (
            "x1",
            Operator::In,
            vec![],
            Some("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty".into()),
        ),
        (
            "x2",
            Operator::NotIn,
            vec![],
            Some("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty".into()),
        ),
        ("x3", Operator::In, vec!["foo"], None),
        ("x4", Operator::NotIn, vec!["foo"], None),
        (
            "x5",
            Operator::Equals,
            vec!["bar", "foo"],
            Some("values: Invalid value: [\"bar\",\"foo\"]: exact-match compatibility requires one single value".into()),
        ),
        ("x6", Operator::Exists, vec![], None),
        ("x7", Operator::DoesNotExist, vec![], None),
        (
            "x8",
            Operator::Exists,
            vec!["foo"],
            Some("values: Invalid value: [\"foo\"]: values set must be empty for exists and does not exist".into()),
        ),
        ("x9", Operator::In, vec!["bar"], None),
        ("x10", Operator::In, vec!["bar"], None),
        ("x11", Operator::GreaterThan, vec!["1"], None),
        ("x12", Operator::LessThan, vec!["6"], None),
        (
            "x13",
            Operator::GreaterThan,
            vec![],
            Some("values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required".into()),
        ),
        (
            "x14",
            Operator::GreaterThan,
            vec!["bar"],
            Some("values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer".into()),
        ),
        (
            "x15",
            Operator::LessThan,
            vec!["bar"],
            Some("values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer".into()),
        ),
        (
            &long,
            Operator::Exists,
            vec![],
            Some(format!("key: Invalid value: \"{long}\": name part must be no more than 63 bytes")),
        ),
        (
            "x16",
            Operator::Equals,
            vec![&long],
            Some(format!("values[0][x16]: Invalid value: \"{long}\": must be no more than 63 bytes")),
        ),
        (
            "x17",
            Operator::Equals,
            vec!["a b"],
            Some("values[0][x17]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into()),
        ),
    ];
    for (key, op, values, want) in table {
        let got = Requirement::new(key, op, values.clone()).map_err(|e| e.to_string());
        assert_eq!(got.err(), want, "{key} {op} {values:?}");
    }
}

/// `TestToString`; Go's row with a zero requirement cannot be built here.
#[test]
fn to_string() {
    let table = [
        (
            vec![
                req("x", Operator::In, &["abc", "def"]),
                req("y", Operator::NotIn, &["jkl"]),
                req("z", Operator::Exists, &[]),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            vec![
                req("x", Operator::NotIn, &["abc", "def"]),
                req("y", Operator::NotEquals, &["jkl"]),
                req("z", Operator::DoesNotExist, &[]),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            vec![
                req("x", Operator::NotIn, &["abc"]),
                req("y", Operator::In, &["jkl", "mno"]),
                req("z", Operator::NotIn, &[""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            vec![
                req("x", Operator::Equals, &["abc"]),
                req("y", Operator::DoubleEquals, &["jkl"]),
                req("z", Operator::NotEquals, &["a"]),
                req("z", Operator::Exists, &[]),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            vec![
                req("x", Operator::GreaterThan, &["2"]),
                req("y", Operator::LessThan, &["8"]),
                req("z", Operator::Exists, &[]),
            ],
            "x>2,y<8,z",
        ),
    ];
    for (requirements, want) in table {
        assert_eq!(selector(requirements).to_string(), want);
    }
}

/// `TestRequirementSelectorMatching`; Go's row with a zero requirement cannot be built
/// here.
#[test]
fn requirement_selector_matching() {
    let table = [
        (
            set(&[("x", "foo"), ("y", "baz")]),
            vec![
                req("x", Operator::In, &["foo"]),
                req("y", Operator::NotIn, &["alpha"]),
            ],
            true,
        ),
        (
            set(&[("x", "foo"), ("y", "baz")]),
            vec![
                req("x", Operator::In, &["foo"]),
                req("y", Operator::In, &["alpha"]),
            ],
            false,
        ),
        (
            set(&[("y", "")]),
            vec![
                req("x", Operator::NotIn, &[""]),
                req("y", Operator::Exists, &[]),
            ],
            true,
        ),
        (
            set(&[("y", "")]),
            vec![
                req("x", Operator::DoesNotExist, &[]),
                req("y", Operator::Exists, &[]),
            ],
            true,
        ),
        (
            set(&[("y", "")]),
            vec![
                req("x", Operator::NotIn, &[""]),
                req("y", Operator::DoesNotExist, &[]),
            ],
            false,
        ),
        (
            set(&[("y", "baz")]),
            vec![req("x", Operator::In, &[""])],
            false,
        ),
        (
            set(&[("z", "2")]),
            vec![req("z", Operator::GreaterThan, &["1"])],
            true,
        ),
        (
            set(&[("z", "v2")]),
            vec![req("z", Operator::GreaterThan, &["1"])],
            false,
        ),
    ];
    for (labels, requirements, want) in table {
        let s = selector(requirements);
        assert_eq!(s.matches(&labels), want, "{s} vs {labels:?}");
    }
}

/// `TestSetSelectorParser`: the parsed requirements (sorted by key, values sorted and
/// de-duplicated) or Go's error for invalid input.
#[test]
fn set_selector_parser() {
    use Operator::*;
    type Expected = Result<Vec<(&'static str, Operator, Vec<&'static str>)>, &'static str>;
    let table: Vec<(&str, Expected)> = vec![
        ("", Ok(vec![])),
        ("\rx", Ok(vec![("x", Exists, vec![])])),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            Ok(vec![(
                "this-is-a-dns.domain.com/key-with-dash",
                Exists,
                vec![],
            )]),
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            Ok(vec![(
                "this-is-another-dns.domain.com/key-with-dash",
                In,
                vec!["so", "what"],
            )]),
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            Ok(vec![(
                "0.1.2.domain/99",
                NotIn,
                vec!["10.10.100.1", "tick.tack.clock"],
            )]),
        ),
        ("foo  in\t (abc)", Ok(vec![("foo", In, vec!["abc"])])),
        ("x notin\n (abc)", Ok(vec![("x", NotIn, vec!["abc"])])),
        (
            "x  notin\t\t\t(abc,def)",
            Ok(vec![("x", NotIn, vec!["abc", "def"])]),
        ),
        ("x in (abc,def)", Ok(vec![("x", In, vec!["abc", "def"])])),
        ("x in (abc,)", Ok(vec![("x", In, vec!["", "abc"])])),
        ("x in (abc,abc)", Ok(vec![("x", In, vec!["abc"])])),
        ("x in ()", Ok(vec![("x", In, vec![""])])),
        ("x in (a,,)", Ok(vec![("x", In, vec!["", "a"])])),
        ("x in (a,,,)", Ok(vec![("x", In, vec!["", "a"])])),
        ("x in (a,,,,,,)", Ok(vec![("x", In, vec!["", "a"])])),
        ("x in (a,,a,,a,,a,,)", Ok(vec![("x", In, vec!["", "a"])])),
        (
            "x notin (abc,,def),bar,z in (),w",
            Ok(vec![
                ("bar", Exists, vec![]),
                ("w", Exists, vec![]),
                ("x", NotIn, vec!["", "abc", "def"]),
                ("z", In, vec![""]),
            ]),
        ),
        (
            "x,y in (a)",
            Ok(vec![("x", Exists, vec![]), ("y", In, vec!["a"])]),
        ),
        ("x=a", Ok(vec![("x", Equals, vec!["a"])])),
        ("x>1", Ok(vec![("x", GreaterThan, vec!["1"])])),
        ("x<7", Ok(vec![("x", LessThan, vec!["7"])])),
        (
            "x=a,y!=b",
            Ok(vec![("x", Equals, vec!["a"]), ("y", NotEquals, vec!["b"])]),
        ),
        (
            "x=a,y!=b,z in (h,i,j)",
            Ok(vec![
                ("x", Equals, vec!["a"]),
                ("y", NotEquals, vec!["b"]),
                ("z", In, vec!["h", "i", "j"]),
            ]),
        ),
        (
            "x=a||y=b",
            Err(
                "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ),
        ),
        ("x,,y", Err("found ',', expected: identifier after ','")),
        (
            ",x,y",
            Err("found ',', expected: !, identifier, or 'end of string'"),
        ),
        (
            "x nott in (y)",
            Err(
                "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt",
            ),
        ),
        ("x notin ( )", Ok(vec![("x", NotIn, vec![""])])),
        ("x notin (, a)", Ok(vec![("x", NotIn, vec!["", "a"])])),
        (
            "a in (xyz),",
            Err("found '', expected: identifier after ','"),
        ),
        (
            "a in (xyz)b notin ()",
            Err("found 'b', expected: ',' or 'end of string'"),
        ),
        ("a ", Ok(vec![("a", Exists, vec![])])),
        (
            "a in (x,y,notin, z,in)",
            Ok(vec![("a", In, vec!["in", "notin", "x", "y", "z"])]),
        ),
        (
            "a in (xyz abc)",
            Err("unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ),
        (
            "a notin(",
            Err("unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ),
        (
            "a (",
            Err("unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
        ),
        (
            "(",
            Err("found '(', expected: !, identifier, or 'end of string'"),
        ),
    ];
    for (input, want) in table {
        let got = Selector::parse(input).map_err(|e| e.to_string());
        match (got, want) {
            (Ok(parsed), Ok(want)) => {
                let got: Vec<(&str, Operator, Vec<&str>)> = parsed
                    .requirements()
                    .unwrap_or_default()
                    .iter()
                    .map(|r| {
                        let values = r.values().iter().map(|value| value.as_str()).collect();
                        (r.key(), r.operator(), values)
                    })
                    .collect();
                assert_eq!(got, want, "{input:?}");
            }
            (Err(got), Err(want)) => assert_eq!(got, want, "{input:?}"),
            (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }
}

/// `TestAdd`
#[test]
fn add() {
    let one = Selector::everything().and(req("key", Operator::In, &["value"]));
    assert_eq!(
        one.requirements().unwrap(),
        [req("key", Operator::In, &["value"])]
    );
    let two = one.and(req("key2", Operator::Equals, &["value2"]));
    assert_eq!(
        two.requirements().unwrap(),
        [
            req("key", Operator::In, &["value"]),
            req("key2", Operator::Equals, &["value2"])
        ]
    );
}

/// `TestSetSelectorString`
#[test]
fn set_selector_string() {
    let table = [
        (set(&[]), ""),
        (set(&[("app", "foo")]), "app=foo"),
        (set(&[("app", "foo"), ("a", "b")]), "a=b,app=foo"),
    ];
    for (labels, want) in table {
        assert_eq!(Selector::from_set(&labels).to_string(), want);
    }
}

/// `TestRequiresExactMatch`
#[test]
fn requires_exact_match() {
    let unchecked = |key: &str, op, values: &[&str]| {
        Requirement::new_unchecked(key, op, values.iter().copied())
    };
    let table = [
        (
            vec![unchecked("key", Operator::In, &["value"])],
            "key",
            Some("value"),
        ),
        (
            vec![unchecked("key", Operator::In, &["value", "value2"])],
            "key",
            None,
        ),
        (
            vec![
                unchecked("key", Operator::In, &["value", "value1"]),
                unchecked("key2", Operator::In, &["value2"]),
            ],
            "key2",
            Some("value2"),
        ),
        (
            vec![unchecked("key", Operator::Equals, &["value"])],
            "key",
            Some("value"),
        ),
        (
            vec![unchecked("key", Operator::DoubleEquals, &["value"])],
            "key",
            Some("value"),
        ),
        (
            vec![unchecked("key", Operator::NotEquals, &["value"])],
            "key",
            None,
        ),
        (
            vec![
                unchecked("key", Operator::In, &["value"]),
                unchecked("key2", Operator::In, &["value2"]),
            ],
            "key",
            Some("value"),
        ),
    ];
    for (requirements, label, want) in table {
        let s = selector(requirements);
        assert_eq!(s.requires_exact_match(label), want, "{s} / {label}");
    }
}

/// `TestValidatedSelectorFromSet`
#[test]
fn validated_selector_from_set() {
    let ok = Selector::validated_from_set(&set(&[("key", "val")])).unwrap();
    assert_eq!(
        ok.requirements().unwrap(),
        [req("key", Operator::Equals, &["val"])]
    );
    let value = "axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui";
    let err = Selector::validated_from_set(&set(&[("Key", value)])).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("values[0][Key]: Invalid value: \"{value}\": must be no more than 63 bytes")
    );
}

/// `TestRequirementEqual`
#[test]
fn requirement_equal() {
    let r = |key: &str, op, values: &[&str]| {
        Requirement::new_unchecked(key, op, values.iter().copied())
    };
    let table = [
        (
            r("key", Operator::Equals, &["foo", "bar"]),
            r("key", Operator::Equals, &["foo", "bar"]),
            true,
        ),
        (
            r("key1", Operator::Equals, &["foo", "bar"]),
            r("key2", Operator::Equals, &["foo", "bar"]),
            false,
        ),
        (
            r("key", Operator::Equals, &["foo", "bar"]),
            r("key", Operator::In, &["foo", "bar"]),
            false,
        ),
        (
            r("key", Operator::Equals, &["foo", "bar"]),
            r("key", Operator::Equals, &["foobar"]),
            false,
        ),
    ];
    for (x, y, want) in table {
        assert_eq!(x == y, want, "{x:?} vs {y:?}");
    }
}

/// `TestMatchesNothing`
#[test]
fn matches_nothing() {
    assert!(Selector::nothing().is_nothing());
    assert!(!Selector::everything().is_nothing());
    assert!(!Selector::from_set(&set(&[])).is_nothing());
    assert!(!Selector::from_set(&set(&[("key", "value")])).is_nothing());
    for input in [
        "",
        "a",
        "!a",
        "a=b",
        "a!=b",
        "a in (b)",
        "a notin (b)",
        "a,!a",
        "a=b,a!=b",
        "a in (b),a notin (b)",
    ] {
        assert!(!Selector::parse(input).unwrap().is_nothing(), "{input}");
    }
}

/// Beyond twelve requirements Go's unstable sort decides the order of equal keys; the
/// expected strings are Go's output.
#[test]
fn equal_keys_keep_go_order() {
    let input = "b=v0,c in (x1),a!=w2,a,a,b!=w5,a!=w6,c,!c,!a,b=v10,a!=w11,a,a in (x13),c!=w14,!a,a,!a,!a,b=v19,a in (x20),!c,!a,b=v23,a=v24,!b,a=v26,a=v27,b in (x28)";
    assert_eq!(
        Selector::parse(input).unwrap().to_string(),
        "a,a!=w6,a!=w2,a,a,!a,a!=w11,a=v27,a=v26,!a,a in (x20),!a,a,a in (x13),!a,!a,a=v24,b=v0,b=v10,b=v19,b in (x28),!b,b!=w5,b=v23,c!=w14,!c,!c,c,c in (x1)"
    );
}
