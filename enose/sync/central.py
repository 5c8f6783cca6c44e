"""The central PostgreSQL study database: its schema, created and migrated by the project.

Everything lives in the ``enose`` schema. Migrations are numbered SQL scripts
below, applied in order under an advisory lock (so two sites syncing at once
never migrate twice) and recorded in ``enose.schema_version``; a database
newer than this software is refused. Each central database has an
``instance_uuid``; local outboxes are keyed by it, so two central databases
(e.g. a test and the real one) never mix their sync state.

Rows are keyed the same way everywhere: sessions by their UUID; labels,
calibrations and scores by ``(site_uuid, local id)``; QC and features by ``(session uuid,
processing version)``. Raw samples, sessions, labels and scores are append-only
here too (triggers). Researchers get the ``enose_researcher`` role (read-only)
and the ``enose.session_overview`` view; the re-identification table never
leaves the site, so it has no counterpart here.

Example research query (all sites)::

    SELECT site_uuid, count(*) AS sessions, avg(probability) AS mean_risk
    FROM enose.session_overview WHERE status = 'complete' GROUP BY site_uuid;
"""

from __future__ import annotations

import uuid

import psycopg

__all__ = ["CENTRAL_MIGRATIONS", "CentralSchemaTooNew", "migrate", "schema_version"]

_LOCK_KEY = 0x656E6F7365  # "enose"


class CentralSchemaTooNew(RuntimeError):
    """The central database was migrated by a newer release of this software."""


