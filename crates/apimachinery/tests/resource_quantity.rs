//! The tables of Go's `k8s.io/apimachinery/pkg/api/resource/quantity_test.go`
//! (v0.37.2), with Go's results as the expected values. Go checks some rows twice, once
//! per internal representation (`int64Amount` and `inf.Dec`, switched by `ToDec` or
//! `AsDec`); there is one representation here, so each row runs once. Tables of
//! functions this crate does not have (`Mul`, `AsFloat64Slow`, CBOR, the flag value,
//! `inf.Dec` printing) are not ported.

use std::cmp::Ordering;

use clientgo_apimachinery::Error;
use clientgo_apimachinery::quantity::{Format, MICRO, MILLI, NANO, Quantity};

use Format::{BinarySI as Bin, DecimalExponent as Exp, DecimalSI as Si};

const MOST_POSITIVE: i128 = i64::MAX as i128;
const MOST_NEGATIVE: i128 = i64::MIN as i128;

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Go's `decQuantity` / `intQuantity`: mantissa × 10^exponent in a format.
fn dec(mantissa: i128, exponent: i32, format: Format) -> Quantity {
    Quantity::from_decimal(mantissa, exponent, format)
}

/// An exact decimal written as text (`-12.5`), built without the quantity parser.
fn exact(text: &str) -> Quantity {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mantissa: i128 = format!("{int}{frac}")
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    dec(mantissa, -(frac.len() as i32), Si)
}

fn negated(mut value: Quantity) -> Quantity {
    value.neg();
    value
}

/// `TestQuantityParseZero` and `TestQuantityCanocicalizeZero`
#[test]
fn parse_zero_and_canonical_zero() {
    assert_eq!(q("0").to_string(), "0");
    let mut val = q("1000m");
    val.sub(&q("1"));
    assert_eq!(val.to_string(), "0");
}

/// `TestQuantityParseNonNumericPanic`
#[test]
#[should_panic(expected = "cannot parse 'Non-Numeric'")]
fn parse_non_numeric_panics() {
    let _ = Quantity::must_parse("Non-Numeric");
}

/// `TestQuantityAddZeroPreservesSuffix` and `TestQuantitySubZeroPreservesSuffix`
#[test]
fn adding_or_subtracting_zero_preserves_suffix() {
    let zero = q("0");
    for s in ["100m", "1Gi"] {
        let value = q(s);
        let mut v1 = value.clone();
        v1.add(&zero);
        let mut v2 = zero.clone();
        v2.add(&value);
        assert_eq!(v1.to_string(), s);
        assert_eq!(v2.to_string(), s);
        let mut v3 = value.clone();
        v3.sub(&zero);
        assert_eq!(v3.to_string(), s);
        let mut v4 = zero.clone();
        v4.sub(&value);
        assert_eq!(v4.to_string(), negated(value).to_string());
    }
}

/// `TestQuantityCmp` (Go's nil `inf.Dec` is zero)
#[test]
fn cmp() {
    for (x, y, want) in [
        ("0", "0", Ordering::Equal),
        ("100m", "50m", Ordering::Greater),
        ("50m", "100m", Ordering::Less),
        ("10000T", "100Gi", Ordering::Greater),
    ] {
        assert_eq!(q(x).cmp(&q(y)), want, "{x} vs {y}");
    }
    let zero = Quantity::zero();
    for (x, y, want) in [
        (dec(0, 0, Si), dec(0, 0, Si), Ordering::Equal),
        (zero.clone(), dec(0, 0, Si), Ordering::Equal),
        (dec(0, 0, Si), zero.clone(), Ordering::Equal),
        (zero.clone(), zero.clone(), Ordering::Equal),
        (zero.clone(), dec(10, 0, Si), Ordering::Less),
        (zero.clone(), dec(-10, 0, Si), Ordering::Greater),
        (dec(10, 0, Si), zero.clone(), Ordering::Greater),
        (dec(-10, 0, Si), zero.clone(), Ordering::Less),
    ] {
        assert_eq!(x.cmp(&y), want, "{x:?} vs {y:?}");
    }
}

