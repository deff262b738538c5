//! The language switch on every step: 한국어 / English, each written in its own language with its
//! own `lang`, the current one marked pressed; a choice is remembered on this device.

use leptos::prelude::*;

use crate::i18n::{use_i18n, I18n, Locale, Msg};

/// Two buttons, one a language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="fl-lang" role="group" aria-label=move || i18n.t(Msg::Language)>
            {button(i18n, Locale::Ko)}
            {button(i18n, Locale::En)}
        </div>
    }
}

/// The button for `locale` (one instantiation for both).
fn button(i18n: I18n, locale: Locale) -> impl IntoView {
    view! {
        <button type="button" class="fl-lang-button" lang=locale.tag()
            aria-pressed=move || if i18n.locale() == locale { "true" } else { "false" }
            on:click=move |_| i18n.choose(locale)>
            {locale.own_name()}
        </button>
    }
}
