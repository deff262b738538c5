//! Shared server state handed to every handler, and how it starts: one store, and per campaign
//! served a [`CampaignScope`] (its queue and admission, its own derived secrets).

use std::{path::Path, sync::Arc};

use fairline_core::campaign::Campaign;

use crate::{
    clock::ServerClock,
    config::{Secrets, Tuning},
    guard::{JoinLimiter, RouteLimits},
    metrics::Metrics,
    queue::QueueEngine,
    store::{Database, Store},
};

/// Everything a handler may read.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// One campaign served: its rules, its queue (places, admission) and its secrets.
pub struct CampaignScope {
    campaign: Campaign,
    queue: Arc<QueueEngine>,
    secrets: Secrets,
}

impl CampaignScope {
    /// The campaign.
    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    /// Its queue.
    pub fn queue(&self) -> &QueueEngine {
        &self.queue
    }

    /// Its secrets (derived from the deployment's for this campaign alone).
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }
}

struct Inner {
    /// In the order given; the first is the default (static pages, the health clock).
    scopes: Vec<CampaignScope>,
    store: Store,
    secrets: Secrets,
    tuning: Tuning,
    limits: RouteLimits,
    join_limiter: JoinLimiter,
    metrics: Metrics,
}

impl AppState {
    /// Opens the SQLite store under `data_dir` (`fairline.sqlite3`), loads the secrets, loads the
    /// queue and starts admission in the background (on a manual clock, admission steps only
    /// when [`AppState::advance_clock`] moves the clock).
    pub async fn start(
        campaign: Campaign,
        data_dir: &Path,
        clock: ServerClock,
        tuning: Tuning,
    ) -> anyhow::Result<Self> {
        let database = Database::Sqlite(data_dir.join("fairline.sqlite3"));
        Self::start_on(campaign, data_dir, &database, clock, tuning).await
    }

    /// As [`AppState::start`], with the state in `database` (secrets still load from, or are
    /// generated into, `data_dir`).
    pub async fn start_on(
        campaign: Campaign,
        data_dir: &Path,
        database: &Database,
        clock: ServerClock,
        tuning: Tuning,
    ) -> anyhow::Result<Self> {
        Self::start_campaigns(vec![campaign], data_dir, database, clock, tuning).await
    }

    /// As [`AppState::start_on`], serving several campaigns (the first is the default), each
    /// with its own queue, admission and secrets scope. Refuses none or a repeated id.
    pub async fn start_campaigns(
        campaigns: Vec<Campaign>,
        data_dir: &Path,
        database: &Database,
        clock: ServerClock,
        tuning: Tuning,
    ) -> anyhow::Result<Self> {
        let mut ids = std::collections::HashSet::new();
        if let Some(repeated) = campaigns.iter().find(|c| !ids.insert(c.id.as_str())) {
            anyhow::bail!("campaign {} is given twice", repeated.id);
        }
        if campaigns.is_empty() {
            anyhow::bail!("no campaign to serve");
        }
        std::fs::create_dir_all(data_dir)?;
        let clock_is_real_time = clock.manual().is_none();
        let secrets = Secrets::load(data_dir)?;
        let store = Store::open_with(database, tuning.join_commit).await?;
        let mut scopes = Vec::with_capacity(campaigns.len());
        for campaign in campaigns {
            let queue = QueueEngine::load(&campaign, store.clone(), clock.clone(), tuning.clone());
            let queue = Arc::new(queue.await?);
            if clock_is_real_time {
                tokio::spawn(queue.clone().run());
            }
            scopes.push(CampaignScope {
                secrets: secrets.for_campaign(&campaign.id),
                campaign,
                queue,
            });
        }
        Ok(Self {
            inner: Arc::new(Inner {
                limits: RouteLimits::new(&tuning),
                join_limiter: JoinLimiter::new(&tuning),
                scopes,
                store,
                secrets,
                tuning,
                metrics: Metrics::default(),
            }),
        })
    }

    /// The campaign served with `id`.
    pub fn scope(&self, id: &str) -> Option<&CampaignScope> {
        self.inner
            .scopes
            .iter()
            .find(|scope| scope.campaign.id == id)
    }

    /// Every campaign served, the default first.
    pub fn scopes(&self) -> &[CampaignScope] {
        &self.inner.scopes
    }

    fn default_scope(&self) -> &CampaignScope {
        // `start_campaigns` refuses an empty list.
        &self.inner.scopes[0]
    }

    /// The default (first) campaign.
    pub fn campaign(&self) -> &Campaign {
        &self.default_scope().campaign
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The default campaign's queue (every queue reads the same clock).
    pub fn queue(&self) -> &QueueEngine {
        &self.default_scope().queue
    }

    /// The deployment's secrets, as loaded: only the admin token is used as such; campaigns
    /// sign and hash with their own (see [`CampaignScope::secrets`]).
    pub fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// Tuning.
    pub fn tuning(&self) -> &Tuning {
        &self.inner.tuning
    }

    /// Concurrency bounds per route class.
    pub fn limits(&self) -> &RouteLimits {
        &self.inner.limits
    }

    /// Per-client join rate limit.
    pub fn join_limiter(&self) -> &JoinLimiter {
        &self.inner.join_limiter
    }

    /// Counters for `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Moves a manual clock forward by `by` and takes every campaign's admission step for it
    /// (tests). On a real or rehearsal clock, time moves by itself and this only takes a step.
    pub async fn advance_clock(&self, by: std::time::Duration) -> Result<(), sqlx::Error> {
        if let Some(manual) = self.queue().clock().manual() {
            manual.advance(by);
        }
        for scope in self.scopes() {
            scope.queue.tick().await?;
        }
        Ok(())
    }
}
