"""Technician and QC commands end to end against the emulator: calibrate, drift, qc, features."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer


def _enose(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def calibrated_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cal") / "tech.db")
    runs = {}
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=2)) as server:
        for step, kind in enumerate(["zero", "reference", "reference"]):
            runs[step] = _enose("calibrate", "--port", server.path, "--kind", kind, "--db", db, "--zero-s", "20",
                                "--reference-s", "20", "--recovery-s", "10", "--json")  # fmt: skip
        runs["screen"] = _enose("screen", "--port", server.path, "--subject", "TEC-0001", "--db", db, "--json",
                                "--no-progress", "--breath-s", "120")  # fmt: skip
    return db, runs


def test_zero_then_commissioning_then_passing_reference_check(calibrated_db):
    _, runs = calibrated_db
    zero, commissioning, check = (json.loads(runs[i].stdout) for i in range(3))
    assert zero["passed"] and all(name.startswith("mox") for name in zero["channels"])
    assert all(v > 0 for v in zero["values"])
    assert commissioning["detail"]["commissioning"] is True
    assert check["passed"] and check["detail"]["commissioned_by"] == commissioning["calibration_id"]
    # judged on responses; a sensor the reference gas barely moves is "not assessable", not "passed"
    assessable = check["detail"]["assessable"]
    assert any(assessable) and check["detail"]["judged_on"].startswith("response")
    for judged, deviation, ok in zip(assessable, check["detail"]["deviation"], check["detail"]["per_channel_passed"],
                                     strict=True):  # fmt: skip
        assert (abs(deviation) < 0.2 and ok is True) if judged else (deviation is None and ok is None)


def test_drift_table_and_plot(calibrated_db, tmp_path):
    db, _ = calibrated_db
    png = tmp_path / "drift.png"
    result = _enose("drift", "--device", "EMU-000001", "--db", db, "--plot", str(png), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["n_zero"] == 1 and summary["n_reference"] == 2
    assert "channel_missing" not in summary["reasons"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_qc_and_features_on_the_screening(calibrated_db, tmp_path):
    db, runs = calibrated_db
    screening = json.loads(runs["screen"].stdout)
    assert screening["status"] == "complete"
    result = _enose("qc", "--session", str(screening["session_id"]), "--db", db, "--json")
    verdict = json.loads(result.stdout)
    assert verdict["passed"] == screening["qc"]["passed"]
    assert {r["code"] for r in verdict["reasons"]} == {r["code"] for r in screening["qc"]["reasons"]}
    # calibrated just before: no overdue warning; and the score was judged by the very same gate
    assert "calibration_overdue" not in {r["code"] for r in verdict["reasons"]}
    with Store.open(db) as store:
        scored = store.db.execute("SELECT qc_reasons FROM scores WHERE session_id = ?",
                                  [screening["session_id"]]).fetchone()[0]  # fmt: skip
    assert {r["code"] for r in json.loads(scored)} == {r["code"] for r in verdict["reasons"]}
    out = tmp_path / "features.csv"
    assert _enose("features", "--db", db, "--out", str(out), "--no-progress").returncode == 0
    rows = list(csv.DictReader(out.open()))
    assert [int(r["session_id"]) for r in rows] == [screening["session_id"]]
    assert any(name.startswith("mox00.") for name in rows[0])
