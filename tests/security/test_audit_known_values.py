"""The audit row hash pinned to its documented recipe, and a forged row whose successor was patched (issue 15).

Recipe (``enose/security/audit.py``): ``hash = SHA-256(prev_hash + canonical JSON of the row)`` over the UTF-8
bytes, where ``prev_hash`` is the 64 lower-case hex characters of the previous row's hash (64 zeros for the first
row) and the canonical JSON is the object ``{id, at, actor, action, object_type, object_id, detail}`` with sorted
keys, no spaces (``,`` and ``:``), non-ASCII characters written as themselves (not ``\\u`` escapes).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from enose.cli import cli
from enose.security import record, verify
from enose.security.audit import GENESIS_HASH, head, row_hash
from enose.storage import Store

FIXED_PREV = "ab" * 32
FIXED_ROW = {"id": 7, "at": "2024-05-06T07:08:09.123456+00:00", "actor": "tëch1", "action": "create",
             "object_type": "session", "object_id": "42", "detail": {"n": 3, "kind": "screening"}}  # fmt: skip
#: The canonical JSON of FIXED_ROW, written out by hand (sorted keys, no spaces, UTF-8 'ë').
FIXED_JSON = ('{"action":"create","actor":"tëch1","at":"2024-05-06T07:08:09.123456+00:00",'
              '"detail":{"kind":"screening","n":3},"id":7,"object_id":"42","object_type":"session"}')  # fmt: skip
#: SHA-256 of FIXED_PREV + FIXED_JSON, computed once outside the code under test.
FIXED_HASH = "78036ffef2a3e9fc036786669b969d8bbba05e1fe9d3a0f08c7c311b5dc2c12f"


def _expected_hash(prev_hash: str, row: dict) -> str:
    """The documented recipe, re-implemented here with hashlib and json only."""
    body = {k: row[k] for k in ("id", "at", "actor", "action", "object_type", "object_id", "detail")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prev_hash.encode("ascii") + text.encode("utf-8")).hexdigest()


def test_row_hash_fixed_known_value_vector():
    """Guards the planted bug "audit chain: the row hash no longer covers the previous row's hash" (fixed vector)."""
    assert hashlib.sha256((FIXED_PREV + FIXED_JSON).encode("utf-8")).hexdigest() == FIXED_HASH
    assert _expected_hash(FIXED_PREV, FIXED_ROW) == FIXED_HASH
    assert row_hash(FIXED_PREV, FIXED_ROW) == FIXED_HASH


def test_row_hash_depends_on_the_previous_hash():
    """Guards the planted bug "the row hash no longer covers the previous row's hash" (same row, other link)."""
    assert row_hash(GENESIS_HASH, FIXED_ROW) == _expected_hash(GENESIS_HASH, FIXED_ROW)
    assert row_hash(GENESIS_HASH, FIXED_ROW) != row_hash(FIXED_PREV, FIXED_ROW)
    assert row_hash("cd" * 32, FIXED_ROW) != row_hash(FIXED_PREV, FIXED_ROW)


def test_stored_chain_matches_the_documented_recipe(db_path):
    """Guards the planted bug "the row hash no longer covers the previous row's hash" in what record() stores."""
    with Store.open(db_path) as store:
        for i in range(3):
            record(store, "tëch1", "create", "session", i, kind="screening", n=i)
        rows = store.conn.execute(
            "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY id"
        ).fetchall()
    prev = GENESIS_HASH
    for row_id, at, actor, action, object_type, object_id, detail, stored_prev, stored_hash in rows:
        row = {"id": row_id, "at": at, "actor": actor, "action": action, "object_type": object_type,
               "object_id": object_id, "detail": json.loads(detail)}  # fmt: skip
        assert stored_prev == prev
        assert stored_hash == _expected_hash(prev, row)
        prev = stored_hash
    assert len(rows) == 3


def forge_row_and_patch_the_next_link(db_path: Path, row_id: int) -> None:
    """What someone holding the database file does: edit row ``row_id``, give it a fresh hash by the code's own
    recipe, patch the next row's ``prev_hash`` to it, and put the protective triggers back."""
    raw = sqlite3.connect(db_path)
    try:
        triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                               ).fetchall()  # fmt: skip
        assert len(triggers) == 2
        for name, _ in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        cols = "id, at, actor, action, object_type, object_id, detail, prev_hash"
        row_id_, at, actor, action, object_type, object_id, _detail, prev = raw.execute(
            f"SELECT {cols} FROM audit_log WHERE id = ?", (row_id,)).fetchone()  # fmt: skip
        forged_detail = {"kind": "forged"}
        forged = {"id": row_id_, "at": at, "actor": "mallory", "action": action, "object_type": object_type,
                  "object_id": object_id, "detail": forged_detail}  # fmt: skip
        forged_hash = row_hash(prev, forged)
        raw.execute("UPDATE audit_log SET actor = 'mallory', detail = ?, hash = ? WHERE id = ?",
                    (json.dumps(forged_detail, sort_keys=True, separators=(",", ":")), forged_hash, row_id))  # fmt: skip
        raw.execute("UPDATE audit_log SET prev_hash = ? WHERE id = ?", (forged_hash, row_id + 1))
        for _, sql in triggers:
            raw.execute(sql)
        raw.commit()
    finally:
        raw.close()


def test_forged_row_with_patched_next_link_fails_verify_even_with_the_anchor(db_path):
    """Guards the planted bug "the row hash no longer covers the previous row's hash": edit row 2, patch row 3's
    link, keep the triggers; verify (with and without the anchored head) and ``enose audit verify`` must fail."""
    with Store.open(db_path) as store:
        for i in range(4):
            record(store, "tech1", "label", "subject", f"LIL-000{i}")
        anchor = head(store)
        assert verify(store, [anchor]).ok
    forge_row_and_patch_the_next_link(db_path, 2)
    with Store.open(db_path) as store:
        assert head(store) == anchor, "the forgery leaves the anchored head untouched"
        for report in (verify(store), verify(store, [anchor])):
            assert not report.ok
            assert report.first_bad_id == 3
            assert any("row 3 was edited" in p for p in report.problems)
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db_path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["first_bad_id"] == 3
