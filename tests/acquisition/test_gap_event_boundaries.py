"""Pinned detail of the ``gap`` event: how many frames and samples a jump in the stream lost (issue 15)."""

from __future__ import annotations

import numpy as np

from enose.acquisition import Acquisition
from enose.acquisition.buffer import SampleBuffer
from enose.acquisition.clock import SessionClock
from firmware_protocol.messages import Sample

PERIOD_MS = 10
N_CHANNELS = 3


class _Stats:
    bad_payload = 0


class _FakeClient:
    """Just enough of a DeviceClient for feeding samples by hand (no port, no thread)."""

    def __init__(self) -> None:
        self.listener = None
        self.stats = _Stats()


def _streaming_acquisition() -> Acquisition:
    acquisition = Acquisition("no-port", client=_FakeClient())
    acquisition.buffer = SampleBuffer(N_CHANNELS, 64)
    acquisition.clock = SessionClock(PERIOD_MS)
    acquisition.settings.period_ms = PERIOD_MS
    acquisition.settings.streaming = True
    return acquisition


def _feed(acquisition: Acquisition, frames: list[tuple[int, int]]) -> list:
    for seq, t_ms in frames:
        acquisition.on_sample(seq, Sample(t_ms, 0, np.arange(N_CHANNELS, dtype=np.float32)))
    return [e for e in acquisition.drain_events() if e.kind == "gap"]


def test_gap_counts_exactly_the_frames_between_the_two_samples():
    """Guards the planted bug "gap event detail: lost_frames off by one" (seq 10 then 13: frames 11 and 12 lost)."""
    acquisition = _streaming_acquisition()
    (gap,) = _feed(acquisition, [(10, 1_000), (13, 1_030)])
    assert gap.detail["lost_frames"] == 2
    assert gap.detail["lost_samples"] == 2
    assert gap.detail["after_seq"] == 10
    assert (gap.detail["after_t_ms"], gap.detail["next_t_ms"]) == (1_000, 1_030)
    assert acquisition.lost_samples == 2


def test_one_lost_sample_is_one_lost_frame_and_none_is_no_gap():
    """Guards the planted bug "lost_frames off by one" at its smallest case (one frame missing, then none)."""
    acquisition = _streaming_acquisition()
    (gap,) = _feed(acquisition, [(100, 5_000), (102, 5_020)])
    assert (gap.detail["lost_frames"], gap.detail["lost_samples"]) == (1, 1)
    assert _feed(acquisition, [(103, 5_030), (104, 5_040)]) == []


def test_lost_frames_across_the_16_bit_sequence_wrap():
    """Guards the planted bug "lost_frames off by one" where the sequence number wraps (0xFFFE -> 2: 0xFFFF, 0, 1 lost)."""
    acquisition = _streaming_acquisition()
    (gap,) = _feed(acquisition, [(0xFFFE, 70_000), (2, 70_040)])
    assert (gap.detail["lost_frames"], gap.detail["lost_samples"]) == (3, 3)
