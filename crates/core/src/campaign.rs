//! The campaign model: what an operator writes in a TOML file and what widgets read as JSON.
//!
//! Times are written as quoted RFC 3339 strings with an explicit UTC offset
//! (`"2021-07-12T20:00:00+09:00"`), dates as quoted `"YYYY-MM-DD"`, the campaign offset as
//! `"+09:00"` and slot times as `"09:30"`, so the same serde code reads TOML and JSON.
//!
//! Parsing only checks the shape of the file. Whether the rules make sense (overlaps, gaps,
//! windows, rota digits, examples) is the job of [`crate::check`], and [`crate::eligibility`]
//! evaluates any campaign value, sensible or not, without panicking.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use crate::locale::Locale;
use crate::person::international_age;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");
time::serde::format_description!(
    utc_offset_text,
    UtcOffset,
    "[offset_hour sign:mandatory]:[offset_minute]"
);
time::serde::format_description!(clock_time, Time, "[hour]:[minute]");

/// A name in the languages the widget speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Names {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The name in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Ko => &self.ko,
            Locale::En => &self.en,
        }
    }
}

/// A telephone line citizens can call for help: its number (dialled as written, `tel:` without
/// the spaces) and its opening hours in each language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpLine {
    /// The number, as citizens write it (`1339`, `020 7946 0000`).
    pub number: String,
    /// When it answers.
    pub hours: Names,
}

/// A booking campaign: who may book, when, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    /// Stable identifier used in URLs, e.g. `kr-covid19-2021-07`.
    pub id: String,
    /// Display names.
    pub names: Names,
    /// The language the widget speaks when neither the host page, the citizen's earlier choice
    /// nor the browser's languages name one it speaks (`"ko"` or `"en"`; English when absent).
    #[serde(default)]
    pub default_locale: Locale,
    /// The help line the widget shows (on every screen of the simplified mode, and on errors and
    /// the receipt of the standard one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_line: Option<HelpLine>,
    /// When the queue opens, with its UTC offset (normally the earliest window's opening).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens_at: OffsetDateTime,
    /// The campaign's local UTC offset: days, tables and verdict times are in it. When absent,
    /// the offset `opens_at` is written with.
    #[serde(
        default,
        with = "utc_offset_text::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "+09:00"))]
    pub utc_offset: Option<UtcOffset>,
    /// The span every booking window must lie within.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The birth dates the campaign promises to place in some cohort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// Who may book when.
    #[serde(default)]
    pub cohorts: Vec<Cohort>,
    /// Where people are booked.
    #[serde(default)]
    pub sites: Vec<Site>,
    /// Cases that must hold; `check` runs them.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Hash of the canonical rules, computed when the campaign is read ([`Campaign::compute_rules_version`]).
    /// A file or document that states a different one is refused.
    #[serde(default)]
    pub rules_version: String,
}

/// The campaign period: `[starts_at, ends_at)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    /// Start, inclusive.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: OffsetDateTime,
    /// End, exclusive.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: OffsetDateTime,
}

/// The birth dates a campaign declares it covers, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// First covered birth date.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub born_from: Date,
    /// Last covered birth date.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub born_through: Date,
}

/// An inclusive range of birth dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BirthDateRange {
    /// First birth date in the range.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    /// Last birth date in the range.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub through: Date,
}

impl BirthDateRange {
    /// Whether `date` is in the range.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.through
    }
}

/// International ages `min..=max` completed on the reference date `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgeRange {
    /// Youngest age, inclusive.
    pub min: u16,
    /// Oldest age, inclusive.
    pub max: u16,
    /// The day ages are counted on.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
}

