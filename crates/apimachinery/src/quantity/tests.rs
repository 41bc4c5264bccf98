//! Unit tests of `Quantity`: parsing, canonical output, comparison and arithmetic.

use super::*;

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn dec(m: i128, e: i32, format: Format) -> Quantity {
    Quantity::from_decimal(m, e, format)
}

use Format::{BinarySI as Bin, DecimalExponent as Exp, DecimalSI as Si};

#[test]
fn malformed_quantities_are_rejected_with_go_errors() {
    for bad in [
        "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ",
        "",
    ] {
        assert!(Quantity::parse(bad).is_err(), "{bad:?} parsed");
    }
    assert!(matches!(Quantity::parse(""), Err(Error::QuantityFormat)));
    assert!(matches!(
        Quantity::parse("1.1.M"),
        Err(Error::QuantityFormat)
    ));
    assert!(matches!(
        Quantity::parse("0.1mi"),
        Err(Error::QuantitySuffix)
    ));
    assert!(matches!(
        Quantity::parse("-3.01e-"),
        Err(Error::QuantitySuffix)
    ));
    assert_eq!(
        Quantity::parse("aoeu").unwrap_err().to_string(),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
    assert_eq!(
        Quantity::parse("1Zi").unwrap_err().to_string(),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
    assert_eq!(
        Quantity::parse("1ki").unwrap_err().to_string(),
        "unable to parse quantity's suffix"
    );
    // No digits where Go needs to read some.
    for input in ["e-10", ".e-10", "-e-10", "Pi", "Ei"] {
        assert!(
            matches!(Quantity::parse(input), Err(Error::QuantityNumeric)),
            "{input}"
        );
    }
}

/// Go falls back to arbitrary precision beyond 18 digits; so does the parser, in time
/// linear in the input.
#[test]
fn long_numbers_parse_exactly() {
    let nines = "9".repeat(60);
    assert_eq!(q(&nines).to_string(), nines);
    assert_eq!(q(&format!("-{nines}")).to_string(), format!("-{nines}"));
    assert_eq!(
        q("123456789012345678901234567890123456789012345").to_string(),
        "123456789012345678901234567890123456789012345"
    );
    assert_eq!(q(&format!("0.{}1", "0".repeat(50))).to_string(), "1n");
    assert_eq!(
        q(&format!("1.{}1", "0".repeat(50))).to_string(),
        "1000000001n"
    );
    assert_eq!(q(&format!("{nines}Ki")).to_string(), "9223372036854775807");
    assert_eq!(q(&format!("{nines}e-60")).to_string(), "1");
    assert_eq!(q(&nines).value(), i64::MAX);
    assert_eq!(q(&format!("-{nines}")).milli_value(), i64::MIN);
    let mut sum = q(&nines);
    sum.add(&q("1"));
    assert_eq!(sum, q("1e60"));
    // 10^60 has no decimal-SI suffix, so Go prints the bare digit.
    assert_eq!(sum.to_string(), "1");
    let long = format!("{}.{}", "7".repeat(5_000), "3".repeat(5_000));
    let started = std::time::Instant::now();
    let parsed = q(&long);
    assert_eq!(
        parsed.to_string(),
        format!("{}333333334n", "7".repeat(5_000))
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// Go reads `e<n>` as a 64-bit number and keeps 32 bits of it; its decimal exponent is
/// 32 bits too.
#[test]
fn exponents_behave_like_go_int32() {
    assert_eq!(q("1e4294967296").to_string(), "1e4294967296");
    assert_eq!(q("1e4294967296").value(), 1);
    assert_eq!(q("1e4294967299").value(), 1000);
    assert_eq!(q("1e9223372036854775807").to_string(), "100e-3");
    assert!(matches!(
        Quantity::parse("1e9223372036854775808"),
        Err(Error::QuantitySuffix)
    ));
    assert_eq!(q("1e2147483647").to_string(), "10e2147483646");
    assert_eq!(q("10e2147483647").to_string(), "10e2147483647");
    assert_eq!(q("1.5e-2147483648").to_string(), "150e2147483646");
    assert!(matches!(
        Quantity::parse("12345678901234567890e2147483647"),
        Err(Error::QuantityNumeric)
    ));
    assert_eq!(q("1e-2147483647").to_string(), "1e-9");
}

/// Decimal SI has no suffix past `E`: Go prints the bare digits.
#[test]
fn decimal_si_beyond_exa_prints_without_suffix() {
    assert_eq!(q("1000E").to_string(), "1");
    assert_eq!(q("5000E").to_string(), "5");
    assert_eq!(q("1234567E").to_string(), "1234567E");
    assert_eq!(dec(1, 21, Si).to_string(), "1");
    assert_eq!(dec(1, 21, Exp).to_string(), "1e21");
    assert_eq!(Quantity::new_scaled(1, -12).to_string(), "1");
    // Binary SI has no suffix past `Ei` either.
    let mut big = q("4Ei");
    for _ in 0..1023 {
        big.add(&q("4Ei"));
    }
    assert_eq!(big.to_string(), "4");
    assert_eq!(big.format(), Bin);
}

#[test]
fn spec_examples_canonicalize_exactly() {
    let table = [
        ("1024Mi", "1Gi"),
        ("307200Ki", "300Mi"),
        ("1024Gi", "1Ti"),
        ("5000m", "5"),
        ("0.5", "500m"),
        ("1000M", "1G"),
        ("0.001T", "1G"),
        ("1000u", "1m"),
        ("1.08", "1080m"),
        ("1080000000n", "1080m"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".001e12", "1e9"),
        ("0.001e0", "1e-3"),
        ("1000e-12", "1e-9"),
        ("00", "0"),
        ("1025", "1025"),
        ("3k", "3k"),
        ("80n", "80n"),
        ("1234567M", "1234567M"),
        ("1.5Gi", "1536Mi"),
        ("1.5", "1500m"),
        ("-1.5Gi", "-1536Mi"),
        ("7Ei", "7Ei"),
        // Above 2^63-1: capped, and the cap is not a whole number of any binary unit.
        ("8Ei", "9223372036854775807"),
        ("1e100", "10e99"),
        ("1e-100", "1e-9"),
        ("0.0000000000001m", "1n"),
    ];
    for (input, want) in table {
        assert_eq!(q(input).to_string(), want, "{input}");
    }
    assert_eq!(q("8Ei").value(), i64::MAX);
}

#[test]
fn near_canonical_input_is_reemitted_verbatim_like_go() {
    for s in [
        "+1", "01", "1.", "1.500", "1E3", "1E+6", "1.G", "+1Ki", "100m", "1Ki",
    ] {
        assert_eq!(q(s).to_string(), s, "{s}");
    }
    // Not on Go's reuse path: canonicalized.
    assert_eq!(q("1.5").to_string(), "1500m");
    assert_eq!(q("0.500").to_string(), "500m");
    assert_eq!(q("1000m").to_string(), "1");
    assert_eq!(q("1024Ki").to_string(), "1Mi");
    // Any arithmetic drops the verbatim form.
    let mut v = q("+1");
    v.add(&Quantity::zero());
    assert_eq!(v.to_string(), "1");
}

#[test]
fn zero_parses_and_prints_as_zero() {
    assert_eq!(q("0").to_string(), "0");
    assert_eq!(q("-0").to_string(), "0");
    assert_eq!(q("0Gi").to_string(), "0");
    assert_eq!(Quantity::default().to_string(), "0");
}

/// `TestQuantityCmp` and `TestQuantityCmpInt64AndDec`.
#[test]
fn comparison_is_by_value_across_formats() {
    assert_eq!(q("0").cmp(&q("0")), Ordering::Equal);
    assert_eq!(q("100m").cmp(&q("50m")), Ordering::Greater);
    assert_eq!(q("50m").cmp(&q("100m")), Ordering::Less);
    assert_eq!(q("10000T").cmp(&q("100Gi")), Ordering::Greater);
    assert_eq!(q("1Gi"), q("1073741824"));
    assert_eq!(q("1k"), q("1e3"));
    // The mixed-representation table of Go's TestCmp is in tests/resource_quantity.rs.
}

#[test]
fn equal_values_hash_equally() {
    use std::collections::HashSet;
    let set: HashSet<Quantity> = [q("1Gi"), q("1073741824"), q("1024Mi")]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 1);
}

#[test]
fn arithmetic_is_exact_across_formats() {
    let mut a = q("1Gi");
    a.add(&q("512Mi"));
    assert_eq!(a.to_string(), "1536Mi");
    let mut b = q("1");
    b.sub(&q("250m"));
    assert_eq!(b.to_string(), "750m");
    let mut c = q("100m");
    c.sub(&q("200m"));
    assert_eq!(c.to_string(), "-100m");
    let mut d = q("1e20");
    d.add(&q("1n"));
    assert_eq!(d, dec(10i128.pow(29) + 1, -9, Exp));
    let mut e = q("1e100");
    e.add(&q("1n"));
    assert_eq!(e.to_string(), format!("1{}1e-9", "0".repeat(108)));
    e.sub(&q("1n"));
    assert_eq!(e.to_string(), "10e99");
    let mut f = q("1e2147483647");
    f.add(&q("1"));
    assert!(
        f > q("1e2147483647"),
        "huge exponent gaps are handled without scanning"
    );
    let mut g = q("-1e30");
    g.sub(&q("1e-9"));
    assert!(g < q("-1e30"));
}

#[test]
fn integer_accessors_round_up_and_saturate() {
    assert_eq!(q("1.5").value(), 2);
    assert_eq!(q("-1.5").value(), -2);
    assert_eq!(q("100m").value(), 1);
    assert_eq!(q("1500m").milli_value(), 1500);
    assert_eq!(q("1.0001m").milli_value(), 2);
    assert_eq!(q("1Ki").milli_value(), 1_024_000);
    assert_eq!(q("1e30").value(), i64::MAX);
    assert_eq!(q("-1e30").value(), i64::MIN);
    assert_eq!(q("1Mi").scaled_value(KILO), 1049);
    assert_eq!(q("1k").as_i64(), Some(1000));
    assert_eq!(q("1.5").as_i64(), None);
    assert_eq!(q("1e30").as_i64(), None);
    assert!((q("1.5Ki").as_approximate_f64() - 1536.0).abs() < 1e-9);
    assert_eq!(q("100m").sign(), 1);
    assert_eq!(q("-100m").sign(), -1);
    assert_eq!(q("0").sign(), 0);
}

#[test]
fn json_is_a_string_and_decoding_accepts_numbers_and_null() {
    assert_eq!(serde_json::to_string(&q("1024Mi")).unwrap(), "\"1Gi\"");
    // Go's whitespace table is in tests/resource_quantity.rs (`json_whitespace`).
    for (input, want) in [("1.5", "1500m"), ("null", "0")] {
        let got: Quantity = serde_json::from_str(input).unwrap();
        assert_eq!(got.to_string(), want, "{input}");
    }
    assert!(serde_json::from_str::<Quantity>("\"abc\"").is_err());
    assert!(serde_json::from_str::<Quantity>("true").is_err());
}

#[test]
fn json_round_trip_preserves_value_for_many_shapes() {
    for s in [
        "0",
        "1",
        "-1",
        "1Ki",
        "1023Ki",
        "7Ei",
        "9Ei",
        "1.5",
        "0.000000001",
        "12345678901234567",
        "1e-3",
        "5e21",
        "123456789Mi",
        "1.23456789Gi",
        "999999999999999999E",
    ] {
        let original = q(s);
        let json = serde_json::to_string(&original).unwrap();
        let back: Quantity = serde_json::from_str(&json).unwrap();
        assert_eq!(back, original, "{s} via {json}");
    }
}

#[test]
fn must_parse_returns_valid_quantities() {
    assert_eq!(Quantity::must_parse("2Gi").to_string(), "2Gi");
}
