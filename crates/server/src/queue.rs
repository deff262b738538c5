//! The waiting room's engine: issues places (pre-queue indexes before the opening, ranks after),
//! fixes the fair draw at the opening, advances `admitted_through` at the configured rate under
//! the cap of unfinished admissions, and measures the rate it publishes.
//!
//! Places are numbered by the store inside the join transaction (see [`crate::store`]): unique
//! and gap-free across every instance sharing the database, never reissued after a crash.
//! Admission advances over abandoned places like over anyone else's, and since the cap counts
//! only admissions that were actually claimed, abandoned places never stall the queue.

use std::{sync::Mutex, time::Duration};

use fairline_core::{
    draw::{commitment, PreQueueDraw},
    sampler::RateSampler,
    wire::{from_unix_ms, to_hex, PollHints, QueuePlace, QueueState},
};
use rand::RngCore;

use crate::{
    clock::ServerClock,
    config::Tuning,
    store::{Joined, NewTicket, Store},
};

/// How often admission advances (on a real or rehearsal clock).
pub const TICK: Duration = Duration::from_millis(250);
/// How long the instance advancing admission holds the lease without renewing it: when it dies,
/// another takes over within this (plus one [`TICK`]).
pub const ADMISSION_LEASE: Duration = Duration::from_secs(3);
/// The longest step one tick admits for, however long since the last (a clock that jumps
/// forward must not admit a crowd at once).
pub const MAX_STEP_MS: i64 = 60_000;

/// Admission progress and the operator's controls.
#[derive(Debug)]
struct Progress {
    /// Held the admission lease at the last step.
    leading: bool,
    admitted: f64,
    paused: bool,
    rate_per_s: f64,
    issued_ranks_end: u64,
    active_admissions: u64,
    /// Server time of the last admission step, ms.
    last_tick_ms: i64,
    /// Readings for the published rate (core's sampler, as the simulator runs it).
    sampler: RateSampler,
    /// (time, admitted_through) whenever it grew: when each rank was reached.
    reached: Vec<(i64, u64)>,
}

/// The queue of one campaign.
pub struct QueueEngine {
    campaign_id: String,
    /// This engine's name in the admission lease (random per process).
    holder: String,
    rules_version: String,
    opens_at: time::OffsetDateTime,
    seed: [u8; 32],
    seed_commitment: String,
    store: Store,
    clock: ServerClock,
    tuning: Tuning,
    /// N once the queue has opened (held across the store call that fixes it).
    pre_queue_size: tokio::sync::Mutex<Option<u64>>,
    progress: Mutex<Progress>,
    draw: Mutex<Option<PreQueueDraw>>,
    document: Mutex<Option<StateDocument>>,
}

/// The serialised state document, shared by every request within [`DOCUMENT_REUSE_MS`].
#[derive(Debug, Clone)]
pub struct StateDocument {
    /// Server time it was made, ms.
    pub made_at_ms: i64,
    /// JSON body.
    pub body: axum::body::Bytes,
    /// Strong ETag of the body.
    pub etag: String,
}

/// How long one serialised state document is reused (every waiter gets the same bytes).
pub const DOCUMENT_REUSE_MS: i64 = 500;

