//! Timestamps as the API writes them: [`Time`] (RFC 3339, whole seconds, UTC) and
//! [`MicroTime`] (RFC 3339 with exactly six fractional digits, UTC).
//!
//! Both hold nanoseconds since the Unix epoch in UTC; only the JSON form differs. The
//! zero value (Go's zero time, `0001-01-01T00:00:00Z`) is written as `null`, and `null`
//! reads as zero. Parsing follows Go's `time.Parse` with the type's layout (`Z` or a
//! numeric offset, converted to UTC; [`MicroTime`] needs exactly six fractional
//! digits), and years before 1 are written like Go writes them (`0000`, `-0001`).

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::rfc3339::{self, Layout};
use crate::Error;

/// Seconds from the Unix epoch to Go's zero time, 0001-01-01T00:00:00Z.
const GO_ZERO_UNIX_SECONDS: i64 = -62_135_596_800;

/// Seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Instant {
    secs: i64,
    nanos: Nanos,
}

/// Nanoseconds within a second, stored plus one: the value zero is never used, so an
/// `Option<Time>` is 16 bytes like a `Time` (an object holds many optional timestamps).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Nanos(NonZeroU32);

impl Nanos {
    const ZERO: Self = Self(NonZeroU32::MIN);

    /// `nanos` (below one second).
    const fn new(nanos: u32) -> Self {
        Self(NonZeroU32::MIN.saturating_add(nanos))
    }

    const fn get(self) -> u32 {
        self.0.get() - 1
    }
}

impl fmt::Debug for Nanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

impl Instant {
    const ZERO: Self = Self {
        secs: GO_ZERO_UNIX_SECONDS,
        nanos: Nanos::ZERO,
    };

    fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: Nanos::new(d.subsec_nanos()),
            },
            Err(e) => {
                let d = e.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                if d.subsec_nanos() == 0 {
                    Self {
                        secs,
                        nanos: Nanos::ZERO,
                    }
                } else {
                    Self {
                        secs: secs - 1,
                        nanos: Nanos::new(1_000_000_000 - d.subsec_nanos()),
                    }
                }
            }
        }
    }

    /// As a `SystemTime`; instants the platform cannot represent become the epoch.
    fn to_system_time(self) -> SystemTime {
        let converted = if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs.unsigned_abs(), self.nanos.get()))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(self.secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(self.nanos.get()))))
        };
        converted.unwrap_or(UNIX_EPOCH)
    }

    /// The text form in UTC.
    fn format(self, layout: Layout) -> String {
        rfc3339::format(self.secs, self.nanos.get(), layout)
    }

    /// Reads the text form like Go's `time.Parse`.
    fn parse(s: &str, layout: Layout) -> Result<Self, Error> {
        rfc3339::parse(s, layout)
            .map(|(secs, nanos)| Self {
                secs,
                nanos: Nanos::new(nanos),
            })
            .map_err(Error::InvalidTime)
    }
}

macro_rules! timestamp_type {
    ($(#[$doc:meta])* $name:ident, $layout:expr, $what:literal, $parse_doc:literal) => {
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
                    nanos: Nanos::new(nanos % 1_000_000_000),
                })
            }

            /// Whole seconds since the Unix epoch.
            pub fn unix_seconds(&self) -> i64 {
                self.0.secs
            }

            /// Nanoseconds within the second.
            pub fn subsec_nanos(&self) -> u32 {
                self.0.nanos.get()
            }

            /// True for [`ZERO`](Self::ZERO).
            pub fn is_zero(&self) -> bool {
                *self == Self::ZERO
            }

            #[doc = $parse_doc]
            pub fn parse(s: &str) -> Result<Self, Error> {
                Instant::parse(s, $layout).map(Self)
            }

            #[doc = concat!("The API form, ", $what, ".")]
            pub fn to_rfc3339(&self) -> String {
                self.0.format($layout)
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
                let seconds = self.0.format(Layout::Seconds);
                let without_zone = seconds.strip_suffix('Z').unwrap_or(&seconds);
                write!(f, "{}({without_zone}.{:09}Z)", stringify!($name), self.0.nanos.get())
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
    Layout::Seconds,
    "RFC 3339 in UTC with whole seconds",
    "Parses a timestamp like Go's `time.Parse(time.RFC3339, s)`: any fraction of a \
     second is kept, a one-digit hour and offsets up to `±24:60` are accepted, and \
     errors carry Go's messages."
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
    Layout::Micro,
    "RFC 3339 in UTC with exactly six fractional digits",
    "Parses a timestamp in the micro layout (`2006-01-02T15:04:05.000000Z07:00`) like \
     Go: exactly six fractional digits are required."
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
    fn optional_timestamps_cost_no_tag() {
        assert_eq!(std::mem::size_of::<Time>(), 16);
        assert_eq!(std::mem::size_of::<Option<Time>>(), 16);
        assert_eq!(std::mem::size_of::<Option<MicroTime>>(), 16);
    }

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
    fn parsing_follows_go_time_parse() {
        let json = |t: Time| serde_json::to_string(&t).unwrap();
        let t = Time::parse("2024-01-02T3:04:05Z").unwrap();
        assert_eq!(json(t), "\"2024-01-02T03:04:05Z\"");
        let t = Time::parse("0001-01-01T00:00:00+24:00").unwrap();
        assert_eq!(json(t), "\"0000-12-31T00:00:00Z\"");
        let t = Time::parse("0000-01-01T00:00:00+24:00").unwrap();
        assert_eq!(json(t), "\"-0001-12-31T00:00:00Z\"");
        assert!(Time::parse("2024-01-02t03:04:05z").is_err());
        assert!(Time::parse("2024-01-02T03:04:05+25:00").is_err());
        let t = MicroTime::parse("0000-01-01T00:00:00.000001+01:00").unwrap();
        assert_eq!(t.to_string(), "-0001-12-31T23:00:00.000001Z");
        assert!(MicroTime::parse("2024-01-02T03:04:05Z").is_err());
        assert!(MicroTime::parse("2024-01-02T03:04:05.1234567Z").is_err());
    }

    #[test]
    fn go_zero_time_is_year_one() {
        assert_eq!(
            rfc3339::days_from_civil(1, 1, 1) * 86_400,
            GO_ZERO_UNIX_SECONDS
        );
        assert_eq!(
            format!("{:?}", Time::from_unix(0, 5)),
            "Time(1970-01-01T00:00:00.000000005Z)"
        );
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
