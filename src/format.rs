//! Dates, times, durations and counts as each language writes them (pure functions, tested
//! natively): Korean `2021년 7월 20일 (화) 오후 8:00`, English `Tue 20 July 2021, 20:00`, counts
//! with digit grouping, waits as `약 12–18분` / `about 12–18 min`.
//!
//! Written by hand rather than through the browser's `Intl`: the tables are a few hundred bytes,
//! the output is the same in every browser (Chromium's `ko` style is `2021. 7. 20.`), and fixed
//! UTC offsets as time zones are missing from older phones' `Intl`.

use core::time::Duration;

use time::{Date, OffsetDateTime, UtcOffset};

use crate::i18n::{Locale, Msg};

const WEEKDAYS_KO: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `UTC+9`, `UTC+5:30`, `UTC-3:30`, `UTC`.
pub fn offset_text(offset: UtcOffset) -> String {
    let (hours, minutes, _) = offset.as_hms();
    if hours == 0 && minutes == 0 {
        return "UTC".to_owned();
    }
    let sign = if offset.is_negative() { '-' } else { '+' };
    let hours = hours.unsigned_abs();
    match minutes.unsigned_abs() {
        0 => format!("UTC{sign}{hours}"),
        minutes => format!("UTC{sign}{hours}:{minutes:02}"),
    }
}

/// `2021-07-26` (for element ids and machine-readable text, not for reading).
pub fn iso_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

fn weekday(day: Date, locale: Locale) -> &'static str {
    let index = usize::from(day.weekday().number_days_from_monday());
    match locale {
        Locale::Ko => WEEKDAYS_KO[index],
        Locale::En => WEEKDAYS_EN[index],
    }
}

/// A day with its weekday: `2021년 7월 26일 (월)`, `Mon 26 July 2021`.
pub fn format_date(day: Date, locale: Locale) -> String {
    let month = u8::from(day.month());
    match locale {
        Locale::Ko => format!(
            "{}년 {month}월 {}일 ({})",
            day.year(),
            day.day(),
            weekday(day, locale)
        ),
        Locale::En => format!(
            "{} {} {} {}",
            weekday(day, locale),
            day.day(),
            MONTHS_EN[usize::from(month - 1)],
            day.year()
        ),
    }
}

/// A day of a list of days, without the year: `7월 26일 (월)`, `Mon 26 July`.
pub fn format_day_short(day: Date, locale: Locale) -> String {
    let month = u8::from(day.month());
    match locale {
        Locale::Ko => format!("{month}월 {}일 ({})", day.day(), weekday(day, locale)),
        Locale::En => format!(
            "{} {} {}",
            weekday(day, locale),
            day.day(),
            MONTHS_EN[usize::from(month - 1)]
        ),
    }
}

/// Korean's half of the day and its 12-hour clock: `("오후", 8)`.
fn korean_half(hour: u8) -> (&'static str, u8) {
    let half = if hour < 12 { "오전" } else { "오후" };
    let twelve = match hour % 12 {
        0 => 12,
        h => h,
    };
    (half, twelve)
}

/// The time of day, in the instant's own offset: `오후 8:05`, `20:05`.
pub fn format_clock(instant: OffsetDateTime, locale: Locale) -> String {
    let minute = instant.minute();
    match locale {
        Locale::Ko => {
            let (half, hour) = korean_half(instant.hour());
            format!("{half} {hour}:{minute:02}")
        }
        Locale::En => format!("{:02}:{minute:02}", instant.hour()),
    }
}

/// A span of time on one day: `오전 9:00–9:30`, `오전 11:30–오후 12:00`, `09:00–09:30`.
pub fn format_clock_range(starts: OffsetDateTime, ends: OffsetDateTime, locale: Locale) -> String {
    let start = format_clock(starts, locale);
    let end = format_clock(ends, locale);
    let end = match locale {
        Locale::Ko if korean_half(starts.hour()).0 == korean_half(ends.hour()).0 => end
            .split_once(' ')
            .map_or(end.clone(), |(_, clock)| clock.to_owned()),
        _ => end,
    };
    format!("{start}–{end}")
}

/// An instant in its own offset, with the offset: `2021년 7월 12일 (월) 오후 8:00 (UTC+9)`,
/// `Mon 12 July 2021, 20:00 (UTC+9)`.
pub fn format_local(instant: OffsetDateTime, locale: Locale) -> String {
    at_day(instant, &format_clock(instant, locale), locale)
}

