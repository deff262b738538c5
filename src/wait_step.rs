//! Step 2, wait: the fair-draw explanation, the rank computed on this device, the honest wait,
//! and the waiting loop (core's poll schedule, one request in flight, `Retry-After` obeyed,
//! slower while hidden, paused while offline).

use core::time::Duration;

use fairline_core::{
    error::ErrorCode,
    estimate::{Estimate, Observation, ObservationLog, UnknownReason},
    poll::Visibility,
    wire::{unix_ms, QueueState},
};
use gloo_events::EventListener;
use leptos::prelude::*;

use crate::browser::{self, BrowserRandom, Waker};
use crate::erased;
use crate::format::{
    format_countdown, format_local, format_people, format_wait_range, group_digits, place_from_rank,
};
use crate::host_events::HostEvent;
use crate::i18n::{tr, use_i18n, Locale, Msg};
use crate::journey::Step;
use crate::session::Session;
use crate::waiting::{band_changed, snapshot, PollScheduler, QueueView, WaitSnapshot};

/// The age a cached state document may have (`max-age`), as clock uncertainty.
const STATE_MAX_AGE_MS: f64 = 5_000.0;

/// The estimate in words, in `locale`.
pub fn estimate_sentence(
    estimate: &Estimate,
    server_now_ms: Option<i64>,
    locale: Locale,
) -> String {
    let msg = match estimate {
        Estimate::Range {
            low,
            high,
            updated_at,
        } => {
            let range = format_wait_range(*low, *high, locale);
            let range = Msg::WaitRange.fill(locale, &[("range", &range)]);
            return match server_now_ms {
                Some(now) => {
                    let age_s = (now.saturating_sub(unix_ms(*updated_at)) / 1000).max(0);
                    let age = age_s.unsigned_abs().to_string();
                    let age = Msg::UpdatedAgo.fill(locale, &[("seconds", &age)]);
                    format!("{range} ({age})")
                }
                None => range,
            };
        }
        Estimate::Stalled { since, updated_at } => {
            let now = server_now_ms.unwrap_or_else(|| unix_ms(*updated_at));
            let still_s = (now.saturating_sub(unix_ms(*since)) / 1000).max(0);
            return if still_s < 120 {
                let seconds = still_s.to_string();
                Msg::WaitStalledSeconds.fill(locale, &[("seconds", &seconds)])
            } else {
                let minutes = (still_s / 60).to_string();
                Msg::WaitStalledMinutes.fill(locale, &[("minutes", &minutes)])
            };
        }
        Estimate::Unknown { why } => match why {
            UnknownReason::RankNotDrawn => Msg::WaitUnknownNotDrawn,
            UnknownReason::TooLittleHistory => Msg::WaitUnknownHistory,
            UnknownReason::Remeasuring => Msg::WaitRemeasuring,
            UnknownReason::NoRecentUpdate => Msg::WaitNoUpdate,
        },
        Estimate::Paused => Msg::WaitPaused,
        Estimate::YourTurn => Msg::WaitYourTurn,
    };
    msg.get(locale).to_owned()
}

/// The estimate as shown now, after `failed_polls` failed polls in a row, in words.
fn shown_sentence(
    estimate: Estimate,
    server_now_ms: Option<i64>,
    failed_polls: u32,
    locale: Locale,
) -> String {
    let shown = match server_now_ms {
        Some(now) => estimate.as_shown(now, failed_polls),
        None => estimate,
    };
    estimate_sentence(&shown, server_now_ms, locale)
}

/// How long after the step appears its first poll goes (long enough for the first paint).
const FIRST_POLL_AFTER: Duration = Duration::from_millis(100);

