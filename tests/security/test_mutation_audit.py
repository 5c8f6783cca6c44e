"""Exact reports of the audit chain check, written to kill the mutants the known-value tests let live.

scripts/mutation.py (module ``audit``) runs mutmut on enose/security/audit.py against this file and
test_audit_known_values.py. Each test tampers with a chain of known rows in one way (the protective triggers
dropped first, as an attacker with the file would) and pins the whole report: every problem text, the first
bad row, the row count and the head.
"""

from __future__ import annotations

import json

import pytest

from enose.security import User, record, verify
from enose.security.audit import entries, head
from enose.security.permissions import PermissionDenied
from enose.storage import Store

ADMIN = User("root", "admin")
TRIGGERS_GONE = [f"protective trigger {t} has been removed: the log was opened for editing"
                 for t in ("audit_log_never_updated", "audit_log_never_deleted")]  # fmt: skip


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as store:
        for i in range(4):
            record(store, "tech1", "create", "session" if i % 2 == 0 else "label", i, n=i)
        yield store


def _open_for_editing(store) -> None:
    for trigger in ("audit_log_never_updated", "audit_log_never_deleted"):
        store.conn.execute(f"DROP TRIGGER {trigger}")


def _report(store, anchors=()) -> dict:
    return verify(store, anchors, content=False).to_json()


def test_a_clean_chain_reports_its_rows_and_head(store):
    head_id, head_hash = head(store)
    assert _report(store) == {"records_covered": 0, "records_not_covered": 0, "ok": True, "rows": 4,
                              "first_bad_id": None, "problems": [], "head_id": 4, "head_hash": head_hash}  # fmt: skip
    assert head_id == 4
    assert list(_report(store)) == ["records_covered", "records_not_covered", "ok", "rows", "first_bad_id",
                                    "problems", "head_id", "head_hash"]  # fmt: skip


def test_content_is_checked_by_default(store):
    store.conn.execute("DROP TRIGGER audit_log_never_updated")
    by_default = verify(store)
    assert by_default.problems[:1] == TRIGGERS_GONE[:1]
    assert len(by_default.problems) > len(verify(store, content=False).problems)  # the schema check sees it too


def test_dropped_triggers_are_reported_without_a_row(store):
    _open_for_editing(store)
    report = _report(store)
    assert (report["ok"], report["first_bad_id"], report["problems"], report["rows"]) == (False, None, TRIGGERS_GONE, 4)


def test_a_deleted_middle_row_names_the_gap_and_the_broken_link(store):
    _open_for_editing(store)
    store.conn.execute("DELETE FROM audit_log WHERE id IN (2, 3)")
    report = _report(store)
    assert report["problems"] == TRIGGERS_GONE + [
        "entries 2..3 are missing (deleted) before row 4",
        "row 4 does not link to the row before it (a row was deleted or edited)",
    ]
    assert (report["first_bad_id"], report["rows"], report["head_id"]) == (2, 2, 4)


def test_deleted_last_rows_are_named_from_the_sequence(store):
    _open_for_editing(store)
    store.conn.execute("DELETE FROM audit_log WHERE id IN (3, 4)")
    report = _report(store)
    assert report["problems"] == TRIGGERS_GONE + ["entries 3..4 at the end of the log were deleted"]
    assert (report["first_bad_id"], report["rows"], report["head_id"]) == (3, 2, 2)


def test_every_row_deleted_is_named_from_the_sequence(store):
    _open_for_editing(store)
    store.conn.execute("DELETE FROM audit_log")
    report = _report(store)
    assert report["problems"] == TRIGGERS_GONE + ["entries 1..4 at the end of the log were deleted"]
    assert (report["first_bad_id"], report["rows"], report["head_id"], report["head_hash"]) == (1, 0, None, None)


def test_an_edited_row_is_named_and_is_the_first_bad_one(store):
    _open_for_editing(store)
    store.conn.execute("UPDATE audit_log SET detail = '{\"n\":7}' WHERE id = 3")
    store.conn.execute("UPDATE audit_log SET actor = 'x' WHERE id = 2")
    report = _report(store)
    assert report["problems"] == TRIGGERS_GONE + [
        "row 2 was edited after it was written (its hash does not match its content)",
        "row 3 was edited after it was written (its hash does not match its content)",
    ]
    assert report["first_bad_id"] == 2


def test_a_non_canonical_detail_text_is_an_edit(store):
    _open_for_editing(store)
    store.conn.execute("UPDATE audit_log SET detail = '{\"n\": 1}' WHERE id = 2")  # same JSON, other text
    assert _report(store)["problems"][2:] == [
        "row 2 was edited after it was written (its hash does not match its content)"]


def test_a_detail_that_is_not_json_is_an_edit_not_a_crash(store):
    _open_for_editing(store)
    store.conn.execute("UPDATE audit_log SET detail = 'not json' WHERE id = 4")
    assert _report(store)["problems"][2:] == [
        "row 4 was edited after it was written (its hash does not match its content)"]


