-- Account protection (security issue 12): lockout after repeated failed sign-ins, and short-lived
-- sign-in tokens (`enose login`) stored only as SHA-256 digests, revocable and expiring.
ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_at TEXT;                -- set after too many failed sign-ins; an admin unlocks
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

CREATE TABLE auth_tokens (
    token_sha256 TEXT PRIMARY KEY,                          -- the token itself lives only in its owner-only file
    username TEXT NOT NULL REFERENCES users(username),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Site settings an administrator chooses (e.g. the subject-code pattern); every change is audited.
CREATE TABLE site_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL
);
