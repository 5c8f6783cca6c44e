"""Central schema v5: a score's "no zone" reasons (``no_zone``) in the central database and its browser.

The browser's zone is ``no_zone`` for a newest score kept for the record only, as at a site
(:mod:`enose.browse`), so ``sessions list --central --zone no_zone`` and the researcher's
workspace tell it from ``inconclusive``; the research views and the study export carry the codes.
"""

from __future__ import annotations

import uuid

import psycopg

from enose.browse import SessionFilter
from enose.model.scoring import _insert_score
from enose.research import CentralSource
from enose.security import User
from enose.storage import Store
from enose.storage.store import utc_now
from enose.sync import central, outbox, sync_to_central
from tests.sync.conftest import _new_database, role_dsn, write_sessions

ADMIN = User("admin1", "admin")
CODES = '["humidity_not_measured"]'


def _central_score(conn, site: str, local_id: int, session: str, zone: str, no_zone: str | None = None) -> None:
    """A score as the central database stores a site's (the owner inserts it directly here)."""
    columns, values = "", ()
    if no_zone is not None:
        columns, values = ", no_zone", (no_zone,)
    conn.execute(f"INSERT INTO enose.scores (site_uuid, local_id, content_sha256, session_uuid, created_at,"
                 f" software_version, processing_version, probability, zone, ood, explanation, qc_reasons{columns})"
                 f" VALUES (%s, %s, 'x', %s, now(), '0.1', 'p1', 0.3, %s, 0, '[]', '[]'{', %s' * len(values)})",
                 (site, local_id, session, zone, *values))  # fmt: skip


def test_the_central_browser_shows_and_filters_no_zone(tmp_path, central_dsn, enrol_store, researcher_dsn):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 4)
    dsn = enrol_store(db)
    with Store.open(db) as store:
        assert sync_to_central(store, dsn, ADMIN).failed == 0
        site = outbox.site_uuid(store)
    with psycopg.connect(central_dsn) as conn:
        _central_score(conn, site, 1, uuids[0], "inconclusive", CODES)  # no zone
        _central_score(conn, site, 2, uuids[1], "inconclusive")  # unlike the training data
        _central_score(conn, site, 3, uuids[2], "inconclusive", CODES)
        _central_score(conn, site, 4, uuids[2], "green", "[]")  # scored again: the newest has a zone
        conn.commit()
    with CentralSource.open(researcher_dsn) as source:
        zones = {row.session_uuid: row.zone for row in source.browse_sessions()}
        kept = [row.session_uuid for row in source.browse_sessions(SessionFilter(zone="no_zone"))]
        repeat = [row.session_uuid for row in source.browse_sessions(SessionFilter(zone="inconclusive"))]
        counted = source.count_sessions(SessionFilter(zone="no_zone"))
        scores = {(s["session_uuid"], s["score_id"]): s["no_zone"] for s in source.study_tables()["scores"]}
        overview = dict(source._rows("SELECT session_uuid::text, no_zone::text FROM enose.session_overview"))
    assert zones == {uuids[0]: "no_zone", uuids[1]: "inconclusive", uuids[2]: "green", uuids[3]: None}
    assert kept == [uuids[0]] and repeat == [uuids[1]] and counted == 1
    assert scores == {(uuids[0], 1): CODES, (uuids[1], 2): "[]", (uuids[2], 3): CODES, (uuids[2], 4): "[]"}
    assert overview == {uuids[0]: CODES, uuids[1]: "[]", uuids[2]: "[]", uuids[3]: None}


def test_a_v4_database_keeps_its_scores_and_browse_state_through_v5(pg_server, pg_owner):
    owner = role_dsn(pg_server, pg_owner, _new_database(pg_server, pg_owner))
    site, session = str(uuid.uuid4()), str(uuid.uuid4())
    with psycopg.connect(owner) as conn:
        conn.execute("CREATE SCHEMA enose")
        conn.execute("CREATE TABLE enose.schema_version (version int PRIMARY KEY, description text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        for version, description, sql in central.CENTRAL_MIGRATIONS[:4]:
            conn.execute(sql)
            conn.execute("INSERT INTO enose.schema_version VALUES (%s, %s)", (version, description))
        conn.execute("INSERT INTO enose.instance (id, instance_uuid) VALUES (1, gen_random_uuid())")
        conn.execute("INSERT INTO enose.sites (site_uuid) VALUES (%s)", (site,))
        conn.execute("INSERT INTO enose.sessions (uuid, site_uuid, local_id, content_sha256, kind, operator, started_at,"
                     " status, software_version, protocol, channels, period_ms, n_samples, lost_samples, interruptions)"
                     " VALUES (%s, %s, 1, 'x', 'screening', 'staff-x', now(), 'complete', '0.1', '{}', '[]', 10, 0, 0,"
                     " 0)", (session, site))  # fmt: skip
        _central_score(conn, site, 1, session, "inconclusive")  # stored before v5: no no_zone column
        conn.commit()
        central.migrate(conn)
        assert central.schema_version(conn) == central.CURRENT_VERSION == 5
        browse = "SELECT zone FROM enose.session_browse WHERE session_uuid = %s"
        assert conn.execute("SELECT no_zone::text FROM enose.scores").fetchall() == [("[]",)]
        assert conn.execute(browse, (session,)).fetchone() == ("inconclusive",)
        _central_score(conn, site, 2, session, "inconclusive", CODES)
        assert conn.execute(browse, (session,)).fetchone() == ("no_zone",)
        _central_score(conn, site, 3, session, "red", "[]")
        assert conn.execute(browse, (session,)).fetchone() == ("red",)


def test_scores_sync_and_resync_without_conflict(tmp_path, enrol_store, central_dsn):
    """A zoned score travels as before the column (same content hash); a no-zone score travels with its codes."""
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    with Store.open(db) as store:
        for session_id, no_zone in ((1, "[]"), (2, CODES)):
            _insert_score(store, {"session_id": session_id, "created_at": utc_now(), "operator": "clin1",
                                  "software_version": "0.1.0", "processing_version": "p1", "zone": "inconclusive",
                                  "ood": int(no_zone == "[]"), "explanation": "[]", "qc_reasons": "[]",
                                  "no_zone": no_zone})  # fmt: skip
        dsn = enrol_store(db)
        first = sync_to_central(store, dsn, ADMIN)
        again = sync_to_central(store, dsn, ADMIN)
    assert first.rows["score"]["uploaded"] == 2 and first.rows["score"]["failed"] == 0
    assert again.rows["score"]["failed"] == 0 and again.failed == 0
    with psycopg.connect(central_dsn) as conn:
        arrived = dict(conn.execute("SELECT local_id, no_zone FROM enose.scores ORDER BY local_id").fetchall())
    assert arrived == {1: [], 2: ["humidity_not_measured"]}  # the codes reached the centre (jsonb)
