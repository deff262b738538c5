//! Region, then centre: the region radios (keyed by [`RegionKey`], not by a label) and the
//! centres of the region picked.

use fairline_core::booking::SiteSummary;
use leptos::prelude::*;

use super::radio::radio;
use crate::choice::{regions, Choice};
use crate::session::Session;
use crate::text;

/// The region and centre radios for `sites`.
#[component]
pub fn SitePicker(sites: Vec<SiteSummary>) -> impl IntoView {
    let choice: RwSignal<Choice> = expect_context::<Session>().choice;
    let region_radios = regions(&sites)
        .into_iter()
        .enumerate()
        .map(|(i, region)| {
            let pick = region.key.clone();
            let is = region.key;
            radio(
                "fl-region",
                format!("fl-region-{i}"),
                region.names.en,
                None,
                false,
                move || choice.with(|c| c.region.as_ref() == Some(&is)),
                move || choice.update(|c| c.pick_region(pick.clone())),
            )
        })
        .collect_view();
    let centre_block = move || {
        let chosen_region = choice.with(|c| c.region.clone())?;
        let radios = sites
            .iter()
            .filter(|s| chosen_region.holds(s))
            .map(|s| {
                let id = s.id.clone();
                let is = s.id.clone();
                radio(
                    "fl-centre",
                    format!("fl-centre-{}", s.id),
                    s.names.en.clone(),
                    Some(s.address.en.clone()),
                    false,
                    move || choice.with(|c| c.site.as_deref() == Some(is.as_str())),
                    move || choice.update(|c| c.pick_site(id.clone())),
                )
            })
            .collect_view();
        Some(
            view! { <fieldset class="fl-group"><legend>{text::CENTRE}</legend>{radios}</fieldset> },
        )
    };
    view! {
        <fieldset class="fl-group">
            <legend>{text::REGION}</legend>
            {region_radios}
        </fieldset>
        {centre_block}
    }
}
