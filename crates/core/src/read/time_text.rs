//! Times as the wire writes them, read without `time`'s format-description parser: RFC 3339
//! instants (`2021-07-12T20:00:00.25+09:00`), dates (`2021-07-12`), offsets (`+09:00`) and clock
//! times (`09:30`). Each accepts what serde's `with` modules in [`crate::campaign`] and
//! [`crate::wire`] write, and refuses what they refuse.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as `time::serde::rfc3339` reads it (which also
/// takes a lower-case `t`/`z` or a space between date and time).
pub fn rfc3339(text: &str) -> Option<OffsetDateTime> {
    let bytes = text.as_bytes();
    let date = iso_date(text.get(..10)?)?;
    if !matches!(bytes.get(10)?, b'T' | b't' | b' ')
        || *bytes.get(13)? != b':'
        || *bytes.get(16)? != b':'
    {
        return None;
    }
    let hour = two_digits(bytes, 11)?;
    let minute = two_digits(bytes, 14)?;
    let second = two_digits(bytes, 17)?;
    let mut at = 19;
    let mut nanos: u32 = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(digit @ b'0'..=b'9') = bytes.get(at).copied() {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(digit - b'0');
            }
            at += 1;
        }
        let written = at - start;
        if written == 0 {
            return None;
        }
        for _ in written..9 {
            nanos *= 10;
        }
    }
    let offset = match text.get(at..)? {
        "Z" | "z" => UtcOffset::UTC,
        rest => utc_offset(rest)?,
    };
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn iso_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::from(two_digits(bytes, 0)?) * 100 + i32::from(two_digits(bytes, 2)?);
    let month = Month::try_from(two_digits(bytes, 5)?).ok()?;
    Date::from_calendar_date(year, month, two_digits(bytes, 8)?).ok()
}

/// `+HH:MM` or `-HH:MM`.
pub fn utc_offset(text: &str) -> Option<UtcOffset> {
    let bytes = text.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let hours = i8::try_from(two_digits(bytes, 1)?).ok()?;
    let minutes = i8::try_from(two_digits(bytes, 4)?).ok()?;
    match bytes[0] {
        b'+' => UtcOffset::from_hms(hours, minutes, 0).ok(),
        b'-' => UtcOffset::from_hms(-hours, -minutes, 0).ok(),
        _ => None,
    }
}

/// `HH:MM`.
pub fn clock_time(text: &str) -> Option<Time> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    Time::from_hms(two_digits(bytes, 0)?, two_digits(bytes, 3)?, 0).ok()
}

/// The two ASCII digits at `at`.
fn two_digits(bytes: &[u8], at: usize) -> Option<u8> {
    match bytes.get(at..at + 2)? {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => Some((tens - b'0') * 10 + (ones - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::format_description::well_known::Rfc3339;
    use time::macros::{date, datetime, offset, time};

    #[test]
    fn instants_read_as_time_reads_them() {
        for text in [
            "2021-07-12T20:00:00+09:00",
            "2021-07-12T20:00:00Z",
            "2021-07-12T19:59:58.123+09:00",
            "2021-07-12T19:59:58.000000001-03:30",
            "1999-12-31t23:59:59.5z",
            "2021-07-12 20:00:00Z",
            "2024-02-29T00:00:00+00:00",
        ] {
            assert_eq!(
                rfc3339(text),
                Some(OffsetDateTime::parse(text, &Rfc3339).unwrap()),
                "{text}"
            );
        }
        assert_eq!(
            rfc3339("2021-07-12T19:59:58.123+09:00"),
            Some(datetime!(2021-07-12 19:59:58.123 +09:00))
        );
        for bad in [
            "",
            "2021-07-12",
            "2021-07-12T20:00:00",
            "2021-07-12T20:00Z",
            "2021-07-12T24:00:00Z",
            "2021-07-12T20:60:00Z",
            "2021-02-29T20:00:00Z",
            "2021-07-12T20:00:00.Z",
            "2021-07-12T20:00:00+0900",
            "2021-07-12T20:00:00+9:00",
            "2021-07-12T20:00:00+09:00 ",
            "２０２１-07-12T20:00:00Z",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad:?}");
            assert!(OffsetDateTime::parse(bad, &Rfc3339).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_offsets_and_clock_times() {
        assert_eq!(iso_date("2021-07-12"), Some(date!(2021 - 07 - 12)));
        assert_eq!(iso_date("2021-02-30"), None);
        assert_eq!(iso_date("2021-7-12"), None);
        assert_eq!(iso_date("2021/07/12"), None);
        assert_eq!(utc_offset("+09:00"), Some(offset!(+9)));
        assert_eq!(utc_offset("-03:30"), Some(offset!(-3:30)));
        assert_eq!(utc_offset("09:00"), None);
        assert_eq!(utc_offset("+26:00"), None);
        assert_eq!(clock_time("09:30"), Some(time!(09:30)));
        assert_eq!(clock_time("9:30"), None);
        assert_eq!(clock_time("24:00"), None);
    }
}
