//! The admission's time limit by server time: the time left, two warnings before the end
//! (each announced once per limit), and the button that asks for more time while any is left.

use core::time::Duration;

use fairline_core::wire::unix_ms;
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::erased;
use crate::format::{format_clock, format_countdown};
use crate::i18n::{tr, use_i18n, Msg};
use crate::requests::{Request, Requests};
use crate::session::Session;

/// Warn this long before the admission ends (the notice shows from then on).
pub const WARN_BEFORE: Duration = Duration::from_secs(120);
/// Warn again this long before the end.
pub const WARN_AGAIN_BEFORE: Duration = Duration::from_secs(30);

/// Time left until `expires_at` at server time `now_ms` (zero once past).
pub fn time_left(expires_at: OffsetDateTime, now_ms: i64) -> Duration {
    Duration::from_millis(
        unix_ms(expires_at)
            .saturating_sub(now_ms)
            .max(0)
            .unsigned_abs(),
    )
}

/// Which warning (1 at two minutes, 2 at thirty seconds) is due with `left` for the limit
/// `expires_at`, given the last one announced and its limit (a new limit after an extension is
/// warned about again); `None` when none is due.
pub fn warning_due(
    left: Duration,
    expires_at: OffsetDateTime,
    warned: Option<(OffsetDateTime, u8)>,
) -> Option<u8> {
    let reached = match left {
        left if left.is_zero() => return None,
        left if left <= WARN_AGAIN_BEFORE => 2,
        left if left <= WARN_BEFORE => 1,
        _ => return None,
    };
    let already = match warned {
        Some((limit, level)) if limit == expires_at => level,
        _ => 0,
    };
    (reached > already).then_some(reached)
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
    let warned: RwSignal<Option<(OffsetDateTime, u8)>> = RwSignal::new(None);
    let warn_session = session.clone();
    let warn_left = left.clone();
    erased::effect(Box::new(move || {
        let (Some(left), Some(expires)) = (warn_left(), expires_at()) else {
            return;
        };
        if let Some(level) = warning_due(left, expires, warned.get_untracked()) {
            warned.set(Some((expires, level)));
            let locale = warn_session.i18n.now();
            let left = format_countdown(left, locale);
            warn_session.announce(Msg::TimeWarning.fill(locale, &[("left", &left)]));
        }
    }));
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
    fn two_warnings_come_once_each_per_limit() {
        let limit = datetime!(2021-07-12 11:10:00 UTC);
        let now = unix_ms(datetime!(2021-07-12 11:08:30 UTC));
        let left = time_left(limit, now);
        assert_eq!(left, Duration::from_secs(90));
        assert_eq!(time_left(limit, now + 600_000), Duration::ZERO);
        assert_eq!(warning_due(left, limit, None), Some(1));
        assert_eq!(
            warning_due(left, limit, Some((limit, 1))),
            None,
            "already warned"
        );
        let last = Duration::from_secs(20);
        assert_eq!(
            warning_due(last, limit, Some((limit, 1))),
            Some(2),
            "the second"
        );
        assert_eq!(warning_due(last, limit, Some((limit, 2))), None);
        assert_eq!(
            warning_due(last, limit, None),
            Some(2),
            "late: only the second"
        );
        let extended = datetime!(2021-07-12 11:11:30 UTC);
        assert_eq!(
            warning_due(left, extended, Some((limit, 2))),
            Some(1),
            "a new limit"
        );
        assert_eq!(warning_due(Duration::from_secs(300), limit, None), None);
        assert_eq!(
            warning_due(Duration::ZERO, limit, None),
            None,
            "over, not warned"
        );
    }
}
