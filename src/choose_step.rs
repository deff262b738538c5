//! Step 3, choose and book: region → centre → day → time with the places left, under a visible
//! admission time limit that warns and can be extended; the booking is sent with an idempotency
//! key kept until it succeeds, so a retry never books twice.

use core::time::Duration;

use fairline_core::{
    booking::{BookingRequest, DayAvailability, SiteSummary},
    token,
    wire::{unix_ms, AdmitResponse},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::api::ApiFailure;
use crate::browser::{self, BrowserRandom};
use crate::format::{format_clock, format_countdown, format_day_with_weekday, format_local};
use crate::session::{spawn_owned, Saved, Session, Step};
use crate::text;

/// Warn this long before the admission ends.
pub const WARN_BEFORE: Duration = Duration::from_secs(120);

/// A booking attempt not yet confirmed: its key is reused for the same request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingBooking {
    /// The idempotency key.
    pub key: String,
    /// The request it was first sent with.
    pub request: BookingRequest,
}

/// The key to send `request` with: the pending one when it is the same request, else `fresh`.
pub fn idempotency_key_for(
    pending: Option<&PendingBooking>,
    request: &BookingRequest,
    fresh: impl FnOnce() -> String,
) -> PendingBooking {
    match pending {
        Some(pending) if pending.request == *request => pending.clone(),
        _ => PendingBooking {
            key: fresh(),
            request: request.clone(),
        },
    }
}

/// Regions in the order their first site is listed.
pub fn regions(sites: &[SiteSummary]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for site in sites {
        if !out.contains(&site.region.en) {
            out.push(site.region.en.clone());
        }
    }
    out
}

/// A radio choice with an optional "places left / full" detail.
fn radio(
    group: &'static str,
    id: String,
    label: String,
    detail: Option<String>,
    disabled: bool,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    on_pick: impl Fn() + 'static,
) -> impl IntoView {
    let detail_id = format!("{id}-detail");
    let described = detail.as_ref().map(|_| detail_id.clone());
    view! {
        <div class="fl-choice" class:fl-choice-full=disabled>
            <input type="radio" name=group id=id.clone() disabled=disabled
                aria-describedby=described
                prop:checked=checked on:change=move |_| on_pick() />
            <label for=id>
                {label}
                {detail.map(|d| view! { <span class="fl-detail" id=detail_id>{d}</span> })}
            </label>
        </div>
    }
}

