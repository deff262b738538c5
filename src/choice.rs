//! The place and time being chosen, on plain types: region → centre → day → time, each pick
//! clearing the picks below it. Regions are keyed by a [`RegionKey`] that does not depend on
//! the language shown.

use fairline_core::{booking::SiteSummary, campaign::Names};
use time::{Date, OffsetDateTime};

/// A region's stable key: its names in every language, so switching the language shown never
/// changes which region is picked. (Core's site summary names a region but gives it no id.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionKey {
    ko: String,
    en: String,
}

impl RegionKey {
    /// The key of the region named `names`.
    pub fn of(names: &Names) -> Self {
        Self {
            ko: names.ko.clone(),
            en: names.en.clone(),
        }
    }

    /// Whether `site` is in this region.
    pub fn holds(&self, site: &SiteSummary) -> bool {
        site.region.ko == self.ko && site.region.en == self.en
    }
}

/// A region and its names, in the order its first site is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The stable key.
    pub key: RegionKey,
    /// Its names.
    pub names: Names,
}

/// Regions in the order their first site is listed.
pub fn regions(sites: &[SiteSummary]) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    for site in sites {
        let key = RegionKey::of(&site.region);
        if !out.iter().any(|r| r.key == key) {
            out.push(Region {
                key,
                names: site.region.clone(),
            });
        }
    }
    out
}

/// What has been picked so far.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choice {
    /// The region.
    pub region: Option<RegionKey>,
    /// The centre (site id).
    pub site: Option<String>,
    /// The day.
    pub day: Option<Date>,
    /// The time (the slot's start).
    pub slot: Option<OffsetDateTime>,
    /// Bumped when the day's times must be loaded again (a time turned out full).
    pub refresh: u32,
}

impl Choice {
    /// Picks a region (centre, day and time are chosen again).
    pub fn pick_region(&mut self, region: RegionKey) {
        *self = Choice {
            region: Some(region),
            refresh: self.refresh,
            ..Choice::default()
        };
    }

    /// Picks a centre (day and time are chosen again).
    pub fn pick_site(&mut self, site: String) {
        self.site = Some(site);
        self.day = None;
        self.slot = None;
    }

    /// Picks a day (the time is chosen again).
    pub fn pick_day(&mut self, day: Date) {
        self.day = Some(day);
        self.slot = None;
    }

    /// Picks a time.
    pub fn pick_slot(&mut self, starts_at: OffsetDateTime) {
        self.slot = Some(starts_at);
    }

    /// The picked time was full: load the day's times again and choose again.
    pub fn slot_full(&mut self) {
        self.slot = None;
        self.refresh = self.refresh.wrapping_add(1);
    }

    /// How many of region, centre, day and time are picked, in order (0 to 4): the simplified
    /// mode's question to show.
    pub fn picked(&self) -> usize {
        [
            self.region.is_some(),
            self.site.is_some(),
            self.day.is_some(),
            self.slot.is_some(),
        ]
        .iter()
        .take_while(|picked| **picked)
        .count()
    }

    /// Takes back the last pick (the simplified mode's Back).
    pub fn unpick(&mut self) {
        if self.slot.take().is_none() && self.day.take().is_none() && self.site.take().is_none() {
            self.region = None;
        }
    }

    /// The centre and time to book, once both are picked.
    pub fn bookable(&self) -> Option<(String, OffsetDateTime)> {
        self.site.clone().zip(self.slot)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::{date, datetime};

    fn names(ko: &str, en: &str) -> Names {
        Names {
            ko: ko.into(),
            en: en.into(),
        }
    }

    fn site(id: &str, region: Names) -> SiteSummary {
        SiteSummary {
            id: id.into(),
            names: names(id, id),
            region,
            address: names("", ""),
            days: Vec::new(),
        }
    }

    #[test]
    fn regions_keep_listing_order_and_a_language_independent_key() {
        let seoul = names("서울", "Seoul");
        let busan = names("부산", "Busan");
        let sites = [
            site("a", seoul.clone()),
            site("b", busan.clone()),
            site("c", seoul.clone()),
        ];
        let listed = regions(&sites);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].names, seoul);
        assert_eq!(listed[1].key, RegionKey::of(&busan));
        assert!(listed[0].key.holds(&sites[2]));
        assert!(!listed[0].key.holds(&sites[1]));
    }

    #[test]
    fn each_pick_clears_the_picks_below_it() {
        let mut choice = Choice::default();
        choice.pick_region(RegionKey::of(&names("서울", "Seoul")));
        choice.pick_site("a".into());
        choice.pick_day(date!(2021 - 07 - 26));
        choice.pick_slot(datetime!(2021-07-26 09:00 +09:00));
        assert_eq!(
            choice.bookable(),
            Some(("a".into(), datetime!(2021-07-26 09:00 +09:00)))
        );
        choice.slot_full();
        assert_eq!(choice.bookable(), None);
        assert_eq!(choice.refresh, 1, "the day's times are loaded again");
        assert_eq!(choice.day, Some(date!(2021 - 07 - 26)));
        choice.pick_day(date!(2021 - 07 - 27));
        choice.pick_site("b".into());
        assert_eq!((choice.day, choice.slot), (None, None));
        choice.pick_region(RegionKey::of(&names("부산", "Busan")));
        assert_eq!(choice.site, None);
    }
}
