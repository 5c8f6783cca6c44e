"""GUI benchmark: live-plot frame rate and the worst UI stall during a screening, 32 channels at 100 Hz.

:func:`run_gui_benchmark` signs nobody in: it opens the clinician's wizard on
an offscreen main window (1366x768), starts the built-in emulator with 28 MOX +
4 auxiliary channels at real time (speed 1, 10 ms period: 3,200 values/s), runs
a screening through the real worker thread, and measures on the GUI thread:

* **frame rate**: live-plot frames actually drawn (refresh + paint) per second
  during the breath phase;
* **worst stall**: the longest gap between two ticks of a 5 ms heartbeat timer,
  minus its period: how long the event loop was unable to react (goal < 50 ms).

Called by ``scripts/bench.py``; also ``python -m gui.bench``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

__all__ = ["run_gui_benchmark"]

HEARTBEAT_MS = 5


def run_gui_benchmark(breath_s: float = 20.0, baseline_s: float = 5.0, n_mox: int = 28) -> dict:
    """Run one real-time screening in the GUI offscreen and return the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QObject, QSettings, QTimer

    from enose.storage import Store
    from gui.accounts import Account
    from gui.app import make_context, prepare_application
    from gui.mainwindow import MainWindow

    work = Path(tempfile.mkdtemp(prefix="enose-gui-bench-"))
    app = prepare_application()
    settings = QSettings(str(work / "gui.ini"), QSettings.Format.IniFormat)
    for key, value in {"protocol/baseline_s": baseline_s, "protocol/breath_s": breath_s, "protocol/purge_s": 2.0,
                       "emulator/warmup_s": 1.0}.items():  # fmt: skip
        settings.setValue(key, value)
    context = make_context(app, work / "enose.db", settings, emulator_speed=1.0, emulator_channels=n_mox)
    Store.open(context.db_path).close()
    context.account = Account("bench", "clinician")
    context.workspace = "clinician"
    window = MainWindow(context)
    window.resize(1366, 768)
    window.show()
    wizard = window.screens["screening"]
    plot = wizard.recording_page.plot

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.paints = 0

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()
    plot.mox_plot.viewport().installEventFilter(counter)

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def heartbeat() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    beat = QTimer()
    beat.setInterval(HEARTBEAT_MS)
    beat.timeout.connect(heartbeat)

    page = wizard.subject_page
    page.code.setText("BENCH-0001")
    wizard.go(1)
    for check in wizard.checklist_page.checks:
        check.setChecked(True)
    finished: list[object] = []
    wizard.screening_finished.connect(finished.append)
    wizard.start_recording()

    def pump_until(condition, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.001)

    recording = wizard.recording_page
    pump_until(lambda: recording.step == "breath", 120.0)
    frames0, paints0, t0 = plot.frames, counter.paints, time.perf_counter()
    beat.start()
    last[0] = clock.nsecsElapsed()
    pump_until(lambda: recording.step != "breath" or bool(finished), breath_s + 30.0)
    elapsed = time.perf_counter() - t0
    beat.stop()
    frames, paints = plot.frames - frames0, counter.paints - paints0
    pump_until(lambda: bool(finished), 120.0)
    channels = len(recording.acquisition.layout) if recording.acquisition is not None else None
    outcome = finished[0] if finished else None
    window.close()
    context.devices.shutdown()
    stalls = sorted(g - HEARTBEAT_MS for g in gaps)
    return {
        "channels": channels,
        "period_ms": context.protocol.period_ms,
        "measured_s": round(elapsed, 2),
        "frames_per_s": round(frames / elapsed, 1),
        "paints_per_s": round(paints / elapsed, 1),
        "worst_stall_ms": round(max(stalls), 1) if stalls else None,
        "p99_stall_ms": round(stalls[int(0.99 * (len(stalls) - 1))], 1) if stalls else None,
        "lost_samples": getattr(outcome, "lost_samples", None),
        "status": getattr(outcome, "status", None),
        "goal": {"frames_per_s": 30, "worst_stall_ms": 50},
    }


if __name__ == "__main__":
    print(json.dumps(run_gui_benchmark(), indent=2))
