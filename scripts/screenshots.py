"""Render every main screen of the desktop app to PNG, in English, French and Dutch.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py --out shots``
(about five minutes on two cores; ``--languages en`` for one language). Each language is
shot in its own new clinic (database, accounts, history, the same people), so the three sets
show the same screens; the probabilities differ by a point or so, as the emulator's timing does.

Everything shown is real: a fresh database in a temporary folder, accounts
created through the core, screenings and calibrations recorded on the built-in
emulator with the **full** protocol (60 s baseline, 300 s breath, 120 s purge;
zero air 60 s dry then 60 s humidified) at a high emulator speed, results scored
by the bundled model. Nothing is typed into a result: each outcome comes from
the emulated breath and device, and the script stops if it is not the one the
picture is named after.

* green: the emulator's *control* breath profile, on a unit calibrated with dry
  then humidified zero air;
* red: the emulator's *cancer* breath profile on the same unit;
* no zone: a second unit with firmware older than ICD revision 1.1 (no
  humidifier), whose zero-air calibration could not measure the humidity
  response, so the core keeps the probability for the record only and says why.

Both emulated profiles are never smokers without COPD, so the subject form says
so. The drift chart needs a calibration history over weeks: the six weekly
zero-air calibrations (and three reference checks) before today are recorded on
the emulator like the others, with the clock of the stored timestamps set back
one week per calibration (``calendar_set_back``; the accounts are dated on the
clinic's opening day, six weeks back); every other record is dated now. Windows
are 1366x768, the smallest screen the app is designed for; the report pages are
laid out as ``gui.report.render_pdf`` lays out the PDF (a ``-page3`` follows when
the clinician page runs over).

Pictures (``CODE`` is en, fr or nl)::

    CODE-00-first-start                       CODE-09-technician-calibration-prepare
    CODE-01-sign-in                           CODE-10-technician-calibration-humidified
    CODE-02-clinician-subject                 CODE-10b-technician-calibration-zero-verdict
    CODE-03-clinician-checklist               CODE-10c-technician-calibration-reference-verdict
    CODE-04-clinician-recording               CODE-10d-technician-calibration-old-firmware-verdict
    CODE-05-clinician-result-green            CODE-11-technician-drift
    CODE-05-clinician-result-red              CODE-12-researcher-sessions
    CODE-05-clinician-result-no-zone          CODE-13-researcher-features
    CODE-06-report-{green,red,no-zone}-page1  CODE-14-researcher-diagnosis
    CODE-06-report-{green,red,no-zone}-page2  CODE-15-researcher-label-dialog
    CODE-07-technician-device                 CODE-16-researcher-export-dialog
    CODE-08-technician-raw
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSettings, QSizeF  # noqa: E402
from PySide6.QtGui import QFontMetricsF, QImage, QPainter, QTextDocument  # noqa: E402

from gui.devices import DeviceManager  # noqa: E402

SIZE = (1366, 768)
PASSWORD = "screenshots-only-cobalt-ferry"
#: The unit every clinic screening uses (ICD revision 1.1: humidified zero air) and an older unit without it.
UNIT = "EMU-000001"
OLD_UNIT = "EMU-000002"
#: The subjects: both emulated breath profiles never smoked and have no COPD (EmulatorConfig presets).
SUBJECTS = {
    "green": {"profile": "control", "age": 56, "sex": "F"},
    "red": {"profile": "cancer", "age": 68, "sex": "M"},
    "no-zone": {"profile": "control", "age": 61, "sex": "F"},
}


def wait_until(condition, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def in_step(progress, step: str, after_s: float) -> bool:
    """Whether a recording's last progress event is ``after_s`` device seconds into ``step``."""
    return progress is not None and progress.step == step and progress.elapsed_s > after_s


def settle(n: int = 5) -> None:
    for _ in range(n):
        QCoreApplication.processEvents()


def grab(widget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path, flush=True)


#: A4 and the report's page layout (gui.report.render_pdf): 18 mm page margins, and the 2 cm document margin
#: that QTextDocument.print_ adds; in pixels at 96 dpi.
MM = 96 / 25.4
A4_MM = (210.0, 297.0)
PAGE_MARGIN_MM = 18.0
DOCUMENT_MARGIN_MM = 20.0


