"""Sync to a real PostgreSQL server as the site's own role: idempotent, resumable, byte-identical, never overwriting.

Every sync here runs as a login role enrolled for the store's site (``enrol_store``), with
INSERT and SELECT only; ``central_dsn`` (the superuser) only inspects the result.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from enose.security import PermissionDenied, User
from enose.security.audit import verify
from enose.storage import Store
from enose.storage.store import utc_now
from enose.sync import SyncError, outbox, sync_to_central
from enose.sync.uploader import central_anchors
from tests.sync.conftest import write_sessions

ADMIN = User("admin1", "admin")


def central_chunks(dsn: str) -> dict[tuple[str, int], tuple[bytes, ...]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            'SELECT session_uuid::text, chunk_index, t_s, device_seq, device_t_ms, flags, "values" FROM enose.sample_chunks'
        ).fetchall()
    return {(r[0], r[1]): tuple(bytes(b) for b in r[2:]) for r in rows}


def local_chunks(db_path) -> dict[tuple[str, int], tuple[bytes, ...]]:
    with Store.open(db_path) as store:
        rows = store.conn.execute(
            'SELECT s.uuid, c.chunk_index, c.t_s, c.device_seq, c.device_t_ms, c.flags, c."values"'
            " FROM sample_chunks c JOIN sessions s ON s.id = c.session_id"
        ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def test_sync_uploads_everything_byte_identical_then_nothing(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 12)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        first = sync_to_central(store, site_dsn, ADMIN)
        second = sync_to_central(store, site_dsn, ADMIN)
        statuses = {r["uuid"]: r["status"] for r in outbox.session_status(store, first.target)}
    assert (first.uploaded, first.skipped, first.failed) == (12, 0, 0)
    assert (second.uploaded, second.skipped, second.failed) == (0, 12, 0)
    assert second.bytes_uploaded == 0
    assert statuses == dict.fromkeys(uuids, "synced")
    assert central_chunks(central_dsn) == local_chunks(db)
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM enose.sessions").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM enose.events").fetchone()[0] == 12
        assert conn.execute("SELECT count(DISTINCT code) FROM enose.subjects").fetchone()[0] == 7


def test_labels_and_scores_added_later_sync_as_new_versions(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 3)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        now = utc_now()
        with store.conn:
            store.conn.execute(
                "INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at) VALUES (?, 0, 'MDT', 'dr', ?)",
                ("LIL-0000", now),
            )
            store.conn.execute(
                "INSERT INTO labels (subject_code, cancer, stage, source, entered_by, entered_at, supersedes)"
                " VALUES ('LIL-0000', 1, 'IA', 'pathology', 'dr', ?, 1)",
                (now,),
            )
            store.conn.execute(
                "INSERT INTO scores (session_id, created_at, software_version, processing_version, probability, zone)"
                " VALUES (1, ?, '0.1.0', 'p1', 0.42, 'orange')",
                (now,),
            )
        report = sync_to_central(store, site_dsn, ADMIN)
        again = sync_to_central(store, site_dsn, ADMIN)
    assert report.uploaded == 0 and report.skipped == 3
    assert report.rows["label"] == {"uploaded": 2, "skipped": 0, "failed": 0}
    assert report.rows["score"] == {"uploaded": 1, "skipped": 0, "failed": 0}
    assert again.rows["label"]["uploaded"] == 0 and again.rows["score"]["uploaded"] == 0
    with psycopg.connect(central_dsn) as conn:
        current = conn.execute(
            "SELECT cancer, stage FROM enose.current_labels WHERE subject_code = 'LIL-0000'"
        ).fetchall()
        overview = conn.execute(
            "SELECT count(*), count(probability) FROM enose.session_overview WHERE subject_pseudonym IS NOT NULL"
        ).fetchone()
    assert current == [(1, "IA")]
    assert overview == (3, 1)


def _copy_site_identity(source, target) -> None:
    with Store.open(source) as store:
        site = outbox.site_uuid(store)
    with Store.open(target) as store, store.conn:
        store.conn.execute("DELETE FROM site_identity")
        store.conn.execute("INSERT INTO site_identity (id, site_uuid, created_at) VALUES (1, ?, ?)", (site, utc_now()))


def test_central_copy_is_never_overwritten_and_the_conflict_is_reported(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        target = sync_to_central(store, site_dsn, ADMIN).target
    # The same session uuid with different content at a second installation of the same site:
    other = tmp_path / "other.db"
    write_sessions(other, 1, seed=99)
    _copy_site_identity(db, other)
    with Store.open(other) as store:
        store.conn.execute("PRAGMA foreign_keys=OFF")
        with store.conn:
            store.conn.execute("UPDATE sessions SET uuid = ? WHERE id = 1", (uuids[0],))
        report = sync_to_central(store, site_dsn, ADMIN)
        status = outbox.session_status(store, target)
    assert (report.uploaded, report.failed) == (0, 1)
    assert "different version" in report.failures[0]["reason"]
    assert status[0]["status"] == "failed" and "nothing was overwritten" in status[0]["reason"]
    assert central_chunks(central_dsn) == local_chunks(db)


def test_a_session_uuid_held_by_another_site_is_a_conflict_and_is_never_shown(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 1)
    with Store.open(db) as store:
        sync_to_central(store, enrol_store(db), ADMIN)
    other = tmp_path / "other.db"
    write_sessions(other, 1, seed=99)
    with Store.open(other) as store:
        store.conn.execute("PRAGMA foreign_keys=OFF")
        with store.conn:
            store.conn.execute("UPDATE sessions SET uuid = ? WHERE id = 1", (uuids[0],))
        report = sync_to_central(store, enrol_store(other, code="BRS"), ADMIN)
    assert (report.uploaded, report.failed) == (0, 1)
    assert "under another site" in report.failures[0]["reason"]
    assert "content" not in report.failures[0]["reason"]  # not even the other site's content hash leaks
    assert central_chunks(central_dsn) == local_chunks(db)


def test_a_technician_may_sync_a_researcher_may_not(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        with pytest.raises(PermissionDenied, match="researcher"):
            sync_to_central(store, site_dsn, User("r1", "researcher"))
        assert sync_to_central(store, site_dsn, User("t1", "technician")).uploaded == 1


def test_unreachable_central_database_is_a_clear_error_and_changes_nothing(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store, pytest.raises(SyncError, match="cannot connect") as caught:
        sync_to_central(store, "postgresql://enose:secret@127.0.0.1:1/nowhere", ADMIN)
    assert "secret" not in str(caught.value)
    with Store.open(db) as store:
        assert store.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0


def test_every_sync_is_audited_and_anchored_centrally(tmp_path, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        head_before_second = store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        sync_to_central(store, site_dsn, ADMIN)
        entries = store.conn.execute("SELECT detail FROM audit_log WHERE action = 'sync' ORDER BY id").fetchall()
        anchors = central_anchors(site_dsn, outbox.site_uuid(store))
        local = dict(store.conn.execute("SELECT id, hash FROM audit_log"))
        assert verify(store, anchors).ok
    assert [json.loads(d)["uploaded"] for (d,) in entries] == [1, 0]
    assert [a for a, _ in anchors] == [head_before_second - 1, head_before_second]
    assert all(local[i] == h for i, h in anchors)


def _calibrate(store: Store, session_id: int | None) -> tuple[int, int]:
    """A zero-air record (from a recording) and a reference record (entered without one); a score naming it."""
    from enose.storage.analysis import add_calibration

    zero = add_calibration(store, device_serial="EN-0007", kind="zero", operator="tech1", channels=["r0", "r1"],
                           values=[10_500.0, 9_800.0], passed=True, session_id=session_id)  # fmt: skip
    reference = add_calibration(store, device_serial="EN-0007", kind="reference", operator="tech1",
                                channels=["r0", "r1"], values=[0.62, 0.71], passed=False,
                                detail={"tolerance": 0.2, "per_channel_passed": [True, False]})  # fmt: skip
    with store.conn:
        store.conn.execute(
            "INSERT INTO scores (session_id, created_at, software_version, processing_version, calibration_id,"
            " probability, zone) VALUES (1, ?, '0.1.0', 'p1', ?, 0.3, 'orange')",
            (utc_now(), zero),
        )
    return zero, reference


def test_calibration_records_travel_with_the_scores_that_name_them(tmp_path, central_dsn, enrol_store):
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        zero, reference = _calibrate(store, session_id=2)
        first = sync_to_central(store, site_dsn, ADMIN)
        again = sync_to_central(store, site_dsn, ADMIN)
        session_2 = store.session(2)["uuid"]
    assert first.rows["calibration"] == {"uploaded": 2, "skipped": 0, "failed": 0}
    assert again.rows["calibration"] == {"uploaded": 0, "skipped": 0, "failed": 0}
    with psycopg.connect(central_dsn) as conn:
        rows = conn.execute(
            'SELECT local_id, kind, session_uuid::text, passed, "values", detail FROM enose.calibrations ORDER BY local_id'
        ).fetchall()
        named = conn.execute(
            "SELECT c.kind FROM enose.scores s JOIN enose.calibrations c"
            " ON c.site_uuid = s.site_uuid AND c.local_id = s.calibration_local_id"
        ).fetchall()
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("UPDATE enose.calibrations SET passed = 1")
    assert rows[0][:4] == (zero, "zero", session_2, 1) and rows[0][4] == [10_500.0, 9_800.0]
    assert rows[1][:4] == (reference, "reference", None, 0) and rows[1][5]["per_channel_passed"] == [True, False]
    assert named == [("zero",)]


def test_a_database_from_before_calibration_sync_is_migrated_and_keeps_its_outbox(tmp_path, enrol_store):
    """Schema 4 allowed no 'calibration' outbox rows; opening it rebuilds the outbox without losing a row."""
    import sqlite3

    db = tmp_path / "site.db"
    write_sessions(db, 2)
    site_dsn = enrol_store(db)
    with Store.open(db) as store:
        sync_to_central(store, site_dsn, ADMIN)
        before = store.conn.execute("SELECT * FROM sync_outbox ORDER BY object_type, object_key").fetchall()
    raw = sqlite3.connect(db)
    with raw:  # put the file back to schema 4, as an older release left it (undo 008 to 006, then forget 005)
        raw.execute("DROP INDEX labels_supersedes")
        raw.execute("ALTER TABLE scores DROP COLUMN no_zone")
        for column in ("failed_attempts", "locked_at", "password_changed_at"):
            raw.execute(f"ALTER TABLE users DROP COLUMN {column}")
        raw.execute("DROP TABLE auth_tokens")
        raw.execute("DROP TABLE site_settings")
        raw.execute("DELETE FROM schema_version WHERE version >= 5")
        raw.execute("PRAGMA user_version = 4")
    raw.close()
    with Store.open(db) as store:
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        after = store.conn.execute("SELECT * FROM sync_outbox ORDER BY object_type, object_key").fetchall()
        _calibrate(store, session_id=None)
        report = sync_to_central(store, site_dsn, ADMIN)
    assert version >= 5 and [tuple(r) for r in after] == [tuple(r) for r in before]
    assert report.rows["calibration"]["uploaded"] == 2 and report.skipped == 2


def test_staff_names_reach_the_centre_only_as_keyed_pseudonyms(tmp_path, central_dsn, enrol_store):
    """Staff names leave the site only as pseudonyms (sessions, labels, scores, events): the site keeps the names."""
    from enose.labels import add_label

    db = tmp_path / "site.db"
    write_sessions(db, 2)
    with Store.open(db) as store:
        store.conn.execute("INSERT INTO events (session_id, t_s, kind, detail, created_at) VALUES "
                           "(1, 0.0, 'session_started', '{\"operator\": \"tech1\"}', ?)", (utc_now(),))  # fmt: skip
        store.conn.commit()
        add_label(store, User("dr-claire", "clinician"), subject_code="LIL-0000", cancer=False, histology=None,
                  stage=None, diagnosis_date=None, source="pathology")  # fmt: skip
        sync_to_central(store, enrol_store(db), ADMIN)
    with psycopg.connect(central_dsn) as conn:
        operators = {r[0] for r in conn.execute("SELECT operator FROM enose.sessions")}
        entered = {r[0] for r in conn.execute("SELECT entered_by FROM enose.labels")}
        details = " ".join(str(r[0]) for r in conn.execute("SELECT detail FROM enose.events"))
    assert len(operators) == 1 and next(iter(operators)).startswith("staff-")
    assert len(entered) == 1 and next(iter(entered)).startswith("staff-") and entered != operators
    assert "tech1" not in details and "staff-" in details
    with Store.open(db) as store:  # the site's own record keeps the name
        assert store.conn.execute("SELECT operator FROM sessions WHERE id = 1").fetchone()[0] == "tech1"
