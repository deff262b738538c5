//! Group commit for joins: the joins that arrive while a commit is under way share the next
//! transaction, and each is answered only once that transaction has committed (its row durable).
//!
//! One task per [`Store`](super::Store) owns the batching. A join hands it the person and a
//! ticket maker and waits for the answer; the task takes every join waiting (up to
//! [`MAX_BATCH`]), and in one transaction per batch, for each campaign in it:
//!
//! 1. locks the campaign's `queue_meta` row (an `UPDATE` that changes nothing) and reads its
//!    counters: the next pre-queue index or arrival number;
//! 2. reads the tickets the batch's people already hold (one `SELECT … IN (…)`);
//! 3. numbers the new places in arrival order, calling each join's ticket maker with its place
//!    (a maker that fails gets no number, so it leaves no gap); a person twice in one batch gets
//!    the ticket made for their first join, as a rejoin would;
//! 4. moves the counter by the number of places issued (one `UPDATE`) and inserts the tickets
//!    (PostgreSQL: one multi-row `INSERT`; SQLite: one single-row `INSERT` per ticket, all sent
//!    as one query, because SQLite keeps a statement journal — a copy of every page the
//!    statement changes — for a multi-row statement that may fail halfway, and none for a
//!    single row; it also binds a statement's parameters by searching its list of names, which
//!    for one statement of hundreds of parameters costs more than the rows);
//!
//! then commits, and answers everyone. If anything fails, the transaction rolls back as a whole:
//! every join of the batch gets the error, none of its tickets is stored and the counters are as
//! they were, so ranks stay unique and gap-free. A caller that goes away after handing its join
//! over does not stop it: the join commits, and the person gets that ticket when they rejoin.
//!
//! With SQLite this turns one fsync per join into one per batch; with PostgreSQL, one row-lock
//! hold and one WAL flush per batch instead of per join, across every instance.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use fairline_core::wire::QueuePlace;
use sqlx::{any::AnyArguments, AnyPool, Arguments, Row};
use tokio::sync::{mpsc, oneshot};

use super::{Engine, NewTicket};

/// The most joins one transaction takes (5 bound values per ticket stays far below both
/// engines' limits on bound values).
pub const MAX_BATCH: usize = 256;

/// Makes the ticket for a place; `None` when the caller's maker failed (its error is kept by the
/// caller's side).
pub type MakeTicket = Box<dyn FnOnce(QueuePlace) -> Option<NewTicket> + Send>;

/// One join handed to the batching task.
pub struct PendingJoin {
    pub campaign_id: String,
    pub person_key_hash: String,
    pub make: MakeTicket,
    pub reply: oneshot::Sender<Result<Answer, String>>,
}

/// What one join of a committed batch came to.
#[derive(Debug)]
pub enum Answer {
    /// A new ticket for this place, committed.
    Issued(QueuePlace),
    /// The person holds this ticket (claims JSON, signature), from before or from earlier in
    /// the same batch.
    Held(String, String),
    /// The caller's ticket maker failed; nothing was written for this join.
    NotMade,
}

/// Transactions and joins committed through a store (both ways of committing count).
#[derive(Debug, Default)]
pub struct JoinCounters {
    /// Join transactions committed.
    pub transactions: AtomicU64,
    /// Joins answered from committed transactions (issued or held).
    pub joins: AtomicU64,
}

/// A snapshot of [`JoinCounters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JoinStats {
    /// Join transactions committed.
    pub transactions: u64,
    /// Joins answered from them.
    pub joins: u64,
}

impl JoinCounters {
    pub fn snapshot(&self) -> JoinStats {
        JoinStats {
            transactions: self.transactions.load(Ordering::Relaxed),
            joins: self.joins.load(Ordering::Relaxed),
        }
    }
}

/// Starts the batching task on `writer`; it ends when every sender is dropped.
pub fn start(
    writer: AnyPool,
    engine: Engine,
    counters: Arc<JoinCounters>,
) -> mpsc::UnboundedSender<PendingJoin> {
    let (sender, mut receiver) = mpsc::unbounded_channel::<PendingJoin>();
    tokio::spawn(async move {
        while let Some(first) = receiver.recv().await {
            // Let the joins already on their way hand themselves over, then take all waiting.
            tokio::task::yield_now().await;
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            commit(&writer, engine, batch, &counters).await;
        }
    });
    sender
}

/// Writes one batch in one transaction and answers each join.
async fn commit(
    writer: &AnyPool,
    engine: Engine,
    batch: Vec<PendingJoin>,
    counters: &JoinCounters,
) {
    let mut entries: Vec<(PendingJoin, Option<Answer>)> =
        batch.into_iter().map(|join| (join, None)).collect();
    match write(writer, engine, &mut entries).await {
        Ok(()) => {
            counters.transactions.fetch_add(1, Ordering::Relaxed);
            for (join, answer) in entries {
                let answer = answer.unwrap_or(Answer::NotMade);
                if !matches!(answer, Answer::NotMade) {
                    counters.joins.fetch_add(1, Ordering::Relaxed);
                }
                let _ = join.reply.send(Ok(answer));
            }
        }
        Err(error) => {
            tracing::error!(%error, joins = entries.len(), "a batch of joins rolled back");
            let message = format!("the batch of joins rolled back: {error}");
            for (join, answer) in entries {
                let reply = match answer {
                    Some(Answer::NotMade) => Ok(Answer::NotMade),
                    _ => Err(message.clone()),
                };
                let _ = join.reply.send(reply);
            }
        }
    }
}

