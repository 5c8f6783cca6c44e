"""The central PostgreSQL study database: its schema, its roles and who may do what in it.

Everything lives in the ``enose`` schema. Migrations are numbered SQL scripts
below, applied in order under an advisory lock and recorded in
``enose.schema_version``. Only an administrator migrates, with
``enose central migrate`` under the *owner* role (:func:`migrate`); a sync or an
audit check never creates or changes the schema (:func:`require_current`), so
the roles sites log in with need no CREATE right and own nothing. A database
newer than this software is refused. Each central database has an
``instance_uuid``; local outboxes are keyed by it, so two central databases
(e.g. a test and the real one) never mix their sync state.

Rows are keyed the same way everywhere: sessions by their UUID; labels,
calibrations and scores by ``(site_uuid, local id)``; QC and features by
``(session uuid, processing version, content hash)``. Nothing a site sends is
ever changed or deleted centrally: the site roles hold INSERT and SELECT only
(and row-level security limits both to the site's own rows), and triggers
refuse UPDATE, DELETE and TRUNCATE even to the owner, short of dropping them.
The re-identification table never leaves the site, so it has no counterpart here.

Roles (NOLOGIN groups, created by the first migration to v3; cluster-wide):

* ``enose_site``: each site logs in with its own role, a member of this group,
  enrolled in ``enose.site_registry`` (``enose central enrol-site``). It may
  INSERT rows of its own site and SELECT its own rows back, nothing else.
* ``enose_importer``: loads signed bundles for any *enrolled* site.
* ``enose_researcher``: SELECT on the ``enose.research_*`` views and
  ``enose.session_overview`` only: staff names appear there as keyed pseudonyms
  (``staff-`` + 12 hex digits, keyed by this database's secret ``pseudonym_key``),
  and since v4 subjects as study-level pseudonyms (``subj-`` + 12 hex digits of
  HMAC-SHA-256(``pseudonym_key``, site UUID bytes || site's code): stable across
  sites and syncs, never the site's own code). :mod:`enose.research.central` reads them.

The browser's state (v4): ``enose.session_browse`` holds one row per session with
what the researcher's filters need (site, device, kind, status, start, the newest
QC verdict, the newest score's zone, the label in force), kept by the owner's
triggers on every insert into sessions, QC results, scores and labels, and indexed
for each filter with the key-set paging order (``started_at``, ``browse_id``).
Since v5 a score carries ``no_zone``, the codes of the reasons its probability got
no zone (``[]`` when it got one), and the browser's zone is then ``no_zone``.

Privileges, v3 (and why each is needed):

=====================  ==============================================  =========================================
role                   table                                           privileges
=====================  ==============================================  =========================================
enose_site             sessions, sample_chunks, events, phases,        INSERT (own site, RLS WITH CHECK);
                       labels, scores, calibrations, qc_results,       SELECT (own rows, RLS) for idempotency:
                       features, audit_anchors, sites                  "is it there already, with which hash?"
enose_site             subjects                                        SELECT own rows (to send only changes)
enose_site             subject_updates, device_reports                 INSERT own site; an owner trigger applies
                                                                       them to subjects / devices (no UPDATE)
enose_site             site_registry                                   SELECT its own row (its identity, key)
enose_site             schema_version, instance                        SELECT
enose_importer         as enose_site, for every enrolled site;         + SELECT site_registry, SELECT and
                       no UPDATE, DELETE, TRUNCATE                     INSERT bundle_imports
enose_researcher       research_* views, session_overview              SELECT (no table, no staff name, no site's
                                                                       subject code: study pseudonyms, v4)
owner                  everything (owns schema, tables, views)         only ``enose central`` uses it
=====================  ==============================================  =========================================

Example research query (all sites)::

    SELECT site_uuid, count(*) AS sessions, avg(probability) AS mean_risk
    FROM enose.session_overview WHERE status = 'complete' GROUP BY site_uuid;
"""

from __future__ import annotations

import uuid

import psycopg

__all__ = [
    "CENTRAL_MIGRATIONS",
    "CURRENT_VERSION",
    "CentralNotOwner",
    "CentralSchemaMissing",
    "CentralSchemaTooNew",
    "migrate",
    "require_current",
    "schema_version",
]

_LOCK_KEY = 0x656E6F7365  # "enose"


class CentralSchemaTooNew(RuntimeError):
    """The central database was migrated by a newer release of this software."""


class CentralSchemaMissing(RuntimeError):
    """The central database has no enose schema, or an older one: an administrator must migrate it."""


class CentralNotOwner(RuntimeError):
    """The connected role may not migrate: it is not the schema's owner, or it is a site or researcher role."""


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

# v3: least privilege. Roles and grants, the site registry, row-level security by site, and the
# restructuring that lets a site write with INSERT alone (subjects and devices through append-only
# update tables, QC and features as new versions, sites.last_sync kept by a trigger on anchors).
_V3 = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'enose_site') THEN CREATE ROLE enose_site NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'enose_importer') THEN
        CREATE ROLE enose_importer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'enose_researcher') THEN
        CREATE ROLE enose_researcher NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role % may not create roles: give the owner role CREATEROLE, or have a database administrator '
                    'create the NOLOGIN roles enose_site, enose_importer and enose_researcher first', current_user;
