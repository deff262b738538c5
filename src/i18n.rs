//! The widget's two languages: which one it speaks ([`choose_locale`]), the reactive handle every
//! view reads it through ([`I18n`]), and how a sentence is filled in ([`fill`]).
//!
//! Sentences live in [`messages`], one [`Msg`] a key with its Korean and English side by side;
//! dates, times and numbers are written by [`crate::format`] for a [`Locale`].
//!
//! # Usage
//!
//! ```ignore
//! let i18n = use_i18n();
//! view! {
//!     <h2>{tr(Msg::CheckHeading)}</h2>
//!     <p>{move || Msg::OpeningIn.fill(i18n.locale(), &[("countdown", &countdown)])}</p>
//! }
//! ```
//!
//! Every text in a view reads the locale, so switching language redraws the words in place: the
//! step, the place in the queue, the typed details and the timers stay as they are.

pub mod messages;

use std::sync::Arc;

pub use fairline_core::locale::Locale;
use leptos::prelude::*;
pub use messages::Msg;

use crate::browser;

/// The device's storage key for the citizen's choice of language.
pub const LOCALE_KEY: &str = "fairline:locale";

/// The language to speak, by the first that names one Fairline speaks: the host page's
/// `data-locale`, the citizen's earlier choice on this device, the browser's languages (in their
/// order), then the campaign's `default_locale`.
pub fn choose_locale<'a>(
    host: Option<&str>,
    chosen_before: Option<&str>,
    browser_languages: impl IntoIterator<Item = &'a str>,
    campaign_default: Locale,
) -> Locale {
    host.and_then(Locale::from_tag)
        .or_else(|| chosen_before.and_then(Locale::from_tag))
        .or_else(|| Locale::first_supported(browser_languages))
        .unwrap_or(campaign_default)
}

/// `template` with each `{name}` replaced by its value in `args` (a name without a value is left
/// as it is, so a mistake shows instead of vanishing).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((before, name, after)) = next_placeholder(rest) {
        out.push_str(before);
        match args.iter().find(|(key, _)| *key == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The text before the first `{name}` in `text`, the name, and the text after it.
fn next_placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find('{')?;
    let close = open + text[open..].find('}')?;
    Some((&text[..open], &text[open + 1..close], &text[close + 1..]))
}

/// The `{name}`s of `template`, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some((_, name, after)) = next_placeholder(rest) {
        names.push(name);
        rest = after;
    }
    names.sort_unstable();
    names
}

/// The language a mounted widget speaks: one signal, read by every text in its views.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// A handle speaking `locale`.
    pub fn new(locale: Locale) -> Self {
        Self(RwSignal::new(locale))
    }

    /// The language, tracked (a view that reads it redraws when it changes).
    pub fn locale(self) -> Locale {
        self.0.get()
    }

    /// The language now, untracked (for a sentence said once: an announcement, a notification).
    pub fn now(self) -> Locale {
        self.0.get_untracked()
    }

    /// `msg` in the language, tracked.
    pub fn t(self, msg: Msg) -> &'static str {
        msg.get(self.locale())
    }

    /// Speaks `locale` from now on (the caller decides whether to remember it).
    pub fn set(self, locale: Locale) {
        self.0.set(locale);
    }

    /// Speaks `locale` and remembers the choice on this device.
    pub fn choose(self, locale: Locale) {
        browser::store_text(LOCALE_KEY, locale.tag());
        self.set(locale);
    }
}

/// The mounted widget's [`I18n`] (English when none was provided, as in a bare component test).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| {
        let i18n = I18n::new(Locale::En);
        provide_context(i18n);
        i18n
    })
}

/// `msg` as a view text that follows the language.
pub fn tr(msg: Msg) -> impl IntoView + Clone {
    let i18n = use_i18n();
    move || i18n.t(msg)
}

/// A sentence kept to be shown later (a request's outcome): written in whatever language is
/// chosen when it is drawn.
#[derive(Clone)]
pub struct Phrase(Arc<dyn Fn(Locale) -> String + Send + Sync>);

