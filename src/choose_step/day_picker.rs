//! The days of the centre picked, each with the places left; a full day cannot be picked.

use fairline_core::booking::SiteSummary;
use leptos::prelude::*;

use super::radio::radio;
use crate::format::{format_day, format_day_with_weekday};
use crate::session::Session;
use crate::text;

/// The day radios of the centre picked among `sites`.
#[component]
pub fn DayPicker(sites: Vec<SiteSummary>) -> impl IntoView {
    let choice = expect_context::<Session>().choice;
    move || {
        let chosen = choice.with(|c| c.site.clone())?;
        let chosen_site = sites.iter().find(|s| s.id == chosen)?;
        let radios = chosen_site
            .days
            .iter()
            .map(|d| {
                let this = d.day;
                let full = d.remaining == 0;
                let detail = if full {
                    text::FULL.to_owned()
                } else {
                    text::places_left(d.remaining)
                };
                radio(
                    "fl-day",
                    format!("fl-day-{}", format_day(this)),
                    format_day_with_weekday(this),
                    Some(detail),
                    full,
                    move || choice.with(|c| c.day == Some(this)),
                    move || choice.update(|c| c.pick_day(this)),
                )
            })
            .collect_view();
        Some(
            view! { <fieldset class="fl-group fl-days"><legend>{text::DAY}</legend>{radios}</fieldset> },
        )
    }
}
