"""The screening protocol: warm-up, baseline, breath, purge, driven by device time.

:class:`ScreeningEngine` runs on the caller's thread (the CLI's main thread or a
GUI worker). It waits for samples, commits them to the database about every
half second (so a crash loses at most ~1 s), switches the inlet when a phase's
duration has elapsed *in session time* (the device's clock, so an accelerated
emulator runs the protocol faster and a stalled link does not shorten a phase),
and reports progress through a callback. Phases are written to the ``phases``
table as they end.

An abort keeps everything recorded so far, with status ``aborted``.
"""

from __future__ import annotations

import enum
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from enose.acquisition.acquisition import Acquisition, LinkState
from enose.acquisition.errors import DeviceError, DeviceNak
from enose.recording import samples_missing_between
from enose.security.permissions import HasRole, Permission, require
from enose.storage.store import SessionWriter, StorageError, Store
from firmware_protocol.messages import HeaterProfile, Inlet, NakCode, SampleFlag

__all__ = [
    "HUMIDIFIER_UNAVAILABLE",
    "MAX_SAMPLES",
    "MAX_STEP_S",
    "CalibrationProtocol",
    "ProtocolRefused",
    "Progress",
    "ScreeningEngine",
    "ScreeningFailed",
    "ScreeningProtocol",
    "ScreeningResult",
    "Step",
    "check_protocol_for_device",
    "check_self_test",
    "SelfTestFailed",
]

log = logging.getLogger(__name__)

#: Event recorded when the device refuses the humidified zero-air inlet (firmware before ICD revision 1.1).
HUMIDIFIER_UNAVAILABLE = "humidifier_unavailable"
FLUSH_INTERVAL_S = 0.5
WAIT_SLICE_S = 0.1
#: The engine wakes about this often (host time) while samples stream, not once per sample.
WAKE_INTERVAL_S = 0.05


class Step(enum.StrEnum):
    CONNECTING = "connecting"
    WARMUP = "warmup"
    BASELINE = "baseline"
    BREATH = "breath"
    PURGE = "purge"
    ZERO_AIR = "zero_air"
    HUMID_ZERO_AIR = "humid_zero_air"
    REFERENCE = "reference"
    RECOVERY = "recovery"
    DONE = "done"
    ABORTED = "aborted"
    FAILED = "failed"


#: Longest step (phase) of any recording protocol, session seconds. Why: the longest clinical step is the
#: 5-minute breath and calibration steps last minutes; 30 minutes leaves room for research protocols, while
#: a slip such as ``--breath-s 1e6`` would otherwise keep a subject on the mask, and memory reserved, for days.
MAX_STEP_S = 1800.0
#: Most samples one recording may take. Why: the engine holds the whole recording in memory (about 60 bytes
#: a sample with 11 channels, reserved up front with 20 % headroom): a million samples stay under 100 MB.
MAX_SAMPLES = 1_000_000


class ScreeningFailed(RuntimeError):
    """The protocol could not run to its end (the data recorded so far is kept)."""


class ProtocolRefused(ScreeningFailed):
    """The protocol asks for something the connected device cannot do; nothing was recorded."""


def check_protocol_for_device(protocol: ScreeningProtocol | CalibrationProtocol, min_period_ms: int) -> None:
    """Refuse a sampling period below the device's minimum (INFO ``min_period_ms``) before anything is recorded.

    Why refuse rather than record at the period the device can do: this is a measuring instrument.
    Features, quality limits and risk models are made at a stated sampling period, and the record
    of a session must say what was asked and what ran, identically. Quietly sampling at another
    rate (as the link layer used to, while the protocol record kept the period asked for) stores
    a session under a protocol it did not follow; raising it silently in the record instead would
    still run something the operator did not choose. So the operator decides, before the subject
    breathes, and no session, subject or event is written for a refused protocol.

    Raises:
        ProtocolRefused: naming the period asked for and the device minimum.
    """
    if protocol.period_ms < min_period_ms:
        raise ProtocolRefused(
            f"a sampling period of {protocol.period_ms} ms is below this device's minimum of {min_period_ms} ms: "
            f"ask for {min_period_ms} ms or more (nothing was recorded)"
        )


class SelfTestFailed(ProtocolRefused):
    """The device's self-test failed: a screening does not start, and nothing is recorded."""


