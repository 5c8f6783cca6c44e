"""The researcher's screens: filterable session table, session detail, confirmed diagnosis, export."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from firmware_protocol.messages import ChannelKind
from gui import accounts, backend, report
from gui.context import AppContext
from gui.liveplot import minmax_decimate
from gui.session_model import SessionFilter, SessionTableModel, status_text
from gui.widgets import Card, heading, is_language_change
from gui.workers import CentralExportJob, ExportJob, Task, central_session_job, load_session_job

__all__ = ["ResearcherView", "LabelDialog", "ExportDialog", "SessionDetail"]

log = logging.getLogger(__name__)

HISTOLOGIES = ("adenocarcinoma", "squamous cell carcinoma", "small-cell lung cancer", "large-cell carcinoma", "other")
STAGES = ("IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IVA", "IVB")
SOURCES = ("pathology report", "MDT", "2-year follow-up", "other")


def histology_name(value: str) -> str:
    names = {
        "adenocarcinoma": QCoreApplication.translate("Diagnosis", "adenocarcinoma"),
        "squamous cell carcinoma": QCoreApplication.translate("Diagnosis", "squamous cell carcinoma"),
        "small-cell lung cancer": QCoreApplication.translate("Diagnosis", "small-cell lung cancer"),
        "large-cell carcinoma": QCoreApplication.translate("Diagnosis", "large-cell carcinoma"),
        "other": QCoreApplication.translate("Diagnosis", "other"),
    }
    return names.get(value, value)


def source_name(value: str) -> str:
    names = {
        "pathology report": QCoreApplication.translate("Diagnosis", "pathology report"),
        "MDT": QCoreApplication.translate("Diagnosis", "multidisciplinary team meeting"),
        "2-year follow-up": QCoreApplication.translate("Diagnosis", "2-year follow-up without cancer"),
        "other": QCoreApplication.translate("Diagnosis", "other"),
        "simulated": QCoreApplication.translate("Diagnosis", "simulated"),
    }
    return names.get(value, value)


class LabelDialog(QDialog):
    """Entry of the confirmed diagnosis; a correction supersedes the label in force, never edits it."""

    def __init__(self, subject_code: str, current: dict | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subject_code = subject_code
        self.current = current
        self.title = heading()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("banner")
        self.note.setVisible(current is not None)
        self.cancer_yes = QRadioButton()
        self.cancer_no = QRadioButton()
        self.histology = QComboBox()
        self.stage = QComboBox()
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.source = QComboBox()
        for value in ("", *HISTOLOGIES):
            self.histology.addItem("", value)
        for value in ("", *STAGES):
            self.stage.addItem(value, value)
        for value in SOURCES:
            self.source.addItem("", value)
        answer = QVBoxLayout()  # stacked: the answers are long in French and Dutch
        answer.addWidget(self.cancer_yes)
        answer.addWidget(self.cancer_no)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), answer)
        self.form.addRow(QLabel(), self.histology)
        self.form.addRow(QLabel(), self.stage)
        self.form.addRow(QLabel(), self.date)
        self.form.addRow(QLabel(), self.source)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.save = QPushButton()
        self.save.setObjectName("primary")
        self.cancel = QPushButton()
        self.save.clicked.connect(self._accept)
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.cancer_yes.toggled.connect(self._cancer_changed)
        self.cancer_no.toggled.connect(self._cancer_changed)
        self.setMinimumWidth(520)
        self.retranslate()
        self._cancer_changed()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Confirmed diagnosis"))
        self.title.setText(self.tr("Confirmed diagnosis of %1").replace("%1", self.subject_code))
        if self.current is not None:
            self.note.setText(
                self.tr(
                    "This is a correction: the diagnosis entered on %1 by %2 stays in the history and is marked as "
                    "superseded."
                )
                .replace("%1", str(self.current.get("entered_at", ""))[:10])
                .replace("%2", str(self.current.get("entered_by", "")))
            )
        self.cancer_yes.setText(self.tr("Lung cancer confirmed"))
        self.cancer_no.setText(self.tr("No lung cancer"))
        labels = [self.tr("Diagnosis"), self.tr("Histology"), self.tr("Stage"), self.tr("Date of diagnosis"),
                  self.tr("Source")]  # fmt: skip
        for row, text in enumerate(labels):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.histology.setItemText(0, self.tr("not known"))
        for i, value in enumerate(HISTOLOGIES, start=1):
            self.histology.setItemText(i, histology_name(value))
        self.stage.setItemText(0, self.tr("not known"))
        for i, value in enumerate(SOURCES):
            self.source.setItemText(i, source_name(value))
        self.save.setText(self.tr("Save diagnosis"))
        self.cancel.setText(self.tr("Cancel"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _cancer_changed(self) -> None:
        cancer = self.cancer_yes.isChecked()
        self.histology.setEnabled(cancer)
        self.stage.setEnabled(cancer)

    def _accept(self) -> None:
        if not (self.cancer_yes.isChecked() or self.cancer_no.isChecked()):
            self.message.setText(self.tr("Choose whether lung cancer was confirmed."))
            return
        self.accept()

    def values(self) -> dict:
        cancer = self.cancer_yes.isChecked()
        return {
            "cancer": cancer,
            "histology": self.histology.currentData() if cancer else None,
            "stage": self.stage.currentData() if cancer else None,
            "diagnosis_date": self.date.date().toString("yyyy-MM-dd"),
            "source": self.source.currentData(),
            "supersedes": self.current["id"] if self.current else None,
        }


class ExportDialog(QDialog):
    """Format, features table and destination folder of an export."""

    def __init__(self, n_sessions: int, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.n_sessions = n_sessions
        self.title = heading()
        self.csv = QRadioButton("CSV")
        self.npz = QRadioButton("NPZ (NumPy)")
        self.npz.setChecked(True)
        self.features = QCheckBox()
        self.features.setChecked(True)
        self.folder = QLineEdit(folder)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        formats = QHBoxLayout()
        formats.addWidget(self.csv)
        formats.addWidget(self.npz)
        formats.addStretch(1)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(self.browse)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), formats)
        self.form.addRow(QLabel(), self.features)
        self.form.addRow(QLabel(), where)
        self.ok = QPushButton()
        self.ok.setObjectName("primary")
        self.ok.clicked.connect(self.accept)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export"))
        self.title.setText(self.tr("Export %1 sessions").replace("%1", str(self.n_sessions)))
        self.features.setText(self.tr("Also write the features table (features.csv)"))
        for row, text in enumerate([self.tr("Format"), self.tr("Features"), self.tr("Folder")]):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.browse.setText(self.tr("Choose..."))
        self.ok.setText(self.tr("Export"))
        self.cancel.setText(self.tr("Cancel"))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def fmt(self) -> str:
        return "csv" if self.csv.isChecked() else "npz"


class SessionDetail(QWidget):
    """One session: raw and normalised plots with phases, features and quality, diagnosis history."""

    label_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading(sub=True)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.raw_plot = pg.PlotWidget()
        self.norm_plot = pg.PlotWidget()
        self.co2_plot = pg.PlotWidget()
        for plot in (self.raw_plot, self.norm_plot, self.co2_plot):
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.hideButtons()
        self.norm_plot.setXLink(self.raw_plot)
        self.co2_plot.setXLink(self.raw_plot)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.addWidget(self.raw_plot, 2)
        plots_layout.addWidget(self.norm_plot, 2)
        plots_layout.addWidget(self.co2_plot, 1)
        self.features = QTableWidget(0, 2)
        self.features.verticalHeader().setVisible(False)
        self.features.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.features.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.quality = QLabel()
        self.quality.setWordWrap(True)
        features_page = QWidget()
        features_layout = QVBoxLayout(features_page)
        features_layout.addWidget(self.quality)
        features_layout.addWidget(self.features, 1)
        self.labels = QTableWidget(0, 6)
        self.labels.verticalHeader().setVisible(False)
        header = self.labels.horizontalHeader()  # columns as wide as their titles (FR/NL titles are longer)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.labels.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.label_button = QPushButton()
        self.label_button.setObjectName("primary")
        self.label_button.clicked.connect(self.label_requested)
        self.label_hint = QLabel()
        self.label_hint.setObjectName("hint")
        self.label_hint.setWordWrap(True)
        label_page = QWidget()
        label_layout = QVBoxLayout(label_page)
        label_layout.addWidget(self.label_hint)
        label_layout.addWidget(self.labels, 1)
        label_layout.addWidget(self.label_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(plots, "")
        self.tabs.addTab(features_page, "")
        self.tabs.addTab(label_page, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.data: dict | None = None
        self.may_label = True
        self.retranslate()
        self.show_data(None)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Signals"))
        self.tabs.setTabText(1, self.tr("Quality and features"))
        self.tabs.setTabText(2, self.tr("Diagnosis"))
        self.raw_plot.setLabel("left", self.tr("Raw resistance"), units="\u03a9")
        self.norm_plot.setLabel("left", self.tr("R/R0 (baseline)"))
        self.co2_plot.setLabel("left", self.tr("CO2 (%)"))
        self.co2_plot.setLabel("bottom", self.tr("Session time (s)"))
        self.features.setHorizontalHeaderLabels([self.tr("Feature"), self.tr("Value")])
        self.labels.setHorizontalHeaderLabels(
            [self.tr("Entered"), self.tr("By"), self.tr("Diagnosis"), self.tr("Histology, stage"), self.tr("Source"),
             self.tr("In force")]
        )  # fmt: skip
        self.label_button.setText(self.tr("Enter confirmed diagnosis..."))
        hint = self.tr(
            "The confirmed diagnosis becomes the training label of every session of this subject. Labels are "
            "never edited: a correction is a new entry that supersedes the old one."
        )
        if not self.may_label:
            hint += " " + self.tr("Only a clinician or an administrator may enter a diagnosis.")
        self.label_hint.setText(hint)
        self.show_data(self.data)

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def loading(self, session_id: int) -> None:
        self.title.setText(self.tr("Session %1").replace("%1", str(session_id)))
        self.summary.setText(self.tr("Loading..."))

    def show_data(self, data: dict | None) -> None:
        self.data = data
        for plot in (self.raw_plot, self.norm_plot, self.co2_plot):
            plot.clear()
        if data is None:
            self.title.setText(self.tr("No session selected"))
            self.summary.setText(self.tr("Select a session in the table to see its signals, features and diagnosis."))
            self.features.setRowCount(0)
            self.labels.setRowCount(0)
            self.quality.setText("")
            self.label_button.setEnabled(False)
            return
        recording, analysis, labels = data["recording"], data["analysis"], data["labels"]
        meta = recording.meta
        self.title.setText(self.tr("Session %1").replace("%1", str(recording.session_id)))
        self.summary.setText(
            self.tr("Subject %1, device %2, %3, %4 samples")
            .replace("%1", str(meta.get("subject_code") or "-"))
            .replace("%2", str(meta.get("device_serial") or "-"))
            .replace("%3", status_text(meta.get("status")))
            .replace("%4", str(recording.n_samples))
        )
        self._plot(recording)
        translate = QCoreApplication.translate
        reasons = analysis.get("reasons") or []
        verdict = self.tr("Quality gate: blocked") if analysis.get("blocked") else self.tr("Quality gate: passed")
        lines = [f"<b>{verdict}</b> ({analysis.get('processing_version')})"]
        lines += [f"&bull; {report.reason_text(r, translate)}" for r in reasons]
        self.quality.setText("<br>".join(lines))
        names, values = analysis.get("names") or [], analysis.get("values")
        self.features.setRowCount(len(names) if values is not None else 0)
        if values is not None:
            for row, (name, value) in enumerate(zip(names, values, strict=True)):
                self.features.setItem(row, 0, QTableWidgetItem(name))
                self.features.setItem(row, 1, QTableWidgetItem(f"{value:.5g}"))
        self.labels.setRowCount(len(labels))
        for row, label in enumerate(labels):
            diagnosis = self.tr("cancer") if label["cancer"] else self.tr("no cancer")
            detail = ", ".join(x for x in (histology_name(label.get("histology") or ""), label.get("stage") or "") if x)
            cells = [str(label["entered_at"])[:16].replace("T", " "), label["entered_by"], diagnosis, detail,
                     source_name(label["source"]), self.tr("yes") if label["current"] else self.tr("superseded")]  # fmt: skip
            for col, text in enumerate(cells):
                self.labels.setItem(row, col, QTableWidgetItem(text))
        self.label_button.setEnabled(bool(meta.get("subject_code")) and self.may_label)

    def _plot(self, recording) -> None:
        if recording.n_samples == 0:
            return
        layout = recording.layout
        mox = layout.indices(ChannelKind.MOX)
        t, v = minmax_decimate(recording.t_s, recording.values, 2000)
        n = max(1, len(mox))
        baseline = recording.phase("baseline")
        if baseline is not None and baseline.mask(recording.t_s).any():
            ref = np.nanmedian(recording.values[baseline.mask(recording.t_s)][:, mox], axis=0)
        else:
            ref = recording.values[0, mox]
        ref = np.where(np.isfinite(ref) & (ref > 0), ref, 1.0)
        for i, column in enumerate(mox):
            pen = pg.mkPen(pg.intColor(i, hues=n, values=1, maxValue=200), width=1)
            raw = np.where(v[:, column] > 0, v[:, column], np.nan)
            self.raw_plot.plot(t, raw, pen=pen, connect="finite")
            self.norm_plot.plot(t, v[:, column] / ref[i], pen=pen, connect="finite")
        co2 = layout.index(ChannelKind.CO2)
        if co2 is not None:
            self.co2_plot.plot(t, v[:, co2] / 1e4, pen=pg.mkPen("#0b6e4f", width=1))
        colours = {"baseline": (26, 95, 180, 30), "breath": (227, 116, 0, 35), "purge": (30, 142, 62, 30)}
        for phase in recording.phases:
            if phase.name in colours:
                for plot in (self.norm_plot, self.co2_plot):
                    region = pg.LinearRegionItem((phase.start_s, phase.end_s), movable=False,
                                                 brush=pg.mkBrush(*colours[phase.name]), pen=pg.mkPen(None))  # fmt: skip
                    region.setZValue(-10)
                    plot.addItem(region)


class ResearcherView(QWidget):
    """Session table with filters, detail of the selected session, labels and export.

    *Central database...* switches the same table, filters, detail and export to the central
    study database (:class:`enose.research.CentralSource`, read-only, with the researcher's own
    database role): the pooled sessions of every site, subjects as study pseudonyms. No diagnosis
    is entered there (the sites enter them); *This site's database* switches back.
    """

    export_finished = Signal(object)
    detail_loaded = Signal(int)
    label_saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = SessionTableModel(context.db_path, context.account, parent=self)
        self.title = heading()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(QDate(2000, 1, 1))
            edit.setDate(edit.minimumDate())
        self.device = QComboBox()
        self.site = QComboBox()
        self.qc = QComboBox()
        self.zone = QComboBox()
        self.label = QComboBox()
        self.kind = QComboBox()
        for combo, values in (
            (self.qc, [None, "passed", "failed", "none"]),
            (self.zone, [None, "green", "orange", "red", "inconclusive", report.NO_ZONE, "blocked", "none"]),
            (self.label, [None, "cancer", "no_cancer", "none"]),
            (self.kind, [None, "screening", "calibration"]),
        ):
            for value in values:
                combo.addItem("", value)
        self.reset_button = QPushButton()
        self.filter_labels = [QLabel() for _ in range(8)]
        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        widgets = [self.date_from, self.date_to, self.device, self.site, self.qc, self.zone, self.label, self.kind]
        for i, (label, widget) in enumerate(zip(self.filter_labels, widgets, strict=True)):
            filters.addWidget(label, 0, i)
            filters.addWidget(widget, 1, i)
            widget.setMinimumWidth(110)
        filters.addWidget(self.reset_button, 1, len(widgets))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.export_button = QPushButton()
        self.export_button.setObjectName("primary")
        self.refresh_button = QPushButton()
        self.central_button = QPushButton()
        self.central = None  # the open CentralSource, when the table shows the central database
        self.central_dsn: str | None = None
        self.detail = SessionDetail()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.central_button)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.export_button)
        left_layout.addLayout(bottom)
        right = Card()
        right.body.addWidget(self.detail)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        for widget in (self.device, self.site, self.qc, self.zone, self.label, self.kind):
            widget.currentIndexChanged.connect(self.apply_filter)
        self.date_from.dateChanged.connect(self.apply_filter)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.reset_button.clicked.connect(self.reset_filter)
        self.refresh_button.clicked.connect(self.refresh)
        self.central_button.clicked.connect(lambda: self.use_site() if self.central is not None else self.open_central())
        self.export_button.clicked.connect(lambda: self.export_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail.label_requested.connect(lambda: self.enter_label())
        self.task: Task | None = None
        self.export_task: Task | None = None
        self.export_job: ExportJob | CentralExportJob | None = None
        self.progress: QProgressDialog | None = None
        self._loading_id: int | None = None
        self.may_export = accounts.can(context.account, accounts.Permission.EXPORT_RESEARCH)
        self.may_label = accounts.can(context.account, accounts.Permission.WRITE_LABELS)
        self.detail.may_label = self.may_label
        self.export_button.setVisible(self.may_export)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sessions of the central study database") if self.central is not None
                           else self.tr("Sessions"))  # fmt: skip
        self.central_button.setText(self.tr("This site's database") if self.central is not None
                                    else self.tr("Central database..."))  # fmt: skip
        names = [self.tr("From"), self.tr("To"), self.tr("Device"), self.tr("Site"), self.tr("QC result"),
                 self.tr("Zone"), self.tr("Diagnosis"), self.tr("Type")]  # fmt: skip
        for label, name in zip(self.filter_labels, names, strict=True):
            label.setText(name)
        for edit in (self.date_from, self.date_to):
            edit.setSpecialValueText(self.tr("any"))
        texts = {
            self.qc: [self.tr("any"), self.tr("passed"), self.tr("failed"), self.tr("not computed")],
            self.zone: [self.tr("any"), self.tr("green"), self.tr("orange"), self.tr("red"), self.tr("inconclusive"),
                        self.tr("no zone"), self.tr("blocked"), self.tr("no score")],
            self.label: [self.tr("any"), self.tr("cancer"), self.tr("no cancer"), self.tr("not labelled")],
            self.kind: [self.tr("any"), self.tr("screening"), self.tr("calibration")],
        }  # fmt: skip
        for combo, values in texts.items():
            for i, text in enumerate(values):
                combo.setItemText(i, text)
        for combo in (self.device, self.site):
            if combo.count():
                combo.setItemText(0, self.tr("any"))
        self.reset_button.setText(self.tr("Clear filters"))
        self.export_button.setText(self.tr("Export selected..."))
        self.refresh_button.setText(self.tr("Refresh"))
        self.model.retranslate()
        self._update_count()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    # -- table and filters ----------------------------------------------------------------

    def _fill_choice(self, combo: QComboBox, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("any"), None)
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def refresh(self) -> None:
        self.model.close()
        self._fill_choice(self.device, self.model.distinct("device_serial"))
        self._fill_choice(self.site, self.model.distinct("site"))
        self.apply_filter()

    def current_filter(self) -> SessionFilter:
        def date(edit: QDateEdit) -> str | None:
            return None if edit.date() == edit.minimumDate() else edit.date().toString("yyyy-MM-dd")

        return SessionFilter(
            date_from=date(self.date_from),
            date_to=date(self.date_to),
            device=self.device.currentData(),
            site=self.site.currentData(),
            qc=self.qc.currentData(),
            zone=self.zone.currentData(),
            label=self.label.currentData(),
            kind=self.kind.currentData(),
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._update_count()

    def reset_filter(self) -> None:
        for widget in (self.device, self.site, self.qc, self.zone, self.label, self.kind):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        for edit in (self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.setDate(edit.minimumDate())
            edit.blockSignals(False)
        self.apply_filter()

    # -- the central study database ---------------------------------------------------------

    def open_central(self, dsn: str | None = None) -> bool:
        """Show the central study database (asks for its address when ``dsn`` is None); False if it cannot be read."""
        import os

        from enose.research import CentralResearchError, CentralSource

        if dsn is None:
            default = str(self.context.settings.value("central/dsn", os.environ.get("ENOSE_CENTRAL_DSN", "")))
            dsn, accepted = QInputDialog.getText(self, self.tr("Central database..."),
                                                 self.tr("Address of the central study database (your researcher "
                                                         "role), e.g. postgresql://alice@db.example.org/enose"),
                                                 text=default)  # fmt: skip
            if not accepted or not dsn.strip():
                return False
            dsn = dsn.strip()
        try:
            source = CentralSource.open(dsn, application_name="enose-gui")
        except CentralResearchError as error:
            self.count.setText(self.tr("Cannot open the central database: %1").replace("%1", str(error)))
            return False
        self.context.settings.setValue("central/dsn", dsn)
        self.central, self.central_dsn = source, dsn
        self._set_model(SessionTableModel(self.context.db_path, self.context.account, parent=self, source=source))
        return True

    def use_site(self) -> None:
        """Back to this site's own database."""
        central, self.central, self.central_dsn = self.central, None, None
        self._set_model(SessionTableModel(self.context.db_path, self.context.account, parent=self))
        if central is not None:
            central.close()

    def _set_model(self, model: SessionTableModel) -> None:
        old, self.model = self.model, model
        self.table.setModel(model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        old.close()
        old.deleteLater()
        self._loading_id = None
        self.detail.show_data(None)
        self.detail.may_label = self.may_label and self.central is None  # diagnoses are entered at the sites
        self.export_button.setEnabled(False)
        self.retranslate()
        self.refresh()

    def _update_count(self) -> None:
        self.count.setText(self.tr("Matching sessions: %1").replace("%1", str(self.model.count())))

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.session_id(row) for row in rows]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.export_button.setEnabled(bool(ids) and self.may_export)
        if len(ids) == 1:
            self.load_detail(ids[0])

    # -- detail ------------------------------------------------------------------------------

    def load_detail(self, session_id: int) -> Task:
        self._loading_id = session_id
        self.detail.loading(session_id)
        job = (central_session_job(self.central_dsn, session_id) if self.central_dsn is not None
               else load_session_job(self.context.db_path, session_id, self.context.account))  # fmt: skip
        task = Task(job, self, name="enose-load-session")
        task.finished.connect(lambda data, sid=session_id: self._detail_ready(sid, data))
        task.failed.connect(lambda message: self.detail.summary.setText(message))
        self.task = task
        return task.start()

    def _detail_ready(self, session_id: int, data: dict) -> None:
        if session_id == self._loading_id:
            self.detail.show_data(data)
            self.detail_loaded.emit(session_id)

    def enter_label(self, values: dict | None = None) -> int | None:
        """Ask for (or take) the confirmed diagnosis of the selected session's subject and store it."""
        data = self.detail.data
        if data is None or self.central is not None:
            return None
        subject = data["recording"].meta.get("subject_code")
        if not subject:
            return None
        current = next((label for label in data["labels"] if label["current"]), None)
        if values is None:
            dialog = LabelDialog(subject, current, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            values = dialog.values()
        from enose.storage import Store

        store = Store.open(self.context.db_path)
        try:
            label_id = backend.add_label(store, self.context.account, subject_code=subject, **values)  # core checks, audits
        finally:
            store.close()
        self.model.reload()
        self._update_count()
        self.load_detail(data["recording"].session_id)
        self.label_saved.emit(label_id)
        return label_id

    # -- export -------------------------------------------------------------------------------

    def export_selected(self, fmt: str | None = None, folder: str | None = None, features: bool = True) -> Task | None:
        ids = self.selected_ids()
        if not ids or not self.may_export:
            return None
        if fmt is None or folder is None:
            default = str(self.context.settings.value("export/folder", str(Path.home())))
            dialog = ExportDialog(len(ids), default, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            fmt, folder, features = dialog.fmt(), dialog.folder.text(), dialog.features.isChecked()
            self.context.settings.setValue("export/folder", folder)
        if self.central_dsn is not None:
            self.export_job = CentralExportJob(self.central_dsn, ids, fmt, Path(folder), features)
        else:
            self.export_job = ExportJob(self.context.db_path, ids, fmt, Path(folder), features)
        self.progress = QProgressDialog(self.tr("Exporting..."), self.tr("Cancel"), 0, len(ids) + int(features), self)
        self.progress.setWindowTitle(self.tr("Export"))
        # Not modal: a modal QProgressDialog spins the event loop inside setValue(), which re-enters
        # this class while the export's own signals arrive. The export runs in its thread anyway.
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.export_button.setEnabled(False)
        self.progress.canceled.connect(self.export_job.cancel)
        self.export_task = Task(self.export_job, self, name="enose-export")
        self.export_task.progress.connect(self._export_progress)
        self.export_task.finished.connect(self._export_done)
        self.export_task.failed.connect(self._export_failed)
        return self.export_task.start()

    def _export_progress(self, event) -> None:
        done, total, session_id = event
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            if session_id is not None:
                self.progress.setLabelText(self.tr("Exporting session %1...").replace("%1", str(session_id)))
            else:
                self.progress.setLabelText(self.tr("Writing the features table..."))

    def _export_done(self, result: dict) -> None:
        if self.progress is not None:
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None
        self.export_button.setEnabled(bool(self.selected_ids()) and self.may_export)
        text = self.tr("%1 files written.").replace("%1", str(len(result["written"])))
        if result.get("cancelled"):
            text = self.tr("Export cancelled; %1 files written.").replace("%1", str(len(result["written"])))
        self.count.setText(text)
        self.export_finished.emit(result)

    def _export_failed(self, message: str) -> None:
        self._export_done({"written": [], "cancelled": True})
        self.count.setText(self.tr("Export failed: %1").replace("%1", message))

    def shutdown(self) -> None:
        for task in (self.task, self.export_task):
            if task is not None and task.running:
                if task is self.export_task and self.export_job is not None:
                    self.export_job.cancel()
                task.wait()
        if self.central is not None:
            self.central.close()
            self.central = None
        self.model.close()
