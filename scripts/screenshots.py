"""Render every main screen of the desktop app to PNG, in English, French and Dutch.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py --out shots``

Everything shown is real: a fresh database in a temporary folder, accounts
created through the core, screenings and calibrations recorded on the built-in
emulator, results scored by the bundled model. Windows are 1366x768, the
smallest screen the app is designed for.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QSizeF  # noqa: E402
from PySide6.QtGui import QImage, QPainter, QTextDocument  # noqa: E402

SIZE = (1366, 768)
PASSWORD = "screenshots-only-cobalt-ferry"


def wait_until(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def settle(n: int = 5) -> None:
    for _ in range(n):
        QCoreApplication.processEvents()


def grab(widget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


def render_report(html: str, path_stem: Path) -> None:
    """The two report pages as A4-proportioned PNGs (what the PDF shows)."""
    document = QTextDocument()
    document.setHtml(html)
    document.setDocumentMargin(60)
    page = QSizeF(794, 1123)  # A4 at 96 dpi
    document.setPageSize(page)
    for index in range(document.pageCount()):
        image = QImage(int(page.width()), int(page.height()), QImage.Format.Format_RGB32)
        image.fill(0xFFFFFF)
        painter = QPainter(image)
        painter.translate(0, -index * page.height())
        document.drawContents(painter, _page_rect(index, page))
        painter.end()
        image.save(f"{path_stem}-page{index + 1}.png")
        print(f"{path_stem}-page{index + 1}.png")


def _page_rect(index: int, page: QSizeF):
    from PySide6.QtCore import QRectF

    return QRectF(0, index * page.height(), page.width(), page.height())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument("--languages", default="en,fr,nl", help="comma-separated language codes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from enose.storage import Store
    from gui import accounts
    from gui.app import Shell, make_context, prepare_application
    from gui.login import FirstAdminDialog

    work = Path(tempfile.mkdtemp(prefix="enose-shots-"))
    os.environ["ENOSE_DATA_DIR"] = str(work)
    app = prepare_application()
    settings = QSettings(str(work / "gui.ini"), QSettings.Format.IniFormat)
    for key, value in {"protocol/baseline_s": 30.0, "protocol/breath_s": 60.0, "protocol/purge_s": 10.0,
                       "protocol/zero_s": 10.0, "protocol/humid_s": 10.0, "protocol/reference_s": 10.0,
                       "protocol/recovery_s": 5.0}.items():  # fmt: skip
        settings.setValue(key, value)
    context = make_context(app, work / "enose.db", settings, emulator_speed=20.0)
    Store.open(context.db_path).close()

    for code in args.languages.split(","):
        context.languages.set_language(code)
        settle()
        first = FirstAdminDialog(context)
        first.show()
        grab(first, args.out / f"{code}-00-first-start.png")
        first.close()

    accounts.create_user(context.db_path, "admin", PASSWORD, "admin", "first-start")
    admin = accounts.authenticate(context.db_path, "admin", PASSWORD)  # the core wants a signed-in admin
    for name, role in (("claire", "clinician"), ("theo", "technician"), ("rosa", "researcher")):
        accounts.create_user(context.db_path, name, PASSWORD, role, admin)

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

    for n, code in enumerate(args.languages.split(",")):
        context.languages.set_language(code)
        settle()
        from gui.login import SignInDialog

        dialog = SignInDialog(context)
        dialog.username.setText("claire")
        dialog.show()
        grab(dialog, args.out / f"{code}-01-sign-in.png")
        dialog.close()

        # Clinician: subject, checklist, live recording, result, report.
        window = sign_in("claire", "clinician")
        wizard = window.screens["screening"]
        page = wizard.subject_page
        page.code.setText(f"LIL-00{42 + n}")
        page._code_edited(page.code.text())
        page.age.setValue(67)
        page.sex.setCurrentIndex(page.sex.findData("M"))
        page.smoking.setCurrentIndex(page.smoking.findData("former"))
        page.pack_years.setValue(35)
        page.copd.setCurrentIndex(page.copd.findData(1))
        page.previous_cancer.setCurrentIndex(page.previous_cancer.findData(0))
        wizard._update_nav()
        grab(window, args.out / f"{code}-02-clinician-subject.png")
        wizard.next()
        for check in wizard.checklist_page.checks:
            check.setChecked(True)
        grab(window, args.out / f"{code}-03-clinician-checklist.png")
        wizard.next()
        recording = wizard.recording_page
        wait_until(lambda: recording.step == "breath" and recording.progress.elapsed_s > 25)  # noqa: B023 - called at once
        settle(20)
        grab(window, args.out / f"{code}-04-clinician-recording.png")
        wait_until(lambda: wizard.pages.currentIndex() == 3, 120)  # noqa: B023 - called at once
        grab(window, args.out / f"{code}-05-clinician-result.png")
        render_report(wizard.result_page.report_html(), args.out / f"{code}-06-report")
        window.close()

        # Technician: device, raw signals, calibration, drift.
        window = sign_in("theo", "technician")
        panel = window.screens["device"]
        task = panel.run_self_test()
        wait_until(lambda: not task.running)  # noqa: B023 - called at once
        settle()
        grab(window, args.out / f"{code}-07-technician-device.png")
        raw = window.screens["raw"]
        window.tabs.setCurrentWidget(raw)
        task = raw.start()
        wait_until(lambda: raw.grid.frames > 20)  # noqa: B023 - called at once
        grab(window, args.out / f"{code}-08-technician-raw.png")
        raw.stop()
        wait_until(lambda: not task.running)  # noqa: B023 - called at once
        calibration = window.screens["calibration"]
        window.tabs.setCurrentWidget(calibration)
        calibration.reference_choice.setChecked(True)
        calibration.go(1)
        grab(window, args.out / f"{code}-09-technician-calibration-prepare.png")
        calibration.start()
        wait_until(lambda: calibration.pages.currentIndex() == 3, 120)  # noqa: B023 - called at once
        grab(window, args.out / f"{code}-10-technician-calibration-verdict.png")
        # zero air, dry then humidified: the verdict with each sensor's humidity sensitivity
        calibration.zero_choice.setChecked(True)
        calibration.go(1)
        calibration.start()
        wait_until(lambda: calibration.pages.currentIndex() == 3, 120)  # noqa: B023 - called at once
        grab(window, args.out / f"{code}-10b-technician-calibration-zero-verdict.png")
        window.tabs.setCurrentWidget(window.screens["drift"])
        grab(window, args.out / f"{code}-11-technician-drift.png")
        window.close()

        # Researcher: sessions with a selected session, diagnosis and export dialogs.
        window = sign_in("admin", "researcher")
        view = window.screens["sessions"]
        view.kind.setCurrentIndex(view.kind.findData("screening"))
        view.table.selectRow(0)
        wait_until(lambda: view.detail.data is not None)  # noqa: B023 - called at once
        grab(window, args.out / f"{code}-12-researcher-sessions.png")
        view.detail.tabs.setCurrentIndex(1)
        grab(window, args.out / f"{code}-13-researcher-features.png")
        view.detail.tabs.setCurrentIndex(2)
        grab(window, args.out / f"{code}-14-researcher-diagnosis.png")
        from gui.researcher import ExportDialog, LabelDialog

        label = LabelDialog(view.detail.data["recording"].meta["subject_code"], None, window)
        label.cancer_yes.setChecked(True)
        label.show()
        grab(label, args.out / f"{code}-15-researcher-label-dialog.png")
        label.close()
        export = ExportDialog(2, str(work / "export"), window)
        export.show()
        grab(export, args.out / f"{code}-16-researcher-export-dialog.png")
        export.close()
        window.close()
    context.devices.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