def check_self_test(acquisition: Acquisition) -> bool:
    """Run the device's self-test on a connected, idle device; refuse a device that fails it, naming the channels.

    Why before the protocol: a dead or failing sensor found after eight minutes of breathing costs
    the person the test and gives a recording the quality gate must block anyway.

    Returns True when the device passed, False when it does not implement the self-test (it
    answers ``NAK UNKNOWN_TYPE``): the screening then goes on, and the quality gate still
    judges every channel of the recording.

    Raises:
        SelfTestFailed: naming each failed channel (INFO name) and what to do.
        DeviceError: the device did not answer the self-test.
    """
    try:
        result = acquisition.client.self_test()
    except DeviceNak as refusal:
        if refusal.code != NakCode.UNKNOWN_TYPE:
            raise
        log.warning("the device does not implement SELF_TEST; the quality gate will judge its channels")
        return False
    if result.passed:
        return True
    names = acquisition.layout.names if acquisition.layout is not None else ()
    failed = [names[i] if i < len(names) else f"channel {i}" for i in range(32) if result.failed_mask >> i & 1]
    raise SelfTestFailed(
        f"the device self-test failed on {', '.join(failed) or 'a channel it did not name'}: the screening was not "
        "started and nothing was recorded; ask a technician to check or replace the sensor"
    )


