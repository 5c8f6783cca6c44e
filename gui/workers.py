"""Work off the GUI thread: worker objects in a QThread, talking to the screens only by signals.

:class:`Task` runs one function in its own :class:`QThread` and reports through
signals delivered on the GUI thread: ``progress(object)``, then either
``finished(object)`` or ``failed(str)``; ``ended`` follows both, once the
thread has stopped (tests wait on it, and no thread outlives its task).

The jobs below open their own :class:`~enose.storage.Store` (an SQLite
connection belongs to the thread that opened it) and their own
:class:`~enose.acquisition.Acquisition`. Cancelling is a typed method on the
job (``abort``), thread-safe, never a command string.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gui import backend

__all__ = [
    "Task",
    "ScreeningJob",
    "CalibrationJob",
    "RawStreamJob",
    "device_info_job",
    "self_test_job",
    "ExportJob",
    "load_session_job",
]

log = logging.getLogger(__name__)


class _Worker(QObject):
    progress = Signal(object)
    done = Signal(object)
    error = Signal(str)

    def __init__(self, fn: Callable[[Callable[[Any], None]], Any]) -> None:
        super().__init__()
        self._fn = fn

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self.progress.emit)
        except Exception as error:  # reported to the screen, which says what to do
            log.exception("background task failed")
            self.error.emit(str(error) or type(error).__name__)
            return
        self.done.emit(result)


class Task(QObject):
    """One function run in its own QThread: ``fn(report)`` where ``report(obj)`` emits ``progress``."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(
        self, fn: Callable[[Callable[[Any], None]], Any], parent: QObject | None = None, name: str = ""
    ) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name or "enose-task")
        self._worker = _Worker(fn)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # Through a slot of this (GUI-thread) object, like done/error: a signal-to-signal connection
        # leaves PySide to pick the delivery thread, and screens must only ever run on the GUI thread.
        self._worker.progress.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self._worker.error.connect(self._on_error)
        self.running = False

    def start(self) -> Task:
        self.running = True
        self._thread.start()
        return self

    def _stop_thread(self) -> None:
        self._thread.quit()
        self._thread.wait()
        self.running = False

    @Slot(object)
    def _on_progress(self, event: object) -> None:
        self.progress.emit(event)

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self._stop_thread()
        self.finished.emit(result)
        self.ended.emit()

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self._stop_thread()
        self.failed.emit(message)
        self.ended.emit()

    def wait(self) -> None:
        """Block until the function has returned (used when the app closes mid-task)."""
        self._thread.quit()
        self._thread.wait()


# -- jobs --------------------------------------------------------------------------------


@dataclass
class Connected:
    """Sent as progress once the device answered: the live views read ``acquisition.buffer``."""

    acquisition: Any
    info: Any


@dataclass
class Scoring:
    """Sent as progress while the recording is being scored."""

    session_id: int


