"""Self-test of an installed or frozen app: ``<program> --self-test shot.png``.

Starts Qt offscreen in a throwaway data directory (never the user's database
or settings), then checks, in order:

* the bundled risk model loads (SHA-256 and type allow-list checked) and scores a vector;
* the French and Dutch translations load (``QTranslator.load`` is True, and not empty);
* the SQL migrations apply to a new database;
* the device emulator imports and builds a device;
* the first-start window (or sign-in, if the database already has an administrator) opens
  and is rendered to the PNG.

Prints one line per check and exits 0 when all pass, 1 naming the failures
otherwise (2 for a usage error); a windowed build, which has no stderr, writes
these lines to ``PNG.txt`` as well. Also runnable from a source tree:
``python -m gui.self_test shot.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

__all__ = ["main", "run_self_test"]


#: The report's lines, also written beside the PNG when there is no stderr to print them on.
_report: list[str] = []


def _say(text: str) -> None:
    """Print to stderr if there is one (a windowed build on Windows or macOS has none)."""
    _report.append(text)
    stream = sys.stderr or sys.stdout
    if stream is not None:
        print(text, file=stream, flush=True)


def _bundle_root() -> Path | None:
    """The frozen app's data folder (PyInstaller's ``sys._MEIPASS``), None from a source tree."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


def _check_model() -> str:
    import numpy as np

    from enose.model import load_model, score_features
    from enose.model.artifact import default_model_dir

    directory = default_model_dir()
    if directory is None:
        raise RuntimeError("no bundled model found (models/demo/model.skops is missing)")
    root = _bundle_root()
    if root is not None and root.resolve() not in directory.resolve().parents:
        raise RuntimeError(f"the model resolved outside the app folder: {directory}")
    model = load_model(directory)
    reference = np.asarray(model.trained.reference, dtype=float)
    k = len(model.feature_names)
    result = score_features(model, reference[:k], model.feature_names, reference[k:], layout=model.layout)
    if not 0.0 <= result["probability"] <= 1.0:
        raise RuntimeError(f"the model scored an impossible probability {result['probability']}")
    return f"{model.model_id} from {directory}, reference vector scored p={result['probability']:.3f}"


def _check_translations() -> str:
    from PySide6.QtCore import QTranslator

    from gui.i18n import TRANSLATED, TRANSLATIONS_DIR

    loaded = []
    for code in TRANSLATED:
        path = TRANSLATIONS_DIR / f"enose_{code}.qm"
        translator = QTranslator()
        if not translator.load(str(path)):
            raise RuntimeError(f"QTranslator.load({path}) returned False")
        if translator.isEmpty():
            raise RuntimeError(f"{path} holds no translations")
        loaded.append(code)
    return f"{', '.join(loaded)} from {TRANSLATIONS_DIR}"


def _check_migrations(db_path: Path) -> str:
    from enose.storage import Store
    from enose.storage.migrations import MIGRATIONS

    if not MIGRATIONS:
        raise RuntimeError("no SQL migrations shipped")
    Store.open(db_path).close()  # creates the file and applies every migration
    Store.open_read_only(db_path).close()  # refuses a schema that is not the newest
    return f"{len(MIGRATIONS)} migrations applied to a new database"


def _check_emulator() -> str:
    from firmware_protocol.emulator import EmulatedDevice, EmulatorConfig, channel_layout

    config = EmulatorConfig()
    device = EmulatedDevice(config)
    channels, _source = channel_layout(config)
    if len(device.channels) != len(channels) or not channels:
        raise RuntimeError("the emulated device reports no channels")
    return f"emulated device with {len(channels)} channels"


def _render_window(png: Path, db_path: Path, data_dir: Path) -> str:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.app import Shell, make_context, prepare_application

    app = prepare_application()
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    context = make_context(app, db_path, settings=settings)
    shell = Shell(context, quit_app=False)
    try:
        shell.start()
        window = shell.first_start or shell.sign_in
        if window is None:
            raise RuntimeError("neither the first-start nor the sign-in window opened")
        for _ in range(5):
            QApplication.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 50 or image.height() < 50:
            raise RuntimeError(f"the window rendered to an empty image ({image.width()}x{image.height()})")
        # a window that drew nothing is one flat colour
        step = max(1, image.width() // 40)
        colours = {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
        if len(colours) < 3:
            raise RuntimeError("the window rendered as a flat image")
        png.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(png), "PNG"):
            raise RuntimeError(f"could not write {png}")
        return f"{type(window).__name__} {image.width()}x{image.height()} -> {png}"
    finally:
        for dialog in (shell.first_start, shell.sign_in):
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
        context.devices.shutdown()
        QApplication.processEvents()


def run_self_test(png: str | os.PathLike) -> int:
    """Run every check (see the module docstring); returns the exit status."""
    png = Path(png).resolve()
    _report.clear()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.pop("ENOSE_MODEL", None)  # check the bundled model, not one named by the environment
    data_dir = Path(tempfile.mkdtemp(prefix="enose-self-test-"))
    os.environ["ENOSE_DATA_DIR"] = str(data_dir)  # anything that falls back to the default lands here
    db_path = data_dir / "enose.db"
    checks: list[tuple[str, Callable[[], str]]] = [
        ("model", _check_model),
        ("translations", _check_translations),
        ("migrations", lambda: _check_migrations(db_path)),
        ("emulator", _check_emulator),
        ("window", lambda: _render_window(png, db_path, data_dir)),
    ]
    failed = []
    try:
        for name, check in checks:
            try:
                _say(f"self-test {name}: ok, {check()}")
            except Exception as error:  # noqa: BLE001 - every failure is reported, then the next check runs
                failed.append(name)
                _say(f"self-test {name}: FAILED, {type(error).__name__}: {error}")
                if os.environ.get("ENOSE_SELF_TEST_TRACEBACK"):
                    _say(traceback.format_exc())
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if failed:
        _say(f"self-test FAILED: {', '.join(failed)}")
    else:
        _say("self-test passed")
    if sys.stderr is None and sys.stdout is None:  # windowed build: leave the reasons where they can be read
        png.with_name(png.name + ".txt").write_text("\n".join(_report) + "\n", encoding="utf-8")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """``--self-test PNG`` (or just ``PNG``); see the module docstring."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--self-test":
        args = args[1:]
    if len(args) != 1 or args[0].startswith("-"):
        _say("usage: --self-test PNG")
        return 2
    return run_self_test(args[0])


if __name__ == "__main__":
    sys.exit(main())
