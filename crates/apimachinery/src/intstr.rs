//! Values that are either an integer or a string (`port: 8080` or `port: http`,
//! `maxSurge: 1` or `maxSurge: "25%"`).
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/util/intstr`. In JSON an [`IntOrString`] is a
//! bare number or a quoted string.
//!
//! ```
//! use clientgo_apimachinery::intstr::{IntOrString, get_scaled_value_from_int_or_percent};
//!
//! let surge: IntOrString = serde_json::from_str(r#""25%""#)?;
//! assert_eq!(get_scaled_value_from_int_or_percent(Some(&surge), 10, true)?, 3);
//! assert_eq!(get_scaled_value_from_int_or_percent(Some(&surge), 10, false)?, 2);
//! assert_eq!(serde_json::to_string(&IntOrString::Int(8080))?, "8080");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;
use crate::validation::go_quote;

/// An integer or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IntOrString {
    /// A 32-bit integer.
    Int(i32),
    /// A string (a name, or a percentage like `"25%"`).
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        Self::Int(0)
    }
}

impl IntOrString {
    /// An integer if `value` parses as a 32-bit integer, otherwise a string.
    pub fn parse(value: &str) -> Self {
        value
            .parse::<i32>()
            .map_or_else(|_| Self::String(value.to_owned()), Self::Int)
    }

    /// The integer, or the string parsed as a decimal integer (0 if it is not one,
    /// clamped to the `i64` range if it is too large).
    pub fn int_value(&self) -> i64 {
        match self {
            Self::Int(i) => i64::from(*i),
            Self::String(s) => atoi(s).unwrap_or_else(|e| match e {
                AtoiError::Syntax => 0,
                AtoiError::Range(clamped) => clamped,
            }),
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            Self::Int(_) => None,
        }
    }
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        Self::Int(value)
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for IntOrString {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::String(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Int(i) => serializer.serialize_i32(*i),
            Self::String(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntOrStringVisitor;

        impl Visitor<'_> for IntOrStringVisitor {
            type Value = IntOrString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 32-bit integer or a string")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            /// JSON `-0` is an integer to Go; serde_json hands it over as the float
            /// `-0.0` (as it does `-0.0` and `-0e0`, which Go rejects but which cannot be
            /// told apart here). Any other float is an error, as in Go.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrString, E> {
                if v == 0.0 && v.is_sign_negative() {
                    Ok(IntOrString::Int(0))
                } else {
                    Err(E::invalid_type(de::Unexpected::Float(v), &self))
                }
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v))
            }

            fn visit_unit<E: de::Error>(self) -> Result<IntOrString, E> {
                Ok(IntOrString::Int(0))
            }
        }

        deserializer.deserialize_any(IntOrStringVisitor)
    }
}

enum AtoiError {
    Syntax,
    /// Too large; carries the value clamped to the `i64` range.
    Range(i64),
}

/// Decimal integer with an optional sign, like Go's `strconv.Atoi`.
fn atoi(s: &str) -> Result<i64, AtoiError> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AtoiError::Syntax);
    }
    s.parse::<i64>().map_err(|_| {
        AtoiError::Range(if s.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        })
    })
}

