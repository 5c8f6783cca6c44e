"""No text is cut off: every label, button, check box, radio button, group box title and tab fits its widget.

French and Dutch run longer than English; a translation that does not fit shows as a
clipped word or a missing last line, which no other test sees. Each language opens
the main screens at 1366x768 (the smallest screen the app is designed for) in the
states a user meets: the clinician's four steps with a real (short) screening and the
result page in every zone, the technician's tabs with real calibrations, the
researcher's sessions and dialogs, the administrator's dialogs and the lock screen.

What "fits" means, per visible widget:

* a one-line label: the widest line of its text is no wider than its contents
  (rich text: its size hint), and it is as tall as its size hint;
* a word-wrapped label: its height is at least ``heightForWidth`` of its width;
* a push button, check box or radio button: the text (and icon) fits the contents
  rectangle the style gives it;
* a group box title and every tab of a tab bar: the text fits the room they have.

A problem names the widget by the attribute that holds it (``ResultPage.zone``), so it can
be found in ``gui/``. ``test_the_check_finds_cut_off_text`` shows the check fails on widgets
made too narrow on purpose.
"""

from __future__ import annotations

import re
import shutil

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import Qt as GuiQt  # Qt::mightBeRichText lives in QtGui
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTabWidget,
    QWidget,
)

from gui import accounts
from tests.gui.conftest import PASSWORD
from tests.gui.test_no_zone import NOT_MEASURED, no_zone_data
from tests.gui.test_report import SCORED

LANGUAGES = ("en", "fr", "nl")
LEFT = Qt.MouseButton.LeftButton
#: The conftest's short protocol, twice as fast again: what is checked is the text, not the recording.
EMULATOR_SPEED = 40.0
#: Rounding of fractional font metrics.
SLACK_PX = 1


# -- the check --------------------------------------------------------------------------------------


def cut_off_texts(root: QWidget) -> list[str]:
    """Every visible text under ``root`` (included) that does not fit its widget, as readable lines."""
    QCoreApplication.processEvents()
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue  # hidden, or on a page, tab or step not shown now
        if isinstance(widget, QLabel):
            found = [_label_problem(widget)]
        elif isinstance(widget, QCheckBox):
            found = [_button_problem(widget, QStyle.SubElement.SE_CheckBoxContents)]
        elif isinstance(widget, QRadioButton):
            found = [_button_problem(widget, QStyle.SubElement.SE_RadioButtonContents)]
        elif isinstance(widget, QPushButton):
            found = [_button_problem(widget, QStyle.SubElement.SE_PushButtonContents)]
        elif isinstance(widget, QGroupBox):
            found = [_group_box_problem(widget)]
        elif isinstance(widget, QTabBar):
            found = _tab_problems(widget)
        else:
            continue
        problems.extend(f"{where(widget)}: {problem}" for problem in found if problem)
    return problems


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text.strip():
        return None
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK_PX:
            return f"{_short(text)!r} wraps to {need} px of height, has {label.height()} px (last lines cut off)"
        return None
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if rich:
        need, have = label.sizeHint().width(), label.width()
    else:
        lines = text.split("\n")
        need = max(label.fontMetrics().horizontalAdvance(line) for line in lines)
        have = label.contentsRect().width() - 2 * label.margin()
    if need > have + SLACK_PX:
        return f"{_short(text)!r} needs {need} px, has {have} px"
    if label.sizeHint().height() > label.height() + SLACK_PX:
        return f"{_short(text)!r} needs {label.sizeHint().height()} px of height, has {label.height()} px"
    return None


def _button_problem(button: QAbstractButton, element: QStyle.SubElement) -> str | None:
    text = _without_mnemonic(button.text())
    if not text:
        return None
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(element, option, button)
    need = button.fontMetrics().horizontalAdvance(text)
    if isinstance(button, QPushButton) and not button.icon().isNull():
        need += button.iconSize().width() + 4
    have = room.width()
    if need > have + SLACK_PX:
        return f"{text!r} needs {need} px, has {have} px"
    return None