/// A booked time: `2021년 7월 26일 (월) 오전 9:00–9:30 (UTC+9)`, `Mon 26 July 2021,
/// 09:00–09:30 (UTC+9)`.
pub fn format_slot(starts: OffsetDateTime, ends: OffsetDateTime, locale: Locale) -> String {
    at_day(starts, &format_clock_range(starts, ends, locale), locale)
}

/// `clock` on `instant`'s day, with `instant`'s offset.
fn at_day(instant: OffsetDateTime, clock: &str, locale: Locale) -> String {
    let day = format_date(instant.date(), locale);
    let separator = match locale {
        Locale::Ko => " ",
        Locale::En => ", ",
    };
    format!(
        "{day}{separator}{clock} ({})",
        offset_text(instant.offset())
    )
}

/// The campaign-time text for `instant`, followed by the citizen's own time when their device's
/// zone (`device_offset`) differs.
pub fn format_for_citizen(
    instant_in_campaign_time: OffsetDateTime,
    device_offset: Option<UtcOffset>,
    locale: Locale,
) -> String {
    let campaign_text = format_local(instant_in_campaign_time, locale);
    match device_offset {
        Some(offset) if offset != instant_in_campaign_time.offset() => Msg::TimeAndYours.fill(
            locale,
            &[
                ("time", &campaign_text),
                (
                    "yours",
                    &format_local(instant_in_campaign_time.to_offset(offset), locale),
                ),
            ],
        ),
        _ => campaign_text,
    }
}

/// Units of a duration: day, hour, minute, second.
fn units(locale: Locale) -> [&'static str; 4] {
    match locale {
        Locale::Ko => ["일", "시간", "분", "초"],
        Locale::En => [" d", " h", " min", " s"],
    }
}

/// A countdown in its two largest units: `2일 3시간`, `3시간 5분`, `4분 30초`, `12초`;
/// `2 d 3 h`, `3 h 05 min`, `4 min 30 s`, `12 s`.
pub fn format_countdown(left: Duration, locale: Locale) -> String {
    let total = left.as_secs();
    let parts = [
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    ];
    let first = parts.iter().position(|&part| part > 0).unwrap_or(3);
    let unit = units(locale);
    let mut text = format!("{}{}", parts[first], unit[first]);
    if first < 3 {
        let next = parts[first + 1];
        match locale {
            Locale::Ko => text.push_str(&format!(" {next}{}", unit[first + 1])),
            Locale::En if first == 0 => text.push_str(&format!(" {next}{}", unit[1])),
            Locale::En => text.push_str(&format!(" {next:02}{}", unit[first + 1])),
        }
    }
    text
}

/// A wait in whole minutes: `12분`, `1시간 5분`; `12 min`, `1 h 05 min`.
pub fn format_minutes(wait: Duration, locale: Locale) -> String {
    let minutes = wait.as_secs() / 60;
    if minutes < 60 {
        return format!("{minutes}{}", units(locale)[2]);
    }
    format_countdown(Duration::from_secs(minutes * 60), locale)
}

/// A wait range for [`Msg::WaitRange`]: `12–18분`, `12–18 min` under an hour (the unit once),
/// `50분–1시간 10분` past it, one number when both ends agree.
pub fn format_wait_range(low: Duration, high: Duration, locale: Locale) -> String {
    let (low_min, high_min) = (low.as_secs() / 60, high.as_secs() / 60);
    if low_min == high_min {
        format_minutes(low, locale)
    } else if high_min < 60 {
        format!("{low_min}–{high_min}{}", units(locale)[2])
    } else {
        format!(
            "{}–{}",
            format_minutes(low, locale),
            format_minutes(high, locale)
        )
    }
}

