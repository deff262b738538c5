//! The store boundary: every SQL statement the server runs lives here, behind plain Rust methods,
//! and runs unchanged on both databases the server supports.
//!
//! - **SQLite** (the embedded default): WAL mode with `synchronous = FULL`, so a booking
//!   acknowledged to a client has reached the disk. Writes go through a single-connection pool
//!   (SQLite has one writer; queueing them here avoids busy errors), reads through a small pool of
//!   their own.
//! - **PostgreSQL** (`serve --database postgres://…`): one pool for reads and writes, shared by as
//!   many server instances as the database serves.
//!
//! One implementation serves both, through sqlx's `Any` driver (its connection trait has one
//! implementation per engine): the SQL is written once in the dialect both engines speak
//! (`$1` parameters, `ON CONFLICT … DO NOTHING`, `RETURNING`, 64-bit integers), and each engine
//! has its own migrations (`migrations/sqlite`, `migrations/postgres`) creating the same tables.
//! The conformance suite (`tests/store_conformance.rs`) runs the same tests against both.
//!
//! Every rule that must hold across instances is enforced by the database inside one
//! transaction, never by a check in one process's memory:
//!
//! - **Places (ranks) are unique and gap-free.** The campaign's `queue_meta` row holds the number
//!   of pre-queue places and of arrivals issued so far; a join increments one of them with a
//!   single `UPDATE … RETURNING` *in the join transaction*, checks the person holds no ticket, and
//!   inserts the ticket before committing. A counter row rather than a sequence, because a
//!   sequence is not transactional: a join that rolls back (the person already held a ticket, a
//!   lost connection, a crash) would burn its number and leave a gap nobody holds, and with
//!   several instances caching sequence values ranks would no longer follow arrival order. The
//!   row lock also makes the person check exact across instances (the same person joining through
//!   two instances waits for the first join and gets its ticket). The price is that joins of one
//!   campaign commit one transaction after another; group commit (below) makes each such
//!   transaction a whole batch of joins, so the lock is held once per batch, not per join.
//! - **The opening fixes N** with `UPDATE … WHERE pre_queue_size IS NULL` on that same row, so no
//!   pre-queue place can be issued after N is fixed, and every instance reads the same N.
//! - **A booking** claims the idempotency key, claims the admission (`used_at_ms IS NULL AND not
//!   expired`, by row count), takes capacity (`taken < capacity`, by row count) and inserts the
//!   booking in one transaction; every check is a conditional write whose row count is checked,
//!   so concurrent requests through different instances cannot both pass one (PostgreSQL's
//!   default READ COMMITTED re-evaluates the condition after waiting for the row lock).
//! - **`admitted_through` never goes backwards** (`UPDATE … WHERE admitted_through < $1`).
//! - **One instance at a time advances admission**: it holds the campaign's row in
//!   `admission_leases` (an upsert that takes the row only from itself or from a lapsed holder),
//!   renewing it every step; when it dies, the lease lapses and the next instance to step takes
//!   over. A lease row rather than a PostgreSQL advisory lock, so the rule is the same on both
//!   engines and needs no connection held open; a holder that stalls past its lease may step
//!   once more, which is harmless because `admitted_through` only ever grows.
//! - **Joins are group-committed** ([`JoinCommit::Grouped`], the default; see [`join_batch`]):
//!   the joins waiting while a commit is under way share the next transaction, which numbers
//!   their places under the same row lock and is answered only once committed. One transaction
//!   per join stays available ([`JoinCommit::OnePerJoin`], `serve --join-batch off`).

mod join_batch;

use std::{collections::HashMap, path::Path, sync::Arc, time::Duration};

use fairline_core::{
    booking::{Booking, BookingStatus},
    wire::QueuePlace,
};
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    pool::PoolConnectionMetadata,
    Any, AnyConnection, AnyPool, Row, Transaction,
};

