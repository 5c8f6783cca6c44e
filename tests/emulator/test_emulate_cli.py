"""The ``emulate`` command: path on the first stdout line, serves the device, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import serial
from click.testing import CliRunner

from firmware_protocol import FrameDecoder, encode_message
from firmware_protocol.emulator.cli import emulate
from firmware_protocol.messages import GetInfo, Info, SelfTest, SelfTestResult
from tests.emulator.wire import read_until


def _first_line(process: subprocess.Popen, timeout_s: float = 10.0) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    assert ready, "the emulator printed no port path"
    return process.stdout.readline().strip()


def test_module_entry_serves_until_sigterm(tmp_path):
    link = str(tmp_path / "ttyEMU")
    process = subprocess.Popen(
        [sys.executable, "-m", "firmware_protocol.emulator", "--speed", "20", "--mox", "6", "--order", "shuffled",
         "--seed", "3", "--dead-channel", "mox1", "--link", link, "--warmup-s", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        path = _first_line(process)
        assert path == link and os.path.islink(link)
        with serial.Serial(path, 115200, timeout=0.02) as port:
            decoder = FrameDecoder()
            port.write(encode_message(GetInfo(), 0))
            received = read_until(port, decoder, lambda rs: any(isinstance(r.message, Info) for r in rs))
            info = next(r.message for r in received if isinstance(r.message, Info))
            assert len(info.channels) == 10
            dead = [c.name for c in info.channels].index("mox1")
            port.write(encode_message(SelfTest(), 1))
            received = read_until(port, decoder, lambda rs: any(isinstance(r.message, SelfTestResult) for r in rs))
            result = next(r.message for r in received if isinstance(r.message, SelfTestResult))
            assert result == SelfTestResult(False, 1 << dead)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert not os.path.lexists(link)
        assert '"stopped": true' in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigint_stops_too():
    process = subprocess.Popen(
        [sys.executable, "-m", "firmware_protocol.emulator", "--speed", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        path = _first_line(process)
        deadline = time.monotonic() + 5
        while not os.path.lexists(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert not os.path.lexists(path)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bad_options_are_usage_errors():
    runner = CliRunner()
    result = runner.invoke(emulate, ["--mox", "3"])
    assert result.exit_code == 2 and "4<=x<=32" in result.output
    result = runner.invoke(emulate, ["--dead-channel", "nose9"])
    assert result.exit_code == 2 and "not a channel" in result.output
    result = runner.invoke(emulate, ["--help"])
    assert result.exit_code == 0 and "--reset-after-mask-s" in result.output and "Example" in result.output