/// The wait step for the journey's ticket.
#[component]
pub fn WaitStep() -> impl IntoView {
    let session = expect_context::<Session>();
    let journey = session.journey();
    let Some(ticket) = journey.with_untracked(|j| match &j.step {
        Step::Wait { ticket } => Some(ticket.clone()),
        _ => None,
    }) else {
        return ().into_any();
    };
    let state: RwSignal<Option<QueueState>> = RwSignal::new(None);
    let current: RwSignal<Option<WaitSnapshot>> = RwSignal::new(None);
    let offline = RwSignal::new(!browser::online());
    // Failed polls in a row: a range is withdrawn when they pile up (core's `as_shown`).
    let failed_polls = RwSignal::new(0u32);
    let notice: RwSignal<Option<Msg>> = RwSignal::new(None);
    let i18n = use_i18n();
    let admitting = RwSignal::new(false);
    let notify_wanted = RwSignal::new(false);
    let notify_refused = RwSignal::new(false);
    let first_ahead = move || journey.with(|j| j.first_ahead);

    erased::effect(Box::new(move || browser::focus_id("fl-step-heading")));

    let loop_session = session.clone();
    let claims = ticket.claims.clone();
    let pre_queue = matches!(
        claims.place,
        fairline_core::wire::QueuePlace::PreQueue { .. }
    );
    erased::spawn(Box::pin(async move {
        let session = loop_session;
        // Wake the loop when the page is shown again or the connection returns. The listeners
        // live as long as the loop: they go when the step does.
        let waker = Waker::new();
        let _listeners = listen(&session, &waker, offline);
        let campaign_id = session.campaign_id();
        let mut scheduler = PollScheduler::new(browser::mono_now_ms());
        let mut observations = ObservationLog::new();
        let mut rng = BrowserRandom;
        let mut last_ahead: Option<u64> = None;
        let mut view = QueueView::default();
        // The first poll goes once the step is on screen: what the ticket already says (the
        // draw ahead) is drawn without waiting for the network.
        browser::sleep(Some(FIRST_POLL_AFTER), &Waker::new()).await;
        loop {
            if !browser::online() {
                offline.set(true);
                browser::sleep(None, &waker).await;
                continue;
            }
            scheduler.record_sent(browser::mono_now_ms());
            let answer = session.api.queue_state(&campaign_id).await;
            let received = browser::mono_now_ms();
            match answer {
                Ok(reply) => {
                    let document = reply.value;
                    scheduler.record_success(received, document.poll, reply.retry_after);
                    failed_polls.set(0);
                    notice.set(None);
                    offline.set(false);
                    if session.clock.with_untracked(|c| c.samples().is_empty()) {
                        session.add_stale_clock_sample(
                            received,
                            document.server_time,
                            STATE_MAX_AGE_MS,
                        );
                    }
                    let server_now = session
                        .server_now_ms()
                        .unwrap_or_else(|| unix_ms(document.server_time));
                    observations.push(Observation::from_state(&document));
                    let seen = snapshot(&claims, &document, &observations, server_now);
                    view = seen.view;
                    if let Some(ahead) = view.people_ahead {
                        session.saw_ahead(ahead);
                        if last_ahead.is_none() || band_changed(last_ahead, ahead) {
                            let rank = seen.position.as_ref().ok().and_then(|p| p.rank);
                            if let Some(rank) = rank {
                                session.events.send(&HostEvent::Position {
                                    rank: place_from_rank(rank),
                                    ahead,
                                });
                            }
                        }
                        if band_changed(last_ahead, ahead) && ahead > 0 {
                            let locale = session.i18n.now();
                            let count = group_digits(ahead);
                            session
                                .announce(Msg::BandAnnouncement.fill(locale, &[("ahead", &count)]));
                        }
                        last_ahead = Some(ahead);
                    }
                    session
                        .reload_rules_if_changed(&document.rules_version)
                        .await;
                    let may_admit = seen.position.as_ref().is_ok_and(|p| p.may_admit);
                    state.set(Some(document));
                    current.set(Some(seen));
                    if may_admit {
                        admitting.set(true);
                        let locale = session.i18n.now();
                        browser::set_title(Msg::TitleYourTurn.get(locale));
                        session.say(Msg::WaitYourTurn);
                        if notify_wanted.get_untracked() {
                            browser::notify(
                                Msg::TitleYourTurn.get(locale),
                                Msg::NotificationBody.get(locale),
                            );
                        }
                        match session.api.admit(&campaign_id, &ticket).await {
                            Ok(admission) => {
                                session.admitted(admission);
                                return;
                            }
                            Err(failure) if failure.code() == Some(ErrorCode::NotYourTurn) => {
                                admitting.set(false);
                            }
                            Err(failure) => {
                                admitting.set(false);
                                scheduler
                                    .record_failure(browser::mono_now_ms(), failure.retry_after());
                                notice.set(Some(failure.citizen_message()));
                            }
                        }
                    }
                }
                Err(failure) => {
                    scheduler.record_failure(received, failure.retry_after());
                    failed_polls.set(scheduler.consecutive_errors());
                    if !browser::online() {
                        offline.set(true);
                    } else {
                        notice.set(Some(failure.citizen_message()));
                    }
                }
            }
            let delay = scheduler.next_delay(view, browser::visibility(), &mut rng);
            browser::sleep(Some(delay), &waker).await;
            let still = scheduler.wake_delay(browser::mono_now_ms());
            if !still.is_zero() {
                browser::sleep(Some(still), &Waker::new()).await;
            }
        }
    }));

    let tick_session = session.clone();
    let server_now_ms = move || {
        tick_session.tick.get();
        tick_session.server_now_ms()
    };
    let campaign = session.campaign;
    let mode = crate::mode::use_mode();

    let before_draw = {
        let server_now_ms = server_now_ms.clone();
        move || {
            // Before the first answer about the queue, a pre-queue ticket already says the draw
            // is ahead: the explanation shows at once, the fingerprint with the answer.
            if mode.simple() {
                return None;
            }
            let document = state.get();
            match current.with(|seen| seen.as_ref().map(|s| s.position)) {
                None if !pre_queue => return None,
                Some(Err(_)) => return None,
                Some(Ok(position)) if position.rank.is_some() => return None,
                _ => {}
            }
            let locale = i18n.locale();
            let opens_at = campaign.with(|c| c.opens_at);
            let opening = format_local(campaign.with(|c| c.local(opens_at)), locale);
            let countdown = server_now_ms().map(|now| {
                let left = unix_ms(opens_at).saturating_sub(now);
                if left > 0 {
                    let left = format_countdown(Duration::from_millis(left.unsigned_abs()), locale);
                    Msg::OpeningIn.fill(locale, &[("countdown", &left)])
                } else {
                    Msg::OpeningNow.get(locale).to_owned()
                }
            });
            Some(view! {
                <div class="fl-draw" id="fl-fair-draw">
                    <p>{Msg::FairDraw.fill(locale, &[("opening", &opening)])}</p>
                    {countdown.map(|c| view! { <p class="fl-strong" id="fl-opening-countdown">{c}</p> })}
                    {document.map(|document| view! {
                        <p>{Msg::SeedCommitment.get(locale)} ": "<code class="fl-hash">{document.seed_commitment}</code></p>
                    })}
                </div>
            })
        }
    };

    let place = {
        let server_now_ms = server_now_ms.clone();
        move || {
            if mode.simple() {
                return None;
            }
            let seen = current.get()?;
            let locale = i18n.locale();
            let position = match &seen.position {
                Ok(position) => *position,
                Err(_) => {
                    return Some(
                        view! { <p class="fl-error">{Msg::DrawUnverified.get(locale)}</p> }
                            .into_any(),
                    )
                }
            };
            let rank = position.rank?;
            let ahead = position.people_ahead.unwrap_or(0);
            let estimate = seen
                .estimate
                .map(|e| shown_sentence(e, server_now_ms(), failed_polls.get(), locale))
                .unwrap_or_default();
            let progress = first_ahead().filter(|first| *first > 0).map(|first| {
                let moved = first.saturating_sub(ahead);
                let sentence = Msg::Progress.fill(
                    locale,
                    &[("moved", &group_digits(moved)), ("first_ahead", &group_digits(first))],
                );
                view! {
                    <div class="fl-progress">
                        <label for="fl-progress-bar">{Msg::ProgressLabel.get(locale)}</label>
                        <progress id="fl-progress-bar" max=first.to_string() value=moved.to_string()></progress>
                        <p>{sentence}</p>
                    </div>
                }
            });
            let place = group_digits(place_from_rank(rank));
            let place = Msg::PlaceNumber.fill(locale, &[("place", &place)]);
            Some(view! {
                <dl class="fl-facts">
                    <div><dt>{Msg::YourPlace.get(locale)}</dt><dd id="fl-rank">{place}</dd></div>
                    <div><dt>{Msg::PeopleAhead.get(locale)}</dt><dd id="fl-ahead">{format_people(ahead, locale)}</dd></div>
                    <div><dt>{Msg::WaitTime.get(locale)}</dt><dd id="fl-estimate">{estimate}</dd></div>
                </dl>
                {progress}
                {seen.verified_seed.map(|seed| view! {
                    <p class="fl-muted">{Msg::SeedRevealed.get(locale)} ": "<code class="fl-hash">{seed}</code>" "{Msg::SeedVerified.get(locale)}</p>
                })}
            }.into_any())
        }
    };

    // The simplified mode: the people ahead as one sentence, the wait in words, what to do.
    let simple_place = {
        let server_now_ms = server_now_ms.clone();
        move || {
            if !mode.simple() {
                return None;
            }
            let locale = i18n.locale();
            let seen = current.get();
            let position = seen.as_ref().and_then(|s| s.position.ok());
            let Some(rank) = position.and_then(|p| p.rank) else {
                if !pre_queue {
                    return None;
                }
                let opens_at = campaign.with(|c| c.opens_at);
                let opening = format_local(campaign.with(|c| c.local(opens_at)), locale);
                let left = server_now_ms()
                    .map(|now| unix_ms(opens_at).saturating_sub(now))
                    .filter(|left| *left > 0)
                    .map(|left| {
                        let left =
                            format_countdown(Duration::from_millis(left.unsigned_abs()), locale);
                        Msg::OpeningIn.fill(locale, &[("countdown", &left)])
                    });
                return Some(
                    view! {
                        <p class="fl-big" id="fl-fair-draw">{Msg::DrawPlain.fill(locale, &[("opening", &opening)])}</p>
                        <p class="fl-strong" id="fl-opening-countdown">{left}</p>
                        <p>{Msg::KeepPlace.get(locale)}</p>
                    }
                    .into_any(),
                );
            };
            let ahead = position.and_then(|p| p.people_ahead).unwrap_or(0);
            let sentence = match ahead {
                0 => Msg::AheadNone.get(locale).to_owned(),
                1 => Msg::AheadSentenceOne.fill(locale, &[("count", "1")]),
                n => Msg::AheadSentence.fill(locale, &[("count", &group_digits(n))]),
            };
            let estimate = seen
                .and_then(|s| s.estimate)
                .map(|e| shown_sentence(e, server_now_ms(), failed_polls.get(), locale))
                .unwrap_or_default();
            let place = group_digits(place_from_rank(rank));
            Some(
                view! {
                    <p class="fl-big" id="fl-ahead">{sentence}</p>
                    <p><span class="fl-strong">{Msg::WaitTime.get(locale)} ": "</span><span id="fl-estimate">{estimate}</span></p>
                    <p>{Msg::YourPlace.get(locale)} ": "<span id="fl-rank">{Msg::PlaceNumber.fill(locale, &[("place", &place)])}</span></p>
                    <p>{Msg::KeepPlace.get(locale)}</p>
                }
                .into_any(),
            )
        }
    };

    let notify_toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        notify_wanted.set(wanted);
        if wanted {
            leptos::task::spawn_local(async move {
                let granted = browser::request_notifications().await;
                notify_refused.set(!granted);
            });
        }
    };

    view! {
        <section class="fl-step" aria-labelledby="fl-step-heading">
            <h2 id="fl-step-heading" tabindex="-1">{tr(Msg::WaitHeading)}</h2>
            {move || offline.get().then(|| view! { <p class="fl-notice" id="fl-offline">{tr(Msg::Offline)}</p> })}
            {move || notice.get().map(|n| view! { <p class="fl-notice" id="fl-wait-notice">{tr(n)}</p> })}
            {move || admitting.get().then(|| view! { <p class="fl-strong">{tr(Msg::Admitting)}</p> })}
            {before_draw}
            {place}
            {simple_place}
            // Drawn with the first answer about the queue, not before: the place appears above
            // it, which would push it down.
            {move || current.with(Option::is_some).then(|| view! {
                <div class="fl-check">
                    <input type="checkbox" id="fl-notify" on:change=notify_toggle />
                    <label for="fl-notify">{tr(Msg::NotifyMe)}</label>
                </div>
            })}
            {move || notify_refused.get().then(|| view! { <p class="fl-muted">{tr(Msg::NotifyRefused)}</p> })}
        </section>
    }
    .into_any()
}

