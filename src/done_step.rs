//! Step 4, done: the booking reference, where and when, what to bring, and cancel.

use fairline_core::booking::{BookingReceipt, BookingStatus};
use leptos::prelude::*;

use crate::browser;
use crate::format::{format_clock, format_local};
use crate::session::{spawn_owned, Saved, Session};
use crate::text;

/// The receipt of a booking.
#[component]
pub fn DoneStep(receipt: BookingReceipt) -> impl IntoView {
    let session = expect_context::<Session>();
    let status = RwSignal::new(receipt.booking.status);
    let message: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let cancelling = RwSignal::new(false);
    browser::set_title(text::TITLE);
    let owner = Owner::current().unwrap_or_default();
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

    let cancel_session = session.clone();
    let reference = booking.reference.clone();
    let secret = receipt.secret.clone();
    let cancel = move |_| {
        let session = cancel_session.clone();
        let reference = reference.clone();
        let secret = secret.clone();
        cancelling.set(true);
        spawn_owned(&owner, async move {
            match session.api.cancel(&reference, &secret).await {
                Ok(booking) => {
                    status.set(booking.status);
                    session.forget(Saved::Receipt);
                    session.announce(text::CANCELLED);
                    browser::focus_id("fl-step-heading");
                }
                Err(failure) => {
                    cancelling.set(false);
                    message.set(Some(failure.citizen_message()));
                }
            }
        });
    };

    let cancelled = move || status.get() == BookingStatus::Cancelled;
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
            {move || message.get().map(|m| view! { <p class="fl-error">{m}</p> })}
            {move || (!cancelled()).then(|| view! {
                <button type="button" class="fl-secondary" id="fl-cancel"
                    disabled=move || cancelling.get() on:click=cancel.clone()>{text::CANCEL_BUTTON}</button>
            })}
        </section>
    }
}
