"""The README's first command, `enose demo`, end to end: emulator, calibration, screening, QC, score."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from enose.model import load_model
from enose.security import verify
from enose.storage import Store


def _demo(db, *extra: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "enose.cli", "demo", "--db", str(db), "--speed", "40", "--json", "--no-progress", *extra],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_demo_calibrates_a_new_device_once_then_screens_and_scores_with_the_bundled_model(tmp_path):
    db = tmp_path / "demo.db"
    first = _demo(db)
    second = _demo(db, "--profile", "cancer", "--subject", "DEMO-0002")
    bundled = load_model(Path(__file__).resolve().parents[2] / "models" / "demo")
    assert first["calibration_before"]["kind"] == "zero" and first["calibration_before"]["passed"]
    assert "calibration_before" not in second  # still in force: not recorded again
    for summary in (first, second):
        assert summary["status"] == "complete" and summary["lost_samples"] == 0
        assert summary["qc"]["passed"]
        assert "calibration_overdue" not in {r["code"] for r in summary["qc"]["reasons"]}
        score = summary["score"]
        assert score["given"] and score["model_id"] == bundled.model_id
        assert (
            0.0 <= score["probability"] <= 1.0
            and score["calibration_id"] == first["calibration_before"]["calibration_id"]
        )
    with Store.open(db) as store:
        kinds = [row["kind"] for row in store.list_sessions()]
        audit = verify(store)
    assert sorted(kinds) == ["calibration", "screening", "screening"]
    # every session with every sample block, the calibration and both scores are sealed in the audit trail
    assert audit.ok and audit.records_covered == 6 and audit.records_not_covered == 0, audit.problems