@dataclass
class ScreeningJob:
    """A screening (or a calibration recording) on ``port``, stored in ``db_path``, then scored.

    Call :meth:`abort` from any thread: the engine stops at the next sample and
    keeps everything recorded (status ``aborted``).
    """

    db_path: Path
    port: str
    protocol: Any
    user: Any  # the signed-in account (the core checks its permissions)
    subject_code: str | None = None
    risk_factors: dict = field(default_factory=dict)
    site: str | None = None
    kind: str = "screening"
    score: bool = True
    _engine: Any = None
    _abort: threading.Event = field(default_factory=threading.Event)

    def abort(self) -> None:
        self._abort.set()
        engine = self._engine
        if engine is not None:
            engine.abort()

    def expected_samples(self) -> int:
        steps = self.protocol.steps()
        total_s = sum(d for _, _, d in steps) + 60.0
        return int(total_s * 1000 / max(1, self.protocol.period_ms) * 1.2) + 10_000

    def __call__(self, report: Callable[[Any], None]) -> backend.ScreeningOutcome:
        from enose.storage import Store

        store = Store.open(self.db_path)
        try:
            if self.kind == "screening":
                return self._screening(store, report)
            return self._calibration(store, report)
        finally:
            store.close()

    def _screening(self, store, report: Callable[[Any], None]) -> backend.ScreeningOutcome:
        """The core's one screening workflow (:class:`enose.screening.Screening`); this only relays progress."""
        from enose.screening import Screening, ScreeningNotStarted

        screening = Screening(store, self.port, self.protocol, self.user, subject_code=self.subject_code or "",
                              site=self.site, risk=self.risk_factors,
                              model_dir=backend.model_dir() if self.score else None,
                              on_connected=lambda acquisition, info: report(Connected(acquisition, info)),
                              on_progress=report)  # fmt: skip
        self._engine = screening
        if self._abort.is_set():
            screening.abort()
        try:
            outcome = screening.run()
        except ScreeningNotStarted as error:
            return backend.ScreeningOutcome(None, "failed", error=str(error))
        report(Scoring(outcome.session_id))
        return backend.ScreeningOutcome(
            session_id=outcome.session_id, status=outcome.status, n_samples=outcome.n_samples,
            lost_samples=outcome.lost_samples, interruptions=outcome.interruptions,
            device_serial=outcome.device_serial, started_at=outcome.started_at, error=outcome.error,
            score=backend.result_for_display(outcome.score) if self.score else {},
        )  # fmt: skip

    def _calibration(self, store, report: Callable[[Any], None]) -> backend.ScreeningOutcome:
        from enose.acquisition import Acquisition, DeviceError, ScreeningEngine

        acquisition = Acquisition(self.port, expected_samples=self.expected_samples())
        try:
            try:
                info = acquisition.connect()
            except DeviceError as error:
                return backend.ScreeningOutcome(None, "failed", error=str(error))
            report(Connected(acquisition, info))
            engine = ScreeningEngine(acquisition, store, self.protocol, user=self.user, on_progress=report,
                                     kind=self.kind)  # fmt: skip
            self._engine = engine
            if self._abort.is_set():
                engine.abort()
            result = engine.run()
            session = store.session(result.session_id)
            outcome = backend.ScreeningOutcome(
                session_id=result.session_id, status=result.status, n_samples=result.n_samples,
                lost_samples=result.lost_samples, interruptions=result.interruptions, device_serial=info.serial,
                started_at=session["started_at"], error=result.error,
            )  # fmt: skip
            if result.status == "complete":
                report(Scoring(result.session_id))
                evaluation = backend.evaluate_calibration(store, result.session_id, self.protocol.kind, user=self.user)
                outcome.score = {"calibration": evaluation}
            return outcome
        finally:
            acquisition.close()


def CalibrationJob(db_path: Path, port: str, protocol: Any, user: Any) -> ScreeningJob:  # noqa: N802
    """A calibration recording (zero air or reference gas) and its evaluation by the core."""
    return ScreeningJob(db_path, port, protocol, user, kind="calibration", score=False)


@dataclass
class RawStreamJob:
    """Stream the device without recording (technician's raw view) until :meth:`stop`."""

    port: str
    period_ms: int = 10
    _stop: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        self._stop.set()

    def __call__(self, report: Callable[[Any], None]) -> dict:
        from enose.acquisition import Acquisition
        from firmware_protocol.messages import Inlet

        acquisition = Acquisition(self.port, expected_samples=120_000)
        try:
            info = acquisition.connect()
            acquisition.configure(period_ms=self.period_ms, heater_profile=0, flow_sccm=250, inlet=Inlet.AMBIENT)
            acquisition.start_streaming()
            report(Connected(acquisition, info))
            while not self._stop.wait(0.1):
                if acquisition.fatal_error is not None:
                    raise acquisition.fatal_error
                report(acquisition.state)
            acquisition.stop_streaming()
            return {"samples": len(acquisition.buffer)}
        finally:
            acquisition.close()


