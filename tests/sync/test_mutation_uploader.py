"""Tests written for mutation testing of :mod:`enose.sync.uploader` (``python scripts/mutation.py --modules uploader``).

Each test asserts real behaviour of the uploader against the throwaway PostgreSQL server of conftest.py:
the writer's answers and messages, what reaches the central tables, the site binding, the TLS rule and
the audit-anchor check.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from datetime import datetime

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from enose.security import User, site_keys
from enose.storage import Store
from enose.storage.analysis import add_calibration, save_features, save_qc
from enose.storage.store import utc_now
from enose.sync import SyncError, connection, outbox, registry, sync_to_central
from enose.sync.payload import read_rows, read_session, row_key, row_sha256
from enose.sync.uploader import (
    CentralWriter,
    SyncConflict,
    anchor_message,
    bound_site,
    central_anchors,
    check_central_anchors,
    connect,
)
from tests.sync.conftest import OWNER_ROLE, role_dsn, write_sessions

ADMIN = User("admin1", "admin")


def _site(db) -> str:
    with Store.open(db) as store:
        return outbox.site_uuid(store)


def _central(dsn: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, params).fetchall()


# -- CentralWriter.put_session -------------------------------------------------------------------


def test_put_session_uploads_once_then_skips_and_stores_the_hash_and_local_id(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 3)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        first, second, third = (read_session(store, i) for i in (1, 2, 3))
    with psycopg.connect(site_dsn) as conn:
        writer = CentralWriter(conn, _site(db))
        assert writer.put_session(first) == "uploaded"  # the hash is computed when not given
        assert writer.put_session(first) == "skipped"
        assert writer.put_session(first, first.content_sha256()) == "skipped"
        assert writer.put_session(second, "ab" * 32) == "uploaded"  # a hash given (bundle import) is the one stored
        assert writer.put_session(dataclasses.replace(third, local_id=None)) == "uploaded"
        with pytest.raises(SyncConflict) as conflict:
            writer.put_session(first, "cd" * 32)
    assert str(conflict.value) == (
        f"the central database holds a different version of session {uuids[0]} "
        f"(content {first.content_sha256()[:12]}..., here {'cd' * 6}...); nothing was overwritten"
    )
    rows = dict((u, (h, i)) for u, h, i in _central(
        central_dsn, "SELECT uuid::text, content_sha256, local_id FROM enose.sessions"))  # fmt: skip
    assert rows == {uuids[0]: (first.content_sha256(), 1), uuids[1]: ("ab" * 32, 2),
                    uuids[2]: (third.content_sha256(), 0)}  # fmt: skip


def test_a_session_committed_meanwhile_by_another_transaction_is_skipped(tmp_path, central_dsn, enrol_store):
    """Two writers race for the same session: the one that loses the INSERT finds the winner's copy and skips."""
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    site = _site(db)
    with Store.open(db) as store:
        payload = read_session(store, 1)
    outcome: dict = {}

    def loser() -> None:
        try:
            with psycopg.connect(site_dsn) as conn:
                outcome["result"] = CentralWriter(conn, site).put_session(payload)
        except Exception as error:  # noqa: BLE001 - reported to the test thread
            outcome["error"] = error

    with psycopg.connect(site_dsn) as winner_conn:
        winner = CentralWriter(winner_conn, site)
        thread = threading.Thread(target=loser)
        with winner_conn.transaction():
            assert winner.put_session(payload) == "uploaded"  # inside an outer transaction: not committed yet
            thread.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # the loser's INSERT waits on the winner's uncommitted row
                waiting = _central(central_dsn, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                   " AND datname = current_database()")[0][0]  # fmt: skip
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting == 1
        thread.join(30)
    assert outcome == {"result": "skipped"}
    assert _central(central_dsn, "SELECT count(*) FROM enose.sessions") == [(1,)]