END $$;

CREATE TABLE enose.site_registry (
  site_uuid uuid PRIMARY KEY, site_code text, db_role text UNIQUE,
  public_key bytea NOT NULL CHECK (length(public_key) = 32),
  enrolled_by text NOT NULL, enrolled_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz);
CREATE TABLE enose.bundle_imports (
  site_uuid uuid NOT NULL REFERENCES enose.site_registry, sequence bigint NOT NULL,
  bundle_sha256 text NOT NULL, imported_at timestamptz NOT NULL DEFAULT now(), imported_by text NOT NULL,
  PRIMARY KEY (site_uuid, sequence));

-- the site the connected role is enrolled for (NULL: not a site role, or revoked); used by every policy
CREATE FUNCTION enose.current_site() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT r.site_uuid FROM enose.site_registry r WHERE r.db_role = current_user AND r.revoked_at IS NULL
$$;

-- subjects: a site sends a new version of a subject's risk factors; the owner's trigger applies it
CREATE TABLE enose.subject_updates (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    code text NOT NULL,
    created_at timestamptz NOT NULL,
    site text,
    age_years int,
    sex text,
    smoking text,
    pack_years double precision,
    copd int,
    previous_cancer int,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION enose.apply_subject_update() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO enose.subjects (site_uuid, code, created_at, site, age_years, sex, smoking, pack_years, copd,
                                previous_cancer)
    VALUES (NEW.site_uuid, NEW.code, NEW.created_at, NEW.site, NEW.age_years, NEW.sex, NEW.smoking, NEW.pack_years,
            NEW.copd, NEW.previous_cancer)
    ON CONFLICT (site_uuid, code) DO UPDATE SET site = excluded.site, age_years = excluded.age_years,
        sex = excluded.sex, smoking = excluded.smoking, pack_years = excluded.pack_years, copd = excluded.copd,
        previous_cancer = excluded.previous_cancer;
    RETURN NULL;
END $$;
CREATE TRIGGER subject_updates_apply AFTER INSERT ON enose.subject_updates
    FOR EACH ROW EXECUTE FUNCTION enose.apply_subject_update();

-- devices: what a site saw of a device; merged into enose.devices by the owner's trigger
CREATE TABLE enose.device_reports (
    site_uuid uuid NOT NULL REFERENCES enose.sites,
    serial text NOT NULL,
    model text NOT NULL,
    firmware text NOT NULL,
    min_period_ms int NOT NULL,
    channels jsonb NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_uuid, serial, last_seen)
);
CREATE FUNCTION enose.apply_device_report() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO enose.devices AS d (serial, model, firmware, min_period_ms, channels, first_seen, last_seen)
    VALUES (NEW.serial, NEW.model, NEW.firmware, NEW.min_period_ms, NEW.channels, NEW.first_seen, NEW.last_seen)
    ON CONFLICT (serial) DO UPDATE SET
        model = CASE WHEN excluded.last_seen > d.last_seen THEN excluded.model ELSE d.model END,
        firmware = CASE WHEN excluded.last_seen > d.last_seen THEN excluded.firmware ELSE d.firmware END,
        first_seen = least(d.first_seen, excluded.first_seen),
        last_seen = greatest(d.last_seen, excluded.last_seen);
    RETURN NULL;
END $$;
CREATE TRIGGER device_reports_apply AFTER INSERT ON enose.device_reports
    FOR EACH ROW EXECUTE FUNCTION enose.apply_device_report();

-- audit anchors: the local time of the anchored entry, and the site key's Ed25519 signature (NULL: no key yet)
ALTER TABLE enose.audit_anchors ADD COLUMN entry_at text,
    ADD COLUMN signature bytea CHECK (signature IS NULL OR length(signature) = 64);
-- sites.last_sync: a site cannot UPDATE, so each anchor (one per sync) sets it through the owner's trigger
CREATE FUNCTION enose.note_sync() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE enose.sites SET last_sync = now() WHERE site_uuid = NEW.site_uuid;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_anchors_note_sync AFTER INSERT ON enose.audit_anchors
    FOR EACH ROW EXECUTE FUNCTION enose.note_sync();

-- QC and features: a recomputation is a new version (keyed by its content hash), never an update in place
ALTER TABLE enose.qc_results DROP CONSTRAINT qc_results_pkey,
    ADD PRIMARY KEY (session_uuid, processing_version, content_sha256),
    ADD COLUMN uploaded_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE enose.features DROP CONSTRAINT features_pkey,
    ADD PRIMARY KEY (session_uuid, processing_version, content_sha256),
    ADD COLUMN uploaded_at timestamptz NOT NULL DEFAULT now();
