-- Fairline's store on PostgreSQL: the same tables as the SQLite store after its migrations, with
-- PostgreSQL's types (every integer is a BIGINT, read as i64 exactly as on SQLite).
CREATE TABLE IF NOT EXISTS queue_meta (
    campaign_id      TEXT PRIMARY KEY,
    seed_hex         TEXT NOT NULL,
    pre_queue_size   BIGINT,
    admitted_through BIGINT NOT NULL DEFAULT 0,
    paused           BIGINT NOT NULL DEFAULT 0,
    rate_per_s       DOUBLE PRECISION,
    -- Places issued so far, counted in the join transaction (gap-free ranks).
    pre_queue_issued BIGINT NOT NULL DEFAULT 0,
    arrivals_issued  BIGINT NOT NULL DEFAULT 0
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
    issued_at_ms    BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    extensions_used BIGINT NOT NULL DEFAULT 0,
    used_at_ms      BIGINT
);
CREATE INDEX IF NOT EXISTS admissions_by_ticket ON admissions (ticket_id);
CREATE INDEX IF NOT EXISTS admissions_active ON admissions (campaign_id, expires_at_ms)
    WHERE used_at_ms IS NULL;

CREATE TABLE IF NOT EXISTS slots (
    campaign_id  TEXT NOT NULL,
    site_id      TEXT NOT NULL,
    starts_at_ms BIGINT NOT NULL,
    capacity     BIGINT NOT NULL,
    taken        BIGINT NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
    PRIMARY KEY (campaign_id, site_id, starts_at_ms)
);

CREATE TABLE IF NOT EXISTS bookings (
    reference       TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    starts_at_ms    BIGINT NOT NULL,
    ends_at_ms      BIGINT NOT NULL,
    admission_id    TEXT NOT NULL UNIQUE REFERENCES admissions (admission_id),
    person_key_hash TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookings_by_campaign ON bookings (campaign_id, status);