def test_a_skipped_session_sends_nothing_else(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        with store.conn:
            store.conn.execute("UPDATE subjects SET age_years = 99 WHERE code = 'LIL-0000'")
        payload = read_session(store, 1)
    before = _central(central_dsn, "SELECT count(*) FROM enose.subject_updates")
    with psycopg.connect(site_dsn) as conn:
        assert CentralWriter(conn, _site(db)).put_session(payload) == "skipped"
    assert _central(central_dsn, "SELECT count(*) FROM enose.subject_updates") == before
    assert _central(central_dsn, "SELECT age_years FROM enose.subjects WHERE code = 'LIL-0000'") != [(99,)]


def test_a_session_held_by_another_site_is_refused_with_the_whole_message(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 1)
    with Store.open(db) as store:
        sync_to_central(store, enrol_store(db), ADMIN)
    other = tmp_path / "other.db"
    write_sessions(other, 1, seed=5)
    with Store.open(other) as store:
        store.conn.execute("PRAGMA foreign_keys=OFF")
        with store.conn:
            store.conn.execute("UPDATE sessions SET uuid = ? WHERE id = 1", (uuids[0],))
        report = sync_to_central(store, enrol_store(other, code="BRS"), ADMIN)
    assert report.failures == [{
        "session": uuids[0],
        "reason": f"session {uuids[0]} is already in the central database under another site; nothing was overwritten",
    }]  # fmt: skip


# -- subjects -------------------------------------------------------------------------------------


def test_only_new_or_changed_subjects_are_sent(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 7)  # subjects LIL-0000 .. LIL-0006
    site_dsn = enrol_store(db)
    updates = "SELECT count(*) FROM enose.subject_updates"
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        assert _central(central_dsn, updates) == [(7,)]
        sync_to_central(store, site_dsn, ADMIN)
        assert _central(central_dsn, updates) == [(7,)]  # nothing changed: nothing sent
        with store.conn:
            store.conn.execute("UPDATE subjects SET age_years = 42 WHERE code = 'LIL-0003'")
        store.ensure_subject("LIL-0100", age_years=61, smoking="never")  # a subject with no session yet
        sync_to_central(store, site_dsn, ADMIN)
    assert _central(central_dsn, updates) == [(9,)]
    subjects = dict(_central(central_dsn, "SELECT code, age_years FROM enose.subjects"))
    assert subjects["LIL-0003"] == 42 and subjects["LIL-0100"] == 61 and len(subjects) == 8


# -- CentralWriter.put_row ------------------------------------------------------------------------


def _rows_fixture(tmp_path, enrol_store):
    """Two synced sessions; a calibration, a label, a score, QC and features of session 1; a calibration of a
    third session that is not synced yet."""
    import numpy as np

    db = tmp_path / "site.db"
    write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
    write_sessions(db, 1, seed=3)
    with Store.open(db) as store:
        add_calibration(store, device_serial="EN-0007", kind="zero", operator="tech1", channels=["r0"],
                        values=[10_000.0], passed=True, session_id=1)  # fmt: skip
        add_calibration(store, device_serial="EN-0007", kind="zero", operator="tech1", channels=["r0"],
                        values=[10_100.0], passed=True, session_id=3)  # fmt: skip
        now = utc_now()
        with store.conn:
            store.conn.execute("INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at)"
                               " VALUES ('LIL-0000', 0, 'MDT', 'dr', ?)", (now,))  # fmt: skip
            store.conn.execute("INSERT INTO scores (session_id, created_at, software_version, processing_version,"
                               " probability, zone) VALUES (1, ?, '0.1.0', 'p1', 0.4, 'orange')", (now,))  # fmt: skip
        save_qc(store, 1, "p1", True, [])
        save_features(store, [1], "p1", ["f1"], np.array([[1.5]]))
        rows = {t: read_rows(store, t) for t in ("calibration", "label", "score", "qc", "features")}
        uuids = {i: store.session(i)["uuid"] for i in (1, 3)}
    return db, site_dsn, rows, uuids


@pytest.mark.parametrize("object_type", ["calibration", "label", "score"])
def test_append_only_rows_upload_once_skip_the_same_and_refuse_a_different_copy(tmp_path, enrol_store, object_type):
    db, site_dsn, rows, uuids = _rows_fixture(tmp_path, enrol_store)
    row = rows[object_type][0]
    digest = row_sha256(row)
    with psycopg.connect(site_dsn) as conn:
        writer = CentralWriter(conn, _site(db))
        assert writer.put_row(object_type, row, digest) == "uploaded"
        assert writer.put_row(object_type, row, digest) == "skipped"
        with pytest.raises(SyncConflict) as conflict:
            writer.put_row(object_type, row, "0" * 64)
    assert str(conflict.value) == f"the central database holds a different {object_type} {row['id']}"


@pytest.mark.parametrize("object_type", ["qc", "features"])
def test_derived_rows_upload_once_then_skip(tmp_path, enrol_store, central_dsn, object_type):
    db, site_dsn, rows, uuids = _rows_fixture(tmp_path, enrol_store)
    (row,) = rows[object_type]
    with psycopg.connect(site_dsn) as conn:
        writer = CentralWriter(conn, _site(db))
        assert writer.put_row(object_type, row, row_sha256(row)) == "uploaded"
        assert writer.put_row(object_type, row, row_sha256(row)) == "skipped"
    table = "qc_results" if object_type == "qc" else "features"
    assert _central(central_dsn, f"SELECT session_uuid::text, content_sha256 FROM enose.{table}") == [
        (uuids[1], row_sha256(row))
    ]


def test_a_calibration_of_a_session_not_yet_central_is_a_conflict(tmp_path, enrol_store, central_dsn):
    db, site_dsn, rows, uuids = _rows_fixture(tmp_path, enrol_store)
    (row,) = [r for r in rows["calibration"] if r["session_uuid"] == uuids[3]]
    with psycopg.connect(site_dsn) as conn, pytest.raises(SyncConflict) as conflict:
        CentralWriter(conn, _site(db)).put_row("calibration", row, row_sha256(row))
    assert str(conflict.value) == f"its session {uuids[3]} is not in the central database yet"
    assert _central(central_dsn, "SELECT count(*) FROM enose.calibrations") == [(0,)]


@pytest.mark.parametrize("object_type", ["score", "qc", "features"])
def test_a_session_row_without_its_session_is_a_conflict_before_any_insert(tmp_path, enrol_store, object_type):
    db, site_dsn, rows, uuids = _rows_fixture(tmp_path, enrol_store)
    row = dict(rows[object_type][0], session_uuid=None)
    with psycopg.connect(site_dsn) as conn, pytest.raises(SyncConflict) as conflict:
        CentralWriter(conn, _site(db)).put_row(object_type, row, row_sha256(row))
    assert str(conflict.value) == "its session None is not in the central database yet"


def test_sync_counts_the_rows_of_each_kind(tmp_path, enrol_store):
    db, site_dsn, rows, uuids = _rows_fixture(tmp_path, enrol_store)
    with Store.open(db) as store:
        report = sync_to_central(store, site_dsn, ADMIN)
        again = sync_to_central(store, site_dsn, ADMIN)
        statuses = store.conn.execute(
            "SELECT object_type, object_key, status FROM sync_outbox WHERE target = ? AND object_type != 'session'",
            (report.target,),
        ).fetchall()
    assert (report.uploaded, report.skipped, report.failed) == (1, 2, 0)
    assert report.rows == {
        "label": {"uploaded": 1, "skipped": 0, "failed": 0},
        "calibration": {"uploaded": 2, "skipped": 0, "failed": 0},
        "score": {"uploaded": 1, "skipped": 0, "failed": 0},
        "qc": {"uploaded": 1, "skipped": 0, "failed": 0},
        "features": {"uploaded": 1, "skipped": 0, "failed": 0},
    }
    expected = {(t, row_key(t, r)) for t in rows for r in rows[t]}
    assert {(t, k) for t, k, _ in statuses} == expected and {s for _, _, s in statuses} == {"synced"}
    assert again.rows == dict.fromkeys(report.rows, {"uploaded": 0, "skipped": 0, "failed": 0})
    assert (again.uploaded, again.skipped, again.failed) == (0, 3, 0)


# -- anchors ----------------------------------------------------------------------------------------


def test_anchor_audit_is_true_only_for_a_new_anchor(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with psycopg.connect(site_dsn) as conn:
        writer = CentralWriter(conn, _site(db))
        assert writer.anchor_audit(None) is False
        assert writer.anchor_audit((5, "ab" * 32), entry_at="2026-01-01T00:00:00+00:00") is True
        assert writer.anchor_audit((5, "ab" * 32), entry_at="2026-01-01T00:00:00+00:00") is False
    assert _central(central_dsn, "SELECT audit_id, hash, entry_at, signature FROM enose.audit_anchors") == [
        (5, "ab" * 32, "2026-01-01T00:00:00+00:00", None)
    ]


def _signed_site(tmp_path, enrol_store, n_syncs: int = 2):
    """A site with a signing key enrolled at the centre, synced ``n_syncs`` times (one signed anchor each)."""
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    public = site_keys.create_site_key()
    site_dsn = enrol_store(db, public_key=public)
    with Store.open(db) as store:
        reports = [sync_to_central(store, site_dsn, ADMIN) for _ in range(n_syncs)]
    return db, site_dsn, reports


def test_check_central_anchors_counts_signed_anchors_and_measures_the_lag(tmp_path, enrol_store, central_dsn):
    db, site_dsn, reports = _signed_site(tmp_path, enrol_store)
    assert [r.anchor_signed for r in reports] == [True, True] and reports[-1].warnings == []
    with Store.open(db) as store:
        for i in range(3):
            from enose.security import record

            record(store, "tech1", "note", "subject", f"LIL-000{i}")
        check = check_central_anchors(store, site_dsn)
        local = store.conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id").fetchall()
    central = _central(central_dsn, "SELECT audit_id, hash, anchored_at FROM enose.audit_anchors ORDER BY audit_id")
    assert check.problems == [] and (check.signed, check.unsigned, check.unverifiable) == (2, 0, 0)
    assert check.anchors == [(a, h) for a, h, _ in central] and len(central) == 2
    at = {i: a for i, _, a in local}
    assert all(h == {i: h for i, h, _ in local}[a] for a, h in check.anchors)
    entry_at = _central(central_dsn, "SELECT audit_id, entry_at FROM enose.audit_anchors ORDER BY audit_id")
    assert entry_at == [(a, at[a]) for a, _ in check.anchors]  # each anchor names the time of the row it anchors
    last = central[-1][0]
    assert check.last_anchor_id == last and check.last_anchored_at == central[-1][2].isoformat()
    assert check.rows_behind == sum(1 for i, _, _ in local if i > last) == 4
    expected = round((datetime.fromisoformat(local[-1][2]) - datetime.fromisoformat(at[last])).total_seconds(), 3)
    assert check.seconds_behind == expected and check.seconds_behind is not None


def test_check_central_anchors_drops_a_forged_anchor_and_keeps_checking_the_rest(tmp_path, enrol_store, central_dsn):
    db, site_dsn, _ = _signed_site(tmp_path, enrol_store)
    site = _site(db)
    with Store.open(db) as store:
        row = store.conn.execute("SELECT id, hash, at FROM audit_log WHERE id = 1").fetchone()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = Ed25519PrivateKey.generate().sign(anchor_message(site, row[0], row[1], row[2]))
    with psycopg.connect(central_dsn) as conn:  # planted below the site's own anchors
        conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                     " VALUES (%s, %s, %s, %s, %s)", (site, row[0], row[1], row[2], forged))  # fmt: skip
    with Store.open(db) as store:
        check = check_central_anchors(store, site_dsn)
    assert check.problems == [
        "the central anchor of row 1 is not signed by this site's enrolled key: forged or altered"
    ]
    assert (check.signed, check.unsigned, check.unverifiable) == (2, 0, 0)
    assert len(check.anchors) == 2 and 1 not in [a for a, _ in check.anchors]


def test_check_central_anchors_counts_unsigned_and_unverifiable_anchors(tmp_path, central_dsn, caplog):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_keys.create_site_key()
    owner = role_dsn(central_dsn.rsplit("/", 1)[0], OWNER_ROLE, central_dsn.rsplit("/", 1)[1])
    with Store.open(db) as store:
        # the owner syncs (twice) for a site nobody enrolled: signed anchors, but no enrolled key to check them with
        with caplog.at_level("WARNING", logger="enose.sync.uploader"):
            reports = [sync_to_central(store, owner, ADMIN) for _ in range(2)]
        site = outbox.site_uuid(store)
        with psycopg.connect(central_dsn) as conn:
            conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                         " VALUES (%s, 100001, 'x', NULL, NULL), (%s, 100002, 'y', NULL, NULL)", (site, site))  # fmt: skip
        check = check_central_anchors(store, owner)
    warning = "connected with a role that is not an enrolled site role (the owner?); sites sync with their own role"
    assert [(r.anchor_signed, r.warnings) for r in reports] == [(True, [warning])] * 2
    assert [r.getMessage() for r in caplog.records if r.name == "enose.sync.uploader"] == [warning] * 2
    assert (check.signed, check.unsigned, check.unverifiable) == (0, 2, 2)
    assert check.problems == [] and len(check.anchors) == 4


