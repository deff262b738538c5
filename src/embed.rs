//! The widget inside a partner's page: `embed.js` defines `<fairline-booking>`, gives each
//! element a shadow root, loads this module from the widget's own origin and calls [`embed`];
//! the element's attribute changes go to the returned [`Embedded`] handle, and removing the
//! element calls [`Embedded::unmount`], which stops every timer, listener and request.
//!
//! # Usage (from JavaScript; `embed.js` does this)
//!
//! ```js
//! const widget = glue.embed(element, container, 'https://book.example', 'kr-covid19-2021-07', 'ko', 'simple');
//! widget.set_locale('en');
//! widget.set_mode('standard');
//! widget.unmount();
//! ```

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::host_events::HostEvents;
use crate::i18n::Locale;
use crate::mode::Mode;
use crate::{Widget, WidgetConfig};

/// What the host element may change while the widget runs (its `locale` and `mode`
/// attributes); `None` until it changes one.
#[derive(Debug, Clone, Copy)]
pub struct HostControl {
    /// The language the host asks for now.
    pub locale: RwSignal<Option<Locale>>,
    /// The mode the host asks for now.
    pub mode: RwSignal<Option<Mode>>,
}

impl HostControl {
    /// Nothing asked for yet.
    pub fn new() -> Self {
        Self {
            locale: RwSignal::new(None),
            mode: RwSignal::new(None),
        }
    }
}

impl Default for HostControl {
    fn default() -> Self {
        Self::new()
    }
}

/// One embedded widget, as `embed.js` holds it.
#[wasm_bindgen]
pub struct Embedded {
    mounted: Option<Box<dyn Any>>,
    control: HostControl,
}

#[wasm_bindgen]
impl Embedded {
    /// Speaks `tag` (`ko`, `en`) from now on; anything else is ignored.
    pub fn set_locale(&self, tag: &str) {
        if let Some(locale) = Locale::from_tag(tag) {
            self.control.locale.try_set(Some(locale));
        }
    }

    /// Shows `tag` (`standard`, `simple`) from now on; anything else is ignored.
    pub fn set_mode(&self, tag: &str) {
        if let Some(mode) = Mode::from_tag(tag) {
            self.control.mode.try_set(Some(mode));
        }
    }

    /// Takes the widget out of the page: its views, effects, timers, listeners and loops end.
    pub fn unmount(&mut self) {
        self.mounted.take();
    }
}

/// Mounts a widget for `campaign` at `api_base` into `container` (inside `host`'s shadow root);
/// its events are dispatched on `host`.
#[wasm_bindgen]
pub fn embed(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    api_base: String,
    campaign: String,
    locale: Option<String>,
    mode: Option<String>,
) -> Embedded {
    let config = WidgetConfig {
        api_base,
        campaign_id: campaign,
        frame_title: None,
        page_campaign: None,
        rehearsal: false,
        locale: locale.as_deref().and_then(Locale::from_tag),
        mode: mode.as_deref().and_then(Mode::from_tag),
        parent: None,
    };
    let control = std::rc::Rc::new(std::cell::Cell::new(None));
    let handed_out = control.clone();
    let target: web_sys::EventTarget = host.into();
    let mounted = leptos::mount::mount_to(container, move || {
        let host_control = HostControl::new();
        handed_out.set(Some(host_control));
        provide_context(host_control);
        provide_context(HostEvents::new(Some(target)));
        view! { <Widget config /> }
    });
    Embedded {
        mounted: Some(Box::new(mounted)),
        control: control.get().expect("mount_to runs its view at once"),
    }
}
