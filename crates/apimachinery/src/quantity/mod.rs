//! Resource quantities (`500m`, `1Gi`, `1e3`) as the API server reads and writes them.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/api/resource`. A [`Quantity`] is an exact
//! decimal number of any size (never a float) plus a [`Format`] that remembers how it was
//! written:
//!
//! | Format | Suffixes | Example |
//! |---|---|---|
//! | [`Format::DecimalSI`] | `n u m` (none) `k M G T P E` | `500m`, `2`, `1G` |
//! | [`Format::BinarySI`] | `Ki Mi Gi Ti Pi Ei` | `128Mi` |
//! | [`Format::DecimalExponent`] | `e<n>` / `E<n>` | `1e3`, `12e-3` |
//!
//! Parsing keeps the value down to one nano and rounds anything finer **up** (away from
//! zero), so `0.9n` is `1n`; binary quantities are capped at 2^63-1. Any number of digits
//! is accepted, with work linear in the length of the input. Output is the server's
//! canonical form: the format of the input family, no fractional digits, the largest
//! exponent that loses nothing (`1024Mi` → `1Gi`, `0.5` → `500m`, `1000M` → `1G`). A
//! binary value below 1024 or not a whole number is printed in decimal SI (`.001Ki` →
//! `1024m`). Like the Go implementation, an input that is *almost* canonical (for
//! example `1.500` or `+1`) is re-emitted exactly as written, and Go's quirks at the
//! edges are kept: a decimal-SI value beyond the `E` suffix prints without a suffix
//! (`1000E` → `1`), and `e<n>` exponents are 32-bit numbers that wrap.
//!
//! Comparison ([`Ord`]) is by value across formats; [`Quantity::add`] and
//! [`Quantity::sub`] are exact (only operands more than 65,536 digits apart are rounded
//! away from zero first). JSON is the canonical string; decoding also accepts a bare
//! number and `null` (zero).
//!
//! ```
//! use clientgo_apimachinery::quantity::{Format, Quantity};
//!
//! let q: Quantity = "1024Mi".parse()?;
//! assert_eq!(q.to_string(), "1Gi");
//! assert_eq!(q.value(), 1 << 30);
//! assert_eq!(q.format(), Format::BinarySI);
//!
//! let mut cpu: Quantity = "1.5".parse()?;
//! cpu.add(&"250m".parse()?);
//! assert_eq!(cpu.to_string(), "1750m");
//! assert_eq!(cpu.milli_value(), 1750);
//! assert!(cpu > "1".parse()?);
//!
//! let huge: Quantity = "123456789012345678901234567890123456789012345k".parse()?;
//! assert_eq!(huge.to_string(), "123456789012345678901234567890123456789012345k");
//! assert_eq!(huge.value(), i64::MAX);
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```

mod decimal;
mod format;
mod parse;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use self::decimal::Decimal;
use crate::Error;

/// 10^-9
pub const NANO: i32 = -9;
/// 10^-6
pub const MICRO: i32 = -6;
/// 10^-3
pub const MILLI: i32 = -3;
/// 10^3
pub const KILO: i32 = 3;
/// 10^6
pub const MEGA: i32 = 6;
/// 10^9
pub const GIGA: i32 = 9;
/// 10^12
pub const TERA: i32 = 12;
/// 10^15
pub const PETA: i32 = 15;
/// 10^18
pub const EXA: i32 = 18;

/// How a quantity is written; parsing remembers it and output reuses it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// `e<n>` suffixes, e.g. `12e6`.
    DecimalExponent,
    /// Powers of 1024: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`.
    BinarySI,
    /// Powers of 1000: `n`, `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`.
    #[default]
    DecimalSI,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DecimalExponent => "DecimalExponent",
            Self::BinarySI => "BinarySI",
            Self::DecimalSI => "DecimalSI",
        })
    }
}

/// An exact decimal quantity with the format it is written in.
///
/// Equality, ordering and hashing look at the value only (`1Gi == 1073741824`).
#[derive(Clone, Default)]
pub struct Quantity {
    value: Decimal,
    format: Format,
    /// The input text, when Go would print it as written (`+1`, `1.500`, `1E3`).
    verbatim: Option<Box<Verbatim>>,
}

/// Input text kept for output, with the decimal scale Go's fast path gave it.
#[derive(Clone)]
struct Verbatim {
    text: Box<str>,
    scale: i32,
}

impl Quantity {
    /// Zero, decimal SI.
    pub const fn zero() -> Self {
        Self {
            value: Decimal::ZERO,
            format: Format::DecimalSI,
            verbatim: None,
        }
    }

    /// `value` in the given format (Go's `NewQuantity`).
    pub fn new(value: i64, format: Format) -> Self {
        Self::from_decimal(i128::from(value), 0, format)
    }

    /// `value` thousandths (Go's `NewMilliQuantity`).
    pub fn new_milli(value: i64, format: Format) -> Self {
        Self::from_decimal(i128::from(value), MILLI, format)
    }

    /// `value` × 10^`scale`, decimal SI (Go's `NewScaledQuantity`).
    pub fn new_scaled(value: i64, scale: i32) -> Self {
        Self::from_decimal(i128::from(value), scale, Format::DecimalSI)
    }

    /// `mantissa` × 10^`exponent` in the given format, taken exactly (no rounding to nano).
    pub fn from_decimal(mantissa: i128, exponent: i32, format: Format) -> Self {
        Self {
            value: Decimal::new(mantissa, exponent.into()),
            format,
            verbatim: None,
        }
    }