/// Listens for the page being shown again and for the connection going and coming back.
fn listen(session: &Session, waker: &Waker, offline: RwSignal<bool>) -> Vec<EventListener> {
    let mut listeners = Vec::new();
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let waker = waker.clone();
        listeners.push(EventListener::new(
            &document,
            "visibilitychange",
            move |_| {
                if browser::visibility() == Visibility::Visible {
                    waker.wake();
                }
            },
        ));
    }
    if let Some(window) = web_sys::window() {
        let (online_session, waker) = (session.clone(), waker.clone());
        listeners.push(EventListener::new(&window, "online", move |_| {
            offline.set(false);
            online_session.say(Msg::BackOnline);
            waker.wake();
        }));
        let offline_session = session.clone();
        listeners.push(EventListener::new(&window, "offline", move |_| {
            offline.set(true);
            offline_session.say(Msg::Offline);
        }));
    }
    listeners
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::datetime;

    #[test]
    fn estimates_read_as_ranges_or_honest_unknowns() {
        let updated_at = datetime!(2021-07-12 11:10:00 UTC);
        let range = Estimate::Range {
            low: Duration::from_secs(540),
            high: Duration::from_secs(780),
            updated_at,
        };
        assert_eq!(
            estimate_sentence(&range, Some(unix_ms(updated_at) + 7_400), Locale::En),
            "about 9–13 min (updated 7 s ago)"
        );
        assert_eq!(
            estimate_sentence(&range, Some(unix_ms(updated_at) + 7_400), Locale::Ko),
            "약 9–13분 (7초 전 기준)"
        );
        assert_eq!(
            estimate_sentence(&Estimate::Paused, None, Locale::En),
            Msg::WaitPaused.get(Locale::En)
        );
        assert_eq!(
            estimate_sentence(
                &Estimate::Unknown {
                    why: UnknownReason::TooLittleHistory
                },
                None,
                Locale::Ko
            ),
            Msg::WaitUnknownHistory.get(Locale::Ko)
        );
        let stalled = Estimate::Stalled {
            since: datetime!(2021-07-12 11:07:00 UTC),
            updated_at,
        };
        assert_eq!(
            estimate_sentence(&stalled, Some(unix_ms(updated_at) + 5_000), Locale::Ko),
            "지금은 알 수 없습니다. 대기열이 3분째 움직이지 않고 있습니다. 대기 순번은 그대로 유지됩니다."
        );
        assert_eq!(
            estimate_sentence(&stalled, Some(unix_ms(updated_at) - 150_000), Locale::En),
            "not known right now: the queue has not moved for 30 s. Your place is kept."
        );
        // A range whose document is 40 s old after two failed polls is withdrawn.
        assert_eq!(
            shown_sentence(range, Some(unix_ms(updated_at) + 40_000), 2, Locale::En),
            Msg::WaitNoUpdate.get(Locale::En)
        );
        assert_eq!(
            shown_sentence(range, Some(unix_ms(updated_at) + 40_000), 1, Locale::En),
            "about 9–13 min (updated 40 s ago)"
        );
    }
}
