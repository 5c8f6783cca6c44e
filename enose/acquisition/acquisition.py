"""Streaming acquisition with the ICD's host obligations (section 5).

:class:`Acquisition` turns a :class:`DeviceClient` into a recording:

* every intact SAMPLE goes, unchanged, into a preallocated :class:`SampleBuffer`
  with its monotonic session time (:class:`SessionClock`);
* losses are counted from the device clock (``t_ms`` steps of more than one
  period) and cross-checked with sequence numbers, and recorded as ``gap``
  events; nothing is ever interpolated or invented; a repeated frame is dropped;
* a BOOT frame, a stream silent for more than 3 periods (1 s minimum), or a
  vanished port is an *interruption*: a supervisor thread re-reads INFO,
  restores inlet, pump and heater, restarts streaming if wanted and records
  ``interruption`` and ``recovered`` events.

Events are queued for the thread that owns the database (:meth:`drain_events`),
so storage never runs on the reader thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from enose.acquisition.buffer import SampleBuffer
from enose.acquisition.client import DeviceClient, DeviceListener
from enose.acquisition.clock import SessionClock
from enose.acquisition.errors import DeviceError, DeviceNak, LayoutChanged
from enose.recording import ChannelLayout
from firmware_protocol.messages import (
    Boot,
    Info,
    Inlet,
    NakCode,
    Sample,
    SetHeater,
    SetInlet,
    SetPump,
    Start,
    Status,
    Stop,
)

__all__ = ["Acquisition", "AcquisitionEvent", "DeviceSettings", "LinkState"]

log = logging.getLogger(__name__)

SILENCE_MIN_S = 1.0
SILENCE_PERIODS = 3
SEQ_WINDOW = 1 << 16
#: Non-SAMPLE frames (ACK, NAK, LOG, PONG) a device may send between two samples.
SEQ_SLACK_FRAMES = 64


class LinkState:
    """What the operator sees about the link."""

    STREAMING = "streaming"
    IDLE = "idle"
    RECOVERING = "recovering"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


@dataclass(frozen=True)
class AcquisitionEvent:
    """Something to record in the session's event log."""

    kind: str
    t_s: float | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeviceSettings:
    """The state the host wants the device in; restored after every interruption."""

    period_ms: int = 10
    heater_profile: int = 0
    flow_sccm: int = 250
    inlet: int = Inlet.ZERO_AIR
    streaming: bool = False


