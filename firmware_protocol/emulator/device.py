"""The emulated device's firmware: the device side of the ICD as a state machine, with no I/O and no clock.

:class:`EmulatedDevice` is driven from outside, like pyserial's ``Packetizer``
or h11: :meth:`~EmulatedDevice.receive` feeds it the bytes the host wrote,
:meth:`~EmulatedDevice.advance` moves emulation time forward (generating the
SAMPLE, STATUS and SELF_TEST_RESULT frames that fall due, in blocks through
the vectorised physics), and :meth:`~EmulatedDevice.read_output` hands over the
wire bytes to send. The pty server maps wall time to emulation time; tests
drive it directly and deterministically.

Time: ``advance(to_ms)`` takes *emulation* time, ms since the object was
created, which never goes back. The device clock (``t_ms`` in SAMPLE,
``uptime_ms`` in STATUS) is derived from it: ms since the last boot (plus
``clock_start_ms`` before the first reset), wrapped to u32.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from firmware_protocol.emulator.config import EmulatorConfig, channel_layout
from firmware_protocol.emulator.faults import FaultInjector
from firmware_protocol.emulator.physics import SensorModel, UnitProfile
from firmware_protocol.frames import Frame, FrameDecoder, encode_frame
from firmware_protocol.messages import (
    Ack,
    Boot,
    DeviceState,
    GetInfo,
    Info,
    Inlet,
    Log,
    Message,
    MessageType,
    Nak,
    NakCode,
    PayloadError,
    Ping,
    Pong,
    SelfTest,
    SelfTestResult,
    SetHeater,
    SetInlet,
    SetPump,
    Start,
    Status,
    Stop,
    parse_message,
)

__all__ = ["ResetReason", "DeviceCounters", "EmulatedDevice", "MAX_PERIOD_MS", "MAX_BLOCK_SAMPLES"]

log = logging.getLogger(__name__)

MAX_PERIOD_MS = 1000
#: Longest block of samples generated in one physics call (bounds memory on long advances).
MAX_BLOCK_SAMPLES = 4096
_HOST_TYPES = frozenset(range(MessageType.GET_INFO, MessageType.SET_HEATER + 1))
_SAMPLE_HEAD = struct.Struct("<IH")


class ResetReason(IntEnum):
    """The emulator's BOOT reset-reason codes (the ICD leaves the values to the firmware)."""

    POWER_ON = 1
    WATCHDOG = 2
    BROWN_OUT = 3
    SOFTWARE = 4


@dataclass
class DeviceCounters:
    """What the device did, for tests and the server's statistics."""

    frames_sent: int = 0  # frames given a sequence number (including those then lost by fault injection)
    frames_dropped: int = 0
    frames_corrupted: int = 0
    samples: int = 0
    statuses: int = 0
    commands: int = 0
    naks: int = 0
    boots: int = 0
    resets: int = 0  # boots other than the first power-up


