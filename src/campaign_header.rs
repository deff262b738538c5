//! The campaign's name and opening time, shown at the top of every step.

use std::sync::Arc;

use fairline_core::campaign::Campaign;
use leptos::prelude::*;

pub use crate::format::format_local;
use crate::i18n::{tr, use_i18n, Msg};

/// The campaign's name in the chosen language and its opening time.
#[component]
pub fn CampaignHeader(#[prop(into)] campaign: Arc<Campaign>) -> impl IntoView {
    let i18n = use_i18n();
    let mut machine_time = String::new();
    fairline_core::write::write_rfc3339(&campaign.opens_at, &mut machine_time);
    let opens_at = campaign.opens_at;
    let names = campaign.names.clone();
    view! {
        <header>
            <h1 id="fl-title">{move || names.get(i18n.locale()).to_owned()}</h1>
            <p>
                {tr(Msg::OpensAt)} ": "
                <time datetime=machine_time>{move || format_local(opens_at, i18n.locale())}</time>
            </p>
        </header>
    }
}
