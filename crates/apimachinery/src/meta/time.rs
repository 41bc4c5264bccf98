//! Timestamps as the API writes them: [`Time`] (RFC 3339, whole seconds, UTC) and
//! [`MicroTime`] (RFC 3339 with exactly six fractional digits, UTC).
//!
//! Both hold nanoseconds since the Unix epoch in UTC; only the JSON form differs. The
//! zero value (Go's zero time, `0001-01-01T00:00:00Z`) is written as `null`, and `null`
//! reads as zero. Parsing accepts any RFC 3339 timestamp (fractional seconds, `Z` or a
//! numeric offset) and converts it to UTC.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;

/// Seconds from the Unix epoch to Go's zero time, 0001-01-01T00:00:00Z.
const GO_ZERO_UNIX_SECONDS: i64 = -62_135_596_800;

/// Seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Instant {
    secs: i64,
    nanos: u32,
}

impl Instant {
    const ZERO: Self = Self {
        secs: GO_ZERO_UNIX_SECONDS,
        nanos: 0,
    };

    fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                if d.subsec_nanos() == 0 {
                    Self { secs, nanos: 0 }
                } else {
                    Self {
                        secs: secs - 1,
                        nanos: 1_000_000_000 - d.subsec_nanos(),
                    }
                }
            }
        }
    }

    /// As a `SystemTime`; instants the platform cannot represent become the epoch.
    fn to_system_time(self) -> SystemTime {
        let converted = if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs.unsigned_abs(), self.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(self.secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(self.nanos))))
        };
        converted.unwrap_or(UNIX_EPOCH)
    }

    /// RFC 3339 in UTC with `frac_digits` fractional digits (0 for none).
    fn format(self, frac_digits: u32) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
        let mut out = if (0..=9999).contains(&y) {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
        } else {
            format!("{y}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
        };
        if frac_digits > 0 {
            let frac = self.nanos / 10u32.pow(9 - frac_digits);
            out.push_str(&format!(".{frac:0width$}", width = frac_digits as usize));
        }
        out.push('Z');
        out
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    fn parse(s: &str) -> Result<Self, Error> {
        let fail = |why: &str| {
            Error::InvalidTime(format!(
                "parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": {why}"
            ))
        };
        let b = s.as_bytes();
        if b.len() < 20 {
            return Err(fail("too short"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, Error> {
            let part = &b[range];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part
                    .iter()
                    .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
            } else {
                Err(fail("expected digits"))
            }
        };
        let sep = |i: usize, allowed: &[u8]| -> Result<(), Error> {
            if allowed.contains(&b[i]) {
                Ok(())
            } else {
                Err(fail("unexpected separator"))
            }
        };
        let year = num(0..4)?;
        sep(4, b"-")?;
        let month = num(5..7)?;
        sep(7, b"-")?;
        let day = num(8..10)?;
        sep(10, b"Tt")?;
        let hour = num(11..13)?;
        sep(13, b":")?;
        let minute = num(14..16)?;
        sep(16, b":")?;
        let second = num(17..19)?;
        if !(1..=12).contains(&month) {
            return Err(fail("month out of range"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(fail("day out of range"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(fail("time out of range"));
        }
        let mut pos = 19;
        let mut nanos = 0u32;
        if matches!(b[pos], b'.' | b',') {
            let start = pos + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return Err(fail("expected fractional digits"));
            }
            for (i, d) in b[start..end].iter().take(9).enumerate() {
                nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
            }
            pos = end;
        }
        let offset = match &b[pos..] {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(fail("bad time zone offset"));
                }
                let oh = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
                let om = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
                if oh > 23 || om > 59 {
                    return Err(fail("time zone offset out of range"));
                }
                let secs = oh * 3600 + om * 60;
                if *sign == b'-' { -secs } else { secs }
            }
            _ => return Err(fail("bad time zone")),
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
        Ok(Self { secs, nanos })
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

macro_rules! timestamp_type {
    ($(#[$doc:meta])* $name:ident, $frac:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Instant);

        impl $name {
            /// Go's zero time (`0001-01-01T00:00:00Z`), written as `null`.
            pub const ZERO: Self = Self(Instant::ZERO);

            /// The current time.
            pub fn now() -> Self {
                Self(Instant::now())
            }

            /// The time `secs` seconds and `nanos` nanoseconds after the Unix epoch.
            /// Nanoseconds of a second or more carry into the seconds.
            pub fn from_unix(secs: i64, nanos: u32) -> Self {
                Self(Instant {
                    secs: secs.saturating_add(i64::from(nanos / 1_000_000_000)),
                    nanos: nanos % 1_000_000_000,
                })
            }

            /// Whole seconds since the Unix epoch.
            pub fn unix_seconds(&self) -> i64 {
                self.0.secs
            }

            /// Nanoseconds within the second.
            pub fn subsec_nanos(&self) -> u32 {
                self.0.nanos
            }

            /// True for [`ZERO`](Self::ZERO).
            pub fn is_zero(&self) -> bool {
                *self == Self::ZERO
            }

            /// Parses any RFC 3339 timestamp.
            pub fn parse(s: &str) -> Result<Self, Error> {
                Instant::parse(s).map(Self)
            }

            #[doc = concat!("The API form, ", $what, ".")]
            pub fn to_rfc3339(&self) -> String {
                self.0.format($frac)
            }

            /// As a `SystemTime` (the epoch if the platform cannot represent it).
            pub fn to_system_time(&self) -> SystemTime {
                self.0.to_system_time()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::ZERO
            }
        }

        impl From<SystemTime> for $name {
            fn from(t: SystemTime) -> Self {
                Self(Instant::from_system_time(t))
            }
        }

        impl From<$name> for SystemTime {
            fn from(t: $name) -> SystemTime {
                t.0.to_system_time()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_rfc3339())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.format(9))
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if self.is_zero() {
                    serializer.serialize_none()
                } else {
                    serializer.serialize_str(&self.to_rfc3339())
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TimeVisitor;

                impl Visitor<'_> for TimeVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an RFC 3339 timestamp or null")
                    }

                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::parse(v).map_err(E::custom)
                    }

                    fn visit_unit<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name::ZERO)
                    }

                    fn visit_none<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name::ZERO)
                    }
                }

                deserializer.deserialize_any(TimeVisitor)
            }
        }
    };
}