/// Resolves an int-or-percentage against a total: an integer is returned as is; a
/// string `"N%"` gives N% of `total`, rounded up if `round_up` else down.
///
/// Errors (Go's wording): `None` → "nil value for IntOrString"; a string without `%` →
/// "invalid value for IntOrString: invalid type: string is not a percentage"; a bad
/// number → "invalid value for IntOrString: invalid value \"x%\": ...".
pub fn get_scaled_value_from_int_or_percent(
    value: Option<&IntOrString>,
    total: i64,
    round_up: bool,
) -> Result<i64, Error> {
    let Some(value) = value else {
        return Err(Error::InvalidIntOrString(
            "nil value for IntOrString".to_owned(),
        ));
    };
    let s = match value {
        IntOrString::Int(i) => return Ok(i64::from(*i)),
        IntOrString::String(s) => s,
    };
    let Some(number) = s.strip_suffix('%') else {
        return Err(Error::InvalidIntOrString(
            "invalid value for IntOrString: invalid type: string is not a percentage".to_owned(),
        ));
    };
    let percent = atoi(number).map_err(|e| {
        let reason = match e {
            AtoiError::Syntax => "invalid syntax",
            AtoiError::Range(_) => "value out of range",
        };
        Error::InvalidIntOrString(format!(
            "invalid value for IntOrString: invalid value {}: strconv.Atoi: parsing {}: {reason}",
            go_quote(s),
            go_quote(number)
        ))
    })?;
    // Same float arithmetic as upstream so that rounding agrees on every input.
    let scaled = percent as f64 * total as f64 / 100.0;
    let rounded = if round_up {
        scaled.ceil()
    } else {
        scaled.floor()
    };
    Ok(rounded as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_become_ints_and_strings_stay_strings() {
        let cases = [
            ("10", IntOrString::Int(10)),
            ("-3", IntOrString::Int(-3)),
            ("0", IntOrString::Int(0)),
            ("\"a\"", IntOrString::from("a")),
            ("\"25%\"", IntOrString::from("25%")),
            ("\"10\"", IntOrString::from("10")),
        ];
        for (json, want) in cases {
            let got: IntOrString = serde_json::from_str(json).unwrap();
            assert_eq!(got, want, "{json}");
            assert_eq!(serde_json::to_string(&got).unwrap(), json);
        }
        assert!(serde_json::from_str::<IntOrString>("2147483648").is_err());
        assert!(serde_json::from_str::<IntOrString>("1.5").is_err());
        assert!(serde_json::from_str::<IntOrString>("0.0").is_err());
        assert!(serde_json::from_str::<IntOrString>("1e2").is_err());
        assert!(serde_json::from_str::<IntOrString>("true").is_err());
    }

    #[test]
    fn json_minus_zero_is_the_integer_zero() {
        let got: IntOrString = serde_json::from_str("-0").unwrap();
        assert_eq!(got, IntOrString::Int(0));
        assert_eq!(serde_json::to_string(&got).unwrap(), "0");
        assert!(serde_json::from_str::<IntOrString>("-1.5").is_err());
    }

    #[test]
    fn parse_prefers_int32() {
        assert_eq!(IntOrString::parse("8080"), IntOrString::Int(8080));
        assert_eq!(IntOrString::parse("http"), IntOrString::from("http"));
        assert_eq!(
            IntOrString::parse("3000000000"),
            IntOrString::from("3000000000")
        );
    }

    #[test]
    fn int_value_parses_strings_like_atoi() {
        assert_eq!(IntOrString::Int(7).int_value(), 7);
        assert_eq!(IntOrString::from("42").int_value(), 42);
        assert_eq!(IntOrString::from("+42").int_value(), 42);
        assert_eq!(IntOrString::from("abc").int_value(), 0);
        assert_eq!(IntOrString::from("").int_value(), 0);
        assert_eq!(
            IntOrString::from("99999999999999999999").int_value(),
            i64::MAX
        );
    }

    /// `TestGetIntFromIntOrPercent` and friends.
    #[test]
    fn scaled_value_table() {
        let cases: Vec<(IntOrString, i64, bool, Result<i64, &str>)> = vec![
            (IntOrString::Int(123), 100, false, Ok(123)),
            (IntOrString::from("90%"), 100, true, Ok(90)),
            (IntOrString::from("90%"), 95, true, Ok(86)),
            (IntOrString::from("90%"), 95, false, Ok(85)),
            (
                IntOrString::from("%"),
                100,
                false,
                Err(
                    "invalid value for IntOrString: invalid value \"%\": strconv.Atoi: parsing \"\": invalid syntax",
                ),
            ),
            (
                IntOrString::from("90#"),
                100,
                false,
                Err("invalid value for IntOrString: invalid type: string is not a percentage"),
            ),
            (
                IntOrString::from("#%"),
                100,
                false,
                Err(
                    "invalid value for IntOrString: invalid value \"#%\": strconv.Atoi: parsing \"#\": invalid syntax",
                ),
            ),
            (
                IntOrString::from("90"),
                100,
                false,
                Err("invalid value for IntOrString: invalid type: string is not a percentage"),
            ),
            (IntOrString::from("25%"), 10, true, Ok(3)),
            (IntOrString::from("25%"), 10, false, Ok(2)),
            (IntOrString::from("0%"), 10, true, Ok(0)),
            (IntOrString::from("100%"), 7, false, Ok(7)),
            (IntOrString::from("-10%"), 15, true, Ok(-1)),
            (IntOrString::from("-10%"), 15, false, Ok(-2)),
        ];
        for (value, total, round_up, want) in cases {
            let got = get_scaled_value_from_int_or_percent(Some(&value), total, round_up)
                .map_err(|e| e.to_string());
            assert_eq!(
                got,
                want.map_err(str::to_owned),
                "{value} of {total} (up: {round_up})"
            );
        }
        assert_eq!(
            get_scaled_value_from_int_or_percent(None, 10, true)
                .unwrap_err()
                .to_string(),
            "nil value for IntOrString"
        );
    }

    #[test]
    fn display_shows_the_raw_value() {
        assert_eq!(IntOrString::Int(5).to_string(), "5");
        assert_eq!(IntOrString::from("x").to_string(), "x");
    }
}
