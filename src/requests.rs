//! The journey's requests as Leptos [`Action`]s — join, extend, book, cancel — each ending in a
//! [`Session`] transition. They belong to the journey (not to a step), so a step re-rendered
//! (another language, another mode) still sees a request in flight and its outcome.

use fairline_core::{booking::BookingRequest, error::ErrorCode, person::PersonInput};
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::format::format_local;
use crate::session::Session;
use crate::{browser, text};

/// The outcome of a request the citizen made: done, or the failure to show.
pub type Outcome = Result<(), ApiFailure>;

/// The journey's request actions (cheap to copy).
#[derive(Clone, Copy)]
pub struct Requests {
    /// `POST …/queue` with the typed details.
    pub join: Action<PersonInput, Outcome>,
    /// `POST …/queue/extend`.
    pub extend: Action<(), Outcome>,
    /// `POST …/bookings` (with the attempt's idempotency key).
    pub book: Action<BookingRequest, Outcome>,
    /// `POST /v1/bookings/{reference}/cancel`.
    pub cancel: Action<(), Outcome>,
    /// The choose step's latest message (an extension or a booking's outcome).
    pub choose_message: RwSignal<Option<String>>,
}

impl Requests {
    /// The actions of `session`'s journey.
    pub fn new(session: &Session) -> Self {
        let choose_message = RwSignal::new(None);
        let join = {
            let session = session.clone();
            Action::new_local(move |person: &PersonInput| {
                let session = session.clone();
                let person = person.clone();
                async move {
                    let joined = session.api.join(&session.campaign_id(), &person).await;
                    match joined {
                        Ok(joined) => {
                            session.joined(person, joined.ticket);
                            Ok(())
                        }
                        Err(failure) => {
                            if failure.verdict().is_none() {
                                session.announce(failure.citizen_message());
                            }
                            Err(failure)
                        }
                    }
                }
            })
        };
        let extend = {
            let session = session.clone();
            Action::new_local(move |(): &()| {
                let session = session.clone();
                async move {
                    let token = session.admission_token().ok_or(ApiFailure::Network)?;
                    match session.api.extend(&session.campaign_id(), &token).await {
                        Ok(extended) => {
                            let until =
                                format_local(session.campaign.with_untracked(|c| {
                                    c.local(extended.admission.claims.expires_at)
                                }));
                            session.extended(extended);
                            session.announce(text::extended(&until));
                            choose_message.set(Some(text::extended(&until)));
                            Ok(())
                        }
                        Err(failure) => {
                            if failure.code() == Some(ErrorCode::NoExtensionsLeft) {
                                session.no_extensions_left();
                                choose_message.set(Some(text::NO_EXTENSIONS.to_owned()));
                            } else {
                                choose_message.set(Some(failure.citizen_message().to_owned()));
                            }
                            Err(failure)
                        }
                    }
                }
            })
        };
        let book = {
            let session = session.clone();
            Action::new_local(move |request: &BookingRequest| {
                let session = session.clone();
                let attempt = session.booking_attempt(request.clone());
                choose_message.set(None);
                async move {
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
                    match answer {
                        Ok(receipt) => {
                            session.booked(receipt);
                            return Ok(());
                        }
                        Err(ref failure) if failure.code() == Some(ErrorCode::SlotFull) => {
                            session.slot_full();
                            session.announce(text::SLOT_FULL);
                            choose_message.set(Some(text::SLOT_FULL.to_owned()));
                        }
                        Err(ref failure) => {
                            let sentence = if matches!(failure, ApiFailure::Network)
                                || failure.retry_after().is_some()
                            {
                                text::BOOKING_RETRY
                            } else {
                                failure.citizen_message()
                            };
                            session.announce(sentence);
                            choose_message.set(Some(sentence.to_owned()));
                        }
                    }
                    answer.map(|_| ())
                }
            })
        };
        let cancel = {
            let session = session.clone();
            Action::new_local(move |(): &()| {
                let session = session.clone();
                async move {
                    let receipt = session.journey().with_untracked(|j| match &j.step {
                        crate::journey::Step::Done { receipt } => Some(receipt.clone()),
                        _ => None,
                    });
                    let receipt = receipt.ok_or(ApiFailure::Network)?;
                    let booking = session
                        .api
                        .cancel(&receipt.booking.reference, &receipt.secret)
                        .await?;
                    session.cancelled(booking);
                    session.announce(text::CANCELLED);
                    browser::focus_id("fl-step-heading");
                    Ok(())
                }
            })
        };
        Self {
            join,
            extend,
            book,
            cancel,
            choose_message,
        }
    }
}
