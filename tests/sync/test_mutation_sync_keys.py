"""Exact keys, hashes, payloads and outbox states of the sync, written to kill the mutants the other tests let live.

scripts/mutation.py (modules ``payload`` and ``outbox``) runs mutmut on enose/sync/payload.py and
enose/sync/outbox.py against this file and test_sync_key_boundaries.py. No central server is needed: everything
here is the local side (what would travel, under which key, with which hash, and the outbox's bookkeeping).
Hashes are recomputed in the test from the documented recipe with hashlib and json only.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from enose.labels import add_label
from enose.security import User
from enose.storage import Store
from enose.storage.analysis import add_calibration, save_features, save_qc
from enose.sync import outbox
from enose.sync.payload import (
    BLOB_FIELDS,
    CHUNK_FIELDS,
    SESSION_FIELDS,
    SessionPayload,
    _event_detail,
    finished_session_ids,
    read_rows,
    read_session,
    row_key,
    row_sha256,
    staff_pseudonyms,
)
from tests.sync.conftest import write_sessions

ADMIN = User("admin1", "admin")
TARGET = "central-a"


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _payload() -> SessionPayload:
    session = {k: f"v-{k}" for k in SESSION_FIELDS} | {"uuid": "u-1", "n_samples": 3, "extra": "not hashed"}
    chunk = {k: i for i, k in enumerate(CHUNK_FIELDS)} | {k: k.encode() * 2 for k in BLOB_FIELDS}
    return SessionPayload(session, None, None, events=[{"t_s": 0.5, "kind": "note"}],
                          phases=[{"name": "breath", "start_s": 0.0}], chunks=[chunk, chunk | {"chunk_index": 9}])  # fmt: skip


def test_session_content_hash_follows_the_documented_recipe():
    payload = _payload()
    digest = hashlib.sha256()
    digest.update(_canonical({"session": {k: payload.session[k] for k in SESSION_FIELDS},
                              "events": payload.events, "phases": payload.phases}))  # fmt: skip
    for chunk in payload.chunks:
        meta = {k: chunk[k] for k in CHUNK_FIELDS} | {k: hashlib.sha256(chunk[k]).hexdigest() for k in BLOB_FIELDS}
        digest.update(_canonical(meta))
    assert payload.content_sha256() == digest.hexdigest()
    assert payload.uuid == "u-1"
    assert payload.n_bytes() == 2 * sum(2 * len(k) for k in BLOB_FIELDS)


def test_row_hash_and_keys():
    row = {"id": 5, "values": b"\x00\xff", "name": "é", "session_uuid": "u-1", "processing_version": "p1"}
    plain = {"id": 5, "values": "00ff", "name": "é", "session_uuid": "u-1", "processing_version": "p1"}
    assert row_sha256(row) == hashlib.sha256(_canonical(plain)).hexdigest()
    assert [row_key(t, row) for t in ("label", "calibration", "score", "qc", "features")] == [
        "5", "5", "5", "u-1/p1", "u-1/p1"]


def test_event_detail_pseudonymises_staff_names_only():
    def staff(name):
        return f"staff-{name}"

    assert _event_detail('{"operator": "ann", "entered_by": "bob", "x": 1}', staff) == json.dumps(
        {"entered_by": "staff-bob", "operator": "staff-ann", "x": 1}, sort_keys=True)
    assert _event_detail('{"x": 1}', staff) == '{"x": 1}'
    assert _event_detail("[1, 2]", staff) == "[1, 2]"
    assert _event_detail("not json", staff) == "not json"
    assert _event_detail("", staff) == ""
    assert _event_detail(None, staff) is None


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, 2)
    with Store.open(db) as store:
        yield store, uuids


def test_staff_pseudonyms_are_keyed_cached_and_idempotent(site):
    store, _ = site
    staff = staff_pseudonyms(store)
    first = staff("tech1")
    assert re.fullmatch(r"staff-[0-9a-f]{12}", first)
    assert staff("tech1") == first and staff_pseudonyms(store)("tech1") == first
    assert staff("tech2") != first
    assert staff(None) is None
    assert staff(first) == first
    assert staff(7) == staff("7")


def test_read_session_returns_everything_that_travels(site):
    store, uuids = site
    staff = staff_pseudonyms(store)
    payload = read_session(store, 1)
    assert payload.local_id == 1 and payload.uuid == uuids[0]
    assert set(payload.session) == set(SESSION_FIELDS)
    assert payload.session["operator"] == staff("tech1")
    assert payload.subject["code"] == "LIL-0000" and payload.subject["smoking"] == "former"
    assert payload.device["serial"] == "EN-0007" and payload.device["model"] == "enose-32"
    assert [(e["kind"], e["t_s"]) for e in payload.events] == [("note", 0.5)]
    assert payload.phases == [{"name": "breath", "inlet": 1, "start_s": 0.0, "end_s": 2.0}]
    assert [c["chunk_index"] for c in payload.chunks] == [0, 1]
    assert set(payload.chunks[0]) == set(CHUNK_FIELDS) | set(BLOB_FIELDS)
    assert read_session(store, 2).uuid == uuids[1]
    with pytest.raises(LookupError) as error:
        read_session(store, 99)
    assert str(error.value) == "no session 99"


def test_finished_session_ids_oldest_first(site):
    store, _ = site
    assert finished_session_ids(store) == [1, 2]


def _rows(store) -> None:
    save_qc(store, 1, "p1", True, [])
    save_qc(store, 2, "p1", False, [{"code": "x"}])
    save_features(store, [1, 2], "p1", ["f1"], np.array([[1.0], [2.0]]))
    add_label(store, ADMIN, subject_code="LIL-0000", cancer=True, histology=None, stage=None, diagnosis_date=None,
              source="pathology")  # fmt: skip
    add_calibration(store, device_serial="EN-0007", kind="zero", operator="tech2", channels=["mox0"], values=[1.0])


def test_read_rows_names_the_session_and_pseudonymises_staff(site):
    store, uuids = site
    _rows(store)
    staff = staff_pseudonyms(store)
    qc = read_rows(store, "qc")
    assert [(r["session_id"], r["session_uuid"], r["processing_version"]) for r in qc] == [
        (1, uuids[0], "p1"), (2, uuids[1], "p1")]
    labels = read_rows(store, "label")
    assert [(r["id"], r["subject_code"], r["entered_by"]) for r in labels] == [(1, "LIL-0000", staff("admin1"))]
    assert "session_uuid" not in labels[0]
    (calibration,) = read_rows(store, "calibration")
    assert (calibration["operator"], calibration["session_uuid"]) == (staff("tech2"), None)
    assert [r["session_uuid"] for r in read_rows(store, "features")] == uuids


def test_site_uuid_is_created_once(site):
    store, _ = site
    first = outbox.site_uuid(store)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", first)
    assert outbox.site_uuid(store) == first


def test_enqueue_pending_mark_status_and_counts(site):
    store, uuids = site
    _rows(store)
    assert outbox.enqueue(store, TARGET) == {"session": 2, "label": 1, "calibration": 1, "score": 0, "qc": 2,
                                             "features": 2}  # fmt: skip
    assert outbox.enqueue(store, TARGET) == {"session": 0, "label": 0, "calibration": 0, "score": 0, "qc": 0,
                                             "features": 0}  # fmt: skip
    assert outbox.enqueue(store, "central-b")["session"] == 2
    assert outbox.pending(store, TARGET, "session") == uuids
    assert outbox.pending(store, TARGET, "qc") == [f"{uuids[0]}/p1", f"{uuids[1]}/p1"]
    assert outbox.pending(store, TARGET, "label") == ["1"]

    outbox.mark(store, TARGET, "session", uuids[0], "synced", content_sha256="abc")
    outbox.mark(store, TARGET, "session", uuids[1], "failed", reason="refused")
    outbox.mark(store, TARGET, "session", uuids[1], "failed", reason="refused again")
    assert outbox.pending(store, TARGET, "session") == [uuids[1]]
    status = outbox.session_status(store, TARGET)
    assert [(r["session_id"], r["uuid"], r["target"], r["status"], r["reason"], r["attempts"]) for r in status] == [
        (1, uuids[0], TARGET, "synced", None, 1), (2, uuids[1], TARGET, "failed", "refused again", 2)]
    assert status[0]["updated_at"]
    assert len(outbox.session_status(store)) == 4  # both targets
    assert outbox.counts(store, TARGET) == {"session": {"synced": 1, "failed": 1}, "label": {"pending": 1},
                                            "calibration": {"pending": 1}, "qc": {"pending": 2},
                                            "features": {"pending": 2}}  # fmt: skip
    sha = store.conn.execute("SELECT content_sha256 FROM sync_outbox WHERE object_key = ? AND target = ?",
                             (uuids[0], TARGET)).fetchone()[0]  # fmt: skip
    assert sha == "abc"

    save_qc(store, 1, "p1", False, [{"code": "y"}])  # a recomputation: queued again, pending again
    assert outbox.enqueue(store, TARGET)["qc"] == 1


def test_a_never_queued_session_shows_as_pending_without_target(site):
    store, uuids = site
    rows = outbox.session_status(store)
    assert [(r["uuid"], r["target"], r["status"], r["attempts"]) for r in rows] == [
        (uuids[0], None, "pending", 0), (uuids[1], None, "pending", 0)]
    assert outbox.session_status(store, TARGET) == [
        {"session_id": 1, "uuid": uuids[0], "target": None, "status": "pending", "reason": None, "attempts": 0,
         "updated_at": None},
        {"session_id": 2, "uuid": uuids[1], "target": None, "status": "pending", "reason": None, "attempts": 0,
         "updated_at": None},
    ]


def test_event_detail_without_staff_keeps_its_exact_text():
    assert _event_detail('{"b":1,"a":2}', lambda name: "staff-x") == '{"b":1,"a":2}'


def _session(store, *, subject_code=None, device_serial=None, finish=True):
    from tests.sync.conftest import LAYOUT

    writer = store.create_session(operator="tech1", layout=LAYOUT, period_ms=10, protocol={},
                                  subject_code=subject_code, device_serial=device_serial)  # fmt: skip
    if finish:
        writer.event("handover", 0.1, operator="tech1", note="n")
        writer.finish("complete")
    return writer


def test_a_session_without_subject_or_device_and_its_events_exactly(site):
    store, _ = site
    writer = _session(store)
    payload = read_session(store, writer.session_id)
    assert (payload.subject, payload.device, payload.chunks, payload.phases) == (None, None, [], [])
    (event,) = payload.events
    assert list(event) == ["t_s", "kind", "detail", "created_at"]
    assert (event["t_s"], event["kind"]) == (0.1, "handover")
    assert json.loads(event["detail"]) == {"operator": staff_pseudonyms(store)("tech1"), "note": "n"}


def test_pending_sessions_follow_the_session_order_not_the_queue_order(site):
    store, uuids = site
    running = _session(store, finish=False)
    later = _session(store)
    assert finished_session_ids(store) == [1, 2, later.session_id]  # the running one is not over
    outbox.enqueue(store, TARGET)
    running.finish("complete")
    outbox.enqueue(store, TARGET)
    uuid_of = dict(store.conn.execute("SELECT id, uuid FROM sessions"))
    assert outbox.pending(store, TARGET, "session") == [*uuids, uuid_of[running.session_id], uuid_of[later.session_id]]


def test_staff_pseudonyms_use_the_staff_domain_of_the_site_key(site):
    from enose.security.pseudonyms import keyed_pseudonym, site_secret

    store, _ = site
    assert staff_pseudonyms(store)("tech1") == keyed_pseudonym(site_secret(store), "staff", "tech1", "staff-")
    assert keyed_pseudonym(site_secret(store), "subject", "tech1", "staff-") != staff_pseudonyms(store)("tech1")
