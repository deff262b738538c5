//! The widget's two modes: the standard page, and the simplified one (one question a screen,
//! large and plain) for people who find the web hard. Which mode: the host's `data-mode`, then the
//! citizen's earlier choice on this device, else standard. Both read the same session, so
//! switching keeps the place in the queue, the typed details and the admission timer.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::{use_i18n, Msg};

/// The device's storage key for the citizen's choice of mode.
pub const MODE_KEY: &str = "fairline:mode";

/// How the widget shows itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every field of a step at once.
    #[default]
    Standard,
    /// One question a screen, large text and big buttons.
    Simple,
}

impl Mode {
    /// The attribute and storage value (`standard`, `simple`).
    pub fn tag(self) -> &'static str {
        match self {
            Mode::Standard => "standard",
            Mode::Simple => "simple",
        }
    }

    /// The mode named `tag` (`None` for anything else).
    pub fn from_tag(tag: &str) -> Option<Mode> {
        [Mode::Standard, Mode::Simple]
            .into_iter()
            .find(|mode| tag.trim().eq_ignore_ascii_case(mode.tag()))
    }

    /// The host's choice, else the device's earlier one, else standard.
    pub fn choose(host: Option<Mode>, chosen_before: Option<&str>) -> Mode {
        host.or_else(|| chosen_before.and_then(Mode::from_tag))
            .unwrap_or_default()
    }
}

/// The mode a mounted widget shows: one signal, read by the steps.
#[derive(Debug, Clone, Copy)]
pub struct ModeSignal(RwSignal<Mode>);

impl ModeSignal {
    /// A handle showing `mode`.
    pub fn new(mode: Mode) -> Self {
        Self(RwSignal::new(mode))
    }

    /// The mode, tracked.
    pub fn get(self) -> Mode {
        self.0.get()
    }

    /// Whether the simplified mode shows, tracked.
    pub fn simple(self) -> bool {
        self.get() == Mode::Simple
    }

    /// Shows `mode` (the host asked for it: not remembered as the citizen's choice).
    pub fn set(self, mode: Mode) {
        self.0.set(mode);
    }

    /// Shows `mode` and remembers it on this device.
    pub fn choose(self, mode: Mode) {
        browser::store_text(MODE_KEY, mode.tag());
        self.0.set(mode);
    }
}

/// The mounted widget's mode (standard when none was provided, as in a bare component test).
pub fn use_mode() -> ModeSignal {
    use_context::<ModeSignal>().unwrap_or_else(|| {
        let mode = ModeSignal::new(Mode::Standard);
        provide_context(mode);
        mode
    })
}

/// The switch between the modes, on every screen: one button that says what it turns on.
#[component]
pub fn ModeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let mode = use_mode();
    view! {
        <button type="button" class="fl-mode-button" id="fl-mode"
            aria-pressed=move || if mode.simple() { "true" } else { "false" }
            on:click=move |_| {
                mode.choose(if mode.simple() { Mode::Standard } else { Mode::Simple })
            }>
            {move || i18n.t(Msg::SimpleMode)}
        </button>
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::Mode;

    #[test]
    fn the_host_then_the_device_decide_and_standard_is_the_default() {
        assert_eq!(
            Mode::choose(Some(Mode::Simple), Some("standard")),
            Mode::Simple
        );
        assert_eq!(Mode::choose(None, Some("simple")), Mode::Simple);
        assert_eq!(Mode::choose(None, Some("SIMPLE ")), Mode::Simple);
        assert_eq!(Mode::choose(None, Some("large")), Mode::Standard);
        assert_eq!(Mode::choose(None, None), Mode::Standard);
        for mode in [Mode::Standard, Mode::Simple] {
            assert_eq!(Mode::from_tag(mode.tag()), Some(mode));
        }
    }
}
