//! Reading quantities the way Go's `ParseQuantity` does: its scanner, its 64-bit fast
//! path (which keeps a canonical-looking input as the output text), and the
//! arbitrary-precision path for everything else.

use super::decimal::Decimal;
use super::{Format, NANO, Quantity, Verbatim};
use crate::Error;

/// The largest binary-SI quantity (2^63-1); larger binary inputs are capped to it.
const MAX_BINARY: i64 = i64::MAX;

/// The pieces of `<sign><digits>.<digits><suffix>`.
struct Lexed<'a> {
    negative: bool,
    /// Integer digits without leading zeros (may be empty).
    int_digits: &'a str,
    /// Fractional digits as written.
    frac_digits: &'a str,
    suffix: &'a str,
    /// Whether the number part has any digit at all (leading zeros included).
    has_digits: bool,
}

fn lex(s: &str) -> Result<Lexed<'_>, Error> {
    let bytes = s.as_bytes();
    let digits_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
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
    let sign_end = pos;
    while pos < bytes.len() && bytes[pos] == b'0' {
        pos += 1;
    }
    let int_end = digits_end(pos);
    let int_digits = &s[pos..int_end];
    pos = int_end;
    let mut frac_digits = "";
    if pos < bytes.len() && bytes[pos] == b'.' {
        let frac_end = digits_end(pos + 1);
        frac_digits = &s[pos + 1..frac_end];
        pos = frac_end;
    }
    let has_digits = bytes[sign_end..pos].iter().any(u8::is_ascii_digit);
    let suffix_start = pos;
    while pos < bytes.len() && b"eEinumkKMGTP".contains(&bytes[pos]) {
        pos += 1;
    }
    if pos < bytes.len() && matches!(bytes[pos], b'-' | b'+') {
        pos += 1;
    }
    if digits_end(pos) != bytes.len() {
        return Err(Error::QuantityFormat);
    }
    Ok(Lexed {
        negative,
        int_digits,
        frac_digits,
        suffix: &s[suffix_start..],
        has_digits,
    })
}

/// Base (10 or 2), exponent and format of a suffix. An `e<n>` exponent is read as a
/// 64-bit integer and then truncated to 32 bits, as Go does (`1e4294967296` is `1`).
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
            let e: i64 = rest.parse().ok()?;
            Some((10, e as i32, Format::DecimalExponent))
        }
    }
}

pub(super) fn parse_quantity(input: &str) -> Result<Quantity, Error> {
    if input.is_empty() {
        return Err(Error::QuantityFormat);
    }
    if input == "0" {
        return Ok(Quantity::zero());
    }
    let lexed = lex(input)?;
    let (base, exponent, format) = interpret_suffix(lexed.suffix).ok_or(Error::QuantitySuffix)?;
    if let Some(q) = fast_path(input, &lexed, base, exponent, format) {
        return Ok(q);
    }
    if !lexed.has_digits {
        return Err(Error::QuantityNumeric);
    }
    exact_path(&lexed, base, exponent, format)
}

/// Go's path for numbers that fit 64 bits at a scale of nano or coarser. It keeps the
/// input as the output text when it already looks canonical: for decimal formats a
/// scale that is a multiple of 3, no `000` at the end of the digits and a non-zero
/// integer part; for binary an integer count of the unit that is not a multiple of 8.
fn fast_path(
    input: &str,
    lexed: &Lexed<'_>,
    base: u32,
    exponent: i32,
    format: Format,
) -> Option<Quantity> {
    let num = if lexed.int_digits.is_empty() {
        "0"
    } else {
        lexed.int_digits
    };
    let denom = lexed.frac_digits;
    let (mut scale, unit, precision) = if base == 10 {
        (exponent, 1i64, 18 - (num.len() + denom.len()) as i64)
    } else if exponent >= 0 && denom.is_empty() {
        let precision = 15 - num.len() as i64 - i64::from(exponent) * 3 / 10 - 1;
        (0, 1i64.checked_shl(exponent as u32)?, precision)
    } else {
        return None;
    };
    if precision < 0 {
        return None;
    }
    // Go's scale is 32 bits and wraps.
    scale = scale.wrapping_sub(denom.len() as i32);
    if scale < NANO {
        return None;
    }
    let shifted = format!("{num}{denom}");
    let value: i64 = shifted.parse().ok()?;
    let magnitude = value.checked_mul(unit)?;
    let reuse = match format {
        Format::BinarySI => exponent % 10 == 0 && value & 7 != 0,
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    };
    Some(Quantity {
        value: Decimal::new(
            i128::from(if lexed.negative {
                -magnitude
            } else {
                magnitude
            }),
            i64::from(scale),
        ),
        format,
        verbatim: reuse.then(|| {
            Box::new(Verbatim {
                text: input.into(),
                scale,
            })
        }),
    })
}

