"""The report's content is plain HTML built without Qt; Qt only lays it out into a PDF."""

from __future__ import annotations

import subprocess
import sys

from gui.report import build_report_html, reason_text, render_pdf

SCORED = {
    "language": "en",
    "subject": {"code": "LIL-0042", "age_years": 67, "sex": "M", "smoking": "former", "pack_years": 35.5,
                "copd": 1, "previous_cancer": 0},
    "session": {"id": 7, "status": "complete", "started_at": "2025-03-01T10:00:00+00:00", "device_serial": "EMU-1",
                "operator": "claire", "n_samples": 48000, "lost_samples": 0, "interruptions": 0},
    "score": {"given": True, "probability": 0.31, "interval": [0.2, 0.45], "zone": "orange",
              "thresholds": {"rule_out": 0.1, "refer": 0.4}, "model_id": "demo-abc", "model_sha256": "f" * 64,
              "explanation": [{"factor": "age_years", "kind": "clinical", "value": 67.0, "typical": 60.0,
                               "effect": "raises"},
                              {"factor": "mox3_breath_logratio", "kind": "breath", "value": 0.4, "typical": 0.1,
                               "effect": "raises"}],
              "qc_reasons": [{"code": "calibration_overdue", "severity": "warn", "message": "overdue"}]},
    "software_version": "0.1.0",
}  # fmt: skip


def test_scored_report_has_a_patient_page_and_a_clinician_page():
    html = build_report_html(SCORED)
    patient, clinician = html.split("page-break-before:always;", 1)
    assert "Your breath test result" in patient and "Orange: discuss with the clinician" in patient
    assert "This test is not a diagnosis" in patient and "31" not in patient  # no numbers for the patient
    assert "31\u00a0%" in clinician and "20\u00a0% to 45\u00a0%" in clinician
    assert "Age 67: raises the estimated risk" in clinician
    assert "Breath measurement mox3_breath_logratio higher than typical" in clinician
    assert "The device had no recent zero-air calibration when the session was recorded." in clinician
    assert "demo-abc" in clinician and "Not a diagnosis." in clinician


def test_blocked_report_says_why_and_gives_no_probability():
    data = {**SCORED, "language": "fr",
            "score": {"given": False, "why": "blocked", "qc_reasons": [
                {"code": "too_few_breaths", "severity": "block", "message": "Too few valid breath cycles."}]}}  # fmt: skip
    html = build_report_html(data)
    assert "No result: the recording failed its quality check" in html
    assert "Estimated probability" not in html
    assert "35,5" in html  # French decimal comma
    assert reason_text({"code": "unknown_code", "message": "core words"}) == "core words"


def test_report_module_needs_no_qt():
    code = "import sys; import gui.report; assert 'PySide6' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


def test_pdf_is_written_owner_only(qapp, tmp_path):
    import os
    import stat

    (tmp_path / "r.pdf").write_bytes(b"an older report, world-readable")
    os.chmod(tmp_path / "r.pdf", 0o644)
    path = render_pdf(build_report_html(SCORED), tmp_path / "r.pdf")
    data = path.read_bytes()
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert data.startswith(b"%PDF") and pages == 2  # the person's page and the clinician's, no spill-over
    assert data.rstrip().endswith(b"%%EOF")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # a report names a subject's result
