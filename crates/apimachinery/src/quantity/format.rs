//! Writing quantities in Go's canonical form (`CanonicalizeBytes`).
//!
//! Decimal formats print the significant digits, padded with zeros so that the exponent
//! is a multiple of 3, and the suffix of that exponent. Like Go, a decimal-SI exponent
//! without a suffix (above `E`, below `n`) prints no suffix at all (`1000E` reads back as
//! `1`), and the exponent is a 32-bit number that wraps. Binary-SI prints whole numbers
//! of at least 1024 in magnitude as a count of the largest power of 1024 that divides
//! them, with no suffix beyond `Ei`; anything else falls back to decimal SI.

use super::Format;
use super::decimal::Decimal;

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// Whole numbers with more digits than this are printed in decimal SI even when the
/// format is binary SI: dividing them by 1024 over and over would take time quadratic in
/// their length. Such values only come from arithmetic on absurd inputs.
const MAX_BINARY_DIGITS: usize = 10_000;

/// The canonical number (with its sign) and suffix.
pub(super) fn canonical(value: &Decimal, format: Format) -> (String, String) {
    if value.is_zero() {
        return ("0".to_owned(), String::new());
    }
    let sign = if value.signum() < 0 { "-" } else { "" };
    if format == Format::BinarySI {
        let limit = Decimal::new(1024, 0);
        let small = *value < limit && *value > limit.neg();
        if let Some(digits) = (!small)
            .then(|| value.integer_digits(MAX_BINARY_DIGITS))
            .flatten()
        {
            let (number, power) = remove_factors_of_1024(digits);
            let suffix = BINARY_SUFFIXES.get(power).copied().unwrap_or_default();
            return (format!("{sign}{number}"), suffix.to_owned());
        }
        return decimal(value, sign, Format::DecimalSI);
    }
    decimal(value, sign, format)
}

fn decimal(value: &Decimal, sign: &str, format: Format) -> (String, String) {
    let mut number = format!("{sign}{}", value.digit_string());
    // Go keeps the exponent in 32 bits; truncating reproduces its wrapping.
    let mut exponent = value.exponent() as i32;
    let pad = match exponent % 3 {
        1 | -2 => 1,
        2 | -1 => 2,
        _ => 0,
    };
    for _ in 0..pad {
        number.push('0');
    }
    exponent = exponent.wrapping_sub(pad);
    let suffix = match format {
        Format::DecimalExponent if exponent == 0 => String::new(),
        Format::DecimalExponent => format!("e{exponent}"),
        _ => decimal_si_suffix(exponent).to_owned(),
    };
    (number, suffix)
}

fn decimal_si_suffix(exponent: i32) -> &'static str {
    match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => "",
    }
}

/// Divides by 1024 as long as that is exact; returns the quotient's text and how many
/// times it divided.
fn remove_factors_of_1024(mut digits: Vec<u8>) -> (String, usize) {
    let mut power = 0;
    // 10^10 is a multiple of 1024, so the last ten digits decide divisibility.
    while !digits.is_empty() && last_digits(&digits, 10).is_multiple_of(1024) {
        let mut quotient = Vec::with_capacity(digits.len());
        let mut rest = 0u32;
        for &d in &digits {
            let current = rest * 10 + u32::from(d);
            quotient.push((current / 1024) as u8);
            rest = current % 1024;
        }
        let start = quotient
            .iter()
            .position(|&d| d != 0)
            .unwrap_or(quotient.len());
        quotient.drain(..start);
        digits = quotient;
        power += 1;
    }
    let text = digits.iter().map(|&d| char::from(b'0' + d)).collect();
    (text, power)
}

/// The number formed by the last `n` digits.
fn last_digits(digits: &[u8], n: usize) -> u64 {
    digits[digits.len().saturating_sub(n)..]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u64::from(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Decimal, format: Format) -> String {
        let (number, suffix) = canonical(&value, format);
        number + &suffix
    }

    #[test]
    fn decimal_si_without_a_suffix_prints_the_bare_number() {
        assert_eq!(text(Decimal::new(1, 21), Format::DecimalSI), "1");
        assert_eq!(text(Decimal::new(5, 22), Format::DecimalSI), "50");
        assert_eq!(text(Decimal::new(1, -12), Format::DecimalSI), "1");
        assert_eq!(text(Decimal::new(1, 21), Format::DecimalExponent), "1e21");
    }

    #[test]
    fn exponents_wrap_at_32_bits() {
        let e = i64::from(i32::MAX) + 1;
        assert_eq!(
            text(Decimal::new(1, e), Format::DecimalExponent),
            "10e2147483647"
        );
        assert_eq!(
            text(
                Decimal::new(15, i64::from(i32::MAX)),
                Format::DecimalExponent
            ),
            "150e2147483646"
        );
    }

    #[test]
    fn binary_powers_beyond_exbi_have_no_suffix() {
        assert_eq!(text(Decimal::new(1 << 70, 0), Format::BinarySI), "1");
        assert_eq!(text(Decimal::new(3 << 60, 0), Format::BinarySI), "3Ei");
        assert_eq!(text(Decimal::new(-(5 << 20), 0), Format::BinarySI), "-5Mi");
        assert_eq!(text(Decimal::new(1023, 0), Format::BinarySI), "1023");
        assert_eq!(text(Decimal::new(15, -1), Format::BinarySI), "1500m");
        assert_eq!(text(Decimal::new(1, 20_000), Format::BinarySI), "100");
    }
}
