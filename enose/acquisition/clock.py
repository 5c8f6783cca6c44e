"""Session time from the device clock: monotonic across clock wrap and device reset.

The device stamps each SAMPLE with ``t_ms``, a u32 millisecond counter since
boot that wraps after 2^32 ms and restarts at 0 when the device resets. The
session needs one monotonic time axis, in seconds from the first sample.

Within one *epoch* (one boot of the device) time is ``t_ms`` unwrapped: a step
of less than 2^31 ms modulo 2^32 is forward progress (a wrap included). A
reset starts a new epoch; since the device time spent rebooting is unknown,
the new epoch is placed after the last sample by the outage measured on the
host's monotonic clock, scaled by the observed device-to-host clock rate (1 for
a real device, the speed factor for an accelerated emulator). The outage is
therefore an estimate, recorded as such in the interruption event, but time
never goes backwards and never repeats.
"""

from __future__ import annotations

import time

__all__ = ["SessionClock"]

WRAP_MS = 1 << 32
HALF_WRAP_MS = 1 << 31


class SessionClock:
    """Turns device ``t_ms`` stamps into monotonic session seconds."""

    def __init__(self, period_ms: int, monotonic=time.monotonic) -> None:
        self.period_ms = period_ms
        self._monotonic = monotonic
        self._last_t_ms: int | None = None
        self._epoch_base_ms = 0  # unwrapped device ms at the start of the epoch
        self._epoch_offset_s = 0.0  # session time of the epoch start
        self._unwrapped_ms = 0
        self._reset_pending = False
        self.last_t_s: float | None = None
        self._last_host_s: float | None = None
        self._rate_anchor: tuple[float, float] | None = None  # (host s, session s) at epoch start
        self.epochs = 1

    @property
    def device_rate(self) -> float:
        """Device seconds per host second, measured over the current epoch (1.0 until known)."""
        if self._rate_anchor is None or self._last_host_s is None or self.last_t_s is None:
            return 1.0
        host_span = self._last_host_s - self._rate_anchor[0]
        device_span = self.last_t_s - self._rate_anchor[1]
        if host_span < 0.5 or device_span <= 0:
            return 1.0
        return max(1.0, device_span / host_span)

    def device_reset(self) -> None:
        """The device rebooted (BOOT seen): the next stamp starts a new epoch."""
        if self._last_t_ms is not None:
            self._reset_pending = True

    def is_forward(self, t_ms: int) -> bool:
        """Whether ``t_ms`` continues the current epoch (no reset pending, step < 2^31 ms)."""
        if self._last_t_ms is None:
            return True
        return not self._reset_pending and (t_ms - self._last_t_ms) % WRAP_MS < HALF_WRAP_MS

    def to_session_s(self, t_ms: int) -> float:
        """Session seconds for the device stamp ``t_ms`` (call once per sample, in arrival order)."""
        now = self._monotonic()
        if self._last_t_ms is None:
            self._unwrapped_ms = t_ms
            self._epoch_base_ms = t_ms
            self._rate_anchor = (now, 0.0)
        elif self.is_forward(t_ms):
            self._unwrapped_ms += (t_ms - self._last_t_ms) % WRAP_MS
        else:
            outage_s = (now - (self._last_host_s or now)) * self.device_rate
            self._epoch_offset_s = self.last_t_s + max(outage_s, self.period_ms / 1000.0)
            self._unwrapped_ms = t_ms
            self._epoch_base_ms = t_ms
            self._reset_pending = False
            self._rate_anchor = (now, self._epoch_offset_s)
            self.epochs += 1
        self._last_t_ms = t_ms
        self._last_host_s = now
        t_s = self._epoch_offset_s + (self._unwrapped_ms - self._epoch_base_ms) / 1000.0
        self.last_t_s = t_s
        return t_s