def _group_box_problem(box: QGroupBox) -> str | None:
    title = _without_mnemonic(box.title())
    if not title:
        return None
    need = box.fontMetrics().horizontalAdvance(title)
    have = box.contentsRect().width()
    if need > have + SLACK_PX:
        return f"title {title!r} needs {need} px, has {have} px"
    return None


def _tab_problems(bar: QTabBar) -> list[str]:
    problems = []
    for index in range(bar.count()):
        text = _without_mnemonic(bar.tabText(index))
        need, have = bar.tabSizeHint(index).width(), bar.tabRect(index).width()
        if text and need > have + SLACK_PX:
            problems.append(f"tab {text!r} needs {need} px, has {have} px")
    return problems


def _without_mnemonic(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text)


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def where(widget: QWidget) -> str:
    """``Owner.attribute`` of the nearest ancestor holding ``widget`` (``Owner.list[i]`` in a list), else its class."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        for name, value in vars(parent).items():
            if value is widget:
                return f"{type(parent).__name__}.{name}"
            if isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if item is widget:
                        return f"{type(parent).__name__}.{name}[{i}]"
        child, parent = parent, parent.parentWidget()
    return f"{type(widget).__name__} in {type(child).__name__}"


# -- the check can fail -------------------------------------------------------------------------------


def test_the_check_finds_cut_off_text(qtbot):
    """Widgets made too small on purpose are all reported; the same widgets at their size hint are not."""
    host = QWidget()
    qtbot.addWidget(host)
    host.label = QLabel("Estimated probability 12 % (90 % interval 8 to 15 %)", host)
    host.rich = QLabel("<b>Why no zone:</b> the device had no humidity calibration", host)
    host.wrapped = QLabel("Ask the person to breathe calmly and normally through the mask. " * 3, host)
    host.wrapped.setWordWrap(True)
    host.button = QPushButton("Enregistrer le rapport PDF...", host)
    host.check = QCheckBox("Geen eten of drinken behalve water in het afgelopen uur", host)
    host.radio = QRadioButton("Air zéro (ligne de base de chaque capteur)", host)
    host.box = QGroupBox("Kwaliteit live tijdens de opname", host)
    host.tabs = QTabWidget(host)
    host.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
    host.tabs.tabBar().setUsesScrollButtons(False)
    for name in ("Toestel", "Ruwe signalen", "Kalibratie", "Drift"):
        host.tabs.addTab(QWidget(), name)
    narrow = {"label": (60, 30), "rich": (60, 30), "wrapped": (200, 20), "button": (60, 30), "check": (60, 30),
              "radio": (60, 30), "box": (60, 60), "tabs": (120, 60)}  # fmt: skip
    for y, (name, (w, h)) in enumerate(narrow.items()):
        widget = getattr(host, name)
        widget.setGeometry(0, 70 * y, w, h)
    host.resize(800, 70 * len(narrow))
    host.show()
    qtbot.waitExposed(host)
    problems = cut_off_texts(host)
    for name in ("label", "rich", "wrapped", "button", "check", "radio", "box"):
        assert any(p.startswith(f"QWidget.{name}:") for p in problems), (name, problems)
    assert sum("tab " in p for p in problems) >= 2, problems
    # the same widgets given the room they ask for: nothing is reported
    for y, name in enumerate(narrow):
        widget = getattr(host, name)
        size = widget.sizeHint()
        if name == "wrapped":
            size.setHeight(widget.heightForWidth(200))
            size.setWidth(200)
        elif name == "tabs":
            size.setWidth(host.tabs.tabBar().sizeHint().width() + 10)
        widget.setGeometry(0, 70 * y, size.width(), size.height())
    assert cut_off_texts(host) == []


# -- every main screen, in every language ---------------------------------------------------------------


class Collected:
    """Problems found so far, with the screen each one was seen on."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.problems: list[str] = []

    def check(self, screen: str, root: QWidget) -> None:
        self.problems.extend(f"[{self.language}] {screen}: {p}" for p in cut_off_texts(root))


def _result(zone: str) -> dict:
    return {**SCORED, "score": {**SCORED["score"], "zone": zone}}


BLOCKED = {**SCORED, "score": {"given": False, "why": "blocked", "qc_reasons": [
    {"code": "too_few_breaths", "severity": "block", "message": "Too few valid breath cycles."},
    {"code": "humidity_out_of_range", "severity": "block", "message": "Room humidity outside 10-75 %."}]}}  # fmt: skip
