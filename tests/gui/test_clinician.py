"""A clinician screens a subject on the emulated device, from the first start to the PDF report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from enose.storage import Store
from gui import accounts
from gui.app import Shell

from .conftest import PASSWORD

LEFT = Qt.MouseButton.LeftButton


def fill_subject(qtbot, wizard, code: str = "LIL-0042") -> None:
    page = wizard.subject_page
    qtbot.keyClicks(page.code, code)
    page.age.setValue(67)
    page.sex.setCurrentIndex(page.sex.findData("M"))
    page.smoking.setCurrentIndex(page.smoking.findData("former"))
    page.pack_years.setValue(35.0)
    page.copd.setCurrentIndex(page.copd.findData(1))
    page.previous_cancer.setCurrentIndex(page.previous_cancer.findData(0))


def tick_checklist(qtbot, wizard) -> None:
    for check in wizard.checklist_page.checks:
        check.setChecked(True)


def test_full_screening_from_first_start_to_pdf_report(qtbot, gui_context, tmp_path, monkeypatch):
    context = gui_context
    shell = Shell(context, quit_app=False)
    shell.start()
    # First start: no account exists, the administrator creates theirs.
    first = shell.first_start
    assert first is not None and first.isVisible()
    qtbot.addWidget(first)
    first.password.setText(PASSWORD)
    first.confirm.setText(PASSWORD)
    qtbot.mouseClick(first.create, LEFT)
    assert accounts.has_any_admin(context.db_path)
    # The administrator creates the clinician's account.
    sign_in = shell.sign_in
    qtbot.addWidget(sign_in)
    sign_in.username.setText("admin")
    sign_in.password.setText("wrong password")
    assert not sign_in.try_sign_in()
    assert sign_in.message.text() == "Unknown user name or wrong password."
    sign_in.password.setText(PASSWORD)
    sign_in.workspace.setCurrentIndex(sign_in.workspace.findData("clinician"))
    with qtbot.waitSignal(shell.window_opened):
        qtbot.mouseClick(sign_in.sign_in, LEFT)
    from gui.login import AccountsDialog

    dialog = AccountsDialog(context, shell.window)
    qtbot.addWidget(dialog)
    dialog.username.setText("claire")
    dialog.password.setText(PASSWORD)
    dialog.role.setCurrentIndex(dialog.role.findData("clinician"))
    assert dialog.try_add(), dialog.message.text()
    shell.window.sign_out()
    # The clinician signs in; a clinician cannot open the technician's workspace (no calibration right).
    sign_in = shell.sign_in
    qtbot.addWidget(sign_in)
    sign_in.username.setText("claire")
    sign_in.password.setText(PASSWORD)
    sign_in.workspace.setCurrentIndex(sign_in.workspace.findData("technician"))
    assert not sign_in.try_sign_in()
    assert "cannot open this workspace" in sign_in.message.text()
    sign_in.password.setText(PASSWORD)
    sign_in.workspace.setCurrentIndex(sign_in.workspace.findData("clinician"))
    with qtbot.waitSignal(shell.window_opened):
        qtbot.mouseClick(sign_in.sign_in, LEFT)
    window = shell.window
    qtbot.addWidget(window)
    wizard = window.screens["screening"]

    # Subject: a name is refused, a study code is accepted.
    qtbot.keyClicks(wizard.subject_page.code, "john smith")
    assert not wizard.next_button.isEnabled()
    assert "study code" in wizard.subject_page.code_error.text()
    wizard.subject_page.code.clear()
    fill_subject(qtbot, wizard)
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, LEFT)
    # Checklist: every point must be ticked; no device is plugged in, so the emulator is offered.
    assert wizard.pages.currentIndex() == 1
    assert not wizard.next_button.isEnabled()
    assert wizard.checklist_page.picker.hint.isVisibleTo(wizard) or context.devices.has_hardware()
    tick_checklist(qtbot, wizard)
    assert wizard.next_button.isEnabled()
    with qtbot.waitSignal(wizard.screening_finished, timeout=60_000) as finished:
        qtbot.mouseClick(wizard.next_button, LEFT)
        qtbot.waitUntil(lambda: wizard.recording_page.plot.frames > 0, timeout=30_000)
        assert wizard.recording_page.link.state in ("green", "amber", "off")
    outcome = finished.args[0]
    assert outcome.status == "complete", outcome
    assert outcome.n_samples > 0 and outcome.lost_samples == 0
    assert wizard.pages.currentIndex() == 3
    page = wizard.result_page
    # A score, or the plain reason why none could be given (never an invented one).
    score = outcome.score
    if score["given"]:
        assert score["zone"] in ("green", "orange", "red", "inconclusive")
        assert "Estimated probability" in page.probability.text()
        # the emulated unit was never calibrated: no humidity calibration in force, so no zone, and the page says why
        assert "no_calibration" in [reason["code"] for reason in score["no_zone"]]
        assert (
            page.zone_name == "no_zone" and page.zone.text() == "No zone: the probability is kept for the record only"
        )
        assert "Device EMU-000001 had no humidity calibration in force" in page.details.text()
        assert score["model_id"] in page.model.text()
        # the emulator's unit is not one the bundled model was trained on: the page says what that means
        assert score["unit_in_training"] is False
        assert "was not among the units this model was trained on" in page.details.text()
    else:
        assert page.probability.text() == "No score was given."
        assert page.details.text()
    assert "not a diagnosis" in page.disclaimer.text()

    with Store.open(context.db_path) as store:
        session = store.session(outcome.session_id)
        subject = store.subject("LIL-0042")
    assert session["status"] == "complete" and session["operator"] == "claire"
    assert subject["age_years"] == 67 and subject["smoking"] == "former" and subject["copd"] == 1

    target = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.report_saved) as saved:
        qtbot.mouseClick(page.save_button, LEFT)
    assert saved.args == [str(target)]
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    html = page.report_html()
    assert "Your breath test result" in html and "clinician report" in html and "LIL-0042" in html
    window.close()


def test_abort_mid_breath_keeps_the_data(qtbot, users):
    context = users
    context.protocol.breath_s = 120.0  # 6 s of wall time at 20x: room to abort in the middle
    from .conftest import open_workspace

    window = open_workspace(qtbot, context, "claire", "clinician")
    wizard = window.screens["screening"]
    fill_subject(qtbot, wizard, "LIL-0099")
    qtbot.mouseClick(wizard.next_button, LEFT)
    tick_checklist(qtbot, wizard)
    with qtbot.waitSignal(wizard.screening_finished, timeout=60_000) as finished:
        qtbot.mouseClick(wizard.next_button, LEFT)
        qtbot.waitUntil(lambda: wizard.recording_page.step == "breath", timeout=30_000)
        qtbot.waitUntil(lambda: (wizard.recording_page.progress.elapsed_s or 0) > 2.0, timeout=30_000)
        assert wizard.recording_page.abort_button.isEnabled()
        qtbot.mouseClick(wizard.recording_page.abort_button, LEFT)
    outcome = finished.args[0]
    assert outcome.status == "aborted"
    with Store.open(context.db_path) as store:
        session = store.session(outcome.session_id)
        recording = store.load_recording(outcome.session_id)
        events = [e["kind"] for e in store.events(outcome.session_id)]
    assert session["status"] == "aborted"
    assert recording.n_samples == outcome.n_samples > 0
    baseline = recording.phase("baseline")
    assert baseline is not None and recording.t_s[-1] > baseline.end_s + 2.0  # breath samples were kept
    assert "aborted_by_operator" in events
    assert outcome.score["given"] is False and outcome.score["why"] == "incomplete"
    assert f"session {outcome.session_id}" in wizard.result_page.details.text()
    # Repeat: same subject, back to the checklist.
    qtbot.mouseClick(wizard.result_page.repeat_button, LEFT)
    assert wizard.pages.currentIndex() == 1
    assert wizard.subject_page.code.text() == "LIL-0099"
    window.close()
