"""An independent ICD v1 device for acceptance tests, on a real pseudo-terminal.

Written from the ICD alone, with the ``cobs`` C extension, ``struct`` and
``binascii``: it shares no code with ``firmware_protocol``, so a bug in our
codec cannot hide itself. It streams random float32 bit patterns (NaNs with
payloads included), injects seeded faults, and keeps a ledger of every sample
it sent and what happened to it, so a test can demand that every intact sample
is stored bit-exact, none invented or duplicated.
"""

from __future__ import annotations

import os
import select
import struct
import threading
import time
import tty
from binascii import crc_hqx
from dataclasses import dataclass, field

import numpy as np
from cobs import cobs

KINDS = {"mox": (1, "ohm"), "temp": (2, "degC"), "rh": (3, "%"), "p_mask": (4, "Pa"), "co2": (5, "ppm")}


@dataclass
class SentSample:
    epoch: int
    seq: int
    t_ms: int
    flags: int
    values: bytes
    fate: str  # "sent", "dropped", "corrupted"
    host_s: float


@dataclass
class IcdTestDevice:
    channel_names: list[str]
    speed: float = 10.0
    seed: int = 1
    corrupt_rate: float = 0.0
    drop_rate: float = 0.0
    reset_after_mask_s: float | None = None
    warmup_s: float = 1.0
    clock_start_ms: int = 0
    #: the device clock wraps this many device ms after the first START, whatever the host's start-up took
    wrap_after_start_ms: int | None = 3_000
    junk_delimited: bool = True  # bootloader text ends with 0x00 (as in the ICD's stream vector)
    min_period_ms: int = 5
    drop_next_frames: int = 0  # drop exactly this many of the next replies (deterministic loss)
    link_path: str | None = None  # a stable symlink to the current pty, as udev gives a USB device
    ledger: list[SentSample] = field(default_factory=list)
    resets: int = 0
    epoch: int = 0

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._unplugged_until: float | None = None
        self._t_offset_ms = 0  # added to stamps so that the wrap falls inside the stream
        self.unplugs = 0
        self._open_pty()
        self.path = self.link_path or self.pty_path
        self._thread = threading.Thread(target=self._run, daemon=True, name="icd-test-device")
        self._boot(first=True)

    def _open_pty(self) -> None:
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self.pty_path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty survives between host opens
        if self.link_path:
            tmp = self.link_path + ".new"
            os.symlink(self.pty_path, tmp)
            os.replace(tmp, self.link_path)

    def unplug(self, for_s: float) -> None:
        """Pull the cable: the port vanishes for ``for_s`` host seconds, then the device reboots."""
        with self._lock:
            if self.link_path and os.path.lexists(self.link_path):
                os.unlink(self.link_path)
            for fd in (self._master, self._slave):
                os.close(fd)
            self._master = self._slave = -1
            self.streaming = False
            self.unplugs += 1
            self._unplugged_until = time.monotonic() + for_s

    # -- device state ----------------------------------------------------------

    def _boot(self, first: bool = False) -> None:
        self.seq = 0
        self.boot_host_s = time.monotonic()
        self.clock_base_ms = self.clock_start_ms if first else 0
        self.streaming = False
        self.period_ms = 100
        self.next_sample_ms = 0
        self.inlet = 0
        self.mask_since_ms: int | None = None
        if not first:
            self.epoch += 1
            self._write_raw(b"\r\nBL 0.9 checking image... ok\r\n" + (b"\x00" if self.junk_delimited else b""))
            self._send(0x89, struct.pack("<I", 2))

    def now_ms(self) -> int:
        return self.clock_base_ms + int((time.monotonic() - self.boot_host_s) * self.speed * 1000)

    # -- wire ------------------------------------------------------------------

    def _write_raw(self, data: bytes) -> None:
        if self._master < 0:
            return
        try:
            os.write(self._master, data)
        except OSError:
            pass

    def _frame(self, msg_type: int, payload: bytes) -> bytes:
        head = struct.pack("<BBHH", 1, msg_type, self.seq, len(payload)) + payload
        self.seq = (self.seq + 1) & 0xFFFF
        return cobs.encode(head + struct.pack("<H", crc_hqx(head, 0xFFFF))) + b"\x00"

    def _send(self, msg_type: int, payload: bytes, fate: str = "sent") -> None:
        wire = self._frame(msg_type, payload)
        if fate == "dropped":
            return
        if fate == "corrupted":
            position = int(self._rng.integers(0, len(wire) - 1))
            wire = wire[:position] + bytes([(wire[position] ^ 0x5A) or 0x01]) + wire[position + 1 :]
        self._write_raw(wire)

    def _fate(self) -> str:
        if self.drop_next_frames > 0:
            self.drop_next_frames -= 1
            return "dropped"
        draw = self._rng.random()
        if draw < self.drop_rate:
            return "dropped"
        if draw < self.drop_rate + self.corrupt_rate:
            return "corrupted"
        return "sent"

    # -- commands --------------------------------------------------------------

    def _info_payload(self) -> bytes:
        out = struct.pack("<16s16s16sHB", b"ICD-REF", b"REF0014", b"9.9.9", self.min_period_ms, len(self.channel_names))
        for name in self.channel_names:
            kind, unit = KINDS["mox" if name.startswith("mox") else name]
            out += struct.pack("<B11s4s", kind, name.encode(), unit.encode())
        return out

    def _handle(self, body: bytes) -> None:
        if len(body) < 8 or body[0] != 1 or crc_hqx(body[:-2], 0xFFFF) != struct.unpack("<H", body[-2:])[0]:
            return
        _, msg_type, seq, length = struct.unpack("<BBHH", body[:6])
        payload = body[6 : 6 + length]
        ack = struct.pack("<HB", seq, msg_type)
        if msg_type == 0x01:
            self._send(0x81, self._info_payload(), self._fate())
        elif msg_type == 0x02:
            period_ms, _heater = struct.unpack("<HB", payload)
            if self.streaming:
                self._send(0x83, ack + b"\x03")
            elif not self.min_period_ms <= period_ms <= 1000:
                self._send(0x83, ack + b"\x04")
            else:
                self.period_ms, self.streaming = period_ms, True
                self.next_sample_ms = self.now_ms() + period_ms
                if self.wrap_after_start_ms is not None and self.epoch == 0 and not self.ledger:
                    self._t_offset_ms = (1 << 32) - self.wrap_after_start_ms - self.next_sample_ms
                self._send(0x82, ack, self._fate())
        elif msg_type == 0x03:
            self.streaming = False
            self._send(0x82, ack, self._fate())
        elif msg_type == 0x04:
            self.inlet = payload[0]
            self.mask_since_ms = self.now_ms() if self.inlet == 1 else None
            self._send(0x82, ack, self._fate())
        elif msg_type in (0x05, 0x08):
            self._send(0x82, ack, self._fate())
        elif msg_type == 0x07:
            self._send(0x87, payload, self._fate())
        else:
            self._send(0x83, ack + b"\x01")

    # -- streaming -----------------------------------------------------------------

    def _emit_due_samples(self) -> None:
        now = self.now_ms()
        n = len(self.channel_names)
        while self.streaming and self.next_sample_ms <= now:
            t_ms = (self.next_sample_ms + (self._t_offset_ms if self.epoch == 0 else 0)) & 0xFFFFFFFF
            self.next_sample_ms += self.period_ms
            bits = self._rng.integers(0, 1 << 32, n, dtype=np.uint64).astype("<u4")
            values = bits.tobytes()
            warming = (self.next_sample_ms - self.clock_base_ms) < self.warmup_s * 1000
            flags = 0x10 if warming else 0
            fate = self._fate()
            self.ledger.append(SentSample(self.epoch, self.seq, t_ms, flags, values, fate, time.monotonic()))
            self._send(0x84, struct.pack("<IH", t_ms, flags) + values, fate)
        if (
            self.reset_after_mask_s is not None
            and self.resets == 0
            and self.mask_since_ms is not None
            and now - self.mask_since_ms >= self.reset_after_mask_s * 1000
        ):
            self.resets += 1
            self._boot()

    def _run(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if self._unplugged_until is not None:
                if time.monotonic() < self._unplugged_until:
                    self._stop.wait(0.005)
                    continue
                with self._lock:
                    self._unplugged_until = None
                    self._open_pty()
                    pending = b""
                    self._boot()
            readable, _, _ = select.select([self._master], [], [], 0.002)
            if readable:
                try:
                    data = os.read(self._master, 4096)
                except OSError:
                    data = b""
                pending += data
                *frames, pending = pending.split(b"\x00")
                for encoded in frames:
                    try:
                        body = cobs.decode(encoded)
                    except cobs.DecodeError:
                        continue
                    with self._lock:
                        self._handle(body)
            with self._lock:
                self._emit_due_samples()

    # -- control -------------------------------------------------------------------

    def start(self) -> IcdTestDevice:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.link_path and os.path.lexists(self.link_path):
            os.unlink(self.link_path)

    def __enter__(self) -> IcdTestDevice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
