//! The Fairline widget (Leptos, client-side rendered): a citizen's booking journey.
//!
//! It mounts into any host element given an API base and a campaign id, so partner pages can
//! embed it; [`mount_from_page`] reads both from `#fairline`'s `data-api-base` and
//! `data-campaign` attributes.

pub mod api;
pub mod campaign_header;
pub mod text;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use campaign_header::CampaignHeader;

/// Where the widget finds its server and which campaign it books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// Base URL of the Fairline API; empty means the page's own origin.
    pub api_base: String,
    /// Campaign id; empty means the first campaign the server lists.
    pub campaign_id: String,
}

/// The whole widget for `config`.
#[component]
pub fn Widget(config: WidgetConfig) -> impl IntoView {
    let client = api::ApiClient::new(config.api_base);
    let campaign_id = config.campaign_id;
    let campaign = LocalResource::new(move || {
        let client = client.clone();
        let campaign_id = campaign_id.clone();
        async move { client.campaign(&campaign_id).await }
    });
    view! {
        <section class="fl-widget" aria-labelledby="fl-title">
            {move || match campaign.get() {
                None => view! { <p class="fl-muted">{text::LOADING}</p> }.into_any(),
                Some(Ok(campaign)) => view! { <CampaignHeader campaign /> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p class="fl-error" role="alert">{failure.citizen_message()}</p> }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Mounts the widget into `host` and keeps it mounted for the page's lifetime.
pub fn mount(host: web_sys::HtmlElement, config: WidgetConfig) {
    leptos::mount::mount_to(host, move || view! { <Widget config /> }).forget();
}

/// Mounts into `#fairline` with its `data-*` configuration, or into `<body>` without one.
pub fn mount_from_page() {
    let document = document();
    let host = document
        .get_element_by_id("fairline")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body());
    let Some(host) = host else { return };
    let dataset = host.dataset();
    let config = WidgetConfig {
        api_base: dataset.get("apiBase").unwrap_or_default(),
        campaign_id: dataset.get("campaign").unwrap_or_default(),
    };
    mount(host, config);
}
