//! Step 4, done: the booking reference, where and when, what to bring, and cancel.

use fairline_core::booking::BookingStatus;
use leptos::prelude::*;

use crate::browser;
use crate::format::{format_clock, format_local};
use crate::journey::Step;
use crate::requests::{Request, Requests};
use crate::session::Session;
use crate::text;

/// The receipt of the journey's booking.
#[component]
pub fn DoneStep() -> impl IntoView {
    let session = expect_context::<Session>();
    let cancel_action = expect_context::<Requests>().cancel;
    let journey = session.journey();
    let Some(receipt) = journey.with_untracked(|j| match &j.step {
        Step::Done { receipt } => Some(receipt.clone()),
        _ => None,
    }) else {
        return ().into_any();
    };
    let status = move || {
        journey.with(|j| match &j.step {
            Step::Done { receipt } => receipt.booking.status,
            _ => BookingStatus::Confirmed,
        })
    };
    let message = move || match cancel_action.value().get() {
        Some(Err(failure)) => Some(failure.citizen_message()),
        _ => None,
    };
    let cancelling = cancel_action.pending();
    browser::set_title(text::TITLE);
    Effect::new(move |_| browser::focus_id("fl-step-heading"));

    let campaign = session.campaign.get_untracked();
    let booking = receipt.booking.clone();
    let site = campaign.sites.iter().find(|s| s.id == booking.site_id);
    let site_name = site
        .map(|s| s.names.en.clone())
        .unwrap_or_else(|| booking.site_id.clone());
    let site_address = site.map(|s| s.address.en.clone()).unwrap_or_default();
    let when = format!(
        "{}–{}",
        format_local(campaign.local(booking.starts_at)),
        format_clock(campaign.local(booking.ends_at))
    );

    let cancel = move |_| {
        cancel_action.dispatch_local(Request::Cancel);
    };

    let cancelled = move || status() == BookingStatus::Cancelled;
    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">
                {move || if cancelled() { text::CANCELLED_HEADING } else { text::DONE_HEADING }}
            </h2>
            {move || cancelled().then(|| view! { <p class="fl-notice">{text::CANCELLED}</p> })}
            <dl class="fl-facts">
                <div><dt>{text::REFERENCE}</dt><dd class="fl-reference" id="fl-reference">{booking.reference.clone()}</dd></div>
                <div><dt>{text::WHERE}</dt><dd>{site_name}<br/>{site_address}</dd></div>
                <div><dt>{text::WHEN}</dt><dd>{when}</dd></div>
            </dl>
            <h3>{text::BRING_HEADING}</h3>
            <ul>{text::BRING.iter().map(|item| view! { <li>{*item}</li> }).collect_view()}</ul>
            {move || message().map(|m| view! { <p class="fl-error">{m}</p> })}
            {move || (!cancelled()).then(|| view! {
                <button type="button" class="fl-secondary" id="fl-cancel"
                    disabled=move || cancelling.get() on:click=cancel>{text::CANCEL_BUTTON}</button>
            })}
        </section>
    }
    .into_any()
}
