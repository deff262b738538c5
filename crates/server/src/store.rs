//! The store boundary: every SQL statement the server runs lives here, behind plain Rust methods,
//! so a PostgreSQL implementation can later sit behind the same methods.
//!
//! SQLite in WAL mode with `synchronous = FULL`: a booking acknowledged to a client has reached the
//! disk. Writes go through a single-connection pool (SQLite has one writer; queueing them here
//! avoids busy errors), reads through a small pool of their own.

use std::{collections::HashMap, path::Path, str::FromStr, time::Duration};

use fairline_core::booking::{Booking, BookingStatus};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Row, SqlitePool,
};

/// The database.
#[derive(Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
}

/// Queue facts that survive a restart.
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

impl Store {
    /// Opens (creating if needed) the database at `path` and applies the migrations.
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// The queue facts for `campaign_id`, created with `new_seed_hex` on first use.
    pub async fn queue_meta(
        &self,
        campaign_id: &str,
        new_seed_hex: &str,
    ) -> Result<QueueMeta, sqlx::Error> {
        sqlx::query("INSERT OR IGNORE INTO queue_meta (campaign_id, seed_hex) VALUES (?, ?)")
            .bind(campaign_id)
            .bind(new_seed_hex)
            .execute(&self.writer)
            .await?;
        let row = sqlx::query(
            "SELECT seed_hex, pre_queue_size, admitted_through, paused, rate_per_s \
             FROM queue_meta WHERE campaign_id = ?",
        )
        .bind(campaign_id)
        .fetch_one(&self.writer)
        .await?;
        Ok(QueueMeta {
            seed_hex: row.get(0),
            pre_queue_size: row.get::<Option<i64>, _>(1).map(to_u64),
            admitted_through: to_u64(row.get(2)),
            paused: row.get::<i64, _>(3) != 0,
            rate_per_s: row.get(4),
        })
    }

    /// Fixes N at the opening.
    pub async fn set_pre_queue_size(
        &self,
        campaign_id: &str,
        size: u64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE queue_meta SET pre_queue_size = ? WHERE campaign_id = ? AND pre_queue_size IS NULL")
            .bind(to_i64(size))
            .bind(campaign_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Records admission progress (never backwards).
    pub async fn save_admitted_through(
        &self,
        campaign_id: &str,
        admitted_through: u64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE queue_meta SET admitted_through = MAX(admitted_through, ?) WHERE campaign_id = ?")
            .bind(to_i64(admitted_through))
            .bind(campaign_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Records the operator's pause and rate.
    pub async fn save_controls(
        &self,
        campaign_id: &str,
        paused: bool,
        rate_per_s: f64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE queue_meta SET paused = ?, rate_per_s = ? WHERE campaign_id = ?")
            .bind(i64::from(paused))
            .bind(rate_per_s)
            .bind(campaign_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Takes the next block of `size` numbers from counter `name`; returns its first number.
    /// The block is durable before any number in it is used, so no number is ever issued twice.
    pub async fn take_block(
        &self,
        campaign_id: &str,
        name: &str,
        size: u64,
    ) -> Result<u64, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT OR IGNORE INTO rank_counters (campaign_id, name, high) VALUES (?, ?, 0)",
        )
        .bind(campaign_id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
        let high: i64 = sqlx::query_scalar(
            "UPDATE rank_counters SET high = high + ? WHERE campaign_id = ? AND name = ? RETURNING high",
        )
        .bind(to_i64(size))
        .bind(campaign_id)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(to_u64(high) - size)
    }

    /// The end of the last block taken from counter `name` (0 if none).
    pub async fn counter_high(&self, campaign_id: &str, name: &str) -> Result<u64, sqlx::Error> {
        let high: Option<i64> =
            sqlx::query_scalar("SELECT high FROM rank_counters WHERE campaign_id = ? AND name = ?")
                .bind(campaign_id)
                .bind(name)
                .fetch_optional(&self.writer)
                .await?;
        Ok(high.map(to_u64).unwrap_or(0))
    }

    /// The ticket a person holds: (claims JSON, signature).
    pub async fn ticket_of(
        &self,
        campaign_id: &str,
        person_key_hash: &str,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let row = sqlx::query("SELECT claims_json, signature FROM tickets WHERE campaign_id = ? AND person_key_hash = ?")
            .bind(campaign_id)
            .bind(person_key_hash)
            .fetch_optional(&self.writer)
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// Stores a new ticket; false if the person already holds one (the caller re-reads it).
    pub async fn insert_ticket(
        &self,
        campaign_id: &str,
        person_key_hash: &str,
        ticket_id: &str,
        claims_json: &str,
        signature: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO tickets (campaign_id, person_key_hash, ticket_id, claims_json, signature) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, person_key_hash) DO NOTHING",
        )
        .bind(campaign_id)
        .bind(person_key_hash)
        .bind(ticket_id)
        .bind(claims_json)
        .bind(signature)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many tickets were issued.
    pub async fn ticket_count(&self, campaign_id: &str) -> Result<u64, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE campaign_id = ?")
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
        let row = sqlx::query(
            "SELECT admission_id, ticket_id, person_key_hash, issued_at_ms, expires_at_ms, extensions_used, used_at_ms \
             FROM admissions WHERE ticket_id = ? ORDER BY issued_at_ms DESC LIMIT 1",
        )
        .bind(ticket_id)
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(admission_row))
    }

    /// An admission by id.
    pub async fn admission(&self, admission_id: &str) -> Result<Option<AdmissionRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT admission_id, ticket_id, person_key_hash, issued_at_ms, expires_at_ms, extensions_used, used_at_ms \
             FROM admissions WHERE admission_id = ?",
        )
        .bind(admission_id)
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(admission_row))
    }

