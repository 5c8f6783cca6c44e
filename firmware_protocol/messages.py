"""Typed messages of the ICD, protocol version 1, and their payload codecs.

Every message is a small frozen dataclass with ``TYPE`` (its type code),
``pack()`` (payload bytes) and ``unpack(payload)`` (the inverse). Strings are
ASCII, NUL-padded to a fixed size; numbers are little-endian.

A payload that does not fit its type raises :class:`PayloadError`: that is the
remote side's fault, and the host counts it rather than crashing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

import numpy as np

from firmware_protocol.frames import Frame, encode_frame

__all__ = [
    "MessageType",
    "ChannelKind",
    "Inlet",
    "HeaterProfile",
    "NakCode",
    "DeviceState",
    "SampleFlag",
    "PayloadError",
    "ChannelInfo",
    "GetInfo",
    "Start",
    "Stop",
    "SetInlet",
    "SetPump",
    "SelfTest",
    "Ping",
    "SetHeater",
    "Info",
    "Ack",
    "Nak",
    "Sample",
    "Status",
    "SelfTestResult",
    "Pong",
    "Log",
    "Boot",
    "Message",
    "MESSAGE_CLASSES",
    "parse_message",
    "encode_message",
]


class MessageType(IntEnum):
    GET_INFO = 0x01
    START = 0x02
    STOP = 0x03
    SET_INLET = 0x04
    SET_PUMP = 0x05
    SELF_TEST = 0x06
    PING = 0x07
    SET_HEATER = 0x08
    INFO = 0x81
    ACK = 0x82
    NAK = 0x83
    SAMPLE = 0x84
    STATUS = 0x85
    SELF_TEST_RESULT = 0x86
    PONG = 0x87
    LOG = 0x88
    BOOT = 0x89


class ChannelKind(IntEnum):
    MOX = 1
    TEMPERATURE = 2
    HUMIDITY = 3
    PRESSURE = 4
    CO2 = 5


class Inlet(IntEnum):
    AMBIENT = 0
    MASK = 1
    ZERO_AIR = 2
    REFERENCE = 3
    HUMID_ZERO_AIR = 4  # ICD revision 1.1: zero air through the calibration humidifier


class HeaterProfile(IntEnum):
    """Heater profile of the MOX cell (the ICD's ``heater_profile``)."""

    CONSTANT = 0
    MODULATED = 1


class NakCode(IntEnum):
    UNKNOWN_TYPE = 1
    BAD_PAYLOAD = 2
    BAD_STATE = 3
    OUT_OF_RANGE = 4
    HARDWARE_FAULT = 5


class DeviceState(IntEnum):
    IDLE = 0
    STREAMING = 1
    SELF_TEST = 2
    FAULT = 3


class SampleFlag(IntEnum):
    """Bits of the SAMPLE / STATUS ``flags`` field."""

    HEATER_FAULT = 1 << 0
    PUMP_FAULT = 1 << 1
    LOW_FLOW = 1 << 2
    ADC_SATURATED = 1 << 3
    WARMING_UP = 1 << 4
    INLET_SWITCHING = 1 << 5


class PayloadError(ValueError):
    """A frame was valid but its payload does not fit its message type."""


def _pack_str(text: str, size: int) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > size:
        raise ValueError(f"{text!r} is longer than its {size}-byte field")
    return raw.ljust(size, b"\x00")


def _unpack_str(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("ascii", errors="replace")


def _expect_size(payload: bytes, size: int, name: str) -> None:
    if len(payload) != size:
        raise PayloadError(f"{name} payload must be {size} bytes, got {len(payload)}")


@dataclass(frozen=True)
class _Empty:
    """Base of the messages with no payload."""

    TYPE: ClassVar[int]

    def pack(self) -> bytes:
        return b""

    @classmethod
    def unpack(cls, payload: bytes) -> _Empty:
        _expect_size(payload, 0, cls.__name__)
        return cls()


@dataclass(frozen=True)
class GetInfo(_Empty):
    TYPE: ClassVar[int] = MessageType.GET_INFO


@dataclass(frozen=True)
class Stop(_Empty):
    TYPE: ClassVar[int] = MessageType.STOP


@dataclass(frozen=True)
class SelfTest(_Empty):
    TYPE: ClassVar[int] = MessageType.SELF_TEST


@dataclass(frozen=True)
class Start:
    TYPE: ClassVar[int] = MessageType.START
    _S: ClassVar[struct.Struct] = struct.Struct("<HB")
    period_ms: int
    heater_profile: int = 0

    def pack(self) -> bytes:
        return self._S.pack(self.period_ms, self.heater_profile)

    @classmethod
    def unpack(cls, payload: bytes) -> Start:
        _expect_size(payload, cls._S.size, "START")
        return cls(*cls._S.unpack(payload))


@dataclass(frozen=True)
class SetInlet:
    TYPE: ClassVar[int] = MessageType.SET_INLET
    inlet: int

    def pack(self) -> bytes:
        return bytes((self.inlet,))

    @classmethod
    def unpack(cls, payload: bytes) -> SetInlet:
        _expect_size(payload, 1, "SET_INLET")
        return cls(payload[0])


@dataclass(frozen=True)
class SetPump:
    TYPE: ClassVar[int] = MessageType.SET_PUMP
    flow_sccm: int

    def pack(self) -> bytes:
        return self.flow_sccm.to_bytes(2, "little")

    @classmethod
    def unpack(cls, payload: bytes) -> SetPump:
        _expect_size(payload, 2, "SET_PUMP")
        return cls(int.from_bytes(payload, "little"))


@dataclass(frozen=True)
class SetHeater:
    TYPE: ClassVar[int] = MessageType.SET_HEATER
    heater_profile: int

    def pack(self) -> bytes:
        return bytes((self.heater_profile,))

    @classmethod
    def unpack(cls, payload: bytes) -> SetHeater:
        _expect_size(payload, 1, "SET_HEATER")
        return cls(payload[0])


@dataclass(frozen=True)
class _Token:
    """Base of PING and PONG, which carry one u32 token."""

    TYPE: ClassVar[int]
    token: int

    def pack(self) -> bytes:
        return self.token.to_bytes(4, "little")

    @classmethod
    def unpack(cls, payload: bytes) -> _Token:
        _expect_size(payload, 4, cls.__name__)
        return cls(int.from_bytes(payload, "little"))


@dataclass(frozen=True)
class Ping(_Token):
    TYPE: ClassVar[int] = MessageType.PING


@dataclass(frozen=True)
class Pong(_Token):
    TYPE: ClassVar[int] = MessageType.PONG


@dataclass(frozen=True)
class ChannelInfo:
    """One channel as INFO describes it: kind code, name (<= 11 chars), unit (<= 4)."""

    kind: int
    name: str
    unit: str


@dataclass(frozen=True)
class Info:
    TYPE: ClassVar[int] = MessageType.INFO
    _HEAD: ClassVar[struct.Struct] = struct.Struct("<16s16s16sHB")
    _CHANNEL: ClassVar[struct.Struct] = struct.Struct("<B11s4s")
    model: str
    serial: str
    firmware: str
    min_period_ms: int
    channels: tuple[ChannelInfo, ...]

    def pack(self) -> bytes:
        out = [
            self._HEAD.pack(
                _pack_str(self.model, 16),
                _pack_str(self.serial, 16),
                _pack_str(self.firmware, 16),
                self.min_period_ms,
                len(self.channels),
            )
        ]
        for channel in self.channels:
            out.append(self._CHANNEL.pack(channel.kind, _pack_str(channel.name, 11), _pack_str(channel.unit, 4)))
        return b"".join(out)

    @classmethod
    def unpack(cls, payload: bytes) -> Info:
        if len(payload) < cls._HEAD.size:
            raise PayloadError(f"INFO payload of {len(payload)} bytes is shorter than its {cls._HEAD.size}-byte header")
        model, serial, firmware, min_period_ms, n_channels = cls._HEAD.unpack_from(payload)
        _expect_size(payload, cls._HEAD.size + n_channels * cls._CHANNEL.size, f"INFO with {n_channels} channels")
        channels = tuple(
            ChannelInfo(kind, _unpack_str(name), _unpack_str(unit))
            for kind, name, unit in cls._CHANNEL.iter_unpack(payload[cls._HEAD.size :])
        )
        return cls(_unpack_str(model), _unpack_str(serial), _unpack_str(firmware), min_period_ms, channels)


@dataclass(frozen=True)
class Ack:
    TYPE: ClassVar[int] = MessageType.ACK
    _S: ClassVar[struct.Struct] = struct.Struct("<HB")
    seq: int
    type: int

    def pack(self) -> bytes:
        return self._S.pack(self.seq, self.type)

    @classmethod
    def unpack(cls, payload: bytes) -> Ack:
        _expect_size(payload, cls._S.size, "ACK")
        return cls(*cls._S.unpack(payload))


@dataclass(frozen=True)
class Nak:
    TYPE: ClassVar[int] = MessageType.NAK
    _S: ClassVar[struct.Struct] = struct.Struct("<HBB")
    seq: int
    type: int
    code: int

    def pack(self) -> bytes:
        return self._S.pack(self.seq, self.type, self.code)

    @classmethod
    def unpack(cls, payload: bytes) -> Nak:
        _expect_size(payload, cls._S.size, "NAK")
        return cls(*cls._S.unpack(payload))


@dataclass(frozen=True, eq=False)
class Sample:
    """One acquisition: device clock, flags and one float32 per channel in INFO order.

    ``values`` is a read-only float32 view of the payload, so the bits the device
    sent (NaN payloads included) reach storage unchanged.
    """

    TYPE: ClassVar[int] = MessageType.SAMPLE
    _S: ClassVar[struct.Struct] = struct.Struct("<IH")
    t_ms: int
    flags: int
    values: np.ndarray = field(repr=False)

    def pack(self) -> bytes:
        return self._S.pack(self.t_ms, self.flags) + np.asarray(self.values, dtype="<f4").tobytes()

    @classmethod
    def unpack(cls, payload: bytes) -> Sample:
        if len(payload) < cls._S.size or (len(payload) - cls._S.size) % 4:
            raise PayloadError(f"SAMPLE payload of {len(payload)} bytes is not 6 + 4 x n_channels")
        t_ms, flags = cls._S.unpack_from(payload)
        return cls(t_ms, flags, np.frombuffer(payload, dtype="<f4", offset=cls._S.size))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sample):
            return NotImplemented
        return (
            self.t_ms == other.t_ms
            and self.flags == other.flags
            and np.asarray(self.values, "<f4").tobytes() == np.asarray(other.values, "<f4").tobytes()
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Status:
    TYPE: ClassVar[int] = MessageType.STATUS
    _S: ClassVar[struct.Struct] = struct.Struct("<BBHHI")
    state: int
    inlet: int
    flow_sccm: int
    flags: int
    uptime_ms: int

    def pack(self) -> bytes:
        return self._S.pack(self.state, self.inlet, self.flow_sccm, self.flags, self.uptime_ms)

    @classmethod
    def unpack(cls, payload: bytes) -> Status:
        _expect_size(payload, cls._S.size, "STATUS")
        return cls(*cls._S.unpack(payload))


@dataclass(frozen=True)
class SelfTestResult:
    TYPE: ClassVar[int] = MessageType.SELF_TEST_RESULT
    _S: ClassVar[struct.Struct] = struct.Struct("<BI")
    passed: bool
    failed_mask: int

    def pack(self) -> bytes:
        return self._S.pack(int(self.passed), self.failed_mask)

    @classmethod
    def unpack(cls, payload: bytes) -> SelfTestResult:
        _expect_size(payload, cls._S.size, "SELF_TEST_RESULT")
        passed, mask = cls._S.unpack(payload)
        return cls(bool(passed), mask)


@dataclass(frozen=True)
class Log:
    """A device log line. ``data`` keeps the exact bytes sent (the ICD says UTF-8,
    but a firmware bug must not alter what we record); ``text`` decodes them."""

    TYPE: ClassVar[int] = MessageType.LOG
    level: int
    data: bytes

    @classmethod
    def from_text(cls, level: int, text: str) -> Log:
        return cls(level, text.encode("utf-8"))

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def pack(self) -> bytes:
        return bytes((self.level,)) + self.data

    @classmethod
    def unpack(cls, payload: bytes) -> Log:
        if not payload:
            raise PayloadError("LOG payload is empty")
        return cls(payload[0], bytes(payload[1:]))


@dataclass(frozen=True)
class Boot:
    TYPE: ClassVar[int] = MessageType.BOOT
    reset_reason: int

    def pack(self) -> bytes:
        return self.reset_reason.to_bytes(4, "little")

    @classmethod
    def unpack(cls, payload: bytes) -> Boot:
        _expect_size(payload, 4, "BOOT")
        return cls(int.from_bytes(payload, "little"))


Message = (
    GetInfo | Start | Stop | SetInlet | SetPump | SelfTest | Ping | SetHeater
    | Info | Ack | Nak | Sample | Status | SelfTestResult | Pong | Log | Boot
)  # fmt: skip

MESSAGE_CLASSES: dict[int, type] = {
    cls.TYPE: cls
    for cls in (
        GetInfo, Start, Stop, SetInlet, SetPump, SelfTest, Ping, SetHeater,
        Info, Ack, Nak, Sample, Status, SelfTestResult, Pong, Log, Boot,
    )
}  # fmt: skip


def parse_message(frame: Frame) -> Message:
    """Turn a valid frame into its typed message.

    Raises:
        PayloadError: unknown type, or a payload that does not fit the type.
    """
    cls = MESSAGE_CLASSES.get(frame.type)
    if cls is None:
        raise PayloadError(f"unknown message type 0x{frame.type:02x}")
    return cls.unpack(frame.payload)


def encode_message(message: Message, seq: int) -> bytes:
    """Encode ``message`` as a complete wire frame with sequence number ``seq``."""
    return encode_frame(message.TYPE, seq, message.pack())