_V1 = """
CREATE SCHEMA IF NOT EXISTS enose;
CREATE TABLE enose.instance (
    id int PRIMARY KEY CHECK (id = 1),
    instance_uuid uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE enose.sites (
    site_uuid uuid PRIMARY KEY,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_sync timestamptz
);
-- the newest audit-log hash of each site at each sync: a later rewrite of the site's chain shows
CREATE TABLE enose.audit_anchors (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    audit_id bigint NOT NULL,
    hash text NOT NULL,
    anchored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_uuid, audit_id)
);
CREATE TABLE enose.devices (
    serial text PRIMARY KEY,
    model text NOT NULL,
    firmware text NOT NULL,
    min_period_ms int NOT NULL,
    channels jsonb NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL
);
CREATE TABLE enose.subjects (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    code text NOT NULL,                  -- pseudonymous study code
    created_at timestamptz NOT NULL,
    site text,
    age_years int,
    sex text,
    smoking text,
    pack_years double precision,
    copd int,
    previous_cancer int,
    PRIMARY KEY (site_uuid, code)
);
CREATE TABLE enose.sessions (
    uuid uuid PRIMARY KEY,
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    local_id bigint NOT NULL,
    content_sha256 text NOT NULL,
    kind text NOT NULL,
    subject_code text,
    device_serial text REFERENCES enose.devices,
    firmware text,
    operator text NOT NULL,
    site text,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    status text NOT NULL,
    software_version text NOT NULL,
    protocol jsonb NOT NULL,
    channels jsonb NOT NULL,
    period_ms int NOT NULL,
    n_samples bigint NOT NULL,
    lost_samples bigint NOT NULL,
    interruptions int NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_uuid, subject_code) REFERENCES enose.subjects (site_uuid, code)
);
CREATE INDEX sessions_site ON enose.sessions (site_uuid, local_id);
CREATE INDEX sessions_subject ON enose.sessions (site_uuid, subject_code);
CREATE TABLE enose.sample_chunks (
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    chunk_index int NOT NULL,
    first_sample bigint NOT NULL,
    n_samples int NOT NULL,
    n_channels int NOT NULL,
    codec text NOT NULL,
    t_s bytea NOT NULL,
    device_seq bytea NOT NULL,
    device_t_ms bytea NOT NULL,
    flags bytea NOT NULL,
    "values" bytea NOT NULL,
    PRIMARY KEY (session_uuid, chunk_index)
);
CREATE TABLE enose.events (
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    seq int NOT NULL,
    t_s double precision,
    kind text NOT NULL,
    detail jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (session_uuid, seq)
);
CREATE TABLE enose.phases (
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    name text NOT NULL,
    inlet int NOT NULL,
    start_s double precision NOT NULL,
    end_s double precision NOT NULL,
    PRIMARY KEY (session_uuid, name)
);
CREATE TABLE enose.labels (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    local_id bigint NOT NULL,
    content_sha256 text NOT NULL,
    subject_code text NOT NULL,
    cancer int NOT NULL,
    histology text,
    stage text,
    diagnosis_date text,
    source text NOT NULL,
    entered_by text NOT NULL,
    entered_at timestamptz NOT NULL,
    supersedes_local_id bigint,
    PRIMARY KEY (site_uuid, local_id)
);
CREATE VIEW enose.current_labels AS
SELECT l.* FROM enose.labels l
WHERE NOT EXISTS (SELECT 1 FROM enose.labels n WHERE n.site_uuid = l.site_uuid AND n.supersedes_local_id = l.local_id)
  AND l.local_id = (SELECT max(m.local_id) FROM enose.labels m
                    WHERE m.site_uuid = l.site_uuid AND m.subject_code = l.subject_code
                      AND NOT EXISTS (SELECT 1 FROM enose.labels n2
                                      WHERE n2.site_uuid = m.site_uuid AND n2.supersedes_local_id = m.local_id));
CREATE TABLE enose.scores (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    local_id bigint NOT NULL,
    content_sha256 text NOT NULL,
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    created_at timestamptz NOT NULL,
    operator text,
    model_id text,
    model_sha256 text,
    software_version text NOT NULL,
    processing_version text NOT NULL,
    calibration_local_id bigint,
    probability double precision,
    interval_low double precision,
    interval_high double precision,
    zone text NOT NULL,
    ood int NOT NULL,
    explanation jsonb NOT NULL,
    qc_reasons jsonb NOT NULL,
    PRIMARY KEY (site_uuid, local_id)
);
CREATE INDEX scores_session ON enose.scores (session_uuid);
CREATE TABLE enose.qc_results (
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    processing_version text NOT NULL,
    content_sha256 text NOT NULL,
    passed int NOT NULL,
    reasons jsonb NOT NULL,
    computed_at timestamptz NOT NULL,
    PRIMARY KEY (session_uuid, processing_version)
);
CREATE TABLE enose.features (
    session_uuid uuid NOT NULL REFERENCES enose.sessions,
    processing_version text NOT NULL,
    content_sha256 text NOT NULL,
    names jsonb NOT NULL,
    "values" bytea NOT NULL,              -- little-endian float64, one per name
    computed_at timestamptz NOT NULL,
    PRIMARY KEY (session_uuid, processing_version)
);

CREATE FUNCTION enose.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'enose.%: rows are append-only (add a new version instead)', TG_TABLE_NAME; END $$;
CREATE TRIGGER sample_chunks_append_only BEFORE UPDATE OR DELETE ON enose.sample_chunks
    FOR EACH ROW EXECUTE FUNCTION enose.refuse_change();
CREATE TRIGGER sessions_append_only BEFORE UPDATE OR DELETE ON enose.sessions
    FOR EACH ROW EXECUTE FUNCTION enose.refuse_change();
CREATE TRIGGER labels_append_only BEFORE UPDATE OR DELETE ON enose.labels
    FOR EACH ROW EXECUTE FUNCTION enose.refuse_change();
CREATE TRIGGER scores_append_only BEFORE UPDATE OR DELETE ON enose.scores
    FOR EACH ROW EXECUTE FUNCTION enose.refuse_change();

-- one row per session for researchers: subject risk factors, the label in force, the newest score
CREATE VIEW enose.session_overview AS
SELECT s.uuid AS session_uuid, s.site_uuid, s.site, s.kind, s.status, s.started_at, s.device_serial,
       s.n_samples, s.lost_samples, s.subject_code, sub.age_years, sub.sex, sub.smoking, sub.pack_years,
       sub.copd, sub.previous_cancer, l.cancer, l.histology, l.stage,
       sc.probability, sc.zone, sc.model_id, sc.created_at AS scored_at
FROM enose.sessions s
LEFT JOIN enose.subjects sub ON sub.site_uuid = s.site_uuid AND sub.code = s.subject_code
LEFT JOIN enose.current_labels l ON l.site_uuid = s.site_uuid AND l.subject_code = s.subject_code
LEFT JOIN LATERAL (SELECT * FROM enose.scores x WHERE x.session_uuid = s.uuid
                   ORDER BY x.created_at DESC, x.local_id DESC LIMIT 1) sc ON true;

-- read-only role for researchers (needs CREATEROLE; skipped with a notice otherwise)
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'enose_researcher') THEN
        CREATE ROLE enose_researcher NOLOGIN;
    END IF;
    GRANT USAGE ON SCHEMA enose TO enose_researcher;
    GRANT SELECT ON ALL TABLES IN SCHEMA enose TO enose_researcher;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'enose_researcher role not created: grant read access to researchers by hand';
END $$;
"""