def device_info_job(port: str) -> Callable[[Callable[[Any], None]], Any]:
    """Read the device's INFO (model, serial, firmware, channel layout)."""

    def run(report: Callable[[Any], None]):
        from enose.acquisition import DeviceClient

        client = DeviceClient(port)
        try:
            return client.open()
        finally:
            client.close()

    return run


def self_test_job(port: str) -> Callable[[Callable[[Any], None]], Any]:
    """Run the device self-test; returns ``(info, SelfTestResult)``."""

    def run(report: Callable[[Any], None]):
        from enose.acquisition import DeviceClient

        client = DeviceClient(port)
        try:
            info = client.open()
            return info, client.self_test()
        finally:
            client.close()

    return run


@dataclass
class ExportJob:
    """Export sessions (csv or npz, one file each) and optionally their features table."""

    db_path: Path
    session_ids: list[int]
    fmt: str
    folder: Path
    features: bool = True
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancel.set()

    def __call__(self, report: Callable[[Any], None]) -> dict:
        from enose.storage import Store

        store = Store.open(self.db_path)
        try:
            return _export_sessions(self, report, store.load_recording,
                                    lambda session_id: backend.session_analysis(store, session_id))  # fmt: skip
        finally:
            store.close()


def _export_sessions(job, report: Callable[[Any], None], load_recording, analyse) -> dict:
    """The export loop of :class:`ExportJob` and :class:`CentralExportJob`: one file per session, then
    the features table; stops between sessions when cancelled. Only where the data comes from differs."""
    from enose.storage import export_recording

    written: list[str] = []
    rows = []
    total = len(job.session_ids) + (1 if job.features else 0)
    for i, session_id in enumerate(job.session_ids):
        if job._cancel.is_set():
            return {"written": written, "cancelled": True}
        report((i, total, session_id))
        recording = load_recording(session_id)
        path = export_recording(recording, job.fmt, job.folder / f"session-{session_id}.{job.fmt}")
        written.append(str(path))
        if job.features:
            analysis = analyse(session_id)
            rows.append((session_id, analysis["names"], analysis["values"]))
    if job.features and not job._cancel.is_set():
        report((len(job.session_ids), total, None))
        written.append(str(backend.export_features_csv(rows, job.folder / "features.csv")))
    report((total, total, None))
    return {"written": written, "cancelled": job._cancel.is_set()}


def load_session_job(db_path: Path, session_id: int, user: Any) -> Callable[[Callable[[Any], None]], Any]:
    """Load a stored session, its quality verdict, features and label history (researcher detail)."""

    def run(report: Callable[[Any], None]) -> dict:
        from enose.storage import Store

        store = Store.open(db_path)
        try:
            recording = store.load_recording(session_id)
            analysis = backend.session_analysis(store, session_id)
            subject = recording.meta.get("subject_code")
            labels = backend.label_history(store, user, subject) if subject else []
            return {"recording": recording, "analysis": analysis, "labels": labels}
        finally:
            store.close()

    return run


def central_session_job(dsn: str, session_id: int) -> Callable[[Callable[[Any], None]], Any]:
    """Load one session of the central study database (raw samples now, the site's QC, features and diagnoses),
    on a connection of its own (the table's connection stays with the GUI thread)."""

    def run(report: Callable[[Any], None]) -> dict:
        from enose.research import CentralSource

        with CentralSource.open(dsn, application_name="enose-gui") as source:
            return source.session_detail(session_id)

    return run


@dataclass
class CentralExportJob:
    """:class:`ExportJob` for sessions of the central study database (raw samples read one session at a time)."""

    dsn: str
    session_ids: list[int]
    fmt: str
    folder: Path
    features: bool = True
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancel.set()

    def __call__(self, report: Callable[[Any], None]) -> dict:
        from enose.research import CentralSource

        with CentralSource.open(self.dsn, application_name="enose-gui") as source:
            return _export_sessions(self, report, source.load_recording, source.session_analysis)