/// Which database a server keeps its state in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An embedded SQLite file (created if missing).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL server by URL (`postgres://USER@HOST:PORT/DB`), shared by every instance.
    Postgres(String),
}

impl Database {
    /// A PostgreSQL URL as given to `--database`; anything that is not `postgres://…` or
    /// `postgresql://…` is refused with a message saying so.
    pub fn postgres_url(text: &str) -> Result<Self, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Self::Postgres(text.to_owned()))
        } else {
            Err(
                "expected a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE); \
                 without --database the server keeps an SQLite file in --data"
                    .to_owned(),
            )
        }
    }
}

/// The engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// How a store commits joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JoinCommit {
    /// Joins arriving while a commit is under way share the next transaction (group commit);
    /// each is answered once its row is durable.
    #[default]
    Grouped,
    /// Every join in a transaction of its own (what group commit is measured against).
    OnePerJoin,
}

pub use join_batch::{JoinStats, MAX_BATCH as MAX_JOIN_BATCH};

/// The database.
#[derive(Clone)]
pub struct Store {
    writer: AnyPool,
    reader: AnyPool,
    engine: Engine,
    /// The group-commit task's queue ([`JoinCommit::Grouped`]), or None for one transaction per
    /// join.
    join_batches: Option<tokio::sync::mpsc::UnboundedSender<join_batch::PendingJoin>>,
    join_counters: Arc<join_batch::JoinCounters>,
}

/// Queue facts that survive a restart and are the same from every instance.
#[derive(Debug, Clone)]
pub struct QueueMeta {
    /// The draw seed (hex), secret until the opening.
    pub seed_hex: String,
    /// N, fixed at the opening.
    pub pre_queue_size: Option<u64>,
    /// Admission progress.
    pub admitted_through: u64,
    /// Paused by an operator.
    pub paused: bool,
    /// Rate set by an operator.
    pub rate_per_s: Option<f64>,
    /// Places issued after the opening (ranks N .. N + this).
    pub arrivals_issued: u64,
}

/// An admission as stored.
#[derive(Debug, Clone)]
pub struct AdmissionRow {
    /// Id.
    pub admission_id: String,
    /// The admitted ticket.
    pub ticket_id: String,
    /// Whose.
    pub person_key_hash: String,
    /// Issued, ms.
    pub issued_at_ms: i64,
    /// Lapses, ms.
    pub expires_at_ms: i64,
    /// Extensions so far.
    pub extensions_used: u32,
    /// When a booking used it.
    pub used_at_ms: Option<i64>,
}

/// A ticket to store: made by the caller once the join transaction has numbered its place.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Its id.
    pub ticket_id: String,
    /// The signed claims, JSON.
    pub claims_json: String,
    /// The signature over them.
    pub signature: String,
}

/// What a join came to (`T`: what the caller made beside the stored ticket, e.g. the signed
/// ticket itself).
#[derive(Debug, Clone)]
pub enum Joined<T> {
    /// A new ticket for a new place.
    Issued(QueuePlace, T),
    /// The person already held this ticket: (claims JSON, signature).
    Held(String, String),
}

/// A booking to write.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The booking.
    pub booking: Booking,
    /// Whose.
    pub person_key_hash: String,
    /// The slot's capacity (from the campaign).
    pub capacity: u32,
    /// Client's idempotency key.
    pub idempotency_key: String,
    /// Hash of the request body, to tell a retry from a different request.
    pub request_hash: String,
    /// Server time now, ms.
    pub now_ms: i64,
}

/// What writing a booking came to.
#[derive(Debug)]
pub enum BookOutcome {
    /// Written now.
    Created(Booking),
    /// The same request was already done: its booking.
    Replayed(Booking),
    /// The idempotency key was used for a different request.
    KeyReused,
    /// No place left in the slot.
    SlotFull,
    /// The admission is unknown.
    AdmissionUnknown,
    /// The admission was already used for a booking.
    AdmissionUsed,
    /// The admission lapsed.
    AdmissionExpired,
}

