//! The campaign's name and opening time, shown at the top of every step.

use fairline_core::campaign::Campaign;
use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;

use crate::text;

/// `2021-07-12 20:00 (UTC+09:00)`: the instant in the campaign's own offset, with that offset.
pub fn format_local(instant: time::OffsetDateTime) -> String {
    let offset = instant.offset();
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} (UTC{sign}{:02}:{:02})",
        instant.year(),
        u8::from(instant.month()),
        instant.day(),
        instant.hour(),
        instant.minute(),
        hours.unsigned_abs(),
        minutes.unsigned_abs(),
    )
}

/// Heading with the campaign name, then when booking opens.
#[component]
pub fn CampaignHeader(campaign: Campaign) -> impl IntoView {
    let machine_time = campaign.opens_at.format(&Rfc3339).unwrap_or_default();
    view! {
        <header>
            <h1 id="fl-title">{campaign.names.en.clone()}</h1>
            <p class="fl-muted" lang="ko">{campaign.names.ko.clone()}</p>
            <p>
                {text::OPENS_AT} ": "
                <time datetime=machine_time>{format_local(campaign.opens_at)}</time>
            </p>
        </header>
    }
}