def render_report(html: str, path_stem: Path) -> None:
    """The report's pages as A4 PNGs laid out as ``render_pdf`` lays out the PDF (``QTextDocument.print_``).

    Same page body (A4 less the 18 mm margins), same 2 cm document margin, page numbers at the
    bottom right as Qt prints them; at screen resolution instead of the PDF's 300 dpi.
    """
    width, height = round(A4_MM[0] * MM), round(A4_MM[1] * MM)
    offset = PAGE_MARGIN_MM * MM
    body = QSizeF((A4_MM[0] - 2 * PAGE_MARGIN_MM) * MM, (A4_MM[1] - 2 * PAGE_MARGIN_MM) * MM)
    margin = DOCUMENT_MARGIN_MM * MM
    document = QTextDocument()
    document.setHtml(html)
    frame = document.rootFrame().frameFormat()
    frame.setMargin(margin)
    document.rootFrame().setFrameFormat(frame)
    document.setPageSize(body)
    ascent = QFontMetricsF(document.defaultFont()).ascent()
    for index in range(document.pageCount()):
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFF)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(offset, offset)
        painter.save()
        painter.translate(0, -index * body.height())
        document.drawContents(painter, QRectF(0, index * body.height(), body.width(), body.height()))
        painter.restore()
        painter.setFont(document.defaultFont())
        painter.drawText(QPointF(body.width() - margin, body.height() - margin + ascent + 5), str(index + 1))
        painter.end()
        image.save(f"{path_stem}-page{index + 1}.png")
        print(f"{path_stem}-page{index + 1}.png", flush=True)


class ShotDevices(DeviceManager):
    """The app's device manager whose built-in emulator can be swapped for another unit or breath profile.

    The app starts one emulator, a unit with a control breath; a clinic has several
    people and may have several units. :meth:`use` powers the emulated device off and
    on again as the unit and person the next picture needs.
    """

    def __init__(self, speed: float, warmup_s: float) -> None:
        super().__init__(emulator_speed=speed)
        self.emulator_warmup_s = warmup_s
        self.config = None

    def use(self, serial: str = UNIT, subject: str = "control", humidifier: bool = True) -> str:
        from firmware_protocol.emulator import EmulatorConfig

        self.stop_emulator()
        self.config = EmulatorConfig(serial=serial, subject=subject, humidifier=humidifier, speed=self.emulator_speed,
                                     n_mox=self.emulator_mox, warmup_s=self.emulator_warmup_s)  # fmt: skip
        path = self.start_emulator()
        self.select(path)
        return path

    def start_emulator(self, subject: str = "control") -> str:
        if self._server is None and self.config is not None:
            from firmware_protocol.emulator import EmulatorServer

            server = EmulatorServer(self.config)
            server.start()
            self._server = server
        return super().start_emulator(subject)


@contextlib.contextmanager
def calendar_set_back(days: float):
    """Stored timestamps (the core's one clock, ``enose.storage.clock``) read ``days`` earlier meanwhile."""
    from enose.storage import clock

    real = clock.datetime

    class SetBack(real):
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) - timedelta(days=days)

    clock.datetime = SetBack
    try:
        yield
    finally:
        clock.datetime = real


