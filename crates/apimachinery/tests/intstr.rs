//! The tables of Go's `k8s.io/apimachinery/pkg/util/intstr/intstr_test.go` (v0.37.2),
//! with Go's results (and error messages) as the expected values.

use clientgo_apimachinery::intstr::{IntOrString, get_scaled_value_from_int_or_percent};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Holder {
    val: IntOrString,
}

/// `TestFromInt`, `TestFromInt32`, `TestFromString`
#[test]
fn constructors() {
    assert_eq!(IntOrString::from(93), IntOrString::Int(93));
    assert_eq!(
        IntOrString::from("76"),
        IntOrString::String("76".to_owned())
    );
}

/// `TestIntOrStringUnmarshalJSON`, plus the JSON edge cases as Go decodes them (`-0` is
/// the integer 0).
#[test]
fn unmarshal_json() {
    let table = [
        (r#"{"val": 123}"#, IntOrString::Int(123)),
        (r#"{"val": "123"}"#, IntOrString::from("123")),
        (r#"{"val": -0}"#, IntOrString::Int(0)),
        (r#"{"val": 0}"#, IntOrString::Int(0)),
        (r#"{"val": -1}"#, IntOrString::Int(-1)),
        (r#"{"val": 2147483647}"#, IntOrString::Int(i32::MAX)),
        (r#"{"val": -2147483648}"#, IntOrString::Int(i32::MIN)),
        (r#"{"val": null}"#, IntOrString::Int(0)),
        (r#"{"val": "-0"}"#, IntOrString::from("-0")),
        (r#"{"val": ""}"#, IntOrString::from("")),
    ];
    for (input, want) in table {
        let got: Holder = serde_json::from_str(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(got.val, want, "{input}");
    }
    for rejected in ["2147483648", "1.0", "1e2", "true"] {
        let input = format!(r#"{{"val": {rejected}}}"#);
        assert!(serde_json::from_str::<Holder>(&input).is_err(), "{input}");
    }
}

/// `TestIntOrStringMarshalJSON`
#[test]
fn marshal_json() {
    let table = [
        (IntOrString::Int(123), r#"{"val":123}"#),
        (IntOrString::from("123"), r#"{"val":"123"}"#),
    ];
    for (val, want) in table {
        assert_eq!(serde_json::to_string(&Holder { val }).unwrap(), want);
    }
}

/// `TestGetIntFromIntOrString`, observed through the scaled value of 100: the value of
/// an int or a percentage, or Go's error.
#[test]
fn int_or_percent_value() {
    let not_percent = "invalid value for IntOrString: invalid type: string is not a percentage";
    let table = [
        (IntOrString::Int(200), Ok(200)),
        (IntOrString::from("200"), Err(not_percent.to_owned())),
        (IntOrString::from("30%0"), Err(not_percent.to_owned())),
        (IntOrString::from("40%"), Ok(40)),
        (
            IntOrString::from("%"),
            Err(r#"invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax"#.to_owned()),
        ),
        (
            IntOrString::from("a%"),
            Err(r#"invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid syntax"#.to_owned()),
        ),
        (IntOrString::from("a"), Err(not_percent.to_owned())),
        (IntOrString::from("40#"), Err(not_percent.to_owned())),
        (
            IntOrString::from("40%%"),
            Err(r#"invalid value for IntOrString: invalid value "40%%": strconv.Atoi: parsing "40%": invalid syntax"#.to_owned()),
        ),
    ];
    for (input, want) in table {
        let got = get_scaled_value_from_int_or_percent(Some(&input), 100, false)
            .map_err(|e| e.to_string());
        assert_eq!(got, want, "{input}");
    }
}

/// `TestGetIntFromIntOrPercent` and `TestGetValueFromIntOrPercentNil`
#[test]
fn scaled_value_from_int_or_percent() {
    let table = [
        (IntOrString::Int(123), 0, false, Some(123)),
        (IntOrString::from("90%"), 100, true, Some(90)),
        (IntOrString::from("90%"), 95, true, Some(86)),
        (IntOrString::from("90%"), 95, false, Some(85)),
        (IntOrString::from("%"), 0, false, None),
        (IntOrString::from("90#"), 0, false, None),
        (IntOrString::from("#%"), 0, false, None),
        (IntOrString::from("90"), 0, false, None),
    ];
    for (input, total, round_up, want) in table {
        let got = get_scaled_value_from_int_or_percent(Some(&input), total, round_up).ok();
        assert_eq!(got, want, "{input} of {total} (up: {round_up})");
    }
    assert_eq!(
        get_scaled_value_from_int_or_percent(None, 0, false)
            .unwrap_err()
            .to_string(),
        "nil value for IntOrString"
    );
}

/// `TestParse`, plus the edge spellings Go's `strconv.ParseInt` accepts or rejects.
#[test]
fn parse() {
    let table = [
        ("0", IntOrString::Int(0)),
        ("2147483647", IntOrString::Int(i32::MAX)),
        ("-2147483648", IntOrString::Int(i32::MIN)),
        ("2147483648", IntOrString::from("2147483648")),
        ("-2147483649", IntOrString::from("-2147483649")),
        (
            "9223372036854775807",
            IntOrString::from("9223372036854775807"),
        ),
        (
            "-9223372036854775808",
            IntOrString::from("-9223372036854775808"),
        ),
        (
            "9223372036854775808",
            IntOrString::from("9223372036854775808"),
        ),
        (
            "-9223372036854775809",
            IntOrString::from("-9223372036854775809"),
        ),
        ("-0", IntOrString::Int(0)),
        ("+0", IntOrString::Int(0)),
        ("00", IntOrString::Int(0)),
        ("+5", IntOrString::Int(5)),
        (" 1", IntOrString::from(" 1")),
        ("", IntOrString::from("")),
        ("0x10", IntOrString::from("0x10")),
        ("1_0", IntOrString::from("1_0")),
    ];
    for (input, want) in table {
        assert_eq!(IntOrString::parse(input), want, "{input:?}");
    }
}