def test_check_central_anchors_without_any_anchor_is_a_problem_and_measures_nothing(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        check = check_central_anchors(store, site_dsn)
        site = outbox.site_uuid(store)
    assert check.problems == [f"the central database holds no audit anchor for site {site}: nothing to compare with"]
    assert check.anchors == [] and check.last_anchor_id is None and check.last_anchored_at is None
    assert check.rows_behind is None and check.seconds_behind is None


def test_an_anchor_beyond_the_local_chain_has_no_measurable_lag(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    site = _site(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
    with psycopg.connect(central_dsn) as conn:  # as if the local file were restored from an older backup
        conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                     " VALUES (%s, 100000, 'x', NULL, NULL)", (site,))  # fmt: skip
    with Store.open(db) as store:
        check = check_central_anchors(store, site_dsn)
    assert check.last_anchor_id == 100000 and check.unsigned == 2
    assert check.rows_behind == 0 and check.seconds_behind is None


# -- site binding and schema ------------------------------------------------------------------------


def test_bound_site_of_a_role_that_is_not_a_site_role_warns(tmp_path, owner_dsn):
    site = str(uuid.uuid4())
    with psycopg.connect(owner_dsn) as conn:
        assert bound_site(conn, site) == (
            site,
            "connected with a role that is not an enrolled site role (the owner?); sites sync with their own role",
        )


def test_bound_site_refuses_an_unenrolled_site_role(pg_server, owner_dsn):
    role = f"site_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE enose_site")
    dsn = make_conninfo(owner_dsn, user=role)
    with psycopg.connect(dsn) as conn, pytest.raises(SyncError) as refused:
        bound_site(conn, str(uuid.uuid4()))
    assert str(refused.value) == (
        "this database role is a site role but is not enrolled for any site: an administrator runs "
        "`enose central enrol-site`; nothing was sent"
    )


def test_bound_site_refuses_another_sites_store(enrol_site):
    enrolled, local = str(uuid.uuid4()), str(uuid.uuid4())
    dsn = enrol_site(enrolled)
    role = psycopg.conninfo.conninfo_to_dict(dsn)["user"]
    with psycopg.connect(dsn) as conn:
        assert bound_site(conn, enrolled) == (enrolled, None)
        with pytest.raises(SyncError) as refused:
            bound_site(conn, local)
    assert str(refused.value) == (
        f"database role {role} is enrolled for site {enrolled}, but this local database is site {local}: refused, "
        "nothing was sent (use this site's own role, or the right --db)"
    )


def test_bound_site_refuses_a_revoked_site_even_if_its_role_can_still_read_the_registry(enrol_site, owner_dsn,
                                                                                        central_dsn):  # fmt: skip
    site = str(uuid.uuid4())
    dsn = enrol_site(site)
    role = psycopg.conninfo.conninfo_to_dict(dsn)["user"]
    with psycopg.connect(owner_dsn) as conn:
        registry.revoke_site(conn, site)
    with psycopg.connect(central_dsn, autocommit=True) as conn:  # e.g. the same role also imports bundles
        conn.execute(f"GRANT enose_importer TO {role}")
    with psycopg.connect(dsn) as conn, pytest.raises(SyncError) as refused:
        bound_site(conn, site)
    assert str(refused.value) == f"site {site} (database role {role}) was revoked at the centre; nothing was sent"


def test_a_database_without_the_schema_is_refused_with_the_schema_message(tmp_path, empty_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store:
        with pytest.raises(SyncError) as refused:
            sync_to_central(store, empty_dsn, ADMIN)
        with pytest.raises(SyncError) as refused_anchors:
            central_anchors(empty_dsn, outbox.site_uuid(store))
    message = "the central database has no enose schema: an administrator runs `enose central migrate`"
    assert str(refused.value) == message and str(refused_anchors.value) == message


# -- the TLS rule ---------------------------------------------------------------------------------


@pytest.fixture
def loopback_counts_as_remote(monkeypatch):
    """Make 127.0.0.1 count as a remote host, so that the TLS rule applies to the throwaway server."""
    monkeypatch.setattr(connection, "is_local_host", lambda host: False)


def test_connect_names_the_application(owner_dsn):
    with connect(owner_dsn) as conn:
        assert conn.execute("SHOW application_name").fetchone()[0] == "enose-sync"
    with connect(owner_dsn, application_name="enose-tests") as conn:
        assert conn.execute("SHOW application_name").fetchone()[0] == "enose-tests"


def test_a_weak_connection_is_refused_unless_insecure_and_then_audited(
    tmp_path, enrol_store, loopback_counts_as_remote
):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    weak = make_conninfo(enrol_store(db), sslmode="disable")
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
        for call in (lambda: central_anchors(weak, site), lambda: check_central_anchors(store, weak),
                     lambda: sync_to_central(store, weak, ADMIN)):  # fmt: skip
            with pytest.raises(SyncError, match="^refusing to connect with sslmode=disable"):
                call()
        assert store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'insecure_connection'").fetchone() == (
            0,
        )
        report = sync_to_central(store, weak, ADMIN, insecure=True)
        check = check_central_anchors(store, weak, insecure=True, actor="auditor1")
        anchors = central_anchors(weak, site, insecure=True)
        import json

        entries = [(a, o, json.loads(d)) for a, o, d in store.conn.execute(
            "SELECT actor, object_id, detail FROM audit_log WHERE action = 'insecure_connection' ORDER BY id")]  # fmt: skip
    assert report.uploaded == 1 and check.unsigned == 1 and len(anchors) == 1
    reason = "sslmode=disable to remote host 127.0.0.1 (the rule is sslmode=verify-full)"
    assert [(a, d["application"], d["reason"]) for a, _, d in entries] == [
        ("admin1", "enose-sync", reason), ("auditor1", "enose-audit-verify", reason)]  # fmt: skip
    assert all("127.0.0.1" in o for _, o, _ in entries)


def test_connect_records_a_weak_connection_before_anything_is_sent(tmp_path, enrol_store, loopback_counts_as_remote,
                                                                   caplog):  # fmt: skip
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    weak = make_conninfo(enrol_store(db), sslmode="disable")
    with Store.open(db) as store:
        with (
            caplog.at_level("WARNING", logger="enose.sync.uploader"),
            connect(weak, insecure=True, store=store) as conn,
        ):
            assert conn.execute("SELECT 1").fetchone() == (1,)
        entry = store.conn.execute(
            "SELECT actor, object_type, object_id, detail FROM audit_log WHERE action = 'insecure_connection'"
        ).fetchone()
    reason = "sslmode=disable to remote host 127.0.0.1 (the rule is sslmode=verify-full)"
    assert [r.getMessage() for r in caplog.records] == [f"insecure connection to the central database: {reason}"]
    assert tuple(entry[:3]) == ("unknown", "central", connection.redact_dsn(weak))
    import json

    assert json.loads(entry[3]) == {"reason": reason, "application": "enose-sync"}


# -- sync_to_central: report, audit entry, failures ---------------------------------------------------


def test_sync_reports_the_site_the_bytes_and_the_time_and_audits_the_counts(tmp_path, enrol_store):
    import json

    db = tmp_path / "site.db"
    write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        expected_bytes = sum(read_session(store, i).n_bytes() for i in (1, 2))
        report = sync_to_central(store, site_dsn, ADMIN)
        entry = store.conn.execute(
            "SELECT actor, object_type, object_id, detail FROM audit_log WHERE action = 'sync'"
        ).fetchone()
        site = outbox.site_uuid(store)
        hashes = dict(store.conn.execute(
            "SELECT object_key, content_sha256 FROM sync_outbox WHERE object_type = 'session'"))  # fmt: skip
    assert report.site_uuid == site and report.bytes_uploaded == expected_bytes > 0
    assert 0 < report.seconds < 300
    assert report.anchor_signed is False and len(report.warnings) == 1
    assert report.warnings[0].startswith("audit anchor not signed: ")
    assert tuple(entry[:3]) == ("admin1", "central", report.target)
    assert json.loads(entry[3]) == {"uploaded": 2, "skipped": 0, "failed": 0, "rows": report.rows,
                                    "anchor_signed": False}  # fmt: skip
    with Store.open(db) as store:
        payloads = [read_session(store, i) for i in (1, 2)]
    assert hashes == {p.uuid: p.content_sha256() for p in payloads}


def test_sync_shows_a_progress_bar_only_when_asked(tmp_path, enrol_store, capsys, monkeypatch):
    import tqdm

    bars = []

    class RecordedBar(tqdm.tqdm):
        # a lock and no monitor thread of its own: tqdm's default lock is shared with forked processes
        _lock = threading.RLock()
        monitor_interval = 0

        def close(self):
            if not getattr(self, "recorded", False):  # tqdm closes a bar again when it is freed
                self.recorded = True
                bars.append(tuple(getattr(self, a, None) for a in ("n", "total", "desc", "unit", "disable", "leave")))
            super().close()

    monkeypatch.setattr(tqdm, "tqdm", RecordedBar)
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        assert capsys.readouterr().err == ""
        write_sessions(db, 2, seed=4)
        sync_to_central(store, site_dsn, ADMIN, progress=True)
    err = capsys.readouterr().err
    assert "sync:" in err and "/2 [" in err and "session/s" in err
    assert err.endswith("\r") and "\n" not in err  # the bar is cleared, not left behind
    assert len(bars) == 2 and bars[0][:2] == (0, 2) and bars[0][4] is True
    assert bars[1] == (2, 2, "sync", "session", False, False)


def test_a_session_or_row_the_central_database_refuses_is_failed_and_the_rest_goes_on(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        with store.conn:
            store.conn.execute("UPDATE sessions SET site = ? WHERE id = 2", ("L\x00L",))
            for code in ("LIL-0000", "LIL-0001"):
                store.conn.execute("INSERT INTO labels (subject_code, cancer, histology, source, entered_by, entered_at)"
                                   " VALUES (?, 1, ?, 'MDT', 'dr', ?)", (code, "adeno\x00", utc_now()))  # fmt: skip
        report = sync_to_central(store, site_dsn, ADMIN)
        status = {r["uuid"]: (r["status"], r["reason"]) for r in outbox.session_status(store, report.target)}
        labels = store.conn.execute(
            "SELECT status, reason FROM sync_outbox WHERE object_type = 'label'").fetchall()  # fmt: skip
    (failure,) = report.failures
    assert (report.uploaded, report.failed) == (1, 1) and failure["session"] == uuids[1]
    assert failure["reason"].startswith("refused by the central database: ") and "NUL" in failure["reason"]
    assert status == {uuids[0]: ("synced", None), uuids[1]: ("failed", failure["reason"])}
    assert report.rows["label"] == {"uploaded": 0, "skipped": 0, "failed": 2}
    assert len(labels) == 2 and all(status == "failed" and "NUL" in reason for status, reason in labels)


def test_a_row_the_centre_holds_differently_is_failed_with_the_reason(tmp_path, enrol_store, central_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    label = "INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at) VALUES ('LIL-0000', ?, 'MDT', 'dr', ?)"
    with Store.open(db) as store:
        with store.conn:
            store.conn.execute(label, (1, utc_now()))
        first = sync_to_central(store, site_dsn, ADMIN)
        sent = store.conn.execute(
            "SELECT content_sha256 FROM sync_outbox WHERE object_type = 'label'").fetchone()[0]  # fmt: skip
    other = tmp_path / "other.db"  # a second installation of the same site with its own label 1
    write_sessions(other, 1, seed=8)
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
    with Store.open(other) as store:
        with store.conn:
            store.conn.execute("DELETE FROM site_identity")
            store.conn.execute("INSERT INTO site_identity (id, site_uuid, created_at) VALUES (1, ?, ?)",
                               (site, utc_now()))  # fmt: skip
            store.conn.execute(label, (0, utc_now()))
        report = sync_to_central(store, site_dsn, ADMIN)
        row = store.conn.execute(
            "SELECT status, reason FROM sync_outbox WHERE object_type = 'label'").fetchone()  # fmt: skip
    assert first.rows["label"] == {"uploaded": 1, "skipped": 0, "failed": 0}
    assert _central(central_dsn, "SELECT content_sha256 FROM enose.labels") == [(sent,)]
    assert report.rows["label"] == {"uploaded": 0, "skipped": 0, "failed": 1}
    assert tuple(row) == ("failed", "the central database holds a different label 1")


def test_a_missing_site_secret_stops_the_sync_before_anything_is_sent(tmp_path, enrol_store):
    from enose.security.pseudonyms import site_secret_path

    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        site_secret_path().unlink()
        write_sessions(db, 1, seed=2)
        with pytest.raises(SyncError) as refused:
            sync_to_central(store, site_dsn, ADMIN)
    assert str(refused.value).startswith("the site secret ") and str(refused.value).endswith("; nothing was sent")


def test_a_role_without_the_right_to_write_is_a_clear_error(tmp_path, researcher_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store, pytest.raises(SyncError) as refused:
        sync_to_central(store, researcher_dsn, ADMIN)
    assert str(refused.value).startswith(
        f"the central database refused this role ({connection.redact_dsn(researcher_dsn)}): "
    )
    assert "permission denied" in str(refused.value)


def test_a_connection_lost_during_the_sync_says_to_run_it_again(tmp_path, enrol_store, central_dsn, monkeypatch):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    enqueue = outbox.enqueue

    def enqueue_then_lose_the_connection(store, target):
        with psycopg.connect(central_dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'enose-sync'")
        return enqueue(store, target)

    monkeypatch.setattr(outbox, "enqueue", enqueue_then_lose_the_connection)
    with Store.open(db) as store, pytest.raises(SyncError) as lost:
        sync_to_central(store, site_dsn, ADMIN)
    message = str(lost.value)
    assert message.startswith(f"lost the central database ({connection.redact_dsn(site_dsn)}): ")
    assert message.endswith("; run the sync again to resume")


def test_a_site_key_other_than_the_enrolled_one_is_a_warning(tmp_path, enrol_store):
    from tests.sync.conftest import random_public_key

    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_keys.create_site_key()
    site_dsn = enrol_store(db, public_key=random_public_key())
    with Store.open(db) as store:
        report = sync_to_central(store, site_dsn, ADMIN)
        check = check_central_anchors(store, site_dsn)
    assert report.anchor_signed is True
    assert report.warnings == [
        "the site key that signed the audit anchor is not the key enrolled at the centre: "
        "the anchor will not verify; have the centre enrol this site's current key"
    ]
    assert check.signed == 0 and len(check.problems) == 1


def test_each_central_database_has_its_own_sync_state(tmp_path, pg_server, pg_owner, enrol_store):
    """A store synced to one central database counts nothing as already sent to another one."""
    from enose.sync import central
    from tests.sync.conftest import _new_database, random_public_key

    db = tmp_path / "site.db"
    write_sessions(db, 2)
    first_dsn = enrol_store(db)
    second_db = _new_database(pg_server, pg_owner)
    with psycopg.connect(role_dsn(pg_server, pg_owner, second_db)) as conn:
        central.migrate(conn)
        role = f"site_{uuid.uuid4().hex[:10]}"
        registry.enrol_site(conn, _site(db), random_public_key(), site_code="LIL", db_role=role, enrolled_by="tests")
    with Store.open(db) as store:
        first = sync_to_central(store, first_dsn, ADMIN)
        second = sync_to_central(store, role_dsn(pg_server, role, second_db), ADMIN)
        again = sync_to_central(store, first_dsn, ADMIN)
    assert first.target != second.target
    assert [(r.uploaded, r.skipped, r.failed) for r in (first, second, again)] == [(2, 0, 0), (2, 0, 0), (0, 2, 0)]


def test_an_unsigned_anchor_after_signed_ones_is_not_trusted(tmp_path, enrol_store, central_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site = _site(db)
    with Store.open(db) as store:
        first_id = store.conn.execute("SELECT min(id) FROM audit_log").fetchone()[0]
    public = site_keys.create_site_key()
    site_dsn = enrol_store(db, public_key=public)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        sync_to_central(store, site_dsn, ADMIN)
        for i in range(2):
            from enose.security import record

            record(store, "tech1", "note", "subject", f"LIL-000{i}")
        late = store.conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 2").fetchall()
        early = store.conn.execute("SELECT id, hash, at FROM audit_log WHERE id = ?", (first_id,)).fetchone()
    with psycopg.connect(central_dsn) as conn:  # unsigned: one before the signed anchors, two planted after them
        for row in (early, *late):
            conn.execute("INSERT INTO enose.audit_anchors (site_uuid, audit_id, hash, entry_at, signature)"
                         " VALUES (%s, %s, %s, %s, NULL)", (site, row[0], row[1], row[2]))  # fmt: skip
    with Store.open(db) as store:
        check = check_central_anchors(store, site_dsn)
    assert (check.signed, check.unsigned, check.unverifiable) == (2, 1, 0)
    assert check.problems == [
        f"the central anchor of row {row_id} is unsigned although this site signed its earlier anchors with its "
        "enrolled key: not trusted (planted, or written by another client)"
        for row_id in sorted(r[0] for r in late)
    ]
    assert [a for a, _ in check.anchors][0] == first_id and len(check.anchors) == 3
    assert check.last_anchor_id == max(a for a, _ in check.anchors) < min(r[0] for r in late)


def test_why_a_score_got_no_zone_reaches_the_centre(tmp_path, enrol_store, central_dsn):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        with store.conn:
            store.conn.execute(
                "INSERT INTO scores (session_id, created_at, software_version, processing_version, probability, zone,"
                " no_zone) VALUES (1, ?, '0.1.0', 'p1', 0.4, 'inconclusive', '[\"protocol_mismatch\"]')",
                (utc_now(),),
            )
            store.conn.execute(
                "INSERT INTO scores (session_id, created_at, software_version, processing_version, probability, zone)"
                " VALUES (1, ?, '0.1.0', 'p1', 0.5, 'orange')",
                (utc_now(),),
            )
        report = sync_to_central(store, site_dsn, ADMIN)
    assert report.rows["score"] == {"uploaded": 2, "skipped": 0, "failed": 0}
    assert _central(central_dsn, "SELECT zone, no_zone FROM enose.scores ORDER BY local_id") == [
        ("inconclusive", ["protocol_mismatch"]),
        ("orange", []),
    ]