ABORTED = {**SCORED, "session": {**SCORED["session"], "status": "aborted", "n_samples": 1200},
           "score": {"given": False, "why": "incomplete", "qc_reasons": []}}  # fmt: skip


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """A database with one account per role, made once: password hashing is slow on purpose (about 0.6 s each).

    Returns the database file and each account as the core authenticated it.
    """
    from enose.storage import Store

    db_path = tmp_path_factory.mktemp("clinic") / "enose.db"
    Store.open(db_path).close()
    accounts.create_user(db_path, "admin", PASSWORD, "admin", "first-start")
    admin = accounts.authenticate(db_path, "admin", PASSWORD)
    for username, role in (("claire", "clinician"), ("theo", "technician")):
        accounts.create_user(db_path, username, PASSWORD, role, admin)
    return db_path, {name: accounts.authenticate(db_path, name, PASSWORD) for name in ("admin", "claire", "theo")}


def open_window(qtbot, context, account, workspace: str):
    """The main window as after signing in (``Shell.open_window``), without checking the password again."""
    from gui.mainwindow import MainWindow

    context.account, context.workspace = account, workspace
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _clinician(qtbot, context, found: Collected, account) -> None:
    from enose.acquisition import Progress, Step

    window = open_window(qtbot, context, account, "clinician")
    wizard = window.screens["screening"]
    page = wizard.subject_page
    qtbot.keyClicks(page.code, "jean dupont")  # a name: the code error shows
    found.check("subject, a name typed as code", window)
    page.code.clear()
    qtbot.keyClicks(page.code, "LIL-0042")
    page.age.setValue(67)
    page.smoking.setCurrentIndex(page.smoking.findData("former"))
    page.pack_years.setValue(35.5)
    found.check("subject", window)
    qtbot.mouseClick(wizard.next_button, LEFT)
    found.check("checklist", window)
    for check in wizard.checklist_page.checks:
        check.setChecked(True)
    recording = wizard.recording_page
    seen_breath = []

    def during_breath(event) -> None:  # after the page's own slot: the page shows the breath phase
        breath = isinstance(event, Progress) and event.step == Step.BREATH and recording.acquisition is not None
        if breath and not seen_breath:
            seen_breath.append(event)
            recording.update_quality()
            found.check("recording, breath phase", window)

    with qtbot.waitSignal(wizard.screening_finished, timeout=60_000):
        qtbot.mouseClick(wizard.next_button, LEFT)
        wizard.task.progress.connect(during_breath)
    assert seen_breath, "the recording never reported its breath phase"
    found.check("result of the recording", window)
    # every step of the recording page, as the engine reports it
    wizard.go(2)
    for step, duration in ((Step.WARMUP, None), (Step.BASELINE, 60.0), (Step.BREATH, 300.0), (Step.PURGE, 120.0)):
        recording.update_progress(Progress(step, 12.0, duration, 100.0, 1000, 0, 0, "streaming"))
        found.check(f"recording, {step}", window)
    recording.scoring()
    found.check("recording, computing the result", window)
    wizard.go(3)
    language = context.languages.language
    for name, data in (("green", _result("green")), ("orange", _result("orange")), ("red", _result("red")),
                       ("no zone", no_zone_data(NOT_MEASURED)), ("blocked", BLOCKED), ("aborted", ABORTED)):  # fmt: skip
        wizard.result_page.show_data(data, language)
        found.check(f"result, {name}", window)
    window.close()


def _calibrate(qtbot, wizard, kind: str, while_recording=None) -> None:
    """A real calibration of ``kind`` on the device in use; ``while_recording()`` runs once it has started."""
    wizard.go(0)
    (wizard.zero_choice if kind == "zero" else wizard.reference_choice).setChecked(True)
    wizard.go(1)
    with qtbot.waitSignal(wizard.calibration_finished, timeout=60_000):
        wizard.start()
        if while_recording is not None:
            while_recording()


