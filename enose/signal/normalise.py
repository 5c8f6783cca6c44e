"""Baseline normalisation of MOX resistance: R0 from the baseline, then ΔR/R0 or log(R/R0).

Why: a MOX sensor's absolute resistance varies tenfold between units and drifts
with age; the *relative* change from the same sensor's resistance in room air
just before the breath (R0) is what carries the breath's VOCs. Sign convention:
reducing VOCs lower R, so a breath response is negative in both ΔR/R0 and
log(R/R0).
"""

from __future__ import annotations

import numpy as np

from enose.signal._checks import as_float_array
from enose.signal._stats import nanmedian
from enose.signal.errors import ShapeError

__all__ = ["baseline_r0", "delta_r_over_r0", "log_r_over_r0"]


def baseline_r0(baseline: np.ndarray) -> np.ndarray:
    """R0 per channel: the median of the (settled) baseline samples.

    Args:
        baseline: ``(..., n_channels, n_samples)`` resistance during the baseline, ohm.

    Returns:
        ``(..., n_channels)`` ohm; NaN for a channel without a single finite sample,
        or whose median is not > 0 (a shorted or broken channel cannot be a reference).
    """
    x = as_float_array(baseline, "baseline", min_ndim=2)
    r0 = nanmedian(x)  # an all-NaN (dead) channel gives NaN, quietly
    return np.where(r0 > 0, r0, np.nan)


def _check_r0(x: np.ndarray, r0) -> np.ndarray:
    r = np.asarray(r0, dtype=np.float64)
    if r.shape != x.shape[:-1]:
        raise ShapeError(f"r0 must have shape {x.shape[:-1]} (x without its time axis), got {r.shape}")
    return np.where(r > 0, r, np.nan)[..., None]


def delta_r_over_r0(x: np.ndarray, r0: np.ndarray) -> np.ndarray:
    """``(R - R0) / R0``, dimensionless.

    Args:
        x: ``(..., n_channels, n_samples)`` resistance, ohm.
        r0: ``(..., n_channels)`` ohm (from :func:`baseline_r0`).

    Returns:
        ``(..., n_channels, n_samples)``; NaN where R or R0 is NaN.
    """
    x = as_float_array(x, "x", min_ndim=2)
    r = _check_r0(x, r0)
    return (x - r) / r


def log_r_over_r0(x: np.ndarray, r0: np.ndarray) -> np.ndarray:
    """``ln(R / R0)``, dimensionless: additive in the compensation model, symmetric for rises and falls.

    Args:
        x: ``(..., n_channels, n_samples)`` resistance, ohm.
        r0: ``(..., n_channels)`` ohm.

    Returns:
        ``(..., n_channels, n_samples)``; NaN where R or R0 is NaN or R <= 0.
    """
    x = as_float_array(x, "x", min_ndim=2)
    r = _check_r0(x, r0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(np.where(x > 0, x, np.nan) / r)
