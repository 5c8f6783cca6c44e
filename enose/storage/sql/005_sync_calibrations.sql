-- Calibration records travel to the central database like labels and scores: a score names the
-- calibration in force (scores.calibration_id), so the central copy needs that record to be traceable.
-- SQLite cannot change a CHECK constraint in place: the outbox is rebuilt with 'calibration' allowed.
CREATE TABLE sync_outbox_new (
    target TEXT NOT NULL,
    object_type TEXT NOT NULL CHECK (object_type IN ('session', 'label', 'score', 'qc', 'features', 'calibration')),
    object_key TEXT NOT NULL,                     -- session uuid, local label/score/calibration id, or uuid/version
    content_sha256 TEXT,                          -- of what was (last) sent; NULL until the first attempt
    status TEXT NOT NULL CHECK (status IN ('pending', 'synced', 'failed')),
    reason TEXT,                                  -- why it failed, for the user
    attempts INTEGER NOT NULL DEFAULT 0,
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (target, object_type, object_key)
);
INSERT INTO sync_outbox_new SELECT target, object_type, object_key, content_sha256, status, reason, attempts,
    queued_at, updated_at FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_new RENAME TO sync_outbox;
CREATE INDEX sync_outbox_status ON sync_outbox(target, status, object_type);