const ADMISSION_COLUMNS: &str =
    "admission_id, ticket_id, person_key_hash, issued_at_ms, expires_at_ms, extensions_used, used_at_ms";

impl Store {
    /// Opens `database` and applies its engine's migrations (several instances may do so at
    /// once: sqlx's migrator holds a database lock while it runs).
    /// Joins are group-committed ([`JoinCommit::Grouped`]).
    pub async fn open(database: &Database) -> Result<Self, sqlx::Error> {
        Self::open_with(database, JoinCommit::Grouped).await
    }

    /// As [`Store::open`], committing joins as `joins` says.
    pub async fn open_with(database: &Database, joins: JoinCommit) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (writer, reader, engine) = match database {
            Database::Sqlite(path) => Self::open_sqlite(path).await?,
            Database::Postgres(url) => Self::connect_postgres(url).await?,
        };
        let join_counters = Arc::new(join_batch::JoinCounters::default());
        let join_batches = (joins == JoinCommit::Grouped)
            .then(|| join_batch::start(writer.clone(), engine, Arc::clone(&join_counters)));
        Ok(Self {
            writer,
            reader,
            engine,
            join_batches,
            join_counters,
        })
    }

    /// How this store commits joins.
    pub fn join_commit(&self) -> JoinCommit {
        if self.join_batches.is_some() {
            JoinCommit::Grouped
        } else {
            JoinCommit::OnePerJoin
        }
    }

    /// Join transactions committed and joins answered from them since the store opened.
    pub fn join_stats(&self) -> JoinStats {
        self.join_counters.snapshot()
    }

    async fn open_sqlite(path: &Path) -> Result<(AnyPool, AnyPool, Engine), sqlx::Error> {
        let path = path.to_str().ok_or_else(|| {
            sqlx::Error::Configuration("the SQLite file's path is not UTF-8".into())
        })?;
        let encoded = percent_encoding::utf8_percent_encode(path, PATH_ESCAPES);
        let writer = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|connection, meta| Box::pin(sqlite_pragmas(connection, meta, true)))
            .connect(&format!("sqlite://{encoded}?mode=rwc"))
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|connection, meta| Box::pin(sqlite_pragmas(connection, meta, false)))
            .connect(&format!("sqlite://{encoded}?mode=ro"))
            .await?;
        Ok((writer, reader, Engine::Sqlite))
    }

    async fn connect_postgres(url: &str) -> Result<(AnyPool, AnyPool, Engine), sqlx::Error> {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok((pool.clone(), pool, Engine::Postgres))
    }

    /// Starts a transaction on the writer in a task of its own, so that a caller dropped while
    /// `BEGIN` is in flight (a client that went away, and the handler with it) cannot hand the
    /// pool a connection left inside a transaction nothing will end: sqlx 0.8 on PostgreSQL
    /// counts the transaction only once `BEGIN` is answered, so a cancelled `begin()` leaves the
    /// session open and the next borrower's statements (an admission's insert, say) run inside
    /// it and are never committed. Here the task always finishes `BEGIN`; if nobody awaits the
    /// transaction any more, dropping it rolls it back.
    async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let writer = self.writer.clone();
        tokio::spawn(async move { writer.begin().await })
            .await
            .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The queue facts for `campaign_id`, created with `new_seed_hex` on first use (the first
    /// instance to start picks the seed; every other one reads it).
    pub async fn queue_meta(
        &self,
        campaign_id: &str,
        new_seed_hex: &str,
    ) -> Result<QueueMeta, sqlx::Error> {
        sqlx::query(
            "INSERT INTO queue_meta (campaign_id, seed_hex) VALUES ($1, $2) \
             ON CONFLICT (campaign_id) DO NOTHING",
        )
        .bind(campaign_id)
        .bind(new_seed_hex)
        .execute(&self.writer)
        .await?;
        self.read_queue_meta(campaign_id).await
    }

    /// The queue facts of a campaign whose queue exists (every instance reads them each step).
    pub async fn read_queue_meta(&self, campaign_id: &str) -> Result<QueueMeta, sqlx::Error> {
        let row = sqlx::query(
            "SELECT seed_hex, pre_queue_size, admitted_through, paused, rate_per_s, arrivals_issued \
             FROM queue_meta WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_one(&self.writer)
        .await?;
        Ok(QueueMeta {
            seed_hex: row.try_get(0)?,
            pre_queue_size: row.try_get::<Option<i64>, _>(1)?.map(to_u64),
            admitted_through: to_u64(row.try_get(2)?),
            paused: row.try_get::<i64, _>(3)? != 0,
            rate_per_s: row.try_get(4)?,
            arrivals_issued: to_u64(row.try_get(5)?),
        })
    }

    /// Fixes N at the opening: the number of pre-queue places issued, once (the first call wins;
    /// later calls, from any instance, change nothing). Returns the stored N.
    pub async fn open_queue(&self, campaign_id: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE queue_meta SET pre_queue_size = pre_queue_issued \
             WHERE campaign_id = $1 AND pre_queue_size IS NULL",
        )
        .bind(campaign_id)
        .execute(&mut *tx)
        .await?;
        let size: i64 =
            sqlx::query_scalar("SELECT pre_queue_size FROM queue_meta WHERE campaign_id = $1")
                .bind(campaign_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(to_u64(size))
    }

    /// Records admission progress (never backwards).
    pub async fn save_admitted_through(
        &self,
        campaign_id: &str,
        admitted_through: u64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE queue_meta SET admitted_through = $1 \
             WHERE campaign_id = $2 AND admitted_through < $1",
        )
        .bind(to_i64(admitted_through))
        .bind(campaign_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Takes or renews the lease to advance `campaign_id`'s admission for `holder` until
    /// `now_ms + lease_ms`; true if `holder` holds it now. Taken only from `holder` itself or
    /// from a holder whose lease lapsed.
    pub async fn lead_admission(
        &self,
        campaign_id: &str,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO admission_leases (campaign_id, holder, expires_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (campaign_id) DO UPDATE SET holder = $2, expires_at_ms = $3 \
             WHERE admission_leases.holder = $2 OR admission_leases.expires_at_ms <= $4",
        )
        .bind(campaign_id)
        .bind(holder)
        .bind(now_ms.saturating_add(lease_ms))
        .bind(now_ms)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the operator's pause and rate.
    pub async fn save_controls(
        &self,
        campaign_id: &str,
        paused: bool,
        rate_per_s: f64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE queue_meta SET paused = $1, rate_per_s = $2 WHERE campaign_id = $3")
            .bind(i64::from(paused))
            .bind(rate_per_s)
            .bind(campaign_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Joins the queue: numbers the next place (a pre-queue index before the opening, a rank
    /// after it), and, unless the person already holds a ticket, stores the ticket `make_ticket`
    /// makes for that place, answering once it is committed. Group-committed with the joins
    /// around it ([`JoinCommit::Grouped`]) or in a transaction of its own; either way a join
    /// that is not stored uses no number, so places stay gap-free.
    pub async fn join<T, E>(
        &self,
        campaign_id: &str,
        person_key_hash: &str,
        make_ticket: impl FnOnce(QueuePlace) -> Result<(NewTicket, T), E> + Send + 'static,
    ) -> Result<Joined<T>, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
    {
        let Some(batches) = &self.join_batches else {
            return self
                .join_alone(campaign_id, person_key_hash, make_ticket)
                .await;
        };
        // What the maker made beside the ticket (or its error), kept for this caller.
        let made: Arc<std::sync::Mutex<Option<Result<T, E>>>> = Arc::default();
        let slot = Arc::clone(&made);
        let make: join_batch::MakeTicket = Box::new(move |place| {
            let (ticket, kept) = match make_ticket(place) {
                Ok((ticket, extra)) => (Some(ticket), Ok(extra)),
                Err(error) => (None, Err(error)),
            };
            *slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(kept);
            ticket
        });
        let (reply, answer) = tokio::sync::oneshot::channel();
        let gone = || sqlx::Error::Protocol("the join batching task has stopped".into());
        batches
            .send(join_batch::PendingJoin {
                campaign_id: campaign_id.to_owned(),
                person_key_hash: person_key_hash.to_owned(),
                make,
                reply,
            })
            .map_err(|_| gone())?;
        let answer = answer
            .await
            .map_err(|_| gone())?
            .map_err(sqlx::Error::Protocol)?;
        let kept = made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match answer {
            join_batch::Answer::Held(claims, signature) => Ok(Joined::Held(claims, signature)),
            join_batch::Answer::Issued(place) => match kept {
                Some(Ok(extra)) => Ok(Joined::Issued(place, extra)),
                Some(Err(error)) => Err(error),
                None => Err(sqlx::Error::Protocol("a joined ticket was not made".into()).into()),
            },
            join_batch::Answer::NotMade => match kept {
                Some(Err(error)) => Err(error),
                _ => Err(sqlx::Error::Protocol("the ticket maker failed".into()).into()),
            },
        }
    }

    /// One join in one transaction ([`JoinCommit::OnePerJoin`]). Rolled back (the number
    /// unused, so no gap) when the person holds a ticket or anything fails.
    async fn join_alone<T, E>(
        &self,
        campaign_id: &str,
        person_key_hash: &str,
        make_ticket: impl FnOnce(QueuePlace) -> Result<(NewTicket, T), E>,
    ) -> Result<Joined<T>, E>
    where
        E: From<sqlx::Error>,
    {
        let mut tx = self.begin().await?;
        // Locks the campaign's row until commit: joins of one campaign number one at a time.
        let row = sqlx::query(
            "UPDATE queue_meta SET \
             pre_queue_issued = pre_queue_issued + CASE WHEN pre_queue_size IS NULL THEN 1 ELSE 0 END, \
             arrivals_issued = arrivals_issued + CASE WHEN pre_queue_size IS NULL THEN 0 ELSE 1 END \
             WHERE campaign_id = $1 RETURNING pre_queue_size, pre_queue_issued, arrivals_issued",
        )
        .bind(campaign_id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(held) = held_ticket(&mut tx, campaign_id, person_key_hash).await? {
            tx.rollback().await?;
            return Ok(Joined::Held(held.0, held.1));
        }
        let place = match row.try_get::<Option<i64>, _>(0)? {
            None => QueuePlace::PreQueue {
                index: to_u64(row.try_get(1)?).saturating_sub(1),
            },
            Some(size) => QueuePlace::Ranked {
                rank: fairline_core::draw::rank_after_opening(
                    to_u64(size),
                    to_u64(row.try_get(2)?).saturating_sub(1),
                ),
            },
        };
        let (ticket, made) = make_ticket(place)?;
        sqlx::query(
            "INSERT INTO tickets (campaign_id, person_key_hash, ticket_id, claims_json, signature) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(campaign_id)
        .bind(person_key_hash)
        .bind(&ticket.ticket_id)
        .bind(&ticket.claims_json)
        .bind(&ticket.signature)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.join_counters
            .transactions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.join_counters
            .joins
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Joined::Issued(place, made))
    }

    /// The ticket a person holds: (claims JSON, signature).
    pub async fn ticket_of(
        &self,
        campaign_id: &str,
        person_key_hash: &str,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        // The readers see every committed join (WAL on SQLite; one pool on PostgreSQL), and keep
        // rejoins off SQLite's one writer connection.
        let mut connection = self.reader.acquire().await?;
        held_ticket(&mut connection, campaign_id, person_key_hash).await
    }

    /// How many tickets were issued.
    pub async fn ticket_count(&self, campaign_id: &str) -> Result<u64, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(&self.reader)
            .await?;
        Ok(to_u64(count))
    }

    /// The newest admission of a ticket.
    pub async fn admission_of_ticket(
        &self,
        ticket_id: &str,
    ) -> Result<Option<AdmissionRow>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {ADMISSION_COLUMNS} FROM admissions WHERE ticket_id = $1 \
             ORDER BY issued_at_ms DESC LIMIT 1"
        ))
        .bind(ticket_id)
        .fetch_optional(&self.writer)
        .await?;
        row.map(admission_row).transpose()
    }

    /// An admission by id.
    pub async fn admission(&self, admission_id: &str) -> Result<Option<AdmissionRow>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {ADMISSION_COLUMNS} FROM admissions WHERE admission_id = $1"
        ))
        .bind(admission_id)
        .fetch_optional(&self.writer)
        .await?;
        row.map(admission_row).transpose()
    }

    /// Stores a new admission.
    pub async fn insert_admission(
        &self,
        campaign_id: &str,
        row: &AdmissionRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO admissions (admission_id, campaign_id, ticket_id, person_key_hash, issued_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&row.admission_id)
        .bind(campaign_id)
        .bind(&row.ticket_id)
        .bind(&row.person_key_hash)
        .bind(row.issued_at_ms)
        .bind(row.expires_at_ms)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Extends an unused, unexpired admission that has extensions left; false otherwise.
    pub async fn extend_admission(
        &self,
        admission_id: &str,
        now_ms: i64,
        new_expiry_ms: i64,
        max_extensions: u32,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE admissions SET expires_at_ms = $1, extensions_used = extensions_used + 1 \
             WHERE admission_id = $2 AND used_at_ms IS NULL AND expires_at_ms > $3 AND extensions_used < $4",
        )
        .bind(new_expiry_ms)
        .bind(admission_id)
        .bind(now_ms)
        .bind(i64::from(max_extensions))
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Admissions issued but neither used nor lapsed at `now_ms` (the admission cap counts them).
    pub async fn active_admissions(
        &self,
        campaign_id: &str,
        now_ms: i64,
    ) -> Result<u64, sqlx::Error> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM admissions WHERE campaign_id = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
        )
        .bind(campaign_id)
        .bind(now_ms)
        .fetch_one(&self.reader)
        .await?;
        Ok(to_u64(count))
    }

    /// Places taken per slot start (ms) at a site between two instants.
    pub async fn taken_by_slot(
        &self,
        campaign_id: &str,
        site_id: &str,
        from_ms: i64,
        until_ms: i64,
    ) -> Result<HashMap<i64, u32>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT starts_at_ms, taken FROM slots \
             WHERE campaign_id = $1 AND site_id = $2 AND starts_at_ms >= $3 AND starts_at_ms < $4",
        )
        .bind(campaign_id)
        .bind(site_id)
        .bind(from_ms)
        .bind(until_ms)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|row| {
                let taken = u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0);
                Ok((row.try_get::<i64, _>(0)?, taken))
            })
            .collect()
    }

    /// Writes a booking in one transaction: admission claimed (unused, unexpired), capacity
    /// taken, booking stored under its idempotency key — all or nothing. A retry of a done
    /// request (even one racing the first through another instance) gets the first booking.
    pub async fn book(&self, new: &NewBooking) -> Result<BookOutcome, sqlx::Error> {
        if let Some(done) = self.replay(new).await? {
            return Ok(done);
        }
        let booking = &new.booking;
        let mut tx = self.begin().await?;
        // Claims the admission; a concurrent claim waits for this row and then finds it used.
        let claimed = sqlx::query(
            "UPDATE admissions SET used_at_ms = $1 \
             WHERE admission_id = $2 AND used_at_ms IS NULL AND expires_at_ms > $1",
        )
        .bind(new.now_ms)
        .bind(&booking.admission_id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return self.unclaimable(new).await;
        }
        let starts_ms = fairline_core::wire::unix_ms(booking.starts_at);
        sqlx::query(
            "INSERT INTO slots (campaign_id, site_id, starts_at_ms, capacity, taken) VALUES ($1, $2, $3, $4, 0) \
             ON CONFLICT (campaign_id, site_id, starts_at_ms) DO NOTHING",
        )
        .bind(&booking.campaign_id)
        .bind(&booking.site_id)
        .bind(starts_ms)
        .bind(i64::from(new.capacity))
        .execute(&mut *tx)
        .await?;
        let taken = sqlx::query(
            "UPDATE slots SET taken = taken + 1 \
             WHERE campaign_id = $1 AND site_id = $2 AND starts_at_ms = $3 AND taken < capacity",
        )
        .bind(&booking.campaign_id)
        .bind(&booking.site_id)
        .bind(starts_ms)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(BookOutcome::SlotFull);
        }
        let inserted = sqlx::query(
            "INSERT INTO bookings (reference, campaign_id, site_id, starts_at_ms, ends_at_ms, admission_id, person_key_hash, \
             status, created_at_ms, idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&booking.reference)
        .bind(&booking.campaign_id)
        .bind(&booking.site_id)
        .bind(starts_ms)
        .bind(fairline_core::wire::unix_ms(booking.ends_at))
        .bind(&booking.admission_id)
        .bind(&new.person_key_hash)
        .bind(status_text(booking.status))
        .bind(fairline_core::wire::unix_ms(booking.created_at))
        .bind(&new.idempotency_key)
        .bind(&new.request_hash)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            // The key was taken meanwhile by a request with another admission.
            tx.rollback().await?;
            return Ok(self.replay(new).await?.unwrap_or(BookOutcome::KeyReused));
        }
        tx.commit().await?;
        Ok(BookOutcome::Created(booking.clone()))
    }

    /// The outcome for a request whose idempotency key is already used, if it is.
    async fn replay(&self, new: &NewBooking) -> Result<Option<BookOutcome>, sqlx::Error> {
        let previous =
            sqlx::query("SELECT request_hash, reference FROM bookings WHERE idempotency_key = $1")
                .bind(&new.idempotency_key)
                .fetch_optional(&self.writer)
                .await?;
        let Some(previous) = previous else {
            return Ok(None);
        };
        if previous.try_get::<String, _>(0)? != new.request_hash {
            return Ok(Some(BookOutcome::KeyReused));
        }
        let reference: String = previous.try_get(1)?;
        Ok(Some(match self.booking(&reference).await? {
            Some(found) => BookOutcome::Replayed(found),
            None => BookOutcome::KeyReused,
        }))
    }

    /// Why an admission could not be claimed (read after the claim failed): a concurrent
    /// identical request may have used it, which is a replay.
    async fn unclaimable(&self, new: &NewBooking) -> Result<BookOutcome, sqlx::Error> {
        if let Some(done) = self.replay(new).await? {
            return Ok(done);
        }
        Ok(match self.admission(&new.booking.admission_id).await? {
            None => BookOutcome::AdmissionUnknown,
            Some(admission) if admission.used_at_ms.is_some() => BookOutcome::AdmissionUsed,
            Some(_) => BookOutcome::AdmissionExpired,
        })
    }

    /// A booking by reference.
    pub async fn booking(&self, reference: &str) -> Result<Option<Booking>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT reference, campaign_id, site_id, starts_at_ms, ends_at_ms, admission_id, status, created_at_ms \
             FROM bookings WHERE reference = $1",
        )
        .bind(reference)
        .fetch_optional(&self.writer)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(Booking {
            reference: row.try_get(0)?,
            campaign_id: row.try_get(1)?,
            site_id: row.try_get(2)?,
            starts_at: from_ms(row.try_get(3)?),
            ends_at: from_ms(row.try_get(4)?),
            admission_id: row.try_get(5)?,
            status: if row.try_get::<String, _>(6)? == "cancelled" {
                BookingStatus::Cancelled
            } else {
                BookingStatus::Confirmed
            },
            created_at: from_ms(row.try_get(7)?),
        }))
    }

    /// Confirmed bookings of a campaign (for operators and tests).
    pub async fn booking_count(&self, campaign_id: &str) -> Result<u64, sqlx::Error> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE campaign_id = $1 AND status = 'confirmed'",
        )
        .bind(campaign_id)
        .fetch_one(&self.reader)
        .await?;
        Ok(to_u64(count))
    }

    /// Cancels a confirmed booking and gives its place back; false if it was not confirmed.
    pub async fn cancel(&self, reference: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE bookings SET status = 'cancelled' WHERE reference = $1 AND status = 'confirmed' \
             RETURNING campaign_id, site_id, starts_at_ms",
        )
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE slots SET taken = taken - 1 \
             WHERE campaign_id = $1 AND site_id = $2 AND starts_at_ms = $3 AND taken > 0",
        )
        .bind(row.try_get::<String, _>(0)?)
        .bind(row.try_get::<String, _>(1)?)
        .bind(row.try_get::<i64, _>(2)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Characters escaped in the SQLite file's path inside its URL.
const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'%')
    .add(b'?')
    .add(b'#')
    .add(b' ');

