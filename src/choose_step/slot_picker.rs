//! The times of the day picked, loaded from the server (again after a time turned out full),
//! each with the places left; a full time cannot be picked.

use fairline_core::wire::unix_ms;
use leptos::prelude::*;

use super::day_picker::places_text;
use super::radio::radio;
use crate::format::format_clock_range;
use crate::i18n::{use_i18n, Msg};
use crate::session::Session;

/// The time radios of the centre and day picked.
#[component]
pub fn SlotPicker() -> impl IntoView {
    let session = expect_context::<Session>();
    let choice = session.choice;
    let wanted = Memo::new(move |_| {
        choice.with(|c| c.site.clone().zip(c.day).map(|picked| (picked, c.refresh)))
    });
    let loader = session.clone();
    let slots = crate::load::load(move || {
        let session = loader.clone();
        let wanted = wanted.get();
        async move {
            let ((site_id, day), _) = wanted?;
            let answer = session.api.day(&session.campaign_id(), &site_id, day).await;
            if let Ok(availability) = &answer {
                let full = availability
                    .slots
                    .iter()
                    .filter(|s| s.remaining == 0)
                    .count();
                if full > 0 {
                    let (full, total) = (full.to_string(), availability.slots.len().to_string());
                    let locale = session.i18n.now();
                    session.announce(
                        Msg::FullAnnouncement.fill(locale, &[("full", &full), ("total", &total)]),
                    );
                }
            }
            Some(answer)
        }
    });
    let campaign = session.campaign;
    let i18n = use_i18n();
    move || {
        let locale = i18n.locale();
        let availability = match slots.get()?? {
            Ok(a) => a,
            Err(failure) => {
                return Some(
                    view! { <p class="fl-error">{failure.citizen_message().get(locale)}</p> }
                        .into_any(),
                )
            }
        };
        let radios = availability
            .slots
            .iter()
            .map(|s| {
                let starts = s.starts_at;
                let full = s.remaining == 0;
                let label = format_clock_range(
                    campaign.with(|c| c.local(s.starts_at)),
                    campaign.with(|c| c.local(s.ends_at)),
                    locale,
                );
                let detail = places_text(s.remaining, locale);
                radio(
                    "fl-time",
                    format!("fl-time-{}", unix_ms(starts)),
                    label,
                    Some(detail),
                    full,
                    move || choice.with(|c| c.slot == Some(starts)),
                    move || choice.update(|c| c.pick_slot(starts)),
                )
            })
            .collect_view();
        Some(
            view! {
                <fieldset class="fl-group fl-times"><legend>{Msg::Time.get(locale)}</legend>{radios}</fieldset>
            }
            .into_any(),
        )
    }
}
