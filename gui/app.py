"""Start the desktop app: ``enose-gui`` (this module's :func:`main`) or ``enose gui``.

The :class:`Shell` runs the sign-in cycle: on the very first start the
administrator creates their account; then sign-in (user, password, workspace,
language) opens the main window; signing out returns to sign-in. Dialogs are
shown non-modally so tests can drive the same path a user takes.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.context import AppContext, ProtocolSettings
from gui.devices import DeviceManager
from gui.i18n import LanguageManager
from gui.widgets import STYLE_SHEET

__all__ = ["Shell", "make_context", "prepare_application", "main", "run"]

log = logging.getLogger(__name__)

ORGANIZATION = "enose"
APPLICATION = "enose-gui"


#: Collects Python garbage on the GUI thread (see :func:`prepare_application`); one per process.
_gui_thread_gc = None


def prepare_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the app's names, style and style sheet (created once).

    Python's cyclic garbage collector runs in whichever thread happens to allocate
    when a threshold is crossed, often the acquisition's reader thread; a widget
    left in a reference cycle was then destroyed there, and Qt objects must only
    be touched by the GUI thread (measured: "QBasicTimer::start: Timers cannot be
    started from another thread", caught in the reader thread "Garbage-collecting").
    pyqtgraph's :class:`GarbageCollector` turns automatic collection off and
    collects from a timer on the GUI thread instead.
    """
    global _gui_thread_gc
    from pyqtgraph.util.garbage_collector import GarbageCollector

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    if _gui_thread_gc is None:
        _gui_thread_gc = GarbageCollector(interval=0.5)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("E-nose")
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    return app


def make_context(
    app: QApplication,
    db_path: Path | None = None,
    settings: QSettings | None = None,
    emulator_speed: float = 20.0,
    emulator_channels: int = 8,
) -> AppContext:
    """Everything the screens share, with the language from the settings already installed."""
    from enose.storage import default_db_path

    settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)
    languages = LanguageManager(app)
    languages.set_language(str(settings.value("language", "en")))
    devices = DeviceManager(emulator_speed=emulator_speed, emulator_channels=emulator_channels)
    devices.emulator_warmup_s = float(settings.value("emulator/warmup_s", 30.0))
    return AppContext(
        db_path=Path(db_path) if db_path is not None else default_db_path(),
        settings=settings,
        languages=languages,
        devices=devices,
        protocol=ProtocolSettings.load(settings),
        site=str(settings.value("site", "")) or None,
    )


class Shell(QObject):
    """First start, sign-in, main window, sign-out: the app's outer loop."""

    window_opened = Signal(object)
    finished = Signal()

    def __init__(self, context: AppContext, quit_app: bool = True) -> None:
        super().__init__()
        self.context = context
        self.quit_app = quit_app
        self.first_start = None
        self.sign_in = None
        self.window = None

    def start(self) -> None:
        from gui import accounts
        from gui.login import FirstAdminDialog

        if not accounts.has_any_admin(self.context.db_path):
            self.first_start = FirstAdminDialog(self.context)
            self.first_start.accepted.connect(self.show_sign_in)
            self.first_start.rejected.connect(self._finish)
            self.first_start.show()
        else:
            self.show_sign_in()

    def show_sign_in(self) -> None:
        from gui.login import SignInDialog

        self.sign_in = SignInDialog(self.context)
        self.sign_in.accepted.connect(self.open_window)
        self.sign_in.rejected.connect(self._finish)
        self.sign_in.show()

    def open_window(self) -> None:
        from gui.mainwindow import MainWindow

        self.window = MainWindow(self.context)
        self.window.signed_out.connect(self._signed_out)
        self.window.closed.connect(self._window_closed)
        self.window.show()
        self.window_opened.emit(self.window)

    def _signed_out(self) -> None:
        self.context.account = None
        self.context.workspace = None
        self.window = None
        self.show_sign_in()

    def _window_closed(self, signing_out: bool) -> None:
        if not signing_out:
            self._finish()

    def _finish(self) -> None:
        self.context.devices.shutdown()
        self.finished.emit()
        if self.quit_app:
            QApplication.quit()


def run(db: str | None = None, language: str | None = None, emulator_speed: float = 20.0) -> int:
    """Open the app and run its event loop; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = prepare_application()
    app.setQuitOnLastWindowClosed(False)
    context = make_context(app, Path(db) if db else None, emulator_speed=emulator_speed)
    if language:
        context.languages.set_language(language)
        context.settings.setValue("language", context.languages.language)
    from enose.storage import StorageError, Store

    try:
        Store.open(context.db_path).close()  # create or migrate the database before anything else
    except StorageError as error:
        QMessageBox.critical(None, "E-nose", str(error))
        return 2
    shell = Shell(context)
    shell.start()
    try:
        return app.exec()
    finally:
        context.devices.shutdown()


def main(argv: list[str] | None = None) -> int:
    """``enose-gui [--db PATH] [--lang fr|nl|en] [--emulator-speed 20]``"""
    parser = argparse.ArgumentParser(prog="enose-gui", description="E-nose breath screening desktop app.")
    parser.add_argument("--db", help="SQLite database file (default: the per-user data directory)")
    parser.add_argument("--lang", choices=["en", "fr", "nl"], help="interface language (remembered)")
    parser.add_argument("--emulator-speed", type=float, default=20.0, help="built-in emulator time acceleration")
    args, _qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return run(args.db, args.lang, args.emulator_speed)


if __name__ == "__main__":
    sys.exit(main())
