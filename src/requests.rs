//! The journey's requests as Leptos [`Action`]s — join, extend, book, cancel — each ending in a
//! [`Session`] transition. They belong to the journey (not to a step), so a step re-rendered
//! (another language, another mode) still sees a request in flight and its outcome.
//!
//! All four are one action type over one [`Request`] enum and one [`perform`] function, so the
//! action machinery is compiled once, not four times (the first load pays for each copy).

use fairline_core::{booking::BookingRequest, error::ErrorCode, person::PersonInput};
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::browser;
use crate::format::format_local;
use crate::host_events::HostEvent;
use crate::i18n::{Msg, Phrase};
use crate::journey::Step;
use crate::session::Session;

/// A request the citizen makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `POST …/queue` with the typed details.
    Join(PersonInput),
    /// `POST …/queue/extend`.
    Extend,
    /// `POST …/bookings` (with the attempt's idempotency key).
    Book(BookingRequest),
    /// `POST /v1/bookings/{reference}/cancel`.
    Cancel,
}

/// The outcome of a request: done, or the failure to show.
pub type Outcome = Result<(), ApiFailure>;

/// One request action.
pub type RequestAction = Action<Request, Outcome>;

/// The journey's request actions (cheap to copy).
#[derive(Clone, Copy)]
pub struct Requests {
    /// Joins the queue ([`Request::Join`]).
    pub join: RequestAction,
    /// Asks for more time ([`Request::Extend`]).
    pub extend: RequestAction,
    /// Books ([`Request::Book`]).
    pub book: RequestAction,
    /// Cancels the booking ([`Request::Cancel`]).
    pub cancel: RequestAction,
    /// The choose step's latest message (an extension or a booking's outcome).
    pub choose_message: RwSignal<Option<Phrase>>,
}

impl Requests {
    /// The actions of `session`'s journey.
    pub fn new(session: &Session) -> Self {
        let choose_message = RwSignal::new(None);
        Self {
            join: request_action(session, choose_message),
            extend: request_action(session, choose_message),
            book: request_action(session, choose_message),
            cancel: request_action(session, choose_message),
            choose_message,
        }
    }
}

/// One request action of `session` (not inlined: four copies of it would be in the first load).
#[inline(never)]
fn request_action(session: &Session, choose_message: RwSignal<Option<Phrase>>) -> RequestAction {
    let session = session.clone();
    Action::new_local(move |request: &Request| {
        let session = session.clone();
        let request = request.clone();
        async move {
            let outcome = perform(session.clone(), request, choose_message).await;
            if let Err(failure) = &outcome {
                let code = failure.code().map_or("network", ErrorCode::as_str);
                session.events.send(&HostEvent::Error { code });
            }
            outcome
        }
    })
}

/// Sends `request` and applies its answer to the session.
pub async fn perform(
    session: Session,
    request: Request,
    choose_message: RwSignal<Option<Phrase>>,
) -> Outcome {
    match request {
        Request::Join(person) => match session.api.join(&session.campaign_id(), &person).await {
            Ok(joined) => {
                session.joined(person, joined.ticket);
                Ok(())
            }
            Err(failure) => {
                if failure.verdict().is_none() {
                    session.say(failure.citizen_message());
                }
                Err(failure)
            }
        },
        Request::Extend => {
            let token = session.admission_token().ok_or(ApiFailure::Network)?;
            match session.api.extend(&session.campaign_id(), &token).await {
                Ok(extended) => {
                    let until = session
                        .campaign
                        .with_untracked(|c| c.local(extended.admission.claims.expires_at));
                    let phrase = Phrase::new(move |locale| {
                        Msg::Extended.fill(locale, &[("until", &format_local(until, locale))])
                    });
                    session.extended(extended);
                    session.announce(phrase.say(session.i18n.now()));
                    choose_message.set(Some(phrase));
                    Ok(())
                }
                Err(failure) => {
                    if failure.code() == Some(ErrorCode::NoExtensionsLeft) {
                        session.no_extensions_left();
                        choose_message.set(Some(Phrase::of(Msg::NoExtensions)));
                    } else {
                        choose_message.set(Some(Phrase::of(failure.citizen_message())));
                    }
                    Err(failure)
                }
            }
        }
        Request::Book(request) => {
            let attempt = session.booking_attempt(request);
            choose_message.set(None);
            let token = session.admission_token().ok_or(ApiFailure::Network)?;
            let answer = session
                .api
                .book(
                    &session.campaign_id(),
                    &token,
                    &attempt.key,
                    &attempt.request,
                )
                .await;
            let failure = match answer {
                Ok(receipt) => {
                    session.booked(receipt);
                    return Ok(());
                }
                Err(failure) => failure,
            };
            if failure.code() == Some(ErrorCode::SlotFull) {
                session.slot_full();
                session.say(Msg::SlotFull);
                choose_message.set(Some(Phrase::of(Msg::SlotFull)));
            } else {
                let sentence =
                    if matches!(failure, ApiFailure::Network) || failure.retry_after().is_some() {
                        Msg::BookingRetry
                    } else {
                        failure.citizen_message()
                    };
                session.say(sentence);
                choose_message.set(Some(Phrase::of(sentence)));
            }
            Err(failure)
        }
        Request::Cancel => {
            let receipt = session.journey().with_untracked(|j| match &j.step {
                Step::Done { receipt } => Some(receipt.clone()),
                _ => None,
            });
            let receipt = receipt.ok_or(ApiFailure::Network)?;
            let booking = session
                .api
                .cancel(&receipt.booking.reference, &receipt.secret)
                .await?;
            session.cancelled(booking);
            session.say(Msg::Cancelled);
            browser::focus_id("fl-step-heading");
            Ok(())
        }
    }
}
