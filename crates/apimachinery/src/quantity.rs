//! Resource quantities (`500m`, `1Gi`, `1e3`) as the API server reads and writes them.
//!
//! Mirrors Go's `k8s.io/apimachinery/pkg/api/resource`. A [`Quantity`] is an exact
//! decimal number (never a float) plus a [`Format`] that remembers how it was written:
//!
//! | Format | Suffixes | Example |
//! |---|---|---|
//! | [`Format::DecimalSI`] | `n u m` (none) `k M G T P E` | `500m`, `2`, `1G` |
//! | [`Format::BinarySI`] | `Ki Mi Gi Ti Pi Ei` | `128Mi` |
//! | [`Format::DecimalExponent`] | `e<n>` / `E<n>` | `1e3`, `12e-3` |
//!
//! Parsing keeps the value down to one nano and rounds anything finer **up** (away from
//! zero), so `0.9n` is `1n`; binary quantities are capped at 2^63-1. Output is the
//! server's canonical form: the format of the input family, no fractional digits, the
//! largest exponent that loses nothing (`1024Mi` → `1Gi`, `0.5` → `500m`, `1000M` →
//! `1G`). A binary value below 1024 or not a whole number is printed in decimal SI
//! (`.001Ki` → `1024m`). Like the Go implementation, an input that is *almost* canonical
//! (for example `1.500` or `+1`) is re-emitted exactly as written.
//!
//! Comparison ([`Ord`]) is by value across formats; [`Quantity::add`] and
//! [`Quantity::sub`] are exact. JSON is the canonical string; decoding also accepts a
//! bare number and `null` (zero).
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
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```
//!
//! Values are held as a 128-bit mantissa with a decimal exponent, which covers 38
//! significant digits; inputs that would need more (after rounding to nano) are rejected
//! with [`Error::QuantityNumeric`] instead of being approximated, and arithmetic that
//! would need more rounds the result away from zero at a coarser exponent.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// The largest binary-SI quantity (2^63-1); larger binary inputs are capped to it.
const MAX_BINARY: u128 = i64::MAX as u128;
/// Longest digit string parsed for a binary-SI quantity (bounds the work on hostile input).
const MAX_BINARY_DIGITS: usize = 10_000;

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

/// An exact fixed-point quantity with the format it is written in.
///
/// Equality, ordering and hashing look at the value only (`1Gi == 1073741824`).
#[derive(Clone, Default)]
pub struct Quantity {
    /// Value = mantissa × 10^exponent; no trailing decimal zeros in the mantissa, and the
    /// exponent is 0 when the mantissa is.
    mantissa: i128,
    exponent: i32,
    format: Format,
    /// The input string when Go would re-emit it as written and it differs from the
    /// canonical form (rare: `+1`, `1.500`, `1E3`).
    verbatim: Option<Box<str>>,
}

impl Quantity {
    /// Zero, decimal SI.
    pub const fn zero() -> Self {
        Self {
            mantissa: 0,
            exponent: 0,
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
        let (mantissa, exponent) = normalize(mantissa.max(-i128::MAX), i64::from(exponent));
        Self {
            mantissa,
            exponent: clamp_exponent(exponent),
            format,
            verbatim: None,
        }
    }

    /// Parses a quantity; see the [module docs](self) for the syntax.
    ///
    /// Errors are Go's three: [`Error::QuantityFormat`] (shape), [`Error::QuantitySuffix`]
    /// and [`Error::QuantityNumeric`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        parse_quantity(input)
    }

    /// Parses a quantity known to be valid.
    ///
    /// # Panics
    ///
    /// If `input` does not parse: use it for constants, never for input from users,
    /// files or the network.
    pub fn must_parse(input: &str) -> Self {
        match parse_quantity(input) {
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
        self.mantissa == 0
    }

    /// -1, 0 or 1 by the sign of the value.
    pub fn sign(&self) -> i32 {
        match self.mantissa.signum() {
            1 => 1,
            -1 => -1,
            _ => 0,
        }
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
        let (m, _) = rescale_away(self.mantissa, i64::from(self.exponent), i64::from(scale));
        match m {
            Some(m) => i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX }),
            None if self.mantissa < 0 => i64::MIN,
            None => i64::MAX,
        }
    }

    /// The value as an `i64` if it is a whole number that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.exponent < 0 {
            return None;
        }
        let m = scale_up(self.mantissa, i64::from(self.exponent))?;
        i64::try_from(m).ok()
    }

    /// The value as an `f64` (may lose precision; ±infinity when out of range).
    pub fn as_approximate_f64(&self) -> f64 {
        let base = self.mantissa as f64;
        base * 10f64.powi(self.exponent)
    }

    /// Negates the value.
    pub fn neg(&mut self) {
        self.mantissa = self.mantissa.saturating_neg();
        self.verbatim = None;
    }

    /// Adds `other` exactly. A zero quantity takes `other`'s format.
    pub fn add(&mut self, other: &Quantity) {
        if self.is_zero() {
            self.format = other.format;
        }
        let (m, e) = add_values(
            (self.mantissa, i64::from(self.exponent)),
            (other.mantissa, i64::from(other.exponent)),
        );
        self.mantissa = m;
        self.exponent = clamp_exponent(e);
        self.verbatim = None;
    }

    /// Subtracts `other` exactly. A zero quantity takes `other`'s format.
    pub fn sub(&mut self, other: &Quantity) {
        let mut negated = other.clone();
        negated.neg();
        self.add(&negated);
    }

    /// Rounds up (away from zero) so that no digits below 10^`scale` remain; returns true
    /// if nothing was lost.
    pub fn round_up(&mut self, scale: i32) -> bool {
        if self.exponent >= scale {
            return true;
        }
        let (m, exact) = rescale_away(self.mantissa, i64::from(self.exponent), i64::from(scale));
        let m = m.unwrap_or(if self.mantissa < 0 { -1 } else { 1 });
        let (m, e) = normalize(m, i64::from(scale));
        self.mantissa = m;
        self.exponent = clamp_exponent(e);
        self.verbatim = None;
        exact
    }

    /// Compares with a whole number.
    pub fn cmp_i64(&self, value: i64) -> Ordering {
        self.cmp(&Quantity::new(value, Format::DecimalSI))
    }

    /// The canonical `(number, suffix)` pair, e.g. `("1", "Gi")`, ignoring any
    /// verbatim input string.
    pub fn canonicalize(&self) -> (String, String) {
        let mut number = String::new();
        let mut suffix = String::new();
        self.write_canonical_parts(&mut number, &mut suffix);
        (number, suffix)
    }

    fn write_canonical_parts(&self, number: &mut String, suffix: &mut String) {
        if self.mantissa == 0 {
            number.push('0');
            return;
        }
        if self.mantissa < 0 {
            number.push('-');
        }
        let mut format = self.format;
        // Below 1024 or fractional: decimal, as upstream. Above 10^100 (reachable only by
        // arithmetic on absurd values) decimal too, to bound the work.
        if format == Format::BinarySI
            && (self.exponent < 0
                || self.exponent > 100
                || self.cmp_i64(-1024).is_gt() && self.cmp_i64(1024).is_lt())
        {
            format = Format::DecimalSI;
        }
        match format {
            Format::DecimalSI | Format::DecimalExponent => {
                let pad = self.exponent.rem_euclid(3);
                let exp3 = i64::from(self.exponent) - i64::from(pad);
                let _ = write!(number, "{}", self.mantissa.unsigned_abs());
                for _ in 0..pad {
                    number.push('0');
                }
                match (format, decimal_si_suffix(exp3)) {
                    (Format::DecimalSI, Some(s)) => suffix.push_str(s),
                    _ if exp3 == 0 => {}
                    _ => {
                        let _ = write!(suffix, "e{exp3}");
                    }
                }
            }
            Format::BinarySI => {
                // A whole number of at least 1024 in magnitude.
                let mut n = BigUint::from_u128(self.mantissa.unsigned_abs());
                for _ in 0..self.exponent {
                    n.mul_add_small(10, 0);
                }
                let mut power = 0;
                while power < BINARY_SUFFIXES.len() - 1 && n.rem_small(1024) == 0 && !n.is_zero() {
                    n.div_rem_small(1024);
                    power += 1;
                }
                number.push_str(&n.to_decimal_string());
                suffix.push_str(BINARY_SUFFIXES[power]);
            }
        }
    }
}

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

fn decimal_si_suffix(exponent: i64) -> Option<&'static str> {
    Some(match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return None,
    })
}

fn clamp_exponent(e: i64) -> i32 {
    i32::try_from(e).unwrap_or(if e < 0 { i32::MIN } else { i32::MAX })
}

/// Strips trailing decimal zeros from the mantissa into the exponent.
fn normalize(mut m: i128, mut e: i64) -> (i128, i64) {
    if m == 0 {
        return (0, 0);
    }
    while m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    (m, e)
}

/// `m` × 10^`by` (by ≥ 0), or `None` on overflow.
fn scale_up(m: i128, by: i64) -> Option<i128> {
    if m == 0 {
        return Some(0);
    }
    let by = u32::try_from(by).ok()?;
    m.checked_mul(10i128.checked_pow(by)?)
}

/// Re-expresses `m` × 10^`from` at exponent `to`, rounding away from zero when digits are
/// dropped. Returns the new mantissa (`None` if it overflows) and whether it is exact.
fn rescale_away(m: i128, from: i64, to: i64) -> (Option<i128>, bool) {
    if to <= from {
        return (scale_up(m, from - to), true);
    }
    if m == 0 {
        return (Some(0), true);
    }
    let diff = to - from;
    let Some(divisor) = u32::try_from(diff).ok().and_then(|d| 10i128.checked_pow(d)) else {
        // |m| < 10^39 <= 10^diff: only the rounding unit remains.
        return (Some(m.signum()), false);
    };
    let q = m / divisor;
    let r = m % divisor;
    if r == 0 {
        (Some(q), true)
    } else {
        (Some(q + m.signum()), false)
    }
}

/// Number of decimal digits of `v` (1 for 0).
fn decimal_digits(mut v: u128) -> i64 {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// Exact sum when it fits; otherwise the sum at the finest exponent where it fits
/// (37 significant digits per operand), each operand rounded away from zero.
fn add_values(a: (i128, i64), b: (i128, i64)) -> (i128, i64) {
    if a.0 == 0 {
        return normalize(b.0, b.1);
    }
    if b.0 == 0 {
        return normalize(a.0, a.1);
    }
    let sum_at = |target: i64| -> Option<(i128, i64)> {
        let x = rescale_away(a.0, a.1, target).0?;
        let y = rescale_away(b.0, b.1, target).0?;
        let sum = x.checked_add(y).filter(|s| *s != i128::MIN)?;
        Some(normalize(sum, target))
    };
    let lowest = a.1.min(b.1);
    if let Some(exact) = sum_at(lowest) {
        return exact;
    }
    // Keep at most 37 digits of each operand so that the sum (and a carry) fits.
    let coarse = |m: i128, e: i64| e.saturating_add(decimal_digits(m.unsigned_abs()) - 37);
    let start = lowest.max(coarse(a.0, a.1)).max(coarse(b.0, b.1));
    (start..=start.saturating_add(2))
        .find_map(sum_at)
        .unwrap_or_else(|| normalize(a.0, a.1))
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.mantissa == other.mantissa && self.exponent == other.exponent
    }
}

impl Eq for Quantity {}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.mantissa.hash(state);
        self.exponent.hash(state);
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        let (sa, sb) = (self.mantissa.signum(), other.mantissa.signum());
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = cmp_magnitude(
            self.mantissa.unsigned_abs(),
            i64::from(self.exponent),
            other.mantissa.unsigned_abs(),
            i64::from(other.exponent),
        );
        if sa > 0 {
            magnitude
        } else {
            magnitude.reverse()
        }
    }
}

/// Compares a × 10^ea with b × 10^eb (both non-zero) without overflow.
fn cmp_magnitude(a: u128, ea: i64, b: u128, eb: i64) -> Ordering {
    let scaled = |m: u128, by: i64| -> Option<u128> {
        u32::try_from(by)
            .ok()
            .and_then(|by| 10u128.checked_pow(by))
            .and_then(|p| m.checked_mul(p))
    };
    if ea >= eb {
        scaled(a, ea - eb).map_or(Ordering::Greater, |a| a.cmp(&b))
    } else {
        scaled(b, eb - ea).map_or(Ordering::Less, |b| a.cmp(&b))
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({self}, {})", self.format)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.verbatim {
            return f.write_str(s);
        }
        let (number, suffix) = self.canonicalize();
        f.write_str(&number)?;
        f.write_str(&suffix)
    }
}

impl FromStr for Quantity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_quantity(s)
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
                parse_quantity(v.trim()).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                parse_quantity(&v.to_string()).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                parse_quantity(&v.to_string()).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                if !v.is_finite() {
                    return Err(E::custom(Error::QuantityNumeric));
                }
                parse_quantity(&v.to_string()).map_err(E::custom)
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

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// The pieces of `<sign><digits>.<digits><suffix>`.
struct Lexed<'a> {
    negative: bool,
    /// Integer digits without leading zeros (may be empty).
    int_digits: &'a str,
    /// Fractional digits as written.
    frac_digits: &'a str,
    suffix: &'a str,
}

fn lex(s: &str) -> Result<Lexed<'_>, Error> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut negative = false;
    match bytes.first() {
        Some(b'-') => {
            negative = true;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while pos < bytes.len() && bytes[pos] == b'0' {
        pos += 1;
    }
    let digits_end = |from: usize| {
        let mut i = from;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits_end(pos);
    let int_digits = &s[pos..int_end];
    pos = int_end;
    let mut frac_digits = "";
    if pos < bytes.len() && bytes[pos] == b'.' {
        let frac_end = digits_end(pos + 1);
        frac_digits = &s[pos + 1..frac_end];
        pos = frac_end;
    }
    let suffix_start = pos;
    while pos < bytes.len() && b"eEinumkKMGTP".contains(&bytes[pos]) {
        pos += 1;
    }
    if pos < bytes.len() && matches!(bytes[pos], b'-' | b'+') {
        pos += 1;
    }
    pos = digits_end(pos);
    if pos != bytes.len() {
        return Err(Error::QuantityFormat);
    }
    Ok(Lexed {
        negative,
        int_digits,
        frac_digits,
        suffix: &s[suffix_start..],
    })
}

/// Base (10 or 2), exponent and format of a suffix.
fn interpret_suffix(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let e: i32 = rest.parse().ok()?;
            Some((10, e, Format::DecimalExponent))
        }
    }
}

fn parse_quantity(input: &str) -> Result<Quantity, Error> {
    if input.is_empty() {
        return Err(Error::QuantityFormat);
    }
    if input == "0" {
        return Ok(Quantity::zero());
    }
    let lexed = lex(input)?;
    let (base, suffix_exponent, mut format) =
        interpret_suffix(lexed.suffix).ok_or(Error::QuantitySuffix)?;

    // Significant digits D and decimal exponent e10, value = D × 10^e10 × base^exponent.
    let (digits, e10) = significant_digits(lexed.int_digits, lexed.frac_digits);
    let (magnitude, e10) = if digits.is_empty() {
        (0u128, 0i64)
    } else if base == 10 {
        decimal_magnitude(&digits, e10 + i64::from(suffix_exponent))?
    } else {
        binary_magnitude(&digits, e10, suffix_exponent)?
    };
    if format == Format::BinarySI
        && magnitude != 0
        && cmp_magnitude(magnitude, e10, 1, 0) == Ordering::Less
    {
        format = Format::DecimalSI;
    }
    let signed = i128::try_from(magnitude).map_err(|_| Error::QuantityNumeric)?;
    let signed = if lexed.negative { -signed } else { signed };
    let exponent = i32::try_from(e10).map_err(|_| Error::QuantityNumeric)?;
    let mut q = Quantity {
        mantissa: signed,
        exponent,
        format,
        verbatim: None,
    };
    if go_reuses_input(&lexed, suffix_exponent, format) {
        let (number, suffix) = q.canonicalize();
        if input.len() != number.len() + suffix.len()
            || !input.starts_with(&number)
            || !input.ends_with(&suffix)
        {
            q.verbatim = Some(input.into());
        }
    }
    Ok(q)
}

/// Go keeps the input string as the output when it parsed on its fast path and looks
/// canonical: for decimal formats, a scale that is a multiple of 3, no `000` at the end
/// of the digits and a non-zero integer part; for binary, an integer count of the unit
/// that is not a multiple of 8.
fn go_reuses_input(lexed: &Lexed<'_>, exponent: i32, format: Format) -> bool {
    let num = if lexed.int_digits.is_empty() {
        "0"
    } else {
        lexed.int_digits
    };
    let denom = lexed.frac_digits;
    let Some((_, _, suffix_format)) = interpret_suffix(lexed.suffix) else {
        return false;
    };
    if format != suffix_format {
        return false;
    }
    match suffix_format {
        Format::DecimalSI | Format::DecimalExponent => {
            let digits = num.len() + denom.len();
            let scale = i64::from(exponent) - denom.len() as i64;
            digits <= 18
                && scale >= -9
                && scale % 3 == 0
                && !num.starts_with('0')
                && !format!("{num}{denom}").ends_with("000")
        }
        Format::BinarySI => {
            let precision = 14 - num.len() as i64 - i64::from(exponent) * 3 / 10;
            if !denom.is_empty() || precision < 0 {
                return false;
            }
            let Ok(value) = num.parse::<i64>() else {
                return false;
            };
            let fits = value.checked_mul(1i64 << exponent.clamp(0, 62)).is_some();
            fits && value & 7 != 0
        }
    }
}

/// Digits of int+frac without leading or trailing zeros, and the decimal exponent of the
/// last digit.
fn significant_digits(int_digits: &str, frac_digits: &str) -> (String, i64) {
    let mut digits = String::with_capacity(int_digits.len() + frac_digits.len());
    digits.push_str(int_digits);
    digits.push_str(frac_digits);
    let mut e10 = -(frac_digits.len() as i64);
    let trimmed_start = digits.trim_start_matches('0').len();
    digits.drain(..digits.len() - trimmed_start);
    let trimmed_end = digits.trim_end_matches('0').len();
    e10 += (digits.len() - trimmed_end) as i64;
    digits.truncate(trimmed_end);
    (digits, e10)
}

/// D × 10^e10, rounded up to nano; returns the normalized magnitude and exponent.
fn decimal_magnitude(digits: &str, e10: i64) -> Result<(u128, i64), Error> {
    if e10 >= NANO.into() {
        let m: u128 = digits.parse().map_err(|_| Error::QuantityNumeric)?;
        return Ok((m, e10));
    }
    // Drop the digits below 10^-9; they are non-zero (no trailing zeros), so round up.
    let drop = usize::try_from(i64::from(NANO) - e10).unwrap_or(usize::MAX);
    let kept = if drop >= digits.len() {
        0
    } else {
        digits[..digits.len() - drop]
            .parse::<u128>()
            .map_err(|_| Error::QuantityNumeric)?
    };
    let m = kept.checked_add(1).ok_or(Error::QuantityNumeric)?;
    let (m, e) = normalize(
        i128::try_from(m).map_err(|_| Error::QuantityNumeric)?,
        NANO.into(),
    );
    Ok((m.unsigned_abs(), e))
}

/// D × 10^e10 × 2^exponent, rounded up to nano and capped at 2^63-1.
fn binary_magnitude(digits: &str, e10: i64, exponent: i32) -> Result<(u128, i64), Error> {
    // Anything with more than 25 integer digits is far above the cap.
    if digits.len() as i64 + e10 > 25 {
        return Ok((MAX_BINARY, 0));
    }
    if digits.len() > MAX_BINARY_DIGITS {
        return Err(Error::QuantityNumeric);
    }
    let mut n = BigUint::from_decimal(digits);
    for _ in 0..exponent / 10 {
        n.mul_add_small(1024, 0);
    }
    // Express in nanos: multiply or divide by the power of ten.
    let shift = e10 + 9;
    let mut sticky = false;
    if shift >= 0 {
        for _ in 0..shift {
            n.mul_add_small(10, 0);
        }
    } else {
        for _ in 0..-shift {
            if n.is_zero() {
                break;
            }
            sticky |= n.div_rem_small(10) != 0;
        }
    }
    if sticky {
        n.mul_add_small(1, 1);
    }
    let max_nanos = MAX_BINARY * 1_000_000_000;
    let nanos = match n.to_u128() {
        Some(v) if v <= max_nanos => v,
        _ => return Ok((MAX_BINARY, 0)),
    };
    let (m, e) = normalize(
        i128::try_from(nanos).map_err(|_| Error::QuantityNumeric)?,
        NANO.into(),
    );
    Ok((m.unsigned_abs(), e))
}

// ---------------------------------------------------------------------------------------
// A minimal unsigned big integer for the few places that need more than 128 bits.
// ---------------------------------------------------------------------------------------

/// Little-endian base-2^32 digits.
#[derive(Debug, Clone)]
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u128(mut v: u128) -> Self {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push((v & 0xffff_ffff) as u32);
            v >>= 32;
        }
        Self { limbs }
    }

    fn from_decimal(digits: &str) -> Self {
        let mut n = Self { limbs: Vec::new() };
        for b in digits.bytes() {
            n.mul_add_small(10, u32::from(b - b'0'));
        }
        n
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    /// self = self × m + a
    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = (v & 0xffff_ffff) as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// self = self / d; returns the remainder.
    fn div_rem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        rem as u32
    }

    fn rem_small(&self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter().rev() {
            rem = ((rem << 32) | u64::from(*limb)) % u64::from(d);
        }
        rem as u32
    }

    fn to_u128(&self) -> Option<u128> {
        let significant = self
            .limbs
            .iter()
            .rposition(|&l| l != 0)
            .map_or(0, |i| i + 1);
        if significant > 4 {
            return None;
        }
        Some(
            self.limbs[..significant]
                .iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 32) | u128::from(l)),
        )
    }

    fn to_decimal_string(&self) -> String {
        if let Some(v) = self.to_u128() {
            return v.to_string();
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_rem_small(1_000_000_000));
        }
        let mut out = String::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            if i == 0 {
                let _ = write!(out, "{chunk}");
            } else {
                let _ = write!(out, "{chunk:09}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn dec(m: i128, e: i32, format: Format) -> Quantity {
        Quantity::from_decimal(m, e, format)
    }

    use Format::{BinarySI as Bin, DecimalExponent as Exp, DecimalSI as Si};

    /// `TestQuantityParse`: input → exact value and format, also negated and with `+`.
    #[test]
    fn parse_table_yields_exact_values_and_formats() {
        let table: Vec<(&str, Quantity)> = vec![
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
            ("9Ei", dec(i128::from(i64::MAX), 0, Bin)),
            ("9223372036854775807Ki", dec(i128::from(i64::MAX), 0, Bin)),
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
        ];
        for (input, want) in &table {
            let got = q(input);
            assert_eq!(got, *want, "{input}: value {got} vs {want}");
            assert_eq!(got.format(), want.format(), "{input}: format");
            let plus = q(&format!("+{input}"));
            assert_eq!(plus, *want, "+{input}");
            assert_eq!(plus.format(), want.format(), "+{input}: format");
            let neg = q(&format!("-{input}"));
            let mut want_neg = want.clone();
            want_neg.neg();
            assert_eq!(neg, want_neg, "-{input}");
            assert_eq!(neg.format(), want.format(), "-{input}: format");
        }
    }

    #[test]
    fn malformed_quantities_are_rejected_with_go_errors() {
        for bad in [
            "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1",
            "1 ", "",
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
        assert!(matches!(
            Quantity::parse(&"9".repeat(60)),
            Err(Error::QuantityNumeric)
        ));
    }

    /// `TestQuantityString`: canonical output, alternate spellings, and negatives.
    #[test]
    fn canonical_strings_match_server_output() {
        let table: Vec<(Quantity, &str, &str)> = vec![
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
            (dec(1, 18, Si), "1E", ""),
            (dec(1, 21, Si), "1e21", "1000E"),
            (dec(5, 21, Si), "5e21", "5000E"),
            (dec(1, 24, Si), "1e24", "1000000E"),
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
        for (value, expect, alternate) in &table {
            assert_eq!(value.to_string(), *expect, "{value:?}");
            let reparsed = q(expect);
            assert_eq!(reparsed.to_string(), *expect, "reparse {expect}");
            assert_eq!(reparsed, *value, "reparse {expect} keeps value");
            if !alternate.is_empty() {
                assert_eq!(q(alternate).to_string(), *expect, "alternate {alternate}");
            }
            if !value.is_zero() {
                let mut negated = value.clone();
                negated.neg();
                assert_eq!(
                    negated.to_string(),
                    format!("-{expect}"),
                    "negated {expect}"
                );
            }
        }
    }

    /// `TestQuantityParseEmit`
    #[test]
    fn parse_then_emit_is_canonical_for_positive_and_negative() {
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
            assert_eq!(
                q(&format!("-{input}")).to_string(),
                format!("-{want}"),
                "-{input}"
            );
        }
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
        let max = i128::from(i64::MAX);
        let min = i128::from(i64::MIN);
        let e18: i128 = 1_000_000_000_000_000_000;
        type Case = ((i128, i32), (i128, i32), Ordering);
        let table: Vec<Case> = vec![
            ((901, -2), (901, -2), Ordering::Equal),
            ((90, -1), (901, -2), Ordering::Less),
            ((901, -2), (900, -2), Ordering::Greater),
            ((0, 0), (0, 0), Ordering::Equal),
            ((0, 1), (0, -1), Ordering::Equal),
            ((800, -3), (1, 0), Ordering::Less),
            ((800, -3), (79, -2), Ordering::Greater),
            ((max, 0), (1, -1), Ordering::Greater),
            ((max, 1), (1, 0), Ordering::Greater),
            ((max, 1), (1, 1), Ordering::Greater),
            ((max, 1), (0, 1), Ordering::Greater),
            ((max, -16), (1, 3), Ordering::Less),
            ((min, 0), (0, 0), Ordering::Less),
            ((min, -18), (-1, 0), Ordering::Less),
            ((min, -19), (-1, 0), Ordering::Greater),
            ((e18, -17), (1, 1), Ordering::Equal),
            ((e18, -17), (-10, 0), Ordering::Greater),
            ((-e18, -17), (-10, 0), Ordering::Equal),
            ((e18, -17), (1, 0), Ordering::Greater),
            ((e18 + 1, -17), (1, 1), Ordering::Greater),
            ((e18 - 1, -17), (1, 1), Ordering::Less),
        ];
        for ((am, ae), (bm, be), want) in table {
            let a = dec(am, ae, Si);
            let b = dec(bm, be, Si);
            assert_eq!(a.cmp(&b), want, "{a:?} vs {b:?}");
            assert_eq!(b.cmp(&a), want.reverse(), "{b:?} vs {a:?}");
        }
    }

    #[test]
    fn equal_values_hash_equally() {
        use std::collections::HashSet;
        let set: HashSet<Quantity> = [q("1Gi"), q("1073741824"), q("1024Mi")]
            .into_iter()
            .collect();
        assert_eq!(set.len(), 1);
    }

    /// `TestQuantityRoundUp`
    #[test]
    fn round_up_moves_away_from_zero_and_reports_exactness() {
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

    /// `TestQuantityNeg`
    #[test]
    fn negation_prints_minus_and_does_not_touch_source() {
        let source = dec(901, -2, Si);
        let mut negated = source.clone();
        negated.neg();
        assert_ne!(negated, source);
        assert_eq!(negated.to_string(), "-9010m");
    }

    /// `TestQuantityAddZeroPreservesSuffix` and `TestQuantitySubZeroPreservesSuffix`.
    #[test]
    fn adding_or_subtracting_zero_keeps_the_suffix() {
        for s in ["100m", "1Gi"] {
            let value = q(s);
            let mut v1 = value.clone();
            v1.add(&q("0"));
            assert_eq!(v1.to_string(), s);
            let mut v2 = q("0");
            v2.add(&value);
            assert_eq!(v2.to_string(), s);
            let mut v3 = value.clone();
            v3.sub(&q("0"));
            assert_eq!(v3.to_string(), s);
            let mut v4 = q("0");
            v4.sub(&value);
            let mut negated = value.clone();
            negated.neg();
            assert_eq!(v4.to_string(), negated.to_string());
        }
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
        assert!(e > q("1e100"), "rounds away from zero when digits run out");
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

    /// `TestMilliNewSet`, `TestNewSet`, `TestNewScaledSet`.
    #[test]
    fn constructors_render_in_requested_format() {
        assert_eq!(Quantity::new_milli(1, Si).to_string(), "1m");
        assert_eq!(Quantity::new_milli(1000, Si).to_string(), "1");
        assert_eq!(Quantity::new_milli(1_234_000, Si).to_string(), "1234");
        assert_eq!(Quantity::new_milli(1024, Bin).to_string(), "1024m");
        assert_eq!(Quantity::new_milli(1_000_000, Exp).to_string(), "1e3");
        assert_eq!(
            Quantity::new_milli(1024 * 1024, Bin).to_string(),
            "1048576m"
        );
        assert_eq!(Quantity::new(1, Si).to_string(), "1");
        assert_eq!(Quantity::new(1000, Si).to_string(), "1k");
        assert_eq!(Quantity::new(1_234_000, Si).to_string(), "1234k");
        assert_eq!(Quantity::new(1024, Bin).to_string(), "1Ki");
        assert_eq!(Quantity::new(1_000_000, Exp).to_string(), "1e6");
        assert_eq!(Quantity::new(1024 * 1024, Bin).to_string(), "1Mi");
        for (value, scale, want) in [
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
        ] {
            assert_eq!(Quantity::new_scaled(value, scale).to_string(), want);
        }
        for (value, scale, want) in [(1, NANO, 1), (1000, MILLI, 1000)] {
            assert_eq!(Quantity::new_scaled(value, scale).scaled_value(scale), want);
        }
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
        for (input, want) in [
            (r#"" 1""#, "1"),
            (r#""1 ""#, "1"),
            ("1", "1"),
            (" 1", "1"),
            ("1 ", "1"),
            ("10", "10"),
            ("-1", "-1"),
            (" -1", "-1"),
            ("1.5", "1500m"),
            ("null", "0"),
        ] {
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

    #[test]
    #[should_panic(expected = "cannot parse 'Non-Numeric'")]
    fn must_parse_panics_on_invalid_input() {
        let _ = Quantity::must_parse("Non-Numeric");
    }

    #[test]
    fn big_uint_round_trips_large_numbers() {
        let digits = "123456789012345678901234567890123456789012345678901234567890";
        let n = BigUint::from_decimal(digits);
        assert_eq!(n.to_decimal_string(), digits);
        assert_eq!(n.to_u128(), None);
        let mut m = BigUint::from_u128(1 << 100);
        assert_eq!(m.rem_small(1024), 0);
        assert_eq!(m.div_rem_small(1024), 0);
        assert_eq!(m.to_u128(), Some(1 << 90));
    }
}
