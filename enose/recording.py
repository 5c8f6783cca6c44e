"""The in-memory form of one recorded session, shared by storage, signal and model code.

A :class:`Recording` is what the acquisition produced, exactly: the values the
device sent (float32, bit for bit), the device's own sequence numbers and clock,
and the monotonic session time the host derived from them. It carries the
channel layout learnt from INFO, so no caller hard-codes which row is CO2.
Phases (baseline, breath, purge) are intervals of session time written by the
screening protocol engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_protocol.messages import ChannelInfo, ChannelKind

__all__ = ["ChannelLayout", "Phase", "Recording", "samples_missing_between"]


@dataclass(frozen=True)
class ChannelLayout:
    """Channel names, kinds and units in the device's INFO order."""

    channels: tuple[ChannelInfo, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    @property
    def kinds(self) -> np.ndarray:
        """``(n_channels,)`` int array of :class:`ChannelKind` codes."""
        return np.array([c.kind for c in self.channels], dtype=np.int16)

    def __len__(self) -> int:
        return len(self.channels)

    def indices(self, kind: ChannelKind) -> np.ndarray:
        """Indices of every channel of ``kind``, in INFO order."""
        return np.flatnonzero(self.kinds == int(kind))

    def index(self, kind: ChannelKind) -> int | None:
        """Index of the first channel of ``kind``, or None when the device has none."""
        found = self.indices(kind)
        return int(found[0]) if found.size else None

    def to_json(self) -> list[dict]:
        return [{"kind": c.kind, "name": c.name, "unit": c.unit} for c in self.channels]

    @classmethod
    def from_json(cls, items: list[dict]) -> ChannelLayout:
        return cls(tuple(ChannelInfo(int(i["kind"]), str(i["name"]), str(i["unit"])) for i in items))


@dataclass(frozen=True)
class Phase:
    """One step of the screening protocol, in session seconds (``end_s`` exclusive)."""

    name: str
    inlet: int
    start_s: float
    end_s: float

    def mask(self, t_s: np.ndarray) -> np.ndarray:
        """Boolean mask of the samples of ``t_s`` (shape ``(n_samples,)``) inside this phase."""
        return (t_s >= self.start_s) & (t_s < self.end_s)


@dataclass
class Recording:
    """One session's raw data.

    Attributes:
        layout: channel layout from INFO.
        t_s: ``(n_samples,)`` float64 session seconds, strictly increasing.
        values: ``(n_samples, n_channels)`` float32, exactly as received.
        device_seq: ``(n_samples,)`` uint16 frame sequence numbers.
        device_t_ms: ``(n_samples,)`` uint32 device clock.
        flags: ``(n_samples,)`` uint16 SAMPLE flags.
        period_ms: the sampling period requested with START.
        phases: protocol phases in time order.
        session_id: database id when loaded from storage.
        meta: free-form session metadata (device serial, subject code, ...).
    """

    layout: ChannelLayout
    t_s: np.ndarray
    values: np.ndarray
    device_seq: np.ndarray
    device_t_ms: np.ndarray
    flags: np.ndarray
    period_ms: int
    phases: list[Phase] = field(default_factory=list)
    session_id: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def channels_first(self) -> np.ndarray:
        """``(n_channels, n_samples)`` view of :attr:`values`, the shape signal functions take."""
        return self.values.T

    def phase(self, name: str) -> Phase | None:
        """The first phase called ``name``, or None."""
        return next((p for p in self.phases if p.name == name), None)


def samples_missing_between(t_s: np.ndarray, period_s: float) -> int:
    """Samples missing from the session times ``t_s`` ``(n_samples,)``, judged from their spacing.

    Each interval of about ``m`` periods hides ``m - 1`` samples. The one rule for the recorder (which
    stores it with the session), the quality gate and every report, so they all give one number.
    """
    t = np.asarray(t_s, dtype=np.float64)
    if t.size < 2 or not period_s > 0:
        return 0
    return int(np.clip(np.round(np.diff(t) / period_s) - 1, 0, None).sum())