def _technician(qtbot, context, found: Collected, account) -> None:
    from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

    window = open_window(qtbot, context, account, "technician")
    panel = window.screens["device"]
    found.check("device, nothing read yet", window)
    with qtbot.waitSignal(panel.run_self_test().ended, timeout=20_000):
        pass
    found.check("device, self-test passed", window)
    raw = window.screens["raw"]
    window.tabs.setCurrentWidget(raw)
    task = raw.start()
    qtbot.waitUntil(lambda: raw.grid.frames > 2, timeout=20_000)
    found.check("raw signals, streaming", window)
    with qtbot.waitSignal(task.ended, timeout=20_000):
        raw.stop()
    found.check("raw signals, stopped", window)
    wizard = window.screens["calibration"]
    window.tabs.setCurrentWidget(wizard)
    found.check("calibration, type", window)
    for choice in (wizard.reference_choice, wizard.zero_choice):
        choice.setChecked(True)
        wizard.go(1)
        found.check(f"calibration, preparation ({wizard.kind})", window)
        wizard.go(0)
    for kind in ("zero", "reference"):
        _calibrate(qtbot, wizard, kind, lambda kind=kind: found.check(f"calibration, {kind} recording", window))
        found.check(f"calibration, {kind} verdict", window)
    drift = window.screens["drift"]
    window.tabs.setCurrentWidget(drift)
    drift.refresh()
    found.check("drift", window)
    old_firmware = EmulatorConfig(serial="EMU-OLDFW1", humidifier=False, speed=EMULATOR_SPEED, warmup_s=2.0)
    with EmulatorServer(old_firmware) as old:
        window.tabs.setCurrentWidget(wizard)
        context.devices.select(old.path)
        _calibrate(qtbot, wizard, "zero")
        found.check("calibration, old firmware verdict", window)
    window.tabs.setCurrentWidget(drift)
    drift.refresh()
    drift.device.setCurrentText("EMU-OLDFW1")
    found.check("drift, humidity never measured", window)
    window.close()


def _researcher_and_administrator(qtbot, context, found: Collected, account) -> None:
    from gui.researcher import ExportDialog, LabelDialog

    window = open_window(qtbot, context, account, "researcher")
    view = window.screens["sessions"]
    found.check("sessions", window)
    view.kind.setCurrentIndex(view.kind.findData("screening"))
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        view.table.selectRow(0)
    for tab in range(view.detail.tabs.count()):
        view.detail.tabs.setCurrentIndex(tab)
        found.check(f"sessions, detail tab {tab}", window)
    for dialog, name in ((LabelDialog("LIL-0042", None, window), "diagnosis dialog"),
                         (ExportDialog(2, "/tmp/export", window), "export dialog")):  # fmt: skip
        qtbot.addWidget(dialog)
        dialog.show()
        found.check(name, dialog)
        dialog.close()
    label = LabelDialog("LIL-0042", None, window)
    qtbot.addWidget(label)
    label.cancer_yes.setChecked(True)
    label.show()
    found.check("diagnosis dialog, cancer confirmed", label)
    label.close()
    accounts_dialog = window.show_accounts()
    found.check("accounts dialog", accounts_dialog)
    accounts_dialog.close()
    password = window.change_password()
    if password is not None:
        found.check("password dialog", password)
        password.close()
    window.lock()
    found.check("lock screen", window)
    window.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_cut_off(qtbot, gui_context, clinic, language):
    from gui.login import FirstAdminDialog, SignInDialog

    context = gui_context
    template, signed_in = clinic
    for path in (context.db_path, *context.db_path.parent.glob(context.db_path.name + "-*")):
        path.unlink(missing_ok=True)
    shutil.copy(template, context.db_path)
    context.devices.emulator_speed = EMULATOR_SPEED
    context.languages.set_language(language)
    found = Collected(language)
    for dialog_class, name in ((FirstAdminDialog, "first start"), (SignInDialog, "sign-in")):
        dialog = dialog_class(context)
        qtbot.addWidget(dialog)
        dialog.show()
        found.check(name, dialog)
        dialog.close()
    _clinician(qtbot, context, found, signed_in["claire"])
    _technician(qtbot, context, found, signed_in["theo"])
    _researcher_and_administrator(qtbot, context, found, signed_in["admin"])
    assert not found.problems, "text cut off:\n" + "\n".join(found.problems)
