//! Exact decimal numbers of any size: a 64-bit coefficient for the usual case and a
//! digit string for the rest, always normalized so that equal values are equal structs.

use std::cmp::Ordering;

/// coefficient × 10^exponent, exactly.
///
/// Normalized: the coefficient has no trailing decimal zeros (zero is `Small { 0, 0 }`),
/// and a value is `Big` only if its coefficient does not fit an `i64`. Derived equality
/// and hashing are therefore by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Decimal {
    /// The common case.
    Small { coefficient: i64, exponent: i64 },
    /// More than 18 or 19 significant digits.
    Big(Box<BigDecimal>),
}

/// A decimal too long for `i64`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct BigDecimal {
    negative: bool,
    /// Digit values 0 to 9, most significant first; no leading or trailing zeros.
    digits: Vec<u8>,
    exponent: i64,
}

/// Sums keep every digit unless the operands are this many digits apart (or more than
/// their own lengths), which takes an absurd exponent gap; beyond that the operands are
/// rounded away from zero first, so the work stays proportional to the input.
const MAX_EXACT_SPAN: usize = 1 << 16;

impl Decimal {
    pub(super) const ZERO: Self = Self::Small {
        coefficient: 0,
        exponent: 0,
    };

    /// `coefficient` × 10^`exponent`.
    pub(super) fn new(coefficient: i128, exponent: i64) -> Self {
        if let Ok(c) = i64::try_from(coefficient) {
            return Self::small(c, exponent);
        }
        let digits: Vec<u8> = coefficient
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|b| b - b'0')
            .collect();
        Self::from_digits(coefficient < 0, &digits, exponent)
    }

    fn small(mut coefficient: i64, mut exponent: i64) -> Self {
        if coefficient == 0 {
            return Self::ZERO;
        }
        while coefficient % 10 == 0 {
            coefficient /= 10;
            exponent += 1;
        }
        Self::Small {
            coefficient,
            exponent,
        }
    }

    /// The number with the given sign, digit values (0 to 9, most significant first,
    /// zeros anywhere) and exponent of the last digit.
    pub(super) fn from_digits(negative: bool, digits: &[u8], exponent: i64) -> Self {
        let start = digits.iter().position(|&d| d != 0).unwrap_or(digits.len());
        let mut digits = digits[start..].to_vec();
        let exponent = exponent.saturating_add(strip_trailing_zeros(&mut digits));
        if digits.is_empty() {
            return Self::ZERO;
        }
        if digits.len() <= 19 {
            let magnitude = digits
                .iter()
                .fold(0i128, |acc, &d| acc * 10 + i128::from(d));
            let signed = if negative { -magnitude } else { magnitude };
            if let Ok(c) = i64::try_from(signed) {
                return Self::Small {
                    coefficient: c,
                    exponent,
                };
            }
        }
        Self::Big(Box::new(BigDecimal {
            negative,
            digits,
            exponent,
        }))
    }

    /// -1, 0 or 1.
    pub(super) fn signum(&self) -> i32 {
        match self {
            Self::Small { coefficient, .. } => coefficient.signum() as i32,
            Self::Big(b) if b.negative => -1,
            Self::Big(_) => 1,
        }
    }

    pub(super) fn is_zero(&self) -> bool {
        self.signum() == 0
    }

    /// The exponent of the last significant digit.
    pub(super) fn exponent(&self) -> i64 {
        match self {
            Self::Small { exponent, .. } => *exponent,
            Self::Big(b) => b.exponent,
        }
    }

    /// The significant digits of the magnitude as text.
    pub(super) fn digit_string(&self) -> String {
        match self {
            Self::Small { coefficient, .. } => coefficient.unsigned_abs().to_string(),
            Self::Big(b) => b.digits.iter().map(|&d| char::from(b'0' + d)).collect(),
        }
    }

    /// The digit values of the magnitude, the sign, and the exponent.
    fn parts(&self) -> (bool, Vec<u8>, i64) {
        match self {
            Self::Small {
                coefficient,
                exponent,
            } => (
                *coefficient < 0,
                coefficient
                    .unsigned_abs()
                    .to_string()
                    .bytes()
                    .map(|b| b - b'0')
                    .collect(),
                *exponent,
            ),
            Self::Big(b) => (b.negative, b.digits.clone(), b.exponent),
        }
    }

    pub(super) fn neg(&self) -> Self {
        match self {
            Self::Small {
                coefficient,
                exponent,
            } => match coefficient.checked_neg() {
                Some(c) => Self::Small {
                    coefficient: c,
                    exponent: *exponent,
                },
                None => Self::new(-i128::from(*coefficient), *exponent),
            },
            Self::Big(b) => Self::Big(Box::new(BigDecimal {
                negative: !b.negative,
                digits: b.digits.clone(),
                exponent: b.exponent,
            })),
        }
    }

    /// The sum; exact unless the operands lie absurdly far apart (see
    /// [`MAX_EXACT_SPAN`]).
    pub(super) fn add(&self, other: &Self) -> Self {
        if self.is_zero() {
            return other.clone();
        }
        if other.is_zero() {
            return self.clone();
        }
        if let (
            Self::Small {
                coefficient: a,
                exponent: ea,
            },
            Self::Small {
                coefficient: b,
                exponent: eb,
            },
        ) = (self, other)
        {
            let low = (*ea).min(*eb);
            let scaled = |c: i64, e: i64| -> Option<i128> {
                let shift = u32::try_from(e - low).ok()?;
                i128::from(c).checked_mul(10i128.checked_pow(shift)?)
            };
            if let Some(sum) = scaled(*a, *ea)
                .zip(scaled(*b, *eb))
                .and_then(|(x, y)| x.checked_add(y))
            {
                return Self::new(sum, low);
            }
        }
        let (a, b) = (self.parts(), other.parts());
        let top = (a.2 + a.1.len() as i64).max(b.2 + b.1.len() as i64);
        let allowed = MAX_EXACT_SPAN.max(a.1.len()).max(b.1.len()) as i64;
        let mut low = a.2.min(b.2);
        let (a, b) = if top - low > allowed {
            low = top - allowed;
            (round_parts_away(a, low), round_parts_away(b, low))
        } else {
            (a, b)
        };
        add_parts(a, b, low)
    }

    /// Rounds away from zero so that no digit below 10^`scale` remains; also reports
    /// whether the value was already exact at that scale.
    pub(super) fn round_away(&self, scale: i64) -> (Self, bool) {
        if self.is_zero() || self.exponent() >= scale {
            return (self.clone(), true);
        }
        if let Self::Small {
            coefficient,
            exponent,
        } = self
        {
            let unit = u32::try_from(scale - exponent)
                .ok()
                .and_then(|shift| 10i64.checked_pow(shift));
            let kept = unit.map_or(0, |unit| coefficient / unit);
            return (
                Self::new(i128::from(kept) + i128::from(coefficient.signum()), scale),
                false,
            );
        }
        let (negative, digits, exponent) = round_parts_away(self.parts(), scale);
        (Self::from_digits(negative, &digits, exponent), false)
    }

    /// The value in units of 10^`scale`, rounded away from zero, if it fits an `i64`.
    pub(super) fn to_i64_at(&self, scale: i64) -> Option<i64> {
        let (rounded, _) = self.round_away(scale);
        match rounded {
            Self::Small {
                coefficient,
                exponent,
            } => {
                let shift = u32::try_from(exponent - scale).ok()?;
                coefficient.checked_mul(10i64.checked_pow(shift)?)
            }
            Self::Big(_) => None,
        }
    }

    /// The integer magnitude as digit values (most significant first) if the value is a
    /// whole number of at most `max_digits` digits.
    pub(super) fn integer_digits(&self, max_digits: usize) -> Option<Vec<u8>> {
        let exponent = usize::try_from(self.exponent()).ok()?;
        let (_, mut digits, _) = self.parts();
        if digits.len().checked_add(exponent)? > max_digits {
            return None;
        }
        digits.resize(digits.len() + exponent, 0);
        Some(digits)
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Self::ZERO
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (sa, sb) = (self.signum(), other.signum());
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = match (self, other) {
            (
                Self::Small {
                    coefficient: a,
                    exponent: ea,
                },
                Self::Small {
                    coefficient: b,
                    exponent: eb,
                },
            ) => cmp_small(a.unsigned_abs(), *ea, b.unsigned_abs(), *eb),
            _ => {
                let (a, b) = (self.parts(), other.parts());
                cmp_digits(&a.1, a.2, &b.1, b.2)
            }
        };
        if sa > 0 {
            magnitude
        } else {
            magnitude.reverse()
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Removes trailing zero digits; returns how many.
fn strip_trailing_zeros(digits: &mut Vec<u8>) -> i64 {
    let kept = digits.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1);
    let removed = digits.len() - kept;
    digits.truncate(kept);
    removed as i64
}

/// Compares a × 10^ea with b × 10^eb (both non-zero).
fn cmp_small(a: u64, ea: i64, b: u64, eb: i64) -> Ordering {
    let scaled = |m: u64, by: i64| -> Option<u128> {
        u32::try_from(by)
            .ok()
            .and_then(|by| 10u128.checked_pow(by))
            .and_then(|p| u128::from(m).checked_mul(p))
    };
    if ea >= eb {
        scaled(a, ea - eb).map_or(Ordering::Greater, |a| a.cmp(&u128::from(b)))
    } else {
        scaled(b, eb - ea).map_or(Ordering::Less, |b| u128::from(a).cmp(&b))
    }
}

/// Compares two normalized non-zero magnitudes given as digits and exponents.
fn cmp_digits(a: &[u8], ea: i64, b: &[u8], eb: i64) -> Ordering {
    let (top_a, top_b) = (ea + a.len() as i64, eb + b.len() as i64);
    if top_a != top_b {
        return top_a.cmp(&top_b);
    }
    // Same magnitude order: compare digit by digit, missing digits being zeros.
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            )
        })
        .find(|(x, y)| x != y)
        .map_or(Ordering::Equal, |(x, y)| x.cmp(&y))
}