/// Exact arithmetic for everything else: the value is rounded up (away from zero) to a
/// whole nano, binary values are capped at 2^63-1, and a binary value below one is
/// decimal. A value whose last digit would sit above 10^(2^31-1) is an error: Go's
/// 32-bit decimal scale cannot hold it.
fn exact_path(
    lexed: &Lexed<'_>,
    base: u32,
    exponent: i32,
    mut format: Format,
) -> Result<Quantity, Error> {
    let mut digits: Vec<u8> = lexed
        .int_digits
        .bytes()
        .chain(lexed.frac_digits.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut scale = -(lexed.frac_digits.len() as i64);
    if base == 10 {
        scale += i64::from(exponent);
    } else {
        multiply_by_power_of_two(&mut digits, exponent.unsigned_abs());
    }
    let value = Decimal::from_digits(lexed.negative, &digits, scale);
    let (mut value, _) = value.round_away(NANO.into());
    if format == Format::BinarySI {
        let cap = Decimal::new(i128::from(MAX_BINARY), 0);
        if value > cap {
            value = cap;
        } else if value < cap.neg() {
            value = cap.neg();
        }
        let one = Decimal::new(1, 0);
        if !value.is_zero() && value < one && value > one.neg() {
            format = Format::DecimalSI;
        }
    }
    if value.exponent() > i64::from(i32::MAX) {
        return Err(Error::QuantityNumeric);
    }
    Ok(Quantity {
        value,
        format,
        verbatim: None,
    })
}

/// Multiplies a big-endian digit string by 2^`power` in place.
fn multiply_by_power_of_two(digits: &mut Vec<u8>, mut power: u32) {
    while power > 0 {
        let step = power.min(32);
        power -= step;
        let factor = 1u64 << step;
        let mut carry = 0u64;
        for d in digits.iter_mut().rev() {
            let v = u64::from(*d) * factor + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.insert(0, (carry % 10) as u8);
            carry /= 10;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `TestParseQuantityString` (Go writes an empty integer part as `0`).
    #[test]
    fn scanner_splits_like_go() {
        let table = [
            ("0.025Ti", false, "", "025", "Ti"),
            ("1.025Ti", false, "1", "025", "Ti"),
            ("-1.025Ti", true, "1", "025", "Ti"),
            (".", false, "", "", ""),
            ("-.", true, "", "", ""),
            ("1E-3", false, "1", "", "E-3"),
        ];
        for (input, negative, int, frac, suffix) in table {
            let l = lex(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (l.negative, l.int_digits, l.frac_digits, l.suffix),
                (negative, int, frac, suffix),
                "{input}"
            );
        }
        let l = lex("-001.0250Ti").unwrap();
        assert_eq!(
            (l.int_digits, l.frac_digits, l.has_digits),
            ("1", "0250", true)
        );
        assert!(!lex("-.").unwrap().has_digits);
        assert!(lex("1.1.M").is_err());
        assert!(lex("1 ").is_err());
    }

    #[test]
    fn exponent_suffixes_wrap_to_32_bits() {
        assert_eq!(
            interpret_suffix("e4294967296"),
            Some((10, 0, Format::DecimalExponent))
        );
        assert_eq!(
            interpret_suffix("e-4294967299"),
            Some((10, -3, Format::DecimalExponent))
        );
        assert_eq!(
            interpret_suffix("E+5"),
            Some((10, 5, Format::DecimalExponent))
        );
        assert_eq!(interpret_suffix("e99999999999999999999"), None);
        assert_eq!(interpret_suffix("e"), None);
        assert_eq!(interpret_suffix("ki"), None);
    }

    #[test]
    fn doubling_long_digit_strings_is_exact() {
        let mut digits = vec![1];
        multiply_by_power_of_two(&mut digits, 60);
        let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        assert_eq!(text, (1u64 << 60).to_string());
        let mut digits = vec![5, 0, 0];
        multiply_by_power_of_two(&mut digits, 10);
        assert_eq!(digits, [5, 1, 2, 0, 0, 0]);
    }
}
