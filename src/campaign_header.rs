//! The campaign's name and opening time, shown at the top of every step.

use fairline_core::campaign::Campaign;
use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;

pub use crate::format::format_local;
use crate::text;

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
