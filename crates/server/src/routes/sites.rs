//! Sites and per-day availability: cacheable reads the choose step is built from.

use axum::{
    extract::{Path, State},
    http::header,
    response::IntoResponse,
    Json,
};
use fairline_core::{
    booking::{iso_date, DayAvailability, DayOpen, SiteSummary, SlotAvailability},
    campaign::{Campaign, Site},
    error::ErrorCode,
    wire::unix_ms,
};
use serde::Deserialize;
use time::Date;
use utoipa::IntoParams;

use super::{campaign_in_path, CampaignPath, Refusals};
use crate::{
    error::{AppError, BodyField},
    AppState,
};

const CACHE: &str = "public, max-age=5";

/// Every site with its days and the places left on each.
#[utoipa::path(
    get,
    path = "/v1/campaigns/{campaign_id}/sites",
    tag = "reads",
    params(CampaignPath),
    responses((status = 200, description = "Sites and places left per day", body = [SiteSummary]), Refusals)
)]
pub async fn sites(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
) -> Result<impl IntoResponse, AppError> {
    let campaign = campaign_in_path(&state, &campaign_id)?.campaign();
    let mut listed = Vec::with_capacity(campaign.sites.len());
    let offset = campaign.local_offset();
    for site in &campaign.sites {
        // One read per site: places taken in every slot between its first and last day.
        let first = site.first_day.midnight().assume_offset(offset);
        let after_last = site
            .last_day
            .next_day()
            .map_or(first, |day| day.midnight().assume_offset(offset));
        let taken = state
            .store()
            .taken_by_slot(&campaign.id, &site.id, unix_ms(first), unix_ms(after_last))
            .await?;
        let mut days = Vec::new();
        let mut day = site.first_day;
        loop {
            let remaining = site
                .slots_on(day, offset)
                .iter()
                .map(|slot| {
                    let used = taken.get(&unix_ms(slot.starts_at)).copied().unwrap_or(0);
                    slot.capacity.saturating_sub(used)
                })
                .sum();
            days.push(DayOpen { day, remaining });
            match day.next_day() {
                Some(next) if next <= site.last_day => day = next,
                _ => break,
            }
        }
        listed.push(SiteSummary {
            id: site.id.clone(),
            names: site.names.clone(),
            region: site.region.clone(),
            address: site.address.clone(),
            days,
        });
    }
    Ok(([(header::CACHE_CONTROL, CACHE)], Json(listed)))
}

/// `{campaign_id}`, `{site_id}` and `{day}` in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct DayPath {
    /// The campaign.
    campaign_id: String,
    /// The site.
    site_id: String,
    /// The local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    day: String,
}

/// The slots of one site on one local day.
#[utoipa::path(
    get,
    path = "/v1/campaigns/{campaign_id}/sites/{site_id}/days/{day}",
    tag = "reads",
    params(DayPath),
    responses((status = 200, description = "The day's slots and places left", body = DayAvailability), Refusals)
)]
pub async fn day(
    State(state): State<AppState>,
    Path(DayPath {
        campaign_id,
        site_id,
        day,
    }): Path<DayPath>,
) -> Result<impl IntoResponse, AppError> {
    let campaign = campaign_in_path(&state, &campaign_id)?.campaign();
    let site = site_in(campaign, &site_id)?;
    let day = iso_date::parse(&day)
        .ok_or_else(|| AppError::invalid(ErrorCode::InvalidDay, BodyField::Day))?;
    let slots = availability(&state, campaign, site, day).await?;
    Ok((
        [(header::CACHE_CONTROL, CACHE)],
        Json(DayAvailability {
            site_id: site.id.clone(),
            day,
            slots,
        }),
    ))
}

/// The site with `site_id`, or 404 `site_not_found`.
pub fn site_in<'a>(campaign: &'a Campaign, site_id: &str) -> Result<&'a Site, AppError> {
    campaign
        .sites
        .iter()
        .find(|site| site.id == site_id)
        .ok_or_else(|| ErrorCode::SiteNotFound.into())
}

async fn availability(
    state: &AppState,
    campaign: &Campaign,
    site: &Site,
    day: Date,
) -> Result<Vec<SlotAvailability>, AppError> {
    let slots = site.slots_on(day, campaign.local_offset());
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
        return Ok(Vec::new());
    };
    let taken = state
        .store()
        .taken_by_slot(
            &campaign.id,
            &site.id,
            unix_ms(first.starts_at),
            unix_ms(last.starts_at) + 1,
        )
        .await?;
    Ok(slots
        .iter()
        .map(|slot| {
            let used = taken.get(&unix_ms(slot.starts_at)).copied().unwrap_or(0);
            SlotAvailability {
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                capacity: slot.capacity,
                remaining: slot.capacity.saturating_sub(used),
            }
        })
        .collect())
}