    /// Stores a new admission.
    pub async fn insert_admission(
        &self,
        campaign_id: &str,
        row: &AdmissionRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO admissions (admission_id, campaign_id, ticket_id, person_key_hash, issued_at_ms, expires_at_ms) \
             VALUES (?, ?, ?, ?, ?, ?)",
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
            "UPDATE admissions SET expires_at_ms = ?, extensions_used = extensions_used + 1 \
             WHERE admission_id = ? AND used_at_ms IS NULL AND expires_at_ms > ? AND extensions_used < ?",
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
            "SELECT COUNT(*) FROM admissions WHERE campaign_id = ? AND used_at_ms IS NULL AND expires_at_ms > ?",
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
            "SELECT starts_at_ms, taken FROM slots WHERE campaign_id = ? AND site_id = ? AND starts_at_ms >= ? AND starts_at_ms < ?",
        )
        .bind(campaign_id)
        .bind(site_id)
        .bind(from_ms)
        .bind(until_ms)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                (
                    row.get::<i64, _>(0),
                    u32::try_from(row.get::<i64, _>(1)).unwrap_or(0),
                )
            })
            .collect())
    }

    /// Writes a booking in one transaction: idempotency claimed, admission checked and marked
    /// used, capacity taken, booking stored — all or nothing.
    pub async fn book(&self, new: &NewBooking) -> Result<BookOutcome, sqlx::Error> {
        let booking = &new.booking;
        let mut tx = self.writer.begin().await?;
        let previous =
            sqlx::query("SELECT request_hash, reference FROM bookings WHERE idempotency_key = ?")
                .bind(&new.idempotency_key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(previous) = previous {
            let request_hash: String = previous.get(0);
            let reference: String = previous.get(1);
            tx.rollback().await?;
            if request_hash != new.request_hash {
                return Ok(BookOutcome::KeyReused);
            }
            return Ok(match self.booking(&reference).await? {
                Some(found) => BookOutcome::Replayed(found),
                None => BookOutcome::KeyReused,
            });
        }
        let admission =
            sqlx::query("SELECT used_at_ms, expires_at_ms FROM admissions WHERE admission_id = ?")
                .bind(&booking.admission_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(admission) = admission else {
            return Ok(BookOutcome::AdmissionUnknown);
        };
        if admission.get::<Option<i64>, _>(0).is_some() {
            return Ok(BookOutcome::AdmissionUsed);
        }
        if admission.get::<i64, _>(1) <= new.now_ms {
            return Ok(BookOutcome::AdmissionExpired);
        }
        let starts_ms = fairline_core::wire::unix_ms(booking.starts_at);
        sqlx::query(
            "INSERT OR IGNORE INTO slots (campaign_id, site_id, starts_at_ms, capacity, taken) VALUES (?, ?, ?, ?, 0)",
        )
        .bind(&booking.campaign_id)
        .bind(&booking.site_id)
        .bind(starts_ms)
        .bind(i64::from(new.capacity))
        .execute(&mut *tx)
        .await?;
        let taken = sqlx::query(
            "UPDATE slots SET taken = taken + 1 WHERE campaign_id = ? AND site_id = ? AND starts_at_ms = ? AND taken < capacity",
        )
        .bind(&booking.campaign_id)
        .bind(&booking.site_id)
        .bind(starts_ms)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Ok(BookOutcome::SlotFull);
        }
        sqlx::query(
            "UPDATE admissions SET used_at_ms = ? WHERE admission_id = ? AND used_at_ms IS NULL",
        )
        .bind(new.now_ms)
        .bind(&booking.admission_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO bookings (reference, campaign_id, site_id, starts_at_ms, ends_at_ms, admission_id, person_key_hash, \
             status, created_at_ms, idempotency_key, request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        tx.commit().await?;
        Ok(BookOutcome::Created(booking.clone()))
    }

    /// A booking by reference.
    pub async fn booking(&self, reference: &str) -> Result<Option<Booking>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT reference, campaign_id, site_id, starts_at_ms, ends_at_ms, admission_id, status, created_at_ms \
             FROM bookings WHERE reference = ?",
        )
        .bind(reference)
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(|row| Booking {
            reference: row.get(0),
            campaign_id: row.get(1),
            site_id: row.get(2),
            starts_at: from_ms(row.get(3)),
            ends_at: from_ms(row.get(4)),
            admission_id: row.get(5),
            status: if row.get::<String, _>(6) == "cancelled" {
                BookingStatus::Cancelled
            } else {
                BookingStatus::Confirmed
            },
            created_at: from_ms(row.get(7)),
        }))
    }

    /// Every booking of a campaign (for operators and tests).
    pub async fn booking_count(&self, campaign_id: &str) -> Result<u64, sqlx::Error> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE campaign_id = ? AND status = 'confirmed'",
        )
        .bind(campaign_id)
        .fetch_one(&self.reader)
        .await?;
        Ok(to_u64(count))
    }

    /// Cancels a confirmed booking and gives its place back; false if it was not confirmed.
    pub async fn cancel(&self, reference: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "UPDATE bookings SET status = 'cancelled' WHERE reference = ? AND status = 'confirmed' \
             RETURNING campaign_id, site_id, starts_at_ms",
        )
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        sqlx::query("UPDATE slots SET taken = taken - 1 WHERE campaign_id = ? AND site_id = ? AND starts_at_ms = ? AND taken > 0")
            .bind(row.get::<String, _>(0))
            .bind(row.get::<String, _>(1))
            .bind(row.get::<i64, _>(2))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn admission_row(row: sqlx::sqlite::SqliteRow) -> AdmissionRow {
    AdmissionRow {
        admission_id: row.get(0),
        ticket_id: row.get(1),
        person_key_hash: row.get(2),
        issued_at_ms: row.get(3),
        expires_at_ms: row.get(4),
        extensions_used: u32::try_from(row.get::<i64, _>(5)).unwrap_or(u32::MAX),
        used_at_ms: row.get(6),
    }
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
