//! [`FromJson`] for the campaign document (`GET /v1/campaigns/{id}`), which the widget reads to
//! run the same eligibility rules as the server.

use super::types::read_struct;
use super::{FromJson, Json, Members, ReadError};
use crate::campaign::{
    AgeRange, BirthDateRange, Campaign, Cohort, Coverage, Example, HelpLine, Names, Period,
    RotaDay, Site, SlotTemplate, Window,
};
use crate::locale::Locale;

read_struct!(Names { ko: req, en: req });
read_struct!(HelpLine {
    number: req,
    hours: req,
});

impl FromJson for Locale {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let tag = super::text(value, at)?;
        Locale::ALL
            .into_iter()
            .find(|locale| locale.tag() == tag)
            .ok_or(ReadError { at })
    }
}
read_struct!(Campaign {
    id: req,
    names: req,
    default_locale: or_default,
    help_line: opt,
    opens_at: req,
    utc_offset: opt,
    period: opt,
    coverage: opt,
    cohorts: or_default,
    sites: or_default,
    examples: or_default,
    rules_version: or_default,
});
read_struct!(Period {
    starts_at: req,
    ends_at: req,
});
read_struct!(Coverage {
    born_from: req,
    born_through: req,
});
read_struct!(BirthDateRange {
    from: req,
    through: req,
});
read_struct!(AgeRange {
    min: req,
    max: req,
    on: req,
});
read_struct!(Window {
    opens: req,
    closes: req,
});
read_struct!(RotaDay {
    last_digits: req,
    opens: req,
    closes: req,
});
read_struct!(Cohort {
    id: req,
    names: req,
    born: opt,
    ages: opt,
    window: opt,
    rota: or_default,
});
read_struct!(Site {
    id: req,
    names: req,
    region: req,
    address: req,
    first_day: req,
    last_day: req,
    slots: req,
});
read_struct!(SlotTemplate {
    starts: req,
    minutes: req,
    capacity: req,
});
read_struct!(Example {
    name: req,
    birth_date: req,
    resident_number_front: opt,
    at: req,
    expect: req,
    cohort: opt,
});

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::read::from_json;

    /// Every campaign file shipped in `campaigns/`, as the server sends it.
    const CAMPAIGNS: &[&str] = &[
        include_str!("../../../../campaigns/kr-covid19-2021-07.toml"),
        include_str!("../../../../campaigns/example.toml"),
    ];

    #[test]
    fn every_shipped_campaign_reads_as_serde_reads_it() {
        for file in CAMPAIGNS {
            let campaign: Campaign = toml::from_str(file).unwrap();
            let text = serde_json::to_string(&campaign).unwrap();
            assert_eq!(from_json::<Campaign>(&text), Ok(campaign.clone()));
            assert_eq!(serde_json::from_str::<Campaign>(&text).unwrap(), campaign);
            assert!(!campaign.cohorts.is_empty() && !campaign.sites.is_empty());
        }
    }

    #[test]
    fn a_minimal_campaign_takes_the_defaults() {
        let text =
            r#"{"id":"c","names":{"ko":"가","en":"A"},"opens_at":"2021-07-12T20:00:00+09:00"}"#;
        assert_eq!(
            from_json::<Campaign>(text),
            Ok(serde_json::from_str(text).unwrap())
        );
        let bad = r#"{"id":"c","names":{"ko":"가","en":"A"},"opens_at":"2021-07-12T20:00:00+09:00","utc_offset":"9"}"#;
        assert_eq!(
            from_json::<Campaign>(bad),
            Err(ReadError { at: "utc_offset" })
        );
        assert!(serde_json::from_str::<Campaign>(bad).is_err());
        let unknown_language = text.replace(r#""id":"c""#, r#""id":"c","default_locale":"fr""#);
        assert_eq!(
            from_json::<Campaign>(&unknown_language),
            Err(ReadError {
                at: "default_locale"
            })
        );
        assert!(serde_json::from_str::<Campaign>(&unknown_language).is_err());
    }

    #[test]
    fn the_shipped_campaigns_name_their_language() {
        let languages: Vec<Locale> = CAMPAIGNS
            .iter()
            .map(|file| toml::from_str::<Campaign>(file).unwrap().default_locale)
            .collect();
        assert_eq!(languages, [Locale::Ko, Locale::En]);
    }
}
