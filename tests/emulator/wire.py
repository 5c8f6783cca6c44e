"""Helpers for the emulator tests: a minimal host on the codec, in memory or on a serial port."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from firmware_protocol import FrameDecoder, encode_message, parse_message
from firmware_protocol.emulator import EmulatedDevice
from firmware_protocol.messages import Message


@dataclass
class Received:
    seq: int
    message: Message


@dataclass
class MemoryHost:
    """Drives an :class:`EmulatedDevice` directly: send commands, move time, decode what comes back."""

    device: EmulatedDevice
    decoder: FrameDecoder = field(default_factory=FrameDecoder)
    seq: int = 0
    raw: bytearray = field(default_factory=bytearray)

    def send(self, message: Message) -> int:
        seq = self.seq
        self.seq = (seq + 1) & 0xFFFF
        self.device.receive(encode_message(message, seq))
        return seq

    def send_raw(self, data: bytes) -> None:
        self.device.receive(data)

    def advance(self, by_ms: int) -> None:
        self.device.advance(self.device.now_ms + by_ms)

    def collect(self) -> list[Received]:
        data = self.device.read_output()
        self.raw += data
        return [Received(f.seq, parse_message(f)) for f in self.decoder.feed(data)]

    def command(self, message: Message) -> list[Received]:
        """Send one command and return the frames it produced at once."""
        self.collect()
        self.send(message)
        return self.collect()


def read_until(port, decoder: FrameDecoder, done, timeout_s: float = 5.0) -> list[Received]:
    """Read frames from a pyserial port until ``done(received_so_far)`` is true; fail at the deadline."""
    received: list[Received] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = port.read(port.in_waiting or 1)
        for frame in decoder.feed(data):
            received.append(Received(frame.seq, parse_message(frame)))
        if done(received):
            return received
    raise AssertionError(f"condition not met within {timeout_s} s; got {len(received)} frames")
