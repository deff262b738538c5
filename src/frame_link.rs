//! The widget in a partner's iframe (`/embed/{campaign}?parent=…`) and its parent page: a
//! versioned, namespaced `postMessage` protocol sent to the allowed parent origin alone, and
//! commands taken from that origin alone.
//!
//! To the parent: `{fairline: {v: 1, event, detail}}`, where `event` is one of the host events
//! ([`crate::host_events`]: `fairline:ready`, `fairline:step`, …) or `fairline:height` with
//! `{height}` in CSS pixels whenever the page's height changes. From the parent:
//! `{fairline: {v: 1, command, value}}` with `setLocale` (`ko`, `en`), `setMode` (`standard`,
//! `simple`) or `setTheme` (`light`, `dark`, `auto`); a message from any other origin, of
//! another version or shape, is ignored.
//!
//! # Usage
//!
//! ```ignore
//! frame_link::link("https://partner.example".into(), HostControl::new());
//! frame_link::post("https://partner.example", "fairline:step", &detail);
//! ```

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use leptos::prelude::Set;
use wasm_bindgen::{JsCast, JsValue};

use crate::embed::HostControl;
use crate::i18n::Locale;
use crate::mode::Mode;

/// The protocol's version.
pub const VERSION: f64 = 1.0;

/// How often the page's height is compared with the last one sent.
const HEIGHT_CHECK_MS: u32 = 250;

/// Posts `{fairline: {v: 1, event, detail}}` to the parent page at `origin`.
pub fn post(origin: &str, event: &str, detail: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let inner = js_sys::Object::new();
    let set = |object: &js_sys::Object, key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
    };
    set(&inner, "v", &JsValue::from_f64(VERSION));
    set(&inner, "event", &JsValue::from_str(event));
    set(&inner, "detail", detail);
    let message = js_sys::Object::new();
    set(&message, "fairline", &inner);
    let _ = parent.post_message(&message, origin);
}

/// Sends the page's height to `origin` whenever it changes, and applies the commands `origin`
/// sends, for the page's lifetime.
pub fn link(origin: String, control: HostControl) {
    let mut last_height = -1;
    let height_origin = origin.clone();
    Interval::new(HEIGHT_CHECK_MS, move || {
        let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        else {
            return;
        };
        let height = body.offset_height();
        if height != last_height {
            last_height = height;
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &detail,
                &JsValue::from_str("height"),
                &JsValue::from_f64(f64::from(height)),
            );
            post(&height_origin, "fairline:height", &detail);
        }
    })
    .forget();
    let Some(window) = web_sys::window() else {
        return;
    };
    EventListener::new(&window, "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        if event.origin() != origin {
            return;
        }
        if let Some((command, value)) = read_command(&event.data()) {
            apply(&command, &value, control);
        }
    })
    .forget();
}

/// `(command, value)` of a `{fairline: {v: 1, command, value}}` message.
fn read_command(data: &JsValue) -> Option<(String, String)> {
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key));
    let inner = get(data, "fairline").ok().filter(JsValue::is_object)?;
    if get(&inner, "v").ok()?.as_f64() != Some(VERSION) {
        return None;
    }
    Some((
        get(&inner, "command").ok()?.as_string()?,
        get(&inner, "value").ok()?.as_string()?,
    ))
}

/// Applies one parent command; unknown commands and values change nothing.
fn apply(command: &str, value: &str, control: HostControl) {
    match command {
        "setLocale" => {
            if let Some(locale) = Locale::from_tag(value) {
                control.locale.try_set(Some(locale));
            }
        }
        "setMode" => {
            if let Some(mode) = Mode::from_tag(value) {
                control.mode.try_set(Some(mode));
            }
        }
        "setTheme" if matches!(value, "light" | "dark" | "auto") => {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-theme", value);
            }
        }
        _ => {}
    }
}