/// The rows of `TestQuantityParse`: input, exact value, format.
fn parse_table() -> Vec<(&'static str, Quantity)> {
    vec![
        ("0", dec(0, 0, Si)),
        ("0n", dec(0, 0, Si)),
        ("0u", dec(0, 0, Si)),
        ("0m", dec(0, 0, Si)),
        ("0Ki", dec(0, 0, Bin)),
        ("0k", dec(0, 0, Si)),
        ("0Mi", dec(0, 0, Bin)),
        ("0M", dec(0, 0, Si)),
        ("0Gi", dec(0, 0, Bin)),
        ("0G", dec(0, 0, Si)),
        ("0Ti", dec(0, 0, Bin)),
        ("0T", dec(0, 0, Si)),
        ("1", dec(1, 0, Si)),
        ("1Ki", dec(1024, 0, Bin)),
        ("8Ki", dec(8 * 1024, 0, Bin)),
        ("7Mi", dec(7 << 20, 0, Bin)),
        ("6Gi", dec(6 << 30, 0, Bin)),
        ("5Ti", dec(5 << 40, 0, Bin)),
        ("4Pi", dec(4 << 50, 0, Bin)),
        ("3Ei", dec(3 << 60, 0, Bin)),
        ("10Ti", dec(10 << 40, 0, Bin)),
        ("100Ti", dec(100 << 40, 0, Bin)),
        ("5n", dec(5, -9, Si)),
        ("4u", dec(4, -6, Si)),
        ("3m", dec(3, -3, Si)),
        ("9", dec(9, 0, Si)),
        ("8k", dec(8, 3, Si)),
        ("50k", dec(5, 4, Si)),
        ("7M", dec(7, 6, Si)),
        ("6G", dec(6, 9, Si)),
        ("5T", dec(5, 12, Si)),
        ("40T", dec(4, 13, Si)),
        ("300T", dec(3, 14, Si)),
        ("2P", dec(2, 15, Si)),
        ("1E", dec(1, 18, Si)),
        ("1E-3", dec(1, -3, Exp)),
        ("1e3", dec(1, 3, Exp)),
        ("1E6", dec(1, 6, Exp)),
        ("1e9", dec(1, 9, Exp)),
        ("1E12", dec(1, 12, Exp)),
        ("1e15", dec(1, 15, Exp)),
        ("1E18", dec(1, 18, Exp)),
        ("1e14", dec(1, 14, Exp)),
        ("1e13", dec(1, 13, Exp)),
        ("1e3", dec(1, 3, Exp)),
        ("100.035k", dec(100_035, 0, Si)),
        ("0.001", dec(1, -3, Si)),
        ("0.0005k", dec(5, -1, Si)),
        ("0.005", dec(5, -3, Si)),
        ("0.05", dec(5, -2, Si)),
        ("0.5", dec(5, -1, Si)),
        ("0.00050k", dec(5, -1, Si)),
        ("0.00500", dec(5, -3, Si)),
        ("0.05000", dec(5, -2, Si)),
        ("0.50000", dec(5, -1, Si)),
        ("0.5e0", dec(5, -1, Exp)),
        ("0.5e-1", dec(5, -2, Exp)),
        ("0.5e-2", dec(5, -3, Exp)),
        ("0.5e0", dec(5, -1, Exp)),
        ("10.035M", dec(10_035, 3, Si)),
        ("1.2e3", dec(12, 2, Exp)),
        ("1.3E+6", dec(13, 5, Exp)),
        ("1.40e9", dec(14, 8, Exp)),
        ("1.53E12", dec(153, 10, Exp)),
        ("1.6e15", dec(16, 14, Exp)),
        ("1.7E18", dec(17, 17, Exp)),
        ("9.01", dec(901, -2, Si)),
        ("8.1k", dec(81, 2, Si)),
        ("7.123456M", dec(7_123_456, 0, Si)),
        ("6.987654321G", dec(6_987_654_321, 0, Si)),
        ("5.444T", dec(5444, 9, Si)),
        ("40.1T", dec(401, 11, Si)),
        ("300.2T", dec(3002, 11, Si)),
        ("2.5P", dec(25, 14, Si)),
        ("1.01E", dec(101, 16, Si)),
        ("3.001n", dec(4, -9, Si)),
        ("1.1E-9", dec(2, -9, Exp)),
        ("0.0000000001", dec(1, -9, Si)),
        ("0.0000000005", dec(1, -9, Si)),
        ("0.00000000050", dec(1, -9, Si)),
        ("0.5e-9", dec(1, -9, Exp)),
        ("0.9n", dec(1, -9, Si)),
        ("0.00000012345", dec(124, -9, Si)),
        ("0.00000012354", dec(124, -9, Si)),
        ("9Ei", dec(MOST_POSITIVE, 0, Bin)),
        ("9223372036854775807Ki", dec(MOST_POSITIVE, 0, Bin)),
        ("12E", dec(12, 18, Si)),
        ("100.035Ki", dec(10_243_584, -2, Bin)),
        ("0.5Mi", dec(512 * 1024, 0, Bin)),
        ("0.05Gi", dec(536_870_912, -1, Bin)),
        ("0.025Ti", dec(274_877_906_944, -1, Bin)),
        ("0.000000000001Ki", dec(2, -9, Si)),
        (".001", dec(1, -3, Si)),
        (".0001k", dec(100, -3, Si)),
        ("1.", dec(1, 0, Si)),
        ("1.G", dec(1, 9, Si)),
    ]
}

