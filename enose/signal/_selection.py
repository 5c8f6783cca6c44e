"""Order statistics and windows of a feature batch: one selection per window, shared by every quantity.

Why a module of its own: the batch's medians are its cost. One selection of the two middle
order statistics of R in a window gives the median of R, of ΔR/R0 and of ln(R/R0) there
(monotone maps), the same samples with the same arithmetic as
:func:`~enose.signal._stats.nanmedian`; the windows are each session's own (its phases may
be shorter than the grid window). :mod:`enose.signal.features` composes these.
"""

from __future__ import annotations

import numpy as np

from enose.signal._stats import nanmedian

__all__ = ["all_finite", "extent", "first_index", "mask_pair", "masked_median", "median_of", "order_pair",
           "tail_mask", "window_pair"]  # fmt: skip


def first_index(condition: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis as float, NaN when there is none."""
    hit = condition.any(axis=-1)
    return np.where(hit, np.argmax(condition, axis=-1).astype(np.float64), np.nan)


def extent(x: np.ndarray) -> np.ndarray:
    """``(n_sessions,)`` samples up to the last one where any channel of ``x`` ``(S, C, n)`` has data."""
    any_data = np.isfinite(x).any(axis=1)  # (S, n)
    return np.where(any_data.any(axis=-1), x.shape[-1] - np.argmax(any_data[:, ::-1], axis=-1), 0)


def tail_mask(length: np.ndarray, count: np.ndarray, n: int) -> np.ndarray:
    """``(S, 1, n)`` bool: the last ``count`` of the first ``length`` samples of each session."""
    k = np.arange(n)
    start = (length - np.maximum(count, 1))[:, None]
    return ((k >= start) & (k < length[:, None]))[:, None, :]


def masked_median(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Median over the last axis of the samples of ``x`` ``(S, M, n)`` where ``mask`` (broadcastable) is True.

    The time axis is first cropped to the span any mask covers, so a 20 s window
    does not sort a 300 s array.
    """
    cover = np.broadcast_to(mask, x.shape[:1] + mask.shape[1:]).any(axis=tuple(range(mask.ndim - 1)))
    hit = np.flatnonzero(cover)
    if hit.size == 0:
        return np.full(x.shape[:-1], np.nan)
    span = slice(hit[0], hit[-1] + 1)
    return nanmedian(np.where(mask[..., span], x[..., span], np.nan))


def all_finite(x: np.ndarray) -> bool:
    """True when every value of ``x`` is finite: one sum (a NaN or an infinity makes it non-finite).

    A sum that overflows says False, which only sends the caller the general (exact) way.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf or an overflow: a verdict, not a warning
        return bool(np.isfinite(np.sum(x)))


def order_pair(
    x: np.ndarray, *, own: bool = False, finite: bool = False, count: np.ndarray | None = None, smallest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The two middle order statistics of the non-NaN values along the last axis, where a row has any,
    and (``smallest``) the smallest non-NaN value of all (``inf`` if none; else NaN, not computed).

    ``0.5 * (lower + upper)`` (NaN where a row has no value) is :func:`~enose.signal._stats.nanmedian`'s
    value: the same two samples, the same arithmetic. For a map ``f`` that never decreases and turns
    no value into NaN (ΔR/R0 and, for R > 0, ln(R/R0), both divided by a positive gain), the order
    statistics of ``f(x)`` are ``f`` of those of ``x``: one selection in ``x`` gives the median of
    R, ΔR/R0 and ln(R/R0) over the same window.

    Why not nanmedian: with two ranks np.partition takes its generic path; with one it takes the
    vectorised selection (about 7x faster on these rows), and the lower middle is then the maximum
    of the part below. Rows with NaN (holes, dead channels) are sorted instead, NaN last.

    Args:
        own: ``x`` is a scratch array the caller gives up (selected in place, no copy).
        finite: the caller knows ``x`` holds no NaN (not looked for again).
        count: the number of non-NaN values of each row when the caller knows it (``x`` then
            holds NaN only as padding); the rows are sorted.
    """
    n = x.shape[-1]
    lead = x.shape[:-1]
    if n == 0 or x.size == 0:  # no sample at all: NaN, as nanmedian
        return np.full(lead, np.nan), np.full(lead, np.nan), np.zeros(lead, bool), np.inf
    y = x if own and x.dtype == np.float64 and x.flags.c_contiguous else np.array(x, dtype=np.float64)
    if count is None and not finite:
        with np.errstate(over="ignore", invalid="ignore"):  # inf - inf: NaN, looked at below the sort way
            finite = not np.isnan(np.sum(y))
    if count is None and finite:  # no NaN: every row has n values
        hi = n // 2
        y.partition(hi, axis=-1)
        upper = np.ascontiguousarray(y[..., hi])
        below = y[..., :hi] if hi else y[..., :1]  # after the selection: the hi smallest values of each row
        lower = below.max(axis=-1) if (n - 1) // 2 < hi else upper
        return lower, upper, np.ones(lead, bool), float(below.min()) if smallest else np.nan
    y.sort(axis=-1)  # NaN last
    if count is None:
        count = n - np.isnan(y).sum(axis=-1)
    count = np.broadcast_to(count, lead)
    lo = np.clip((count - 1) // 2, 0, None)[..., None]
    hi = np.clip(count // 2, 0, n - 1)[..., None]
    lower = np.take_along_axis(y, lo, axis=-1)[..., 0]
    upper = np.take_along_axis(y, hi, axis=-1)[..., 0]
    least = float(np.fmin.reduce(y[..., 0], axis=None, initial=np.inf)) if smallest else np.nan
    return lower, upper, count > 0, least


def median_of(pair: tuple[np.ndarray, np.ndarray, np.ndarray, float], f=None) -> np.ndarray:
    """The median of ``f(x)`` from :func:`order_pair` of ``x`` (``f``: see there; None = identity)."""
    lower, upper, has, _ = pair
    if f is not None:
        lower, upper = f(lower), f(upper)
    return np.where(has, 0.5 * (lower + upper), np.nan)


def mask_pair(
    x: np.ndarray, mask: np.ndarray, *, finite: bool = False, smallest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`order_pair` of the samples of ``x`` ``(S, M, n)`` where the session's ``mask`` ``(S, n)`` is True.

    The masked samples are gathered to the front of a ``(S, M, most)`` array (padded with NaN), so
    an end-tidal median selects among its few hundred samples, not the whole window.
    ``finite``: ``x`` holds no NaN (each row then has its session's count of values).
    """
    counts = mask.sum(axis=-1)
    width = int(counts.max(initial=0))
    order = np.argsort(~mask, axis=-1, kind="stable")[:, :width]  # each session's masked samples first
    # (S, width, M) by one fancy index (the channels ride along as a slice), then (S, M, width) in C order
    gathered = np.ascontiguousarray(x[np.arange(x.shape[0])[:, None], :, order].transpose(0, 2, 1))
    np.copyto(gathered, np.nan, where=(np.arange(width) >= counts[:, None])[:, None, :])
    return order_pair(gathered, own=True, count=counts[:, None] if finite else None, smallest=smallest)


def window_pair(
    x: np.ndarray, length: np.ndarray, count: np.ndarray, *, finite: bool = False, smallest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`order_pair` over the window of :func:`tail_mask` (the last ``count`` of ``length`` samples).

    When every session has the same window (the phases fill the grid windows), it is a slice.
    """
    start = np.maximum(np.ceil(length - np.maximum(count, 1)), 0).astype(np.intp)
    if length.size and (start == start[0]).all() and (length == length[0]).all():
        return order_pair(x[..., int(start[0]) : int(length[0])], finite=finite, smallest=smallest)
    return mask_pair(x, tail_mask(length, count, x.shape[-1])[:, 0], finite=finite, smallest=smallest)