impl AgeRange {
    /// The birth dates whose international age on `on` is within `min..=max`, or `None` if
    /// there are none (`min > max`).
    pub fn birth_dates(&self) -> Option<BirthDateRange> {
        if self.min > self.max {
            return None;
        }
        // Youngest: born on the min-th birthday before `on` (29 Feb clamps to 28 Feb).
        let through = years_before(self.on, i32::from(self.min)).unwrap_or(Date::MIN);
        // Oldest: born the day after the (max+1)-th birthday before `on`.
        let from = years_before(self.on, i32::from(self.max) + 1)
            .and_then(Date::next_day)
            .unwrap_or(Date::MIN);
        Some(BirthDateRange { from, through })
    }

    /// Whether someone born on `born` is in range (directly by age; agrees with [`Self::birth_dates`]).
    pub fn admits(&self, born: Date) -> bool {
        let age = international_age(born, self.on);
        i32::from(self.min) <= age && age <= i32::from(self.max)
    }
}

/// The same month and day `years` years before `date`; 29 February becomes 28 February.
fn years_before(date: Date, years: i32) -> Option<Date> {
    let year = date.year().checked_sub(years)?;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, date.month(), date.day().saturating_sub(1)))
        .ok()
}

/// A booking window `[opens, closes)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Window {
    /// First instant booking is possible.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens: OffsetDateTime,
    /// First instant booking is no longer possible.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub closes: OffsetDateTime,
}

impl Window {
    /// Whether `instant` is inside `[opens, closes)`.
    pub fn contains(&self, instant: OffsetDateTime) -> bool {
        self.opens <= instant && instant < self.closes
    }
}

/// A booking window and the last digits it is for (`None`: every member of the cohort).
pub type DigitsWindow<'a> = (Option<&'a [u8]>, Window);

/// One day of a rota: the birth-date last digits that may book in this window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotaDay {
    /// Last digits of the day of birth (0–9).
    pub last_digits: Vec<u8>,
    /// First instant these digits may book.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens: OffsetDateTime,
    /// First instant they no longer may.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub closes: OffsetDateTime,
}

impl RotaDay {
    /// The rota day's window.
    pub fn window(&self) -> Window {
        Window {
            opens: self.opens,
            closes: self.closes,
        }
    }
}

/// A group of people who book in the same window (or by the same rota).
///
/// Exactly one of `born` and `ages` says who is in it, and exactly one of `window` and `rota`
/// says when they book; `check` reports a cohort that breaks this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cohort {
    /// Stable identifier, e.g. `age-53-54`.
    pub id: String,
    /// Display names.
    pub names: Names,
    /// Members by birth date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<BirthDateRange>,
    /// Members by age on a reference date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeRange>,
    /// The booking window for every member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Booking windows by the last digit of the day of birth.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rota: Vec<RotaDay>,
}

impl Cohort {
    /// The birth dates in the cohort (`born` if given, else those `ages` admits).
    pub fn birth_dates(&self) -> Option<BirthDateRange> {
        match (&self.born, &self.ages) {
            (Some(born), _) => Some(*born),
            (None, Some(ages)) => ages.birth_dates(),
            (None, None) => None,
        }
    }

    /// Whether someone born on `born` is a member.
    pub fn admits(&self, born: Date) -> bool {
        self.birth_dates().is_some_and(|range| range.contains(born))
    }

    /// The window for a member whose day of birth ends in `last_digit`: the rota day holding
    /// the digit if the cohort has a rota, else the cohort's window.
    pub fn window_for_digit(&self, last_digit: u8) -> Option<Window> {
        if self.rota.is_empty() {
            self.window
        } else {
            self.rota
                .iter()
                .find(|day| day.last_digits.contains(&last_digit))
                .map(RotaDay::window)
        }
    }

    /// Every window the cohort books in, with the digits it is for (`None` = everyone).
    pub fn windows(&self) -> Vec<DigitsWindow<'_>> {
        if self.rota.is_empty() {
            self.window.iter().map(|w| (None, *w)).collect()
        } else {
            self.rota
                .iter()
                .map(|day| (Some(day.last_digits.as_slice()), day.window()))
                .collect()
        }
    }
}