/// `TestQuantityParse`: value and format of every row, also with `-` and `+` in front,
/// `as_i64` where the value is a whole number, and the invalid inputs.
#[test]
fn parse() {
    assert!(matches!(Quantity::parse(""), Err(Error::QuantityFormat)));
    for (input, want) in parse_table() {
        let got = q(input);
        assert_eq!(got, want, "{input}: {got} vs {want}");
        assert_eq!(got.format(), want.format(), "{input}");
        if let Some(i) = want.as_i64() {
            assert_eq!(got.as_i64(), Some(i), "{input}");
        }
        for format in [Si, Bin, Exp] {
            let mut copied = got.clone();
            copied.set_format(format);
            assert_eq!(copied, got, "{input} as {format}");
        }
        let minus = q(&format!("-{input}"));
        assert_eq!(minus, negated(want.clone()), "-{input}");
        assert_eq!(minus.format(), want.format(), "-{input}");
        let plus = q(&format!("+{input}"));
        assert_eq!(plus, want, "+{input}");
        assert_eq!(plus.format(), want.format(), "+{input}");
    }
    let invalid = [
        ("1.1.M", Error::QuantityFormat),
        ("1+1.0M", Error::QuantityFormat),
        ("0.1mi", Error::QuantitySuffix),
        ("0.1am", Error::QuantityFormat),
        ("aoeu", Error::QuantityFormat),
        (".5i", Error::QuantitySuffix),
        ("1i", Error::QuantitySuffix),
        ("-3.01i", Error::QuantitySuffix),
        ("-3.01e-", Error::QuantitySuffix),
        (" 1", Error::QuantityFormat),
        ("1 ", Error::QuantityFormat),
    ];
    for (input, want) in invalid {
        let err = Quantity::parse(input).expect_err(input);
        assert_eq!(err.to_string(), want.to_string(), "{input}");
    }
}

/// `TestQuantityRoundUp`
#[test]
fn round_up() {
    let table = [
        ("9.01", -3, dec(901, -2, Si), true),
        ("9.01", -2, dec(901, -2, Si), true),
        ("9.01", -1, dec(91, -1, Si), false),
        ("9.01", 0, dec(10, 0, Si), false),
        ("9.01", 1, dec(10, 0, Si), false),
        ("9.01", 2, dec(100, 0, Si), false),
        ("-9.01", -3, dec(-901, -2, Si), true),
        ("-9.01", -2, dec(-901, -2, Si), true),
        ("-9.01", -1, dec(-91, -1, Si), false),
        ("-9.01", 0, dec(-10, 0, Si), false),
        ("-9.01", 1, dec(-10, 0, Si), false),
        ("-9.01", 2, dec(-100, 0, Si), false),
    ];
    for (input, scale, want, exact) in table {
        let mut got = q(input);
        assert_eq!(got.round_up(scale), exact, "{input} at {scale}");
        assert_eq!(got, want, "{input} at {scale}");
    }
}

/// `TestQuantityCmpInt64AndDec`
#[test]
fn cmp_int64_and_dec() {
    let e18: i128 = 1_000_000_000_000_000_000;
    let table = [
        ((901, -2), (901, -2), Ordering::Equal),
        ((90, -1), (901, -2), Ordering::Less),
        ((901, -2), (900, -2), Ordering::Greater),
        ((0, 0), (0, 0), Ordering::Equal),
        ((0, 1), (0, -1), Ordering::Equal),
        ((0, -1), (0, 1), Ordering::Equal),
        ((800, -3), (1, 0), Ordering::Less),
        ((800, -3), (79, -2), Ordering::Greater),
        ((MOST_POSITIVE, 0), (1, -1), Ordering::Greater),
        ((MOST_POSITIVE, 1), (1, 0), Ordering::Greater),
        ((MOST_POSITIVE, 1), (1, 1), Ordering::Greater),
        ((MOST_POSITIVE, 1), (0, 1), Ordering::Greater),
        ((MOST_POSITIVE, -16), (1, 3), Ordering::Less),
        ((MOST_NEGATIVE, 0), (0, 0), Ordering::Less),
        ((MOST_NEGATIVE, -18), (-1, 0), Ordering::Less),
        ((MOST_NEGATIVE, -19), (-1, 0), Ordering::Greater),
        ((e18, -17), (1, 1), Ordering::Equal),
        ((e18, -17), (-10, 0), Ordering::Greater),
        ((-e18, -17), (-10, 0), Ordering::Equal),
        ((e18, -17), (1, 0), Ordering::Greater),
        ((e18 + 1, -17), (1, 1), Ordering::Greater),
        ((e18 - 1, -17), (1, 1), Ordering::Less),
    ];
    for ((am, ae), (bm, be), want) in table {
        let (a, b) = (dec(am, ae, Si), dec(bm, be, Si));
        assert_eq!(a.cmp(&b), want, "{a:?} vs {b:?}");
        assert_eq!(b.cmp(&a), want.reverse(), "{b:?} vs {a:?}");
    }
}

/// `TestQuantityNeg`
#[test]
fn quantity_neg() {
    let source = dec(901, -2, Si);
    let out = negated(source.clone());
    assert_ne!(out, source);
    assert_eq!(out.to_string(), "-9010m");
}