impl Phrase {
    /// A phrase written by `write`.
    pub fn new(write: impl Fn(Locale) -> String + Send + Sync + 'static) -> Self {
        Self(Arc::new(write))
    }

    /// The fixed sentence `msg`.
    pub fn of(msg: Msg) -> Self {
        Self::new(move |locale| msg.get(locale).to_owned())
    }

    /// The sentence in `locale`.
    pub fn say(&self, locale: Locale) -> String {
        (self.0)(locale)
    }
}

impl core::fmt::Debug for Phrase {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Phrase")
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn is_hangul(c: char) -> bool {
        matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
    }

    #[test]
    fn every_key_has_both_languages_with_the_same_placeholders() {
        for &msg in Msg::ALL {
            let (ko, en) = (msg.get(Locale::Ko), msg.get(Locale::En));
            assert!(!ko.trim().is_empty(), "{msg:?} has no Korean");
            assert!(!en.trim().is_empty(), "{msg:?} has no English");
            assert_eq!(
                placeholders(ko),
                placeholders(en),
                "{msg:?}: the placeholders differ between Korean and English"
            );
            assert!(
                !en.chars().any(is_hangul),
                "{msg:?}: the English holds Korean"
            );
            let words_only: String = ko.split(['{', '}']).step_by(2).collect();
            assert!(
                words_only.chars().any(is_hangul),
                "{msg:?}: the Korean holds no Korean: {ko}"
            );
        }
    }

    #[test]
    fn placeholders_are_filled_by_name_and_a_missing_value_shows() {
        assert_eq!(
            fill("{moved} of {first}", &[("first", "9"), ("moved", "3")]),
            "3 of 9"
        );
        assert_eq!(fill("{count}명", &[("count", "12,345")]), "12,345명");
        assert_eq!(fill("left {gone}", &[]), "left {gone}");
        assert_eq!(fill("no braces", &[("x", "y")]), "no braces");
        assert_eq!(fill("open { only", &[]), "open { only");
        assert_eq!(placeholders("{b} and {a} and {b}"), ["a", "b", "b"]);
        assert_eq!(
            Msg::People.fill(Locale::En, &[("count", "12,345")]),
            "12,345 people"
        );
    }

    #[test]
    fn the_host_then_the_device_then_the_browser_then_the_campaign_decide() {
        let choose = |host, before, browser: &[&str]| {
            choose_locale(host, before, browser.iter().copied(), Locale::Ko)
        };
        assert_eq!(choose(Some("en"), Some("ko"), &["ko-KR"]), Locale::En);
        assert_eq!(choose(Some("fr"), Some("en"), &["ko-KR"]), Locale::En);
        assert_eq!(choose(None, Some("en"), &["ko-KR"]), Locale::En);
        assert_eq!(choose(None, None, &["fr-FR", "en-US"]), Locale::En);
        assert_eq!(choose(None, None, &["ko-KR", "en-US"]), Locale::Ko);
        assert_eq!(choose(None, None, &["fr-FR"]), Locale::Ko);
        assert_eq!(
            choose_locale(None, None, ["de"], Locale::En),
            Locale::En,
            "the campaign's own default"
        );
    }
}

/// Source checks: every key is used by some view, and no view holds a sentence of its own.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod source_tests {
    use std::{fs, path::Path};

    use super::Msg;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.display().to_string();
                out.push((name, fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn every_key_is_used_outside_the_table() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let code: Vec<&str> = files
            .iter()
            .filter(|(name, _)| !name.ends_with("messages.rs"))
            .map(|(_, text)| text.as_str())
            .collect();
        let unused: Vec<Msg> = Msg::ALL
            .iter()
            .copied()
            .filter(|msg| {
                let key = format!("Msg::{msg:?}");
                !code.iter().any(|text| {
                    text.match_indices(&key).any(|(at, _)| {
                        !text[at + key.len()..]
                            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                })
            })
            .collect();
        assert!(unused.is_empty(), "keys no code uses: {unused:?}");
    }
}
