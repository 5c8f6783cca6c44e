"""The emulator on a real pseudo-terminal, talked to with pyserial as the host client does."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import serial

from firmware_protocol import FrameDecoder, encode_message
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer, FaultConfig, ResetReason
from firmware_protocol.emulator.faults import DEFAULT_BOOTLOADER_JUNK
from firmware_protocol.messages import Ack, Boot, GetInfo, Info, Sample, Start, Status, Stop
from tests.emulator.wire import Received, read_until


def _wait(condition, timeout_s: float = 5.0, what: str = "condition") -> None:
    """Poll a cheap condition until true; fail at the deadline (never a fixed sleep)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout_s} s")
        time.sleep(0.005)


def _open(path: str) -> serial.Serial:
    return serial.Serial(path, 115200, timeout=0.02)


def _has(cls, n: int = 1):
    return lambda received: sum(isinstance(r.message, cls) for r in received) >= n


def test_info_start_samples_stop(tmp_path):
    link = str(tmp_path / "ttyENOSE")
    config = EmulatorConfig(speed=20, n_mox=12, order="aux-first", warmup_s=0.5, link_path=link)
    with EmulatorServer(config) as server, _open(server.path) as port:
        assert server.path == link and os.path.islink(link) and os.readlink(link).startswith("/dev/pts/")
        decoder = FrameDecoder()
        port.write(encode_message(GetInfo(), 0))
        received = read_until(port, decoder, _has(Info))
        (info,) = [r.message for r in received if isinstance(r.message, Info)]
        assert len(info.channels) == 16 and info.channels[0].name == "temp" and info.serial == "EMU-000001"

        port.write(encode_message(Start(10, 0), 1))
        received = read_until(port, decoder, _has(Sample, 200))
        assert any(r.message == Ack(1, 0x02) for r in received)
        samples = [r for r in received if isinstance(r.message, Sample)]
        t_ms = np.array([r.message.t_ms for r in samples])
        assert np.all(np.diff(t_ms) == 10)
        assert np.all(np.diff([r.seq for r in samples]) == 1)
        assert all(len(r.message.values) == 16 for r in samples)

        port.write(encode_message(Stop(), 2))
        received = read_until(port, decoder, lambda rs: any(r.message == Ack(2, 0x03) for r in rs))
        ack_index = next(i for i, r in enumerate(received) if r.message == Ack(2, 0x03))
        after = read_until(port, decoder, _has(Status), timeout_s=2.0)  # idle again: STATUS, no samples
        assert not any(isinstance(r.message, Sample) for r in received[ack_index + 1 :] + after)
        assert decoder.dropped_total == 0
    assert not os.path.lexists(link)
    assert server.error is None


def _read_until_gone(port: serial.Serial, timeout_s: float = 5.0) -> Exception:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            port.read(port.in_waiting or 1)
        except (serial.SerialException, OSError) as error:
            return error
    raise AssertionError("the open port kept working after the unplug")


def test_unplug_port_errors_link_vanishes_and_returns_with_a_rebooted_device():
    config = EmulatorConfig(speed=20, warmup_s=10)
    with EmulatorServer(config) as server:
        port = _open(server.path)
        decoder = FrameDecoder()
        port.write(encode_message(Start(20, 0), 0))
        before = read_until(port, decoder, _has(Sample, 20))
        assert before[-1].seq > 20
        first_pty = server.pty_path

        server.unplug(for_s=10.0)  # 0.5 s on the wall
        assert not os.path.lexists(server.path)
        assert isinstance(_read_until_gone(port), serial.SerialException | OSError)
        port.close()

        _wait(lambda: os.path.lexists(server.path), what="the port coming back")
        assert os.readlink(server.path) == server.pty_path and server.stats.unplugs == 1
        port = _open(server.path)
        raw = bytearray()
        deadline = time.monotonic() + 5
        while b"\x00" not in raw[len(DEFAULT_BOOTLOADER_JUNK) + 1 :] and time.monotonic() < deadline:
            raw += port.read(port.in_waiting or 1)
        assert raw.startswith(DEFAULT_BOOTLOADER_JUNK + b"\x00")
        decoder = FrameDecoder()
        frames = decoder.feed(bytes(raw))
        assert frames[0].seq == 0 and frames[0].payload == Boot(int(ResetReason.POWER_ON)).pack()
        assert decoder.dropped_total == 1  # the bootloader text

        # the rebooted device is idle, warming up, clock from 0, and answers
        status = read_until(port, decoder, _has(Status))[-1].message
        assert status.state == 0 and status.flags & 0x10 and status.uptime_ms < 10_000
        port.write(encode_message(GetInfo(), 0))
        read_until(port, decoder, _has(Info))
        port.close()
        assert first_pty is not None and server.stats.boots == 2
    assert server.error is None


