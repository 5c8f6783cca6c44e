"""Derived rows (QC, features) are keyed by session *and* processing version; the central anchor catches a forged
audit row whose successor was patched (issue 15)."""

from __future__ import annotations

import json

import numpy as np
import psycopg
from click.testing import CliRunner

from enose.cli import cli
from enose.security import User
from enose.security.audit import head, verify
from enose.storage import Store
from enose.storage.analysis import save_features, save_qc
from enose.sync import outbox, sync_to_central
from enose.sync.payload import read_rows, row_key, row_sha256
from enose.sync.uploader import central_anchors
from tests.security.test_audit_known_values import forge_row_and_patch_the_next_link
from tests.sync.conftest import write_sessions

ADMIN = User("admin1", "admin")
SESSION_UUID = "0b9f5c7e-3f1d-4a0e-9a53-1c2d3e4f5a6b"


def _derive(store: Store, version: str, value: float) -> None:
    save_qc(store, 1, version, True, [])
    save_features(store, [1], version, ["f1", "f2"], np.array([[value, value + 1.0]]))


def test_derived_row_keys_name_the_processing_version():
    """Guards the planted bug "sync idempotency: the QC/features key dropped the processing version"."""
    for object_type in ("qc", "features"):
        one = row_key(object_type, {"session_uuid": SESSION_UUID, "processing_version": "p1"})
        two = row_key(object_type, {"session_uuid": SESSION_UUID, "processing_version": "p2"})
        assert one == f"{SESSION_UUID}/p1" and two == f"{SESSION_UUID}/p2"
        assert one != two


def test_outbox_queues_the_rows_of_a_new_processing_version_once(tmp_path):
    """Guards the planted bug "the QC/features key dropped the processing version", in the local outbox (no server)."""
    db = tmp_path / "site.db"
    (uuid,) = write_sessions(db, 1)
    with Store.open(db) as store:
        _derive(store, "p1", 1.0)
        first = outbox.enqueue(store, "central-a")
        _derive(store, "p2", 2.0)
        second = outbox.enqueue(store, "central-a")
        third = outbox.enqueue(store, "central-a")
        keys = {t: sorted(outbox.pending(store, "central-a", t)) for t in ("qc", "features")}
    assert (first["qc"], first["features"]) == (1, 1)
    assert (second["qc"], second["features"]) == (1, 1)
    assert (third["qc"], third["features"]) == (0, 0)
    assert keys == {"qc": [f"{uuid}/p1", f"{uuid}/p2"], "features": [f"{uuid}/p1", f"{uuid}/p2"]}


def test_second_sync_after_a_processing_version_change_uploads_the_new_rows_only(tmp_path, central_dsn):
    """Guards the planted bug "the QC/features key dropped the processing version": the new version's rows go up
    once, the old version's central copy keeps its own content hash, and a third sync sends nothing."""
    db = tmp_path / "site.db"
    (uuid,) = write_sessions(db, 1)
    with Store.open(db) as store:
        _derive(store, "p1", 1.0)
        first = sync_to_central(store, central_dsn, ADMIN)
        _derive(store, "p2", 2.0)
        second = sync_to_central(store, central_dsn, ADMIN)
        third = sync_to_central(store, central_dsn, ADMIN)
        local = {t: {r["processing_version"]: row_sha256(r) for r in read_rows(store, t)} for t in ("qc", "features")}
    for object_type in ("qc", "features"):
        assert first.rows[object_type] == {"uploaded": 1, "skipped": 0, "failed": 0}
        assert second.rows[object_type] == {"uploaded": 1, "skipped": 0, "failed": 0}
        assert third.rows[object_type] == {"uploaded": 0, "skipped": 0, "failed": 0}
    with psycopg.connect(central_dsn) as conn:
        for object_type, table in (("qc", "qc_results"), ("features", "features")):
            central = dict(conn.execute(
                f"SELECT processing_version, content_sha256 FROM enose.{table} WHERE session_uuid = %s", (uuid,)
            ).fetchall())  # fmt: skip
            assert central == local[object_type]
        values = conn.execute(
            "SELECT processing_version, \"values\" FROM enose.features WHERE session_uuid = %s ORDER BY 1", (uuid,)
        ).fetchall()  # fmt: skip
    assert [(v, np.frombuffer(bytes(b), "<f8").tolist()) for v, b in values] == [("p1", [1.0, 2.0]),
                                                                                  ("p2", [2.0, 3.0])]  # fmt: skip


def test_forged_row_with_patched_next_link_fails_against_the_central_anchor(tmp_path, central_dsn):
    """Guards the planted bug "audit chain: the row hash no longer covers the previous row's hash": after a sync
    anchored the head centrally, row 2 is edited and row 3's link patched; ``audit verify --central`` must fail."""
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store:
        from enose.security import record

        for i in range(4):
            record(store, "tech1", "label", "subject", f"LIL-000{i}")
        anchored = head(store)
        sync_to_central(store, central_dsn, ADMIN)
        site = outbox.site_uuid(store)
    anchors = central_anchors(central_dsn, site)
    assert anchored in anchors
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--db", str(db), "--central", central_dsn, "--json"])
    assert ok.exit_code == 0, ok.output
    forge_row_and_patch_the_next_link(db, 2)
    with Store.open(db) as store:
        assert not verify(store, anchors).ok
    bad = runner.invoke(cli, ["audit", "verify", "--db", str(db), "--central", central_dsn, "--json"])
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert report["ok"] is False and report["first_bad_id"] == 3