class _TimedProtocol:
    """What every recording protocol shares: validated durations and a JSON-ready record."""

    def _check_durations(self, *names: str, allow_zero: tuple[str, ...] = ()) -> None:
        """Every step lasts a finite positive time up to :data:`MAX_STEP_S` (``allow_zero``: 0 skips the step)."""
        for name in names:
            value = getattr(self, name)
            if name in allow_zero and value == 0:
                continue
            if not (math.isfinite(value) and value > 0):
                zero = "0 (no such step) or " if name in allow_zero else ""
                raise ValueError(f"{name} must be {zero}a positive number of seconds, got {value}")
            if value > MAX_STEP_S:
                raise ValueError(
                    f"{name} must be at most {MAX_STEP_S:g} s (30 minutes: no screening or calibration step is "
                    f"longer, and the whole recording is held in memory), got {value:g}"
                )

    def _check_size(self) -> None:
        """The whole recording must fit the memory the engine reserves for it (:data:`MAX_SAMPLES`)."""
        total_s = sum(duration for _, _, duration in self.steps())
        samples = total_s * 1000 / self.period_ms
        if samples > MAX_SAMPLES:
            raise ValueError(
                f"this protocol would take {samples:,.0f} samples ({total_s:g} s at {self.period_ms} ms): at most "
                f"{MAX_SAMPLES:,} fit in the memory held for a recording; shorten a step or lengthen the period"
            )

    def as_dict(self) -> dict:
        """The parameters as stored with the session (enums as plain integers)."""
        return {k: (int(v) if isinstance(v, enum.IntEnum) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ScreeningProtocol(_TimedProtocol):
    """Protocol parameters, stored with every session.

    Attributes:
        baseline_s: baseline duration, session seconds.
        breath_s: breath (MASK) duration, session seconds.
        purge_s: zero-air purge duration, session seconds.
        baseline_inlet: inlet of the baseline phase (AMBIENT or ZERO_AIR).
        period_ms: sampling period requested with START; a device that cannot sample this fast
            refuses the protocol (:func:`check_protocol_for_device`), it is never silently raised.
        flow_sccm: pump flow.
        heater_profile: 0 constant, 1 modulated.
        warmup_timeout_s: longest wait for WARMING_UP to clear, session seconds.
    """

    baseline_s: float = 60.0
    breath_s: float = 300.0
    purge_s: float = 120.0
    baseline_inlet: int = Inlet.AMBIENT
    period_ms: int = 10
    flow_sccm: int = 250
    heater_profile: int = HeaterProfile.CONSTANT
    warmup_timeout_s: float = 600.0

    def __post_init__(self) -> None:
        self._check_durations("baseline_s", "breath_s", "purge_s")
        if self.baseline_inlet not in (Inlet.AMBIENT, Inlet.ZERO_AIR):
            raise ValueError("baseline_inlet must be AMBIENT (0) or ZERO_AIR (2)")
        if not 1 <= self.period_ms <= 1000:
            raise ValueError(f"period_ms must be within 1..1000, got {self.period_ms}")
        self._check_size()

    def steps(self) -> list[tuple[Step, int, float]]:
        """The timed steps in order: (step, inlet, duration_s)."""
        return [
            (Step.BASELINE, int(self.baseline_inlet), self.baseline_s),
            (Step.BREATH, int(Inlet.MASK), self.breath_s),
            (Step.PURGE, int(Inlet.ZERO_AIR), self.purge_s),
        ]


@dataclass(frozen=True)
class CalibrationProtocol(_TimedProtocol):
    """A technician's calibration recording: zero air (dry, then humidified), or reference gas between zero air.

    Why the humidified step: a MOX sensor's resistance also falls with humidity, by an amount
    that differs from unit to unit; dry zero air then the same zero air humidified (inlet 4,
    ICD revision 1.1) measure it. A device whose firmware refuses inlet 4 still gets its dry
    zero-air calibration; the recording then says the humidity response was not measured.

    Attributes:
        kind: ``zero`` (zero-air baseline and humidity response) or ``reference`` (reference-gas check).
        zero_s: zero-air duration before the reference gas (or alone), session seconds.
        humid_s: humidified zero-air duration after the dry zero air (``zero`` only; 0 skips it), session seconds.
        reference_s: reference-gas duration, session seconds.
        recovery_s: zero-air recovery after the reference gas, session seconds.
    """

    kind: str = "zero"
    zero_s: float = 60.0
    humid_s: float = 60.0
    reference_s: float = 60.0
    recovery_s: float = 30.0
    period_ms: int = 100
    flow_sccm: int = 250
    heater_profile: int = HeaterProfile.CONSTANT
    warmup_timeout_s: float = 600.0

    def __post_init__(self) -> None:
        if self.kind not in ("zero", "reference"):
            raise ValueError(f"calibration kind must be 'zero' or 'reference', got {self.kind!r}")
        self._check_durations("zero_s", "humid_s", "reference_s", "recovery_s", allow_zero=("humid_s",))
        if not 1 <= self.period_ms <= 1000:
            raise ValueError(f"period_ms must be within 1..1000, got {self.period_ms}")
        self._check_size()

    def steps(self) -> list[tuple[Step, int, float]]:
        if self.kind == "zero":
            humid = [(Step.HUMID_ZERO_AIR, int(Inlet.HUMID_ZERO_AIR), self.humid_s)] if self.humid_s > 0 else []
            return [(Step.ZERO_AIR, int(Inlet.ZERO_AIR), self.zero_s), *humid]
        return [
            (Step.ZERO_AIR, int(Inlet.ZERO_AIR), self.zero_s),
            (Step.REFERENCE, int(Inlet.REFERENCE), self.reference_s),
            (Step.RECOVERY, int(Inlet.ZERO_AIR), self.recovery_s),
        ]


@dataclass(frozen=True)
class Progress:
    """A snapshot for a progress bar or the live view."""

    step: Step
    elapsed_s: float
    duration_s: float | None
    session_t_s: float
    n_samples: int
    lost_samples: int
    interruptions: int
    link: str
    storage_error: str | None = None

    @property
    def remaining_s(self) -> float | None:
        return None if self.duration_s is None else max(0.0, self.duration_s - self.elapsed_s)


@dataclass
class ScreeningResult:
    session_id: int
    status: str
    n_samples: int
    lost_samples: int
    interruptions: int
    duplicates: int
    link: dict = field(default_factory=dict)
    phases: list[dict] = field(default_factory=list)
    error: str | None = None
    emergency_file: str | None = None


class ScreeningEngine:
    """Runs one screening on a connected :class:`Acquisition` and records it in a :class:`Store`."""

    def __init__(
        self,
        acquisition: Acquisition,
        store: Store,
        protocol: ScreeningProtocol | CalibrationProtocol,
        *,
        user: HasRole,
        subject_code: str | None = None,
        site: str | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        kind: str = "screening",
        self_test: bool | None = None,
    ) -> None:
        self.acq = acquisition
        self.store = store
        self.protocol = protocol
        # the core checks the permission here, whatever screen or script started the run
        require(user, Permission.CALIBRATE if kind == "calibration" else Permission.RECORD_SESSION)
        self.operator = user.username
        self.subject_code = subject_code
        self.site = site
        self.kind = kind
        # a screening starts only on a device that passes its self-test; a calibration records what the device does
        self.self_test = kind == "screening" if self_test is None else self_test
        self.on_progress = on_progress or (lambda progress: None)
        self.step = Step.CONNECTING
        self.writer: SessionWriter | None = None
        self._abort_requested = False
        self._abort_how = "operator"
        self._flushed = 0
        self._last_flush = 0.0
        self._step_started_s = 0.0
        self._phases: list[dict] = []
        self._journal: list[Callable[[], None]] = []
        self._persisted = 0
        self.storage_error: str | None = None
        self.emergency_file: Path | None = None

    def abort(self, how: str = "operator") -> None:
        """Ask the engine to stop at the next sample (thread-safe, and safe from a signal handler).

        The data recorded so far is kept and the session is finished as ``aborted``; ``how`` (e.g.
        ``"ctrl-c"``) is stored with the abort event, so the record says who or what stopped it.
        """
        self._abort_how = how
        self._abort_requested = True

    # -- main loop -----------------------------------------------------------------

    def run(self) -> ScreeningResult:
        acq = self.acq
        info = acq.info
        if info is None or acq.layout is None or acq.buffer is None:
            raise ScreeningFailed("connect the acquisition before running a screening")
        check_protocol_for_device(self.protocol, info.min_period_ms)
        if self.self_test:
            check_self_test(acq)
        self.store.mark_stale_sessions()
        if self.subject_code is not None:
            self.store.ensure_subject(self.subject_code, site=self.site)
        self.store.upsert_device(info.serial, info.model, info.firmware, info.min_period_ms, acq.layout)
        acq.configure(
            period_ms=self.protocol.period_ms,
            heater_profile=self.protocol.heater_profile,
            flow_sccm=self.protocol.flow_sccm,
            inlet=Inlet.ZERO_AIR,
        )
        self.writer = self.store.create_session(
            operator=self.operator,
            layout=acq.layout,
            period_ms=acq.settings.period_ms,
            protocol=self.protocol.as_dict(),
            subject_code=self.subject_code,
            device_serial=info.serial,
            firmware=info.firmware,
            site=self.site,
            kind=self.kind,
        )
        self._record(lambda: self.writer.event("session_started", 0.0, operator=self.operator))
        status, error = "complete", None
        try:
            acq.start_streaming()
            self._enter(Step.WARMUP, None, 0.0)
            for step, inlet, duration_s in self._timed_steps():
                self._run_step(step, inlet, duration_s)
            self.step = Step.DONE
        except _Aborted:
            status = self._mark_aborted(self._abort_how)
        except KeyboardInterrupt:
            # Ctrl-C reached us as an exception (no handler asked for abort()): the data so far is still
            # stored, as ``aborted`` and never as ``complete``, before the interrupt goes on to the caller.
            status = self._mark_aborted("keyboard_interrupt")
            raise
        except (DeviceError, ScreeningFailed) as failure:
            status, error = "interrupted", str(failure)
            self.step = Step.FAILED
            now_s = self._now_s()
            self._record(lambda: self.writer.event("screening_failed", now_s, reason=error))
            log.error("screening failed: %s", failure)
        finally:
            self._stop_device()
            # the last samples and events first, then the end: a finished session is sealed in the audit
            # trail with a fingerprint of everything it holds (enose.security.integrity)
            self._flush(force=True)
            self._record(lambda: self.writer.finish(status))
            self._apply_journal()
            if self._journal:
                status = "interrupted"
                error = self._save_emergency_copy()
            self._report(None)
        return ScreeningResult(
            session_id=self.writer.session_id,
            status=status,
            n_samples=self.writer.n_samples,
            lost_samples=acq.lost_samples,
            interruptions=acq.interruptions,
            duplicates=acq.duplicates,
            link=acq.client.stats.as_dict(),
            phases=self._phases,
            error=error,
            emergency_file=str(self.emergency_file) if self.emergency_file else None,
        )

    def _mark_aborted(self, how: str) -> str:
        """Record the abort event and return the status the session is finished with."""
        self.step = Step.ABORTED
        now_s = self._now_s()
        self._record(lambda: self.writer.event("aborted_by_operator", now_s, operator=self.operator, how=how))
        return "aborted"

    def _timed_steps(self):
        """Wait out the warm-up, then yield the timed steps."""
        warmup_start = self._now_s()
        while True:
            self._wait_and_flush()
            last = self.acq.buffer.last()
            if last is not None and not last[1] & SampleFlag.WARMING_UP:
                break
            if self._now_s() - warmup_start > self.protocol.warmup_timeout_s:
                raise ScreeningFailed(
                    f"sensors still warming up after {self.protocol.warmup_timeout_s:.0f} s; check the heater"
                )
        self._end_phase(Step.WARMUP, Inlet.ZERO_AIR)
        yield from self.protocol.steps()

    def _run_step(self, step: Step, inlet: int, duration_s: float) -> None:
        try:
            self.acq.set_inlet(inlet)
        except DeviceNak as refusal:
            if inlet != Inlet.HUMID_ZERO_AIR or refusal.code != NakCode.OUT_OF_RANGE:
                raise
            # firmware before ICD revision 1.1: no humidifier. The dry part stands; say so and go on.
            now_s = self._now_s()
            self._record(lambda: self.writer.event(HUMIDIFIER_UNAVAILABLE, now_s, inlet=int(inlet)))
            log.warning("the device refused inlet %d (firmware before ICD revision 1.1): humidity not measured", inlet)
            return
        self._enter(step, duration_s, self._now_s())
        while (remaining_s := duration_s - (self._now_s() - self._step_started_s)) > 0:
            self._wait_and_flush(remaining_s)
        self._end_phase(step, inlet)

    def _enter(self, step: Step, duration_s: float | None, start_s: float) -> None:
        self.step = step
        self._step_duration_s = duration_s
        self._step_started_s = start_s
        self._record(lambda: self.writer.event("phase_started", start_s, phase=str(step)))
        self._report(duration_s)

    def _end_phase(self, step: Step, inlet: int) -> None:
        end_s, start_s = self._now_s(), self._step_started_s
        self._record(lambda: self.writer.phase(str(step), inlet, start_s, end_s))
        self._phases.append({"name": str(step), "inlet": int(inlet), "start_s": start_s, "end_s": end_s})

    def _now_s(self) -> float:
        last = self.acq.buffer.last() if self.acq.buffer is not None else None
        return last[0] if last is not None else 0.0

    def _wait_and_flush(self, remaining_s: float | None = None) -> None:
        if self._abort_requested:
            raise _Aborted
        if self.acq.fatal_error is not None:
            raise self.acq.fatal_error
        period_s = self.acq.settings.period_ms / 1000.0
        rate = self.acq.clock.device_rate if self.acq.clock is not None else 1.0
        batch = max(1, int(WAKE_INTERVAL_S * rate / period_s))
        if remaining_s is not None:  # wake exactly at the phase end, not a batch later
            batch = max(1, min(batch, math.ceil(remaining_s / period_s)))
        self.acq.buffer.wait_for_more(len(self.acq.buffer), WAIT_SLICE_S, min_new=batch)
        self._flush()
        self._report(self._step_duration_s)

    def _record(self, operation: Callable[[], None]) -> None:
        """Queue a database write; writes are applied in order at the next flush."""
        self._journal.append(operation)

    def _flush(self, force: bool = False) -> None:
        """Queue the new samples and events, then apply the journal.

        A failing write (disk full, file locked) stays at the head of the journal
        with everything after it: nothing is dropped or reordered, the samples stay
        in memory, the operator is told, and the next flush tries again.
        """
        now = time.monotonic()
        if not force and now - self._last_flush < FLUSH_INTERVAL_S:
            return
        self._last_flush = now
        for event in self.acq.drain_events():
            # An event always gets a session time (the quality gate places interruptions by it).
            t_s = event.t_s if event.t_s is not None else self._now_s()
            self._record(lambda e=event, t=t_s: self.writer.event(e.kind, t, **e.detail))
        end = len(self.acq.buffer)
        if end > self._flushed or force:
            start = self._flushed
            # the final count also takes the outages the device clock cannot see (a reboot restarts it): the
            # session row then holds the same number as QC and every report (enose.recording)
            lost = self._lost_with_gaps(end) if force else self.acq.lost_samples
            self._record(lambda: self._append_samples(start, end, lost))
            self._flushed = end
        self._apply_journal()

    def _lost_with_gaps(self, end: int) -> int:
        t_s = self.acq.buffer.block(0, end).t_s
        return max(self.acq.lost_samples, samples_missing_between(t_s, self.protocol.period_ms / 1000.0))

    def _apply_journal(self) -> None:
        """Apply the queued writes in order; a failing one stays at the head with everything after it."""
        while self._journal:
            try:
                self._journal[0]()
            except StorageError as failure:
                if self.storage_error is None:
                    log.error("cannot write to the database, keeping samples in memory: %s", failure)
                self.storage_error = str(failure)
                return
            self._journal.pop(0)
        if self.storage_error is not None:
            problem, self.storage_error = self.storage_error, None
            log.warning("database writable again; every sample kept in memory is now saved")
            self._record(lambda: self.writer.event("storage_recovered", self._now_s(), error=problem))

    def _append_samples(self, start: int, end: int, lost_samples: int) -> None:
        self.writer.append(self.acq.buffer.block(start, end), lost_samples=lost_samples)
        self._persisted = end

    def _save_emergency_copy(self) -> str:
        """The database stayed unwritable: put the unsaved samples in a file elsewhere and say where.

        Never an empty file: with no unsaved sample there is nothing to rescue (only the session's end
        is missing, and it shows as interrupted); and the file is written under a temporary name, read
        back and only then renamed, so a disk that fills up while writing leaves no 0-byte or truncated
        ``.npz`` that looks like a rescue.
        """
        block = self.acq.buffer.block(self._persisted)
        if len(block) == 0:
            return (f"the database could not be written ({self.storage_error}); every sample was saved, "
                    "but the end of the session was not recorded (it shows as interrupted)")  # fmt: skip
        session_id = self.writer.session_id if self.writer else "unknown"
        name = f"enose-unsaved-session-{session_id}-{int(time.time())}.npz"
        from enose.storage.recovery import emergency_folders

        for folder in emergency_folders(self.store.path):
            target = folder / name
            partial = folder / (name + ".part")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                    np.savez(handle, values=block.values, channels=np.array(self.acq.layout.names), t=block.t_s,
                             device_seq=block.device_seq, device_t_ms=block.device_t_ms, flags=block.flags,
                             session_uuid=np.array(self._session_uuid()))  # fmt: skip
                    handle.flush()
                    os.fsync(handle.fileno())
                with np.load(partial) as saved:
                    if saved["values"].shape != block.values.shape:
                        raise OSError(f"{partial} reads back {saved['values'].shape[0]} samples of {len(block)}")
                os.replace(partial, target)
            except (OSError, ValueError, EOFError) as error:  # ValueError/EOFError: a truncated zip reads back
                log.warning("no emergency file in %s: %s", folder, error)
                partial.unlink(missing_ok=True)
                continue
            self.emergency_file = target
            message = (f"the database could not be written ({self.storage_error}); the {len(block)} unsaved "
                       f"samples were written to {target}")  # fmt: skip
            log.error(message)
            return message
        return f"the database could not be written ({self.storage_error}) and no emergency file could be made"

    def _session_uuid(self) -> str:
        """The session's uuid for its emergency file (recovery matches it: ids repeat across databases)."""
        try:
            row = self.store.conn.execute("SELECT uuid FROM sessions WHERE id = ?", (self.writer.session_id,)).fetchone()
        except Exception:  # noqa: BLE001 - a broken database must not stop the rescue of the samples
            row = None
        return "" if row is None else str(row[0])

    def _stop_device(self) -> None:
        try:
            if self.acq.state in (LinkState.STREAMING, LinkState.IDLE) and self.acq.client.connected:
                self.acq.stop_streaming()
                self.acq.set_pump(0)
            else:
                self.acq.settings.streaming = False
        except DeviceError as error:
            log.warning("could not stop the device cleanly: %s", error)

    def _report(self, duration_s: float | None) -> None:
        now_s = self._now_s()
        self.on_progress(
            Progress(
                step=self.step,
                elapsed_s=max(0.0, now_s - self._step_started_s),
                duration_s=duration_s,
                session_t_s=now_s,
                n_samples=len(self.acq.buffer),
                lost_samples=self.acq.lost_samples,
                interruptions=self.acq.interruptions,
                link=self.acq.state,
                storage_error=self.storage_error,
            )
        )


class _Aborted(Exception):
    """Internal: the operator aborted."""
