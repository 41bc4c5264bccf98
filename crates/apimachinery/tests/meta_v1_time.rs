//! The JSON tables of Go's `k8s.io/apimachinery/pkg/apis/meta/v1/time_test.go` and
//! `micro_time_test.go` (v0.37.2), plus Go's `time.Parse` behaviour at the edges the
//! layouts allow, with Go's output (and error messages) as the expected values. The
//! YAML, CBOR and protobuf tables have no counterpart here.

use clientgo_apimachinery::meta::{MicroTime, Time};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct TimeHolder {
    t: Time,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct MicroTimeHolder {
    t: MicroTime,
}

/// Go's `Date(1998, time.May, 5, 5, 5, 5, nanos, time.UTC)`.
const MAY_5_1998: i64 = 894_344_705;

/// `TestTimeMarshalJSON`; the first row of `TestTimeMarshalYAML` writes a time given in
/// another zone, which prints in UTC.
#[test]
fn time_marshal_json() {
    let in_minus_four = Time::parse("1998-05-05T01:05:05.00000005-04:00").unwrap();
    let table = [
        (Time::ZERO, r#"{"t":null}"#),
        (
            Time::from_unix(MAY_5_1998, 50),
            r#"{"t":"1998-05-05T05:05:05Z"}"#,
        ),
        (
            Time::from_unix(MAY_5_1998, 0),
            r#"{"t":"1998-05-05T05:05:05Z"}"#,
        ),
        (in_minus_four, r#"{"t":"1998-05-05T05:05:05Z"}"#),
    ];
    for (t, want) in table {
        assert_eq!(serde_json::to_string(&TimeHolder { t }).unwrap(), want);
    }
}

/// `TestTimeUnmarshalJSON`
#[test]
fn time_unmarshal_json() {
    let table = [
        (r#"{"t":null}"#, Time::ZERO),
        (
            r#"{"t":"1998-05-05T05:05:05Z"}"#,
            Time::from_unix(MAY_5_1998, 0),
        ),
        (
            r#"{"t":"1998-05-05T05:05:05.123456789Z"}"#,
            Time::from_unix(MAY_5_1998, 123_456_789),
        ),
    ];
    for (input, want) in table {
        let got: TimeHolder = serde_json::from_str(input).unwrap();
        assert_eq!(got.t, want, "{input}");
    }
}

/// `TestMicroTimeMarshalJSON`
#[test]
fn micro_time_marshal_json() {
    let table = [
        (MicroTime::ZERO, r#"{"t":null}"#),
        (
            MicroTime::from_unix(MAY_5_1998, 50),
            r#"{"t":"1998-05-05T05:05:05.000000Z"}"#,
        ),
        (
            MicroTime::from_unix(MAY_5_1998, 0),
            r#"{"t":"1998-05-05T05:05:05.000000Z"}"#,
        ),
    ];
    for (t, want) in table {
        assert_eq!(serde_json::to_string(&MicroTimeHolder { t }).unwrap(), want);
    }
}

/// `TestMicroTimeUnmarshalJSON`
#[test]
fn micro_time_unmarshal_json() {
    let table = [
        (r#"{"t":null}"#, MicroTime::ZERO),
        (
            r#"{"t":"1998-05-05T05:05:05.000000Z"}"#,
            MicroTime::from_unix(MAY_5_1998, 0),
        ),
    ];
    for (input, want) in table {
        let got: MicroTimeHolder = serde_json::from_str(input).unwrap();
        assert_eq!(got.t, want, "{input}");
    }
}

/// `TestMicroTimeUnmarshalJSONAndProtoEqual` and `TestMicroTimeProtoUnmarshalRaw`
/// (JSON side): a JSON round trip keeps microseconds.
#[test]
fn micro_time_json_round_trip_truncates_to_micros() {
    for nanos in [123_123_123, 123_123_000] {
        let json = serde_json::to_string(&MicroTime::from_unix(123, nanos)).unwrap();
        let back: MicroTime = serde_json::from_str(&json).unwrap();
        assert_eq!(back, MicroTime::from_unix(123, 123_123_000), "{json}");
    }
}

/// `TestTimeEqual`, `TestTimeBefore`, `TestTimeIsZero` and their `MicroTime`
/// counterparts (`EqualTime`, `BeforeTime`); Go's nil receivers are `None` here.
#[test]
fn equal_before_and_is_zero() {
    use std::cmp::Ordering;
    let t1 = Time::now();
    let (t2, m1) = (t1, MicroTime::from(t1));
    let none: Option<Time> = None;
    assert_eq!(none, None);
    assert_eq!(Some(t1), Some(t2));
    assert_ne!(none, Some(t1));
    assert_eq!(t1, m1);
    // Not before itself, as a Time, as a MicroTime, or across the two.
    assert_eq!(t1.cmp(&t2), Ordering::Equal);
    assert_eq!(m1.cmp(&MicroTime::from(t2)), Ordering::Equal);
    assert_eq!(t1.partial_cmp(&m1), Some(Ordering::Equal));
    assert!(none.is_none_or(|t| t.is_zero()));
    assert!(!t1.is_zero());
    assert!(!m1.is_zero());
    assert!(Time::ZERO.is_zero() && MicroTime::ZERO.is_zero());
}

type Expected = Result<(&'static str, i64, u32), &'static str>;

/// Go's `time.Parse(time.RFC3339, s)` through `metav1.Time` JSON: one-digit hours,
/// offsets up to `±24:60`, commas before fractions, years before 1 after the shift to
/// UTC, and the exact error messages.
#[test]
fn time_parse_edges() {
    let table: Vec<(&str, Expected)> = vec![
        (
            r#"2024-01-02T3:04:05Z"#,
            Ok((r#""2024-01-02T03:04:05Z""#, 1704164645, 0)),
        ),
        (
            r#"0001-01-01T00:00:00+24:00"#,
            Ok((r#""0000-12-31T00:00:00Z""#, -62135683200, 0)),
        ),
        (
            r#"0000-01-01T00:00:00+24:00"#,
            Ok((r#""-0001-12-31T00:00:00Z""#, -62167305600, 0)),
        ),
        (
            r#"0001-01-01T01:00:00+01:00"#,
            Ok((r#"null"#, -62135596800, 0)),
        ),
        (
            r#"9999-12-31T23:59:59-24:00"#,
            Ok((r#""10000-01-01T23:59:59Z""#, 253402387199, 0)),
        ),
        (
            r#"2024-01-02T03:04:05,5Z"#,
            Ok((r#""2024-01-02T03:04:05Z""#, 1704164645, 500000000)),
        ),
        (
            r#"2024-01-02T03:04:05.999999999999Z"#,
            Ok((r#""2024-01-02T03:04:05Z""#, 1704164645, 999999999)),
        ),
        (
            r#"2024-01-02T03:04:05+24:60"#,
            Ok((r#""2024-01-01T02:04:05Z""#, 1704074645, 0)),
        ),
        (
            r#"2024-01-02T03:04:05-00:60"#,
            Ok((r#""2024-01-02T04:04:05Z""#, 1704168245, 0)),
        ),
        (
            r#"2024-01-02T03:04:05+25:00"#,
            Err(r#"parsing time "2024-01-02T03:04:05+25:00": time zone offset hour out of range"#),
        ),
        (
            r#"2024-01-02T03:04:05+24:61"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05+24:61": time zone offset minute out of range"#,
            ),
        ),
        (
            r#"2024-01-02T24:00:00Z"#,
            Err(r#"parsing time "2024-01-02T24:00:00Z": hour out of range"#),
        ),
        (
            r#"2024-01-02T03:60:00Z"#,
            Err(r#"parsing time "2024-01-02T03:60:00Z": minute out of range"#),
        ),
        (
            r#"2024-01-02T03:04:60Z"#,
            Err(r#"parsing time "2024-01-02T03:04:60Z": second out of range"#),
        ),
        (
            r#"2024-13-02T03:04:05Z"#,
            Err(r#"parsing time "2024-13-02T03:04:05Z": month out of range"#),
        ),
        (
            r#"2024-02-30T03:04:05Z"#,
            Err(r#"parsing time "2024-02-30T03:04:05Z": day out of range"#),
        ),
        (
            r#"2023-02-29T03:04:05Z"#,
            Err(r#"parsing time "2023-02-29T03:04:05Z": day out of range"#),
        ),
        (
            r#"0000-02-29T00:00:00Z"#,
            Ok((r#""0000-02-29T00:00:00Z""#, -62162121600, 0)),
        ),
        (
            r#"2024-01-02t03:04:05Z"#,
            Err(
                r#"parsing time "2024-01-02t03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t03:04:05Z" as "T""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05z"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05Zx"#,
            Err(r#"parsing time "2024-01-02T03:04:05Zx": extra text: "x""#),
        ),
        (
            r#"2024-01-02T03:04:05"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#,
            ),
        ),
        (
            r#"2024-1-02T03:04:05Z"#,
            Err(
                r#"parsing time "2024-1-02T03:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-02T03:04:05Z" as "01""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05.Z"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05.Z" as "2006-01-02T15:04:05Z07:00": cannot parse ".Z" as "Z07:00""#,
            ),
        ),
        (
            r#"hello"#,
            Err(
                r#"parsing time "hello" as "2006-01-02T15:04:05Z07:00": cannot parse "hello" as "2006""#,
            ),
        ),
        (
            r#"2024-01-02T123:04:05Z"#,
            Err(
                r#"parsing time "2024-01-02T123:04:05Z" as "2006-01-02T15:04:05Z07:00": cannot parse "3:04:05Z" as ":""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05+0200"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05+0200" as "2006-01-02T15:04:05Z07:00": cannot parse "+0200" as "Z07:00""#,
            ),
        ),
        (
            r#"é"#,
            Err(
                r#"parsing time "\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa9" as "2006""#,
            ),
        ),
    ];
    for (input, want) in table {
        let json = serde_json::to_string(input).unwrap();
        let got = serde_json::from_str::<Time>(&json).map_err(|e| e.to_string());
        match (got, want) {
            (Ok(t), Ok((out, secs, nanos))) => {
                assert_eq!(serde_json::to_string(&t).unwrap(), out, "{input}");
                assert_eq!(
                    (t.unix_seconds(), t.subsec_nanos()),
                    (secs, nanos),
                    "{input}"
                );
            }
            (Err(got), Err(want)) => assert!(got.starts_with(want), "{input}: {got}"),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
        assert_eq!(Time::parse(input).is_ok(), want.is_ok(), "{input}");
    }
}

/// The same for `metav1.MicroTime` (layout `2006-01-02T15:04:05.000000Z07:00`: exactly
/// six fractional digits, read by Go's signed integer parser).
#[test]
fn micro_time_parse_edges() {
    let table: Vec<(&str, Expected)> = vec![
        (
            r#"2024-01-02T03:04:05.123456Z"#,
            Ok((r#""2024-01-02T03:04:05.123456Z""#, 1704164645, 123456000)),
        ),
        (
            r#"2024-01-02T3:04:05.000001+24:00"#,
            Ok((r#""2024-01-01T03:04:05.000001Z""#, 1704078245, 1000)),
        ),
        (
            r#"0000-01-01T00:00:00.000001+01:00"#,
            Ok((r#""-0001-12-31T23:00:00.000001Z""#, -62167222800, 1000)),
        ),
        (
            r#"2024-01-02T03:04:05,123456Z"#,
            Ok((r#""2024-01-02T03:04:05.123456Z""#, 1704164645, 123456000)),
        ),
        (
            r#"2024-01-02T03:04:05.+12345Z"#,
            Ok((r#""2024-01-02T03:04:05.012345Z""#, 1704164645, 12345000)),
        ),
        (
            r#"2024-01-02T03:04:05.-12345Z"#,
            Err(r#"parsing time "2024-01-02T03:04:05.-12345Z": fractional second out of range"#),
        ),
        (
            r#"2024-01-02T03:04:05Z"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05.12345Z"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05.12345Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".12345Z" as ".000000""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05.1234567Z"#,
            Err(
                r#"parsing time "2024-01-02T03:04:05.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00""#,
            ),
        ),
        (
            r#"2024-01-02T03:04:05.123456+24:60"#,
            Ok((r#""2024-01-01T02:04:05.123456Z""#, 1704074645, 123456000)),
        ),
        (
            r#"hello"#,
            Err(
                r#"parsing time "hello" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "hello" as "2006""#,
            ),
        ),
    ];
    for (input, want) in table {
        let json = serde_json::to_string(input).unwrap();
        let got = serde_json::from_str::<MicroTime>(&json).map_err(|e| e.to_string());
        match (got, want) {
            (Ok(t), Ok((out, secs, nanos))) => {
                assert_eq!(serde_json::to_string(&t).unwrap(), out, "{input}");
                assert_eq!(
                    (t.unix_seconds(), t.subsec_nanos()),
                    (secs, nanos),
                    "{input}"
                );
            }
            (Err(got), Err(want)) => assert!(got.starts_with(want), "{input}: {got}"),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }
}