def test_anchors_that_differ_are_named_and_the_lowest_bad_row_wins(store):
    _, head_hash = head(store)
    report = _report(store, [(4, head_hash), (3, "0" * 64), (2, "1" * 64), (9, head_hash)])
    assert report["problems"] == ["row 3 differs from the copy anchored in the central database",
                                  "row 2 differs from the copy anchored in the central database",
                                  "row 9 differs from the copy anchored in the central database"]  # fmt: skip
    assert (report["ok"], report["first_bad_id"]) == (False, 2)


def test_entries_newest_first_with_limit_and_object_type(store):
    rows = entries(store, ADMIN)
    assert [(r["id"], r["object_type"], r["detail"]) for r in rows] == [
        (4, "label", {"n": 3}), (3, "session", {"n": 2}), (2, "label", {"n": 1}), (1, "session", {"n": 0})]
    assert set(rows[0]) == {"id", "at", "actor", "action", "object_type", "object_id", "detail", "hash"}
    assert rows[0]["hash"] == head(store)[1]
    assert [r["id"] for r in entries(store, ADMIN, limit=2)] == [4, 3]
    assert [r["id"] for r in entries(store, ADMIN, limit=None)] == [4, 3, 2, 1]
    assert [r["id"] for r in entries(store, ADMIN, object_type="session")] == [3, 1]
    assert [r["id"] for r in entries(store, ADMIN, limit=1, object_type="label")] == [4]


def test_entries_need_the_audit_permission(store):
    with pytest.raises(PermissionDenied):
        entries(store, User("t", "technician"))


def test_entries_default_to_the_newest_hundred(store):
    for i in range(97):
        record(store, "tech1", "view", "session", i)
    rows = entries(store, ADMIN)
    assert (len(rows), rows[0]["id"], rows[-1]["id"]) == (100, 101, 2)


def test_a_relinked_row_whose_hash_was_recomputed_is_the_first_bad_one(store):
    from enose.security.audit import row_hash

    _open_for_editing(store)
    at, actor, action, object_type, object_id, detail = store.conn.execute(
        "SELECT at, actor, action, object_type, object_id, detail FROM audit_log WHERE id = 2").fetchone()
    row = {"id": 2, "at": at, "actor": actor, "action": action, "object_type": object_type, "object_id": object_id,
           "detail": json.loads(detail)}  # fmt: skip
    forged_prev = "f" * 64
    store.conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = 2",
                       (forged_prev, row_hash(forged_prev, row)))  # fmt: skip
    report = _report(store)
    assert report["problems"] == TRIGGERS_GONE + [
        "row 2 does not link to the row before it (a row was deleted or edited)",
        "row 3 does not link to the row before it (a row was deleted or edited)",
    ]
    assert report["first_bad_id"] == 2


def test_an_unreadable_log_is_reported(store):
    store.conn.execute("DROP TABLE audit_log")
    report = _report(store)
    assert report["problems"][:2] == TRIGGERS_GONE
    assert report["problems"][2] == "the audit log cannot be read: no such table: audit_log"
    assert (report["ok"], report["rows"]) == (False, 0)


def test_identifiers_in_the_detail_are_refused_by_name_and_nothing_is_written(store):
    from enose.security import AuditError

    with pytest.raises(AuditError) as error:
        record(store, "tech1", "create", "subject", "LIL-0001", name="x", birth_date="y", ok=1)
    assert str(error.value) == "audit detail may not hold identifiers or secrets (birth_date, name)"
    assert head(store)[0] == 4


def test_stored_fields_and_ids_continue_after_a_deleted_tail(store):
    _open_for_editing(store)
    store.conn.execute("DELETE FROM audit_log WHERE id IN (3, 4)")
    assert record(store, 7, 8, "session") == 5  # the id goes on from the sequence, not from the last row
    assert record(store, "tech1", "create", "session", 42) == 6
    rows = store.conn.execute("SELECT id, actor, action, object_id, prev_hash FROM audit_log WHERE id >= 5").fetchall()
    assert [tuple(r[:4]) for r in rows] == [(5, "7", "8", None), (6, "tech1", "create", "42")]
    assert rows[0][4] == store.conn.execute("SELECT hash FROM audit_log WHERE id = 2").fetchone()[0]


def test_record_inside_an_open_transaction_rolls_back_with_it(store):
    store.conn.execute("BEGIN")
    record(store, "tech1", "create", "session", 5)
    store.conn.execute("ROLLBACK")
    assert head(store)[0] == 4
    assert not store.conn.in_transaction


def test_head_of_an_empty_log(tmp_path):
    with Store.open(tmp_path / "empty.db") as empty:
        if head(empty) is not None:  # opening a store may audit its own creation
            _open_for_editing(empty)
            empty.conn.execute("DELETE FROM audit_log")
        assert head(empty) is None


def test_ids_continue_from_the_last_row_when_the_sequence_row_is_gone(store):
    store.conn.execute("DELETE FROM sqlite_sequence WHERE name = 'audit_log'")
    assert record(store, "tech1", "create", "session", 1) == 5
