-- Fairline's store: tickets, rank counters, admissions, slot capacity and bookings.
CREATE TABLE IF NOT EXISTS queue_meta (
    campaign_id      TEXT PRIMARY KEY,
    seed_hex         TEXT NOT NULL,
    pre_queue_size   INTEGER,
    admitted_through INTEGER NOT NULL DEFAULT 0,
    paused           INTEGER NOT NULL DEFAULT 0,
    rate_per_s       REAL
);

-- Rank counters are handed out in blocks: `high` is the end of the last block taken, so after a
-- crash the next block starts above every rank ever issued (gaps are fine).
CREATE TABLE IF NOT EXISTS rank_counters (
    campaign_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    high        INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, name)
);

CREATE TABLE IF NOT EXISTS tickets (
    campaign_id     TEXT NOT NULL,
    person_key_hash TEXT NOT NULL,
    ticket_id       TEXT NOT NULL UNIQUE,
    claims_json     TEXT NOT NULL,
    signature       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, person_key_hash)
);

CREATE TABLE IF NOT EXISTS admissions (
    admission_id    TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    ticket_id       TEXT NOT NULL,
    person_key_hash TEXT NOT NULL,
    issued_at_ms    INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    extensions_used INTEGER NOT NULL DEFAULT 0,
    used_at_ms      INTEGER
);
CREATE INDEX IF NOT EXISTS admissions_by_ticket ON admissions (ticket_id);

CREATE TABLE IF NOT EXISTS slots (
    campaign_id  TEXT NOT NULL,
    site_id      TEXT NOT NULL,
    starts_at_ms INTEGER NOT NULL,
    capacity     INTEGER NOT NULL,
    taken        INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
    PRIMARY KEY (campaign_id, site_id, starts_at_ms)
);

CREATE TABLE IF NOT EXISTS bookings (
    reference       TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    starts_at_ms    INTEGER NOT NULL,
    ends_at_ms      INTEGER NOT NULL,
    admission_id    TEXT NOT NULL UNIQUE REFERENCES admissions (admission_id),
    person_key_hash TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash    TEXT NOT NULL
);