/// The batch's transaction; fills each entry's answer (meaningful only once it commits).
async fn write(
    writer: &AnyPool,
    engine: Engine,
    entries: &mut [(PendingJoin, Option<Answer>)],
) -> Result<(), sqlx::Error> {
    let mut tx = writer.begin().await?;
    let mut campaigns: Vec<String> = Vec::new();
    for (join, _) in entries.iter() {
        if !campaigns.contains(&join.campaign_id) {
            campaigns.push(join.campaign_id.clone());
        }
    }
    for campaign_id in &campaigns {
        let members: Vec<usize> = (0..entries.len())
            .filter(|&at| entries[at].0.campaign_id == *campaign_id)
            .collect();
        // Locks the campaign's row until commit (PostgreSQL: other instances' joins wait).
        let counters = sqlx::query(
            "UPDATE queue_meta SET pre_queue_issued = pre_queue_issued WHERE campaign_id = $1 \
             RETURNING pre_queue_size, pre_queue_issued, arrivals_issued",
        )
        .bind(campaign_id)
        .fetch_one(&mut *tx)
        .await?;
        let size: Option<i64> = counters.try_get(0)?;
        let next: i64 = if size.is_none() {
            counters.try_get(1)?
        } else {
            counters.try_get(2)?
        };
        let mut people: Vec<&str> = Vec::new();
        for &at in &members {
            let person = entries[at].0.person_key_hash.as_str();
            if !people.contains(&person) {
                people.push(person);
            }
        }
        let held = held_tickets(&mut tx, campaign_id, &people).await?;
        let mut fresh: HashMap<String, (String, String)> = HashMap::new();
        let mut tickets: Vec<(String, NewTicket)> = Vec::new();
        for &at in &members {
            let (join, answer) = &mut entries[at];
            let person = join.person_key_hash.clone();
            if let Some((claims, signature)) = held.get(&person).or_else(|| fresh.get(&person)) {
                *answer = Some(Answer::Held(claims.clone(), signature.clone()));
                continue;
            }
            let number = super::to_u64(next) + tickets.len() as u64;
            let place = match size {
                None => QueuePlace::PreQueue { index: number },
                Some(size) => QueuePlace::Ranked {
                    rank: fairline_core::draw::rank_after_opening(super::to_u64(size), number),
                },
            };
            let make = std::mem::replace(&mut join.make, Box::new(|_| None));
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| make(place)))
                .ok()
                .flatten();
            match made {
                Some(ticket) => {
                    fresh.insert(
                        person.clone(),
                        (ticket.claims_json.clone(), ticket.signature.clone()),
                    );
                    tickets.push((person, ticket));
                    *answer = Some(Answer::Issued(place));
                }
                None => *answer = Some(Answer::NotMade),
            }
        }
        if tickets.is_empty() {
            continue;
        }
        sqlx::query(
            "UPDATE queue_meta SET \
             pre_queue_issued = pre_queue_issued + CASE WHEN pre_queue_size IS NULL THEN $2 ELSE 0 END, \
             arrivals_issued = arrivals_issued + CASE WHEN pre_queue_size IS NULL THEN 0 ELSE $2 END \
             WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .bind(super::to_i64(tickets.len() as u64))
        .execute(&mut *tx)
        .await?;
        for chunk in tickets.chunks(MAX_BATCH) {
            insert_tickets(&mut tx, engine, campaign_id, chunk).await?;
        }
    }
    tx.commit().await
}

/// The tickets `people` hold in `campaign_id`: person → (claims JSON, signature).
async fn held_tickets(
    connection: &mut sqlx::AnyConnection,
    campaign_id: &str,
    people: &[&str],
) -> Result<HashMap<String, (String, String)>, sqlx::Error> {
    let mut held = HashMap::new();
    for chunk in people.chunks(MAX_BATCH) {
        let mut arguments = AnyArguments::default();
        arguments.add(campaign_id).map_err(sqlx::Error::Encode)?;
        let mut marks = Vec::with_capacity(chunk.len());
        for (n, person) in chunk.iter().enumerate() {
            arguments.add(*person).map_err(sqlx::Error::Encode)?;
            marks.push(format!("${}", n + 2));
        }
        let sql = format!(
            "SELECT person_key_hash, claims_json, signature FROM tickets \
             WHERE campaign_id = $1 AND person_key_hash IN ({})",
            marks.join(", ")
        );
        let rows = sqlx::query_with(&sql, arguments)
            .fetch_all(&mut *connection)
            .await?;
        for row in rows {
            held.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
        }
    }
    Ok(held)
}

/// Inserts `tickets` ((person, ticket) pairs) in one query: one multi-row `INSERT`, or on SQLite
/// one single-row `INSERT` per ticket (see the module's step 4).
async fn insert_tickets(
    connection: &mut sqlx::AnyConnection,
    engine: Engine,
    campaign_id: &str,
    tickets: &[(String, NewTicket)],
) -> Result<(), sqlx::Error> {
    let mut arguments = AnyArguments::default();
    let mut rows = Vec::with_capacity(tickets.len());
    for (n, (person, ticket)) in tickets.iter().enumerate() {
        for value in [
            campaign_id,
            person,
            &ticket.ticket_id,
            &ticket.claims_json,
            &ticket.signature,
        ] {
            arguments.add(value).map_err(sqlx::Error::Encode)?;
        }
        let first = n * 5 + 1;
        rows.push(format!(
            "(${first}, ${}, ${}, ${}, ${})",
            first + 1,
            first + 2,
            first + 3,
            first + 4
        ));
    }
    let insert =
        "INSERT INTO tickets (campaign_id, person_key_hash, ticket_id, claims_json, signature) \
         VALUES";
    let sql = match engine {
        Engine::Postgres => format!("{insert} {}", rows.join(", ")),
        Engine::Sqlite => rows
            .iter()
            .map(|row| format!("{insert} {row};"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    sqlx::query_with(&sql, arguments)
        .execute(&mut *connection)
        .await?;
    Ok(())
}
