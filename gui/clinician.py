"""The clinician's screening wizard: subject, pre-test checklist, live recording, result and report."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from enose import __version__
from enose.acquisition import Progress, Step
from enose.subjects import InvalidSubjectCode, validate_subject_code
from firmware_protocol.messages import ChannelKind
from gui import backend, report
from gui.context import AppContext
from gui.devices import DeviceManager
from gui.i18n import current_language, number
from gui.liveplot import LivePlot
from gui.widgets import ZONE_COLOURS, Card, Indicator, StepHeader, heading, is_language_change, mmss
from gui.workers import Connected, Scoring, ScreeningJob, Task

__all__ = ["ScreeningWizard", "step_name", "link_text", "DevicePicker"]

log = logging.getLogger(__name__)


def step_name(step: str) -> str:
    names = {
        "connecting": QCoreApplication.translate("Steps", "Connecting"),
        "warmup": QCoreApplication.translate("Steps", "Sensor warm-up"),
        "baseline": QCoreApplication.translate("Steps", "Baseline (room air)"),
        "breath": QCoreApplication.translate("Steps", "Breathing into the mask"),
        "purge": QCoreApplication.translate("Steps", "Purge (clean air)"),
        "zero_air": QCoreApplication.translate("Steps", "Zero air"),
        "humid_zero_air": QCoreApplication.translate("Steps", "Humidified zero air"),
        "reference": QCoreApplication.translate("Steps", "Reference gas"),
        "recovery": QCoreApplication.translate("Steps", "Recovery (zero air)"),
        "done": QCoreApplication.translate("Steps", "Finished"),
        "aborted": QCoreApplication.translate("Steps", "Aborted"),
        "failed": QCoreApplication.translate("Steps", "Failed"),
    }
    return names.get(str(step), str(step))


def link_text(link: str) -> str:
    texts = {
        "streaming": QCoreApplication.translate("Link", "streaming"),
        "idle": QCoreApplication.translate("Link", "connected, idle"),
        "recovering": QCoreApplication.translate("Link", "reconnecting"),
        "disconnected": QCoreApplication.translate("Link", "not connected"),
        "failed": QCoreApplication.translate("Link", "link failed"),
    }
    return texts.get(link, link)


class DevicePicker(QWidget):
    """A device combo (serial ports and the built-in emulator) with a refresh button."""

    chosen = Signal(str)

    def __init__(self, devices: DeviceManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.devices = devices
        self.combo = QComboBox()
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setMinimumContentsLength(28)
        self.refresh_button = QPushButton()
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.refresh_button.clicked.connect(self.refresh)
        self.combo.currentIndexChanged.connect(self._changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        current = self.combo.currentData() or self.devices.port
        self.combo.blockSignals(True)
        self.combo.clear()
        entries = self.devices.entries()
        for entry in entries:
            if entry.is_emulator:
                label = self.tr("Built-in emulator (no device needed)")
            else:
                label = f"{entry.port} - {entry.description}" if entry.description else entry.port
            self.combo.addItem(label, entry.port)
        index = self.combo.findData(current) if current else -1
        if index < 0:  # the first USB device, else the emulator (listed before built-in UARTs)
            index = next(i for i, e in enumerate(entries) if e.usb or e.is_emulator)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        hardware = any(e.usb for e in entries)
        self.hint.setText(
            ""
            if hardware
            else self.tr("No device is plugged in. The built-in emulator lets you try every step of the software.")
        )
        self.hint.setVisible(not hardware)
        self._changed()

    def _changed(self) -> None:
        port = self.combo.currentData()
        if port:
            self.devices.select(port)
            self.chosen.emit(port)

    def port(self) -> str | None:
        return self.combo.currentData()


class SubjectPage(QWidget):
    """Pseudonymous code (checked) and the risk factors the model uses."""

    validity_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, code_pattern: str | None = None) -> None:
        super().__init__(parent)
        #: The site's subject-code pattern (None: the project's default), the one the core enforces.
        self.code_pattern = code_pattern
        self.title = heading()
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setMaxLength(32)
        self.code.setPlaceholderText("LIL-0042")
        self.code_error = QLabel()
        self.code_error.setObjectName("error")
        self.code_error.setWordWrap(True)
        self.age = QSpinBox()
        self.age.setRange(17, 110)
        self.age.setValue(17)
        self.sex = QComboBox()
        self.smoking = QComboBox()
        self.pack_years = QDoubleSpinBox()
        self.pack_years.setRange(-1, 200)
        self.pack_years.setDecimals(1)
        self.pack_years.setValue(-1)
        self.copd = QComboBox()
        self.previous_cancer = QComboBox()
        for combo, items in (
            (self.sex, [None, "F", "M", "X"]),
            (self.smoking, [None, "never", "former", "current"]),
            (self.copd, [None, 1, 0]),
            (self.previous_cancer, [None, 1, 0]),
        ):
            for item in items:
                combo.addItem("", item)
        card = Card()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.form.addRow(QLabel(), self.code)
        self.form.addRow(QLabel(), self.code_error)
        self.form.addRow(QLabel(), self.age)
        self.form.addRow(QLabel(), self.sex)
        self.form.addRow(QLabel(), self.smoking)
        self.form.addRow(QLabel(), self.pack_years)
        self.form.addRow(QLabel(), self.copd)
        self.form.addRow(QLabel(), self.previous_cancer)
        card.body.addLayout(self.form)
        for widget in (self.code, self.age, self.sex, self.smoking, self.pack_years, self.copd, self.previous_cancer):
            widget.setMaximumWidth(360)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(card)
        layout.addStretch(1)
        self.code.textEdited.connect(self._code_edited)
        self.smoking.currentIndexChanged.connect(self._smoking_changed)
        self.retranslate()
        self._smoking_changed()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Subject"))
        self.intro.setText(
            self.tr(
                "Enter the pseudonymous study code, never the person's name. The risk factors refine the "
                "estimate; leave a field as 'not recorded' when it is unknown."
            )
        )
        labels = [
            self.tr("Subject code"),
            "",
            self.tr("Age (years)"),
            self.tr("Sex"),
            self.tr("Smoking status"),
            self.tr("Pack-years"),
            self.tr("COPD"),
            self.tr("Previous cancer"),
        ]
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)
        not_recorded = self.tr("not recorded")
        self.age.setSpecialValueText(not_recorded)
        self.pack_years.setSpecialValueText(not_recorded)
        texts = {
            self.sex: [not_recorded, self.tr("female"), self.tr("male"), self.tr("other / not stated")],
            self.smoking: [not_recorded, self.tr("never smoked"), self.tr("former smoker"), self.tr("current smoker")],
            self.copd: [not_recorded, self.tr("yes"), self.tr("no")],
            self.previous_cancer: [not_recorded, self.tr("yes"), self.tr("no")],
        }
        for combo, names in texts.items():
            for i, name in enumerate(names):
                combo.setItemText(i, name)
        self._code_edited(self.code.text(), quiet=not self.code.text())

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _code_edited(self, text: str, quiet: bool = False) -> None:
        upper = text.upper()
        if upper != text:
            position = self.code.cursorPosition()
            self.code.setText(upper)
            self.code.setCursorPosition(position)
        valid = self.is_valid()
        self.code.setProperty("invalid", not valid and bool(upper))
        self.code.style().unpolish(self.code)
        self.code.style().polish(self.code)
        if valid or quiet or not upper:
            self.code_error.setText("")
            self.form.setRowVisible(self.code_error, False)
        else:
            self.form.setRowVisible(self.code_error, True)
            if self.code_pattern is None:
                text = self.tr("Not a study code: use 2 to 5 capital letters, '-', then 3 to 6 digits "
                               "(for example LIL-0042). Never a name, a date or a hospital number.")  # fmt: skip
            else:
                text = self.tr("Not a study code of this site: it must match %1. Never a name, a date or a hospital "
                               "number.").replace("%1", self.code_pattern)  # fmt: skip
            self.code_error.setText(text)
        self.validity_changed.emit(valid)

    def _smoking_changed(self) -> None:
        never = self.smoking.currentData() == "never"
        self.pack_years.setEnabled(not never)
        if never:
            self.pack_years.setValue(0)

    def is_valid(self) -> bool:
        try:
            validate_subject_code(self.code.text(), self.code_pattern)
        except InvalidSubjectCode:
            return False
        return True

    def subject_code(self) -> str:
        return validate_subject_code(self.code.text(), self.code_pattern)

    def risk_factors(self) -> dict:
        """Columns of the ``subjects`` table; None where not recorded."""
        return {
            "age_years": None if self.age.value() == self.age.minimum() else int(self.age.value()),
            "sex": self.sex.currentData(),
            "smoking": self.smoking.currentData(),
            "pack_years": None if self.pack_years.value() < 0 else float(self.pack_years.value()),
            "copd": self.copd.currentData(),
            "previous_cancer": self.previous_cancer.currentData(),
        }

    def clear(self) -> None:
        self.code.clear()
        self.age.setValue(self.age.minimum())
        for combo in (self.sex, self.smoking, self.copd, self.previous_cancer):
            combo.setCurrentIndex(0)
        self.pack_years.setValue(-1)
        self.code_error.clear()


class ChecklistPage(QWidget):
    """The pre-test conditions of the ERS technical standard on exhaled breath, and the device."""

    validity_changed = Signal(bool)

    def __init__(self, devices: DeviceManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading()
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.checks = [QCheckBox() for _ in range(4)]
        card = Card()
        for check in self.checks:
            check.toggled.connect(self._changed)
            card.body.addWidget(check)
        self.device_title = heading(sub=True)
        self.picker = DevicePicker(devices)
        device_card = Card()
        device_card.body.addWidget(self.device_title)
        device_card.body.addWidget(self.picker)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(card)
        layout.addWidget(device_card)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Before the test"))
        self.intro.setText(
            self.tr(
                "Following the ERS technical standard on exhaled breath analysis, check each point with the "
                "person before recording."
            )
        )
        texts = [
            self.tr("No food or drink other than water in the last hour"),
            self.tr("No smoking or vaping in the last hour"),
            self.tr("No strenuous exercise in the last hour"),
            self.tr("Mask fitted: no leak around the edges while breathing calmly"),
        ]
        for check, text in zip(self.checks, texts, strict=True):
            check.setText(text)
        self.device_title.setText(self.tr("Device"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _changed(self) -> None:
        self.validity_changed.emit(self.is_valid())

    def is_valid(self) -> bool:
        return all(c.isChecked() for c in self.checks) and self.picker.port() is not None

    def clear(self) -> None:
        for check in self.checks:
            check.setChecked(False)


class RecordingPage(QWidget):
    """The live view: normalised MOX responses, capnogram, phase and time left, cycles, quality."""

    abort_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = heading()
        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        self.instruction.setObjectName("hint")
        self.phase_bar = QProgressBar()
        self.phase_bar.setRange(0, 1000)
        self.phase_bar.setTextVisible(False)
        self.remaining = QLabel()
        self.remaining.setObjectName("subheading")
        self.remaining.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.cycles = QLabel()
        self.cycles.setObjectName("subheading")
        self.plot = LivePlot()
        self.quality_title = heading(sub=True)
        self.link = Indicator()
        self.data = Indicator()
        self.sensors = Indicator()
        self.breathing = Indicator()
        self.storage = Indicator()
        self.abort_button = QPushButton()
        self.abort_button.setObjectName("danger")
        self.abort_button.clicked.connect(self.abort_requested)
        top = QGridLayout()
        top.addWidget(self.phase, 0, 0)
        top.addWidget(self.remaining, 0, 1)
        top.addWidget(self.phase_bar, 1, 0, 1, 2)
        top.addWidget(self.instruction, 2, 0, 1, 2)
        top.setColumnStretch(0, 1)
        side = Card()
        side.setMinimumWidth(300)  # grows to fit the longest translation of the abort button
        side.setMaximumWidth(380)
        side.body.addWidget(self.cycles)
        side.body.addSpacing(6)
        side.body.addWidget(self.quality_title)
        for indicator in (self.link, self.data, self.sensors, self.breathing, self.storage):
            side.body.addWidget(indicator)
        side.body.addStretch(1)
        side.body.addWidget(self.abort_button)
        middle = QHBoxLayout()
        middle.addWidget(self.plot, 1)
        middle.addWidget(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        self.progress: Progress | None = None
        self.step: str | None = None
        self.acquisition = None
        self.breath_from: int | None = None
        self.breath_s = 300.0
        self.n_cycles: int | None = None
        self.quality_timer = QTimer(self)
        self.quality_timer.setInterval(500)
        self.quality_timer.timeout.connect(self.update_quality)
        self.retranslate()

    def retranslate(self) -> None:
        self.quality_title.setText(self.tr("Live quality"))
        self.link.name.setText(self.tr("Device link"))
        self.data.name.setText(self.tr("Data"))
        self.sensors.name.setText(self.tr("Sensors"))
        self.breathing.name.setText(self.tr("Breathing"))
        self.storage.name.setText(self.tr("Saving"))
        self.abort_button.setText(self.tr("Abort (keeps the data)"))
        self._show_step()
        self.update_quality()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def start(self, breath_s: float) -> None:
        self.breath_s = breath_s
        self.progress = None
        self.step = "connecting"
        self.acquisition = None
        self.breath_from = None
        self.n_cycles = None
        self.plot.clear()
        self.abort_button.setEnabled(True)
        for indicator in (self.link, self.data, self.sensors, self.breathing, self.storage):
            indicator.set_state("off", "")
        self._show_step()
        self.quality_timer.start()

    def stop(self) -> None:
        self.quality_timer.stop()
        self.plot.detach()
        self.abort_button.setEnabled(False)

    def connected(self, event: Connected) -> None:
        self.acquisition = event.acquisition
        self.plot.attach(event.acquisition.buffer, event.acquisition.layout, event.acquisition.settings.period_ms)

    def update_progress(self, progress: Progress) -> None:
        changed = progress.step != self.step
        self.progress = progress
        self.step = str(progress.step)
        if changed and progress.step == Step.BASELINE:
            self.plot.mark_reference()
        if changed and progress.step == Step.BREATH and self.acquisition is not None:
            self.breath_from = len(self.acquisition.buffer)
        self._show_step()

    def scoring(self) -> None:
        self.step = "scoring"
        self.abort_button.setEnabled(False)
        self._show_step()

    def _show_step(self) -> None:
        step = self.step or "connecting"
        if step == "scoring":
            self.phase.setText(self.tr("Computing the result..."))
            self.instruction.setText(self.tr("The recording is complete. The person can remove the mask."))
            self.remaining.setText("")
            self.phase_bar.setValue(1000)
            return
        self.phase.setText(step_name(step))
        instructions = {
            "connecting": self.tr("Connecting to the device..."),
            "warmup": self.tr("The sensors are warming up. The person waits without the mask."),
            "baseline": self.tr("The device samples room air. The person rests, mask not yet on the face."),
            "breath": self.tr("Ask the person to breathe calmly and normally through the mask."),
            "purge": self.tr("The person can remove the mask. The device flushes with clean air."),
        }
        self.instruction.setText(instructions.get(step, ""))
        progress = self.progress
        if progress is not None and progress.duration_s:
            self.phase_bar.setRange(0, 1000)
            self.phase_bar.setValue(int(1000 * min(1.0, progress.elapsed_s / progress.duration_s)))
            self.remaining.setText(self.tr("%1 remaining").replace("%1", mmss(progress.remaining_s)))
        else:
            self.phase_bar.setRange(0, 0)  # busy: warm-up has no fixed length
            self.remaining.setText("")
        target = backend.target_breath_cycles(self.breath_s)
        self.cycles.setText(
            self.tr("Breath cycles: %1 of %2").replace("%1", str(self.n_cycles or 0)).replace("%2", str(target))
        )

    def update_quality(self) -> None:
        """Traffic lights from the newest samples and the engine's progress (twice a second)."""
        progress, acquisition = self.progress, self.acquisition
        if progress is None or acquisition is None or acquisition.buffer is None:
            return
        link = str(progress.link)
        if link == "streaming":
            self.link.set_state("green", self.tr("Streaming"))
        elif link == "recovering":
            self.link.set_state("amber", self.tr("Reconnecting to the device..."))
        elif link == "idle":
            self.link.set_state("green", self.tr("Connected"))
        else:
            self.link.set_state("red", self.tr("Device not connected: check the cable"))
        lost, n = progress.lost_samples, max(1, progress.n_samples)
        if lost == 0:
            self.data.set_state("green", self.tr("No samples lost"))
        else:
            state = "red" if lost / n > 0.01 else "amber"
            self.data.set_state(state, self.tr("%1 samples lost, %2 interruptions")
                                .replace("%1", str(lost)).replace("%2", str(progress.interruptions)))  # fmt: skip
        if progress.storage_error:
            self.storage.set_state("red", self.tr("The database cannot be written; samples are kept in memory"))
        else:
            self.storage.set_state("green", self.tr("Saved continuously"))
        layout, buffer = acquisition.layout, acquisition.buffer
        period_s = acquisition.settings.period_ms / 1000.0
        recent = buffer.tail(max(1, int(1.0 / period_s)))
        mox = layout.indices(ChannelKind.MOX)
        if len(recent) and mox.size:
            dead = ~np.isfinite(recent.values[:, mox]).any(axis=0)
            if dead.any():
                names = ", ".join(layout.names[i] for i in mox[dead])
                self.sensors.set_state("red", self.tr("No data from %1").replace("%1", names))
            else:
                self.sensors.set_state("green", self.tr("All %1 gas sensors respond").replace("%1", str(mox.size)))
        co2 = layout.index(ChannelKind.CO2)
        if self.step == "breath" and co2 is not None and self.breath_from is not None:
            block = buffer.block(self.breath_from)
            if len(block):
                window = block.values[-int(10.0 / period_s) :, co2]
                peak = float(np.nanmax(window)) if np.isfinite(window).any() else 0.0
                elapsed = float(block.t_s[-1] - block.t_s[0])
                if peak >= backend.MIN_BREATH_CO2_PPM:
                    self.breathing.set_state(
                        "green", self.tr("Exhaled CO2 seen (peaks %1 %)").replace("%1", number(peak / 1e4, ".1f"))
                    )
                elif elapsed < 5.0:
                    self.breathing.set_state("amber", self.tr("Waiting for the first breaths..."))
                else:
                    self.breathing.set_state("red", self.tr("No exhaled CO2: check the mask fit"))
                cycles = backend.count_breath_cycles(block.values[:, co2], block.t_s)
                if cycles is not None:
                    self.n_cycles = cycles
                    self._show_step()
        elif self.step in ("baseline", "warmup", "connecting"):
            self.breathing.set_state("off", self.tr("Checked during the breath phase"))