/// `TestQuantityString`: canonical output, which parses back to the same text and
/// value; an alternate spelling canonicalizes to it; the negation prints with `-`.
#[test]
fn quantity_string() {
    let table = [
        (dec(1024 * 1024 * 1024, 0, Bin), "1Gi", "1024Mi"),
        (dec(300 * 1024 * 1024, 0, Bin), "300Mi", "307200Ki"),
        (dec(6 * 1024, 0, Bin), "6Ki", ""),
        (
            dec(1001 * 1024 * 1024 * 1024, 0, Bin),
            "1001Gi",
            "1025024Mi",
        ),
        (dec(1024 * 1024 * 1024 * 1024, 0, Bin), "1Ti", "1024Gi"),
        (dec(5, 0, Bin), "5", "5000m"),
        (dec(500, -3, Bin), "500m", "0.5"),
        (dec(1, 9, Si), "1G", "1000M"),
        (dec(1000, 6, Si), "1G", "0.001T"),
        (dec(1_000_000, 3, Si), "1G", ""),
        (dec(1_000_000_000, 0, Si), "1G", ""),
        (dec(1, -3, Si), "1m", "1000u"),
        (dec(80, -3, Si), "80m", ""),
        (dec(1080, -3, Si), "1080m", "1.08"),
        (dec(108, -2, Si), "1080m", "1080000000n"),
        (dec(10800, -4, Si), "1080m", ""),
        (dec(300, 6, Si), "300M", ""),
        (dec(1, 12, Si), "1T", ""),
        (dec(1_234_567, 6, Si), "1234567M", ""),
        (dec(1_234_567, -3, Bin), "1234567m", ""),
        (dec(3, 3, Si), "3k", ""),
        (dec(1025, 0, Bin), "1025", ""),
        (dec(0, 0, Si), "0", ""),
        (dec(0, 0, Bin), "0", ""),
        (dec(1, 9, Exp), "1e9", ".001e12"),
        (dec(1, -3, Exp), "1e-3", "0.001e0"),
        (dec(1, -9, Exp), "1e-9", "1000e-12"),
        (dec(80, -3, Exp), "80e-3", ""),
        (dec(300, 6, Exp), "300e6", ""),
        (dec(1, 12, Exp), "1e12", ""),
        (dec(1, 3, Exp), "1e3", ""),
        (dec(3, 3, Exp), "3e3", ""),
        (dec(3, 3, Si), "3k", ""),
        (dec(0, 0, Exp), "0", "00"),
        (dec(1, -9, Si), "1n", ""),
        (dec(80, -9, Si), "80n", ""),
        (dec(1080, -9, Si), "1080n", ""),
        (dec(108, -8, Si), "1080n", ""),
        (dec(10800, -10, Si), "1080n", ""),
        (dec(1, -6, Si), "1u", ""),
        (dec(80, -6, Si), "80u", ""),
        (dec(1080, -6, Si), "1080u", ""),
    ];
    for (value, expect, alternate) in table {
        assert_eq!(value.to_string(), expect, "{value:?}");
        let reparsed = q(expect);
        assert_eq!(reparsed.to_string(), expect, "reparse {expect}");
        if !alternate.is_empty() {
            assert_eq!(q(alternate).to_string(), expect, "alternate {alternate}");
        }
        if !value.is_zero() {
            assert_eq!(negated(value).to_string(), format!("-{expect}"));
        }
    }
}

/// `TestQuantityParseEmit`
#[test]
fn parse_emit() {
    let table = [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
    ];
    for (input, want) in table {
        assert_eq!(q(input).to_string(), want, "{input}");
        assert_eq!(q(&format!("-{input}")).to_string(), format!("-{want}"));
    }
}

/// `TestQuantityDeepCopy` and `TestDeepCopy`
#[test]
fn deep_copy() {
    for s in ["0", "100m", "50m", "10000T"] {
        let original = q(s);
        let copy = original.clone();
        assert_eq!(copy, original);
        assert_eq!(copy.to_string(), original.to_string());
    }
    for value in [dec(0, 0, Si), dec(10, 0, Si), dec(-10, 0, Si)] {
        let mut copy = value.clone();
        assert_eq!(copy, value);
        copy = dec(2, 0, Si);
        assert_ne!(copy, value);
    }
    let original = Quantity::new(5, Si);
    let mut copy = original.clone();
    copy.add(&Quantity::new(1, Si));
    assert_eq!(original.value(), 5);
    assert_eq!(copy.value(), 6);
}

/// Go's `TestJSON` fuzzer, made deterministic: quantities shaped like Go's fuzzer makes
/// them (Go's decimal scale is the negated exponent) survive a JSON round trip with
/// their value.
#[test]
fn json_round_trip() {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..500 {
        let int63 = i128::from(next() >> 1);
        let value = match next() % 4 {
            0 => dec(int63, 0, Bin),
            1 => dec(i128::from(next() % 1024) << (10 * (next() % 5)), 0, Bin),
            2 => {
                let format = if next() % 2 == 0 { Si } else { Exp };
                dec(int63, -((next() % 4) as i32), format)
            }
            _ => {
                let format = if next() % 2 == 0 { Si } else { Exp };
                dec(i128::from(next() % 1000), (next() % 15) as i32 - 3, format)
            }
        };
        let json = serde_json::to_string(&value).unwrap();
        let back: Quantity = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value, "{value:?} via {json}");
    }
}

