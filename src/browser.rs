//! What the widget needs from the browser that gloo does not give: the monotonic clock, a sleep
//! that can be woken early, page visibility and connectivity as values, randomness,
//! notifications, focus, the document title, and local storage as plain text (`gloo-storage`
//! brought `serde_json`'s errors along for the same three calls). Timers come from
//! `gloo-timers`, event listeners from `gloo-events`.
//!
//! The device's wall clock is read in exactly one place, [`device_wall_ms`], and only to tell
//! the citizen that it is off; no decision uses it.

use std::cell::RefCell;
use std::rc::Rc;

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use fairline_core::poll::Visibility;
use fairline_core::rng::RandomSource;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;

/// Monotonic milliseconds (`performance.now()`), immune to changes of the device clock.
pub fn mono_now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The device's wall clock, Unix milliseconds: only for the "your clock is off" notice.
pub fn device_wall_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[derive(Default)]
struct SleepState {
    done: bool,
    task: Option<core::task::Waker>,
}

fn finish(state: &RefCell<SleepState>) {
    let task = {
        let mut state = state.borrow_mut();
        state.done = true;
        state.task.take()
    };
    if let Some(task) = task {
        task.wake();
    }
}

/// Resolves once its sleep is finished (by its timer or by a [`Waker`]).
struct Sleeping(Rc<RefCell<SleepState>>);

impl Future for Sleeping {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.borrow_mut();
        if state.done {
            Poll::Ready(())
        } else {
            state.task = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Wakes a [`sleep`] early (page became visible, back online).
#[derive(Clone, Default)]
pub struct Waker {
    current: Rc<RefCell<Option<Rc<RefCell<SleepState>>>>>,
}

impl Waker {
    /// A waker with nothing to wake yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends the current sleep now, if any.
    pub fn wake(&self) {
        let current = self.current.borrow_mut().take();
        if let Some(state) = current {
            finish(&state);
        }
    }
}

/// Sleeps for `duration` (forever with `None`), or until `waker` wakes it. Dropping the future
/// clears its timer.
pub async fn sleep(duration: Option<Duration>, waker: &Waker) {
    let state = Rc::new(RefCell::new(SleepState::default()));
    *waker.current.borrow_mut() = Some(Rc::clone(&state));
    let _timer = duration.map(|duration| {
        // Browsers fire longer timeouts than 2^31 - 1 ms at once.
        let ms = u32::try_from(duration.as_millis())
            .unwrap_or(u32::MAX)
            .min(i32::MAX.unsigned_abs());
        let state = Rc::clone(&state);
        Timeout::new(ms, move || finish(&state))
    });
    Sleeping(Rc::clone(&state)).await;
    let mut current = waker.current.borrow_mut();
    if current.as_ref().is_some_and(|c| Rc::ptr_eq(c, &state)) {
        *current = None;
    }
}

/// The page's local storage, when it may use one (a sandboxed frame or a strict privacy mode may
/// forbid it: then nothing is kept and nothing throws).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a JSON local-storage entry (`None` when missing or not a `T`).
pub fn load<T: fairline_core::read::FromJson>(key: &str) -> Option<T> {
    fairline_core::read::from_json(&load_text(key)?).ok()
}

/// Writes a JSON local-storage entry (silently skipped when storage is unavailable or full).
pub fn store<T: fairline_core::write::ToJson>(key: &str, value: &T) {
    store_text(key, &fairline_core::write::to_json(value));
}

/// Reads a plain-text local-storage entry.
pub fn load_text(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a plain-text local-storage entry (skipped when storage is unavailable or full).
pub fn store_text(key: &str, text: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, text);
    }
}

/// The browser's languages, in the citizen's order of preference (`navigator.languages`).
pub fn languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|tag| tag.as_string()).collect())
        .unwrap_or_default()
}

/// Removes a local-storage entry.
pub fn forget(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// `document.visibilityState`.
pub fn visibility() -> Visibility {
    match web_sys::window().and_then(|w| w.document()) {
        Some(document) if document.visibility_state() == web_sys::VisibilityState::Hidden => {
            Visibility::Hidden
        }
        _ => Visibility::Visible,
    }
}

/// `navigator.onLine`.
pub fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// Randomness for jitter and idempotency keys: `crypto.getRandomValues`, or `Math.random`
/// where no crypto is available.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserRandom;

impl RandomSource for BrowserRandom {
    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok())
            .unwrap_or(false);
        if filled {
            u64::from_le_bytes(bytes)
        } else {
            let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            (high << 32) | low
        }
    }
}

/// A fresh idempotency key: 128 random bits as a UUID-shaped string.
pub fn new_idempotency_key(rng: &mut impl RandomSource) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// Sets `document.title`.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Whether notifications were granted.
pub fn notifications_granted() -> bool {
    web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
}

/// Asks for permission to notify; resolves to whether it was granted.
pub async fn request_notifications() -> bool {
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return false;
    };
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    notifications_granted()
}

/// Shows a notification, when permitted.
pub fn notify(title: &str, body: &str) {
    if !notifications_granted() {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    let _ = web_sys::Notification::new_with_options(title, &options);
}

/// Moves keyboard focus to the element with `id`, if it exists.
pub fn focus_id(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The device's time-zone offset at `instant` (only to show times in the citizen's own zone;
/// it never decides anything), or None outside a browser.
pub fn device_offset_at(instant: time::OffsetDateTime) -> Option<time::UtcOffset> {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = fairline_core::wire::unix_ms(instant) as f64;
        let minutes_behind_utc =
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).get_timezone_offset();
        if !minutes_behind_utc.is_finite() {
            return None;
        }
        time::UtcOffset::from_whole_seconds(-(minutes_behind_utc as i32) * 60).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = instant;
        None
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use fairline_core::rng::SplitMix64;

    #[test]
    fn idempotency_keys_are_uuid_shaped_and_differ() {
        let mut rng = SplitMix64::new(9);
        let first = new_idempotency_key(&mut rng);
        let second = new_idempotency_key(&mut rng);
        assert_ne!(first, second);
        let groups: Vec<usize> = first.split('-').map(str::len).collect();
        assert_eq!(groups, vec![8, 4, 4, 4, 12]);
        assert_eq!(first.as_bytes()[14], b'4');
    }
}