/// Per-connection settings of the SQLite store (WAL is a property of the file: the writer sets it).
async fn sqlite_pragmas(
    connection: &mut AnyConnection,
    _: PoolConnectionMetadata,
    writer: bool,
) -> Result<(), sqlx::Error> {
    // The writer's temporary storage stays in memory: a statement journal (kept by a statement
    // that writes several rows and may fail halfway, to undo it alone) would otherwise spill past
    // 64 KiB into a temp file SQLite creates, writes and deletes per statement. The batch of joins
    // no longer keeps one (see `join_batch`), but any such statement stays cheap. Durability is
    // unchanged (a statement journal never outlives its statement; the WAL and `synchronous` are
    // as they were).
    //
    // The writer checkpoints the WAL into the database every 10,000 pages (about 40 MiB) instead
    // of SQLite's 1,000: a join dirties index pages at random, so a short interval copies and
    // fsyncs nearly every page it wrote a second time, while over a longer one the same pages
    // come back and are copied once. Commits are as durable as before (each is in the WAL,
    // fsynced, before it is answered); only the copy into the main file happens less often.
    let writer_only = [
        "PRAGMA journal_mode = WAL",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA wal_autocheckpoint = 10000",
    ];
    let always = [
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 10000",
    ];
    let first: &[&str] = if writer { &writer_only } else { &[] };
    for pragma in first.iter().chain(always.iter()) {
        sqlx::query(pragma).execute(&mut *connection).await?;
    }
    Ok(())
}

async fn held_ticket(
    connection: &mut AnyConnection,
    campaign_id: &str,
    person_key_hash: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT claims_json, signature FROM tickets WHERE campaign_id = $1 AND person_key_hash = $2",
    )
    .bind(campaign_id)
    .bind(person_key_hash)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .transpose()
}

fn admission_row(row: AnyRow) -> Result<AdmissionRow, sqlx::Error> {
    Ok(AdmissionRow {
        admission_id: row.try_get(0)?,
        ticket_id: row.try_get(1)?,
        person_key_hash: row.try_get(2)?,
        issued_at_ms: row.try_get(3)?,
        expires_at_ms: row.try_get(4)?,
        extensions_used: u32::try_from(row.try_get::<i64, _>(5)?).unwrap_or(u32::MAX),
        used_at_ms: row.try_get(6)?,
    })
}

fn status_text(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::Cancelled => "cancelled",
    }
}

fn from_ms(ms: i64) -> time::OffsetDateTime {
    fairline_core::wire::from_unix_ms(ms).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
