-- Who advances admission: one holder per campaign at a time, until its lease lapses.
CREATE TABLE IF NOT EXISTS admission_leases (
    campaign_id   TEXT PRIMARY KEY,
    holder        TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
