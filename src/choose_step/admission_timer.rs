//! The admission's time limit by server time: the time left, a warning before the end
//! (announced once per limit), and the button that asks for more time while any is left.

use core::time::Duration;

use fairline_core::wire::unix_ms;
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::format::{format_clock, format_countdown};
use crate::i18n::{tr, use_i18n, Msg};
use crate::requests::{Request, Requests};
use crate::session::Session;

/// Warn this long before the admission ends.
pub const WARN_BEFORE: Duration = Duration::from_secs(120);

/// Time left until `expires_at` at server time `now_ms` (zero once past).
pub fn time_left(expires_at: OffsetDateTime, now_ms: i64) -> Duration {
    Duration::from_millis(
        unix_ms(expires_at)
            .saturating_sub(now_ms)
            .max(0)
            .unsigned_abs(),
    )
}

/// Whether a warning is due with `left` for the limit `expires_at`, given the limit last
/// warned about (a new limit after an extension is warned about again).
pub fn warning_due(
    left: Duration,
    expires_at: OffsetDateTime,
    warned_for: Option<OffsetDateTime>,
) -> bool {
    left <= WARN_BEFORE && !left.is_zero() && warned_for != Some(expires_at)
}

/// The admission's time left, re-read every tick (`None` before the clock has a sample or
/// outside the choose step).
pub fn admission_left(session: &Session) -> impl Fn() -> Option<Duration> + Clone + Send + Sync {
    let session = session.clone();
    move || {
        session.tick.get();
        let now = session.server_now_ms()?;
        let expires = session
            .journey()
            .with(|j| j.admission().map(|a| a.admission.claims.expires_at))?;
        Some(time_left(expires, now))
    }
}

/// The time limit and the extend button.
#[component]
pub fn AdmissionTimer() -> impl IntoView {
    let session = expect_context::<Session>();
    let extend = expect_context::<Requests>().extend;
    let journey = session.journey();
    let expires_at = move || journey.with(|j| j.admission().map(|a| a.admission.claims.expires_at));
    let extensions_left = move || journey.with(|j| j.admission().map_or(0, |a| a.extensions_left));
    let left = admission_left(&session);
    let warned_for: RwSignal<Option<OffsetDateTime>> = RwSignal::new(None);
    let warn_session = session.clone();
    let warn_left = left.clone();
    Effect::new(move |_| {
        let (Some(left), Some(expires)) = (warn_left(), expires_at()) else {
            return;
        };
        if warning_due(left, expires, warned_for.get_untracked()) {
            warned_for.set(Some(expires));
            let locale = warn_session.i18n.now();
            let left = format_countdown(left, locale);
            warn_session.announce(Msg::TimeWarning.fill(locale, &[("left", &left)]));
        }
    });
    let campaign = session.campaign;
    let i18n = use_i18n();
    let limit_text = move || {
        let left = left()?;
        let locale = i18n.locale();
        if left.is_zero() {
            return Some(
                view! { <p class="fl-error" id="fl-time-limit">{Msg::AdmissionExpired.get(locale)}</p> }
                    .into_any(),
            );
        }
        let expires = expires_at()?;
        let until = format_clock(campaign.with(|c| c.local(expires)), locale);
        let left_text = format_countdown(left, locale);
        let warning = (left <= WARN_BEFORE).then(|| {
            let sentence = Msg::TimeWarning.fill(locale, &[("left", &left_text)]);
            view! { <p class="fl-notice">{sentence}</p> }
        });
        let limit = Msg::TimeLeft.fill(locale, &[("left", &left_text), ("until", &until)]);
        Some(
            view! {
                <p id="fl-time-limit" class="fl-strong">{limit}</p>
                {warning}
            }
            .into_any(),
        )
    };
    view! {
        <div class="fl-limit">
            {limit_text}
            <Show when=move || { extensions_left() > 0 }>
                <button type="button" class="fl-secondary" id="fl-extend"
                    on:click=move |_| { extend.dispatch_local(Request::Extend); }>{tr(Msg::ExtendButton)}</button>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_warning_comes_once_per_limit_inside_the_last_two_minutes() {
        let limit = datetime!(2021-07-12 11:10:00 UTC);
        let now = unix_ms(datetime!(2021-07-12 11:08:30 UTC));
        let left = time_left(limit, now);
        assert_eq!(left, Duration::from_secs(90));
        assert_eq!(time_left(limit, now + 600_000), Duration::ZERO);
        assert!(warning_due(left, limit, None));
        assert!(!warning_due(left, limit, Some(limit)), "already warned");
        let extended = datetime!(2021-07-12 11:11:30 UTC);
        assert!(warning_due(left, extended, Some(limit)), "a new limit");
        assert!(!warning_due(Duration::from_secs(300), limit, None));
        assert!(
            !warning_due(Duration::ZERO, limit, None),
            "over, not warned"
        );
    }
}
