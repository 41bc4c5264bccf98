//! The text form of timestamps: reading and writing Go's `time.RFC3339` and
//! `RFC3339Micro` layouts with Go's rules and error messages, on a proleptic Gregorian
//! calendar.
//!
//! Reading follows Go's layout-driven `time.Parse` rather than the RFC to the letter:
//! the hour may have one digit, a fraction may follow the seconds after `.` or `,` (any
//! number of digits, nanoseconds kept), and offsets up to `±24:60` are accepted. The
//! micro layout wants exactly six fractional digits.

/// Which of the two API layouts to read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `2006-01-02T15:04:05Z07:00`: whole seconds on output, any fraction on input.
    Seconds,
    /// `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits.
    Micro,
}

impl Layout {
    fn text(self) -> &'static str {
        match self {
            Self::Seconds => "2006-01-02T15:04:05Z07:00",
            Self::Micro => "2006-01-02T15:04:05.000000Z07:00",
        }
    }

    fn chunks(self) -> &'static [Chunk] {
        const fn chunk(prefix: &'static str, field: Field, text: &'static str) -> Chunk {
            Chunk {
                prefix,
                field,
                text,
            }
        }
        const SECONDS: &[Chunk] = &[
            chunk("", Field::Year, "2006"),
            chunk("-", Field::Month, "01"),
            chunk("-", Field::Day, "02"),
            chunk("T", Field::Hour, "15"),
            chunk(":", Field::Minute, "04"),
            chunk(":", Field::Second, "05"),
            chunk("", Field::Zone, "Z07:00"),
        ];
        const MICRO: &[Chunk] = &[
            chunk("", Field::Year, "2006"),
            chunk("-", Field::Month, "01"),
            chunk("-", Field::Day, "02"),
            chunk("T", Field::Hour, "15"),
            chunk(":", Field::Minute, "04"),
            chunk(":", Field::Second, "05"),
            chunk("", Field::Micros, ".000000"),
            chunk("", Field::Zone, "Z07:00"),
        ];
        match self {
            Self::Seconds => SECONDS,
            Self::Micro => MICRO,
        }
    }
}

/// Literal text to match, then one field of the layout (`text` is its spelling).
struct Chunk {
    prefix: &'static str,
    field: Field,
    text: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Micros,
    Zone,
}

/// The fields read so far.
#[derive(Default)]
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: u32,
    offset_seconds: i64,
}

/// Parses `value` like Go's `time.Parse(layout, value)`; returns seconds since the
/// Unix epoch and nanoseconds, or Go's error message.
pub(crate) fn parse(value: &str, layout: Layout) -> Result<(i64, u32), String> {
    let fail = |rest: &[u8], elem: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value.as_bytes()),
            quote(layout.text().as_bytes()),
            quote(rest),
            quote(elem.as_bytes())
        )
    };
    let out_of_range = |what: &str| {
        format!(
            "parsing time {}: {what} out of range",
            quote(value.as_bytes())
        )
    };

    let mut parts = Parts::default();
    let mut rest = value.as_bytes();
    for chunk in layout.chunks() {
        rest = match rest.strip_prefix(chunk.prefix.as_bytes()) {
            Some(after) => after,
            None => return Err(fail(rest, chunk.prefix)),
        };
        let hold = rest;
        let step = read_field(chunk.field, rest, &mut parts, layout);
        match step {
            Step::Ok(after) => rest = after,
            Step::OutOfRange(what) => return Err(out_of_range(what)),
            Step::Bad => return Err(fail(hold, chunk.text)),
        }
    }
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value.as_bytes()),
            quote(rest)
        ));
    }
    if parts.day < 1 || parts.day > days_in_month(parts.year, parts.month) {
        return Err(out_of_range("day"));
    }
    let days = days_from_civil(parts.year, parts.month, parts.day);
    let secs =
        days * 86_400 + parts.hour * 3600 + parts.minute * 60 + parts.second - parts.offset_seconds;
    Ok((secs, parts.nanos))
}

