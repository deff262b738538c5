//! The days of the centre picked, each with the places left, grouped by week: the first two weeks
//! with open days shown, later weeks and the full days folded under a line that says what they
//! hold (native `<details>`, no calendar grid for screen readers to struggle with).

use fairline_core::booking::{DayOpen, SiteSummary};
use leptos::prelude::*;

use super::radio::radio;
use crate::format::{format_day_short, group_digits, iso_day};
use crate::i18n::{use_i18n, Locale, Msg};
use crate::session::Session;

/// "마감" / "full", or the places left in words.
pub fn places_text(remaining: u32, locale: Locale) -> String {
    let msg = match remaining {
        0 => return Msg::Full.get(locale).to_owned(),
        1 => Msg::PlacesLeftOne,
        _ => Msg::PlacesLeft,
    };
    msg.fill(locale, &[("count", &group_digits(u64::from(remaining)))])
}

/// Weeks shown unfolded.
pub const WEEKS_SHOWN: usize = 2;

/// The open days in weeks (Monday first), earliest first, and the full days apart.
pub fn by_week(days: &[DayOpen]) -> (Vec<Vec<DayOpen>>, Vec<DayOpen>) {
    let mut weeks: Vec<Vec<DayOpen>> = Vec::new();
    let mut full = Vec::new();
    for day in days {
        if day.remaining == 0 {
            full.push(*day);
            continue;
        }
        // The week's Monday, as a day number (weeks across a new year stay whole).
        let monday = |d: &DayOpen| {
            d.day.to_julian_day() - i32::from(d.day.weekday().number_days_from_monday())
        };
        match weeks.last_mut() {
            Some(week) if week.first().map(monday) == Some(monday(day)) => week.push(*day),
            _ => weeks.push(vec![*day]),
        }
    }
    (weeks, full)
}

/// The day choice for the centre picked.
#[component]
pub fn DayPicker(sites: Vec<SiteSummary>) -> impl IntoView {
    let choice = expect_context::<Session>().choice;
    let i18n = use_i18n();
    move || {
        let locale = i18n.locale();
        let chosen = choice.with(|c| c.site.clone())?;
        let chosen_site = sites.iter().find(|s| s.id == chosen)?;
        let radios = move |days: &[DayOpen]| {
            days.iter()
                .map(|d| {
                    let this = d.day;
                    radio(
                        "fl-day",
                        format!("fl-day-{}", iso_day(this)),
                        format_day_short(this, locale),
                        Some(places_text(d.remaining, locale)),
                        d.remaining == 0,
                        move || choice.with(|c| c.day == Some(this)),
                        move || choice.update(|c| c.pick_day(this)),
                    )
                })
                .collect_view()
        };
        let (weeks, full) = by_week(&chosen_site.days);
        let folded = |summary: String, days: &[DayOpen]| {
            view! {
                <details class="fl-more">
                    <summary>{summary}</summary>
                    <div class="fl-week">{radios(days)}</div>
                </details>
            }
        };
        let shown = weeks
            .iter()
            .take(WEEKS_SHOWN)
            .map(|week| view! { <div class="fl-week">{radios(week)}</div> })
            .collect_view();
        let later = weeks
            .iter()
            .skip(WEEKS_SHOWN)
            .map(|week| {
                let first = format_day_short(week[0].day, locale);
                let summary = Msg::WeekOf.fill(
                    locale,
                    &[("day", &first), ("count", &week.len().to_string())],
                );
                folded(summary, week)
            })
            .collect_view();
        let full = (!full.is_empty()).then(|| {
            let summary = Msg::FullDays.fill(locale, &[("count", &full.len().to_string())]);
            folded(summary, &full)
        });
        Some(view! {
            <fieldset class="fl-group fl-days">
                <legend>{Msg::Day.get(locale)}</legend>
                {shown}
                {later}
                {full}
            </fieldset>
        })
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::date;

    #[test]
    fn open_days_come_in_weeks_from_monday_and_full_days_apart() {
        let day = |day, remaining| DayOpen { day, remaining };
        let days = [
            day(date!(2021 - 07 - 26), 3), // Monday
            day(date!(2021 - 07 - 27), 0),
            day(date!(2021 - 08 - 01), 5), // Sunday: same week
            day(date!(2021 - 08 - 02), 1), // Monday: next week
            day(date!(2022 - 08 - 01), 1), // a year on: another week
            day(date!(2024 - 12 - 31), 1), // Tuesday
            day(date!(2025 - 01 - 02), 1), // Thursday of the same week
        ];
        let (weeks, full) = by_week(&days);
        assert_eq!(weeks.len(), 4);
        assert_eq!(weeks[3], [days[5], days[6]], "a week across the new year");
        assert_eq!(weeks[0], [days[0], days[2]]);
        assert_eq!(weeks[1], [days[3]]);
        assert_eq!(full, [days[1]]);
    }
}
