//! Shared server state handed to every handler.

use std::sync::Arc;

use fairline_core::campaign::Campaign;

/// Everything a handler may read: the loaded campaign (more arrives with the queue and store).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    campaign: Campaign,
}

impl AppState {
    /// State serving one campaign.
    pub fn new(campaign: Campaign) -> Self {
        Self {
            inner: Arc::new(Inner { campaign }),
        }
    }

    /// The campaign this server runs.
    pub fn campaign(&self) -> &Campaign {
        &self.inner.campaign
    }
}
