-- local accounts, hash-chained audit trail, re-identification keys, site identity, sync outbox

-- Staff accounts: argon2 hashes only, never a password.
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'technician', 'researcher')),
    password_hash TEXT NOT NULL,                  -- argon2id, with its own salt and parameters
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

-- Append-only audit trail. Each row's hash is SHA-256 over the previous row's hash and the
-- canonical JSON of the row (enose.security.audit); AUTOINCREMENT keeps ids strictly increasing
-- and remembered in sqlite_sequence, so a deleted last row is noticed too.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}',            -- canonical JSON; never a patient identifier
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The hospital's patient number behind a pseudonymous code. Stays on the site: never synced,
-- never exported, readable only through enose.security.pseudonyms with the REIDENTIFY permission.
CREATE TABLE reidentification (
    subject_code TEXT PRIMARY KEY REFERENCES subjects(code),
    hospital_number TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- This installation's identity in the central database (one row, created on first sync or bundle).
CREATE TABLE site_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    site_uuid TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Outbox: what has to go to each central database (target = its instance uuid) and how it went.
CREATE TABLE sync_outbox (
    target TEXT NOT NULL,
    object_type TEXT NOT NULL CHECK (object_type IN ('session', 'label', 'score', 'qc', 'features')),
    object_key TEXT NOT NULL,                     -- session uuid, local label/score id, or uuid/processing version
    content_sha256 TEXT,                          -- of what was (last) sent; NULL until the first attempt
    status TEXT NOT NULL CHECK (status IN ('pending', 'synced', 'failed')),
    reason TEXT,                                  -- why it failed, for the user
    attempts INTEGER NOT NULL DEFAULT 0,
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (target, object_type, object_key)
);
CREATE INDEX sync_outbox_status ON sync_outbox(target, status, object_type);