def test_configured_vanish_and_server_reset():
    faults = FaultConfig(vanish_at_s=2.0, vanish_for_s=4.0)
    with EmulatorServer(EmulatorConfig(speed=20, faults=faults)) as server:
        _wait(lambda: server.stats.unplugs == 1, what="the configured vanish")
        _wait(lambda: os.path.lexists(server.path), what="the port coming back")
        with _open(server.path) as port:
            decoder = FrameDecoder()
            received = read_until(port, decoder, _has(Boot))
            assert received[0].message == Boot(int(ResetReason.POWER_ON)) and received[0].seq == 0
            read_until(port, decoder, _has(Status))
            server.reset(ResetReason.SOFTWARE)
            received = read_until(port, decoder, _has(Boot))
            boot = next(r for r in received if isinstance(r.message, Boot))
            assert boot == Received(0, Boot(int(ResetReason.SOFTWARE)))
        assert server.stats.resets == 2
    assert server.error is None


def test_speed_factor_is_respected():
    """Device time runs ~speed x wall time (generous bounds: CI machines are busy)."""
    speed = 20.0
    with EmulatorServer(EmulatorConfig(speed=speed, warmup_s=0)) as server, _open(server.path) as port:
        decoder = FrameDecoder()
        port.write(encode_message(Start(10, 0), 0))
        read_until(port, decoder, _has(Sample))
        wall0 = time.monotonic()
        first = read_until(port, decoder, _has(Sample))
        t0 = [r.message.t_ms for r in first if isinstance(r.message, Sample)][-1]
        received = read_until(port, decoder, lambda rs: time.monotonic() - wall0 > 1.0, timeout_s=3.0)
        wall = time.monotonic() - wall0
        t1 = [r.message.t_ms for r in received if isinstance(r.message, Sample)][-1]
        ratio = (t1 - t0) / 1000 / wall
        assert 0.6 * speed < ratio < 1.4 * speed, ratio


def test_32_channels_at_100_hz_x20_arrive_whole_and_in_order():
    """2000 frames/s of 36 channels: every frame decodes, with 36 values, in sequence (the CPU share the
    emulator's thread needs for it is a benchmark: ``scripts/bench.py emulator``)."""
    config = EmulatorConfig(speed=20, n_mox=32, warmup_s=0)
    with EmulatorServer(config) as server, _open(server.path) as port:
        decoder = FrameDecoder()
        port.write(encode_message(Start(10, 0), 0))
        received = read_until(port, decoder, lambda rs: sum(isinstance(r.message, Sample) for r in rs) >= 500)
        samples = [r.message for r in received if isinstance(r.message, Sample)]
        assert len(samples) >= 500 and all(len(s.values) == 36 for s in samples)
        start = next(i for i, r in enumerate(received) if isinstance(r.message, Sample))
        seqs = [r.seq for r in received[start:]]  # every frame from the first sample on, whatever its kind
        assert seqs == [(seqs[0] + k) & 0xFFFF for k in range(len(seqs))]  # none lost on the way
        assert decoder.dropped_total == 0


def test_output_is_not_delivered_to_nobody():
    """Like a CDC-ACM device with no host: nothing piles up for the next host to read stale."""
    with EmulatorServer(EmulatorConfig(speed=50)) as server:
        _wait(lambda: server.stats.statuses >= 20, what="idle STATUS frames")
        assert server.stats.bytes_written == 0 and server.stats.bytes_discarded > 0
        with _open(server.path) as port:
            decoder = FrameDecoder()
            first = read_until(port, decoder, _has(Status))[0].message
            assert first.uptime_ms >= 20_000  # a fresh STATUS, not the first ones
            assert decoder.dropped_total == 0


@pytest.mark.parametrize("bad", [{"speed": 0}, {"tick_s": 0}])
def test_server_config_is_checked(bad):
    with pytest.raises(ValueError):
        EmulatorConfig(**bad)
