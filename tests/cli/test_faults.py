"""Faults of issue 13 (items 2-6), end to end: the real CLI in subprocesses, the emulator on a real
pseudo-terminal, real SQLite files. Each case ends in a correct result or a clear one-line message and a
non-zero exit; nothing is lost and nothing is stored under a wrong status.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from enose.acquisition import Acquisition
from enose.storage import Store
from enose.storage.chunks import unpack_column
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

SHORT = ("--baseline-s", "30", "--breath-s", "45", "--purge-s", "10")  # long enough for the quality gate


def _enose(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def _start_screen(port: str, db: Path, subject: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "enose.cli", "screen", "--port", port, "--subject", subject, "--db", str(db), "--json",
         *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _await_step(process: subprocess.Popen, step: str) -> list[str]:
    """Read the one-line-per-step progress (stderr is a pipe) until ``step`` begins; device time, not wall time."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(step):
            return seen
    pytest.fail(f"the {step} phase never started: {''.join(seen)}")


@pytest.fixture(scope="module")
def complete_db(tmp_path_factory) -> tuple[Path, dict]:
    """A database holding one complete screening (copied by the tests that damage it)."""
    db = tmp_path_factory.mktemp("faults") / "clinic.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        result = _enose("screen", "--port", server.path, "--subject", "FLT-0001", "--db", str(db), "--json",
                        "--no-progress", *SHORT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return db, json.loads(result.stdout)


def _copy(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / db.name
    shutil.copy(db, target)
    return target


# -- A: two `enose screen` on one port --------------------------------------------------------------------------


def test_a_second_screen_on_the_same_port_is_refused_and_the_first_is_unharmed(tmp_path):
    db = tmp_path / "clinic.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        first = _start_screen(server.path, db, "BSY-0001", "--baseline-s", "10", "--breath-s", "1200",
                              "--purge-s", "10")  # fmt: skip
        watchdog = threading.Timer(120, first.kill)
        watchdog.start()
        try:
            _await_step(first, "breath")
            second = _enose("screen", "--port", server.path, "--subject", "BSY-0002", "--db", str(db),
                            "--no-progress", *SHORT)  # fmt: skip
            first.send_signal(signal.SIGINT)  # the first recording ends only once the second has given up
            out, err = first.communicate()
        finally:
            watchdog.cancel()
    assert second.returncode == 2, second.stderr
    message = second.stderr.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("error: port busy:"), second.stderr
    assert f"used by pid {first.pid} (" in message[0] and "Traceback" not in second.stderr
    summary = json.loads(out)
    assert summary["status"] == "aborted" and summary["lost_samples"] == 0 and summary["interruptions"] == 0, err
    with Store.open(db, create=False) as store:
        sessions = store.list_sessions(None)
        assert [row["subject_code"] for row in sessions] == ["BSY-0001"]
        assert store.subject("BSY-0002") is None
        kinds = {e["kind"] for e in store.events(summary["session_id"])}
    assert not kinds & {"interruption", "gap", "device_restart_inferred"}, kinds


def test_an_interruption_before_the_first_sample_is_stored_with_a_time():
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        acquisition = Acquisition(server.path)
        acquisition.connect()
        try:
            server.unplug(for_s=2.0)
            event = acquisition._events.get(timeout=10)  # awaited: the supervisor posts it when it sees the loss
        finally:
            acquisition.close()
    assert event.kind == "interruption" and event.t_s == 0.0