/// The choose step for `admission`.
#[component]
pub fn ChooseStep(admission: AdmitResponse) -> impl IntoView {
    let session = expect_context::<Session>();
    let admission = RwSignal::new(admission);
    let region: RwSignal<Option<String>> = RwSignal::new(None);
    let site: RwSignal<Option<String>> = RwSignal::new(None);
    let day: RwSignal<Option<Date>> = RwSignal::new(None);
    let slot: RwSignal<Option<OffsetDateTime>> = RwSignal::new(None);
    let warned = RwSignal::new(false);
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let booking = RwSignal::new(false);
    let day_version = RwSignal::new(0u32);

    let owner = Owner::current().unwrap_or_default();
    Effect::new(move |_| browser::focus_id("fl-step-heading"));

    let campaign_id = session.campaign_id();
    let sites_api = session.api.clone();
    let sites_campaign = campaign_id.clone();
    let sites = LocalResource::new(move || {
        let api = sites_api.clone();
        let id = sites_campaign.clone();
        async move { api.sites(&id).await }
    });
    let day_api = session.api.clone();
    let day_campaign = campaign_id.clone();
    let day_announcer = session.clone();
    let slots = LocalResource::new(move || {
        day_version.get();
        let api = day_api.clone();
        let id = day_campaign.clone();
        let chosen = site.get().zip(day.get());
        let announcer = day_announcer.clone();
        async move {
            let (site_id, day) = chosen?;
            let answer: Result<DayAvailability, ApiFailure> = api.day(&id, &site_id, day).await;
            if let Ok(availability) = &answer {
                let full = availability
                    .slots
                    .iter()
                    .filter(|s| s.remaining == 0)
                    .count();
                if full > 0 {
                    announcer.announce(text::full_announcement(full, availability.slots.len()));
                }
            }
            Some(answer)
        }
    });

    // The admission time limit, by server time.
    let limit_session = session.clone();
    let time_left = move || -> Option<Duration> {
        limit_session.tick.get();
        let now = limit_session.server_now_ms()?;
        let expires = admission.with(|a| unix_ms(a.admission.claims.expires_at));
        Some(Duration::from_millis(
            expires.saturating_sub(now).max(0).unsigned_abs(),
        ))
    };
    let warn_session = session.clone();
    let warn_left = time_left.clone();
    Effect::new(move |_| {
        if let Some(left) = warn_left() {
            if left <= WARN_BEFORE && !left.is_zero() && !warned.get_untracked() {
                warned.set(true);
                warn_session.announce(text::time_warning(&format_countdown(left)));
            }
        }
    });

    let extend_session = session.clone();
    let extend_owner = owner.clone();
    let extend = move |_| {
        let session = extend_session.clone();
        spawn_owned(&extend_owner, async move {
            let token = admission.with_untracked(|a| token::encode(&a.admission));
            match session.api.extend(&session.campaign_id(), &token).await {
                Ok(extended) => {
                    let until = format_local(
                        session
                            .campaign
                            .with_untracked(|c| c.local(extended.admission.claims.expires_at)),
                    );
                    session.save(
                        Saved::Admission,
                        &crate::session::admission_entry(&extended),
                    );
                    admission.set(extended);
                    warned.set(false);
                    session.announce(text::extended(&until));
                    message.set(Some(text::extended(&until)));
                }
                Err(failure) if failure.code() == Some("no_extensions_left") => {
                    admission.update(|a| a.extensions_left = 0);
                    message.set(Some(text::NO_EXTENSIONS.to_owned()));
                }
                Err(failure) => message.set(Some(failure.citizen_message().to_owned())),
            }
        });
    };

    let book_session = session.clone();
    let book_owner = owner.clone();
    let book = move |_| {
        let session = book_session.clone();
        let (Some(site_id), Some(starts_at)) = (site.get_untracked(), slot.get_untracked()) else {
            return;
        };
        let Some(person) = session.person() else {
            message.set(Some(text::TICKET_LOST.to_owned()));
            return;
        };
        let request = BookingRequest {
            person,
            site_id,
            starts_at,
        };
        let saved: Option<PendingBooking> = session
            .load(Saved::PendingBooking)
            .and_then(|p| serde_json::from_str(&p).ok());
        let pending = idempotency_key_for(saved.as_ref(), &request, || {
            browser::new_idempotency_key(&mut BrowserRandom)
        });
        session.save(
            Saved::PendingBooking,
            &serde_json::to_string(&pending).unwrap_or_default(),
        );
        booking.set(true);
        message.set(None);
        spawn_owned(&book_owner, async move {
            let token = admission.with_untracked(|a| token::encode(&a.admission));
            let answer = session
                .api
                .book(
                    &session.campaign_id(),
                    &token,
                    &pending.key,
                    &pending.request,
                )
                .await;
            booking.set(false);
            match answer {
                Ok(receipt) => {
                    session.forget(Saved::PendingBooking);
                    session.forget(Saved::Admission);
                    session.forget(Saved::Ticket);
                    session.forget(Saved::Person);
                    session.forget(Saved::FirstAhead);
                    session.save(
                        Saved::Receipt,
                        &serde_json::to_string(&receipt).unwrap_or_default(),
                    );
                    session.step.set(Step::Done { receipt });
                }
                Err(failure) if failure.code() == Some("slot_full") => {
                    session.forget(Saved::PendingBooking);
                    slot.set(None);
                    session.announce(text::SLOT_FULL);
                    message.set(Some(text::SLOT_FULL.to_owned()));
                    day_version.update(|v| *v += 1);
                }
                Err(ApiFailure::Network) => {
                    session.announce(text::BOOKING_RETRY);
                    message.set(Some(text::BOOKING_RETRY.to_owned()));
                }
                Err(failure) => {
                    let sentence = if failure.retry_after().is_some() {
                        text::BOOKING_RETRY
                    } else {
                        failure.citizen_message()
                    };
                    session.announce(sentence);
                    message.set(Some(sentence.to_owned()));
                }
            }
        });
    };

    let limit_campaign = session.campaign;
    let limit_text = {
        let time_left = time_left.clone();
        move || {
            let left = time_left()?;
            if left.is_zero() {
                return Some(
                    view! { <p class="fl-error" id="fl-time-limit">{text::ADMISSION_EXPIRED}</p> }
                        .into_any(),
                );
            }
            let expires = admission.with(|a| a.admission.claims.expires_at);
            let until = format_clock(limit_campaign.with(|c| c.local(expires)));
            let warning = (left <= WARN_BEFORE).then(|| {
                view! {
                    <p class="fl-notice">{text::time_warning(&format_countdown(left))}</p>
                }
            });
            Some(view! {
                <p id="fl-time-limit" class="fl-strong">{text::time_left(&format_countdown(left), &until)}</p>
                {warning}
            }.into_any())
        }
    };
    let limit_view = view! {
        <div class="fl-limit">
            {limit_text}
            <Show when=move || admission.with(|a| a.extensions_left > 0)>
                <button type="button" class="fl-secondary" id="fl-extend" on:click=extend.clone()>{text::EXTEND_BUTTON}</button>
            </Show>
        </div>
    };

    let choices = move || {
        let listed = match sites.get() {
            None => return view! { <p class="fl-muted">{text::LOADING_PLACES}</p> }.into_any(),
            Some(Err(failure)) => {
                return view! { <p class="fl-error">{failure.citizen_message()}</p> }.into_any()
            }
            Some(Ok(listed)) => listed,
        };
        let region_radios = regions(&listed)
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let pick = name.clone();
                let is = name.clone();
                radio(
                    "fl-region",
                    format!("fl-region-{i}"),
                    name,
                    None,
                    false,
                    move || region.get().as_deref() == Some(is.as_str()),
                    move || {
                        region.set(Some(pick.clone()));
                        site.set(None);
                        day.set(None);
                        slot.set(None);
                    },
                )
            })
            .collect_view();
        let centre_sites = listed.clone();
        let centre_block = move || {
            let chosen_region = region.get()?;
            let radios = centre_sites
                .iter()
                .filter(|s| s.region.en == chosen_region)
                .map(|s| {
                    let id = s.id.clone();
                    let is = s.id.clone();
                    radio(
                        "fl-centre",
                        format!("fl-centre-{}", s.id),
                        s.names.en.clone(),
                        Some(s.address.en.clone()),
                        false,
                        move || site.get().as_deref() == Some(is.as_str()),
                        move || {
                            site.set(Some(id.clone()));
                            day.set(None);
                            slot.set(None);
                        },
                    )
                })
                .collect_view();
            Some(
                view! { <fieldset class="fl-group"><legend>{text::CENTRE}</legend>{radios}</fieldset> },
            )
        };
        let day_sites = listed.clone();
        let day_block = move || {
            let chosen = site.get()?;
            let chosen_site = day_sites.iter().find(|s| s.id == chosen)?.clone();
            let radios = chosen_site
                .days
                .iter()
                .map(|d| {
                    let this = d.day;
                    let full = d.remaining == 0;
                    let detail = if full {
                        text::FULL.to_owned()
                    } else {
                        text::places_left(d.remaining)
                    };
                    radio(
                        "fl-day",
                        format!("fl-day-{}", crate::format::format_day(this)),
                        format_day_with_weekday(this),
                        Some(detail),
                        full,
                        move || day.get() == Some(this),
                        move || {
                            day.set(Some(this));
                            slot.set(None);
                        },
                    )
                })
                .collect_view();
            Some(
                view! { <fieldset class="fl-group fl-days"><legend>{text::DAY}</legend>{radios}</fieldset> },
            )
        };
        view! {
            <fieldset class="fl-group">
                <legend>{text::REGION}</legend>
                {region_radios}
            </fieldset>
            {centre_block}
            {day_block}
        }
        .into_any()
    };

    let slot_campaign = session.campaign;
    let time_radios =
        move || {
            let availability = match slots.get()?? {
                Ok(a) => a,
                Err(failure) => {
                    return Some(
                        view! { <p class="fl-error">{failure.citizen_message()}</p> }.into_any(),
                    )
                }
            };
            let radios = availability
                .slots
                .iter()
                .map(|s| {
                    let starts = s.starts_at;
                    let full = s.remaining == 0;
                    let label = format!(
                        "{}–{}",
                        format_clock(slot_campaign.with(|c| c.local(s.starts_at))),
                        format_clock(slot_campaign.with(|c| c.local(s.ends_at)))
                    );
                    let detail = if full {
                        text::FULL.to_owned()
                    } else {
                        text::places_left(s.remaining)
                    };
                    radio(
                        "fl-time",
                        format!("fl-time-{}", unix_ms(starts)),
                        label,
                        Some(detail),
                        full,
                        move || slot.get() == Some(starts),
                        move || slot.set(Some(starts)),
                    )
                })
                .collect_view();
            Some(view! {
            <fieldset class="fl-group fl-times"><legend>{text::TIME}</legend>{radios}</fieldset>
        }.into_any())
        };

    let can_book = {
        let time_left = time_left.clone();
        move || slot.get().is_some() && !booking.get() && time_left().is_none_or(|l| !l.is_zero())
    };

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">{text::CHOOSE_HEADING}</h2>
            {limit_view}
            <div class="fl-choose">
                {choices}
                {time_radios}
            </div>
            {move || message.get().map(|m| view! { <p class="fl-notice" id="fl-book-message">{m}</p> })}
            <button type="button" class="fl-primary" id="fl-book"
                disabled=move || !can_book() on:click=book>
                {move || if booking.get() { text::BOOKING } else { text::BOOK_BUTTON }}
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use fairline_core::person::PersonInput;
    use time::macros::datetime;

    fn request(site: &str) -> BookingRequest {
        BookingRequest {
            person: PersonInput::default(),
            site_id: site.into(),
            starts_at: datetime!(2021-07-26 09:00 +09:00),
        }
    }

    #[test]
    fn a_retry_of_the_same_booking_reuses_its_key_and_a_new_choice_gets_a_new_one() {
        let first = idempotency_key_for(None, &request("a"), || "k1".into());
        assert_eq!(first.key, "k1");
        let retry = idempotency_key_for(Some(&first), &request("a"), || "k2".into());
        assert_eq!(retry.key, "k1");
        let other = idempotency_key_for(Some(&first), &request("b"), || "k3".into());
        assert_eq!(other.key, "k3");
    }
}
