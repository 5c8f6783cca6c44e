"""NaN-aware reductions along the last axis, vectorised and silent.

Why not ``np.nanmedian``: for long axes it falls back to a Python loop over
rows (``apply_along_axis``), and it warns on all-NaN rows, which are normal
here (a dead channel). These return NaN for an all-NaN row, quietly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nanmedian", "nanmax", "nanmin", "nansum", "nanmean", "nanquantile_pair"]


def nanmedian(x: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN: ``(..., n)`` -> ``(...)``; NaN when the row has none."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0:  # no value at all (e.g. no breath cycle yet): NaN, not an IndexError
        return np.full(x.shape[:-1], np.nan)
    count = (~np.isnan(x)).sum(axis=-1)
    lo = np.clip((count - 1) // 2, 0, None)[..., None]
    hi = np.clip(count // 2, 0, x.shape[-1] - 1)[..., None]
    s = _order_statistics(x, np.concatenate([lo, hi], axis=-1))
    med = 0.5 * (np.take_along_axis(s, lo, -1) + np.take_along_axis(s, hi, -1))[..., 0]
    return np.where(count > 0, med, np.nan)


#: Above this many distinct ranks a full sort is cheaper than a multi-rank partition.
_MAX_PARTITION_RANKS = 64


def _order_statistics(x: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """``x`` rearranged along the last axis so every position in ``ranks`` holds its sorted value (NaN last).

    Why partition: a median needs two ranks, not a sorted row; introselect is
    O(n) against the sort's O(n log n), about 2.5x faster on 1,800-sample rows.
    Rows with different NaN counts need different ranks, so when there are many
    distinct ones the sort is used instead.
    """
    kth = np.unique(ranks)
    if kth.size > _MAX_PARTITION_RANKS:
        return np.sort(x, axis=-1)
    return np.partition(x, kth, axis=-1)


def nanquantile_pair(x: np.ndarray, q_lo: float, q_hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Two quantiles (nearest rank) over the last axis ignoring NaN: ``(..., n)`` -> two ``(...)``."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0:
        empty = np.full(x.shape[:-1], np.nan)
        return empty, empty.copy()
    count = (~np.isnan(x)).sum(axis=-1)
    ranks = [np.clip(np.round(q * (count - 1)).astype(np.intp), 0, x.shape[-1] - 1)[..., None] for q in (q_lo, q_hi)]
    s = _order_statistics(x, np.concatenate(ranks, axis=-1))
    out = [np.where(count > 0, np.take_along_axis(s, k, -1)[..., 0], np.nan) for k in ranks]
    return out[0], out[1]


def nanmax(x: np.ndarray) -> np.ndarray:
    """Max over the last axis ignoring NaN; NaN for an all-NaN row."""
    x = np.asarray(x, dtype=np.float64)
    return np.fmax.reduce(x, axis=-1) if x.shape[-1] else np.full(x.shape[:-1], np.nan)


def nanmin(x: np.ndarray) -> np.ndarray:
    """Min over the last axis ignoring NaN; NaN for an all-NaN row."""
    x = np.asarray(x, dtype=np.float64)
    return np.fmin.reduce(x, axis=-1) if x.shape[-1] else np.full(x.shape[:-1], np.nan)


def nansum(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis ignoring NaN; NaN (not 0) for an all-NaN row."""
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    return np.where(finite.any(axis=-1), np.where(finite, x, 0.0).sum(axis=-1), np.nan)


def nanmean(x: np.ndarray) -> np.ndarray:
    """Mean over the last axis ignoring NaN; NaN for an all-NaN row."""
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    n = finite.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(finite, x, 0.0).sum(axis=-1) / n, np.nan)