/// Rounds sign/digits/exponent away from zero at 10^`scale` (kept unnormalized).
fn round_parts_away(parts: (bool, Vec<u8>, i64), scale: i64) -> (bool, Vec<u8>, i64) {
    let (negative, mut digits, exponent) = parts;
    if exponent >= scale || digits.is_empty() {
        return (negative, digits, exponent);
    }
    let drop = usize::try_from(scale - exponent).unwrap_or(usize::MAX);
    digits.truncate(digits.len().saturating_sub(drop));
    // The dropped digits end in a non-zero one, so the magnitude goes up by one unit.
    increment(&mut digits);
    (negative, digits, scale)
}

/// Adds one to a big-endian digit string, growing it on carry.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// Little-endian digits of `digits` × 10^`exponent` at exponent `low` (≤ `exponent`).
fn aligned(digits: &[u8], exponent: i64, low: i64) -> Vec<u8> {
    let shift = (exponent - low) as usize;
    let mut out = vec![0; shift];
    out.extend(digits.iter().rev());
    out
}

/// Exact sum of two signed digit strings aligned at exponent `low`.
fn add_parts(a: (bool, Vec<u8>, i64), b: (bool, Vec<u8>, i64), low: i64) -> Decimal {
    let (x, y) = (aligned(&a.1, a.2, low), aligned(&b.1, b.2, low));
    let n = x.len().max(y.len());
    let digit = |v: &[u8], i: usize| i32::from(v.get(i).copied().unwrap_or(0));
    let mut out = Vec::with_capacity(n + 1);
    let negative;
    if a.0 == b.0 {
        negative = a.0;
        let mut carry = 0;
        for i in 0..n {
            let s = digit(&x, i) + digit(&y, i) + carry;
            out.push((s % 10) as u8);
            carry = s / 10;
        }
        if carry > 0 {
            out.push(carry as u8);
        }
    } else {
        // Subtract the smaller magnitude from the larger; the result takes its sign.
        let (big, small, big_negative) = match cmp_digits(&a.1, a.2, &b.1, b.2) {
            Ordering::Less => (&y, &x, b.0),
            Ordering::Greater => (&x, &y, a.0),
            Ordering::Equal => return Decimal::ZERO,
        };
        negative = big_negative;
        let mut borrow = 0;
        for i in 0..n {
            let mut d = digit(big, i) - digit(small, i) - borrow;
            borrow = i32::from(d < 0);
            if d < 0 {
                d += 10;
            }
            out.push(d as u8);
        }
    }
    out.reverse();
    Decimal::from_digits(negative, &out, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str, exponent: i64) -> Decimal {
        let negative = s.starts_with('-');
        let digits: Vec<u8> = s
            .trim_start_matches('-')
            .bytes()
            .map(|b| b - b'0')
            .collect();
        Decimal::from_digits(negative, &digits, exponent)
    }

    #[test]
    fn normalization_makes_equal_values_equal() {
        assert_eq!(Decimal::new(1000, 0), Decimal::new(1, 3));
        assert_eq!(big("000120", -1), Decimal::new(12, 0));
        assert_eq!(
            Decimal::new(i128::from(i64::MAX) + 1, 0),
            big("9223372036854775808", 0)
        );
        assert!(matches!(big("9223372036854775808", 0), Decimal::Big(_)));
        assert!(matches!(
            big("-9223372036854775808", 0),
            Decimal::Small { .. }
        ));
        assert_eq!(big("000", 5), Decimal::ZERO);
        assert_eq!(
            Decimal::new(10i128.pow(20), 0),
            Decimal::Small {
                coefficient: 1,
                exponent: 20
            }
        );
    }

    #[test]
    fn sums_are_exact_across_representations() {
        let a = big("99999999999999999999999999999999999999999", 0);
        let one = Decimal::new(1, 0);
        assert_eq!(a.add(&one), Decimal::new(1, 41));
        assert_eq!(Decimal::new(1, 41).add(&one.neg()), a);
        assert_eq!(a.add(&a.neg()), Decimal::ZERO);
        let x = Decimal::new(i128::from(i64::MAX), -10);
        assert_eq!(x.add(&x), Decimal::new(2 * i128::from(i64::MAX), -10));
        assert_eq!(
            Decimal::new(-5, 0).add(&big("12345678901234567890123", 0)),
            big("12345678901234567890118", 0)
        );
    }

    #[test]
    fn huge_gaps_round_instead_of_allocating() {
        let huge = Decimal::new(1, 2_000_000_000);
        let sum = huge.add(&Decimal::new(1, 0));
        assert!(sum > huge);
        assert!(sum.parts().1.len() <= MAX_EXACT_SPAN + 1);
    }

    #[test]
    fn rounding_goes_away_from_zero() {
        assert_eq!(
            Decimal::new(901, -2).round_away(-1),
            (Decimal::new(91, -1), false)
        );
        assert_eq!(
            Decimal::new(-901, -2).round_away(0),
            (Decimal::new(-10, 0), false)
        );
        assert_eq!(
            Decimal::new(1, -40).round_away(-9),
            (Decimal::new(1, -9), false)
        );
        assert_eq!(
            big("-19999999999999999999999", -3).round_away(0),
            (big("-20000000000000000000", 0), false)
        );
        assert_eq!(Decimal::new(5, 3).round_away(0), (Decimal::new(5, 3), true));
        assert_eq!(Decimal::ZERO.round_away(5), (Decimal::ZERO, true));
    }

    #[test]
    fn ordering_is_by_value() {
        assert!(big("12345678901234567890", 0) > Decimal::new(i128::from(i64::MAX), 0));
        assert!(big("-12345678901234567890", 0) < Decimal::new(i128::from(i64::MIN), 0));
        assert!(big("12345678901234567891", -1) > big("1234567890123456789", 0));
        assert_eq!(
            big("10000000000000000000001", -22).cmp(&Decimal::new(1, 0)),
            Ordering::Greater
        );
        assert_eq!(
            Decimal::new(1, 2_000_000_000).cmp(&Decimal::new(9, 1_999_999_999)),
            Ordering::Greater
        );
    }

    #[test]
    fn whole_numbers_convert_to_i64_or_digits() {
        assert_eq!(Decimal::new(15, -1).to_i64_at(0), Some(2));
        assert_eq!(Decimal::new(-15, -1).to_i64_at(0), Some(-2));
        assert_eq!(Decimal::new(1, 19).to_i64_at(0), None);
        assert_eq!(Decimal::new(1, 2).to_i64_at(-3), Some(100_000));
        assert_eq!(
            Decimal::new(12, 2).integer_digits(10),
            Some(vec![1, 2, 0, 0])
        );
        assert_eq!(Decimal::new(12, -1).integer_digits(10), None);
        assert_eq!(Decimal::new(1, 20).integer_digits(10), None);
    }
}
