"""A score's "no zone" reasons are stored (schema 007), shown by the browser, and sealed by the fingerprint.

A probability kept for the record only is stored with the zone ``inconclusive``, like a
sample unlike the training data; ``scores.no_zone`` (JSON list of reason codes, ``[]`` when a
zone was given) tells them apart. The column came after scores were sealed in the audit trail:
a score sealed before it must still verify, and an edit of the column must still show.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from enose.browse import ZONE_CHOICES, SessionFilter, browse_sessions, count_sessions
from enose.model.scoring import _insert_score
from enose.security import User, verify
from enose.security.integrity import content_problems, fingerprint, schema_problems
from enose.storage import Store, migrations
from enose.storage.store import utc_now
from enose.sync.payload import read_rows, row_sha256
from tests.sync.conftest import write_sessions

CLINICIAN = User("clin1", "clinician")
NO_ZONE_CODES = '["humidity_not_measured"]'


def _score(store: Store, session_id: int, zone: str, no_zone: str | None = None) -> int:
    """A score stored the way :func:`enose.model.scoring.score_session` stores one (row, audit entry, fingerprint)."""
    row = {"session_id": session_id, "created_at": utc_now(), "operator": "clin1", "software_version": "0.1.0",
           "processing_version": "p1", "calibration_id": None, "qc_reasons": "[]", "model_id": "demo-1",
           "model_sha256": "abc", "probability": 0.4, "interval_low": 0.3, "interval_high": 0.5, "zone": zone,
           "ood": 0, "explanation": "[]"}  # fmt: skip
    if no_zone is not None:
        row["no_zone"] = no_zone
    return _insert_score(store, row)


def _fingerprint_before_007(conn: sqlite3.Connection, score_id: int) -> str:
    """The fingerprint as releases before schema 007 computed it: the whole row, every column."""
    cursor = conn.execute("SELECT * FROM scores WHERE id = ?", (score_id,))
    row = cursor.fetchone()
    body = {d[0]: v for d, v in zip(cursor.description, row, strict=True)}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _sealed(conn: sqlite3.Connection, score_id: int) -> str:
    detail = conn.execute("SELECT detail FROM audit_log WHERE object_type = 'score' AND object_id = ? ORDER BY id",
                          (str(score_id),)).fetchall()[-1][0]  # fmt: skip
    return json.loads(detail)["fingerprint"]


def _raw_edit(db_path, statement: str, params: tuple = ()) -> None:
    """Edit a score in the file as an attacker would: drop the no-update trigger, edit, put the trigger back."""
    raw = sqlite3.connect(db_path, isolation_level=None)
    trigger = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'scores_never_updated'").fetchone()[0]
    raw.execute("DROP TRIGGER scores_never_updated")
    raw.execute(statement, params)
    raw.execute(trigger)
    raw.close()


# -- schema ----------------------------------------------------------------------------------------


def test_migration_007_adds_no_zone_with_an_empty_default(db_path):
    with Store.open(db_path) as store:
        columns = {r[1]: r for r in store.conn.execute("PRAGMA table_info(scores)")}
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        described = store.conn.execute("SELECT description FROM schema_version WHERE version = 7").fetchone()
        assert schema_problems(store.conn) == []
    assert migrations.MIGRATIONS[6].version == 7 and version == len(migrations.MIGRATIONS) >= 7
    assert described == ("score no zone",)
    _, _, kind, not_null, default, _ = columns["no_zone"]
    assert (kind, not_null, default) == ("TEXT", 1, "'[]'")


# -- fingerprints ----------------------------------------------------------------------------------


def test_a_score_sealed_before_the_migration_still_verifies_after_it(db_path, monkeypatch):
    """A database written by a release at schema 6, then opened by this one: nothing reads as tampered."""
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        assert "no_zone" not in {r[1] for r in store.conn.execute("PRAGMA table_info(scores)")}
        score_id = _score(store, 1, "inconclusive")
        old = _fingerprint_before_007(store.conn, score_id)
        assert _sealed(store.conn, score_id) == old  # what an older release would have sealed
    monkeypatch.undo()
    with Store.open(db_path) as store:  # brought forward to 007
        assert store.conn.execute("SELECT no_zone FROM scores WHERE id = ?", (score_id,)).fetchone() == ("[]",)
        assert fingerprint(store.conn, "score", score_id) == old
        assert content_problems(store.conn).problems == []
        report = verify(store)
    assert report.ok, report.problems
    assert report.records_covered >= 2  # the session and the score


def test_a_no_zone_score_is_covered_by_its_fingerprint(db_path):
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        given = _score(store, 1, "green")
        kept = _score(store, 1, "inconclusive", NO_ZONE_CODES)
        assert verify(store).ok
        # a zoned score hashes as before the column existed; a no-zone score's codes are in its fingerprint
        assert fingerprint(store.conn, "score", given) == _fingerprint_before_007(_without_no_zone(store), given)
        assert fingerprint(store.conn, "score", kept) != fingerprint(_with_no_zone(store, kept, "[]"), "score", kept)


def _without_no_zone(store: Store) -> sqlite3.Connection:
    """A copy of the scores table as a release before 007 had it."""
    copy = sqlite3.connect(":memory:")
    cursor = store.conn.execute("SELECT * FROM scores")
    names = [d[0] for d in cursor.description if d[0] != "no_zone"]
    copy.execute(f"CREATE TABLE scores ({', '.join(names)})")
    copy.executemany(f"INSERT INTO scores VALUES ({', '.join('?' * len(names))})",
                     store.conn.execute(f"SELECT {', '.join(names)} FROM scores"))  # fmt: skip
    return copy


def _with_no_zone(store: Store, score_id: int, value: str) -> sqlite3.Connection:
    copy = sqlite3.connect(":memory:")
    store.conn.backup(copy)
    copy.execute("DROP TRIGGER scores_never_updated")
    copy.execute("UPDATE scores SET no_zone = ? WHERE id = ?", (value, score_id))
    return copy


@pytest.mark.parametrize(
    ("which", "value"),
    [("kept", "[]"), ("kept", '["no_calibration"]'), ("given", '["protocol_mismatch"]')],
    ids=["codes-cleared", "codes-changed", "codes-added"],
)
def test_an_edit_of_no_zone_in_the_file_is_reported(db_path, which, value):
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        ids = {"given": _score(store, 1, "green"), "kept": _score(store, 1, "inconclusive", NO_ZONE_CODES)}
        assert verify(store).ok
    _raw_edit(db_path, "UPDATE scores SET no_zone = ? WHERE id = ?", (value, ids[which]))
    with Store.open(db_path) as store:
        report = verify(store)
    assert not report.ok
    assert report.problems == [f"score {ids[which]} was changed after it was recorded (its row no longer match the "
                               "audit trail)"]  # fmt: skip


# -- browsing --------------------------------------------------------------------------------------


@pytest.fixture
def browsed(db_path):
    """Sessions 1-5: green; inconclusive (unlike the training data); no zone; no score; no zone, then green."""
    write_sessions(db_path, 5)
    with Store.open(db_path) as store:
        _score(store, 1, "green")
        _score(store, 2, "inconclusive")
        _score(store, 3, "inconclusive", NO_ZONE_CODES)
        _score(store, 5, "inconclusive", '["protocol_mismatch", "no_calibration"]')
        _score(store, 5, "green")
    return db_path


def test_the_browser_shows_no_zone_for_a_newest_score_kept_for_the_record_only(browsed):
    with Store.open(browsed) as store:
        zones = {row.id: row.zone for row in browse_sessions(store, CLINICIAN)}
        hidden = {row.zone for row in browse_sessions(store, User("tech1", "technician"))}
    assert zones == {1: "green", 2: "inconclusive", 3: "no_zone", 4: None, 5: "green"}
    assert hidden == {None}


@pytest.mark.parametrize(
    ("zone", "ids"),
    [("no_zone", [3]), ("inconclusive", [2]), ("green", [5, 1]), ("none", [4]), ("blocked", [])],
)
def test_the_zone_filter_tells_no_zone_from_inconclusive(browsed, zone, ids):
    assert "no_zone" in ZONE_CHOICES
    with Store.open(browsed) as store:
        rows = browse_sessions(store, CLINICIAN, SessionFilter(zone=zone))
        assert [r.id for r in rows] == ids
        assert count_sessions(store, CLINICIAN, SessionFilter(zone=zone)) == len(ids)


def test_an_unknown_zone_filter_is_still_refused(browsed):
    with Store.open(browsed) as store, pytest.raises(ValueError, match="no_zone"):
        browse_sessions(store, CLINICIAN, SessionFilter(zone="nozone"))


# -- what travels to the central database ----------------------------------------------------------


def test_no_zone_travels_only_when_not_empty_so_synced_scores_keep_their_hash(db_path):
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        _score(store, 1, "green")
        _score(store, 1, "inconclusive", NO_ZONE_CODES)
        given, kept = read_rows(store, "score", staff=lambda name: name)
    assert "no_zone" not in given and kept["no_zone"] == NO_ZONE_CODES
    before_007 = ("id", "session_id", "created_at", "operator", "model_id", "model_sha256", "software_version",
                  "processing_version", "calibration_id", "probability", "interval_low", "interval_high", "zone", "ood",
                  "explanation", "qc_reasons", "session_uuid")  # fmt: skip
    assert set(given) == set(before_007)
    assert row_sha256(given) == row_sha256({k: given[k] for k in before_007})
    assert row_sha256(kept) != row_sha256({**kept, "no_zone": "[]"})