/// `TestJSONWhitespace`
#[test]
fn json_whitespace() {
    for (input, want) in [
        (r#"" 1""#, "1"),
        (r#""1 ""#, "1"),
        ("1", "1"),
        (" 1", "1"),
        ("1 ", "1"),
        ("10", "10"),
        ("-1", "-1"),
        (" -1", "-1"),
    ] {
        let got: Quantity = serde_json::from_str(input).unwrap();
        assert_eq!(got.to_string(), want, "{input}");
    }
}

/// `TestMilliNewSet`; Go's invalid format falls back to `DecimalExponent`, which is
/// what its row uses here.
#[test]
fn milli_new_set() {
    let table = [
        (1, Si, "1m", true),
        (1000, Si, "1", true),
        (1_234_000, Si, "1234", true),
        (1024, Bin, "1024m", false),
        (1_000_000, Exp, "1e3", true),
        (1024 * 1024, Bin, "1048576m", false),
    ];
    for (value, format, expect, exact) in table {
        let got = Quantity::new_milli(value, format);
        assert_eq!(got.to_string(), expect);
        if exact {
            assert_eq!(q(&got.to_string()).milli_value(), value);
        }
    }
}

/// `TestNewSet`
#[test]
fn new_set() {
    let table = [
        (1, Si, "1"),
        (1000, Si, "1k"),
        (1_234_000, Si, "1234k"),
        (1024, Bin, "1Ki"),
        (1_000_000, Exp, "1e6"),
        (1024 * 1024, Bin, "1Mi"),
    ];
    for (value, format, expect) in table {
        let got = Quantity::new(value, format);
        assert_eq!(got.to_string(), expect);
        assert_eq!(q(&got.to_string()).value(), value);
    }
}

/// `TestNewScaledSet`
#[test]
fn new_scaled_set() {
    let table = [
        (1, NANO, "1n"),
        (1000, NANO, "1u"),
        (1, MICRO, "1u"),
        (1000, MICRO, "1m"),
        (1, MILLI, "1m"),
        (1000, MILLI, "1"),
        (1, 0, "1"),
        (0, NANO, "0"),
        (0, MICRO, "0"),
        (0, MILLI, "0"),
        (0, 0, "0"),
    ];
    for (value, scale, expect) in table {
        let got = Quantity::new_scaled(value, scale);
        assert_eq!(got.to_string(), expect);
        assert_eq!(q(&got.to_string()).scaled_value(scale), value);
        assert_eq!(got, dec(value.into(), scale, Si));
    }
}

/// `TestScaledValue`
#[test]
fn scaled_value() {
    let table = [
        (NANO, NANO, 1),
        (NANO, MICRO, 1),
        (NANO, MILLI, 1),
        (NANO, 0, 1),
        (MICRO, NANO, 1000),
        (MICRO, MICRO, 1),
        (MICRO, MILLI, 1),
        (MICRO, 0, 1),
        (MILLI, NANO, 1000 * 1000),
        (MILLI, MICRO, 1000),
        (MILLI, MILLI, 1),
        (MILLI, 0, 1),
        (0, NANO, 1000 * 1000 * 1000),
        (0, MICRO, 1000 * 1000),
        (0, MILLI, 1000),
        (0, 0, 1),
        (2, -2, 100 * 100),
    ];
    for (from, to, want) in table {
        assert_eq!(
            Quantity::new_scaled(1, from).scaled_value(to),
            want,
            "{from} to {to}"
        );
    }
}

/// `TestUninitializedNoCrash`
#[test]
fn uninitialized_no_crash() {
    let zero = Quantity::default();
    assert_eq!(zero.value(), 0);
    assert_eq!(zero.milli_value(), 0);
    assert_eq!(zero.clone().to_string(), "0");
    assert_eq!(serde_json::to_string(&zero).unwrap(), r#""0""#);
}

/// `TestSub`, `TestAdd` and `TestNeg`
#[test]
fn sub_add_neg() {
    let zero = Quantity::zero;
    let sub = [
        (dec(10, 0, Si), dec(1, 1, Si), dec(0, 0, Si)),
        (dec(10, 0, Si), dec(1, 0, Bin), dec(9, 0, Si)),
        (dec(10, 0, Bin), dec(1, 0, Si), dec(9, 0, Bin)),
        (zero(), dec(50, 0, Si), dec(-50, 0, Si)),
        (dec(50, 0, Si), zero(), dec(50, 0, Si)),
        (zero(), zero(), dec(0, 0, Si)),
    ];
    for (mut a, b, want) in sub {
        a.sub(&b);
        assert_eq!(a, want);
    }
    let add = [
        (dec(10, 0, Si), dec(1, 1, Si), dec(20, 0, Si)),
        (dec(10, 0, Si), dec(1, 0, Bin), dec(11, 0, Si)),
        (dec(10, 0, Bin), dec(1, 0, Si), dec(11, 0, Bin)),
        (zero(), dec(50, 0, Si), dec(50, 0, Si)),
        (dec(50, 0, Si), zero(), dec(50, 0, Si)),
        (zero(), zero(), dec(0, 0, Si)),
    ];
    for (mut a, b, want) in add {
        a.add(&b);
        assert_eq!(a, want);
    }
    let neg = [
        (dec(0, 0, Si), dec(0, 0, Si)),
        (Quantity::default(), Quantity::default()),
        (dec(10, 0, Bin), dec(-10, 0, Bin)),
        (dec(-10, 0, Bin), dec(10, 0, Bin)),
    ];
    for (a, want) in neg {
        assert_eq!(negated(a), want);
    }
}

/// A deterministic stand-in for Go's `rand.Int63`.
struct Int63(u64);

impl Int63 {
    fn next(&mut self) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 1) as i64
    }
}

/// `TestAddSubRoundTrip` and `TestAddSubRoundTripAcrossScales`: sums of a hundred
/// 63-bit values at different scales cancel exactly.
#[test]
fn add_sub_round_trip() {
    let mut rand = Int63(7);
    for k in -10..=10 {
        let mut total = dec(0, 0, Si);
        let order: Vec<i64> = (0..100).map(|_| rand.next()).collect();
        for &j in &order {
            total.add(&Quantity::new_scaled(j, k));
        }
        for &j in &order {
            total.sub(&Quantity::new_scaled(j, k));
        }
        assert!(total.is_zero(), "scale {k}: {total}");
    }
    let mut total = dec(0, 0, Si);
    let order: Vec<i64> = (0..100).map(|_| rand.next()).collect();
    let scale = |j: i64| (j % 20 - 10) as i32;
    for &j in &order {
        total.add(&Quantity::new_scaled(j, scale(j)));
    }
    for &j in &order {
        total.sub(&Quantity::new_scaled(j, scale(j)));
    }
    assert!(total.is_zero(), "{total}");
}

/// `TestNegateRoundTrip`
#[test]
fn negate_round_trip() {
    let mut rand = Int63(11);
    for k in -10..=10 {
        for _ in 0..100 {
            let value = Quantity::new_scaled(rand.next(), k);
            assert_eq!(negated(negated(value.clone())), value);
        }
    }
}

/// `TestQuantityAsApproximateFloat64` and `TestStringQuantityAsApproximateFloat64`
#[test]
fn as_approximate_float64() {
    let m7 = 7 * 1024 * 1024;
    let f7 = f64::from(m7);
    let mut table = vec![];
    for format in [Si, Exp, Bin] {
        table.push((dec(0, 0, format), 0.0));
        table.push((dec(1, 0, format), 1.0));
        table.push((dec(1024, 0, format), 1024.0));
        table.push((dec(8 * 1024, 0, format), 8.0 * 1024.0));
        table.push((dec(m7.into(), 0, format), f7));
        table.push((dec(m7.into(), 1, format), f7 * 10.0));
        table.push((dec(m7.into(), 4, format), f7 * 10000.0));
        table.push((dec(m7.into(), 8, format), f7 * 100_000_000.0));
        table.push((dec(m7.into(), -1, format), f7 * 0.1));
        table.push((dec(m7.into(), -8, format), f7 / 100_000_000.0));
    }
    table.push((dec(MOST_POSITIVE, 0, Si), i64::MAX as f64));
    table.push((dec(MOST_POSITIVE, 0, Bin), i64::MAX as f64));
    table.push((dec(12, 18, Si), 1.2e19));
    table.push((dec(12, 500, Si), f64::INFINITY));
    table.push((dec(-12, 500, Si), f64::NEG_INFINITY));
    for (input, want) in table {
        assert_eq!(input.as_approximate_f64(), want, "{input:?}");
    }
    for (input, want) in [
        ("2Ki", 2048.0),
        ("1.1Ki", 1126.4e+0),
        ("1Mi", 1.048576e+06),
        ("2Gi", 2.147483648e+09),
    ] {
        assert_eq!(q(input).as_approximate_f64(), want, "{input}");
    }
}

/// `TestParseQuantity`: input, `AsInt64` where Go has it, the exact value (Go's
/// `AsDec`) and the text Go prints. (Go's `AsInt64` also declines whole numbers that it
/// keeps as `inf.Dec`; `as_i64` answers for every whole number that fits.)
#[test]
fn parse_quantity() {
    let table: [(&str, Option<i64>, &str, &str); 72] = [
        (
            "-999999999999999999",
            Some(-999999999999999999),
            "-999999999999999999",
            "-999999999999999999",
        ),
        (
            "999999999999999999",
            Some(999999999999999999),
            "999999999999999999",
            "999999999999999999",
        ),
        (
            "-999999999999999999.0",
            None,
            "-999999999999999999",
            "-999999999999999999",
        ),
        (
            "999999999999999999.0",
            None,
            "999999999999999999",
            "999999999999999999",
        ),
        (
            "-999999999999999999.1",
            None,
            "-999999999999999999.1",
            "-999999999999999999100m",
        ),
        (
            "999999999999999999.1",
            None,
            "999999999999999999.1",
            "999999999999999999100m",
        ),
        (
            "-9999999999999999999",
            None,
            "-9999999999999999999",
            "-9999999999999999999",
        ),
        (
            "9999999999999999999",
            None,
            "9999999999999999999",
            "9999999999999999999",
        ),
        (
            "-1E",
            Some(-1000000000000000000),
            "-1000000000000000000",
            "-1E",
        ),
        ("1E", Some(1000000000000000000), "1000000000000000000", "1E"),
        ("-1000000000000000000", None, "-1000000000000000000", "-1E"),
        ("1000000000000000000", None, "1000000000000000000", "1E"),
        (
            "-9999999999999999999.0",
            None,
            "-9999999999999999999",
            "-9999999999999999999",
        ),
        (
            "9999999999999999999.0",
            None,
            "9999999999999999999",
            "9999999999999999999",
        ),
        (
            "-1.0E",
            Some(-1000000000000000000),
            "-1000000000000000000",
            "-1E",
        ),
        (
            "1.0E",
            Some(1000000000000000000),
            "1000000000000000000",
            "1E",
        ),
        (
            "-1000000000000000000.0",
            None,
            "-1000000000000000000",
            "-1E",
        ),
        ("1000000000000000000.0", None, "1000000000000000000", "1E"),
        (
            "-9999999999999999999000m",
            None,
            "-9999999999999999999",
            "-9999999999999999999",
        ),
        (
            "9999999999999999999000m",
            None,
            "9999999999999999999",
            "9999999999999999999",
        ),
        (
            "-9999999999999999999.1",
            None,
            "-9999999999999999999.1",
            "-9999999999999999999100m",
        ),
        (
            "9999999999999999999.1",
            None,
            "9999999999999999999.1",
            "9999999999999999999100m",
        ),
        (
            "-1.0000000000000000001E",
            None,
            "-1000000000000000000.1",
            "-1000000000000000000100m",
        ),
        (
            "1.0000000000000000001E",
            None,
            "1000000000000000000.1",
            "1000000000000000000100m",
        ),
        (
            "-1000000000000000000.1",
            None,
            "-1000000000000000000.1",
            "-1000000000000000000100m",
        ),
        (
            "1000000000000000000.1",
            None,
            "1000000000000000000.1",
            "1000000000000000000100m",
        ),
        (
            "-1.000000000000000001E",
            None,
            "-1000000000000000001",
            "-1000000000000000001",
        ),
        (
            "1.000000000000000001E",
            None,
            "1000000000000000001",
            "1000000000000000001",
        ),
        (
            "-1000000000000000001",
            None,
            "-1000000000000000001",
            "-1000000000000000001",
        ),
        (
            "1000000000000000001",
            None,
            "1000000000000000001",
            "1000000000000000001",
        ),
        ("-10E", None, "-10000000000000000000", "-10E"),
        ("10E", None, "10000000000000000000", "10E"),
        (
            "-10000000000000000000",
            None,
            "-10000000000000000000",
            "-10E",
        ),
        ("10000000000000000000", None, "10000000000000000000", "10E"),
        ("-10.0E", None, "-10000000000000000000", "-10E"),
        ("10.0E", None, "10000000000000000000", "10E"),
        (
            "-10000000000000000000.0",
            None,
            "-10000000000000000000",
            "-10E",
        ),
        (
            "10000000000000000000.0",
            None,
            "10000000000000000000",
            "10E",
        ),
        (
            "-10000000000000000000000m",
            None,
            "-10000000000000000000",
            "-10E",
        ),
        (
            "10000000000000000000000m",
            None,
            "10000000000000000000",
            "10E",
        ),
        (
            "-10.0000000000000000001E",
            None,
            "-10000000000000000000.1",
            "-10000000000000000000100m",
        ),
        (
            "10.0000000000000000001E",
            None,
            "10000000000000000000.1",
            "10000000000000000000100m",
        ),
        (
            "-10000000000000000000.1",
            None,
            "-10000000000000000000.1",
            "-10000000000000000000100m",
        ),
        (
            "10000000000000000000.1",
            None,
            "10000000000000000000.1",
            "10000000000000000000100m",
        ),
        (
            "-10.000000000000000001E",
            None,
            "-10000000000000000001",
            "-10000000000000000001",
        ),
        (
            "10.000000000000000001E",
            None,
            "10000000000000000001",
            "10000000000000000001",
        ),
        (
            "-10000000000000000001",
            None,
            "-10000000000000000001",
            "-10000000000000000001",
        ),
        (
            "10000000000000000001",
            None,
            "10000000000000000001",
            "10000000000000000001",
        ),
        (
            "-9223372036854775809",
            None,
            "-9223372036854775809",
            "-9223372036854775809",
        ),
        (
            "9223372036854775806",
            None,
            "9223372036854775806",
            "9223372036854775806",
        ),
        (
            "-9223372036854775809.0",
            None,
            "-9223372036854775809",
            "-9223372036854775809",
        ),
        (
            "9223372036854775806.0",
            None,
            "9223372036854775806",
            "9223372036854775806",
        ),
        (
            "-9223372036854775809000m",
            None,
            "-9223372036854775809",
            "-9223372036854775809",
        ),
        (
            "9223372036854775806000m",
            None,
            "9223372036854775806",
            "9223372036854775806",
        ),
        (
            "-9223372036854775809.1",
            None,
            "-9223372036854775809.1",
            "-9223372036854775809100m",
        ),
        (
            "9223372036854775806.1",
            None,
            "9223372036854775806.1",
            "9223372036854775806100m",
        ),
        (
            "-9223372036854775808",
            None,
            "-9223372036854775808",
            "-9223372036854775808",
        ),
        (
            "9223372036854775807",
            None,
            "9223372036854775807",
            "9223372036854775807",
        ),
        (
            "-9223372036854775808.0",
            None,
            "-9223372036854775808",
            "-9223372036854775808",
        ),
        (
            "9223372036854775807.0",
            None,
            "9223372036854775807",
            "9223372036854775807",
        ),
        (
            "-9223372036854775808000m",
            None,
            "-9223372036854775808",
            "-9223372036854775808",
        ),
        (
            "9223372036854775807000m",
            None,
            "9223372036854775807",
            "9223372036854775807",
        ),
        (
            "-9223372036854775808.1",
            None,
            "-9223372036854775808.1",
            "-9223372036854775808100m",
        ),
        (
            "9223372036854775807.1",
            None,
            "9223372036854775807.1",
            "9223372036854775807100m",
        ),
        (
            "-9223372036854775807",
            None,
            "-9223372036854775807",
            "-9223372036854775807",
        ),
        (
            "9223372036854775808",
            None,
            "9223372036854775808",
            "9223372036854775808",
        ),
        (
            "-9223372036854775807.0",
            None,
            "-9223372036854775807",
            "-9223372036854775807",
        ),
        (
            "9223372036854775808.0",
            None,
            "9223372036854775808",
            "9223372036854775808",
        ),
        (
            "-9223372036854775807000m",
            None,
            "-9223372036854775807",
            "-9223372036854775807",
        ),
        (
            "9223372036854775808000m",
            None,
            "9223372036854775808",
            "9223372036854775808",
        ),
        (
            "-9223372036854775807.1",
            None,
            "-9223372036854775807.1",
            "-9223372036854775807100m",
        ),
        (
            "9223372036854775808.1",
            None,
            "9223372036854775808.1",
            "9223372036854775808100m",
        ),
    ];
    for (input, as_int64, value, canonical) in table {
        let got = q(input);
        if let Some(i) = as_int64 {
            assert_eq!(got.as_i64(), Some(i), "{input}");
        }
        assert_eq!(got, exact(value), "{input}");
        assert_eq!(got.to_string(), canonical, "{input}");
    }
}

/// `TestQuantityPtrEqual`
#[test]
fn ptr_equal() {
    let (q1, q2, q3) = (q("100m"), q("100m"), q("200m"));
    let none: Option<&Quantity> = None;
    assert_eq!(none, None);
    assert_ne!(none, Some(&q1));
    assert_ne!(Some(&q1), none);
    assert_eq!(Some(&q1), Some(&q2));
    assert_ne!(Some(&q1), Some(&q3));
}

/// Beyond 18 digits Go parses with arbitrary precision; the values and output here are
/// Go's.
#[test]
fn long_numbers_match_go() {
    let table = [
        (
            "123456789012345678901234567890123456789012345",
            "123456789012345678901234567890123456789012345",
        ),
        ("-1.50000000000000000000", "-1500m"),
        (
            "+1648705964023592563416858783101222834598455514.298G",
            "1648705964023592563416858783101222834598455514298M",
        ),
        (
            "4219054684274727804819615170282164943833E-3",
            "4219054684274727804819615170282164943833e-3",
        ),
        (
            "-8699474287928240690566401106474575671752620245294e100",
            "-86994742879282406905664011064745756717526202452940e99",
        ),
        (
            "1718758802553292916586554950134684991124612484331470e-10",
            "171875880255329291658655495013468499112461248433147e-9",
        ),
        ("-00000007000000000000000000.P", "-7"),
        ("000000000000000000000000000086834000000000E", "86834"),
        ("1000E", "1"),
        ("1e4294967296", "1e4294967296"),
        ("+638.8379e4294967296", "638837900e-6"),
        ("1.5e-2147483648", "150e2147483646"),
    ];
    for (input, want) in table {
        assert_eq!(q(input).to_string(), want, "{input}");
    }
    for input in ["e-10", ".e-10", "-e-10", "Ei", "Pi", ".Pi"] {
        assert!(
            matches!(Quantity::parse(input), Err(Error::QuantityNumeric)),
            "{input}"
        );
    }
}
