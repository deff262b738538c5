//! Step 4, done: the booking reference, where and when, what to bring, and cancel.

use fairline_core::booking::BookingStatus;
use leptos::prelude::*;

use crate::browser;
use crate::erased;
use crate::format::format_slot;
use crate::i18n::{tr, use_i18n, Msg};
use crate::journey::Step;
use crate::requests::{Request, Requests};
use crate::session::Session;

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
    browser::set_title("Fairline");
    erased::effect(Box::new(move || browser::focus_id("fl-step-heading")));

    let i18n = use_i18n();
    let campaign = session.campaign.get_untracked();
    let booking = receipt.booking.clone();
    let site = campaign
        .sites
        .iter()
        .find(|s| s.id == booking.site_id)
        .map(|s| (s.names.clone(), s.address.clone()));
    let site_id = booking.site_id.clone();
    let place = move || {
        let locale = i18n.locale();
        match &site {
            Some((name, address)) => {
                view! { {name.get(locale).to_owned()}<br/>{address.get(locale).to_owned()} }
                    .into_any()
            }
            None => site_id.clone().into_any(),
        }
    };
    let (starts, ends) = (
        campaign.local(booking.starts_at),
        campaign.local(booking.ends_at),
    );
    let when = move || format_slot(starts, ends, i18n.locale());

    let cancel = move |_| {
        cancel_action.dispatch_local(Request::Cancel);
    };

    let cancelled = move || status() == BookingStatus::Cancelled;
    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">
                {move || i18n.t(if cancelled() { Msg::CancelledHeading } else { Msg::DoneHeading })}
            </h2>
            {move || cancelled().then(|| view! { <p class="fl-notice">{tr(Msg::Cancelled)}</p> })}
            <dl class="fl-facts">
                <div><dt>{tr(Msg::Reference)}</dt><dd class="fl-reference" id="fl-reference">{booking.reference.clone()}</dd></div>
                <div><dt>{tr(Msg::Where)}</dt><dd>{place}</dd></div>
                <div><dt>{tr(Msg::When)}</dt><dd>{when}</dd></div>
            </dl>
            <h3>{tr(Msg::BringHeading)}</h3>
            <ul>{[Msg::BringId, Msg::BringReference, Msg::BringMask].map(|item| view! { <li>{tr(item)}</li> })}</ul>
            {move || message().map(|m| view! { <p class="fl-error">{tr(m)}</p> })}
            {move || (!cancelled()).then(|| view! {
                <button type="button" class="fl-secondary" id="fl-cancel"
                    disabled=move || cancelling.get() on:click=cancel>{tr(Msg::CancelButton)}</button>
            })}
        </section>
    }
    .into_any()
}
