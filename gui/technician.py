"""The technician's screens: device and self-test, raw live view, guided calibration, drift chart."""

from __future__ import annotations

import logging
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from enose.acquisition import Progress
from gui import backend, report
from gui.axes import LocaleAxis, LocaleDateAxis
from gui.clinician import DevicePicker, step_name
from gui.context import AppContext
from gui.i18n import number, punctuation
from gui.liveplot import RawGrid
from gui.widgets import Card, Indicator, StepHeader, heading, is_language_change, mmss
from gui.workers import Connected, RawStreamJob, Scoring, Task, device_info_job, self_test_job

__all__ = ["DevicePanel", "RawView", "CalibrationWizard", "ControlChart", "DriftView", "kind_name"]

log = logging.getLogger(__name__)

KIND_NAMES = {"screening", "calibration"}


def kind_name(kind: str) -> str:
    names = {
        "zero": QCoreApplication.translate("Calibration", "Zero air"),
        "reference": QCoreApplication.translate("Calibration", "Reference gas"),
        "self_test": QCoreApplication.translate("Calibration", "Self-test"),
    }
    return names.get(kind, kind)


class DevicePanel(QWidget):
    """Device list, the device's own description (INFO) and its self-test."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = heading()
        self.picker = DevicePicker(context.devices)
        self.read_button = QPushButton()
        self.read_button.setObjectName("primary")
        self.test_button = QPushButton()
        self.info_title = heading(sub=True)
        self.info_form = QFormLayout()
        self.info_values = [QLabel("-") for _ in range(5)]
        for value in self.info_values:
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(QLabel(), value)
        self.channels = QTableWidget(0, 3)
        self.channels.verticalHeader().setVisible(False)
        self.channels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.channels.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.test_title = heading(sub=True)
        self.test_result = Indicator()
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        left = Card()
        left.body.addWidget(self.picker)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        left.body.addLayout(buttons)
        left.body.addWidget(self.status)
        left.body.addWidget(self.info_title)
        left.body.addLayout(self.info_form)
        left.body.addWidget(self.test_title)
        left.body.addWidget(self.test_result)
        left.body.addStretch(1)
        right = Card()
        self.channels_title = heading(sub=True)
        right.body.addWidget(self.channels_title)
        right.body.addWidget(self.channels)
        row = QHBoxLayout()
        row.addWidget(left, 1)
        row.addWidget(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row, 1)
        self.read_button.clicked.connect(self.read_info)
        self.test_button.clicked.connect(self.run_self_test)
        self.task: Task | None = None
        self.info = None
        self.self_test = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Device"))
        self.read_button.setText(self.tr("Connect and read"))
        self.test_button.setText(self.tr("Run self-test"))
        self.info_title.setText(self.tr("Device information"))
        labels = [self.tr("Model"), self.tr("Serial number"), self.tr("Firmware"), self.tr("Fastest sampling"),
                  self.tr("Channels")]  # fmt: skip
        for row, text in enumerate(labels):
            self.info_form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.channels_title.setText(self.tr("Channel layout"))
        self.channels.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("Unit")])
        self.test_title.setText(self.tr("Self-test"))
        if self.self_test is None:
            self.test_result.name.setText(self.tr("Not run yet"))
        self._show()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _busy(self, busy: bool, text: str = "") -> None:
        self.read_button.setEnabled(not busy)
        self.test_button.setEnabled(not busy)
        self.status.setText(text)

    def _port(self) -> str:
        port = self.context.devices.resolve(self.picker.port())
        self.context.devices.select(port)
        return port

    def read_info(self) -> Task:
        self._busy(True, self.tr("Connecting..."))
        self.task = Task(device_info_job(self._port()), self, name="enose-device-info")
        self.task.finished.connect(self._got_info)
        self.task.failed.connect(self._failed)
        return self.task.start()

    def run_self_test(self) -> Task:
        self._busy(True, self.tr("Self-test running..."))
        self.task = Task(self_test_job(self._port()), self, name="enose-self-test")
        self.task.finished.connect(self._got_self_test)
        self.task.failed.connect(self._failed)
        return self.task.start()

    def _got_info(self, info) -> None:
        self.info = info
        self.context.devices.set_info(info)
        self._busy(False, self.tr("Connected: the device answered."))
        self._show()

    def _got_self_test(self, result) -> None:
        info, test = result
        self.info = info
        self.self_test = test
        self.context.devices.set_info(info)
        self._busy(False, "")
        self._record_self_test(info, test)
        self._show()

    def _record_self_test(self, info, test) -> None:
        from enose.recording import ChannelLayout
        from enose.storage import Store
        from enose.storage.analysis import add_calibration

        layout = ChannelLayout(info.channels)
        failed = [name for i, name in enumerate(layout.names) if test.failed_mask >> i & 1]
        store = Store.open(self.context.db_path)
        try:
            store.upsert_device(info.serial, info.model, info.firmware, info.min_period_ms, layout)
            add_calibration(
                store, device_serial=info.serial, kind="self_test", operator=self.context.operator,
                channels=layout.names, values=[float(test.failed_mask >> i & 1) for i in range(len(layout))],
                passed=test.passed, detail={"failed_mask": test.failed_mask, "failed": failed},
            )  # fmt: skip
        finally:
            store.close()

    def _failed(self, message: str) -> None:
        self._busy(False, self.tr("The device did not answer: %1").replace("%1", message))

    def _show(self) -> None:
        info = self.info
        if info is None:
            for value in self.info_values:
                value.setText("-")
            self.channels.setRowCount(0)
        else:
            self.info_values[0].setText(info.model)
            self.info_values[1].setText(info.serial)
            self.info_values[2].setText(info.firmware)
            self.info_values[3].setText(self.tr("%1 ms per sample").replace("%1", str(info.min_period_ms)))
            self.info_values[4].setText(str(len(info.channels)))
            kinds = channel_kind_names()
            self.channels.setRowCount(len(info.channels))
            for row, channel in enumerate(info.channels):
                for col, text in enumerate(
                    (channel.name, kinds.get(int(channel.kind), str(channel.kind)), channel.unit)
                ):
                    self.channels.setItem(row, col, QTableWidgetItem(text))
        test = self.self_test
        if test is not None:
            if test.passed:
                self.test_result.set_state("green", "")
                self.test_result.name.setText(self.tr("Self-test passed"))
            else:
                names = []
                if info is not None:
                    names = [c.name for i, c in enumerate(info.channels) if test.failed_mask >> i & 1]
                self.test_result.set_state("red", ", ".join(names))
                self.test_result.name.setText(self.tr("Self-test failed"))


def channel_kind_names() -> dict[int, str]:
    from firmware_protocol.messages import ChannelKind

    return {
        int(ChannelKind.MOX): QCoreApplication.translate("Channels", "gas sensor (MOX)"),
        int(ChannelKind.TEMPERATURE): QCoreApplication.translate("Channels", "temperature"),
        int(ChannelKind.HUMIDITY): QCoreApplication.translate("Channels", "humidity"),
        int(ChannelKind.PRESSURE): QCoreApplication.translate("Channels", "mask pressure"),
        int(ChannelKind.CO2): QCoreApplication.translate("Channels", "CO2 (capnogram)"),
    }


class RawView(QWidget):
    """Every channel live, raw, without recording anything."""

    streaming_changed = Signal(bool)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = heading()
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.start_button = QPushButton()
        self.start_button.setObjectName("primary")
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.state = QLabel()
        self.grid = RawGrid()
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        layout.addWidget(self.grid, 1)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.task: Task | None = None
        self.job: RawStreamJob | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Raw signals"))
        self.hint.setText(
            self.tr("Every channel as the device sends it, in its own unit. Nothing is recorded in this view.")
        )
        self.start_button.setText(self.tr("Start streaming"))
        self.stop_button.setText(self.tr("Stop"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def start(self) -> Task | None:
        if self.running or self.context.devices.port is None:
            self.state.setText(self.tr("Choose a device on the Device tab first."))
            return None
        port = self.context.devices.resolve(self.context.devices.port)
        self.job = RawStreamJob(port)
        self.task = Task(self.job, self, name="enose-raw-stream")
        self.task.progress.connect(self._on_progress)
        self.task.finished.connect(self._ended)
        self.task.failed.connect(self._failed)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.state.setText(self.tr("Connecting..."))
        self.task.start()
        self.streaming_changed.emit(True)
        return self.task

    def _on_progress(self, event) -> None:
        if isinstance(event, Connected):
            acq = event.acquisition
            self.grid.attach(acq.buffer, acq.layout, acq.settings.period_ms)
            self.context.devices.set_info(event.info)
            self.state.setText(self.tr("Streaming from %1").replace("%1", event.info.serial))
            self.context.devices.set_link("streaming")
        elif isinstance(event, str):
            self.context.devices.set_link(event)

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()

    def _ended(self, _result=None) -> None:
        self.grid.detach()
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.state.setText(self.tr("Stopped."))
        self.context.devices.set_link("disconnected")
        self.streaming_changed.emit(False)

    def _failed(self, message: str) -> None:
        self._ended()
        self.state.setText(self.tr("The device did not answer: %1").replace("%1", message))

    def shutdown(self) -> None:
        if self.running and self.job is not None and self.task is not None:
            self.job.stop()
            self.task.wait()


class CalibrationWizard(QWidget):
    """Zero-air or reference-gas calibration, step by step: choose, prepare, record, verdict."""

    calibration_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.header = StepHeader(4)
        self.pages = QStackedWidget()
        # 1. choose
        self.choose_title = heading()
        self.zero_choice = QRadioButton()
        self.zero_choice.setChecked(True)
        self.zero_hint = QLabel()
        self.reference_choice = QRadioButton()
        self.reference_hint = QLabel()
        for hint in (self.zero_hint, self.reference_hint):
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            hint.setContentsMargins(24, 0, 0, 8)
        choose = Card()
        choose.body.addWidget(self.choose_title)
        for widget in (self.zero_choice, self.zero_hint, self.reference_choice, self.reference_hint):
            choose.body.addWidget(widget)
        choose.body.addStretch(1)
        # 2. prepare
        self.prepare_title = heading()
        self.prepare_steps = QLabel()
        self.prepare_steps.setWordWrap(True)
        self.prepare_steps.setTextFormat(Qt.TextFormat.RichText)
        prepare = Card()
        prepare.body.addWidget(self.prepare_title)
        prepare.body.addWidget(self.prepare_steps)
        prepare.body.addStretch(1)
        # 3. record
        self.record_title = heading()
        self.phase = heading(sub=True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.remaining = QLabel()
        self.step_hint = QLabel()
        self.step_hint.setObjectName("hint")
        self.step_hint.setWordWrap(True)
        self.abort_button = QPushButton()
        self.abort_button.setObjectName("danger")
        record = Card()
        record.body.addWidget(self.record_title)
        record.body.addWidget(self.phase)
        record.body.addWidget(self.step_hint)
        record.body.addWidget(self.bar)
        record.body.addWidget(self.remaining)
        record.body.addStretch(1)
        record.body.addWidget(self.abort_button, 0, Qt.AlignmentFlag.AlignLeft)
        # 4. verdict
        self.verdict_title = heading()
        self.verdict = Indicator()
        self.verdict_text = QLabel()
        self.verdict_text.setWordWrap(True)
        # the humidity step of a zero-air calibration, in one or two sentences: a quiet line when it was
        # measured, a banner when it failed or was not measured (two labels: a style sheet's padding is only
        # applied to the name a label is created with)
        self.humidity_note = QLabel()
        self.humidity_note.setObjectName("hint")
        self.humidity_warning = QLabel()
        self.humidity_warning.setObjectName("banner")
        for label in (self.humidity_note, self.humidity_warning):
            label.setWordWrap(True)
            label.setVisible(False)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.again_button = QPushButton()
        verdict = Card()
        verdict.body.addWidget(self.verdict_title)
        verdict.body.addWidget(self.verdict)
        verdict.body.addWidget(self.verdict_text)
        verdict.body.addWidget(self.humidity_note)
        verdict.body.addWidget(self.humidity_warning)
        verdict.body.addWidget(self.table, 1)
        verdict.body.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignLeft)
        for page in (choose, prepare, record, verdict):
            self.pages.addWidget(page)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        layout.addLayout(nav)
        self.back_button.clicked.connect(lambda: self.go(max(0, self.pages.currentIndex() - 1)))
        self.next_button.clicked.connect(self.next)
        self.abort_button.clicked.connect(self.abort)
        self.again_button.clicked.connect(lambda: self.go(0))
        self.task: Task | None = None
        self.job = None
        self.outcome = None
        self.verdict_kind = "zero"  # the kind of the calibration the verdict page shows
        self.progress: Progress | None = None
        self.retranslate()
        self.go(0)

    @property
    def kind(self) -> str:
        return "zero" if self.zero_choice.isChecked() else "reference"

    def retranslate(self) -> None:
        self.header.set_names([self.tr("Type"), self.tr("Preparation"), self.tr("Recording"), self.tr("Verdict")])
        self.choose_title.setText(self.tr("Which calibration?"))
        p = self.context.protocol
        self.zero_choice.setText(self.tr("Zero air (baseline of every sensor)"))
        self.zero_hint.setText(
            self.tr("Dry zero air for %1, then humidified zero air for %2. Sets the reference resistance of each gas "
                    "sensor and measures its response to humidity.")
            .replace("%1", mmss(p.zero_s)).replace("%2", mmss(p.humid_s))
        )  # fmt: skip
        self.reference_choice.setText(self.tr("Reference gas (response check)"))
        self.reference_hint.setText(
            self.tr("Zero air for %1, reference gas for %2, then zero air for %3. Checks every sensor's response "
                    "against its tolerance.")
            .replace("%1", mmss(p.zero_s)).replace("%2", mmss(p.reference_s)).replace("%3", mmss(p.recovery_s))
        )  # fmt: skip
        self.prepare_title.setText(self.tr("Prepare the device"))
        self.record_title.setText(self.tr("Calibration in progress"))
        self.abort_button.setText(self.tr("Abort"))
        self.verdict_title.setText(self.tr("Verdict"))
        self._table_headers()
        self.again_button.setText(self.tr("Calibrate again"))
        self.back_button.setText(self.tr("Back"))
        self._prepare_text()
        self._update_nav()
        if self.outcome is not None:
            self._show_verdict(self.outcome)

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _prepare_text(self) -> None:
        steps = [
            self.tr("Check that no subject is connected and the mask port is capped."),
            self.tr("Connect the zero-air cylinder to the zero-air inlet and open it to 250 sccm."),
        ]
        if self.kind == "reference":
            steps.append(
                self.tr("Connect the reference-gas cylinder to the reference inlet; note its lot number and expiry.")
            )
        elif self.context.protocol.humid_s > 0:
            steps.append(
                self.tr("After %1 of dry zero air the device switches by itself to humidified zero air (inlet 4: the "
                        "same zero air through its calibration humidifier) for %2. Leave the zero-air cylinder open "
                        "until the end.")
                .replace("%1", mmss(self.context.protocol.zero_s)).replace("%2", mmss(self.context.protocol.humid_s))
            )  # fmt: skip
        steps.append(self.tr("The sensors must be warm: the device waits for the warm-up before recording."))
        self.prepare_steps.setText("<ol>" + "".join(f"<li style='margin-bottom:6px'>{s}</li>" for s in steps) + "</ol>")

    def go(self, index: int) -> None:
        if index == 1:
            self._prepare_text()
        self.pages.setCurrentIndex(index)
        self.header.set_current(index)
        self._update_nav()

    def _update_nav(self) -> None:
        index = self.pages.currentIndex()
        self.back_button.setVisible(index == 1)
        self.next_button.setVisible(index in (0, 1))
        self.next_button.setText(self.tr("Next") if index == 0 else self.tr("Start calibration"))

    def next(self) -> None:
        if self.pages.currentIndex() == 0:
            self.go(1)
        elif self.pages.currentIndex() == 1:
            self.start()

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def start(self) -> Task | None:
        from gui.workers import CalibrationJob

        if self.running:
            return None
        devices = self.context.devices
        if devices.port is None:
            devices.select(next(e.port for e in devices.entries() if e.usb or e.is_emulator))
        port = devices.resolve(devices.port)
        self.job = CalibrationJob(self.context.db_path, port, self.context.protocol.calibration(self.kind),
                                  self.context.account)  # fmt: skip
        self.outcome = None
        self.progress = None
        self.verdict_kind = self.kind
        self.go(2)
        self.abort_button.setEnabled(True)
        self.phase.setText(step_name("connecting"))
        self.step_hint.setText("")
        self.remaining.setText("")
        self.bar.setRange(0, 0)
        self.task = Task(self.job, self, name="enose-calibration")
        self.task.progress.connect(self._on_progress)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(
            lambda message: self._finished(backend.ScreeningOutcome(None, "failed", error=message))
        )
        return self.task.start()

    def _on_progress(self, event) -> None:
        if isinstance(event, Progress):
            self.progress = event
            self.phase.setText(self._step_title(str(event.step)))
            self.step_hint.setText(self._step_hint(str(event.step)))
            if event.duration_s:
                self.bar.setRange(0, 1000)
                self.bar.setValue(int(1000 * min(1.0, event.elapsed_s / event.duration_s)))
                self.remaining.setText(self.tr("%1 remaining").replace("%1", mmss(event.remaining_s)))
            else:
                self.bar.setRange(0, 0)
                self.remaining.setText(self.tr("Waiting for the sensors to warm up..."))
            self.context.devices.set_link(str(event.link))
        elif isinstance(event, Connected):
            self.context.devices.set_info(event.info)
        elif isinstance(event, Scoring):
            self.phase.setText(self.tr("Checking against tolerance..."))
            self.abort_button.setEnabled(False)

    def _step_title(self, step: str) -> str:
        """``Step 2 of 2: Humidified zero air``: each timed step has its own bar, so say which one it is."""
        timed = [str(name) for name, _inlet, _duration_s in self.job.protocol.steps()] if self.job else []
        if step not in timed:
            return step_name(step)
        return (
            self.tr("Step %1 of %2: %3")
            .replace("%1", str(timed.index(step) + 1)).replace("%2", str(len(timed))).replace("%3", step_name(step))
        )  # fmt: skip

    def _step_hint(self, step: str) -> str:
        hints = {
            "zero_air": self.tr("Dry zero air: the baseline of every gas sensor."),
            "humid_zero_air": self.tr("Humidified zero air (inlet 4): how much each gas sensor responds to humidity."),
            "reference": self.tr("Reference gas: the response of every gas sensor."),
            "recovery": self.tr("Zero air again: the sensors return to their baseline."),
        }
        return hints.get(step, "")

    def abort(self) -> None:
        if self.job is not None and self.running:
            self.job.abort()

    def _finished(self, outcome) -> None:
        self.outcome = outcome
        self.context.devices.set_link("disconnected")
        self._show_verdict(outcome)
        self.go(3)
        self.calibration_finished.emit(outcome)

    def _table_headers(self) -> None:
        """Zero air: resistance and humidity response per sensor; reference gas: response against tolerance."""
        if self.verdict_kind == "zero":
            labels = [self.tr("Channel"), self.tr("Zero air (ohm)"), self.tr("Humidity sensitivity (per % RH)"),
                      self.tr("Humidity check"), self.tr("Result")]  # fmt: skip
        else:
            labels = [self.tr("Channel"), self.tr("Measured"), self.tr("Expected (tolerance)"), self.tr("Result")]
        self.table.setColumnCount(len(labels))
        self.table.setHorizontalHeaderLabels(labels)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        if self.verdict_kind == "zero":  # numbers fit their column; the humidity check gets the room for its reason
            for column in (0, 1, 2, 4):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _show_verdict(self, outcome) -> None:
        self.table.setRowCount(0)
        self._table_headers()
        self.humidity_note.setVisible(False)
        self.humidity_warning.setVisible(False)
        evaluation = (outcome.score or {}).get("calibration")
        if outcome.status != "complete":
            self.verdict.set_state("red", "")
            self.verdict.name.setText(self.tr("Not calibrated"))
            if outcome.status == "failed":
                self.verdict_text.setText(self.tr("The device did not answer: %1").replace("%1", str(outcome.error)))
            else:
                self.verdict_text.setText(
                    self.tr("The recording stopped early (%1); it is kept as session %2 but gives no calibration.")
                    .replace("%1", report.session_status_text(outcome.status, QCoreApplication.translate))
                    .replace("%2", str(outcome.session_id))
                )  # fmt: skip
            return
        if evaluation is None:
            self.verdict.set_state("amber", "")
            self.verdict.name.setText(self.tr("Recorded, no verdict available"))
            self.verdict_text.setText(
                self.tr(
                    "The calibration was recorded as session %1, but this version cannot judge it: the calibration "
                    "module (enose.signal) is not installed. No calibration record was written, so the device's "
                    "previous calibration stays in force."
                ).replace("%1", str(outcome.session_id))
            )
            return
        passed = bool(evaluation.get("passed"))
        humidity = (evaluation.get("detail") or {}).get("humidity")
        not_measured = bool(humidity) and humidity.get("status") == "not_measured"
        if passed and not_measured:  # the dry calibration stands, but screenings on this unit get no zone
            self.verdict.set_state("amber", "")
            self.verdict.name.setText(self.tr("Passed, humidity response not measured"))
        else:
            self.verdict.set_state("green" if passed else "red", "")
            self.verdict.name.setText(self.tr("Passed") if passed else self.tr("Failed"))
        self.verdict_text.setText(
            self.tr("Recorded as session %1; calibration record %2.")
            .replace("%1", str(outcome.session_id)).replace("%2", str(evaluation.get("record_id", "-")))
        )  # fmt: skip
        if humidity:
            self._show_humidity_line(humidity)
        if self.verdict_kind == "zero":
            self._fill_zero_table(evaluation, humidity or {})
        else:
            self._fill_reference_table(evaluation)

    def _show_humidity_line(self, humidity: dict) -> None:
        """One or two sentences on the humidity step; a banner when it was not measured or failed."""
        status = humidity.get("status")
        limits = humidity.get("limits") or {}
        if status == "not_measured":
            why = (
                self.tr(
                    "the device refused the humidified zero-air inlet (its firmware is older than ICD revision 1.1)"
                )
                if humidity.get("code") == "humidifier_unavailable"
                else str(humidity.get("reason") or "-")  # the core's words (English) for a rarer reason
            )
            text = self.tr(
                "Humidity response not measured: %1. Screenings on this unit will get no risk zone until it has "
                "ICD revision 1.1 firmware (humidified zero air) and is calibrated with zero air again."
            ).replace("%1", why)
        else:
            reached = (
                self.tr("Humidity response measured: dry zero air reached %1 % RH, humidified zero air %2 % RH.")
                if status == "measured"
                else self.tr("Humidity response failed: dry zero air reached %1 % RH, humidified zero air %2 % RH.")
            )
            reached = reached.replace("%1", _fmt(humidity.get("rh_dry_pct"), ".0f")).replace(
                "%2", _fmt(humidity.get("rh_humid_pct"), ".0f")
            )
            if "humidity_step_too_small" in (humidity.get("per_channel_reason") or []):
                more = self.tr(
                    "The humidified step was too small to measure: it must reach %1 % RH and rise by at least %2 points. "
                    "Check the humidifier and calibrate again."
                )
                more = more.replace("%1", _fmt(limits.get("min_humid_rh_pct"), ".0f")).replace(
                    "%2", _fmt(limits.get("min_step_rh_pct"), ".0f")
                )
            else:
                more = (
                    self.tr("A plausible sensitivity is %1 to %2 per % RH.")
                    .replace("%1", _fmt(limits.get("min_sensitivity_per_pct")))
                    .replace("%2", _fmt(limits.get("max_sensitivity_per_pct")))
                )  # fmt: skip
            text = f"{reached} {more}"
        label = self.humidity_note if status == "measured" else self.humidity_warning
        label.setText(text)
        label.setVisible(True)

    @property
    def humidity_text(self) -> str:
        """The humidity line of the verdict page as shown ('' when there is none)."""
        for label in (self.humidity_note, self.humidity_warning):
            if label.isVisibleTo(self):
                return label.text()
        return ""

    def _humidity_reason(self, code: str | None, limits: dict) -> str:
        """A sensor's humidity failure in words (the CLI's ``_HUMIDITY_REASON_WORDS``, translated)."""
        texts = {
            "humidity_step_too_small": self.tr("the humidified step was too small to measure"),
            "no_signal": self.tr("no signal"),
            "humidity_response_too_low": self.tr("implausibly low (below %1)").replace(
                "%1", _fmt(limits.get("min_sensitivity_per_pct"))
            ),
            "humidity_response_too_high": self.tr("implausibly high (above %1)").replace(
                "%1", _fmt(limits.get("max_sensitivity_per_pct"))
            ),
        }
        return texts.get(str(code), str(code))

    def _fill_zero_table(self, evaluation: dict, humidity: dict) -> None:
        channels = evaluation.get("channels", [])
        values = evaluation.get("values", [])
        ok = evaluation.get("per_channel_passed") or [None] * len(channels)
        sensitivity = humidity.get("sensitivity_per_pct") or []
        humidity_ok = humidity.get("per_channel_passed") or []
        reasons = humidity.get("per_channel_reason") or []
        limits = humidity.get("limits") or {}
        self.table.setRowCount(len(channels))
        for row, name in enumerate(channels):
            why = ""
            if row >= len(sensitivity):  # not measured: the firmware has no humidifier, or no humidity step
                value_text = "-"
                check_text = self.tr("not measured")
            else:
                value = sensitivity[row]
                value_text = "-" if value is None else number(value, ".4f")
                if humidity_ok[row]:
                    check_text = self.tr("pass")
                else:
                    why = self._humidity_reason(reasons[row] if row < len(reasons) else None, limits)
                    check_text = self.tr("fail: %1").replace("%1", why)
            result_text = "-" if ok[row] is None else (self.tr("pass") if ok[row] else self.tr("fail"))
            cells = [name, _fmt(values[row] if row < len(values) else None), value_text, check_text, result_text]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if why and col in (2, 3):
                    item.setToolTip(check_text)
                self.table.setItem(row, col, item)

    def _fill_reference_table(self, evaluation: dict) -> None:
        channels = evaluation.get("channels", [])
        values = evaluation.get("values", [])
        expected = evaluation.get("expected", [None] * len(channels))
        tolerance = evaluation.get("tolerance", [None] * len(channels))
        ok = evaluation.get("per_channel_passed", [None] * len(channels))
        assessable = (evaluation.get("detail") or {}).get("assessable") or [True] * len(channels)
        self.table.setRowCount(len(channels))
        for row, name in enumerate(channels):
            exp = expected[row] if isinstance(expected, list) else expected
            tol = tolerance[row] if isinstance(tolerance, list) else tolerance
            why = ""
            if exp is None or tol is None:
                expected_text = "-"
            elif not assessable[row]:  # the reason goes in a tooltip: the column is too narrow for it
                expected_text = _fmt(exp)
                why = self.tr("%1 (not assessable: the gas barely moves this sensor)").replace("%1", _fmt(exp))
            else:
                expected_text = (
                    self.tr("%1 (response \u00b1 %2 %)").replace("%1", _fmt(exp)).replace("%2", _fmt(100 * tol))
                )
            if ok[row] is None:
                result_text = "-" if assessable[row] else self.tr("not assessable")
            else:
                result_text = self.tr("pass") if ok[row] else self.tr("fail")
            cells = [name, _fmt(values[row] if row < len(values) else None), expected_text, result_text]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if why and col >= 2:
                    item.setToolTip(why)
                self.table.setItem(row, col, item)

    def shutdown(self) -> None:
        if self.running and self.job is not None and self.task is not None:
            self.job.abort()
            self.task.wait()


def _fmt(value, spec: str = ".4g") -> str:
    """A number for a cell ('-' when missing), with the language's decimal separator (a comma in French and Dutch).

    ``.0f`` for a relative humidity (its sensor resolves about 1 % RH).
    """
    if value is None:
        return "-"
    try:
        return number(value, spec)
    except (TypeError, ValueError):
        return str(value)


class ControlChart:
    """One EWMA control chart over calibration dates: the charted curve, its centre and its limits.

    The limits are drawn per point (they widen with each calibration until they settle), so
    they are curves, not horizontal lines. Both charts of :class:`DriftView` use this one look.
    """

    def __init__(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setAxisItems({"bottom": LocaleDateAxis(), "left": LocaleAxis("left")})
        self.plot.getAxis("left").setWidth(76)  # room for a sensitivity's ticks (0.00573) beside the axis name
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # a sensitivity reads 0.0056 as on the verdict, not x0.001
        self.points = self.plot.plot(pen=pg.mkPen("#1a5fb4", width=2), symbol="o", symbolBrush="#1a5fb4", symbolSize=7)
        self.center = pg.InfiniteLine(angle=0, pen=pg.mkPen("#1e8e3e", style=Qt.PenStyle.DashLine))
        self.center.setVisible(False)
        self.plot.addItem(self.center)
        limit_pen = pg.mkPen("#c5221f", style=Qt.PenStyle.DashLine)
        self.upper = self.plot.plot(pen=limit_pen)
        self.lower = self.plot.plot(pen=limit_pen)

    def show(self, chart: dict, titles: list[str] | None = None, unit: str = "") -> bool:
        """Plot ``chart`` (``times``, ``values``, and ``ewma``/``center``/``lower``/``upper`` once it has limits).

        Returns whether there is anything to show. Before the chart has limits the measured
        values are shown as they are, under the second of ``titles`` (the first says EWMA).
        """
        times = np.array([datetime.fromisoformat(t).timestamp() for t in chart.get("times", [])], float)
        values = np.array(list(chart.get("ewma") or chart.get("values") or [])[: len(times)], float)
        self.points.setData(times, values)
        limits = chart.get("center") is not None and len(chart.get("upper") or []) == len(times)
        self.center.setVisible(limits)
        if limits:
            self.center.setValue(float(chart["center"]))
            self.upper.setData(times, np.array(chart["upper"], float))
            self.lower.setData(times, np.array(chart["lower"], float))
        else:
            self.upper.setData([], [])
            self.lower.setData([], [])
        finite = values[np.isfinite(values)]
        if finite.size and np.ptp(finite) == 0 and not limits:
            # one calibration (or identical ones): pyqtgraph's +-0.5 around it would put a sensitivity of
            # 0.0056 on the zero line; +-10 % of the value keeps it readable
            half = max(abs(float(finite[0])) * 0.1, 1e-9)
            self.plot.setYRange(float(finite[0]) - half, float(finite[0]) + half, padding=0)
        else:
            self.plot.enableAutoRange(axis="y")
        if times.size and np.ptp(times) < 86_400:
            # calibrations within one day: pyqtgraph would zoom the date axis to seconds ("55.250"); show the day
            self.plot.setXRange(float(times.min()) - 43_200, float(times.max()) + 43_200, padding=0)
        else:
            self.plot.enableAutoRange(axis="x")
        if titles:
            self.plot.setTitle(titles[0] if limits else titles[1])
            self.plot.setLabel("left", unit)
        return bool(len(times))

    def clear(self) -> None:
        self.show({})


class DriftView(QWidget):
    """Per-device calibration history and the EWMA drift control charts with 'recalibration due'.

    Two charts over the same dates: the zero-air baseline, and below it the humidity
    sensitivity that the same zero-air calibrations measured (ICD revision 1.1). A unit
    whose humidity response was never measured gets no risk zone, so the view says so.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = heading()
        self.device = QComboBox()
        self.device.setMinimumContentsLength(20)
        self.refresh_button = QPushButton()
        self.state = Indicator()
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.baseline = ControlChart()
        self.humidity = ControlChart()
        self.humidity.plot.setXLink(self.baseline.plot)
        self.history = QTableWidget(0, 4)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        self.device_label = QLabel()
        row.addWidget(self.device_label)
        row.addWidget(self.device)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addWidget(self.note)
        charts = QHBoxLayout()  # side by side over the same (linked) dates: each keeps a readable height
        charts.addWidget(self.baseline.plot, 1)
        charts.addWidget(self.humidity.plot, 1)
        layout.addLayout(charts, 1)
        layout.addWidget(self.history, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.device.currentIndexChanged.connect(self.show_device)
        self.chart: dict | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Drift and calibration history"))
        self.device_label.setText(self.tr("Device"))
        self.refresh_button.setText(self.tr("Refresh"))
        for chart in (self.baseline, self.humidity):
            chart.plot.setLabel("bottom", self.tr("Date"))
        self.history.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Type"), self.tr("Result"), self.tr("Operator")]
        )
        self.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        from enose.browse import device_serials
        from enose.storage import Store

        store = Store.open(self.context.db_path)
        try:
            serials = device_serials(store, self.context.account)
        finally:
            store.close()
        current = self.device.currentText() or (self.context.devices.info.serial if self.context.devices.info else "")
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItems(serials)
        if current in serials:
            self.device.setCurrentText(current)
        self.device.blockSignals(False)
        self.show_device()

    def show_device(self) -> None:
        from enose.storage import Store

        serial = self.device.currentText()
        self.chart = None
        if not serial:
            self.state.set_state("off", self.tr("No device has been used yet."))
            self.state.name.setText(self.tr("No device"))
            self._set_note("")
            self._show_plots(False, False)
            self.history.setRowCount(0)
            return
        store = Store.open(self.context.db_path)
        try:
            history = backend.calibration_history(store, serial)
            chart = backend.drift_chart(store, serial)
        finally:
            store.close()
        self.chart = chart
        self.history.setRowCount(len(history))
        for row, record in enumerate(reversed(history)):
            result = "-" if record["passed"] is None else (self.tr("passed") if record["passed"] else self.tr("failed"))
            cells = [record["created_at"][:16].replace("T", " "), kind_name(record["kind"]), result, record["operator"]]
            for col, text in enumerate(cells):
                self.history.setItem(row, col, QTableWidgetItem(text))
        if chart is None:
            self._show_plots(False, False)
            self.state.set_state("off", "")
            self.state.name.setText(self.tr("Drift chart not available"))
            self._set_note(
                self.tr(
                    "The drift control chart comes from the signal module (enose.signal), which is not installed "
                    "in this version; the calibration history below is what has been stored."
                )
            )
            return
        channel = str(chart.get("channel") or "")
        titles = (self.tr("Zero-air baseline, %1 (EWMA)"), self.tr("Zero-air baseline, %1"))
        has_baseline = self.baseline.show(chart, [t.replace("%1", channel) for t in titles], "ln R0")
        titles = (self.tr("Humidity sensitivity, %1 (EWMA)"), self.tr("Humidity sensitivity, %1"))
        has_humidity = self.humidity.show(
            chart.get("humidity") or {}, [t.replace("%1", channel) for t in titles], self.tr("per % RH")
        )
        self._show_plots(has_baseline, has_humidity)
        due = bool(chart.get("recalibration_due"))
        reasons = punctuation(";").join(self._reason(code) for code in chart.get("reasons", []))
        self.state.set_state("red" if due else "green", reasons)
        self.state.name.setText(self.tr("Recalibration due") if due else self.tr("Within control limits"))
        if not has_baseline:
            self._set_note(self.tr("No passing zero-air calibration yet: the drift chart starts with the first one."))
        elif not has_humidity:
            self._set_note(
                self.tr("No humidity response measured yet: screenings on this unit get no risk zone until a zero-air "
                        "calibration measures it (ICD revision 1.1 firmware, humidified zero air).")
            )  # fmt: skip
        else:
            self._set_note("")

    def _set_note(self, text: str) -> None:
        """The hint under the state; hidden when empty, so the charts keep its height."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _show_plots(self, baseline: bool, humidity: bool) -> None:
        """The charts above a short history, or (no chart yet) the history alone."""
        if not baseline:
            self.baseline.clear()
        if not humidity:
            self.humidity.clear()
        self.baseline.plot.setVisible(baseline)
        self.humidity.plot.setVisible(baseline and humidity)
        self.history.setMaximumHeight(190 if baseline else 16777215)

    def _reason(self, code: str) -> str:
        texts = {
            "baseline_out_of_control": self.tr("the zero-air baseline left its control limits"),
            "response_out_of_control": self.tr("the reference response left its control limits"),
            "humidity_out_of_control": self.tr("the humidity sensitivity left its control limits"),
            "calibration_too_old": self.tr("the last calibration is too old"),
            "channel_missing": self.tr("a channel gave no value at the last calibration"),
            "never_calibrated": self.tr("no passing zero-air calibration"),
        }
        return texts.get(code, code)