impl QueueEngine {
    /// Loads (or starts) the queue of a campaign.
    pub async fn load(
        campaign: &fairline_core::campaign::Campaign,
        store: Store,
        clock: ServerClock,
        tuning: Tuning,
    ) -> Result<Self, sqlx::Error> {
        let mut fresh_seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh_seed);
        let meta = store.queue_meta(&campaign.id, &to_hex(&fresh_seed)).await?;
        let seed = fairline_core::wire::from_hex_32(&meta.seed_hex).unwrap_or(fresh_seed);
        let draw = meta
            .pre_queue_size
            .map(|size| PreQueueDraw::new(seed, size));
        let issued_ranks_end = meta.pre_queue_size.unwrap_or(0) + meta.arrivals_issued;
        let started_ms = clock.now_ms();
        let engine = Self {
            campaign_id: campaign.id.clone(),
            holder: crate::identity::new_id(),
            rules_version: campaign.rules_version.clone(),
            opens_at: campaign.opens_at,
            seed,
            seed_commitment: to_hex(&commitment(&seed)),
            store,
            clock,
            pre_queue_size: tokio::sync::Mutex::new(meta.pre_queue_size),
            progress: Mutex::new(Progress {
                leading: false,
                admitted: meta.admitted_through as f64,
                paused: meta.paused,
                rate_per_s: meta.rate_per_s.unwrap_or(tuning.admit_rate_per_s),
                issued_ranks_end,
                active_admissions: 0,
                last_tick_ms: started_ms,
                sampler: RateSampler::new(),
                reached: Vec::new(),
            }),
            draw: Mutex::new(draw),
            document: Mutex::new(None),
            tuning,
        };
        engine.open_if_due().await?;
        Ok(engine)
    }

    /// Fixes N and reveals the seed once the opening has come (idempotent).
    pub async fn open_if_due(&self) -> Result<(), sqlx::Error> {
        if self.clock.now() < self.opens_at {
            return Ok(());
        }
        self.adopt_opening().await
    }

    /// Fixes N in the store if no instance has yet, and takes the stored N (the same on every
    /// instance, whoever fixed it).
    async fn adopt_opening(&self) -> Result<(), sqlx::Error> {
        let mut pre_queue_size = self.pre_queue_size.lock().await;
        if pre_queue_size.is_some() {
            return Ok(());
        }
        let size = self.store.open_queue(&self.campaign_id).await?;
        *pre_queue_size = Some(size);
        *lock(&self.draw) = Some(PreQueueDraw::new(self.seed, size));
        lock(&self.progress).issued_ranks_end += size;
        tracing::info!(campaign = %self.campaign_id, pre_queue_size = size, "queue opened, seed revealed");
        Ok(())
    }

    /// Joins the queue through the store (group-committed unless the store commits each join
    /// alone): a new place (a pre-queue index before the
    /// opening, a rank after it) and the ticket `make_ticket` makes for it, or the ticket the
    /// person already holds.
    pub async fn join<T, E>(
        &self,
        person_key_hash: &str,
        make_ticket: impl FnOnce(QueuePlace) -> Result<(NewTicket, T), E> + Send + 'static,
    ) -> Result<Joined<T>, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        self.open_if_due().await?;
        let joined = self
            .store
            .join(&self.campaign_id, person_key_hash, make_ticket)
            .await?;
        if let Joined::Issued(QueuePlace::Ranked { rank }, _) = &joined {
            // Another instance may have opened the queue first (its clock a little ahead).
            self.adopt_opening().await?;
            let mut progress = lock(&self.progress);
            progress.issued_ranks_end = progress.issued_ranks_end.max(rank + 1);
        }
        Ok(joined)
    }

    /// The rank of a place, once it is known (pre-queue places: after the opening).
    pub fn rank_of(&self, place: QueuePlace) -> Option<u64> {
        match place {
            QueuePlace::Ranked { rank } => Some(rank),
            QueuePlace::PreQueue { index } => lock(&self.draw).as_ref()?.rank_of(index),
        }
    }

    /// Ranks below this may be admitted.
    pub fn admitted_through(&self) -> u64 {
        lock(&self.progress).admitted.floor() as u64
    }

    /// When `rank` was first reached by admission (server ms), if it has been.
    pub fn reached_at_ms(&self, rank: u64) -> Option<i64> {
        let progress = lock(&self.progress);
        let at = progress
            .reached
            .partition_point(|&(_, through)| through <= rank);
        progress.reached.get(at).map(|&(time, _)| time)
    }

    /// How long a reached rank may still claim its admission.
    pub fn claim_window(&self) -> Duration {
        self.tuning.claim_window
    }

    /// Pauses or resumes admission.
    pub async fn set_paused(&self, paused: bool) -> Result<(), sqlx::Error> {
        let rate = {
            let mut progress = lock(&self.progress);
            progress.paused = paused;
            progress.rate_per_s
        };
        self.store
            .save_controls(&self.campaign_id, paused, rate)
            .await
    }

    /// Sets the admission rate.
    pub async fn set_rate(&self, rate_per_s: f64) -> Result<(), sqlx::Error> {
        let paused = {
            let mut progress = lock(&self.progress);
            progress.rate_per_s = rate_per_s;
            progress.paused
        };
        self.store
            .save_controls(&self.campaign_id, paused, rate_per_s)
            .await
    }

    /// Numbers for `/metrics`: (waiting, admitted_through, rate, active admissions, paused,
    /// leading admission).
    pub fn gauges(&self) -> crate::metrics::QueueGauges {
        let progress = lock(&self.progress);
        let through = progress.admitted.floor() as u64;
        (
            progress.issued_ranks_end.saturating_sub(through),
            through,
            progress.rate_per_s,
            progress.active_admissions,
            progress.paused,
            progress.leading,
        )
    }

    /// The state document everyone polls.
    pub fn state(&self) -> QueueState {
        let now = self.clock.now();
        let revealed = lock(&self.draw)
            .as_ref()
            .map(|draw| (draw.seed_hex(), draw.size()));
        let progress = lock(&self.progress);
        QueueState {
            campaign_id: self.campaign_id.clone(),
            rules_version: self.rules_version.clone(),
            server_time: now,
            opens_at: self.opens_at,
            seed_commitment: self.seed_commitment.clone(),
            seed: revealed.as_ref().map(|(seed, _)| seed.clone()),
            pre_queue_size: revealed.map(|(_, size)| size),
            admitted_through: progress.admitted.floor() as u64,
            admission_rate: progress.sampler.published(),
            paused: progress.paused,
            poll: PollHints {
                min_s: 2,
                max_s: 60,
            },
        }
    }

    /// The state document as served: made at most every [`DOCUMENT_REUSE_MS`].
    pub fn state_document(&self) -> StateDocument {
        let now_ms = self.clock.now_ms();
        let mut cached = lock(&self.document);
        if let Some(document) = cached.as_ref() {
            if (0..DOCUMENT_REUSE_MS).contains(&(now_ms - document.made_at_ms)) {
                return document.clone();
            }
        }
        let body = serde_json::to_vec(&self.state()).unwrap_or_default();
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&body);
        let document = StateDocument {
            made_at_ms: now_ms,
            etag: format!("\"{}\"", to_hex(&digest[..12])),
            body: body.into(),
        };
        *cached = Some(document.clone());
        document
    }

    /// One admission step for the server time since the last one (at most [`MAX_STEP_MS`]).
    /// The loop of [`Self::run`] calls it; with a manual clock, whoever advances the clock does.
    ///
    /// Every instance steps, but only the holder of the campaign's admission lease (see
    /// [`crate::store`]) advances `admitted_through`; every instance first adopts what the store
    /// says (admission saved by the leader, controls set through any instance, places issued by
    /// every instance), so the state document is the same from each.
    pub async fn tick(&self) -> Result<(), sqlx::Error> {
        self.open_if_due().await?;
        let now_ms = self.clock.now_ms();
        let lease_ms = i64::try_from(ADMISSION_LEASE.as_millis()).unwrap_or(i64::MAX);
        let leading = self
            .store
            .lead_admission(&self.campaign_id, &self.holder, now_ms, lease_ms)
            .await?;
        let meta = self.store.read_queue_meta(&self.campaign_id).await?;
        let active = self
            .store
            .active_admissions(&self.campaign_id, now_ms)
            .await?;
        let opened = lock(&self.draw).is_some();
        let grew_to = {
            let mut progress = lock(&self.progress);
            progress.leading = leading;
            progress.active_admissions = active;
            progress.paused = meta.paused;
            if let Some(rate) = meta.rate_per_s {
                progress.rate_per_s = rate;
            }
            if let Some(size) = meta.pre_queue_size {
                let issued = size.saturating_add(meta.arrivals_issued);
                progress.issued_ranks_end = progress.issued_ranks_end.max(issued);
            }
            // Read under the lock, so steps are taken in clock order; a clock set back costs
            // one step, never a stall until it catches up.
            let step_at_ms = self.clock.now_ms();
            let elapsed_ms = (step_at_ms - progress.last_tick_ms).clamp(0, MAX_STEP_MS);
            progress.last_tick_ms = step_at_ms;
            let before = progress.admitted.floor() as u64;
            progress.admitted = progress.admitted.max(meta.admitted_through as f64);
            let under_cap = active < u64::from(self.tuning.max_active_admissions);
            if leading && opened && !progress.paused && under_cap {
                let limit = progress.issued_ranks_end as f64;
                let step = progress.rate_per_s.max(0.0) * elapsed_ms as f64 / 1000.0;
                progress.admitted = (progress.admitted + step).min(limit.max(progress.admitted));
            }
            let after = progress.admitted.floor() as u64;
            if after > before {
                progress.reached.push((step_at_ms, after));
            }
            progress.sampler.record(opened, step_at_ms, after);
            (leading && after > meta.admitted_through).then_some(after)
        };
        if let Some(through) = grew_to {
            self.store
                .save_admitted_through(&self.campaign_id, through)
                .await?;
        }
        Ok(())
    }

    /// The id this instance writes into the campaign's admission lease row when it holds it.
    pub fn lease_holder(&self) -> &str {
        &self.holder
    }

    /// True if this instance advanced admission at its last step (it held the lease).
    pub fn leads_admission(&self) -> bool {
        lock(&self.progress).leading
    }

    /// Runs [`Self::tick`] every [`TICK`] until the process ends (not on a manual clock).
    pub async fn run(self: std::sync::Arc<Self>) {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(e) = self.tick().await {
                tracing::error!(error = %e, "admission tick failed");
            }
        }
    }

    /// The clock the queue reads.
    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// True while the server rehearses on a shifted clock.
    pub fn is_rehearsal(&self) -> bool {
        self.clock.is_rehearsal()
    }

    /// Server time now.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// `ms` as a server time.
    pub fn instant(ms: i64) -> time::OffsetDateTime {
        from_unix_ms(ms).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