    /// Parses a quantity; see the [module docs](self) for the syntax.
    ///
    /// Errors are Go's three: [`Error::QuantityFormat`] (shape), [`Error::QuantitySuffix`]
    /// and [`Error::QuantityNumeric`] (no digits where Go needs some, or a value too
    /// large for Go's 32-bit decimal exponent).
    pub fn parse(input: &str) -> Result<Self, Error> {
        parse::parse_quantity(input)
    }

    /// Parses a quantity known to be valid.
    ///
    /// # Panics
    ///
    /// If `input` does not parse: use it for constants, never for input from users,
    /// files or the network.
    pub fn must_parse(input: &str) -> Self {
        match parse::parse_quantity(input) {
            Ok(q) => q,
            Err(e) => panic!("cannot parse '{input}': {e}"),
        }
    }

    /// The format the quantity is written in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Changes the format used for output.
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
        self.verbatim = None;
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }

    /// -1, 0 or 1 by the sign of the value.
    pub fn sign(&self) -> i32 {
        self.value.signum()
    }

    /// The value rounded up (away from zero) to a whole number, saturating at the `i64`
    /// bounds.
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// The value in thousandths, rounded up (away from zero), saturating at the `i64`
    /// bounds.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(MILLI)
    }

    /// The value in units of 10^`scale`, rounded up (away from zero), saturating at the
    /// `i64` bounds.
    pub fn scaled_value(&self, scale: i32) -> i64 {
        self.value
            .to_i64_at(scale.into())
            .unwrap_or(if self.sign() < 0 { i64::MIN } else { i64::MAX })
    }

    /// The value as an `i64` if it is a whole number that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.value.exponent() < 0 {
            return None;
        }
        self.value.to_i64_at(0)
    }

    /// The value as an `f64` (may lose precision; ±infinity when out of range). For
    /// values of up to 18 digits this is Go's `AsApproximateFloat64`: the digits as a
    /// float times Go's `math.Pow10` of the exponent.
    pub fn as_approximate_f64(&self) -> f64 {
        match &self.value {
            Decimal::Small {
                coefficient,
                exponent,
            } => {
                let base = *coefficient as f64;
                if *exponent == 0 {
                    base
                } else {
                    base * go_pow10(*exponent)
                }
            }
            Decimal::Big(_) => {
                let sign = if self.sign() < 0 { "-" } else { "" };
                format!(
                    "{sign}{}e{}",
                    self.value.digit_string(),
                    self.value.exponent()
                )
                .parse()
                .unwrap_or(f64::NAN)
            }
        }
    }

    /// Negates the value.
    pub fn neg(&mut self) {
        self.value = self.value.neg();
        self.verbatim = None;
    }

    /// Adds `other` exactly. A zero quantity takes `other`'s format.
    pub fn add(&mut self, other: &Quantity) {
        if self.is_zero() {
            self.format = other.format;
        }
        self.value = self.value.add(&other.value);
        self.verbatim = None;
    }

    /// Subtracts `other` exactly. A zero quantity takes `other`'s format.
    pub fn sub(&mut self, other: &Quantity) {
        if self.is_zero() {
            self.format = other.format;
        }
        self.value = self.value.add(&other.value.neg());
        self.verbatim = None;
    }

    /// Rounds up (away from zero) so that no digits below 10^`scale` remain; returns true
    /// if nothing was lost.
    pub fn round_up(&mut self, scale: i32) -> bool {
        // Go keeps an input text until the rounding scale passes the scale it was
        // parsed at, even when the value does not change.
        if self.verbatim.as_ref().is_some_and(|v| v.scale < scale) {
            self.verbatim = None;
        }
        let (rounded, exact) = self.value.round_away(scale.into());
        self.value = rounded;
        exact
    }

    /// Compares with a whole number.
    pub fn cmp_i64(&self, value: i64) -> Ordering {
        self.value.cmp(&Decimal::new(value.into(), 0))
    }

    /// The canonical `(number, suffix)` pair, e.g. `("1", "Gi")`, ignoring any
    /// verbatim input string.
    pub fn canonicalize(&self) -> (String, String) {
        format::canonical(&self.value, self.format)
    }
}

/// Go's `math.Pow10`: exact powers up to 10^31 combined with 10^(32k); infinity above
/// 10^308 and zero below 10^-323.
fn go_pow10(n: i64) -> f64 {
    const SMALL: [f64; 32] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    ];
    const BIG: [f64; 10] = [
        1e0, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288,
    ];
    const TINY: [f64; 11] = [
        1e0, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288, 1e-320,
    ];
    match n {
        0..=308 => BIG[(n / 32) as usize] * SMALL[(n % 32) as usize],
        -323..=-1 => TINY[(-n / 32) as usize] / SMALL[(-n % 32) as usize],
        _ if n > 0 => f64::INFINITY,
        _ => 0.0,
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Quantity {}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({self}, {})", self.format)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.verbatim {
            return f.write_str(&v.text);
        }
        let (number, suffix) = self.canonicalize();
        f.write_str(&number)?;
        f.write_str(&suffix)
    }
}

impl FromStr for Quantity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse::parse_quantity(s)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;

        impl Visitor<'_> for QuantityVisitor {
            type Value = Quantity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity string or number")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                parse::parse_quantity(v.trim()).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                parse::parse_quantity(&v.to_string()).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                parse::parse_quantity(&v.to_string()).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                if !v.is_finite() {
                    return Err(E::custom(Error::QuantityNumeric));
                }
                parse::parse_quantity(&v.to_string()).map_err(E::custom)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Quantity, E> {
                Ok(Quantity::zero())
            }

            fn visit_none<E: de::Error>(self) -> Result<Quantity, E> {
                Ok(Quantity::zero())
            }
        }

        deserializer.deserialize_any(QuantityVisitor)
    }
}
