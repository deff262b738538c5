//! The widget's only door to the server: typed DTOs from core and one JSON fetch helper.

use fairline_core::{campaign::Campaign, error::ApiError};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::text;

/// Why a request gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// No answer at all (offline, DNS, CORS, aborted).
    Network,
    /// The server answered with its error shape.
    Server { status: u16, error: ApiError },
    /// The server answered something we could not read.
    Unreadable { status: u16 },
}

impl ApiFailure {
    /// A sentence for the citizen.
    pub fn citizen_message(&self) -> &'static str {
        match self {
            ApiFailure::Network => text::ERROR_NETWORK,
            ApiFailure::Server { error, .. } if error.code == "campaign_not_found" => {
                text::ERROR_CAMPAIGN_NOT_FOUND
            }
            ApiFailure::Server { .. } | ApiFailure::Unreadable { .. } => text::ERROR_GENERIC,
        }
    }
}

/// A campaign as listed by `GET /v1/campaigns`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CampaignSummary {
    /// The campaign id.
    pub id: String,
}

/// Talks to one Fairline server.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
}

impl ApiClient {
    /// A client for the API at `base` (empty: this page's origin).
    pub fn new(base: String) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The campaign document; with an empty id, the first campaign the server lists.
    pub async fn campaign(&self, campaign_id: &str) -> Result<Campaign, ApiFailure> {
        let campaign_id = if campaign_id.is_empty() {
            let listed: Vec<CampaignSummary> = self.get_json("/v1/campaigns").await?;
            match listed.into_iter().next() {
                Some(first) => first.id,
                None => return Err(ApiFailure::Unreadable { status: 200 }),
            }
        } else {
            campaign_id.to_owned()
        };
        self.get_json(&format!("/v1/campaigns/{campaign_id}")).await
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiFailure> {
        let url = format!("{}{path}", self.base);
        let window = web_sys::window().ok_or(ApiFailure::Network)?;
        let response = JsFuture::from(window.fetch_with_str(&url))
            .await
            .map_err(|_| ApiFailure::Network)?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| ApiFailure::Network)?;
        let status = response.status();
        let body = JsFuture::from(response.text().map_err(|_| ApiFailure::Network)?)
            .await
            .map_err(|_| ApiFailure::Network)?
            .as_string()
            .unwrap_or_default();
        if response.ok() {
            serde_json::from_str(&body).map_err(|_| ApiFailure::Unreadable { status })
        } else {
            match serde_json::from_str::<ApiError>(&body) {
                Ok(error) => Err(ApiFailure::Server { status, error }),
                Err(_) => Err(ApiFailure::Unreadable { status }),
            }
        }
    }
}
