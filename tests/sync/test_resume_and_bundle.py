"""Acceptance: a sync killed mid-upload resumes to exactly N byte-identical sessions; bundles refuse tampering.

Per-site signatures, forgeries and replays are tested in ``test_bundle_signatures.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from click.testing import CliRunner

from enose.cli import cli
from enose.security import User, site_keys
from enose.storage import Store
from enose.sync import central, outbox
from enose.sync.bundle import BundleRefused, export_bundle, import_bundle, read_bundle
from tests.sync.conftest import write_sessions
from tests.sync.test_bundle_signatures import Site, enrol
from tests.sync.test_sync import central_chunks, local_chunks

ADMIN = User("admin1", "admin")
N = 30
BLOCKED_AT = 12  # the sync is held (by a row lock) on this session, then killed


def _wait_for(condition, timeout_s: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _sync_cli(db, dsn) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "enose.cli", "sync", "--to", dsn, "--db", str(db), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())  # fmt: skip


def test_sync_killed_halfway_resumes_to_exactly_n_identical_sessions_then_transfers_nothing(tmp_path, central_dsn):
    db = tmp_path / "site.db"
    uuids = write_sessions(db, N, seconds=3.0)
    with Store.open(db) as store:
        site = outbox.site_uuid(store)
    # Hold session BLOCKED_AT: an uncommitted central row with its uuid makes the uploader wait on a lock there,
    # in the middle of its transaction, after the sessions before it were committed.
    blocker = psycopg.connect(central_dsn)
    central.migrate(blocker)
    with blocker.transaction():
        blocker.execute("INSERT INTO enose.sites (site_uuid) VALUES (%s)", (site,))
    blocker.execute(
        """INSERT INTO enose.sessions (uuid, site_uuid, local_id, content_sha256, kind, operator, started_at, status,
           software_version, protocol, channels, period_ms, n_samples, lost_samples, interruptions)
           VALUES (%s, %s, 0, 'x', 'screening', 'x', now(), 'complete', 'x', '{}', '[]', 10, 0, 0, 0)""",
        (uuids[BLOCKED_AT], site),
    )
    process = _sync_cli(db, central_dsn)
    watcher = psycopg.connect(central_dsn, autocommit=True)
    try:
        _wait_for(lambda: watcher.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'enose-sync' AND wait_event_type = 'Lock'"
        ).fetchone(), what="the sync to reach the held session")  # fmt: skip
        committed = watcher.execute("SELECT count(*) FROM enose.sessions").fetchone()[0]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    assert process.returncode == -signal.SIGKILL
    assert committed == BLOCKED_AT
    # The server notices the dead client's backend and rolls its transaction back.
    _wait_for(lambda: not watcher.execute(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'enose-sync'").fetchone(), what="the dead backend")  # fmt: skip

    second = _sync_cli(db, central_dsn)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["uploaded"] + report["skipped"] == N and report["failed"] == 0
    assert report["uploaded"] == N - BLOCKED_AT
    assert watcher.execute("SELECT count(*) FROM enose.sessions").fetchone()[0] == N
    assert watcher.execute("SELECT count(DISTINCT session_uuid) FROM enose.sample_chunks").fetchone()[0] == N
    watcher.close()
    assert central_chunks(central_dsn) == local_chunks(db)

    third = _sync_cli(db, central_dsn)
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    last = json.loads(out.strip().splitlines()[-1])
    assert (last["uploaded"], last["skipped"], last["failed"], last["bytes_uploaded"]) == (0, N, 0, 0)


@pytest.fixture
def site(tmp_path) -> Site:
    """An offline site with 0 sessions yet and its own signing key (tests write the sessions they need)."""
    root = tmp_path / "offline"
    root.mkdir()
    db = root / "offline.db"
    with Store.open(db) as store:
        uuid = outbox.site_uuid(store)
    return Site(db, root / "data", uuid, site_keys.create_site_key(root / "data"))


def test_bundle_imports_once_byte_identical_and_a_second_import_changes_nothing(tmp_path, central_dsn, site):
    write_sessions(site.db, 5)
    enrol(central_dsn, site.uuid, site.public_key, "OFF")
    bundle = site.export(tmp_path / "site.enose")
    with Store.open(site.db) as store:
        first = import_bundle(store, bundle, central_dsn, ADMIN)
        second = import_bundle(store, bundle, central_dsn, ADMIN)
    assert oct(bundle.stat().st_mode)[-3:] == "600"
    assert (first.sessions, first.uploaded, first.skipped, first.failed) == (5, 5, 0, 0)
    assert second.already_imported and (second.uploaded, second.skipped, second.failed) == (0, 5, 0)
    assert central_chunks(central_dsn) == local_chunks(site.db)
    # Later the site gets a network link: the network sync finds everything already there.
    with Store.open(site.db) as store:
        from enose.sync import sync_to_central

        report = sync_to_central(store, central_dsn, ADMIN)
    assert (report.uploaded, report.skipped) == (0, 5)


@pytest.mark.parametrize("where", ["start", "middle", "end", "last"])
def test_a_bundle_changed_by_one_byte_is_refused_with_a_clear_message(tmp_path, site, where):
    write_sessions(site.db, 2)
    bundle = site.export(tmp_path / "site.enose")
    data = bytearray(bundle.read_bytes())
    index = {"start": 3, "middle": len(data) // 2, "end": len(data) - 300, "last": len(data) - 2}[where]
    data[index] ^= 0x01
    bundle.write_bytes(bytes(data))
    with pytest.raises(BundleRefused, match="refused"):
        read_bundle(bundle, site.public_key)


def test_cli_refuses_a_tampered_bundle_and_imports_nothing(tmp_path, central_dsn, site, monkeypatch):
    write_sessions(site.db, 2)
    enrol(central_dsn, site.uuid, site.public_key, "OFF")
    monkeypatch.setenv("ENOSE_DATA_DIR", str(site.data_dir))
    bundle = tmp_path / "site.enose"
    runner = CliRunner()
    result = runner.invoke(cli, ["bundle", "export", "--out", str(bundle), "--db", str(site.db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sequence"] == 1
    data = bytearray(bundle.read_bytes())
    data[len(data) // 3] ^= 0x20
    bundle.write_bytes(bytes(data))
    result = runner.invoke(cli, ["bundle", "import", str(bundle), "--to", central_dsn, "--db", str(site.db)])
    assert result.exit_code == 1
    assert "modified or damaged" in result.output and "nothing was imported" in result.output
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM enose.sessions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM enose.bundle_imports").fetchone()[0] == 0


def test_a_bundle_signed_with_another_site_key_is_refused(tmp_path, site):
    write_sessions(site.db, 1)
    other = tmp_path / "other-key"
    site_keys.create_site_key(other)
    with Store.open(site.db) as store:
        export_bundle(store, tmp_path / "b.enose", ADMIN, data_dir=other)
    with pytest.raises(BundleRefused, match=f"signed by a key that is not site {site.uuid}'s"):
        read_bundle(tmp_path / "b.enose", site.public_key)


def test_a_bundle_carries_calibration_records(tmp_path, central_dsn, site):
    from tests.sync.test_sync import _calibrate

    write_sessions(site.db, 2)
    enrol(central_dsn, site.uuid, site.public_key, "OFF")
    with Store.open(site.db) as store:
        _calibrate(store, session_id=1)
    bundle = site.export(tmp_path / "site.enose")
    with Store.open(site.db) as store:
        report = import_bundle(store, bundle, central_dsn, ADMIN)
    assert report.rows["calibration"] == {"uploaded": 2, "skipped": 0, "failed": 0}
    assert len(read_bundle(bundle, site.public_key).rows["calibration"]) == 2
    with psycopg.connect(central_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM enose.calibrations").fetchone()[0] == 2
