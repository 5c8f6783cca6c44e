"""Keep ``None``, ``True`` and ``False`` alive despite a reference-count bug of some PySide6 wheels.

Why this exists: PySide6/shiboken 6.12.0 ships as an ``abi3`` wheel built with
Python >= 3.12 headers, where ``None``, ``True`` and ``False`` are immortal and
increments of their reference counts may be skipped. On Python 3.11 (ours) they
are ordinary objects, so every such call (``QPainter.setPen``,
``QWidget.setVisible``, pyqtgraph's painting...) takes one reference away; the
live plot loses hundreds per frame and the interpreter aborts within seconds
with "Fatal Python error: none_dealloc" (measured: under 100 frames).

What it does: :func:`install` first *measures* whether the running PySide6
loses references (a few hundred calls of a void method); only if it does, a
daemon thread tops the three counts up whenever they fall below a floor, as
vLLM and PyMuPDF did for the same class of bug. The objects are static in
CPython 3.11 and never freed, so a count that is too high is harmless; one that
reaches zero is fatal. The real fixes are Python >= 3.12 or a PySide6 wheel
built for this interpreter (see gui/CORE_REQUESTS.md); with either, the probe
finds no loss and nothing is installed.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading

__all__ = ["install", "loses_references", "active"]

log = logging.getLogger(__name__)

FLOOR = 50_000_000
TOP_UP = 500_000_000
CHECK_INTERVAL_S = 0.05

_thread: threading.Thread | None = None
_stop = threading.Event()


def loses_references(calls: int = 200) -> bool:
    """Whether void PySide6 calls take references from ``None`` (measured, not assumed)."""
    if sys.version_info >= (3, 12):
        return False  # immortal singletons: the bug cannot hurt
    from PySide6.QtGui import QPen

    pen = QPen()
    before = sys.getrefcount(None)
    for _ in range(calls):
        pen.setCosmetic(True)
    return sys.getrefcount(None) < before - calls // 2


def _top_up() -> None:
    for obj in (None, True, False):
        count = sys.getrefcount(obj)
        if count < FLOOR:
            ctypes.c_ssize_t.from_address(id(obj)).value = count + TOP_UP


def _guard() -> None:
    while not _stop.wait(CHECK_INTERVAL_S):
        _top_up()


def active() -> bool:
    return _thread is not None and _thread.is_alive()


def install() -> bool:
    """Start the guard if this PySide6 loses references (idempotent); returns whether it runs."""
    global _thread
    if active():
        return True
    if not loses_references():
        return False
    _top_up()
    _thread = threading.Thread(target=_guard, name="enose-refcount-guard", daemon=True)
    _thread.start()
    log.warning(
        "PySide6 %s loses references to None/True/False on Python %d.%d; guard installed "
        "(use Python >= 3.12 or a PySide6 build for this interpreter)",
        _pyside_version(),
        *sys.version_info[:2],
    )
    return True


def _pyside_version() -> str:
    try:
        import PySide6

        return PySide6.__version__
    except Exception:  # pragma: no cover - only for the log line
        return "?"
