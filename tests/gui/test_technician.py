"""A technician reads the device, runs its self-test, watches the raw signals and calibrates it."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from enose.storage import Store
from enose.storage.analysis import add_calibration, calibrations
from gui.accounts import Account

from .conftest import open_workspace

LEFT = Qt.MouseButton.LeftButton


def test_device_info_self_test_and_raw_view(qtbot, users):
    window = open_workspace(qtbot, users, "theo", "technician")
    panel = window.screens["device"]
    assert panel.picker.port() is not None
    with qtbot.waitSignal(panel.read_info().ended, timeout=20_000):
        pass
    assert panel.info is not None and panel.info_values[1].text() == "EMU-000001"
    assert panel.channels.rowCount() == len(panel.info.channels)
    assert "EMU-000001" in window.device_status.text()
    with qtbot.waitSignal(panel.run_self_test().ended, timeout=20_000):
        pass
    assert panel.test_result.state == "green" and panel.test_result.name.text() == "Self-test passed"
    with Store.open(users.db_path) as store:
        assert [c.kind for c in calibrations(store, "EMU-000001")] == ["self_test"]

    raw = window.screens["raw"]
    window.tabs.setCurrentWidget(raw)
    task = raw.start()
    assert task is not None
    qtbot.waitUntil(lambda: raw.grid.frames > 2, timeout=20_000)
    assert len(raw.grid.curves) == len(panel.info.channels)
    with qtbot.waitSignal(task.ended, timeout=20_000):
        qtbot.mouseClick(raw.stop_button, LEFT)
    assert raw.start_button.isEnabled()
    window.close()


def run_calibration(qtbot, wizard, kind: str):
    if wizard.pages.currentIndex() == 3:
        qtbot.mouseClick(wizard.again_button, LEFT)
    assert wizard.pages.currentIndex() == 0
    (wizard.zero_choice if kind == "zero" else wizard.reference_choice).setChecked(True)
    qtbot.mouseClick(wizard.next_button, LEFT)
    assert wizard.pages.currentIndex() == 1 and "zero-air cylinder" in wizard.prepare_steps.text()
    with qtbot.waitSignal(wizard.calibration_finished, timeout=60_000) as done:
        qtbot.mouseClick(wizard.next_button, LEFT)
    return done.args[0]


def test_zero_air_and_reference_calibration(qtbot, users):
    window = open_workspace(qtbot, users, "theo", "technician")
    wizard = window.screens["calibration"]
    window.tabs.setCurrentWidget(wizard)
    outcome = run_calibration(qtbot, wizard, "zero")
    assert outcome.status == "complete"
    assert wizard.pages.currentIndex() == 3
    with Store.open(users.db_path) as store:
        session = store.session(outcome.session_id)
        records = calibrations(store, "EMU-000001")
    assert session["kind"] == "calibration"
    evaluation = outcome.score["calibration"]
    if evaluation is None:  # the calibration maths are not installed: said plainly, nothing recorded
        assert wizard.verdict.state == "amber" and "not installed" in wizard.verdict_text.text()
        assert records == []
        return
    assert evaluation["error"] is None, evaluation
    assert evaluation["passed"] is True and wizard.verdict.state == "green"
    assert wizard.table.rowCount() == len(evaluation["channels"])
    assert [r.kind for r in records] == ["zero"] and records[0].session_id == outcome.session_id
    # Reference gas: the first one is the device's nominal response; the second is checked against it.
    first = run_calibration(qtbot, wizard, "reference")
    second = run_calibration(qtbot, wizard, "reference")
    for result in (first, second):
        assert result.status == "complete" and result.score["calibration"]["error"] is None
    assert second.score["calibration"]["expected"] is not None
    assert second.score["calibration"]["tolerance"] == 0.2
    assert wizard.verdict.name.text() in ("Passed", "Failed")
    with Store.open(users.db_path) as store:
        kinds = [r.kind for r in calibrations(store, "EMU-000001")]
    assert kinds == ["zero", "reference", "reference"]
    drift = window.screens["drift"]
    window.tabs.setCurrentWidget(drift)
    assert drift.device.currentText() == "EMU-000001"
    assert drift.history.rowCount() == 3
    window.close()


def _record_phases(wizard) -> list[tuple[str, str]]:
    """What the record page says at each progress event (phase title, time left), connected right after start."""
    seen: list[tuple[str, str]] = []
    wizard.task.progress.connect(lambda _event: seen.append((wizard.phase.text(), wizard.remaining.text())))
    return seen


def test_zero_air_calibration_measures_the_humidity_response(qtbot, users):
    window = open_workspace(qtbot, users, "theo", "technician")
    wizard = window.screens["calibration"]
    window.tabs.setCurrentWidget(wizard)
    wizard.zero_choice.setChecked(True)
    assert "humidified zero air for 0:05" in wizard.zero_hint.text()
    qtbot.mouseClick(wizard.next_button, LEFT)
    assert "humidified zero air (inlet 4" in wizard.prepare_steps.text()
    with qtbot.waitSignal(wizard.calibration_finished, timeout=60_000) as done:
        qtbot.mouseClick(wizard.next_button, LEFT)
        seen = _record_phases(wizard)
    outcome = done.args[0]
    assert outcome.status == "complete"
    # each timed step has its own title and countdown
    titles = {title for title, _ in seen}
    assert {"Step 1 of 2: Zero air", "Step 2 of 2: Humidified zero air"} <= titles
    humid_left = [left for title, left in seen if title == "Step 2 of 2: Humidified zero air"]
    assert all(re.fullmatch(r"\d+:\d\d remaining", left) for left in humid_left) and "0:05 remaining" in humid_left
    evaluation = outcome.score["calibration"]
    humidity = evaluation["detail"]["humidity"]
    assert humidity["status"] == "measured", humidity
    assert evaluation["passed"] is True
    assert wizard.verdict.state == "green" and wizard.verdict.name.text() == "Passed"
    assert wizard.humidity_note.isVisibleTo(wizard) and not wizard.humidity_warning.isVisibleTo(wizard)
    assert wizard.humidity_text.startswith("Humidity response measured: dry zero air reached ")
    headers = [wizard.table.horizontalHeaderItem(c).text() for c in range(wizard.table.columnCount())]
    assert headers == ["Channel", "Zero air (ohm)", "Humidity sensitivity (per % RH)", "Humidity check", "Result"]
    assert wizard.table.rowCount() == len(evaluation["channels"])
    for row, value in enumerate(humidity["sensitivity_per_pct"]):
        assert wizard.table.item(row, 2).text() == f"{value:.4f}"
        assert wizard.table.item(row, 3).text() == "pass" and wizard.table.item(row, 4).text() == "pass"
    # the drift view: the humidity sensitivity follows the zero-air baseline
    drift = window.screens["drift"]
    window.tabs.setCurrentWidget(drift)
    drift.refresh()
    assert drift.baseline.plot.isVisibleTo(drift) and drift.humidity.plot.isVisibleTo(drift)
    _x, y = drift.humidity.points.getData()
    assert list(y) == [humidity["sensitivity_per_pct"][0]]
    window.close()


def test_old_firmware_calibration_says_the_humidity_response_was_not_measured(qtbot, users):
    from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

    old = EmulatorServer(EmulatorConfig(serial="EMU-OLDFW1", humidifier=False, speed=20.0, warmup_s=2.0))
    old.start()
    try:
        window = open_workspace(qtbot, users, "theo", "technician")
        wizard = window.screens["calibration"]
        window.tabs.setCurrentWidget(wizard)
        users.devices.select(old.path)  # a device on its own serial port, as hardware would be
        wizard.zero_choice.setChecked(True)
        outcome = run_calibration(qtbot, wizard, "zero")
        assert outcome.status == "complete" and outcome.device_serial == "EMU-OLDFW1"
        evaluation = outcome.score["calibration"]
        humidity = evaluation["detail"]["humidity"]
        assert humidity["status"] == "not_measured" and humidity["code"] == "humidifier_unavailable"
        assert evaluation["passed"] is True  # the dry calibration stands
        assert wizard.verdict.state == "amber"
        assert wizard.verdict.name.text() == "Passed, humidity response not measured"
        assert wizard.humidity_warning.isVisibleTo(wizard)
        assert wizard.humidity_text == (
            "Humidity response not measured: the device refused the humidified zero-air inlet (its firmware is older "
            "than ICD revision 1.1). Screenings on this unit will get no risk zone until it has ICD revision 1.1 "
            "firmware (humidified zero air) and is calibrated with zero air again."
        )
        for row in range(wizard.table.rowCount()):
            assert wizard.table.item(row, 2).text() == "-" and wizard.table.item(row, 3).text() == "not measured"
        # the same verdict in Dutch, from the translation file
        users.languages.set_language("nl")
        qtbot.waitUntil(lambda: wizard.verdict_title.text() != "Verdict", timeout=5000)
        assert wizard.verdict.name.text() == "Geslaagd, vochtrespons niet gemeten"
        assert wizard.humidity_text.startswith("Vochtrespons niet gemeten: het toestel weigerde")
        assert wizard.table.item(0, 3).text() == "niet gemeten"
        drift = window.screens["drift"]
        window.tabs.setCurrentWidget(drift)
        drift.refresh()
        drift.device.setCurrentText("EMU-OLDFW1")
        assert not drift.humidity.plot.isVisibleTo(drift)
        assert "geen risicozone" in drift.note.text()
        window.close()
    finally:
        old.stop()


def _seed_zero_calibrations(db_path, serial: str, sensitivities: list[float]) -> None:
    """Passing zero-air records with a measured humidity response (the core's own record format)."""
    from enose.recording import ChannelLayout
    from firmware_protocol.messages import ChannelInfo, ChannelKind

    channels = tuple(ChannelInfo(int(ChannelKind.MOX), name, "ohm") for name in ("mox0", "mox1"))
    names = [c.name for c in channels]
    with Store.open(db_path) as store:
        store.upsert_device(serial, "ENOSE-EMU", "emu-1.1.0", 10, ChannelLayout(channels))
        for i, s in enumerate(sensitivities):
            humidity = {"status": "measured", "sensitivity_per_pct": [s, 0.004], "per_channel_passed": [True, True],
                        "per_channel_reason": [None, None], "rh_dry_pct": 7.0, "rh_humid_pct": 80.0}  # fmt: skip
            add_calibration(store, device_serial=serial, kind="zero", operator="theo", channels=names,
                            values=[20_000.0 * (1 + 0.001 * i), 30_000.0], passed=True,
                            detail={"humidity": humidity})  # fmt: skip


def test_drift_view_charts_the_humidity_sensitivity_and_words_its_reason(qtbot, gui_context):
    from gui.technician import DriftView

    # five calibrations set the limits; the sixth sensitivity jumps far outside them
    _seed_zero_calibrations(gui_context.db_path, "EMU-DRIFT1", [0.0050, 0.0051, 0.0049, 0.0050, 0.0051, 0.0120])
    gui_context.account = Account("theo", "technician")  # the core lists devices for a signed-in account
    view = DriftView(gui_context)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.device.setCurrentText("EMU-DRIFT1")
    assert view.chart["reasons"] == ["humidity_out_of_control"]
    assert view.state.state == "red" and view.state.name.text() == "Recalibration due"
    assert view.state.reason.text() == "the humidity sensitivity left its control limits"
    assert view.humidity.plot.isVisibleTo(view) and view.humidity.center.isVisible()
    _x, upper = view.humidity.upper.getData()
    assert len(upper) == 6 and upper[-1] < 0.0120
    assert view.humidity.plot.plotItem.titleLabel.text == "Humidity sensitivity, mox0 (EWMA)"
    assert view.humidity.plot.getAxis("left").labelText == "per % RH"
    gui_context.languages.set_language("fr")
    qtbot.waitUntil(lambda: view.title.text() != "Drift and calibration history", timeout=5000)
    assert view.state.reason.text() == "la sensibilité à l'humidité est sortie de ses limites de contrôle"


def test_a_failed_humidity_response_is_explained_per_sensor(qtbot, gui_context):
    """Each failing sensor's reason in words, with the limits; the cell's tooltip repeats it (no emulator needed)."""
    from gui.backend import ScreeningOutcome
    from gui.technician import CalibrationWizard

    gui_context.account = Account("theo", "technician")

    limits = {"min_sensitivity_per_pct": 0.0005, "max_sensitivity_per_pct": 0.015, "min_humid_rh_pct": 60.0,
              "min_step_rh_pct": 40.0}  # fmt: skip
    humidity = {"status": "failed", "sensitivity_per_pct": [0.0056, 0.0002, 0.021, None],
                "per_channel_passed": [True, False, False, False],
                "per_channel_reason": [None, "humidity_response_too_low", "humidity_response_too_high", "no_signal"],
                "rh_dry_pct": 6.2, "rh_humid_pct": 81.7, "limits": limits}  # fmt: skip
    evaluation = {"passed": False, "channels": ["mox0", "mox1", "mox2", "mox3"], "values": [1.5e4, 2e4, 3e4, None],
                  "per_channel_passed": [True, False, False, False], "record_id": 4, "expected": None,
                  "tolerance": 0.2, "detail": {"humidity": humidity}, "error": None}  # fmt: skip
    wizard = CalibrationWizard(gui_context)
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.calibration_finished):
        wizard._finished(ScreeningOutcome(12, "complete", score={"calibration": evaluation}))
    assert wizard.verdict.state == "red" and wizard.verdict.name.text() == "Failed"
    assert wizard.humidity_warning.isVisibleTo(wizard)
    assert wizard.humidity_text == (
        "Humidity response failed: dry zero air reached 6 % RH, humidified zero air 82 % RH. "
        "A plausible sensitivity is 0.0005 to 0.015 per % RH."
    )
    checks = [wizard.table.item(row, 3).text() for row in range(4)]
    assert checks == ["pass", "fail: implausibly low (below 0.0005)", "fail: implausibly high (above 0.015)",
                      "fail: no signal"]  # fmt: skip
    assert wizard.table.item(1, 2).text() == "0.0002" and wizard.table.item(1, 2).toolTip() == checks[1]
    assert [wizard.table.item(row, 4).text() for row in range(4)] == ["pass", "fail", "fail", "fail"]
    gui_context.languages.set_language("fr")
    qtbot.waitUntil(lambda: wizard.verdict.name.text() == "Échoué", timeout=5000)
    assert wizard.table.item(2, 3).text() == "non conforme : invraisemblablement élevée (au-dessus de 0,015)"


def test_a_reference_check_keeps_its_not_assessable_tooltip(qtbot, gui_context):
    """The reference table is unchanged by the humidity columns: four columns, the reason in a tooltip."""
    from gui.backend import ScreeningOutcome
    from gui.technician import CalibrationWizard

    gui_context.account = Account("theo", "technician")

    evaluation = {"passed": True, "channels": ["mox0", "mox1"], "values": [0.5, 0.98], "expected": [0.52, 0.99],
                  "tolerance": 0.2, "per_channel_passed": [True, None], "record_id": 9, "error": None,
                  "detail": {"assessable": [True, False], "deviation": [0.03, None]}}  # fmt: skip
    wizard = CalibrationWizard(gui_context)
    qtbot.addWidget(wizard)
    wizard.reference_choice.setChecked(True)
    wizard.verdict_kind = "reference"
    wizard._finished(ScreeningOutcome(5, "complete", score={"calibration": evaluation}))
    assert wizard.table.columnCount() == 4 and wizard.humidity_text == ""
    assert wizard.table.item(1, 3).text() == "not assessable"
    assert wizard.table.item(1, 2).toolTip() == "0.99 (not assessable: the gas barely moves this sensor)"
    assert wizard.table.item(0, 2).toolTip() == ""
