"""Preallocated sample buffer filled by the reader thread, read by the recorder and the live view.

Appends are O(1) row writes into arrays sized for the whole protocol up front
(doubling if a session runs long), so the acquisition path allocates nothing per
sample. Readers copy out what they need under the lock.
"""

from __future__ import annotations

import threading

import numpy as np

from enose.storage.chunks import SampleBlock

__all__ = ["SampleBuffer"]


class SampleBuffer:
    """Growable columnar store of received samples, ``values`` shaped ``(capacity, n_channels)``."""

    def __init__(self, n_channels: int, capacity: int = 4096) -> None:
        self.n_channels = n_channels
        self._lock = threading.Lock()
        self._new_data = threading.Condition(self._lock)
        self._count = 0
        self._wake_at = 1  # waiters are woken only once the buffer reaches this count
        self._allocate(max(16, capacity))

    def _allocate(self, capacity: int) -> None:
        def grow(old: np.ndarray | None, shape: tuple[int, ...], dtype: str) -> np.ndarray:
            new = np.empty(shape, dtype=dtype)
            if old is not None:
                new[: self._count] = old[: self._count]
            return new

        self.capacity = capacity
        self._t_s = grow(getattr(self, "_t_s", None), (capacity,), "<f8")
        self._seq = grow(getattr(self, "_seq", None), (capacity,), "<u2")
        self._t_ms = grow(getattr(self, "_t_ms", None), (capacity,), "<u4")
        self._flags = grow(getattr(self, "_flags", None), (capacity,), "<u2")
        self._values = grow(getattr(self, "_values", None), (capacity, self.n_channels), "<f4")

    def __len__(self) -> int:
        return self._count

    def append(self, t_s: float, seq: int, t_ms: int, flags: int, values: np.ndarray) -> None:
        """Add one sample (``values`` shaped ``(n_channels,)`` float32)."""
        with self._lock:
            i = self._count
            if i == self.capacity:
                self._allocate(self.capacity * 2)
            self._t_s[i] = t_s
            self._seq[i] = seq
            self._t_ms[i] = t_ms
            self._flags[i] = flags
            self._values[i] = values
            self._count = i + 1
            if self._count >= self._wake_at:
                self._new_data.notify_all()

    def wait_for_more(self, count: int, timeout_s: float, min_new: int = 1) -> bool:
        """Block until the buffer holds at least ``count + min_new`` samples or ``timeout_s`` passes.

        The appending thread signals only when that count is reached, so a waiter asking
        for a batch is woken once per batch, not once per sample (it matters at 100 Hz).
        """
        target = count + max(1, min_new)
        with self._lock:
            self._wake_at = target
            try:
                return self._new_data.wait_for(lambda: self._count >= target, timeout_s)
            finally:
                self._wake_at = 1

    def block(self, start: int, stop: int | None = None) -> SampleBlock:
        """A copy of samples ``[start, stop)`` (``stop`` defaults to the end)."""
        with self._lock:
            end = self._count if stop is None else min(stop, self._count)
            sl = slice(start, end)
            return SampleBlock(
                self._t_s[sl].copy(),
                self._seq[sl].copy(),
                self._t_ms[sl].copy(),
                self._flags[sl].copy(),
                self._values[sl].copy(),
            )

    def tail(self, n: int) -> SampleBlock:
        """The last ``n`` samples (for live views)."""
        with self._lock:
            count = self._count
        return self.block(max(0, count - n), count)

    def last(self) -> tuple[float, int] | None:
        """``(t_s, flags)`` of the newest sample, or None when empty."""
        with self._lock:
            if not self._count:
                return None
            return float(self._t_s[self._count - 1]), int(self._flags[self._count - 1])
