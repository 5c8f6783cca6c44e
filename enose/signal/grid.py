"""Irregular session samples -> a uniform time grid, with gaps marked (never bridged).

Why: the host records what arrived. Samples can be lost (sequence gaps) and an
acquisition can be interrupted, so ``t_s`` is monotonic but not uniform, and
sessions may use different sampling periods (10-100 ms). Every later step
(filters, cycle detection, stacking sessions into one array) needs one uniform
grid. Interpolating across a long hole would invent data, so a grid bin that is
not covered by measured samples is NaN and reported in a gap mask.

Method: bin-mean resampling. Each grid point ``t_k`` gets the mean of the
piecewise-linear signal over its bin ``[t_k - P/2, t_k + P/2)`` (``P`` the grid
period), computed from the running trapezoid integral of the samples, so no
Python loop over samples is needed and coarser grids are averaged (a boxcar
anti-alias) rather than decimated. A raw interval longer than ``max_gap_s``
contributes nothing; a bin whose covered time is below half a bin is NaN. A
short hole (a few lost samples) is bridged linearly, as the issue allows.
"""

from __future__ import annotations

import numpy as np

from enose.recording import samples_missing_between
from enose.signal._checks import as_float_array, check_positive, check_times
from enose.signal.errors import ShapeError

__all__ = ["phase_grid", "resample_uniform", "lost_sample_count", "long_gaps"]


def phase_grid(start_s: float, n_samples: int, period_s: float) -> np.ndarray:
    """``(n_samples,)`` float64 grid times ``start_s + k * period_s`` (bin centres), seconds."""
    check_positive(period_s, "period_s")
    if int(n_samples) < 0:
        raise ShapeError(f"n_samples must be >= 0, got {n_samples}")
    return float(start_s) + np.arange(int(n_samples), dtype=np.float64) * float(period_s)


def long_gaps(t_s: np.ndarray, max_gap_s: float) -> np.ndarray:
    """``(n_samples - 1,)`` bool: True where consecutive samples are more than ``max_gap_s`` apart."""
    t = check_times(t_s)
    check_positive(max_gap_s, "max_gap_s")
    return np.diff(t) > max_gap_s


def lost_sample_count(t_s: np.ndarray, period_s: float) -> int:
    """Samples missing from ``t_s`` ``(n_samples,)`` s, judged from its spacing against ``period_s``.

    Each interval of about ``m`` periods hides ``m - 1`` samples. Used when the
    storage layer did not record ``meta["lost_samples"]``.
    """
    t = check_times(t_s)
    check_positive(period_s, "period_s")
    return samples_missing_between(t, period_s)


def resample_uniform(
    t_s: np.ndarray, values: np.ndarray, t_grid: np.ndarray, period_s: float, *, max_gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bin means of irregular samples on a uniform grid; uncovered bins are NaN.

    Args:
        t_s: ``(n_samples,)`` session seconds, strictly increasing.
        values: ``(..., n_samples)`` samples, time on the last axis (e.g.
            ``(n_channels, n_samples)``). NaN samples (dead channel) are skipped.
        t_grid: ``(n_grid,)`` bin centres, seconds (see :func:`phase_grid`).
        period_s: the grid period, seconds (bin width).
        max_gap_s: raw intervals longer than this are holes and never bridged
            (a few sampling periods).

    Returns:
        ``(resampled, gap)``: ``(..., n_grid)`` float64 bin means, NaN where a
        channel has less than half a bin of valid coverage; ``(n_grid,)`` bool,
        True where the bin lies (mostly) in a hole or outside the recording.
    """
    t = check_times(t_s)
    x = as_float_array(values, "values")
    if x.shape[-1] != t.size:
        raise ShapeError(f"values has {x.shape[-1]} samples on its last axis but t_s has {t.size}")
    grid = np.asarray(t_grid, dtype=np.float64)
    if grid.ndim != 1:
        raise ShapeError(f"t_grid must be 1-D (n_grid,), got shape {grid.shape}")
    period = check_positive(period_s, "period_s")
    check_positive(max_gap_s, "max_gap_s")
    lead = x.shape[:-1]
    if t.size < 2 or grid.size == 0:
        return np.full((*lead, grid.size), np.nan), np.ones(grid.size, bool)

    dt = np.diff(t)  # (n - 1,)
    bridged = dt <= max_gap_s
    valid = np.isfinite(x)
    x0 = np.where(valid, x, 0.0).astype(np.float64, copy=False)
    seg_ok = valid[..., 1:] & valid[..., :-1] & bridged  # (..., n - 1)
    seg_area = np.where(seg_ok, 0.5 * (x0[..., 1:] + x0[..., :-1]) * dt, 0.0)
    zero = np.zeros((*lead, 1))
    c_area = np.concatenate([zero, np.cumsum(seg_area, axis=-1)], axis=-1)  # (..., n)
    c_cover = np.concatenate([zero, np.cumsum(np.where(seg_ok, dt, 0.0), axis=-1)], axis=-1)
    c_time = np.concatenate([[0.0], np.cumsum(np.where(bridged, dt, 0.0))])  # (n,)

    edges = np.concatenate([grid - period / 2, grid[-1:] + period / 2])  # (n_grid + 1,)
    idx = np.clip(np.searchsorted(t, edges, side="right") - 1, 0, t.size - 2)
    frac = np.clip((edges - t[idx]) / dt[idx], 0.0, 1.0)

    def at_edges(c: np.ndarray) -> np.ndarray:
        lo, hi = c[..., idx], c[..., idx + 1]
        return lo + frac * (hi - lo)

    area = np.diff(at_edges(c_area), axis=-1)
    cover = np.diff(at_edges(c_cover), axis=-1)
    time_cover = np.diff(at_edges(c_time))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(cover >= 0.5 * period, area / cover, np.nan)
    return out, time_cover < 0.5 * period
