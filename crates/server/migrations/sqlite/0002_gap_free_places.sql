-- Places are now numbered gap-free inside the join transaction: the counters move into the
-- campaign's queue_meta row (the row every join locks), counting the places issued so far. The
-- old block counters' high marks carry over, so no number already handed out is issued again.
ALTER TABLE queue_meta ADD COLUMN pre_queue_issued INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_meta ADD COLUMN arrivals_issued INTEGER NOT NULL DEFAULT 0;
UPDATE queue_meta SET
    pre_queue_issued = COALESCE((SELECT high FROM rank_counters r
        WHERE r.campaign_id = queue_meta.campaign_id AND r.name = 'pre_queue'), 0),
    arrivals_issued = COALESCE((SELECT high FROM rank_counters r
        WHERE r.campaign_id = queue_meta.campaign_id AND r.name = 'arrivals'), 0);
DROP TABLE rank_counters;