class ResultPage(QWidget):
    """Zone, probability and interval, reasons, model version, not-a-diagnosis, and the report."""

    repeat_requested = Signal()
    new_requested = Signal()
    report_saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading()
        self.zone = QLabel()
        self.zone.setWordWrap(True)
        self.zone.setMinimumHeight(64)
        self.zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.probability = QLabel()
        self.probability.setObjectName("subheading")
        self.probability.setWordWrap(True)
        self.details_title = heading(sub=True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.model = QLabel()
        self.model.setObjectName("hint")
        self.model.setWordWrap(True)
        self.disclaimer = QLabel()
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.print_button = QPushButton()
        self.repeat_button = QPushButton()
        self.new_button = QPushButton()
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.print_button.clicked.connect(self.print_report)
        self.repeat_button.clicked.connect(self.repeat_requested)
        self.new_button.clicked.connect(self.new_requested)
        card = Card()
        card.body.addWidget(self.zone)
        card.body.addWidget(self.probability)
        card.body.addWidget(self.details_title)
        self.details_scroll = QScrollArea()  # a long list of reasons scrolls instead of being cut off
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setWidget(self.details)
        self.details_scroll.viewport().setAutoFillBackground(False)  # the card's white shows through
        self.details.setAutoFillBackground(False)
        card.body.addWidget(self.details_scroll, 1)
        card.body.addWidget(self.model)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.repeat_button)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(card, 1)
        layout.addWidget(self.disclaimer)
        layout.addLayout(buttons)
        self.data: dict | None = None
        self.language = "en"
        self.last_pdf: str | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Result"))
        self.details_title.setText(self.tr("Details"))
        self.disclaimer.setText(
            self.tr(
                "This result is not a diagnosis. It supports a conversation about whether a CT scan is useful. "
                "The bundled model was trained on simulated data: not for clinical use."
            )
        )
        self.save_button.setText(self.tr("Save PDF report..."))
        self.print_button.setText(self.tr("Print..."))
        self.repeat_button.setText(self.tr("Repeat the test"))
        self.new_button.setText(self.tr("New screening"))
        if self.data is not None:  # the new language's words, decimal commas and punctuation (and the PDF's)
            self.show_data(self.data, current_language())

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def show_data(self, data: dict, language: str) -> None:
        """Show a finished screening (``data`` as for :func:`gui.report.build_report_html`)."""
        self.data = data
        self.language = language
        translate = QCoreApplication.translate
        score, session = data["score"], data["session"]
        given = bool(score.get("given"))
        zone = report.display_zone(score)  # never green/orange/red when the score has no-zone reasons
        colour = ZONE_COLOURS.get(zone or "", "#5f6368")
        self.zone.setStyleSheet(
            f"background:{colour}; color:white; font-size:16pt; font-weight:bold; border-radius:6px; padding:10px;"
        )
        self.zone.setText(report.zone_title(zone, translate))
        self.zone_name = zone
        parts: list[str] = []
        status = session.get("status")
        if status == "aborted":
            parts.append(
                self.tr("The recording was aborted. The %1 samples recorded are kept as session %2.")
                .replace("%1", str(session.get("n_samples", 0)))
                .replace("%2", str(session.get("id")))
            )
        elif status == "failed":
            parts.append(self.tr("The device could not be reached: %1").replace("%1", str(session.get("error", ""))))
        elif status == "interrupted":
            parts.append(
                self.tr("The recording was interrupted (%1). What was recorded is kept as session %2.")
                .replace("%1", str(session.get("error") or ""))
                .replace("%2", str(session.get("id")))
            )
        if given:
            low, high = score["interval"]
            no_zone = report.no_zone_texts(score, session.get("device_serial"), translate)
            probability = (
                self.tr("Estimated probability %1 % (90 % interval %2 to %3 %), for the record only: no zone is given")
                if no_zone
                else self.tr("Estimated probability %1 % (90 % interval %2 to %3 %)")
            )
            self.probability.setText(
                probability.replace("%1", f"{100 * score['probability']:.0f}")
                .replace("%2", f"{100 * low:.0f}")
                .replace("%3", f"{100 * high:.0f}")
            )
            if no_zone:
                parts.append(self.tr("Why no zone:"))
                parts.append("<ul>" + "".join(f"<li>{_html(text)}</li>" for text in no_zone) + "</ul>")
            for warning in (
                None if no_zone else report.protocol_text(score, translate),  # else one of the no-zone reasons
                report.caution_text(score, session.get("device_serial"), translate),
            ):
                if warning:
                    parts.append(warning)
            factors = [report.factor_text(item, language, translate) for item in score.get("explanation", [])]
            if factors:
                parts.append(self.tr("Main contributing factors:"))
                parts.append("<ul>" + "".join(f"<li>{_html(f)}</li>" for f in factors) + "</ul>")
        else:
            self.probability.setText(self.tr("No score was given."))
            why = score.get("why")
            if why == "incomplete" and status not in ("aborted", "failed", "interrupted"):
                parts.append(self.tr("The recording did not run to its end; repeat it."))
            elif why == "no_model":
                parts.append(self.tr("No risk model is installed."))
            elif why == "model_error":
                parts.append(
                    self.tr("The risk model cannot score this recording: %1").replace("%1", str(score.get("detail")))
                )
            elif why == "blocked":
                parts.append(self.tr("The recording failed the quality gate; repeat the test."))
        reasons = score.get("qc_reasons") or []
        if reasons:
            parts.append(self.tr("Quality gate:"))
            items = []
            for reason in reasons:
                severity = self.tr("blocks the score") if reason.get("severity") == "block" else self.tr("warning")
                colon = _html(report.punctuation(":", language))
                items.append(f"<li><b>{_html(severity)}</b>{colon}{_html(report.reason_text(reason, translate))}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        # paragraphs and lists with small margins: Qt's default <br> + <ul> spacing pushed the last lines out of view
        self.details.setText(
            "".join(p.replace("<ul>", _LIST, 1) if p.startswith("<ul>") else f"<p style='{_PARAGRAPH}'>{_html(p)}</p>"
                    for p in parts)
        )  # fmt: skip
        if score.get("model_id"):
            self.model.setText(
                self.tr("Model %1, software %2, session %3")
                .replace("%1", str(score.get("model_id")))
                .replace("%2", __version__)
                .replace("%3", str(session.get("id")))
            )
        else:
            self.model.setText(
                self.tr("Software %1, session %2").replace("%1", __version__).replace("%2", str(session.get("id", "-")))
            )
        has_session = session.get("id") is not None
        self.save_button.setEnabled(has_session)
        self.print_button.setEnabled(has_session)

    def report_html(self) -> str:
        assert self.data is not None
        return report.build_report_html({**self.data, "language": self.language}, QCoreApplication.translate)

    def save_pdf(self, path: str | None = None) -> str | None:
        if self.data is None:
            return None
        if path is None:
            code = self.data["subject"].get("code") or "subject"
            suggested = str(Path.home() / f"enose-report-{code}-{self.data['session'].get('id')}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report"), suggested, self.tr("PDF (*.pdf)"))
            if not path:
                return None
        written = report.render_pdf(self.report_html(), path)
        self.last_pdf = str(written)
        self.report_saved.emit(str(written))
        return str(written)

    def print_report(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setHtml(self.report_html())
            document.print_(printer)


_PARAGRAPH = "margin-top:0px; margin-bottom:6px;"
_LIST = "<ul style='margin-top:0px; margin-bottom:6px;'>"


def _html(text: str) -> str:
    import html

    return html.escape(text)


class ScreeningWizard(QWidget):
    """Subject -> checklist -> live recording -> result. Abort and repeat are always possible."""

    recording_started = Signal()
    screening_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.header = StepHeader(4)
        self.subject_page = SubjectPage(code_pattern=backend.subject_code_pattern(context.db_path))
        self.checklist_page = ChecklistPage(context.devices)
        self.recording_page = RecordingPage()
        self.result_page = ResultPage()
        self.pages = QStackedWidget()
        for page in (self.subject_page, self.checklist_page, self.recording_page, self.result_page):
            self.pages.addWidget(page)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        self.nav = QWidget()
        nav = QHBoxLayout(self.nav)
        nav.setContentsMargins(0, 0, 0, 0)
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.nav)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.subject_page.validity_changed.connect(lambda _: self._update_nav())
        self.checklist_page.validity_changed.connect(lambda _: self._update_nav())
        self.recording_page.abort_requested.connect(self.abort)
        self.result_page.repeat_requested.connect(self.repeat)
        self.result_page.new_requested.connect(self.new_screening)
        self.task: Task | None = None
        self.job: ScreeningJob | None = None
        self.outcome: backend.ScreeningOutcome | None = None
        self.retranslate()
        self.go(0)

    def retranslate(self) -> None:
        self.header.set_names([self.tr("Subject"), self.tr("Checklist"), self.tr("Recording"), self.tr("Result")])
        self.back_button.setText(self.tr("Back"))
        self._update_nav()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    # -- navigation ----------------------------------------------------------------------

    def go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.header.set_current(index)
        self._update_nav()
        if index == 1:
            self.checklist_page.picker.refresh()

    def _update_nav(self) -> None:
        index = self.pages.currentIndex()
        self.nav.setVisible(index in (0, 1))
        self.back_button.setEnabled(index == 1)
        if index == 0:
            self.next_button.setText(self.tr("Next"))
            self.next_button.setEnabled(self.subject_page.is_valid())
        elif index == 1:
            self.next_button.setText(self.tr("Start recording"))
            self.next_button.setEnabled(self.checklist_page.is_valid())

    def back(self) -> None:
        if self.pages.currentIndex() == 1:
            self.go(0)

    def next(self) -> None:
        index = self.pages.currentIndex()
        if index == 0 and self.subject_page.is_valid():
            self.go(1)
        elif index == 1 and self.checklist_page.is_valid():
            self.start_recording()

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    # -- recording -----------------------------------------------------------------------

    def start_recording(self) -> None:
        if self.running:
            return
        devices = self.context.devices
        port = devices.resolve(self.checklist_page.picker.port())
        devices.select(port)
        protocol = self.context.protocol.screening()
        self.job = ScreeningJob(
            db_path=self.context.db_path,
            port=port,
            protocol=protocol,
            user=self.context.account,
            subject_code=self.subject_page.subject_code(),
            risk_factors={k: v for k, v in self.subject_page.risk_factors().items() if v is not None},
            site=self.context.site,
        )
        self.outcome = None
        self.go(2)
        self.recording_page.start(protocol.breath_s)
        self.task = Task(self.job, self, name="enose-screening")
        self.task.progress.connect(self._on_progress)
        self.task.finished.connect(self._on_finished)
        self.task.failed.connect(self._on_failed)
        self.task.start()
        self.recording_started.emit()

    def _on_progress(self, event: object) -> None:
        if isinstance(event, Progress):
            self.recording_page.update_progress(event)
            self.context.devices.set_link(str(event.link))
        elif isinstance(event, Connected):
            self.recording_page.connected(event)
            self.context.devices.set_info(event.info)
            self.context.devices.set_link("idle")
        elif isinstance(event, Scoring):
            self.recording_page.scoring()

    def abort(self) -> None:
        """Stop the recording now; everything recorded so far is kept (status 'aborted')."""
        if self.job is not None and self.running:
            self.job.abort()
            self.recording_page.abort_button.setEnabled(False)

    def _on_finished(self, outcome: backend.ScreeningOutcome) -> None:
        self.recording_page.stop()
        self.context.devices.set_link("disconnected")
        self.outcome = outcome
        self.result_page.show_data(self._report_data(outcome), self.context.languages.language)
        self.go(3)
        self.screening_finished.emit(outcome)

    def _on_failed(self, message: str) -> None:
        self._on_finished(backend.ScreeningOutcome(None, "failed", error=message))

    def _report_data(self, outcome: backend.ScreeningOutcome) -> dict:
        subject = {"code": self.subject_page.code.text(), **self.subject_page.risk_factors()}
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "subject": subject,
            "session": {
                "id": outcome.session_id,
                "status": outcome.status,
                "started_at": outcome.started_at,
                "device_serial": outcome.device_serial,
                "operator": self.context.operator,
                "n_samples": outcome.n_samples,
                "lost_samples": outcome.lost_samples,
                "interruptions": outcome.interruptions,
                "error": outcome.error,
            },
            "score": outcome.score,
            "software_version": __version__,
        }

    def repeat(self) -> None:
        """Same subject, again from the checklist."""
        self.checklist_page.clear()
        self.go(1)

    def new_screening(self) -> None:
        self.subject_page.clear()
        self.checklist_page.clear()
        self.result_page.data = None
        self.go(0)

    def shutdown(self) -> None:
        """Abort a recording in progress and wait for its thread (the app is closing)."""
        if self.running and self.job is not None and self.task is not None:
            self.job.abort()
            self.task.wait()
