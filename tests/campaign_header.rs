//! Component tests in headless Chromium: mount a component and assert the DOM a citizen gets.
#![cfg(target_arch = "wasm32")]

use fairline_core::campaign::Campaign;
use fairline_widget::CampaignHeader;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KR_CAMPAIGN: &str = include_str!("../campaigns/kr-covid19-2021-07.toml");

/// A fresh host element in the document, so tests never see each other's DOM.
fn host() -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

#[wasm_bindgen_test]
fn header_names_the_campaign_and_its_opening_in_campaign_time() {
    let campaign = Campaign::from_toml_str(KR_CAMPAIGN).unwrap();
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone(), move || {
        view! { <CampaignHeader campaign=campaign.clone() /> }
    });
    let heading = host.query_selector("h1").unwrap().expect("a heading");
    assert_eq!(
        heading.text_content().unwrap(),
        "COVID-19 vaccination pre-booking (July 2021)"
    );
    let time = host
        .query_selector("time")
        .unwrap()
        .expect("a time element");
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2021-07-12T20:00:00+09:00")
    );
    assert_eq!(
        time.text_content().unwrap(),
        "Mon 12 July 2021, 20:00 (UTC+9)"
    );
}
