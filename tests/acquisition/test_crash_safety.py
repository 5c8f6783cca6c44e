"""Acceptance: ``kill -9`` of ``enose screen`` mid-breath loses at most about a second of data.

The real CLI runs in a subprocess against the independent device on a pty; the
test waits (on the database, not on a clock) until the breath phase has been
recorded for a while, kills the recorder with SIGKILL, and then checks the file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from enose.storage import Store
from tests.acquisition.icd_device import IcdTestDevice

CHANNELS = ["mox0", "mox1", "mox2", "mox3", "temp", "rh", "p_mask", "co2"]
COMMIT_GAP_S = 1.0  # the promise: a crash loses at most about one second


def _breath_samples_committed(db_path) -> int:
    """Samples committed after the breath phase started (0 until it has)."""
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        row = connection.execute(
            "SELECT s.n_samples, e.id FROM sessions s JOIN events e ON e.session_id = s.id "
            "WHERE e.kind = 'phase_started' AND e.detail LIKE '%breath%'"
        ).fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:
        return 0  # schema not created yet
    finally:
        connection.close()


def test_kill_9_mid_breath_keeps_a_consistent_database(db_path):
    with IcdTestDevice(CHANNELS, speed=5, seed=4, warmup_s=0.5) as device:
        command = [sys.executable, "-m", "enose.cli", "screen", "--port", device.path, "--subject", "TST-0099",
                   "--db", str(db_path), "--baseline-s", "2", "--breath-s", "600", "--purge-s", "2",
                   "--period-ms", "10", "--no-progress"]  # fmt: skip
        recorder = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            breath_start = None
            while time.monotonic() < deadline and recorder.poll() is None:
                committed = _breath_samples_committed(db_path)
                if committed and breath_start is None:
                    breath_start = committed
                if breath_start is not None and committed > breath_start + 1500:
                    break
                time.sleep(0.05)  # polling the database for a condition, not waiting out a duration
            assert recorder.poll() is None, recorder.communicate()[1].decode()
            os.kill(recorder.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            recorder.wait(timeout=10)
        finally:
            if recorder.poll() is None:
                recorder.kill()
        sent_before = [s for s in device.ledger if s.host_s <= killed_at - COMMIT_GAP_S]

    connection = sqlite3.connect(db_path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    with Store.open(db_path) as store:
        (session,) = store.list_sessions()
        assert session["status"] == "interrupted"
        recording = store.load_recording(session["id"])
    stored = recording.values.tobytes()
    expected_prefix = b"".join(s.values for s in sent_before)
    assert len(sent_before) > 1000
    assert stored[: len(expected_prefix)] == expected_prefix  # all but the last second, bit-exact
    assert recording.n_samples >= len(sent_before)