class Acquisition(DeviceListener):
    """Owns a device client and its sample buffer for one recording."""

    def __init__(self, port: str, *, expected_samples: int = 4096, client: DeviceClient | None = None) -> None:
        self.client = client or DeviceClient(port, self)
        self.client.listener = self
        self.settings = DeviceSettings()
        self.state = LinkState.IDLE
        self.info: Info | None = None
        self.layout: ChannelLayout | None = None
        self.buffer: SampleBuffer | None = None
        self.clock: SessionClock | None = None
        self.lost_samples = 0
        self.duplicates = 0
        self.interruptions = 0
        self._expected_samples = expected_samples
        self._events: queue.SimpleQueue[AcquisitionEvent] = queue.SimpleQueue()
        self._last_seq: int | None = None
        self._last_t_ms: int | None = None
        self._last_sample_host_s = time.monotonic()
        self._streaming_since_host_s = time.monotonic()
        self._trouble = threading.Event()
        self._trouble_reason = ""
        self._trouble_is_interruption = True
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._recovered = threading.Event()
        self._recovered.set()
        self.fatal_error: DeviceError | None = None

    # -- lifecycle ---------------------------------------------------------------

    def connect(self) -> Info:
        """Open the port, read INFO and start the supervisor."""
        self.info = self.client.open()
        self.layout = ChannelLayout(self.info.channels)
        self.buffer = SampleBuffer(len(self.layout), self._expected_samples)
        self._supervisor = threading.Thread(target=self._supervise, name="enose-supervisor", daemon=True)
        self._supervisor.start()
        return self.info

    def close(self) -> None:
        self._stop.set()
        self._trouble.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5.0)
        if self.settings.streaming and self.client.connected:
            try:
                self.client.command(Stop())
            except DeviceError as error:
                log.warning("could not stop streaming on close: %s", error)
        self.client.close()

    # -- commands that change the wanted state -------------------------------------

    def configure(self, *, period_ms: int, heater_profile: int, flow_sccm: int, inlet: int) -> None:
        """Apply settings to the device (before streaming)."""
        if self.info is not None and period_ms < self.info.min_period_ms:
            period_ms = self.info.min_period_ms
        self.settings.period_ms = period_ms
        self.settings.heater_profile = heater_profile
        self.settings.flow_sccm = flow_sccm
        self.settings.inlet = inlet
        self.client.command(SetHeater(heater_profile))
        self.client.command(SetPump(flow_sccm))
        self.client.command(SetInlet(inlet))

    def start_streaming(self) -> None:
        self.clock = SessionClock(self.settings.period_ms)
        self.settings.streaming = True
        self._last_sample_host_s = self._streaming_since_host_s = time.monotonic()
        try:
            self.client.command(Start(self.settings.period_ms, self.settings.heater_profile))
        except DeviceNak as error:
            if error.code != NakCode.BAD_STATE:  # already streaming is fine
                self.settings.streaming = False
                raise
        self.state = LinkState.STREAMING

    def stop_streaming(self) -> None:
        """Stop the stream. Samples keep being accepted until STOP is acknowledged: the device
        sends everything it sampled before the ACK, and those samples are intact data."""
        try:
            self.client.command(Stop())
        finally:
            self.settings.streaming = False
            if self.state == LinkState.STREAMING:
                self.state = LinkState.IDLE

    def set_inlet(self, inlet: int) -> None:
        """Switch the inlet; if the device is unreachable now, recovery will apply it.

        Raises :class:`DeviceNak` when the device refuses the inlet (e.g. inlet 4 on firmware
        before ICD revision 1.1); the inlet in force stays the previous one, also for recovery.
        """
        previous, self.settings.inlet = self.settings.inlet, inlet
        try:
            self._best_effort(SetInlet(inlet))
        except DeviceNak:
            self.settings.inlet = previous
            raise

    def set_pump(self, flow_sccm: int) -> None:
        self.settings.flow_sccm = flow_sccm
        self._best_effort(SetPump(flow_sccm))

    def _best_effort(self, message) -> None:
        if not self._recovered.is_set():
            return  # the recovery in progress restores self.settings
        try:
            self.client.command(message)
        except DeviceNak:
            raise
        except DeviceError as error:
            self._raise_trouble(f"command failed: {error}")

    # -- events -----------------------------------------------------------------

    def _event(self, kind: str, t_s: float | None = None, **detail: Any) -> None:
        self._events.put(AcquisitionEvent(kind, t_s, detail))

    def session_time_s(self) -> float:
        """Session seconds of the last sample, 0.0 before the first one.

        Why never None: an event (an interruption above all) is placed in a phase by its time; one
        stored without a time cannot be placed, and before the first sample the session is at 0 s.
        """
        last = self.clock.last_t_s if self.clock is not None else None
        return 0.0 if last is None else float(last)

    def drain_events(self) -> list[AcquisitionEvent]:
        """Events since the last call, oldest first (for the database thread)."""
        out = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    # -- reader-thread callbacks ---------------------------------------------------

    def on_sample(self, seq: int, sample: Sample) -> None:
        if self.buffer is None or self.clock is None or not self.settings.streaming:
            return
        if sample.values.shape[0] != self.buffer.n_channels:
            self.client.stats.bad_payload += 1
            return
        t_ms = sample.t_ms
        if self._last_t_ms is not None and self.clock.is_forward(t_ms):
            step_ms = (t_ms - self._last_t_ms) % (1 << 32)
            if step_ms == 0 or (seq == self._last_seq and step_ms < self.settings.period_ms):
                self.duplicates += 1  # a repeated frame: never store a sample twice
                return
            elapsed = max(1, round(step_ms / self.settings.period_ms))
            if self._restarted_unseen(seq, elapsed):
                self.clock.device_reset()
                self._event("device_restart_inferred", self.clock.last_t_s, last_seq=self._last_seq, seq=seq)
            elif elapsed > 1:
                missing = elapsed - 1
                self.lost_samples += missing
                self._event(
                    "gap",
                    self.clock.last_t_s,
                    lost_samples=missing,
                    lost_frames=(seq - self._last_seq - 1) & 0xFFFF if self._last_seq is not None else None,
                    after_seq=self._last_seq,
                    after_t_ms=self._last_t_ms,
                    next_t_ms=t_ms,
                )
        t_s = self.clock.to_session_s(t_ms)
        self.buffer.append(t_s, seq, t_ms, sample.flags, sample.values)
        self._last_seq = seq
        self._last_t_ms = t_ms
        self._last_sample_host_s = time.monotonic()

    def _restarted_unseen(self, seq: int, elapsed_samples: int) -> bool:
        """Whether sequence numbers contradict the clock: the device rebooted and its BOOT was lost.

        Within one boot every sample takes a sequence number, so the step from the
        previous sample is at least the samples elapsed and at most that plus the few
        other frames (ACKs, LOGs) sent meanwhile. A seq restarted at 0 breaks this.
        Beyond half the 16-bit range the sequence number cannot tell, and time decides.
        """
        if self._last_seq is None or elapsed_samples >= SEQ_WINDOW // 2:
            return False
        seq_step = (seq - self._last_seq) & 0xFFFF
        return not elapsed_samples <= seq_step <= elapsed_samples + SEQ_SLACK_FRAMES

    def on_boot(self, boot: Boot) -> None:
        if self.clock is not None:
            self.clock.device_reset()
        if self.settings.streaming:
            self._raise_trouble(f"device reset (reason {boot.reset_reason})")
        else:
            # Not recording: nothing was interrupted (a device powering up as the port opens),
            # but a configured device lost its settings, so they are restored quietly.
            self._raise_trouble(f"device restarted while idle (reason {boot.reset_reason})", interruption=False)

    def on_status(self, status: Status) -> None:
        pass

    def on_link(self, connected: bool, detail: str) -> None:
        if not connected:
            self.state = LinkState.DISCONNECTED
            self._raise_trouble(detail)

    def _raise_trouble(self, reason: str, interruption: bool = True) -> None:
        if not self._trouble.is_set():
            self._trouble_reason = reason
            self._trouble_is_interruption = interruption
            self._recovered.clear()
            self._trouble.set()

    # -- supervisor ----------------------------------------------------------------

    def silence_limit_s(self) -> float:
        """Host seconds without a sample that count as an interruption while streaming."""
        return max(SILENCE_MIN_S, SILENCE_PERIODS * self.settings.period_ms / 1000.0)

    def _supervise(self) -> None:
        while not self._stop.is_set():
            if self._trouble.wait(0.1):
                if self._stop.is_set():
                    return
                self._recover(self._trouble_reason, interruption=self._trouble_is_interruption)
                continue
            if self.settings.streaming and self.state == LinkState.STREAMING:
                silent_s = time.monotonic() - max(self._last_sample_host_s, self._streaming_since_host_s)
                if silent_s > self.silence_limit_s():
                    self._raise_trouble(f"no sample for {silent_s:.1f} s")

    def _recover(self, reason: str, deadline_s: float = 120.0, interruption: bool = True) -> None:
        """Bring the device back to :attr:`settings`; retried until it works or the deadline passes."""
        t_s = self.session_time_s()
        if interruption:
            self.interruptions += 1
            log.warning("acquisition interrupted: %s", reason)
            self._event("interruption", t_s, reason=reason)
        else:
            log.info("%s; restoring its settings", reason)
            self._event("device_restarted", t_s, reason=reason)
        self.state = LinkState.RECOVERING
        started = time.monotonic()
        attempt = 0
        while not self._stop.is_set():
            attempt += 1
            self._trouble.clear()
            try:
                if not self.client.connected:
                    self.state = LinkState.DISCONNECTED
                    if not self.client.wait_connected(0.5):
                        raise DeviceError(f"waiting for {self.client.port} to come back")
                    self.state = LinkState.RECOVERING
                info = self.client.get_info()
                if self.layout is not None and tuple(info.channels) != tuple(self.layout.channels):
                    raise LayoutChanged(
                        "the device now reports another channel layout; the recording stops here "
                        f"(was {list(self.layout.names)}, now {[c.name for c in info.channels]})"
                    )
                self.info = info
                self.client.command(SetHeater(self.settings.heater_profile))
                self.client.command(SetPump(self.settings.flow_sccm))
                self.client.command(SetInlet(self.settings.inlet))
                if self.settings.streaming:
                    self._streaming_since_host_s = time.monotonic()
                    try:
                        self.client.command(Start(self.settings.period_ms, self.settings.heater_profile))
                    except DeviceNak as error:
                        if error.code != NakCode.BAD_STATE:
                            raise
                    self.state = LinkState.STREAMING
                else:
                    self.state = LinkState.IDLE
                downtime = time.monotonic() - started
                self._event("recovered", t_s, reason=reason, attempts=attempt, host_downtime_s=round(downtime, 3))
                log.info("acquisition recovered after %.1f s", downtime)
                if not self._trouble.is_set():
                    self._recovered.set()
                return
            except LayoutChanged as error:
                self._fail(error)
                return
            except DeviceError as error:
                if time.monotonic() - started > deadline_s:
                    self._fail(DeviceError(f"device did not come back within {deadline_s:.0f} s: {error}"))
                    return
                log.info("recovery attempt %d failed: %s", attempt, error)
                self._stop.wait(0.2)

    def _fail(self, error: DeviceError) -> None:
        self.fatal_error = error
        self.state = LinkState.FAILED
        self._event("acquisition_failed", self.session_time_s(), reason=str(error))
        self._recovered.set()