def test_qc_and_score_tolerate_an_old_interruption_stored_without_a_time(complete_db, tmp_path):
    source, summary = complete_db
    db = _copy(source, tmp_path)
    with Store.open(db, create=False) as store:
        store.add_event(summary["session_id"], "interruption", None, reason="written by an older version")
    result = _enose("qc", "--session", str(summary["session_id"]), "--db", str(db), "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    verdict = json.loads(result.stdout)
    assert not verdict["passed"]
    (reason,) = [r for r in verdict["reasons"] if r["code"] == "interrupted_breath"]
    assert reason["detail"]["untimed"] == 1


# -- C: a damaged database ------------------------------------------------------------------------------------------


def _overwrite(db: Path, offset: int, data: bytes) -> None:
    with open(db, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def test_a_damaged_database_is_refused_before_the_subject_breathes(complete_db, tmp_path):
    source, _ = complete_db
    db = _copy(source, tmp_path)
    connection = sqlite3.connect(db)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    connection.close()
    _overwrite(db, (root - 1) * page_size, b"\x0d\xff\xff\xff\xff\xff\xff\xff")  # a leaf page with nonsense cells
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        result = _enose("screen", "--port", server.path, "--subject", "DMG-0001", "--db", str(db), "--no-progress",
                        *SHORT)  # fmt: skip
        assert server.stats.samples == 0  # refused before the device was even asked to stream
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: the database {db} is damaged") and "restore it from a backup" in line
    assert "Traceback" not in result.stderr


def test_a_damaged_sample_block_is_a_reported_gap_in_the_export(complete_db, tmp_path):
    import numpy as np

    source, summary = complete_db
    db = _copy(source, tmp_path)
    session_id = summary["session_id"]
    connection = sqlite3.connect(db)
    chunk, n, t_blob, values_blob = connection.execute(
        'SELECT chunk_index, n_samples, t_s, "values" FROM sample_chunks WHERE session_id = ? AND chunk_index = 5',
        (session_id,),
    ).fetchone()
    connection.close()
    raw = db.read_bytes()
    at = raw.find(values_blob[:64])  # the block's values, as stored in the file's pages
    assert at > 0 and raw.count(values_blob[:64]) == 1
    _overwrite(db, at + 16, bytes(range(200, 248)))  # flip 48 bytes inside the compressed stream
    damaged_t = unpack_column(t_blob, "<f8", (n,))  # its time column is intact: the export can name the seconds
    out = tmp_path / "s.npz"
    result = _enose("export", "--session", str(session_id), "--db", str(db), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (hole,) = report["damaged_blocks"]
    assert hole["chunk_index"] == chunk and hole["n_samples"] == n
    assert hole["t_first_s"] == damaged_t[0] and hole["t_last_s"] == damaged_t[-1]
    assert f"stored block {chunk} is damaged" in result.stderr and "are missing from the export" in result.stderr
    exported = np.load(out)
    assert report["samples"] == summary["samples"] - n == exported["t"].size
    assert not ((exported["t"] >= hole["t_first_s"]) & (exported["t"] <= hole["t_last_s"])).any()


# -- D: a full disk at the start -------------------------------------------------------------------------------------


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs user namespaces to mount a small tmpfs (a real full disk)")
def test_starting_a_screening_on_a_full_disk_says_so_and_records_nothing(complete_db, tmp_path):
    """A real full disk: a 2 MB tmpfs in a private mount namespace, filled but for 32 kB (room for SQLite's
    shared-memory index, so the file opens and reads, but not for the first write)."""
    source, _ = complete_db
    disk = tmp_path / "disk"
    disk.mkdir()
    count = tmp_path / "count.py"
    count.write_text("import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n"
                     "print(c.execute('SELECT COUNT(*) FROM sessions').fetchone()[0], "
                     "c.execute(\"SELECT COUNT(*) FROM subjects WHERE code = 'FUL-0001'\").fetchone()[0])\n")  # fmt: skip
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        script = (
            f'mount -t tmpfs -o size=2m tmpfs "{disk}" && cp "{source}" "{disk}/clinic.db" && '
            f'avail=$(df -k --output=avail "{disk}" | tail -1) && '
            f'head -c $(( (avail - 32) * 1024 )) /dev/zero > "{disk}/filler" && '
            f'"{sys.executable}" -m enose.cli screen --port "{server.path}" --subject FUL-0001 '
            f'--db "{disk}/clinic.db" --no-progress {" ".join(SHORT)}; echo "exit=$?" >&2; '
            f'"{sys.executable}" "{count}" "{disk}/clinic.db"; ls -la "{disk}"'
        )
        result = subprocess.run(["unshare", "-Urm", "sh", "-c", script], capture_output=True, text=True, timeout=180)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == "exit=2", result.stderr
    (message,) = lines[:-1]
    assert message.startswith("error: cannot write subject FUL-0001 to the database"), message
    assert "the disk holding it is full" in message and "Nothing was recorded." in message
    assert result.stdout.splitlines()[0] == "1 0", result.stdout  # the earlier session only, no new subject
    assert ".npz" not in result.stdout


# -- E: lost samples are one number ----------------------------------------------------------------------------------


def test_a_pulled_cable_gives_the_same_lost_sample_count_in_the_summary_and_in_qc(tmp_path):
    db = tmp_path / "clinic.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        process = _start_screen(server.path, db, "LST-0001", *SHORT)
        _await_step(process, "breath")  # the session's own progress, not the wall clock
        server.unplug(for_s=20.0)  # 20 s of device time without the cable, in the breath phase
        out, err = process.communicate(timeout=180)
        assert server.unplugs == 1
    summary = json.loads(out)
    qc = _enose("qc", "--session", str(summary["session_id"]), "--db", str(db), "--json")
    (reason,) = [r for r in json.loads(qc.stdout)["reasons"] if r["code"] == "lost_samples"]
    assert summary["lost_samples"] == reason["detail"]["lost"] > 1000  # about 20 s at 10 ms
    assert summary["qc"]["reasons"] and summary["interruptions"] >= 1
    # one number everywhere: the stored session (sessions list, the app's browser, exports) says the same
    listed = _enose("sessions", "list", "--db", str(db), "--json")
    (row,) = [r for r in json.loads(listed.stdout)["sessions"] if r["id"] == summary["session_id"]]
    assert row["lost_samples"] == summary["lost_samples"]