/// What reading one field did: consumed input, or failed with a range or shape error.
enum Step<'a> {
    Ok(&'a [u8]),
    OutOfRange(&'static str),
    Bad,
}

fn read_field<'a>(field: Field, rest: &'a [u8], parts: &mut Parts, layout: Layout) -> Step<'a> {
    match field {
        Field::Year => {
            if rest.len() < 4 || !is_digit(rest, 0) {
                return Step::Bad;
            }
            match atoi(&rest[..4]) {
                Some(year) => {
                    parts.year = year;
                    Step::Ok(&rest[4..])
                }
                None => Step::Bad,
            }
        }
        Field::Month => match two_digits(rest, true) {
            Some((month, after)) => {
                parts.month = month;
                if (1..=12).contains(&month) {
                    Step::Ok(after)
                } else {
                    Step::OutOfRange("month")
                }
            }
            None => Step::Bad,
        },
        Field::Day => match two_digits(rest, true) {
            Some((day, after)) => {
                parts.day = day;
                Step::Ok(after)
            }
            None => Step::Bad,
        },
        Field::Hour => match two_digits(rest, false) {
            Some((hour, _)) if hour >= 24 => Step::OutOfRange("hour"),
            Some((hour, after)) => {
                parts.hour = hour;
                Step::Ok(after)
            }
            None => Step::Bad,
        },
        Field::Minute => match two_digits(rest, true) {
            Some((minute, _)) if minute >= 60 => Step::OutOfRange("minute"),
            Some((minute, after)) => {
                parts.minute = minute;
                Step::Ok(after)
            }
            None => Step::Bad,
        },
        Field::Second => match two_digits(rest, true) {
            Some((second, _)) if second >= 60 => Step::OutOfRange("second"),
            Some((second, after)) => {
                parts.second = second;
                // A fraction the layout does not spell out is read here, any length.
                let has_fraction =
                    after.len() >= 2 && matches!(after[0], b'.' | b',') && is_digit(after, 1);
                if layout == Layout::Micro || !has_fraction {
                    return Step::Ok(after);
                }
                let n = 1 + after[1..].iter().take_while(|b| b.is_ascii_digit()).count();
                match nanoseconds(after, n) {
                    Fraction::Nanos(nanos) => {
                        parts.nanos = nanos;
                        Step::Ok(&after[n..])
                    }
                    Fraction::Negative => Step::OutOfRange("fractional second"),
                    Fraction::Bad => Step::Bad,
                }
            }
            None => Step::Bad,
        },
        Field::Micros => {
            if rest.len() < 7 {
                return Step::Bad;
            }
            match nanoseconds(rest, 7) {
                Fraction::Nanos(nanos) => {
                    parts.nanos = nanos;
                    Step::Ok(&rest[7..])
                }
                Fraction::Negative => Step::OutOfRange("fractional second"),
                Fraction::Bad => Step::Bad,
            }
        }
        Field::Zone => read_zone(rest, parts),
    }
}

/// `Z` or `±hh:mm`; the range is checked before the sign, as in Go.
fn read_zone<'a>(rest: &'a [u8], parts: &mut Parts) -> Step<'a> {
    if let Some(after) = rest.strip_prefix(b"Z") {
        parts.offset_seconds = 0;
        return Step::Ok(after);
    }
    if rest.len() < 6 || rest[3] != b':' {
        return Step::Bad;
    }
    let (sign, hour, minute, after) = (rest[0], &rest[1..3], &rest[4..6], &rest[6..]);
    let hours = two_digits(hour, true).map(|(h, _)| h);
    let minutes = hours.and_then(|_| two_digits(minute, true).map(|(m, _)| m));
    // Go records both problems and reports the last one.
    if minutes.unwrap_or(0) > 60 {
        return Step::OutOfRange("time zone offset minute");
    }
    if hours.unwrap_or(0) > 24 {
        return Step::OutOfRange("time zone offset hour");
    }
    let (Some(hours), Some(minutes)) = (hours, minutes) else {
        return Step::Bad;
    };
    let offset = (hours * 60 + minutes) * 60;
    parts.offset_seconds = match sign {
        b'+' => offset,
        b'-' => -offset,
        _ => return Step::Bad,
    };
    Step::Ok(after)
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// One or two leading digits (exactly two when `fixed`) and the rest.
fn two_digits(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    let first = i64::from(s[0] - b'0');
    if !is_digit(s, 1) {
        return (!fixed).then_some((first, &s[1..]));
    }
    Some((first * 10 + i64::from(s[1] - b'0'), &s[2..]))
}

