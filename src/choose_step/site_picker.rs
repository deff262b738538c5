//! Region, then centre: the region radios (keyed by [`RegionKey`], not by a label) and the
//! centres of the region picked.

use fairline_core::booking::SiteSummary;
use leptos::prelude::*;

use super::radio::radio;
use crate::choice::{regions, Choice};
use crate::i18n::{tr, use_i18n, Msg};
use crate::session::Session;

/// The region and centre radios for `sites`.
#[component]
pub fn SitePicker(sites: Vec<SiteSummary>) -> impl IntoView {
    let choice: RwSignal<Choice> = expect_context::<Session>().choice;
    let i18n = use_i18n();
    let regions = regions(&sites);
    let region_radios = move || {
        let locale = i18n.locale();
        regions
            .iter()
            .enumerate()
            .map(|(i, region)| {
                let pick = region.key.clone();
                let is = region.key.clone();
                radio(
                    "fl-region",
                    format!("fl-region-{i}"),
                    region.names.get(locale).to_owned(),
                    None,
                    false,
                    move || choice.with(|c| c.region.as_ref() == Some(&is)),
                    move || choice.update(|c| c.pick_region(pick.clone())),
                )
            })
            .collect_view()
    };
    let centre_block = move || {
        let chosen_region = choice.with(|c| c.region.clone())?;
        let locale = i18n.locale();
        let radios = sites
            .iter()
            .filter(|s| chosen_region.holds(s))
            .map(|s| {
                let id = s.id.clone();
                let is = s.id.clone();
                radio(
                    "fl-centre",
                    format!("fl-centre-{}", s.id),
                    s.names.get(locale).to_owned(),
                    Some(s.address.get(locale).to_owned()),
                    false,
                    move || choice.with(|c| c.site.as_deref() == Some(is.as_str())),
                    move || choice.update(|c| c.pick_site(id.clone())),
                )
            })
            .collect_view();
        Some(
            view! { <fieldset class="fl-group fl-centres"><legend>{Msg::Centre.get(locale)}</legend>{radios}</fieldset> },
        )
    };
    view! {
        <fieldset class="fl-group fl-regions">
            <legend>{tr(Msg::Region)}</legend>
            {region_radios}
        </fieldset>
        {centre_block}
    }
}
