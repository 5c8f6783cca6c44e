-- calibration records, quality-gate results and the feature cache

CREATE TABLE calibrations (
    id INTEGER PRIMARY KEY,
    device_serial TEXT NOT NULL REFERENCES devices(serial),
    kind TEXT NOT NULL CHECK (kind IN ('zero', 'reference', 'self_test')),
    session_id INTEGER REFERENCES sessions(id),   -- the recording it was computed from, if any
    operator TEXT NOT NULL,
    created_at TEXT NOT NULL,
    passed INTEGER,                               -- 1 pass, 0 fail, NULL not applicable
    channels TEXT NOT NULL,                       -- JSON list of channel names, INFO order
    "values" TEXT NOT NULL,                       -- JSON per-channel values (ohm for zero, response for reference)
    detail TEXT NOT NULL DEFAULT '{}'             -- JSON: expected, tolerance, per-channel pass, failed mask...
);
CREATE INDEX calibrations_device ON calibrations(device_serial, kind, created_at);
CREATE TRIGGER calibrations_never_updated BEFORE UPDATE ON calibrations
BEGIN SELECT RAISE(ABORT, 'calibration records are never updated'); END;

CREATE TABLE qc_results (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    processing_version TEXT NOT NULL,
    passed INTEGER NOT NULL,                      -- 0 when any reason has severity 'block'
    reasons TEXT NOT NULL,                        -- JSON [{code, severity, message, detail}]
    computed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, processing_version)
);

CREATE TABLE feature_cache (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    processing_version TEXT NOT NULL,
    names TEXT NOT NULL,                          -- JSON list of feature names
    "values" BLOB NOT NULL,                       -- little-endian float64, one per name
    computed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, processing_version)
);
