"""ICD revision 1.1 end to end: `enose calibrate --kind zero` measures the humidity response on a real pty,
an old-firmware device still calibrates (humidity not measured), and its screenings get no zone, with the reason."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from firmware_protocol.emulator import EmulatorConfig, EmulatorServer, UnitProfile

SHORT = ("--baseline-s", "30", "--breath-s", "60", "--purge-s", "30", "--no-progress", "--json")


def _enose(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True, timeout=180)


def _calibrate(port: str, db: str) -> dict:
    run = _enose("calibrate", "--port", port, "--kind", "zero", "--db", db, "--zero-s", "20", "--humid-s", "20", "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("humid") / "clinic.db")
    out = {}
    with EmulatorServer(EmulatorConfig(serial="REV11-0001", speed=40, warmup_s=2)) as server:
        out["new"] = _calibrate(server.path, db)
    with EmulatorServer(EmulatorConfig(serial="OLDFW-0001", speed=40, warmup_s=2, humidifier=False)) as server:
        out["old"] = _calibrate(server.path, db)
        screen = _enose("screen", "--port", server.path, "--subject", "OLD-0001", "--db", db, *SHORT)
        out["old_screen"] = json.loads(screen.stdout)
    with EmulatorServer(EmulatorConfig(serial="NEVER-0001", speed=40, warmup_s=2)) as server:
        screen = _enose("screen", "--port", server.path, "--subject", "NEV-0001", "--db", db, *SHORT)
        out["never_screen"] = json.loads(screen.stdout)
    return out


def test_a_revision_1_1_device_gets_its_measured_humidity_sensitivity(runs):
    humidity = runs["new"]["detail"]["humidity"]
    assert runs["new"]["passed"] is True and humidity["status"] == "measured"
    truth = UnitProfile.from_serial("REV11-0001", 8).humidity_coeff / 100
    np.testing.assert_allclose(humidity["sensitivity_per_pct"], truth, rtol=0.03)
    assert humidity["per_channel_passed"] == [True] * 8 and humidity["rh_humid_pct"] > 75


def test_old_firmware_still_calibrates_dry_and_says_humidity_was_not_measured(runs):
    old = runs["old"]
    assert old["passed"] is True and all(v > 0 for v in old["values"])
    assert old["detail"]["humidity"]["status"] == "not_measured"
    assert old["detail"]["humidity"]["code"] == "humidifier_unavailable"
    assert "firmware before ICD revision 1.1" in old["detail"]["humidity"]["reason"]


@pytest.mark.parametrize(("run", "code"), [("old_screen", "humidity_not_measured"), ("never_screen", "no_calibration")])
def test_a_screening_without_a_humidity_calibration_gets_a_probability_but_no_zone(runs, run, code):
    score = runs[run]["score"]
    assert score["given"] is True and 0.0 <= score["probability"] <= 1.0  # kept for the record
    assert score["zone"] == "inconclusive" and score["zone_text"].startswith("no zone")
    assert code in [reason["code"] for reason in score["no_zone"]]
    assert score["humidity_calibration"]["in_force"] is False
