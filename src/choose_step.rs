//! Step 3, choose and book: region → centre → day → time with the places left, under a visible
//! admission time limit that warns and can be extended; the booking is sent with an idempotency
//! key kept until it succeeds, so a retry never books twice.
//!
//! The parts live in their own files: [`site_picker`] (region and centre), [`day_picker`],
//! [`slot_picker`] and [`admission_timer`]. What is picked lives in the session's
//! [`crate::choice::Choice`], so re-rendering a part never loses it.

pub mod admission_timer;
pub mod day_picker;
pub mod radio;
pub mod site_picker;
pub mod slot_picker;

use fairline_core::booking::BookingRequest;
use leptos::prelude::*;

use crate::browser;
use crate::erased;
use crate::i18n::{tr, use_i18n, Msg, Phrase};
use crate::requests::{Request, Requests};
use crate::session::Session;

pub use admission_timer::{AdmissionTimer, WARN_BEFORE};
pub use day_picker::DayPicker;
pub use site_picker::SitePicker;
pub use slot_picker::SlotPicker;

/// The choose step for the journey's admission.
#[component]
pub fn ChooseStep() -> impl IntoView {
    let session = expect_context::<Session>();
    let requests = expect_context::<Requests>();
    let book_action = requests.book;
    let message = requests.choose_message;
    let booking = book_action.pending();
    let choice = session.choice;
    let i18n = use_i18n();

    erased::effect(Box::new(move || browser::focus_id("fl-step-heading")));

    let sites_session = session.clone();
    let sites = crate::load::load(move || {
        let session = sites_session.clone();
        async move { session.api.sites(&session.campaign_id()).await }
    });

    let book_session = session.clone();
    let book = move |_| {
        let Some((site_id, starts_at)) = choice.with_untracked(|c| c.bookable()) else {
            return;
        };
        let Some(person) = book_session.journey().with_untracked(|j| j.person.clone()) else {
            message.set(Some(Phrase::of(Msg::TicketLost)));
            return;
        };
        book_action.dispatch_local(Request::Book(BookingRequest {
            person,
            site_id,
            starts_at,
        }));
    };

    let choices = move || match sites.get() {
        None => view! { <p class="fl-muted">{tr(Msg::LoadingPlaces)}</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="fl-error">{tr(failure.citizen_message())}</p> }.into_any()
        }
        Some(Ok(listed)) => view! {
            <SitePicker sites=listed.clone() />
            <DayPicker sites=listed />
        }
        .into_any(),
    };

    let left = admission_timer::admission_left(&session);
    let can_book = move || {
        choice.with(|c| c.slot.is_some()) && !booking.get() && left().is_none_or(|l| !l.is_zero())
    };

    // The simplified mode asks one question at a time: region, centre, day, time (the groups
    // not asked are hidden by the stylesheet), with Next once the shown one is answered.
    let mode = crate::mode::use_mode();
    let stage = RwSignal::new(choice.with_untracked(|c| c.picked().min(3)));
    let answered = move || choice.with(|c| c.picked()) > stage.get();
    let simple_nav = move || {
        if !mode.simple() {
            return None;
        }
        let at = stage.get();
        let counter = (at + 1).to_string();
        let ask = [Msg::AskRegion, Msg::AskCentre, Msg::AskDay, Msg::AskTime][at];
        Some(view! {
            <p class="fl-counter">{move || Msg::StepCounter.fill(i18n.locale(), &[("at", &counter), ("of", "4")])}</p>
            <p class="fl-question" id="fl-question">{tr(ask)}</p>
        })
    };
    let simple_buttons = move || {
        if !mode.simple() {
            return None;
        }
        let at = stage.get();
        Some(view! {
            {(at < 3).then(|| view! {
                <button type="button" class="fl-primary" id="fl-next"
                    disabled=move || !answered()
                    on:click=move |_| {
                        stage.update(|s| *s = (*s + 1).min(3));
                        browser::focus_id("fl-question");
                    }>
                    {tr(Msg::Next)}
                </button>
            })}
            {(at > 0).then(|| view! {
                <button type="button" class="fl-secondary" id="fl-back"
                    on:click=move |_| {
                        stage.update(|s| *s = s.saturating_sub(1));
                        let back_to = stage.get_untracked();
                        choice.update(|c| {
                            while c.picked() > back_to {
                                c.unpick();
                            }
                        });
                    }>
                    {tr(Msg::Back)}
                </button>
            })}
        })
    };
    let show_book = move || !mode.simple() || stage.get() == 3;

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">{tr(Msg::ChooseHeading)}</h2>
            <AdmissionTimer />
            {simple_nav}
            <div class="fl-choose" data-stage=move || stage.get().to_string()>
                {choices}
                <SlotPicker />
            </div>
            {move || message.get().map(|m| view! { <p class="fl-notice" id="fl-book-message">{m.say(i18n.locale())}</p> })}
            <button type="button" class="fl-primary" id="fl-book" hidden=move || !show_book()
                disabled=move || !can_book() on:click=book>
                {move || i18n.t(if booking.get() { Msg::Booking } else { Msg::BookButton })}
            </button>
            {simple_buttons}
        </section>
    }
}
