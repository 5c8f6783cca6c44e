"""Misuse and faults of issue 13, driven as a user would: the real CLI in a subprocess, the emulator on a
real pseudo-terminal, real SQLite files. Each case ends in a correct result or a clear one-line message
with a non-zero exit, and nothing is stored under a wrong status.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from enose.acquisition import CalibrationProtocol, ScreeningProtocol
from enose.acquisition.protocol import MAX_STEP_S
from enose.recording import ChannelLayout
from enose.security import verify
from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

TOO_BIG_ID = "99999999999999999999"  # beyond SQLite's 64-bit row ids


def _enose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True, timeout=180,
                          env=env)  # fmt: skip


def _screen_and_interrupt(port: str, db: Path, subject: str, signals: int) -> tuple[int, str, str]:
    """Start ``enose screen``, send ``signals`` SIGINTs once its progress says the breath phase began.

    Progress goes to stderr one line per step when stderr is not a terminal (here a pipe), so the
    breath line is awaited, not a wall-clock delay. A watchdog kills a hung run so the test fails, not hangs.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "enose.cli", "screen", "--port", port, "--subject", subject, "--db", str(db),
         "--baseline-s", "10", "--breath-s", "1200", "--purge-s", "10", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("breath"):
                break
        else:
            pytest.fail(f"the breath phase never started: {''.join(seen)}")
        for _ in range(signals):
            process.send_signal(signal.SIGINT)
        out, err = process.communicate()
    finally:
        watchdog.cancel()
    return process.returncode, out, "".join(seen) + err


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A database with one complete screening, then one stopped with Ctrl-C in its breath phase."""
    db = tmp_path_factory.mktemp("ctrlc") / "clinic.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        complete = _enose("screen", "--port", server.path, "--subject", "INT-0001", "--db", str(db), "--json",
                          "--no-progress", "--baseline-s", "10", "--breath-s", "20", "--purge-s", "10")  # fmt: skip
        assert complete.returncode == 0, complete.stderr
        code, out, err = _screen_and_interrupt(server.path, db, "INT-0002", signals=1)
    return db, json.loads(complete.stdout), code, out, err


def _session(db: Path, session_id: int) -> tuple[dict, list[str], list[dict]]:
    with Store.open(db, create=False) as store:
        row = store.session(session_id)
        phases = [p.name for p in store.phases(session_id)]
        events = store.events(session_id)
    return row, phases, events


def test_ctrl_c_in_the_breath_phase_stores_the_session_as_aborted_with_its_samples(interrupted):
    db, complete, code, out, err = interrupted
    assert code == 1, err
    summary = json.loads(out)
    assert summary["status"] == "aborted" and "Ctrl-C" in summary["error"]
    assert summary["session_id"] == complete["session_id"] + 1
    row, phases, events = _session(db, summary["session_id"])
    assert row["status"] == "aborted"
    assert phases == ["warmup", "baseline"]  # the breath phase never ended: it is not recorded as a phase
    assert row["n_samples"] == summary["samples"] > 0
    (aborted,) = [e for e in events if e["kind"] == "aborted_by_operator"]
    assert aborted["detail"]["how"] == "ctrl-c"
    assert "Traceback" not in err
    with Store.open(db) as store:
        assert verify(store).ok  # an aborted session is sealed with everything it holds, like a complete one


def test_features_succeed_on_a_database_holding_an_aborted_session(interrupted, tmp_path):
    db, complete, _, out, _ = interrupted
    aborted_id = json.loads(out)["session_id"]
    table = tmp_path / "f.csv"
    result = _enose("features", "--db", str(db), "--out", str(table), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert [int(r["session_id"]) for r in csv.DictReader(table.open())] == [complete["session_id"]]
    result = _enose("features", "--db", str(db), "--out", str(table), "--no-progress", "--all-statuses")
    assert result.returncode == 0, result.stderr
    assert f"skipped session {aborted_id} (aborted): MissingPhaseError" in result.stderr
    assert [int(r["session_id"]) for r in csv.DictReader(table.open())] == [complete["session_id"]]


def test_features_skip_each_session_they_cannot_analyse_and_keep_the_others(interrupted, tmp_path):
    """A session stored ``complete`` without a breath phase (the old bug) and a ``running`` one without samples."""
    source, complete, _, out, _ = interrupted
    db = tmp_path / "old.db"
    shutil.copy(source, db)
    broken_id = json.loads(out)["session_id"]
    with Store.open(db, create=False) as store:
        store.conn.execute("UPDATE sessions SET status = 'complete' WHERE id = ?", [broken_id])
        store.conn.commit()
        layout = ChannelLayout.from_json(json.loads(store.session(complete["session_id"])["channels"]))
        running_id = store.create_session(operator="t", layout=layout, period_ms=10, protocol={}).session_id
    table = tmp_path / "f.csv"
    for extra in ([], ["--all-statuses"]):
        result = _enose("features", "--db", str(db), "--out", str(table), "--no-progress", *extra)
        assert result.returncode == 0, result.stderr
        assert f"skipped session {broken_id} (complete): MissingPhaseError" in result.stderr
        assert (f"skipped session {running_id} (running)" in result.stderr) == bool(extra)
        assert [int(r["session_id"]) for r in csv.DictReader(table.open())] == [complete["session_id"]]


def test_a_second_ctrl_c_still_stores_the_session_as_aborted(tmp_path):
    db = tmp_path / "twice.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1)) as server:
        code, _, err = _screen_and_interrupt(server.path, db, "INT-0003", signals=2)
    assert code != 0
    with Store.open(db, create=False) as store:
        (row,) = store.list_sessions(None)
    assert row["status"] == "aborted", err


READ_ONLY = [
    ("sessions", "list"),
    ("qc", "--session", "1"),
    ("export", "--session", "1"),
    ("features", "--out", "f.csv"),
    ("drift", "--device", "EMU-000001"),
    ("score", "--model", "models/demo", "--session", "1"),
    ("users", "list"),
    ("audit", "verify"),
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_command_refuses_a_missing_database_and_creates_none(tmp_path, command):
    db = tmp_path / "mistyped.db"
    model_dir = str(Path(__file__).resolve().parents[2] / "models" / "demo")
    args = [model_dir if a == "models/demo" else str(tmp_path / a) if a == "f.csv" else a for a in command]
    result = _enose(*args, "--db", str(db))
    assert result.returncode == 2, result.stderr
    said = result.stderr
    assert str(db) in said and ("check --db" in said or "does not exist" in said)  # score: click's own check
    assert "Traceback" not in result.stderr
    assert not db.exists() and not (tmp_path / "f.csv").exists()


def test_without_db_a_read_only_command_does_not_create_the_default_database(tmp_path):
    env = {**os.environ, "ENOSE_DATA_DIR": str(tmp_path / "data")}
    result = _enose("sessions", "list", env=env)
    assert result.returncode == 2 and "nothing has been recorded here yet" in result.stderr
    assert not (tmp_path / "data" / "enose.db").exists()


@pytest.mark.parametrize(
    "command",
    [("qc", "--session", TOO_BIG_ID), ("export", "--session", TOO_BIG_ID),
     ("score", "--model", "models/demo", "--session", TOO_BIG_ID), ("sessions", "list", "--limit", TOO_BIG_ID)],
    ids=lambda c: c[0],
)  # fmt: skip
def test_an_id_beyond_sqlite_s_range_is_a_clear_usage_error(interrupted, command):
    db, _, _, _, _ = interrupted
    model_dir = str(Path(__file__).resolve().parents[2] / "models" / "demo")
    result = _enose(*[model_dir if a == "models/demo" else a for a in command], "--db", str(db))
    assert result.returncode == 2
    assert "is not in the range" in result.stderr and "OverflowError" not in result.stderr


def test_a_period_below_the_device_minimum_is_refused_before_anything_is_recorded(tmp_path):
    db = tmp_path / "period.db"
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=1, min_period_ms=10)) as server:
        result = _enose("screen", "--port", server.path, "--subject", "PER-0001", "--db", str(db), "--period-ms", "1",
                        "--no-progress")  # fmt: skip
    assert result.returncode == 2
    assert "1 ms is below this device's minimum of 10 ms" in result.stderr and "Traceback" not in result.stderr
    with Store.open(db, create=False) as store:
        assert store.list_sessions(None) == []
        assert store.db.execute("SELECT COUNT(*) FROM subjects").fetchone()[0] == 0


@pytest.mark.parametrize(("option", "value"), [("--baseline-s", "1e12"), ("--breath-s", "1e6"),
                                                ("--purge-s", "inf"), ("--period-ms", "1")])  # fmt: skip
def test_protocol_durations_have_an_upper_limit_with_the_reason(tmp_path, option, value):
    """``--period-ms 1`` with the default durations: 480,000 s... of samples would not fit memory either."""
    if option == "--period-ms":
        result = _enose("screen", "--port", "/dev/null", "--subject", "LIM-0001", "--db", str(tmp_path / "x.db"),
                        "--breath-s", "1800", "--baseline-s", "1800", option, value)  # fmt: skip
        assert result.returncode == 2 and "fit in the memory" in result.stderr
        return
    result = _enose("screen", "--port", "/dev/null", "--subject", "LIM-0001", "--db", str(tmp_path / "x.db"),
                    option, value)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    if value != "inf":
        assert f"at most {MAX_STEP_S:g} s" in result.stderr and "held in memory" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_calibration_steps_have_the_same_upper_limit():
    with pytest.raises(ValueError, match="at most 1800 s"):
        CalibrationProtocol("zero", zero_s=1e6)
    with pytest.raises(ValueError, match="humid_s must be 0"):
        CalibrationProtocol("zero", humid_s=-1)
    assert CalibrationProtocol("zero", humid_s=0).steps()[-1][2] == 60.0  # 0 still skips the humid step
    assert ScreeningProtocol(breath_s=MAX_STEP_S).breath_s == MAX_STEP_S


def _table(tmp_path: Path, header: str, cell: str = "") -> Path:
    rng = np.random.default_rng(0)
    rows = [header]
    for i in range(40):
        rows.append(f"P{i},{rng.lognormal(i % 2):.4g},{rng.lognormal():.4g},{i % 2}")
    if cell:
        rows[3] = f"P2,{cell},1.0,0"
    path = tmp_path / "table.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("id,s1,s1,y", "", "column name 's1' appears twice (columns 2 and 3)"),
        ("id,s1,s2,y", "1e308", "row 3, column 's1': 1e+308 overflows when the column is scaled"),
        ("id,s1,s2,y", "inf", "row 3, column 's1': 'inf' is infinite or overflows"),
        ("id,s1,s2,y", "1e400", "row 3, column 's1': '1e400' is infinite or overflows"),
    ],
)
def test_train_names_a_bad_table_cell_or_column(tmp_path, header, cell, message):
    table = _table(tmp_path, header, cell)
    result = _enose("train", "--features", str(table), "--label", "y", "--group", "id", "--out",
                    str(tmp_path / "m"), "--no-locked", "--no-progress")  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "contains NaN" not in result.stderr
    assert not (tmp_path / "m").exists()


def test_train_refuses_an_existing_model_unless_forced(tmp_path):
    table = _table(tmp_path, "id,s1,s2,y")
    out = tmp_path / "m"
    out.mkdir()
    (out / "model.skops").write_bytes(b"the model in use")
    args = ["train", "--features", str(table), "--label", "y", "--group", "id", "--out", str(out), "--no-locked",
            "--candidates", "logreg", "--bootstrap", "0", "--ci-rounds", "50", "--permutations", "0", "--no-progress",
            "--json"]  # fmt: skip
    refused = _enose(*args)
    assert refused.returncode == 2 and "already holds a model" in refused.stderr and "--force" in refused.stderr
    assert (out / "model.skops").read_bytes() == b"the model in use"
    forced = _enose(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / "model.skops").read_bytes() != b"the model in use"
