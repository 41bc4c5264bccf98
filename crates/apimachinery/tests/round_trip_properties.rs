//! Parse → print → parse reaches a fixed point for label selectors, field selectors and
//! quantities (bounded proptest runs over mostly well-formed input).

use clientgo_apimachinery::quantity::Format;
use clientgo_apimachinery::{Quantity, fields, labels};
use proptest::prelude::*;

/// One label requirement in any of the grammar's spellings, with optional spaces.
fn label_requirement() -> impl Strategy<Value = String> {
    let key = "[a-z]{1,3}(/[a-z]{1,2})?";
    let value = "[a-z0-9]{0,3}";
    let values = proptest::collection::vec(value, 0..4).prop_map(|v| v.join(","));
    let space = "[ \t]{0,2}";
    (
        key,
        prop_oneof![
            Just("=".to_owned()),
            Just("==".to_owned()),
            Just("!=".to_owned()),
            Just(" in ".to_owned()),
            Just(" notin ".to_owned()),
            Just(">".to_owned()),
            Just("<".to_owned()),
            Just(String::new()),
            Just("!".to_owned()),
        ],
        value,
        values,
        "-?[0-9]{1,3}",
        space,
    )
        .prop_map(
            |(key, op, value, values, number, space)| match op.as_str() {
                "" => key,
                "!" => format!("!{key}"),
                " in " | " notin " => format!("{key}{op}{space}({values}){space}"),
                ">" | "<" => format!("{key}{space}{op}{space}{number}"),
                _ => format!("{key}{space}{op}{value}"),
            },
        )
}

fn label_selector_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(label_requirement(), 0..16).prop_map(|r| r.join(",")),
        1 => "[a-z0-9=!,() ]{0,24}",
    ]
}

/// Field selector terms with escapes, empty parts and every operator.
fn field_selector_text() -> impl Strategy<Value = String> {
    let part = "([a-z.]|\\\\[,=\\\\]){0,4}";
    let term = (part, prop_oneof![Just("="), Just("=="), Just("!=")], part)
        .prop_map(|(field, op, value)| format!("{field}{op}{value}"));
    prop_oneof![
        4 => proptest::collection::vec(term, 0..8).prop_map(|t| t.join(",")),
        1 => "[a-z=!,\\\\]{0,16}",
    ]
}

/// Numbers with up to 60 digits, any suffix, exponents within ±400.
fn quantity_text() -> impl Strategy<Value = String> {
    let suffix = prop_oneof![
        Just(String::new()),
        prop::sample::select(vec![
            "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
        ])
        .prop_map(str::to_owned),
        (prop::sample::select(vec!["e", "E"]), -400i32..400).prop_map(|(e, n)| format!("{e}{n}")),
    ];
    (
        prop::sample::select(vec!["", "-", "+"]),
        "[0-9]{0,60}",
        proptest::option::of("[0-9]{0,30}"),
        suffix,
    )
        .prop_map(|(sign, int, frac, suffix)| match frac {
            Some(frac) => format!("{sign}{int}.{frac}{suffix}"),
            None => format!("{sign}{int}{suffix}"),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn label_selectors_print_what_they_parse(text in label_selector_text()) {
        if let Ok(first) = labels::Selector::parse(&text) {
            let printed = first.to_string();
            let second = labels::Selector::parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
            prop_assert_eq!(&second, &first, "{:?} printed as {:?}", text, printed);
            prop_assert_eq!(second.to_string(), printed);
        }
    }

    /// Printing writes `==` as `=`, which can move a term when the terms are sorted
    /// again; from the second parse on, text and terms are fixed.
    #[test]
    fn field_selectors_print_what_they_parse(text in field_selector_text()) {
        if let Ok(first) = fields::Selector::parse(&text) {
            let printed = first.to_string();
            let second = fields::Selector::parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
            let sorted = |s: &fields::Selector| {
                let mut terms: Vec<String> = s.requirements().iter().map(ToString::to_string).collect();
                terms.sort();
                terms
            };
            prop_assert_eq!(sorted(&second), sorted(&first), "{:?} printed as {:?}", text, printed);
            let reprinted = second.to_string();
            let third = fields::Selector::parse(&reprinted)
                .map_err(|e| TestCaseError::fail(format!("{reprinted:?}: {e}")))?;
            prop_assert_eq!(&third, &second);
            prop_assert_eq!(third.to_string(), reprinted);
        }
    }

    /// The printed text parses to a quantity that prints the same. The value survives
    /// too, except where Go's decimal-SI output drops an exponent it has no suffix for
    /// (1000E and above print as bare digits).
    #[test]
    fn quantities_print_what_they_parse(text in quantity_text()) {
        if let Ok(first) = Quantity::parse(&text) {
            let printed = first.to_string();
            let second = Quantity::parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
            prop_assert_eq!(&second.to_string(), &printed, "{:?}", text);
            let exa_thousand = Quantity::parse("1000E").map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut magnitude = first.clone();
            if magnitude.sign() < 0 {
                magnitude.neg();
            }
            if first.format() != Format::DecimalSI || magnitude < exa_thousand {
                prop_assert_eq!(&second, &first, "{:?} printed as {:?}", text, printed);
            }
            let third = Quantity::parse(&second.to_string())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&third, &second);
        }
    }
}
