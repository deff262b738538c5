//! Shared server state handed to every handler, and how it starts.

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

struct Inner {
    campaign: Campaign,
    store: Store,
    queue: Arc<QueueEngine>,
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
        std::fs::create_dir_all(data_dir)?;
        let clock_is_real_time = clock.manual().is_none();
        let secrets = Secrets::load(data_dir)?;
        let store = Store::open(database).await?;
        let queue =
            Arc::new(QueueEngine::load(&campaign, store.clone(), clock, tuning.clone()).await?);
        if clock_is_real_time {
            tokio::spawn(queue.clone().run());
        }
        Ok(Self {
            inner: Arc::new(Inner {
                limits: RouteLimits::new(&tuning),
                join_limiter: JoinLimiter::new(&tuning),
                campaign,
                store,
                queue,
                secrets,
                tuning,
                metrics: Metrics::default(),
            }),
        })
    }

    /// The campaign this server runs.
    pub fn campaign(&self) -> &Campaign {
        &self.inner.campaign
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The queue.
    pub fn queue(&self) -> &QueueEngine {
        &self.inner.queue
    }

    /// Secrets.
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

    /// Moves a manual clock forward by `by` and takes the admission step for it (tests). On a
    /// real or rehearsal clock, time moves by itself and this only takes a step.
    pub async fn advance_clock(&self, by: std::time::Duration) -> Result<(), sqlx::Error> {
        if let Some(manual) = self.queue().clock().manual() {
            manual.advance(by);
        }
        self.queue().tick().await
    }
}
