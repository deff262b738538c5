//! The campaign's help line as a sentence with a `tel:` link: on every screen of the simplified
//! mode; in the standard one under a refusal at the check step, while choosing and on the receipt.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::session::Session;

/// The `tel:` address of a number written for people (`020 7946 0000` → `tel:02079460000`).
pub fn tel_href(number: &str) -> String {
    let dialled: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{dialled}")
}

/// "For help, call 1339 (24 hours)." with the number a link; nothing when the campaign names no
/// line.
#[component]
pub fn HelpLine() -> impl IntoView {
    let line = expect_context::<Session>()
        .campaign
        .with_untracked(|c| c.help_line.clone())?;
    let i18n = use_i18n();
    let hours = line.hours;
    // The sentence around the number: the text before it (0) and after it (1).
    let part = move |which: usize| {
        let hours = hours.clone();
        move || {
            let locale = i18n.locale();
            let sentence = Msg::HelpLine.fill(locale, &[("hours", hours.get(locale))]);
            let mut parts = sentence.splitn(2, "{number}");
            parts.nth(which).unwrap_or_default().to_owned()
        }
    };
    let href = tel_href(&line.number);
    Some(view! {
        <p class="fl-help" id="fl-help-line">
            {part(0)}<a href=href>{line.number}</a>{part(1)}
        </p>
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::tel_href;

    #[test]
    fn a_number_is_dialled_without_its_spaces() {
        assert_eq!(tel_href("1339"), "tel:1339");
        assert_eq!(tel_href("020 7946 0000"), "tel:02079460000");
        assert_eq!(tel_href("+82 2-1339"), "tel:+8221339");
    }
}