/// An optionally signed run of digits filling all of `s` (empty digits read as 0).
fn atoi(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if !digits.iter().all(u8::is_ascii_digit) || digits.len() > 18 {
        return None;
    }
    let n = digits
        .iter()
        .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
    Some(if negative { -n } else { n })
}

enum Fraction {
    Nanos(u32),
    Negative,
    Bad,
}

/// The fraction in the first `n` bytes of `s` (a `.` or `,` and what follows); digits
/// past the ninth are ignored.
fn nanoseconds(s: &[u8], n: usize) -> Fraction {
    if !matches!(s.first(), Some(b'.' | b',')) {
        return Fraction::Bad;
    }
    let n = n.min(10);
    let Some(value) = atoi(&s[1..n]) else {
        return Fraction::Bad;
    };
    let Ok(value) = u32::try_from(value) else {
        return Fraction::Negative;
    };
    Fraction::Nanos(value * 10u32.pow((10 - n) as u32))
}

/// Go's quoting of time values in error messages: `"` and `\` escaped, bytes of
/// control and non-ASCII characters as `\x` escapes.
fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7f => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Writes a timestamp in UTC like Go's `Format` with the layout; the year has at least
/// four digits and a `-` before zero (`-0001-12-31T00:00:00Z`).
pub(crate) fn format(secs: i64, nanos: u32, layout: Layout) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let sign = if y < 0 { "-" } else { "" };
    let mut out = format!(
        "{sign}{:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}",
        y.unsigned_abs()
    );
    if layout == Layout::Micro {
        out.push_str(&format!(".{:06}", nanos / 1000));
    }
    out.push('Z');
    out
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
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_day_conversion_is_consistent() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-719_529), (-1, 12, 31));
    }

    #[test]
    fn years_are_padded_to_four_digits_with_a_leading_minus() {
        let at = |y, m, d| days_from_civil(y, m, d) * 86_400;
        assert_eq!(
            format(at(0, 1, 1), 0, Layout::Seconds),
            "0000-01-01T00:00:00Z"
        );
        assert_eq!(
            format(at(-1, 12, 31), 0, Layout::Seconds),
            "-0001-12-31T00:00:00Z"
        );
        assert_eq!(
            format(at(10_000, 1, 1), 5_000, Layout::Micro),
            "10000-01-01T00:00:00.000005Z"
        );
    }

    #[test]
    fn errors_carry_go_wording() {
        let err = |s| parse(s, Layout::Seconds).unwrap_err();
        assert_eq!(
            err("2024-01-02T03:04:05"),
            r#"parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#
        );
        assert_eq!(
            err("2024-13-02T03:04:05Z"),
            r#"parsing time "2024-13-02T03:04:05Z": month out of range"#
        );
        assert_eq!(
            err("2023-02-29T03:04:05Z"),
            r#"parsing time "2023-02-29T03:04:05Z": day out of range"#
        );
        assert_eq!(
            err("2024-01-02T03:04:05Zx"),
            r#"parsing time "2024-01-02T03:04:05Zx": extra text: "x""#
        );
        assert_eq!(
            err("2024-01-02T03:04:05+25:00"),
            r#"parsing time "2024-01-02T03:04:05+25:00": time zone offset hour out of range"#
        );
        assert_eq!(
            err("é"),
            r#"parsing time "\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa9" as "2006""#
        );
    }
}