/// A count with its thousands grouped: `12,345`.
pub fn group_digits(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A number of people: `12,345명`, `12,345 people`, `1 person`.
pub fn format_people(count: u64, locale: Locale) -> String {
    let msg = if count == 1 {
        Msg::PeopleOne
    } else {
        Msg::People
    };
    msg.fill(locale, &[("count", &group_digits(count))])
}

/// Human ordinal place from a zero-based rank: rank 0 is place 1.
pub fn place_from_rank(rank: u64) -> u64 {
    rank.saturating_add(1)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::{date, datetime, offset};
    use Locale::{En, Ko};

    #[test]
    fn instants_are_written_as_each_language_writes_them() {
        let opening = datetime!(2021-07-20 20:00 +09:00);
        assert_eq!(
            format_local(opening, Ko),
            "2021년 7월 20일 (화) 오후 8:00 (UTC+9)"
        );
        assert_eq!(format_local(opening, En), "Tue 20 July 2021, 20:00 (UTC+9)");
        let morning = datetime!(2021-07-12 00:05 -03:30);
        assert_eq!(
            format_local(morning, Ko),
            "2021년 7월 12일 (월) 오전 12:05 (UTC-3:30)"
        );
        assert_eq!(
            format_local(morning, En),
            "Mon 12 July 2021, 00:05 (UTC-3:30)"
        );
        assert_eq!(offset_text(offset!(UTC)), "UTC");
        assert_eq!(
            format_clock(datetime!(2021-07-12 12:30 UTC), Ko),
            "오후 12:30"
        );
        assert_eq!(format_day_short(date!(2021 - 07 - 26), Ko), "7월 26일 (월)");
        assert_eq!(format_day_short(date!(2021 - 07 - 26), En), "Mon 26 July");
        assert_eq!(iso_day(date!(2021 - 07 - 26)), "2021-07-26");
    }

    #[test]
    fn a_booked_time_names_its_day_once() {
        let (starts, ends) = (
            datetime!(2021-07-26 09:00 +09:00),
            datetime!(2021-07-26 09:30 +09:00),
        );
        assert_eq!(
            format_slot(starts, ends, Ko),
            "2021년 7월 26일 (월) 오전 9:00–9:30 (UTC+9)"
        );
        assert_eq!(
            format_slot(starts, ends, En),
            "Mon 26 July 2021, 09:00–09:30 (UTC+9)"
        );
        let noon = datetime!(2021-07-26 12:00 +09:00);
        assert_eq!(
            format_clock_range(datetime!(2021-07-26 11:30 +09:00), noon, Ko),
            "오전 11:30–오후 12:00"
        );
    }

    #[test]
    fn countdowns_and_waits_pick_two_units() {
        let secs = Duration::from_secs;
        assert_eq!(format_countdown(secs(12), Ko), "12초");
        assert_eq!(format_countdown(secs(12), En), "12 s");
        assert_eq!(format_countdown(secs(270), Ko), "4분 30초");
        assert_eq!(format_countdown(secs(270), En), "4 min 30 s");
        assert_eq!(format_countdown(secs(3 * 3600 + 300), Ko), "3시간 5분");
        assert_eq!(format_countdown(secs(3 * 3600 + 300), En), "3 h 05 min");
        assert_eq!(format_countdown(secs(86_400 + 3_600), Ko), "1일 1시간");
        assert_eq!(format_countdown(secs(86_400 + 3_600), En), "1 d 1 h");
        assert_eq!(format_minutes(secs(59), En), "0 min");
        assert_eq!(format_minutes(secs(3_900), Ko), "1시간 5분");
        assert_eq!(format_wait_range(secs(720), secs(1_080), Ko), "12–18분");
        assert_eq!(format_wait_range(secs(720), secs(1_080), En), "12–18 min");
        assert_eq!(
            format_wait_range(secs(3_000), secs(4_200), En),
            "50 min–1 h 10 min"
        );
        assert_eq!(format_wait_range(secs(600), secs(630), Ko), "10분");
    }

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(12_345), "12,345");
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(format_people(12_345, Ko), "12,345명");
        assert_eq!(format_people(12_345, En), "12,345 people");
        assert_eq!(format_people(1, En), "1 person");
        assert_eq!(place_from_rank(0), 1);
        assert_eq!(place_from_rank(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_citizens_own_time_follows_when_their_zone_differs() {
        let opens = datetime!(2021-07-19 20:00 +09:00);
        assert_eq!(
            format_for_citizen(opens, None, En),
            "Mon 19 July 2021, 20:00 (UTC+9)"
        );
        assert_eq!(
            format_for_citizen(opens, Some(offset!(+09:00)), Ko),
            "2021년 7월 19일 (월) 오후 8:00 (UTC+9)"
        );
        assert_eq!(
            format_for_citizen(opens, Some(offset!(+01:00)), En),
            "Mon 19 July 2021, 20:00 (UTC+9); your time Mon 19 July 2021, 12:00 (UTC+1)"
        );
        assert_eq!(
            format_for_citizen(opens, Some(offset!(+01:00)), Ko),
            "2021년 7월 19일 (월) 오후 8:00 (UTC+9), 이 기기 시간으로 2021년 7월 19일 (월) 오후 12:00 (UTC+1)"
        );
    }
}
