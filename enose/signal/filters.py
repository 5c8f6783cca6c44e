"""Spike removal and zero-phase low-pass filtering along the last (time) axis.

Both work on ``(..., n_samples)`` arrays, e.g. ``(n_channels, n_samples)`` or a
batch ``(n_sessions, n_channels, n_samples)``: every leading axis is
vectorised by scipy, there is no Python loop.

NaN handling (why): a dead channel is all NaN and a gap on the grid is a NaN
run. scipy's filters would smear one NaN over the whole channel, so the NaN
runs are bridged linearly *only for filtering* (:func:`fill_nan_linear`) and
put back as NaN afterwards: a gap stays a gap, a dead channel stays NaN.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import ndimage
from scipy import signal as sps

from enose.signal._checks import as_float_array, check_last_axis, check_positive
from enose.signal.errors import SignalError

__all__ = ["fill_nan_linear", "despike", "design_lowpass", "check_sos", "lowpass"]


def fill_nan_linear(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bridge NaN runs along the last axis by linear interpolation (edges held).

    Args:
        x: ``(..., n_samples)``.

    Returns:
        ``(filled, missing)``: ``(..., n_samples)`` with every NaN replaced (rows
        that are entirely NaN become 0), and the ``(..., n_samples)`` bool mask of
        the values that were NaN, so the caller can restore them.
    """
    x = as_float_array(x, "x")
    missing = ~np.isfinite(x)
    if not missing.any():
        return x, missing
    n = x.shape[-1]
    k = np.arange(n)
    prev = np.maximum.accumulate(np.where(missing, -1, k), axis=-1)
    nxt = np.flip(np.minimum.accumulate(np.flip(np.where(missing, n, k), axis=-1), axis=-1), axis=-1)
    prev_c = np.where(prev < 0, nxt, prev).clip(0, n - 1)
    nxt_c = np.where(nxt >= n, prev, nxt).clip(0, n - 1)
    x_prev = np.take_along_axis(x, prev_c, axis=-1)
    x_next = np.take_along_axis(x, nxt_c, axis=-1)
    span = np.maximum(nxt_c - prev_c, 1)
    w = np.clip((k - prev_c) / span, 0.0, 1.0)
    filled = np.where(missing, x_prev + w * (x_next - x_prev), x)
    return np.where(np.isfinite(filled), filled, 0.0).astype(x.dtype, copy=False), missing


def despike(x: np.ndarray, kernel_samples: int = 5) -> np.ndarray:
    """Median filter of ``kernel_samples`` (odd) along the last axis: removes isolated spikes.

    Why a median: an electrical spike is one or two samples far off; a median
    of 5 ignores it while keeping the edges of real responses sharp.

    Args:
        x: ``(..., n_samples)``.
        kernel_samples: odd window length, samples (>= 3).

    Returns:
        ``(..., n_samples)`` float; NaN where ``x`` was NaN.
    """
    return _despike(x, kernel_samples)[0]


def _despike(x: np.ndarray, kernel_samples: int) -> tuple[np.ndarray, bool]:
    """:func:`despike`, and whether every input value was finite (then so is every output value)."""
    k = int(kernel_samples)
    if k < 3 or k % 2 == 0:
        raise SignalError(f"kernel_samples must be an odd integer >= 3, got {kernel_samples!r}")
    x = as_float_array(x, "x")
    check_last_axis(x, "x", k)
    if k in (3, 5):  # optimistically on the data as they are: the network sums them as it goes
        out, finite = _small_running_median(x, k, check=True)
        if finite:  # nothing to bridge: the result stands
            return out, True
    filled, missing = _bridged(x)
    if k in (3, 5):
        out = _small_running_median(filled, k)
    else:
        size = (1,) * (x.ndim - 1) + (k,)
        out = ndimage.median_filter(filled, size=size, mode="nearest")
    if missing is not None:
        out[missing] = np.nan
    return out, missing is None


