"""GUI test set-up: offscreen Qt, strict Qt logging, no QThread left running, a fresh app context.

Every test here drives real widgets with ``qtbot`` and waits on signals (never on
sleep). The emulator runs at 20x with a short protocol so a screening takes about
a second and a half of wall time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QThread  # noqa: E402

from gui import accounts  # noqa: E402

PASSWORD = "violet-tractor-quarry-58"
HERE = Path(__file__).parent

#: Qt messages of the offscreen platform that say nothing about our code.
QT_LOG_IGNORE = [r"This plugin does not support propagateSizeHints\(\)", r"QFont::setPointSize"]


def pytest_collection_modifyitems(config, items):
    """Fail a GUI test on any Qt warning (pyqtgraph's and pytest-qt's strict setting), scoped to this folder."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(monkeypatch):
    """Fail any test that leaves a QThread running (napari's ``_dangling_qthreads``)."""
    started: list[QThread] = []
    original = QThread.start

    def start(self, *args):
        started.append(self)
        return original(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield
    running = []
    for thread in started:
        try:
            if thread.isRunning():
                running.append(thread.objectName() or repr(thread))
        except RuntimeError:  # the C++ object is gone: it is not running
            continue
    if running:
        for thread in started:
            try:
                thread.quit()
                thread.wait(5000)
            except RuntimeError:
                pass
        pytest.fail(f"the test left {len(running)} QThread(s) running: {', '.join(running)}")


def short_settings(path: Path) -> QSettings:
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    for key, value in {
        "protocol/baseline_s": 2.0,
        "protocol/breath_s": 10.0,
        "protocol/purge_s": 2.0,
        "protocol/zero_s": 3.0,
        "protocol/humid_s": 5.0,  # the cell reaches the humidifier level in a few seconds
        "protocol/reference_s": 3.0,
        "protocol/recovery_s": 2.0,
        "emulator/warmup_s": 2.0,
    }.items():
        settings.setValue(key, value)
    return settings


@pytest.fixture
def gui_context(qapp, tmp_path):
    """A fresh database, settings file and emulator manager; English unless a test switches."""
    from enose.storage import Store
    from gui.app import make_context, prepare_application

    app = prepare_application()
    context = make_context(app, tmp_path / "enose.db", short_settings(tmp_path / "gui.ini"), emulator_speed=20.0)
    Store.open(context.db_path).close()
    yield context
    context.devices.shutdown()
    context.languages.set_language("en")


@pytest.fixture
def users(gui_context):
    """One account per role (the administrator first, as on a real first start)."""
    admin = accounts.create_user(gui_context.db_path, "admin", PASSWORD, "admin", "first-start")
    admin = accounts.authenticate(gui_context.db_path, "admin", PASSWORD)  # the core wants a signed-in admin
    for name, role in (("claire", "clinician"), ("theo", "technician"), ("rosa", "researcher")):
        accounts.create_user(gui_context.db_path, name, PASSWORD, role, admin)
    return gui_context


def open_workspace(qtbot, context, username: str, workspace: str):
    """Sign in through the real dialog and return the main window."""
    from gui.app import Shell

    shell = Shell(context, quit_app=False)
    shell.start()
    dialog = shell.sign_in
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.password.setText(PASSWORD)
    dialog.workspace.setCurrentIndex(dialog.workspace.findData(workspace))
    with qtbot.waitSignal(shell.window_opened, timeout=5000):
        qtbot.mouseClick(dialog.sign_in, _left())
    window = shell.window
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window._shell = shell  # keep the shell alive with the window
    return window


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@pytest.fixture(scope="package", autouse=True)
def _gc_back_on_after_the_gui_tests():
    """The app moves garbage collection to a GUI-thread timer (gui.app.prepare_application); the tests
    after this folder run without an event loop, so automatic collection is switched back on for them."""
    import gc

    yield
    from gui import app

    if app._gui_thread_gc is not None:
        app._gui_thread_gc.timer.stop()
        app._gui_thread_gc = None
    gc.enable()