_V2 = """
-- the device calibration records a score names (scores.calibration_local_id), keyed like labels and scores
CREATE TABLE enose.calibrations (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    local_id bigint NOT NULL,
    content_sha256 text NOT NULL,
    device_serial text NOT NULL,
    kind text NOT NULL,
    session_uuid uuid REFERENCES enose.sessions,  -- the calibration recording, when there is one
    operator text NOT NULL,
    created_at timestamptz NOT NULL,
    passed int,
    channels jsonb NOT NULL,
    "values" jsonb NOT NULL,
    detail jsonb NOT NULL,
    PRIMARY KEY (site_uuid, local_id)
);
CREATE INDEX calibrations_device ON enose.calibrations (device_serial, kind, created_at);
CREATE TRIGGER calibrations_append_only BEFORE UPDATE OR DELETE ON enose.calibrations
    FOR EACH ROW EXECUTE FUNCTION enose.refuse_change();
DO $$
BEGIN
    GRANT SELECT ON enose.calibrations TO enose_researcher;
EXCEPTION WHEN undefined_object OR insufficient_privilege THEN
    RAISE NOTICE 'enose_researcher cannot be granted enose.calibrations: grant read access by hand';
END $$;
"""

#: ``(version, description, sql)``; never edit a shipped entry, append the next one.
CENTRAL_MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "sessions, samples, labels, scores, qc, features", _V1),
    (2, "device calibration records", _V2),
]


def schema_version(conn: psycopg.Connection) -> int:
    """The central schema version (0 for an empty database)."""
    exists = conn.execute("SELECT to_regclass('enose.schema_version')").fetchone()[0]
    if exists is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM enose.schema_version").fetchone()[0])


def migrate(conn: psycopg.Connection) -> str:
    """Create or bring forward the central schema; return the database's ``instance_uuid``.

    Commits. Raises :class:`CentralSchemaTooNew` if the database is ahead of this software.
    """
    newest = CENTRAL_MIGRATIONS[-1][0]
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS enose")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS enose.schema_version"
            " (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = schema_version(conn)
        if current > newest:
            raise CentralSchemaTooNew(
                f"the central database is at schema version {current}, newer than this software ({newest}); "
                "update the software before syncing"
            )
        for version, description, sql in CENTRAL_MIGRATIONS[current:]:
            conn.execute(sql)
            conn.execute("INSERT INTO enose.schema_version (version, description) VALUES (%s, %s)",
                         (version, description))  # fmt: skip
        conn.execute(
            "INSERT INTO enose.instance (id, instance_uuid) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
            (str(uuid.uuid4()),),
        )
        return str(conn.execute("SELECT instance_uuid FROM enose.instance").fetchone()[0])