def _bridged(x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`fill_nan_linear`, with ``None`` for the mask when nothing is missing (the usual case).

    Why: one sum tells that every value is finite (a NaN or an infinity anywhere makes it
    non-finite), one pass instead of a mask, its test and a masked write back per filter.
    A sum that overflows only sends the array the exact way.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf or an overflow: a verdict, not a warning
        total = np.sum(x)
    if np.isfinite(total):
        return x, None
    filled, missing = fill_nan_linear(x)
    return filled, (missing if missing.any() else None)


#: Output samples per block in :func:`_small_running_median`: the block and its four scratch arrays stay in
#: the L2 cache (measured best between 2^13 and 2^15 here).
_BLOCK_ELEMENTS = 1 << 14


def _median_of_3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def _median_network(rows: np.ndarray, k: int) -> np.ndarray:
    """Running median of 3 or 5 over the last axis of ``rows`` (no NaN), edges held ("nearest"): the direct form."""
    n = rows.shape[-1]
    h = k // 2
    padded = np.concatenate([np.repeat(rows[..., :1], h, axis=-1), rows, np.repeat(rows[..., -1:], h, axis=-1)],
                            axis=-1)  # fmt: skip
    taps = [padded[..., i : i + n] for i in range(k)]
    if k == 3:
        return _median_of_3(*taps)
    a, b, c, d, e = taps
    # Of the two pair minima the smaller ranks at most 2nd of 5, of the two pair maxima the larger at least
    # 4th: drop both, and the median of the five is the median of the three left.
    low_pair, high_pair = np.minimum(a, b), np.maximum(a, b)
    low_pair2, high_pair2 = np.minimum(d, e), np.maximum(d, e)
    return _median_of_3(np.maximum(low_pair, low_pair2), np.minimum(high_pair, high_pair2), c)


def _small_running_median(filled: np.ndarray, k: int, *, check: bool = False):
    """Same values as ``ndimage.median_filter(size=k, mode="nearest")`` along the last axis, for k = 3 or 5.

    Why not ndimage: its rank filter selects per output sample (about 24 ns a
    sample here); a min/max network is a handful of vectorised passes, and a
    median is a selection, so the values are identical, not close.

    How: the rows are laid end to end and the network of :func:`_median_network`
    runs over the flat samples in cache-sized blocks, every operation writing into
    reused scratch arrays. A pair ``(d, e)`` is the pair ``(a, b)`` three samples
    later, so each pair's minimum and maximum is computed once, not twice. The
    ``k // 2`` samples at each end of a row, whose taps crossed into the next row,
    are then recomputed by the direct network on the row's first and last ``k - 1``
    samples (with the edges held, as the whole row has them). Same operations in
    the same operand order: the values are identical, signed zeros included.

    ``check``: also sum every block's samples while they are in the cache and
    return ``(out, finite)``; ``finite`` False (a NaN or an infinity somewhere, or
    a sum that overflowed) tells the caller to bridge the gaps and run it again.
    """
    n = filled.shape[-1]
    h = k // 2
    rows = np.ascontiguousarray(filled.reshape(-1, n))
    out = np.empty_like(rows)
    flat, flat_out = rows.reshape(-1), out.reshape(-1)
    step = _BLOCK_ELEMENTS
    low, high = np.empty(step + k - 2, rows.dtype), np.empty(step + k - 2, rows.dtype)
    big, small = np.empty(step, rows.dtype), np.empty(step, rows.dtype)
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # the check's inf - inf or overflow: a verdict
        for start in range(h, flat.size - h, step):  # blocks of flat samples (cache), never a loop over samples
            stop = min(start + step, flat.size - h)
            m = stop - start
            taps = flat[start - h : stop + h]  # every tap of outputs start..stop (together: every sample)
            if check:
                total += float(np.add.reduce(taps))
            pair_low, pair_high = low[: m + k - 2], high[: m + k - 2]
            np.minimum(taps[:-1], taps[1:], out=pair_low)  # pair_low[j] = min(taps[j], taps[j + 1])
            np.maximum(taps[:-1], taps[1:], out=pair_high)
            centre, result = taps[h : h + m], flat_out[start:stop]
            if k == 3:  # a b c = taps j, j + 1, j + 2: max(min(a, b), min(max(a, b), c))
                np.minimum(pair_high[:m], taps[2:], out=result)
                np.maximum(pair_low[:m], result, out=result)
                continue
            a, b = big[:m], small[:m]  # the pairs (a, b) and (d, e) start at j and j + 3
            np.maximum(pair_low[:m], pair_low[3:], out=a)
            np.minimum(pair_high[:m], pair_high[3:], out=b)
            lower = pair_low[:m]  # read already: min(A, B) goes there
            np.minimum(a, b, out=lower)
            np.maximum(a, b, out=a)
            np.minimum(a, centre, out=a)
            np.maximum(lower, a, out=result)
    out[:, :h] = _median_network(rows[:, : 2 * h], k)[:, :h]
    out[:, n - h :] = _median_network(rows[:, n - 2 * h :], k)[:, h:]
    return (out.reshape(filled.shape), bool(np.isfinite(total))) if check else out.reshape(filled.shape)


@functools.lru_cache(maxsize=32)
def _bessel_sos(order: int, cutoff_hz: float, fs_hz: float) -> np.ndarray:
    return sps.bessel(order, cutoff_hz, btype="low", fs=fs_hz, output="sos", norm="mag")


def design_lowpass(cutoff_hz: float, fs_hz: float, order: int = 4) -> np.ndarray:
    """Bessel low-pass (-3 dB at ``cutoff_hz``) as second-order sections ``(n_sections, 6)``.

    Why Bessel, not Butterworth: the capnogram has steep edges, and a Butterworth
    run forwards and backwards overshoots a step by about 7 % (order 4), which
    would bias the end-tidal CO2 (its maximum) upwards; this Bessel overshoots by
    about 1 % and is stable by construction.
    """
    fs = check_positive(fs_hz, "fs_hz")
    fc = check_positive(cutoff_hz, "cutoff_hz")
    if fc >= fs / 2:
        raise SignalError(f"cutoff_hz ({fc}) must be below the Nyquist frequency fs_hz/2 ({fs / 2}); lower it")
    if int(order) < 1:
        raise SignalError(f"order must be >= 1, got {order}")
    return _bessel_sos(int(order), fc, fs).copy()  # a copy: the cached design is shared


def check_sos(sos: np.ndarray) -> np.ndarray:
    """Refuse second-order sections that are malformed, non-finite or unstable (poles on/outside the unit circle)."""
    s = np.asarray(sos, dtype=np.float64)
    key = (s.shape, s.tobytes())
    if key in _CHECKED:
        return s
    if s.ndim != 2 or s.shape[1] != 6 or s.shape[0] < 1:
        raise SignalError(f"sos must have shape (n_sections, 6), got {s.shape}")
    if not np.all(np.isfinite(s)):
        raise SignalError("sos holds non-finite coefficients; redesign the filter")
    if np.any(s[:, 3] == 0):
        raise SignalError("sos has a zero a0 coefficient; redesign the filter")
    poles = np.concatenate([np.roots(row[3:]) for row in s])
    if poles.size and np.max(np.abs(poles)) >= 1.0:
        raise SignalError("sos is unstable (a pole on or outside the unit circle); redesign the filter")
    if len(_CHECKED) < 64:
        _CHECKED.add(key)
    return s


_CHECKED: set = set()  # coefficient sets already found stable (the same design is checked once)


def lowpass(x: np.ndarray, sos: np.ndarray) -> np.ndarray:
    """Zero-phase low-pass (``scipy.signal.sosfiltfilt``) along the last axis.

    Why zero-phase: response onsets and end-tidal samples must not be shifted in time.

    Args:
        x: ``(..., n_samples)``; NaN runs are bridged for filtering then restored.
        sos: ``(n_sections, 6)`` from :func:`design_lowpass` (checked for stability).

    Returns:
        ``(..., n_samples)`` float, NaN where ``x`` was NaN.
    """
    return _lowpass(x, sos, finite=False)


def _lowpass(x: np.ndarray, sos: np.ndarray, *, finite: bool) -> np.ndarray:
    """:func:`lowpass`; ``finite``: the caller knows every value of ``x`` is finite (nothing to bridge)."""
    s = check_sos(sos)
    x = as_float_array(x, "x")
    padlen = 3 * (2 * s.shape[0] + 1)
    check_last_axis(x, "x", padlen + 1)
    filled, missing = (x, None) if finite else _bridged(x)
    out = sps.sosfiltfilt(s, filled, axis=-1, padlen=padlen)
    if missing is not None:
        out[missing] = np.nan
    return out