def calibration_history(db_path: Path, technician, speed: float) -> None:
    """Weekly zero-air calibrations of the clinic unit over five weeks, with reference checks, and the old unit's.

    Recorded on the emulator through the app's own calibration job (the core records and judges them).
    """
    from firmware_protocol.emulator import EmulatorConfig, EmulatorServer
    from gui.context import ProtocolSettings
    from gui.workers import CalibrationJob

    protocol = ProtocolSettings()  # the standard durations
    plan = [(42, UNIT, ("zero", "reference")), (35, UNIT, ("zero",)), (28, UNIT, ("zero",)),
            (21, UNIT, ("zero", "reference")), (14, UNIT, ("zero",)), (7, UNIT, ("zero", "reference")),
            (3, OLD_UNIT, ("zero",))]  # fmt: skip
    for days, serial, kinds in plan:
        # a new power-up each time, with its own sensor noise (the seed), as on another day
        config = EmulatorConfig(serial=serial, humidifier=serial == UNIT, speed=speed, seed=days)
        with calendar_set_back(days), EmulatorServer(config) as server:
            for kind in kinds:
                outcome = CalibrationJob(db_path, server.path, protocol.calibration(kind), technician)(lambda _e: None)
                evaluation = (outcome.score or {}).get("calibration") or {}
                if outcome.status != "complete" or not evaluation.get("passed"):
                    raise RuntimeError(f"the {kind} calibration of {serial} {days} days back did not pass: {outcome}")
                print(f"history: {serial} {kind} calibration, {days} days back, passed", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument("--languages", default="en,fr,nl", help="comma-separated language codes")
    parser.add_argument("--speed", type=float, default=40.0, help="emulator time acceleration (default 40)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from gui.app import prepare_application

    app = prepare_application()
    for code in args.languages.split(","):
        shoot(app, code, args.out, args.speed)
    return 0


def shoot(app, code: str, out: Path, speed: float) -> None:
    """Every picture in one language, from its own clinic: a new database, its history, its screenings."""
    from enose.storage import Store
    from gui import accounts
    from gui.app import Shell, make_context
    from gui.login import FirstAdminDialog, SignInDialog
    from gui.report import display_zone
    from gui.researcher import ExportDialog, LabelDialog

    work = Path(tempfile.mkdtemp(prefix=f"enose-shots-{code}-"))
    os.environ["ENOSE_DATA_DIR"] = str(work)
    settings = QSettings(str(work / "gui.ini"), QSettings.Format.IniFormat)  # the standard protocol durations
    context = make_context(app, work / "enose.db", settings, emulator_speed=speed)
    context.devices = devices = ShotDevices(speed, context.devices.emulator_warmup_s)
    context.languages.set_language(code)
    Store.open(context.db_path).close()
    settle()

    first = FirstAdminDialog(context)
    first.show()
    grab(first, out / f"{code}-00-first-start.png")
    first.close()
    with calendar_set_back(43):  # the clinic opened six weeks ago
        accounts.create_user(context.db_path, "admin", PASSWORD, "admin", "first-start")
        admin = accounts.authenticate(context.db_path, "admin", PASSWORD)  # the core wants a signed-in admin
        for name, role in (("claire", "clinician"), ("theo", "technician"), ("rosa", "researcher")):
            accounts.create_user(context.db_path, name, PASSWORD, role, admin)
    calibration_history(context.db_path, accounts.authenticate(context.db_path, "theo", PASSWORD), speed)

    def sign_in(username: str, workspace: str):
        shell = Shell(context, quit_app=False)
        shell.start()
        dialog = shell.sign_in
        dialog.username.setText(username)
        dialog.password.setText(PASSWORD)
        dialog.workspace.setCurrentIndex(dialog.workspace.findData(workspace))
        if not dialog.try_sign_in():
            raise RuntimeError(dialog.message.text())
        window = shell.window
        window.resize(*SIZE)
        window._shell = shell
        settle()
        return window

    dialog = SignInDialog(context)
    dialog.username.setText("claire")
    dialog.show()
    grab(dialog, out / f"{code}-01-sign-in.png")
    dialog.close()

    # Clinician: subject, checklist, live recording; a green, a red and a no-zone result with their reports.
    window = sign_in("claire", "clinician")
    wizard = window.screens["screening"]
    for k, (outcome, subject) in enumerate(SUBJECTS.items()):
        old = outcome == "no-zone"
        devices.use(OLD_UNIT if old else UNIT, subject["profile"], humidifier=not old)
        page = wizard.subject_page
        page.code.setText(f"LIL-{k + 1:04d}")
        page._code_edited(page.code.text())
        page.age.setValue(subject["age"])
        page.sex.setCurrentIndex(page.sex.findData(subject["sex"]))
        page.smoking.setCurrentIndex(page.smoking.findData("never"))
        page.pack_years.setValue(0)
        page.copd.setCurrentIndex(page.copd.findData(0))
        page.previous_cancer.setCurrentIndex(page.previous_cancer.findData(0))
        wizard._update_nav()
        if k == 0:
            grab(window, out / f"{code}-02-clinician-subject.png")
        wizard.next()
        for attempt in range(3):
            for check in wizard.checklist_page.checks:
                check.setChecked(True)
            if k == 0 and attempt == 0:
                grab(window, out / f"{code}-03-clinician-checklist.png")
            wizard.next()
            recording = wizard.recording_page
            if k == 0 and attempt == 0:
                wait_until(lambda: in_step(recording.progress, "breath", 150))  # noqa: B023 - called at once
                settle(20)
                grab(window, out / f"{code}-04-clinician-recording.png")
            wait_until(lambda: wizard.pages.currentIndex() == 3, 180)
            done = wizard.outcome
            if done.status == "complete" and not done.interruptions and not done.lost_samples:
                break
            # a stalled emulator (two busy cores) is not what the picture is about: repeat, as a clinician would
            print(f"{outcome}: {done.status}, {done.interruptions} interruption(s), {done.lost_samples} samples "
                  "lost: repeating the test", flush=True)  # fmt: skip
            wizard.repeat()
        score = wizard.result_page.data["score"]
        shown = display_zone(score) if score.get("given") else None
        expected = "no_zone" if old else outcome
        if shown != expected or (old and [r["code"] for r in score["no_zone"]] != ["humidity_not_measured"]):
            raise RuntimeError(f"the {outcome} screening gave {shown}: {score}")
        print(f"{code} {outcome}: probability {score['probability']:.3f}, zone shown {shown}", flush=True)
        grab(window, out / f"{code}-05-clinician-result-{outcome}.png")
        render_report(wizard.result_page.report_html(), out / f"{code}-06-report-{outcome}")
        wizard.new_screening()
    window.close()

    # Technician: device, raw signals, calibrations (zero air dry then humidified, reference), drift, old firmware.
    devices.use(UNIT)
    window = sign_in("theo", "technician")
    panel = window.screens["device"]
    panel.picker.refresh()
    task = panel.run_self_test()
    wait_until(lambda: not task.running)
    settle()
    grab(window, out / f"{code}-07-technician-device.png")
    raw = window.screens["raw"]
    window.tabs.setCurrentWidget(raw)
    task = raw.start()
    wait_until(lambda: raw.grid.frames > 20)
    grab(window, out / f"{code}-08-technician-raw.png")
    raw.stop()
    wait_until(lambda: not task.running)
    calibration = window.screens["calibration"]
    window.tabs.setCurrentWidget(calibration)
    calibration.zero_choice.setChecked(True)
    calibration.go(1)
    grab(window, out / f"{code}-09-technician-calibration-prepare.png")
    calibration.start()
    wait_until(lambda: in_step(calibration.progress, "humid_zero_air", 35))
    settle(10)
    grab(window, out / f"{code}-10-technician-calibration-humidified.png")
    wait_until(lambda: calibration.pages.currentIndex() == 3)
    grab(window, out / f"{code}-10b-technician-calibration-zero-verdict.png")
    calibration.reference_choice.setChecked(True)
    calibration.go(1)
    calibration.start()
    wait_until(lambda: calibration.pages.currentIndex() == 3)
    grab(window, out / f"{code}-10c-technician-calibration-reference-verdict.png")
    drift = window.screens["drift"]
    window.tabs.setCurrentWidget(drift)
    drift.refresh()
    drift.device.setCurrentText(UNIT)
    grab(window, out / f"{code}-11-technician-drift.png")
    devices.use(OLD_UNIT, humidifier=False)  # the older unit: its zero-air calibration has no humidified step
    window.tabs.setCurrentWidget(calibration)
    calibration.zero_choice.setChecked(True)
    calibration.go(1)
    calibration.start()
    wait_until(lambda: calibration.pages.currentIndex() == 3)
    grab(window, out / f"{code}-10d-technician-calibration-old-firmware-verdict.png")
    window.close()

    # Researcher: sessions with a selected session, diagnosis and export dialogs.
    window = sign_in("admin", "researcher")
    view = window.screens["sessions"]
    view.kind.setCurrentIndex(view.kind.findData("screening"))
    view.table.selectRow(0)
    wait_until(lambda: view.detail.data is not None)
    grab(window, out / f"{code}-12-researcher-sessions.png")
    view.detail.tabs.setCurrentIndex(1)
    grab(window, out / f"{code}-13-researcher-features.png")
    view.detail.tabs.setCurrentIndex(2)
    grab(window, out / f"{code}-14-researcher-diagnosis.png")
    label = LabelDialog(view.detail.data["recording"].meta["subject_code"], None, window)
    label.cancer_yes.setChecked(True)
    label.show()
    grab(label, out / f"{code}-15-researcher-label-dialog.png")
    label.close()
    export = ExportDialog(2, str(work / "export"), window)
    export.show()
    grab(export, out / f"{code}-16-researcher-export-dialog.png")
    export.close()
    window.close()
    devices.shutdown()


if __name__ == "__main__":
    sys.exit(main())