timestamp_type!(
    /// A point in time written with second precision: `"2024-01-02T03:04:05Z"`.
    ///
    /// Sub-second precision is kept in memory but not written (like Go's `metav1.Time`).
    ///
    /// ```
    /// use clientgo_apimachinery::meta::Time;
    ///
    /// let t: Time = "2024-01-02T05:04:05.9+02:00".parse()?;
    /// assert_eq!(t.to_string(), "2024-01-02T03:04:05Z");
    /// assert_eq!(serde_json::to_string(&Time::ZERO)?, "null");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Time,
    0,
    "RFC 3339 in UTC with whole seconds"
);

timestamp_type!(
    /// A point in time written with microsecond precision:
    /// `"2024-01-02T03:04:05.000006Z"` (always six digits). Used by `Lease` and
    /// `events.k8s.io` events.
    ///
    /// ```
    /// use clientgo_apimachinery::meta::MicroTime;
    ///
    /// let t = MicroTime::from_unix(0, 1_500);
    /// assert_eq!(t.to_string(), "1970-01-01T00:00:00.000001Z");
    /// ```
    MicroTime,
    6,
    "RFC 3339 in UTC with exactly six fractional digits"
);

impl From<MicroTime> for Time {
    fn from(t: MicroTime) -> Self {
        Self(t.0)
    }
}

impl From<Time> for MicroTime {
    fn from(t: Time) -> Self {
        Self(t.0)
    }
}

impl PartialEq<MicroTime> for Time {
    fn eq(&self, other: &MicroTime) -> bool {
        self.0 == other.0
    }
}

