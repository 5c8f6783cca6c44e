"""Session time across wrap and reset; the preallocated buffer."""

from __future__ import annotations

import numpy as np
import pytest

from enose.acquisition.buffer import SampleBuffer
from enose.acquisition.clock import SessionClock


class FakeHostClock:
    """A host monotonic clock the test moves by hand (the device clock is what drives time)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_wrap_is_forward_progress():
    host = FakeHostClock()
    clock = SessionClock(period_ms=10, monotonic=host)
    stamps = [(1 << 32) - 20, (1 << 32) - 10, 0, 10, 20]
    times = [clock.to_session_s(t) for t in stamps]
    assert times == pytest.approx([0.0, 0.01, 0.02, 0.03, 0.04])
    assert clock.epochs == 1


def test_reset_starts_a_new_epoch_after_the_estimated_outage():
    host = FakeHostClock()
    clock = SessionClock(period_ms=100, monotonic=host)
    for i in range(21):  # 2 s of device time in 1 s of host time: an accelerated device (x2)
        host.now = 100.0 + i * 0.05
        clock.to_session_s(50_000 + i * 100)
    assert clock.device_rate == pytest.approx(2.0)
    clock.device_reset()
    host.now += 3.0  # the device was away for 3 host seconds = 6 device seconds
    t = clock.to_session_s(1_200)
    assert t == pytest.approx(2.0 + 6.0)
    assert clock.to_session_s(1_300) == pytest.approx(8.1)
    assert clock.epochs == 2


def test_clock_going_backwards_without_boot_is_a_new_epoch_never_negative_time():
    host = FakeHostClock()
    clock = SessionClock(period_ms=10, monotonic=host)
    clock.to_session_s(900_000)
    clock.to_session_s(900_010)
    t = clock.to_session_s(500)  # restarted at 0 without a BOOT frame
    assert t > 0.01 and clock.epochs == 2


def test_buffer_grows_and_returns_exact_copies():
    buffer = SampleBuffer(n_channels=3, capacity=16)
    rows = np.arange(300 * 3, dtype=np.float32).reshape(300, 3)
    for i, row in enumerate(rows):
        buffer.append(i * 0.01, i & 0xFFFF, i * 10, i % 2, row)
    assert len(buffer) == 300 and buffer.capacity >= 300
    block = buffer.block(10, 20)
    assert block.values.tobytes() == rows[10:20].tobytes()
    assert block.device_seq.tolist() == list(range(10, 20))
    assert buffer.tail(5).values.tobytes() == rows[-5:].tobytes()
    assert buffer.last() == (pytest.approx(2.99), 1)
    assert not buffer.wait_for_more(300, timeout_s=0.01)
    assert buffer.wait_for_more(299, timeout_s=0.01)
