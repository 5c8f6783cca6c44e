"""One screening, end to end: record -> quality gate -> features -> score -> store, with one outcome type.

The command line (``enose screen``, ``enose demo``), the app's screening wizard and
the scripts all run a screening through :class:`Screening`, so the same subject on
the same device gets the same checks, the same stored records and the same
answer whichever shell started it. The shells only parse arguments, show progress
and word the :class:`ScreeningOutcome`.

What happens, in order:

1. the subject code is checked against the site's pattern and the role may record;
2. the device is connected, the protocol checked against its minimum period, and
   its self-test must pass before the subject breathes (:func:`check_self_test`);
3. the subject and their risk factors are stored, and :class:`ScreeningEngine`
   records the protocol (abort from any thread or a signal handler: every sample
   so far is kept and the session is stored as ``aborted``);
4. for a role that may read results, the quality gate, then for a complete
   session the model, which stores the score (:func:`enose.model.score_session`).

Problems before anything is recorded raise :class:`ScreeningNotStarted` with a
one-line message saying what to do; afterwards the outcome says what happened.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from enose import __version__
from enose.security.permissions import HasRole, Permission, has_permission, require
from enose.storage.store import StorageError, Store

__all__ = ["Screening", "ScreeningOutcome", "ScreeningNotStarted", "score_summary"]

log = logging.getLogger(__name__)


class ScreeningNotStarted(RuntimeError):
    """Nothing was recorded: the device could not be reached or used, or the request was refused.

    ``str(error)`` is a one-line message that says what to do.
    """


@dataclass
class ScreeningOutcome:
    """What a screening produced. ``qc`` is None for a role that may not read results."""

    session_id: int | None
    status: str  # complete / aborted / interrupted
    subject_code: str
    device_serial: str | None
    started_at: str | None = None
    n_samples: int = 0
    lost_samples: int = 0  # the quality gate's count: the same number in every report
    duplicates: int = 0
    interruptions: int = 0
    phases: list[dict] = field(default_factory=list)
    link: dict = field(default_factory=dict)
    error: str | None = None
    emergency_file: str | None = None
    qc: dict | None = None
    score: dict = field(default_factory=dict)
    operator: str = ""
    authenticated: bool = True
    software_version: str = __version__
    database: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def score_summary(store: Store, session_id: int, status: str, model_dir: Path | None, user: HasRole) -> dict:
    """The ``qc`` and ``score`` parts of an outcome; never raises for a missing or unfit model.

    ``score`` always has ``given`` and, when not given, ``why`` (``withheld``, ``incomplete``,
    ``no_model``, ``model_error``, ``blocked``) and ``reason`` in words.
    """
    from enose.pipeline import session_qc
    from enose.signal import SignalError

    if not (has_permission(user, Permission.READ_RESULTS) and has_permission(user, Permission.WRITE_SCORES)):
        withheld = f"recorded; its quality verdict and result are for a clinician (role {user.role} may not read them)"
        return {"qc": None, "score": {"given": False, "why": "withheld", "reason": withheld}}
    try:
        verdict = session_qc(store, session_id, user)
        qc = {"passed": verdict["passed"], "reasons": verdict["reasons"]}
    except SignalError as error:
        qc = {"passed": False, "reasons": [{"code": "not_analysable", "severity": "block", "message": str(error)}]}
    if status != "complete":
        return {"qc": qc, "score": {"given": False, "why": "incomplete",
                                    "reason": f"the recording is {status}, not complete: repeat it"}}  # fmt: skip
    if model_dir is None:
        return {"qc": qc, "score": {"given": False, "why": "no_model",
                                    "reason": "no risk model installed (give --model or set ENOSE_MODEL)"}}  # fmt: skip
    from enose.model import ModelError, load_model, score_session

    try:
        model = load_model(model_dir)
        result = score_session(store, session_id, model, user=user)
    except ModelError as error:
        return {"qc": qc, "score": {"given": False, "why": "model_error", "reason": str(error)}}
    if result.get("probability") is None:
        return {"qc": qc, "score": {"given": False, "why": "blocked", "zone": result.get("zone"),
                                    "reason": result.get("reason"), "qc_reasons": result.get("qc_reasons", [])}}  # fmt: skip
    return {"qc": qc, "score": {"given": True, **result, "model_name": getattr(model, "name", None) or model_dir.name}}


class Screening:
    """One screening on the device at ``port``, stored in ``store`` as ``user``.

    ``on_connected(acquisition, info)`` is called once the device answered (a live view reads
    ``acquisition.buffer``); ``on_progress(progress)`` at every step and flush.
    """

    def __init__(
        self,
        store: Store,
        port: str,
        protocol: Any,
        user: HasRole,
        *,
        subject_code: str,
        site: str | None = None,
        risk: dict | None = None,
        model_dir: Path | None = None,
        on_connected: Callable[[Any, Any], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        self.store, self.port, self.protocol, self.user = store, port, protocol, user
        self.subject_code, self.site, self.risk, self.model_dir = subject_code, site, risk or {}, model_dir
        self.on_connected = on_connected or (lambda acquisition, info: None)
        self.on_progress = on_progress
        self._engine = None
        self._abort = threading.Event()
        self._abort_how = "operator"

    def abort(self, how: str = "operator") -> None:
        """Stop at the next sample, keeping everything recorded (thread-safe, signal-handler-safe)."""
        self._abort_how = how
        self._abort.set()
        engine = self._engine
        if engine is not None:
            engine.abort(how)

    def _expected_samples(self) -> int:
        total_s = sum(d for _, _, d in self.protocol.steps()) + 60.0
        return int(total_s * 1000 / max(1, self.protocol.period_ms) * 1.2) + 10_000

    def run(self) -> ScreeningOutcome:
        """Record, judge and score (see the module docs).

        Raises:
            ScreeningNotStarted: nothing was recorded (message says why and what to do).
            PermissionDenied: the role may not record a screening.
        """
        from enose.acquisition import (
            Acquisition,
            DeviceError,
            PortBusy,
            ProtocolRefused,
            ScreeningEngine,
            check_protocol_for_device,
            check_self_test,
        )
        from enose.subjects import InvalidSubjectCode, validate_subject_code

        require(self.user, Permission.RECORD_SESSION)
        try:
            subject = validate_subject_code(self.subject_code, self.store.site_setting("subject_code_pattern"))
        except InvalidSubjectCode as error:
            raise ScreeningNotStarted(str(error)) from error
        acquisition = Acquisition(self.port, expected_samples=self._expected_samples())
        try:
            try:
                info = acquisition.connect()
            except PortBusy as error:
                raise ScreeningNotStarted(f"{error}; wait for it to finish (or close it), then start again. "
                                          "Nothing was recorded.") from error  # fmt: skip
            except DeviceError as error:
                raise ScreeningNotStarted(f"{error}. Check the cable and the port (`enose devices`).") from error
            try:
                check_protocol_for_device(self.protocol, acquisition.info.min_period_ms)
                check_self_test(acquisition)
            except (ProtocolRefused, DeviceError) as error:
                raise ScreeningNotStarted(str(error)) from error
            try:
                self.store.ensure_subject(subject, site=self.site, **self.risk)
            except (StorageError, InvalidSubjectCode) as error:
                raise ScreeningNotStarted(f"{error}. Nothing was recorded.") from error
            self.on_connected(acquisition, info)
            engine = ScreeningEngine(acquisition, self.store, self.protocol, user=self.user, subject_code=subject,
                                     site=self.site, on_progress=self.on_progress, self_test=False)  # fmt: skip
            self._engine = engine
            if self._abort.is_set():
                engine.abort(self._abort_how)
            try:
                result = engine.run()
            except StorageError as error:  # raised only before the session exists: later writes are journalled
                raise ScreeningNotStarted(f"{error}. Nothing was recorded.") from error
        finally:
            acquisition.close()
        return self._outcome(result, subject, info.serial)

    def _outcome(self, result, subject: str, serial: str | None) -> ScreeningOutcome:
        session = self.store.session(result.session_id)
        outcome = ScreeningOutcome(
            session_id=result.session_id, status=result.status, subject_code=subject, device_serial=serial,
            started_at=session.get("started_at"), n_samples=result.n_samples,
            lost_samples=_lost_samples(self.store, result.session_id, result.lost_samples),
            duplicates=result.duplicates, interruptions=result.interruptions, phases=result.phases,
            link=result.link, error=result.error, emergency_file=result.emergency_file,
            operator=self.user.username, authenticated=getattr(self.user, "authenticated", True),
            database=str(self.store.path),
        )  # fmt: skip
        if outcome.error is None and result.status == "aborted":
            outcome.error = f"aborted ({self._abort_how}); the {result.n_samples} samples recorded are kept"
        scoring = score_summary(self.store, result.session_id, result.status, self.model_dir, self.user)
        outcome.qc, outcome.score = scoring["qc"], scoring["score"]
        return outcome


def _lost_samples(store: Store, session_id: int, counted: int) -> int:
    """The session's lost samples as QC counts them (:func:`enose.signal.quality.lost_samples`), so the
    outcome and ``enose qc`` never disagree; the acquisition's own count if the recording cannot be read."""
    from enose.signal.quality import lost_samples

    try:
        return max(counted, lost_samples(store.load_recording(session_id)))
    except (StorageError, ValueError) as error:
        log.warning("lost samples of session %s counted by the acquisition only: %s", session_id, error)
        return counted
