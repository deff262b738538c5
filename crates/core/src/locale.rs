//! The languages Fairline speaks ([`Locale`]), how a language tag picks one, and how a campaign's
//! names are read in one ([`crate::campaign::Names::get`]).
//!
//! Every sentence a citizen reads is the widget's (the server sends codes, never sentences);
//! what the widget and the server must agree on is the set of languages, their tags, and the
//! campaign's `default_locale`.
//!
//! # Usage
//!
//! ```
//! use fairline_core::locale::Locale;
//!
//! assert_eq!(Locale::from_tag("ko-KR"), Some(Locale::Ko));
//! assert_eq!(Locale::first_supported(["fr-FR", "en-GB"]), Some(Locale::En));
//! assert_eq!(Locale::Ko.tag(), "ko");
//! ```

use serde::{Deserialize, Serialize};

/// A language of the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Korean (`ko`).
    Ko,
    /// English (`en`): the default of a campaign that names none.
    #[default]
    En,
}

impl Locale {
    /// Every language, in the order the language switch shows them.
    pub const ALL: [Locale; 2] = [Locale::Ko, Locale::En];

    /// The BCP 47 tag (`ko`, `en`): the `lang` attribute and the wire name.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ko => "ko",
            Locale::En => "en",
        }
    }

    /// The language's own name for itself (`한국어`, `English`), as a language switch writes it.
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::Ko => "한국어",
            Locale::En => "English",
        }
    }

    /// The language of a BCP 47 tag by its primary subtag, any case (`ko`, `ko-KR`, `EN-gb`);
    /// `None` for a language Fairline does not speak.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Locale::ALL
            .into_iter()
            .find(|locale| primary.eq_ignore_ascii_case(locale.tag()))
    }

    /// The first language of `tags` (a browser's preference order) that Fairline speaks.
    pub fn first_supported<'a>(tags: impl IntoIterator<Item = &'a str>) -> Option<Locale> {
        tags.into_iter().find_map(Locale::from_tag)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::Locale;

    #[test]
    fn tags_pick_a_language_by_their_primary_subtag() {
        for (tag, locale) in [
            ("ko", Some(Locale::Ko)),
            ("ko-KR", Some(Locale::Ko)),
            (" KO_kr ", Some(Locale::Ko)),
            ("en", Some(Locale::En)),
            ("en-GB", Some(Locale::En)),
            ("eng", None),
            ("kor", None),
            ("fr-FR", None),
            ("", None),
        ] {
            assert_eq!(Locale::from_tag(tag), locale, "{tag:?}");
        }
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn the_first_spoken_language_of_a_preference_list_wins() {
        assert_eq!(
            Locale::first_supported(["de-DE", "ko-KR", "en-US"]),
            Some(Locale::Ko)
        );
        assert_eq!(Locale::first_supported(["de", "fr"]), None);
        assert_eq!(Locale::first_supported([]), None);
    }

    #[test]
    fn the_wire_name_is_the_tag() {
        for locale in Locale::ALL {
            let json = serde_json::to_string(&locale).unwrap();
            assert_eq!(json, format!("\"{}\"", locale.tag()));
        }
    }
}