/// A vaccination centre, office or other place people book into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    /// Stable identifier.
    pub id: String,
    /// Display names.
    pub names: Names,
    /// Region (province, city or district).
    pub region: Names,
    /// Street address.
    pub address: Names,
    /// First day with appointments.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first_day: Date,
    /// Last day with appointments.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_day: Date,
    /// The slots offered on each of those days.
    pub slots: Vec<SlotTemplate>,
}

/// A slot offered every day a site is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotTemplate {
    /// Local start time, `"HH:MM"`.
    #[serde(with = "clock_time")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:30"))]
    pub starts: Time,
    /// Length in minutes.
    pub minutes: u16,
    /// How many people it takes.
    pub capacity: u32,
}

/// One concrete slot on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// Start.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: OffsetDateTime,
    /// End.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: OffsetDateTime,
    /// How many people it takes.
    pub capacity: u32,
}

impl Site {
    /// The slots on local day `day` in `offset` (none outside `first_day..=last_day`).
    pub fn slots_on(&self, day: Date, offset: UtcOffset) -> Vec<Slot> {
        if day < self.first_day || day > self.last_day {
            return Vec::new();
        }
        self.slots
            .iter()
            .map(|template| {
                let starts_at = day.with_time(template.starts).assume_offset(offset);
                Slot {
                    starts_at,
                    ends_at: starts_at + Duration::minutes(i64::from(template.minutes)),
                    capacity: template.capacity,
                }
            })
            .collect()
    }
}

/// The kind of a verdict, without its details (what a campaign example expects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum VerdictKind {
    /// May book now.
    EligibleNow,
    /// In a cohort whose window has not opened.
    NotYet,
    /// In a cohort whose window has closed.
    Closed,
    /// In no cohort (or a cohort with no window for them).
    NotEligible,
    /// The input itself is wrong.
    Invalid,
}

impl VerdictKind {
    /// The snake_case name, e.g. `not_yet`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::EligibleNow => "eligible_now",
            VerdictKind::NotYet => "not_yet",
            VerdictKind::Closed => "closed",
            VerdictKind::NotEligible => "not_eligible",
            VerdictKind::Invalid => "invalid",
        }
    }
}

impl std::fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A case the campaign promises: this person at this instant gets this kind of verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Example {
    /// What the example shows, in a few words.
    pub name: String,
    /// Date of birth as a citizen would type it (may be deliberately invalid).
    pub birth_date: String,
    /// Optional `YYMMDD-G` as a citizen would type it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_number_front: Option<String>,
    /// The server time of the evaluation.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// The expected verdict kind.
    pub expect: VerdictKind,
    /// The expected cohort, for verdicts that name one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
}

/// Why a campaign file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignError {
    /// Human-readable description, including the place in the file when known.
    pub message: String,
}

impl std::fmt::Display for CampaignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CampaignError {}

impl Campaign {
    /// Reads a campaign from the operator's TOML and fills in `rules_version`.
    pub fn from_toml_str(text: &str) -> Result<Self, CampaignError> {
        let campaign: Campaign = toml::from_str(text).map_err(|e| CampaignError {
            message: e.to_string(),
        })?;
        campaign.with_verified_rules_version()
    }

    /// Reads the campaign document a widget fetched (the JSON of [`Campaign::to_json`]) and
    /// verifies its `rules_version` against the rules it carries.
    pub fn from_json_str(text: &str) -> Result<Self, CampaignError> {
        let campaign: Campaign = serde_json::from_str(text).map_err(|e| CampaignError {
            message: e.to_string(),
        })?;
        campaign.with_verified_rules_version()
    }

    /// The campaign document widgets read: the same data as the TOML, with `rules_version`.
    pub fn to_json(&self) -> String {
        let mut document = self.clone();
        document.rules_version = self.compute_rules_version();
        serde_json::to_string(&document).unwrap_or_default()
    }