impl PartialOrd<MicroTime> for Time {
    fn partial_cmp(&self, other: &MicroTime) -> Option<Ordering> {
        Some(self.0.cmp(&other.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_marshals_utc_seconds_and_zero_as_null() {
        let cases = [
            (Time::ZERO, "null"),
            (
                Time::from_unix(1_704_164_645, 0),
                "\"2024-01-02T03:04:05Z\"",
            ),
            (
                Time::from_unix(1_704_164_645, 999_999_999),
                "\"2024-01-02T03:04:05Z\"",
            ),
            (Time::from_unix(0, 0), "\"1970-01-01T00:00:00Z\""),
            (Time::from_unix(951_782_400, 0), "\"2000-02-29T00:00:00Z\""),
        ];
        for (t, want) in cases {
            assert_eq!(serde_json::to_string(&t).unwrap(), want);
        }
    }

    #[test]
    fn time_unmarshals_rfc3339_offsets_and_null() {
        let cases = [
            ("null", Time::ZERO),
            (
                "\"2024-01-02T03:04:05Z\"",
                Time::from_unix(1_704_164_645, 0),
            ),
            (
                "\"2024-01-02T05:04:05+02:00\"",
                Time::from_unix(1_704_164_645, 0),
            ),
            (
                "\"2024-01-01T22:04:05-05:00\"",
                Time::from_unix(1_704_164_645, 0),
            ),
            (
                "\"2024-01-02T03:04:05.5Z\"",
                Time::from_unix(1_704_164_645, 500_000_000),
            ),
            ("\"1969-12-31T23:59:59Z\"", Time::from_unix(-1, 0)),
            ("\"0001-01-01T00:00:00Z\"", Time::ZERO),
        ];
        for (json, want) in cases {
            let got: Time = serde_json::from_str(json).unwrap();
            assert_eq!(got, want, "{json}");
        }
        let opt: Option<Time> = serde_json::from_str("null").unwrap();
        assert_eq!(opt, None);
    }

    #[test]
    fn time_round_trips_through_json() {
        for s in [
            "2006-01-02T15:04:05Z",
            "1999-12-31T23:59:59Z",
            "2100-03-01T00:00:00Z",
        ] {
            let t: Time = s.parse().unwrap();
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Time>(&json).unwrap(), t);
        }
    }

    #[test]
    fn invalid_timestamps_are_rejected() {
        for bad in [
            "",
            "2024-01-02",
            "2024-01-02 03:04:05Z",
            "2024-13-02T03:04:05Z",
            "2023-02-29T03:04:05Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02T03:04:05",
            "2024-01-02T03:04:05+0200",
            "2024-01-02T03:04:05.Z",
            "abcd-01-02T03:04:05Z",
        ] {
            assert!(Time::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert!(serde_json::from_str::<Time>("\"\"").is_err());
        assert!(serde_json::from_str::<Time>("5").is_err());
    }

    #[test]
    fn micro_time_writes_exactly_six_digits() {
        let cases = [
            (
                MicroTime::from_unix(1_704_164_645, 0),
                "\"2024-01-02T03:04:05.000000Z\"",
            ),
            (
                MicroTime::from_unix(1_704_164_645, 123_456_789),
                "\"2024-01-02T03:04:05.123456Z\"",
            ),
            (
                MicroTime::from_unix(1_704_164_645, 1_000),
                "\"2024-01-02T03:04:05.000001Z\"",
            ),
            (MicroTime::ZERO, "null"),
        ];
        for (t, want) in cases {
            assert_eq!(serde_json::to_string(&t).unwrap(), want);
        }
    }

    #[test]
    fn micro_time_round_trips_and_reads_offsets() {
        let t: MicroTime = serde_json::from_str("\"2024-01-02T03:04:05.123456Z\"").unwrap();
        assert_eq!(t, MicroTime::from_unix(1_704_164_645, 123_456_000));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2024-01-02T03:04:05.123456Z\""
        );
        let t: MicroTime = serde_json::from_str("\"2024-01-02T04:04:05.000001+01:00\"").unwrap();
        assert_eq!(t.to_string(), "2024-01-02T03:04:05.000001Z");
        let t: MicroTime = serde_json::from_str("null").unwrap();
        assert!(t.is_zero());
    }

    #[test]
    fn system_time_conversions_round_trip() {
        let now = SystemTime::now();
        let t = Time::from(now);
        assert_eq!(SystemTime::from(t), now);
        let before_epoch = UNIX_EPOCH - Duration::new(10, 250_000_000);
        let t = MicroTime::from(before_epoch);
        assert_eq!(t.unix_seconds(), -11);
        assert_eq!(t.subsec_nanos(), 750_000_000);
        assert_eq!(t.to_system_time(), before_epoch);
    }

    #[test]
    fn civil_day_conversion_is_consistent() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(1, 1, 1) * 86_400, GO_ZERO_UNIX_SECONDS);
    }

    #[test]
    fn times_order_chronologically() {
        let a = Time::parse("2024-01-02T03:04:05Z").unwrap();
        let b = Time::parse("2024-01-02T03:04:06Z").unwrap();
        assert!(a < b);
        assert!(Time::ZERO < a);
        assert!(a < MicroTime::from(b));
    }
}
