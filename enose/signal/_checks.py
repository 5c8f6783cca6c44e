"""Input checks shared by the signal functions (MNE-style: fail early, say what was expected)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from enose.signal.errors import ShapeError, SignalError

__all__ = ["as_float_array", "check_last_axis", "check_positive", "check_option", "check_times"]


def as_float_array(x, name: str, *, min_ndim: int = 1) -> np.ndarray:
    """``x`` as a float array with at least ``min_ndim`` dimensions (float32 kept, everything else float64)."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise ShapeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)
    if arr.ndim < min_ndim:
        raise ShapeError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    return arr


def check_last_axis(x: np.ndarray, name: str, minimum: int) -> None:
    """Refuse a last (time) axis shorter than ``minimum`` samples."""
    if x.shape[-1] < minimum:
        raise ShapeError(
            f"{name} needs at least {minimum} samples on its last (time) axis, got shape {x.shape}; "
            "record longer or use a shorter filter"
        )


def check_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """``value`` as a finite float > 0 (or >= 0)."""
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise SignalError(f"{name} must be a finite number {bound}, got {value!r}")
    return v


def check_option(value, name: str, allowed: Iterable) -> None:
    """Refuse ``value`` unless it is one of ``allowed``, listing them."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise SignalError(f"invalid {name} {value!r}: use one of {', '.join(repr(a) for a in allowed)}")


def check_times(t_s, name: str = "t_s") -> np.ndarray:
    """``(n_samples,)`` float64 session seconds, finite and strictly increasing."""
    t = np.asarray(t_s, dtype=np.float64)
    if t.ndim != 1:
        raise ShapeError(f"{name} must be 1-D (n_samples,), got shape {t.shape}")
    if t.size and not np.all(np.isfinite(t)):
        raise ShapeError(f"{name} holds non-finite times")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ShapeError(f"{name} must be strictly increasing (session time is monotonic); sort or deduplicate it")
    return t
