//! Formatting of instants, days and durations for citizens (pure functions, tested natively).

use core::time::Duration;

use time::{Date, OffsetDateTime};

/// `2021-07-12 20:00 (UTC+09:00)`: the instant in its own offset, with that offset.
pub fn format_local(instant: OffsetDateTime) -> String {
    let offset = instant.offset();
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{} {} (UTC{sign}{:02}:{:02})",
        format_day(instant.date()),
        format_clock(instant),
        hours.unsigned_abs(),
        minutes.unsigned_abs(),
    )
}

/// The campaign-time text for `instant`, followed by the citizen's own time when their device's
/// zone (`device_offset`) differs: `2021-07-19 20:00 (UTC+09:00); your time 2021-07-19 12:00
/// (UTC+01:00)`.
pub fn format_for_citizen(
    instant_in_campaign_time: OffsetDateTime,
    device_offset: Option<time::UtcOffset>,
) -> String {
    let campaign_text = format_local(instant_in_campaign_time);
    match device_offset {
        Some(offset) if offset != instant_in_campaign_time.offset() => format!(
            "{campaign_text}; {} {}",
            crate::text::YOUR_TIME,
            format_local(instant_in_campaign_time.to_offset(offset))
        ),
        _ => campaign_text,
    }
}

/// `2021-07-26`.
pub fn format_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// `Mon 2021-07-26`.
pub fn format_day_with_weekday(day: Date) -> String {
    let weekday = match day.weekday() {
        time::Weekday::Monday => "Mon",
        time::Weekday::Tuesday => "Tue",
        time::Weekday::Wednesday => "Wed",
        time::Weekday::Thursday => "Thu",
        time::Weekday::Friday => "Fri",
        time::Weekday::Saturday => "Sat",
        time::Weekday::Sunday => "Sun",
    };
    format!("{weekday} {}", format_day(day))
}

/// `20:05`, in the instant's own offset.
pub fn format_clock(instant: OffsetDateTime) -> String {
    format!("{:02}:{:02}", instant.hour(), instant.minute())
}

/// A countdown: `2 d 3 h`, `3 h 05 min`, `4 min 30 s`, `12 s`.
pub fn format_countdown(left: Duration) -> String {
    let total = left.as_secs();
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        total / 3_600 % 24,
        total / 60 % 60,
        total % 60,
    );
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min {seconds:02} s")
    } else {
        format!("{seconds} s")
    }
}

/// A wait bound in whole minutes: `0 min`, `12 min`, `1 h 05 min`.
pub fn format_minutes(wait: Duration) -> String {
    let minutes = wait.as_secs() / 60;
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

/// A clock offset for the skew notice: `1 d 0 h`, `3 min 10 s`.
pub fn format_skew(by: Duration) -> String {
    format_countdown(by)
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
    use time::macros::{date, datetime};

    #[test]
    fn instants_are_shown_in_their_own_offset() {
        assert_eq!(
            format_local(datetime!(2021-07-12 20:00 +09:00)),
            "2021-07-12 20:00 (UTC+09:00)"
        );
        assert_eq!(
            format_local(datetime!(2021-07-12 08:05 -03:30)),
            "2021-07-12 08:05 (UTC-03:30)"
        );
        assert_eq!(
            format_day_with_weekday(date!(2021 - 07 - 26)),
            "Mon 2021-07-26"
        );
    }

    #[test]
    fn countdowns_pick_two_units() {
        assert_eq!(format_countdown(Duration::from_secs(12)), "12 s");
        assert_eq!(format_countdown(Duration::from_secs(270)), "4 min 30 s");
        assert_eq!(
            format_countdown(Duration::from_secs(3 * 3600 + 300)),
            "3 h 05 min"
        );
        assert_eq!(
            format_countdown(Duration::from_secs(86_400 + 3_600)),
            "1 d 1 h"
        );
        assert_eq!(format_minutes(Duration::from_secs(59)), "0 min");
        assert_eq!(format_minutes(Duration::from_secs(3_900)), "1 h 05 min");
        assert_eq!(place_from_rank(0), 1);
        assert_eq!(place_from_rank(u64::MAX), u64::MAX);
    }
}

#[cfg(test)]
mod citizen_time_tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::format_for_citizen;
    use time::macros::{datetime, offset};

    #[test]
    fn the_citizens_own_time_follows_when_their_zone_differs() {
        let opens = datetime!(2021-07-19 20:00 +09:00);
        assert_eq!(
            format_for_citizen(opens, None),
            "2021-07-19 20:00 (UTC+09:00)"
        );
        assert_eq!(
            format_for_citizen(opens, Some(offset!(+09:00))),
            "2021-07-19 20:00 (UTC+09:00)"
        );
        assert_eq!(
            format_for_citizen(opens, Some(offset!(+01:00))),
            "2021-07-19 20:00 (UTC+09:00); your time 2021-07-19 12:00 (UTC+01:00)"
        );
    }
}