CREATE VIEW enose.current_qc_results AS
SELECT DISTINCT ON (session_uuid, processing_version) * FROM enose.qc_results
ORDER BY session_uuid, processing_version, computed_at DESC, uploaded_at DESC;
CREATE VIEW enose.current_features AS
SELECT DISTINCT ON (session_uuid, processing_version) * FROM enose.features
ORDER BY session_uuid, processing_version, computed_at DESC, uploaded_at DESC;

-- append-only everywhere, TRUNCATE included (privileges are the real guard; these also stop the owner's mistakes)
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['events', 'phases', 'qc_results', 'features', 'audit_anchors', 'subject_updates',
                             'device_reports', 'bundle_imports'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON enose.%I '
                       'FOR EACH ROW EXECUTE FUNCTION enose.refuse_change()', t || '_append_only', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['sessions', 'sample_chunks', 'events', 'phases', 'labels', 'scores', 'calibrations',
                             'qc_results', 'features', 'audit_anchors', 'subject_updates', 'device_reports',
                             'bundle_imports', 'subjects', 'sites', 'devices', 'site_registry'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON enose.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION enose.refuse_change()', t || '_never_truncated', t);
    END LOOP;
END $$;

-- row-level security: a site role sees and adds only its own site's rows; the importer adds rows of enrolled sites
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sites', 'subjects', 'subject_updates', 'device_reports', 'sessions', 'labels',
                             'audit_anchors'] LOOP
        EXECUTE format('ALTER TABLE enose.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_site ON enose.%I TO enose_site USING (site_uuid = (SELECT enose.current_site()))'
                       ' WITH CHECK (site_uuid = (SELECT enose.current_site()))', t);
    END LOOP;
    -- a score or calibration may name a session only of its own site
    FOREACH t IN ARRAY ARRAY['scores', 'calibrations'] LOOP
        EXECUTE format('ALTER TABLE enose.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_site ON enose.%I TO enose_site USING (site_uuid = (SELECT enose.current_site()))'
                       ' WITH CHECK (site_uuid = (SELECT enose.current_site()) AND (session_uuid IS NULL OR EXISTS ('
                       'SELECT 1 FROM enose.sessions s WHERE s.uuid = session_uuid'
                       ' AND s.site_uuid = (SELECT enose.current_site()))))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['sample_chunks', 'events', 'phases', 'qc_results', 'features'] LOOP
        EXECUTE format('ALTER TABLE enose.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_site ON enose.%I TO enose_site USING (EXISTS (SELECT 1 FROM enose.sessions s'
                       ' WHERE s.uuid = session_uuid AND s.site_uuid = (SELECT enose.current_site())))'
                       ' WITH CHECK (EXISTS (SELECT 1 FROM enose.sessions s WHERE s.uuid = session_uuid'
                       ' AND s.site_uuid = (SELECT enose.current_site())))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['sites', 'subjects', 'subject_updates', 'device_reports', 'sessions', 'labels',
                             'audit_anchors', 'scores', 'calibrations'] LOOP
        EXECUTE format('CREATE POLICY enrolled_sites ON enose.%I TO enose_importer USING (true) WITH CHECK ('
                       'site_uuid IN (SELECT r.site_uuid FROM enose.site_registry r WHERE r.revoked_at IS NULL))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['sample_chunks', 'events', 'phases', 'qc_results', 'features'] LOOP
        EXECUTE format('CREATE POLICY enrolled_sites ON enose.%I TO enose_importer USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;
ALTER TABLE enose.site_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON enose.site_registry FOR SELECT TO enose_site USING (db_role = current_user);
CREATE POLICY all_rows ON enose.site_registry FOR SELECT TO enose_importer USING (true);

-- research views: every table a researcher needs, staff names replaced by a keyed pseudonym
CREATE TABLE enose.pseudonym_key (id int PRIMARY KEY CHECK (id = 1), key bytea NOT NULL);
INSERT INTO enose.pseudonym_key VALUES (1, uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
CREATE FUNCTION enose.staff_pseudonym(key bytea, name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN name IS NULL THEN NULL
                ELSE 'staff-' || left(encode(sha256(key || convert_to(name, 'UTF8')), 'hex'), 12) END
$$;
CREATE VIEW enose.research_sites AS
SELECT s.site_uuid, r.site_code, s.first_seen, s.last_sync FROM enose.sites s
LEFT JOIN enose.site_registry r ON r.site_uuid = s.site_uuid;
CREATE VIEW enose.research_subjects AS SELECT * FROM enose.subjects;
CREATE VIEW enose.research_devices AS SELECT * FROM enose.devices;
CREATE VIEW enose.research_sessions AS
SELECT s.uuid, s.site_uuid, s.local_id, s.content_sha256, s.kind, s.subject_code, s.device_serial, s.firmware,
       enose.staff_pseudonym(k.key, s.operator) AS operator_pseudonym, s.site, s.started_at, s.ended_at, s.status,
       s.software_version, s.protocol, s.channels, s.period_ms, s.n_samples, s.lost_samples, s.interruptions,
       s.uploaded_at
FROM enose.sessions s CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_sample_chunks AS SELECT * FROM enose.sample_chunks;
CREATE VIEW enose.research_events AS SELECT * FROM enose.events;
CREATE VIEW enose.research_phases AS SELECT * FROM enose.phases;
CREATE VIEW enose.research_labels AS
SELECT l.site_uuid, l.local_id, l.content_sha256, l.subject_code, l.cancer, l.histology, l.stage, l.diagnosis_date,
       l.source, enose.staff_pseudonym(k.key, l.entered_by) AS entered_by_pseudonym, l.entered_at,
       l.supersedes_local_id
FROM enose.labels l CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_current_labels AS
SELECT l.site_uuid, l.local_id, l.content_sha256, l.subject_code, l.cancer, l.histology, l.stage, l.diagnosis_date,
       l.source, enose.staff_pseudonym(k.key, l.entered_by) AS entered_by_pseudonym, l.entered_at,
       l.supersedes_local_id
FROM enose.current_labels l CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_scores AS
SELECT s.site_uuid, s.local_id, s.content_sha256, s.session_uuid, s.created_at,
       enose.staff_pseudonym(k.key, s.operator) AS operator_pseudonym, s.model_id, s.model_sha256, s.software_version,
       s.processing_version, s.calibration_local_id, s.probability, s.interval_low, s.interval_high, s.zone, s.ood,
       s.explanation, s.qc_reasons
FROM enose.scores s CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_calibrations AS
SELECT c.site_uuid, c.local_id, c.content_sha256, c.device_serial, c.kind, c.session_uuid,
       enose.staff_pseudonym(k.key, c.operator) AS operator_pseudonym, c.created_at, c.passed, c.channels, c."values",
       c.detail
FROM enose.calibrations c CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_qc_results AS SELECT * FROM enose.current_qc_results;
CREATE VIEW enose.research_features AS SELECT * FROM enose.current_features;

-- privileges: nothing by default, then exactly what each role needs (see the module documentation)
REVOKE ALL ON SCHEMA enose FROM PUBLIC;
GRANT USAGE ON SCHEMA enose TO enose_site, enose_importer, enose_researcher;
REVOKE ALL ON ALL TABLES IN SCHEMA enose FROM PUBLIC, enose_site, enose_importer, enose_researcher;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA enose FROM PUBLIC, enose_site, enose_importer, enose_researcher;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA enose FROM PUBLIC;
GRANT SELECT ON enose.schema_version, enose.instance TO enose_site, enose_importer, enose_researcher;
GRANT SELECT ON enose.site_registry TO enose_site, enose_importer;
GRANT EXECUTE ON FUNCTION enose.current_site() TO enose_site, enose_importer;
GRANT SELECT, INSERT ON enose.sites, enose.sessions, enose.sample_chunks, enose.events, enose.phases, enose.labels,
    enose.scores, enose.calibrations, enose.qc_results, enose.features, enose.audit_anchors
    TO enose_site, enose_importer;
GRANT SELECT ON enose.subjects TO enose_site, enose_importer;
GRANT INSERT ON enose.subject_updates, enose.device_reports TO enose_site, enose_importer;
GRANT SELECT, INSERT ON enose.bundle_imports TO enose_importer;
GRANT EXECUTE ON FUNCTION enose.staff_pseudonym(bytea, text) TO enose_researcher;
GRANT SELECT ON enose.session_overview, enose.research_sites, enose.research_subjects, enose.research_devices,
    enose.research_sessions, enose.research_sample_chunks, enose.research_events, enose.research_phases,
    enose.research_labels, enose.research_current_labels, enose.research_scores, enose.research_calibrations,
    enose.research_qc_results, enose.research_features TO enose_researcher;
"""

# v4: the centre as a research workspace (issue 16). Study-level subject pseudonyms in every research view (a
# researcher reads no site's own subject code any more), the browser's per-session state kept up to date by triggers
# (newest QC verdict, newest zone, label in force), the indexes its filters and key-set paging use, and each site's
# audit anchors for the provenance of a model trained on pooled data.
_SUBJECT = ("enose.subject_pseudonym((SELECT enose.hmac_pad(k.key, 54) FROM enose.pseudonym_key k), "
            "(SELECT enose.hmac_pad(k.key, 92) FROM enose.pseudonym_key k), {site}, {code})")
_V4 = """
-- HMAC-SHA-256 (RFC 2104) with the database's pseudonym_key, in SQL (sha256() is built in; pgcrypto is not needed):
-- a subject's study pseudonym is 'subj-' + the first 12 hex digits of HMAC(key, uuid bytes of the site || code).
-- The pads are computed once per query (an uncorrelated sub-select), the pseudonym per row (two sha256 calls).
CREATE FUNCTION enose.hmac_pad(key bytea, pad int) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT decode(string_agg(lpad(to_hex(CASE WHEN i < length(k) THEN get_byte(k, i) ELSE 0 END # pad), 2, '0'),
                             '' ORDER BY i), 'hex')
    FROM (SELECT CASE WHEN length(key) > 64 THEN sha256(key) ELSE key END AS k) block_key, generate_series(0, 63) i
$$;
-- STABLE, not IMMUTABLE: convert_to is STABLE, and a SQL function is inlined only when it claims no more than its body
CREATE FUNCTION enose.subject_pseudonym(inner_pad bytea, outer_pad bytea, site uuid, code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT 'subj-' || left(encode(sha256(outer_pad || sha256(inner_pad || uuid_send(site)
                                                             || convert_to(code, 'UTF8'))), 'hex'), 12)
$$;
REVOKE ALL ON FUNCTION enose.hmac_pad(bytea, int), enose.subject_pseudonym(bytea, bytea, uuid, text) FROM PUBLIC;

-- what the current-label rule, the QC and feature versions and the browser look up
CREATE INDEX labels_subject ON enose.labels (site_uuid, subject_code, local_id);
CREATE INDEX labels_supersedes ON enose.labels (site_uuid, supersedes_local_id) WHERE supersedes_local_id IS NOT NULL;
CREATE INDEX qc_results_current ON enose.qc_results (session_uuid, processing_version, computed_at DESC,
                                                     uploaded_at DESC);
CREATE INDEX features_current ON enose.features (session_uuid, processing_version, computed_at DESC, uploaded_at DESC);

-- one row per session for the browser, kept by the owner's triggers: the session's filter columns, the newest QC
-- verdict (by computed_at, as the site's browser), the newest score's zone (by local id) and the label in force for
-- its subject. browse_id: the centre's own session number (order of arrival), the tie-breaker of key-set paging.
CREATE TABLE enose.session_browse (
    browse_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    session_uuid uuid PRIMARY KEY REFERENCES enose.sessions,
    site_uuid uuid NOT NULL,
    subject_code text,
    device_serial text,
    kind text NOT NULL,
    status text NOT NULL,
    started_at timestamptz NOT NULL,
    qc_passed int,
    qc_computed_at timestamptz,
    zone text,
    zone_local_id bigint,
    cancer int,
    label_local_id bigint
);
CREATE INDEX session_browse_page ON enose.session_browse (started_at, browse_id);
CREATE INDEX session_browse_site ON enose.session_browse (site_uuid, started_at, browse_id);
CREATE INDEX session_browse_device ON enose.session_browse (device_serial, started_at, browse_id);
CREATE INDEX session_browse_kind ON enose.session_browse (kind, started_at, browse_id);
CREATE INDEX session_browse_qc ON enose.session_browse (qc_passed, started_at, browse_id);
CREATE INDEX session_browse_zone ON enose.session_browse (zone, started_at, browse_id);
CREATE INDEX session_browse_label ON enose.session_browse (cancer, started_at, browse_id);
CREATE INDEX session_browse_subject ON enose.session_browse (site_uuid, subject_code);

-- the label in force for a subject: not superseded, and the newest of those (the site's current_labels rule)
CREATE FUNCTION enose.label_in_force(site uuid, code text, OUT cancer int, OUT local_id bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT l.cancer, l.local_id FROM enose.labels l
    WHERE l.site_uuid = site AND l.subject_code = code
      AND NOT EXISTS (SELECT 1 FROM enose.labels n WHERE n.site_uuid = l.site_uuid AND n.supersedes_local_id = l.local_id)
    ORDER BY l.local_id DESC LIMIT 1
$$;
CREATE FUNCTION enose.browse_session_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE found record;
BEGIN
    SELECT * INTO found FROM enose.label_in_force(NEW.site_uuid, NEW.subject_code);
    INSERT INTO enose.session_browse (session_uuid, site_uuid, subject_code, device_serial, kind, status, started_at,
                                      cancer, label_local_id)
    VALUES (NEW.uuid, NEW.site_uuid, NEW.subject_code, NEW.device_serial, NEW.kind, NEW.status, NEW.started_at,
            found.cancer, found.local_id);
    RETURN NULL;
END $$;
CREATE FUNCTION enose.browse_qc_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE enose.session_browse SET qc_passed = NEW.passed, qc_computed_at = NEW.computed_at
    WHERE session_uuid = NEW.session_uuid AND (qc_computed_at IS NULL OR qc_computed_at <= NEW.computed_at);
    RETURN NULL;
END $$;
CREATE FUNCTION enose.browse_score_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE enose.session_browse SET zone = NEW.zone, zone_local_id = NEW.local_id
    WHERE session_uuid = NEW.session_uuid AND (zone_local_id IS NULL OR zone_local_id < NEW.local_id);
    RETURN NULL;
END $$;
CREATE FUNCTION enose.browse_label_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE code text;
BEGIN
    -- the subject of the new label, and of the label it corrects (the same subject, unless a correction moved it)
    FOR code IN SELECT NEW.subject_code UNION SELECT l.subject_code FROM enose.labels l
                WHERE l.site_uuid = NEW.site_uuid AND l.local_id = NEW.supersedes_local_id LOOP
        UPDATE enose.session_browse b SET (cancer, label_local_id) = (SELECT f.cancer, f.local_id
                                                                      FROM enose.label_in_force(NEW.site_uuid, code) f)
        WHERE b.site_uuid = NEW.site_uuid AND b.subject_code = code;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_browse AFTER INSERT ON enose.sessions FOR EACH ROW EXECUTE FUNCTION enose.browse_session_added();
CREATE TRIGGER qc_results_browse AFTER INSERT ON enose.qc_results FOR EACH ROW EXECUTE FUNCTION enose.browse_qc_added();
CREATE TRIGGER scores_browse AFTER INSERT ON enose.scores FOR EACH ROW EXECUTE FUNCTION enose.browse_score_added();
CREATE TRIGGER labels_browse AFTER INSERT ON enose.labels FOR EACH ROW EXECUTE FUNCTION enose.browse_label_added();
REVOKE ALL ON FUNCTION enose.label_in_force(uuid, text), enose.browse_session_added(), enose.browse_qc_added(),
    enose.browse_score_added(), enose.browse_label_added() FROM PUBLIC;

-- the sessions already there, in order of arrival
INSERT INTO enose.session_browse (session_uuid, site_uuid, subject_code, device_serial, kind, status, started_at,
                                  qc_passed, qc_computed_at, zone, zone_local_id, cancer, label_local_id)
SELECT s.uuid, s.site_uuid, s.subject_code, s.device_serial, s.kind, s.status, s.started_at, q.passed, q.computed_at,
       sc.zone, sc.local_id, l.cancer, l.local_id
FROM enose.sessions s
LEFT JOIN LATERAL (SELECT x.passed, x.computed_at FROM enose.qc_results x WHERE x.session_uuid = s.uuid
                   ORDER BY x.computed_at DESC, x.uploaded_at DESC LIMIT 1) q ON true
LEFT JOIN LATERAL (SELECT x.zone, x.local_id FROM enose.scores x WHERE x.session_uuid = s.uuid
                   ORDER BY x.local_id DESC LIMIT 1) sc ON true
LEFT JOIN LATERAL enose.label_in_force(s.site_uuid, s.subject_code) l ON true
ORDER BY s.uploaded_at, s.started_at, s.uuid;

-- research views: the subject code gives way to the study pseudonym everywhere (same columns otherwise)
DROP VIEW enose.session_overview, enose.research_subjects, enose.research_sessions, enose.research_labels,
    enose.research_current_labels;
CREATE VIEW enose.research_subjects AS
SELECT s.site_uuid, {subject_of_subjects} AS subject_pseudonym, s.created_at, s.site, s.age_years, s.sex, s.smoking,
       s.pack_years, s.copd, s.previous_cancer
FROM enose.subjects s;
CREATE VIEW enose.research_sessions AS
SELECT s.uuid, s.site_uuid, s.local_id, s.content_sha256, s.kind, {subject_of_sessions} AS subject_pseudonym,
       s.device_serial, s.firmware, enose.staff_pseudonym(k.key, s.operator) AS operator_pseudonym, s.site,
       s.started_at, s.ended_at, s.status, s.software_version, s.protocol, s.channels, s.period_ms, s.n_samples,
       s.lost_samples, s.interruptions, s.uploaded_at
FROM enose.sessions s CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_labels AS
SELECT l.site_uuid, l.local_id, l.content_sha256, {subject_of_labels} AS subject_pseudonym, l.cancer, l.histology,
       l.stage, l.diagnosis_date, l.source, enose.staff_pseudonym(k.key, l.entered_by) AS entered_by_pseudonym,
       l.entered_at, l.supersedes_local_id
FROM enose.labels l CROSS JOIN enose.pseudonym_key k;
CREATE VIEW enose.research_current_labels AS
SELECT l.site_uuid, l.local_id, l.content_sha256, {subject_of_labels} AS subject_pseudonym, l.cancer, l.histology,
       l.stage, l.diagnosis_date, l.source, enose.staff_pseudonym(k.key, l.entered_by) AS entered_by_pseudonym,
       l.entered_at, l.supersedes_local_id
FROM enose.current_labels l CROSS JOIN enose.pseudonym_key k;
-- one row per session: subject risk factors, the label in force, the newest score (as kept for the browser)
CREATE VIEW enose.session_overview AS
SELECT s.uuid AS session_uuid, s.site_uuid, s.site, s.kind, s.status, s.started_at, s.device_serial,
       s.n_samples, s.lost_samples, {subject_of_sessions} AS subject_pseudonym, sub.age_years, sub.sex, sub.smoking,
       sub.pack_years, sub.copd, sub.previous_cancer, l.cancer, l.histology, l.stage,
       sc.probability, sc.zone, sc.model_id, sc.created_at AS scored_at
FROM enose.sessions s
JOIN enose.session_browse b ON b.session_uuid = s.uuid
LEFT JOIN enose.subjects sub ON sub.site_uuid = s.site_uuid AND sub.code = s.subject_code
LEFT JOIN enose.labels l ON l.site_uuid = b.site_uuid AND l.local_id = b.label_local_id
LEFT JOIN enose.scores sc ON sc.site_uuid = b.site_uuid AND sc.local_id = b.zone_local_id;
-- the browser's rows: what it filters and shows, and the subject's risk factors (for the feature table)
CREATE VIEW enose.research_browse AS
SELECT b.browse_id, b.session_uuid, b.site_uuid, coalesce(r.site_code, b.site_uuid::text) AS site_code,
       {subject_of_browse} AS subject_pseudonym, b.device_serial, b.kind, b.status, b.started_at,
       b.qc_passed, b.zone, b.cancer, b.label_local_id, sub.age_years, sub.sex, sub.smoking, sub.pack_years, sub.copd,
       sub.previous_cancer
FROM enose.session_browse b
LEFT JOIN enose.site_registry r ON r.site_uuid = b.site_uuid
LEFT JOIN enose.subjects sub ON sub.site_uuid = b.site_uuid AND sub.code = b.subject_code;
-- each site's audit-chain anchors (one per sync): what a model card names as the state of the data it saw
CREATE VIEW enose.research_audit_anchors AS
SELECT a.site_uuid, a.audit_id, a.hash, a.entry_at, a.anchored_at, a.signature IS NOT NULL AS signed
FROM enose.audit_anchors a;

GRANT EXECUTE ON FUNCTION enose.hmac_pad(bytea, int), enose.subject_pseudonym(bytea, bytea, uuid, text)
    TO enose_researcher;
GRANT SELECT ON enose.session_overview, enose.research_subjects, enose.research_sessions, enose.research_labels,
    enose.research_current_labels, enose.research_browse, enose.research_audit_anchors TO enose_researcher;
""".format(
    subject_of_subjects=_SUBJECT.format(site="s.site_uuid", code="s.code"),
    subject_of_sessions=_SUBJECT.format(site="s.site_uuid", code="s.subject_code"),
    subject_of_labels=_SUBJECT.format(site="l.site_uuid", code="l.subject_code"),
    subject_of_browse=_SUBJECT.format(site="b.site_uuid", code="b.subject_code"),
)

# v5: why a score got no zone (the site's scores.no_zone, local schema 007). A probability kept for the record only is
# stored with the zone 'inconclusive', like a sample unlike the training data; the reason codes tell them apart, and the
# browser shows 'no_zone' for such a newest score, as the site's browser does. Every score already here had a zone.
_V5 = """
ALTER TABLE enose.scores ADD COLUMN no_zone jsonb NOT NULL DEFAULT '[]';
CREATE OR REPLACE FUNCTION enose.browse_score_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE enose.session_browse
    SET zone = CASE WHEN NEW.no_zone <> '[]'::jsonb THEN 'no_zone' ELSE NEW.zone END, zone_local_id = NEW.local_id
    WHERE session_uuid = NEW.session_uuid AND (zone_local_id IS NULL OR zone_local_id < NEW.local_id);
    RETURN NULL;
END $$;
CREATE OR REPLACE VIEW enose.research_scores AS
SELECT s.site_uuid, s.local_id, s.content_sha256, s.session_uuid, s.created_at,
       enose.staff_pseudonym(k.key, s.operator) AS operator_pseudonym, s.model_id, s.model_sha256, s.software_version,
       s.processing_version, s.calibration_local_id, s.probability, s.interval_low, s.interval_high, s.zone, s.ood,
       s.explanation, s.qc_reasons, s.no_zone
FROM enose.scores s CROSS JOIN enose.pseudonym_key k;
CREATE OR REPLACE VIEW enose.session_overview AS
SELECT s.uuid AS session_uuid, s.site_uuid, s.site, s.kind, s.status, s.started_at, s.device_serial,
       s.n_samples, s.lost_samples, {subject_of_sessions} AS subject_pseudonym, sub.age_years, sub.sex, sub.smoking,
       sub.pack_years, sub.copd, sub.previous_cancer, l.cancer, l.histology, l.stage,
       sc.probability, sc.zone, sc.model_id, sc.created_at AS scored_at, sc.no_zone
FROM enose.sessions s
JOIN enose.session_browse b ON b.session_uuid = s.uuid
LEFT JOIN enose.subjects sub ON sub.site_uuid = s.site_uuid AND sub.code = s.subject_code
LEFT JOIN enose.labels l ON l.site_uuid = b.site_uuid AND l.local_id = b.label_local_id
LEFT JOIN enose.scores sc ON sc.site_uuid = b.site_uuid AND sc.local_id = b.zone_local_id;
""".format(subject_of_sessions=_SUBJECT.format(site="s.site_uuid", code="s.subject_code"))

#: ``(version, description, sql)``; never edit a shipped entry, append the next one.
CENTRAL_MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "sessions, samples, labels, scores, qc, features", _V1),
    (2, "device calibration records", _V2),
    (3, "least privilege: roles, site registry, row-level security, append-only updates, research views", _V3),
    (4, "research workspace: study-level subject pseudonyms, browse state and indexes, audit anchors for researchers",
     _V4),
    (5, "why a score got no zone: scores.no_zone, shown as the zone no_zone in the browser", _V5),
]

#: The schema version this software writes and reads.
CURRENT_VERSION = CENTRAL_MIGRATIONS[-1][0]

#: NOLOGIN group roles the migrations create; the owner must not be a member of any.
GROUP_ROLES = ("enose_site", "enose_importer", "enose_researcher")


def schema_version(conn: psycopg.Connection) -> int:
    """The central schema version (0 for an empty database)."""
    exists = conn.execute("SELECT to_regclass('enose.schema_version')").fetchone()[0]
    if exists is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM enose.schema_version").fetchone()[0])


def _instance_uuid(conn: psycopg.Connection) -> str:
    return str(conn.execute("SELECT instance_uuid FROM enose.instance").fetchone()[0])


def require_current(conn: psycopg.Connection) -> str:
    """Check the schema is exactly this software's; return the ``instance_uuid``. Creates and changes nothing.

    Why not migrate here: migrating needs the owner's rights, and a sync or an audit check runs
    as a site role that must not have them. Raises :class:`CentralSchemaMissing` for an empty,
    inaccessible or older database, :class:`CentralSchemaTooNew` for a newer one.
    """
    try:
        with conn.transaction():
            current = schema_version(conn)
            if current == CURRENT_VERSION:
                return _instance_uuid(conn)
    except psycopg.errors.InsufficientPrivilege as error:
        role = conn.execute("SELECT current_user").fetchone()[0]
        conn.rollback()
        raise CentralSchemaMissing(
            f"database role {role} has no access to the central enose schema: it is not enrolled as a site, or was "
            "revoked, or holds no study role; an administrator checks `enose central sites`"
        ) from error
    if current == 0:
        raise CentralSchemaMissing(
            "the central database has no enose schema: an administrator runs `enose central migrate`"
        )
    if current < CURRENT_VERSION:
        raise CentralSchemaMissing(
            f"the central database has enose schema v{current}, this software needs v{CURRENT_VERSION}: "
            "an administrator runs `enose central migrate`"
        )
    raise CentralSchemaTooNew(
        f"the central database is at schema version {current}, newer than this software ({CURRENT_VERSION}); "
        "update the software before syncing"
    )


def _check_owner(conn: psycopg.Connection) -> None:
    """Refuse to migrate as anyone but the schema's owner, and as a role that is a site, importer or researcher."""
    member_of = [r[0] for r in conn.execute(
        """SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
           JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user AND g.rolname = ANY(%s)""",
        (list(GROUP_ROLES),),
    )]  # fmt: skip
    if member_of:
        raise CentralNotOwner(
            f"the connected role is a member of {', '.join(member_of)}: migrate as the dedicated owner role, "
            "never as a site, importer or researcher role"
        )
    row = conn.execute(
        "SELECT nspowner::regrole::text, pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace"
        " WHERE nspname = 'enose'"
    ).fetchone()
    if row is not None and not row[1]:
        raise CentralNotOwner(
            f"schema enose is owned by role {row[0]}: run `enose central migrate` as that role (if it is a site's "
            f"login role, left by an older release, a database administrator first runs "
            f"`REASSIGN OWNED BY {row[0]} TO <owner role>` in this database)"
        )


def migrate(conn: psycopg.Connection) -> str:
    """Create or bring forward the central schema; return the database's ``instance_uuid``.

    Run by ``enose central migrate`` under the owner role, which becomes (or must already be)
    the owner of schema ``enose`` and needs CREATEROLE the first time (for the group roles).
    A database already at this version is left untouched, whoever asks. Commits. Raises
    :class:`CentralSchemaTooNew` if the database is ahead of this software and
    :class:`CentralNotOwner` if the connected role may not migrate it.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        current = schema_version(conn)
        if current > CURRENT_VERSION:
            raise CentralSchemaTooNew(
                f"the central database is at schema version {current}, newer than this software "
                f"({CURRENT_VERSION}); update the software before migrating"
            )
        if current < CURRENT_VERSION:
            _check_owner(conn)
            conn.execute("CREATE SCHEMA IF NOT EXISTS enose")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS enose.schema_version"
                " (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for version, description, sql in CENTRAL_MIGRATIONS[current:]:
                conn.execute(sql)
                conn.execute("INSERT INTO enose.schema_version (version, description) VALUES (%s, %s)",
                             (version, description))  # fmt: skip
            conn.execute(
                "INSERT INTO enose.instance (id, instance_uuid) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
                (str(uuid.uuid4()),),
            )
        return _instance_uuid(conn)
