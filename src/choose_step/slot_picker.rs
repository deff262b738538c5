//! The times of the day picked, loaded from the server (again after a time turned out full),
//! each with the places left; a full time cannot be picked.

use fairline_core::wire::unix_ms;
use leptos::prelude::*;

use super::radio::radio;
use crate::format::format_clock;
use crate::session::Session;
use crate::text;

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
                    session.announce(text::full_announcement(full, availability.slots.len()));
                }
            }
            Some(answer)
        }
    });
    let campaign = session.campaign;
    move || {
        let availability = match slots.get()?? {
            Ok(a) => a,
            Err(failure) => {
                return Some(
                    view! { <p class="fl-error">{failure.citizen_message()}</p> }.into_any(),
                )
            }
        };
        let radios = availability
            .slots
            .iter()
            .map(|s| {
                let starts = s.starts_at;
                let full = s.remaining == 0;
                let label = format!(
                    "{}–{}",
                    format_clock(campaign.with(|c| c.local(s.starts_at))),
                    format_clock(campaign.with(|c| c.local(s.ends_at)))
                );
                let detail = if full {
                    text::FULL.to_owned()
                } else {
                    text::places_left(s.remaining)
                };
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
                <fieldset class="fl-group fl-times"><legend>{text::TIME}</legend>{radios}</fieldset>
            }
            .into_any(),
        )
    }
}