    fn with_verified_rules_version(mut self) -> Result<Self, CampaignError> {
        let computed = self.compute_rules_version();
        if !self.rules_version.is_empty() && self.rules_version != computed {
            return Err(CampaignError {
                message: format!(
                    "rules_version {:?} does not match the rules (they hash to {computed:?}); \
                     leave rules_version out of campaign files",
                    self.rules_version
                ),
            });
        }
        self.rules_version = computed;
        Ok(self)
    }

    /// The campaign's local offset: `utc_offset`, or the offset `opens_at` is written with.
    pub fn local_offset(&self) -> UtcOffset {
        self.utc_offset.unwrap_or(self.opens_at.offset())
    }

    /// `instant` in the campaign's local offset (unchanged if that would leave the
    /// representable range).
    pub fn local(&self, instant: OffsetDateTime) -> OffsetDateTime {
        instant
            .checked_to_offset(self.local_offset())
            .unwrap_or(instant)
    }

    /// A cohort by id.
    pub fn cohort(&self, id: &str) -> Option<&Cohort> {
        self.cohorts.iter().find(|c| c.id == id)
    }

    /// A stable hash of the canonical rules: `sha256:` and 32 hex digits.
    ///
    /// The canonical form is JSON built here field by field, with every instant as Unix seconds
    /// and every birth range resolved, so the same rules written with different offsets hash
    /// the same, and the bytes are identical natively and in wasm. Names, sites and examples
    /// are not rules and do not change it.
    pub fn compute_rules_version(&self) -> String {
        let canonical = self.canonical_rules_json();
        let digest = Sha256::digest(canonical.as_bytes());
        let mut hex = String::from("sha256:");
        for byte in &digest[..16] {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    }

    /// The canonical rules text [`Self::compute_rules_version`] hashes.
    pub fn canonical_rules_json(&self) -> String {
        use serde_json::{json, Value};
        let date = |d: Date| {
            Value::String(format!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            ))
        };
        let window = |w: Window| json!([w.opens.unix_timestamp(), w.closes.unix_timestamp()]);
        let cohorts: Vec<Value> = self
            .cohorts
            .iter()
            .map(|cohort| {
                let born = cohort
                    .birth_dates()
                    .map(|r| json!([date(r.from), date(r.through)]));
                let rota: Vec<Value> = cohort
                    .rota
                    .iter()
                    .map(|day| json!([day.last_digits, window(day.window())]))
                    .collect();
                json!({
                    "id": cohort.id,
                    "born": born,
                    "window": cohort.window.map(window),
                    "rota": rota,
                })
            })
            .collect();
        json!({
            "format": 1,
            "id": self.id,
            "opens_at": self.opens_at.unix_timestamp(),
            "utc_offset_s": self.local_offset().whole_seconds(),
            "period": self.period.map(|p| json!([p.starts_at.unix_timestamp(), p.ends_at.unix_timestamp()])),
            "coverage": self.coverage.map(|c| json!([date(c.born_from), date(c.born_through)])),
            "cohorts": cohorts,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::date;

    const MINIMAL: &str = r#"
id = "demo"
opens_at = "2021-07-12T20:00:00+09:00"
[names]
ko = "데모"
en = "Demo"
"#;

    const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");

    #[test]
    fn toml_and_json_carry_the_same_campaign() {
        let campaign = Campaign::from_toml_str(MINIMAL).unwrap();
        assert_eq!(campaign.id, "demo");
        assert_eq!(campaign.opens_at.offset().whole_hours(), 9);
        assert_eq!(campaign.local_offset().whole_hours(), 9);
        let json = campaign.to_json();
        assert!(
            json.contains(r#""opens_at":"2021-07-12T20:00:00+09:00""#),
            "{json}"
        );
        let back = Campaign::from_json_str(&json).unwrap();
        assert_eq!(back, campaign);
    }

    #[test]
    fn the_korean_file_survives_json_unchanged() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        assert_eq!(campaign.cohorts.len(), 4);
        let json = campaign.to_json();
        assert!(
            json.contains(r#""born":{"from":"1967-01-01","through":"1968-12-31"}"#),
            "{json}"
        );
        assert!(json.contains(&campaign.rules_version));
        assert_eq!(Campaign::from_json_str(&json).unwrap(), campaign);
    }

    #[test]
    fn a_bad_time_is_reported_not_panicked() {
        let bad = MINIMAL.replace("2021-07-12T20:00:00+09:00", "2021-07-32T20:00:00+09:00");
        let err = Campaign::from_toml_str(&bad).unwrap_err();
        assert!(err.message.contains("opens_at"), "{err}");
    }

    #[test]
    fn rules_version_follows_the_rules_not_their_spelling() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        assert!(campaign.rules_version.starts_with("sha256:"));
        assert_eq!(campaign.rules_version.len(), "sha256:".len() + 32);
        // The same instant written in UTC is the same rule.
        let respelled = KOREAN.replace("2021-07-19T20:00:00+09:00", "2021-07-19T11:00:00Z");
        assert_ne!(respelled, KOREAN);
        assert_eq!(
            Campaign::from_toml_str(&respelled).unwrap().rules_version,
            campaign.rules_version
        );
        // Names are not rules.
        let renamed = KOREAN.replace("Gangnam-gu", "Gangnam District");
        assert_eq!(
            Campaign::from_toml_str(&renamed).unwrap().rules_version,
            campaign.rules_version
        );
        // A moved window is.
        let moved = KOREAN.replace("2021-07-20T18:00:00+09:00", "2021-07-20T19:00:00+09:00");
        assert_ne!(
            Campaign::from_toml_str(&moved).unwrap().rules_version,
            campaign.rules_version
        );
    }

    #[test]
    fn a_stated_rules_version_must_match() {
        let stale = format!("rules_version = \"sha256:00\"\n{MINIMAL}");
        let err = Campaign::from_toml_str(&stale).unwrap_err();
        assert!(err.message.contains("rules_version"), "{err}");
        let campaign = Campaign::from_toml_str(MINIMAL).unwrap();
        let tampered = campaign.to_json().replace("\"demo\"", "\"other\"");
        assert!(Campaign::from_json_str(&tampered).is_err());
    }

    #[test]
    fn age_ranges_resolve_to_birth_dates_on_both_sides_of_a_birthday() {
        let ages = AgeRange {
            min: 53,
            max: 54,
            on: date!(2021 - 07 - 19),
        };
        let range = ages.birth_dates().unwrap();
        assert_eq!(range.from, date!(1966 - 07 - 20));
        assert_eq!(range.through, date!(1968 - 07 - 19));
        for born in [
            date!(1966 - 07 - 19),
            date!(1966 - 07 - 20),
            date!(1968 - 07 - 19),
            date!(1968 - 07 - 20),
        ] {
            assert_eq!(ages.admits(born), range.contains(born), "{born}");
        }
        let leap = AgeRange {
            min: 17,
            max: 17,
            on: date!(2024 - 02 - 29),
        };
        let range = leap.birth_dates().unwrap();
        assert_eq!(range.from, date!(2006 - 03 - 01));
        assert_eq!(range.through, date!(2007 - 02 - 28));
        assert!(AgeRange {
            min: 5,
            max: 4,
            on: date!(2021 - 01 - 01)
        }
        .birth_dates()
        .is_none());
        let extreme = AgeRange {
            min: 0,
            max: u16::MAX,
            on: date!(2021 - 01 - 01),
        };
        assert_eq!(extreme.birth_dates().unwrap().from, Date::MIN);
    }

    #[test]
    fn sites_offer_their_slots_each_open_day_in_local_time() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let site = &campaign.sites[0];
        let slots = site.slots_on(site.first_day, campaign.local_offset());
        assert!(!slots.is_empty());
        assert_eq!(slots[0].starts_at.offset().whole_hours(), 9);
        assert!(slots
            .iter()
            .all(|s| s.ends_at > s.starts_at && s.capacity > 0));
        assert!(site
            .slots_on(date!(2000 - 01 - 01), campaign.local_offset())
            .is_empty());
    }
}
