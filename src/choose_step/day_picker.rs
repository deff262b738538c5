//! The days of the centre picked, each with the places left; a full day cannot be picked.

use fairline_core::booking::SiteSummary;
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

/// The day radios of the centre picked among `sites`.
#[component]
pub fn DayPicker(sites: Vec<SiteSummary>) -> impl IntoView {
    let choice = expect_context::<Session>().choice;
    let i18n = use_i18n();
    move || {
        let locale = i18n.locale();
        let chosen = choice.with(|c| c.site.clone())?;
        let chosen_site = sites.iter().find(|s| s.id == chosen)?;
        let radios = chosen_site
            .days
            .iter()
            .map(|d| {
                let this = d.day;
                let full = d.remaining == 0;
                radio(
                    "fl-day",
                    format!("fl-day-{}", iso_day(this)),
                    format_day_short(this, locale),
                    Some(places_text(d.remaining, locale)),
                    full,
                    move || choice.with(|c| c.day == Some(this)),
                    move || choice.update(|c| c.pick_day(this)),
                )
            })
            .collect_view();
        Some(
            view! { <fieldset class="fl-group fl-days"><legend>{Msg::Day.get(locale)}</legend>{radios}</fieldset> },
        )
    }
}