class EmulatedDevice:
    """One emulated e-nose (see the module docstring for the time model)."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        cfg = self.config
        self.channels, self._source = channel_layout(cfg)
        self.info = Info(cfg.model, cfg.serial, cfg.firmware, cfg.min_period_ms, self.channels)
        self.unit = UnitProfile.from_serial(cfg.serial, cfg.n_mox)
        self.subject = cfg.subject_profile()
        self.dead_channels = self._resolve_dead(cfg.faults.dead_channels)
        self.faults = FaultInjector(cfg.faults, np.random.SeedSequence([cfg.seed, 0xFA]))
        self.decoder = FrameDecoder()
        self.counters = DeviceCounters()
        self._out: list[bytes] = []
        self._now_ms = 0
        self._powered = True
        self._mask_reset_done = False
        self._boot(ResetReason.POWER_ON, first=True)

    def _resolve_dead(self, spec: tuple[int | str, ...]) -> np.ndarray:
        names = [c.name for c in self.channels]
        out = []
        for item in spec:
            if isinstance(item, str) and not item.isdigit():
                if item not in names:
                    raise ValueError(f"dead channel {item!r} is not a channel of this device; channels: {names}")
                out.append(names.index(item))
            else:
                index = int(item)
                if not 0 <= index < len(names):
                    raise ValueError(f"dead channel index {index} is outside 0..{len(names) - 1}")
                out.append(index)
        return np.array(sorted(set(out)), dtype=np.intp)

    # -- public state ----------------------------------------------------------

    @property
    def state(self) -> DeviceState:
        return self._state

    @property
    def powered(self) -> bool:
        return self._powered

    @property
    def inlet(self) -> int:
        return self.model.inlet

    @property
    def flow_sccm(self) -> int:
        return self.model.flow_sccm

    @property
    def heater_profile(self) -> int:
        return self.model.heater_profile

    @property
    def period_ms(self) -> int | None:
        return self._period_ms

    @property
    def now_ms(self) -> int:
        """Emulation time, ms since this object was created."""
        return self._now_ms

    @property
    def uptime_ms(self) -> int:
        """Unwrapped ms since the last boot."""
        return self._now_ms - self._boot_ms

    @property
    def clock_ms(self) -> int:
        """The device clock as sent on the wire (u32, wraps)."""
        return (self._clock_offset_ms + self.uptime_ms) & 0xFFFFFFFF

    @property
    def next_seq(self) -> int:
        """Sequence number the next frame will carry."""
        return self._seq

    def next_event_ms(self) -> int | None:
        """Emulation time of the next frame or state change the device will produce on its own."""
        if not self._powered:
            return None
        candidates = [self._next_status_ms if self._state != DeviceState.STREAMING else self._next_sample_ms]
        candidates += [t for t in (self._self_test_done_ms, self._mask_reset_ms()) if t is not None]
        return min(candidates)

    # -- the three verbs -----------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Bytes written by the host: decode and execute every complete command, at the current time."""
        for frame in self.decoder.feed(data):
            if self._powered:
                self._handle(frame)

    def advance(self, to_ms: int) -> None:
        """Run the device until emulation time ``to_ms`` (ms, never earlier than :attr:`now_ms`)."""
        to_ms = int(to_ms)
        if to_ms < self._now_ms:
            raise ValueError(f"emulation time cannot go back ({to_ms} ms < {self._now_ms} ms)")
        while True:
            due = [t for t in (self._self_test_done_ms, self._mask_reset_ms()) if t is not None and t <= to_ms]
            if not due or not self._powered:
                self._run_until(to_ms)
                return
            self._run_until(max(min(due), self._now_ms))
            self._fire_due_events()

    def read_output(self) -> bytes:
        """Everything the device has sent since the last call, as wire bytes."""
        data = b"".join(self._out)
        self._out.clear()
        return data

    # -- power and reset -----------------------------------------------------------

    def reset(self, reason: ResetReason = ResetReason.SOFTWARE) -> None:
        """Reset now: bootloader text, then BOOT with sequence 0, clock 0, IDLE, warming up again."""
        self.counters.resets += 1
        self._boot(reason)

    def power_off(self) -> None:
        """The cable is pulled: the device stops and whatever it had not sent is lost."""
        self._powered = False
        self._out.clear()
        self.decoder.reset()

    def power_on(self) -> None:
        """Power returns: the device boots (reason POWER_ON) at the current emulation time."""
        self._powered = True
        self.counters.resets += 1
        self._boot(ResetReason.POWER_ON)

    def _boot(self, reason: ResetReason, first: bool = False) -> None:
        cfg = self.config
        self._seq = 0
        self._boot_ms = self._now_ms
        self._clock_offset_ms = cfg.clock_start_ms if first else 0
        self._state = DeviceState.IDLE
        self._period_ms: int | None = None
        self._next_sample_ms = 0
        self._next_status_ms = self._now_ms + cfg.status_interval_ms
        self._self_test_done_ms: int | None = None
        self._mask_since_ms: int | None = None
        self.model = SensorModel(
            self.unit,
            self.subject,
            cfg.environment,
            seed=np.random.SeedSequence([cfg.seed, self.counters.boots]),
            warmup_s=cfg.warmup_s,
            inlet=Inlet.AMBIENT,
            flow_sccm=cfg.flow_sccm,
            heater_profile=0,
        )
        self.counters.boots += 1
        # Bootloader text, then one 0x00 so the host's decoder resynchronises before our first frame.
        self._out.append(cfg.faults.bootloader_junk + b"\x00")
        self._send(Boot(int(reason)))
        for index in self.dead_channels:
            self._send(Log.from_text(2, f"{self.channels[index].name}: open circuit, reads NaN"))

    # -- output --------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        seq = self._seq
        self._seq = (seq + 1) & 0xFFFF
        self._emit([encode_frame(message.TYPE, seq, message.pack())])

    def _emit(self, frames: list[bytes]) -> None:
        self.counters.frames_sent += len(frames)
        before = self.faults.frames_dropped, self.faults.frames_corrupted
        self._out.extend(self.faults.apply(frames))
        self.counters.frames_dropped += self.faults.frames_dropped - before[0]
        self.counters.frames_corrupted += self.faults.frames_corrupted - before[1]

    def _ack(self, frame: Frame) -> None:
        self._send(Ack(frame.seq, frame.type))

    def _nak(self, frame: Frame, code: NakCode) -> None:
        self.counters.naks += 1
        self._send(Nak(frame.seq, frame.type, int(code)))

    # -- commands --------------------------------------------------------------------

    def _handle(self, frame: Frame) -> None:
        self.counters.commands += 1
        if frame.type not in _HOST_TYPES:
            self._nak(frame, NakCode.UNKNOWN_TYPE)
            return
        try:
            message = parse_message(frame)
        except PayloadError:
            self._nak(frame, NakCode.BAD_PAYLOAD)
            return
        uptime_s = self.uptime_ms / 1000.0
        if isinstance(message, GetInfo):
            self._send(self.info)
        elif isinstance(message, Ping):
            self._send(Pong(message.token))
        elif isinstance(message, Start):
            if self._state != DeviceState.IDLE:
                self._nak(frame, NakCode.BAD_STATE)
            elif not self.config.min_period_ms <= message.period_ms <= MAX_PERIOD_MS:
                self._nak(frame, NakCode.OUT_OF_RANGE)
            elif message.heater_profile not in (0, 1):
                self._nak(frame, NakCode.OUT_OF_RANGE)
            else:
                self.model.set_heater(message.heater_profile)
                self._period_ms = message.period_ms
                self._next_sample_ms = self._now_ms + message.period_ms
                self._state = DeviceState.STREAMING
                self._ack(frame)
        elif isinstance(message, Stop):
            if self._state == DeviceState.STREAMING:
                self._state = DeviceState.IDLE
                self._next_status_ms = self._now_ms + self.config.status_interval_ms
            self._ack(frame)
        elif isinstance(message, SetInlet):
            newest = Inlet.HUMID_ZERO_AIR if self.config.humidifier else Inlet.REFERENCE
            if message.inlet > newest:  # firmware before ICD revision 1.1 has no inlet 4
                self._nak(frame, NakCode.OUT_OF_RANGE)
                return
            if message.inlet == Inlet.MASK and self.model.inlet != Inlet.MASK:
                self._mask_since_ms = self._now_ms
            elif message.inlet != Inlet.MASK:
                self._mask_since_ms = None
            self.model.set_inlet(message.inlet, uptime_s)
            self._ack(frame)
        elif isinstance(message, SetPump):
            if not (message.flow_sccm == 0 or 50 <= message.flow_sccm <= 500):
                self._nak(frame, NakCode.OUT_OF_RANGE)
                return
            self.model.set_flow(message.flow_sccm)
            self._ack(frame)
        elif isinstance(message, SetHeater):
            if message.heater_profile not in (0, 1):
                self._nak(frame, NakCode.OUT_OF_RANGE)
                return
            self.model.set_heater(message.heater_profile)
            self._ack(frame)
        elif isinstance(message, SelfTest):
            if self._state != DeviceState.IDLE:
                self._nak(frame, NakCode.BAD_STATE)
                return
            self._ack(frame)
            self._state = DeviceState.SELF_TEST
            self._self_test_done_ms = self._now_ms + self.config.self_test_ms
        else:  # pragma: no cover - every host type is handled above
            self._nak(frame, NakCode.UNKNOWN_TYPE)

    # -- time ------------------------------------------------------------------------

    def _mask_reset_ms(self) -> int | None:
        after_s = self.config.faults.reset_after_mask_s
        if after_s is None or self._mask_reset_done or self._mask_since_ms is None:
            return None
        return self._mask_since_ms + int(round(after_s * 1000))

    def _fire_due_events(self) -> None:
        if self._self_test_done_ms is not None and self._self_test_done_ms <= self._now_ms:
            self._self_test_done_ms = None
            self._state = DeviceState.IDLE
            mask = 0
            for index in self.dead_channels:
                if index < 32:  # the ICD's mask has 32 bits; higher channels fail the test unnamed
                    mask |= 1 << int(index)
            self._send(SelfTestResult(passed=self.dead_channels.size == 0, failed_mask=mask))
        reset_at = self._mask_reset_ms()
        if reset_at is not None and reset_at <= self._now_ms:
            self._mask_reset_done = True
            log.info(
                "fault injection: watchdog reset %g s after the inlet went to MASK",
                self.config.faults.reset_after_mask_s,
            )
            self.reset(ResetReason.WATCHDOG)

    def _run_until(self, target_ms: int) -> None:
        if not self._powered:
            self._now_ms = target_ms
            return
        if self._state == DeviceState.STREAMING:
            period = self._period_ms
            assert period is not None
            while self._next_sample_ms <= target_ms:
                n = min((target_ms - self._next_sample_ms) // period + 1, MAX_BLOCK_SAMPLES)
                times = self._next_sample_ms + period * np.arange(n, dtype=np.int64)
                self._emit_samples(times)
                self._next_sample_ms += n * period
        else:
            interval = self.config.status_interval_ms
            while self._next_status_ms <= target_ms:
                self._now_ms = self._next_status_ms
                uptime_s = self.uptime_ms / 1000.0
                self._send(
                    Status(int(self._state), self.inlet, self.flow_sccm, self.model.flags_at(uptime_s), self.clock_ms)
                )
                self.counters.statuses += 1
                self._next_status_ms += interval
        self._now_ms = target_ms

    def _emit_samples(self, times_ms: np.ndarray) -> None:
        """One block of SAMPLE frames at emulation times ``times_ms`` ``(n,)``."""
        uptime_ms = times_ms - self._boot_ms
        values, flags = self.model.step(uptime_ms / 1000.0)
        values = values[:, self._source]
        if self.dead_channels.size:
            values[:, self.dead_channels] = np.nan
        rows = values.astype("<f4", copy=False).tobytes()
        width = 4 * values.shape[1]
        wire_t = ((self._clock_offset_ms + uptime_ms) & 0xFFFFFFFF).tolist()
        flag_list = flags.tolist()
        pack = _SAMPLE_HEAD.pack
        sample_type = int(MessageType.SAMPLE)
        seq = self._seq
        frames = []
        for i in range(len(wire_t)):
            frames.append(
                encode_frame(sample_type, seq, pack(wire_t[i], flag_list[i]) + rows[i * width : (i + 1) * width])
            )
            seq = (seq + 1) & 0xFFFF
        self._seq = seq
        self.counters.samples += len(frames)
        self._emit(frames)
