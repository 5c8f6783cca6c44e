"""Features of a batch of sessions, in one vectorised pass over ``(n_sessions, n_channels, n_samples)``.

Pipeline (each step a function of its own module):

1. :func:`session_grids`: each recording's baseline window (the last
   ``baseline_window_s`` of the baseline phase, without its first
   ``baseline_settle_s``), breath window (the first
   ``breath_window_s`` of the breath phase) and purge window (the first
   ``purge_window_s`` of the purge phase) are resampled onto the common
   ``grid_period_s`` grid (:mod:`~enose.signal.grid`, holes stay NaN). The
   window lengths are fixed by the configuration, not by the batch, so a
   session gives the same arrays alone or in any batch (a shorter phase is
   NaN-padded).
2. :func:`stack_grids`: the sessions are stacked into ``(n_sessions,
   n_channels, n_samples)`` per window.
3. :func:`compute_features`: despike + zero-phase low-pass, R0 from the
   baseline, ΔR/R0 and ln(R/R0), optional compensation and drift correction,
   breath cycles from the CO2/pressure, then every feature with array
   operations over all sessions and MOX channels at once.

Feature names (stable; see ``README.md``)
-----------------------------------------
``moxNN.<feature>`` where ``NN`` is the MOX channel's position among the MOX
channels in INFO order, zero-padded to two digits (``mox00`` is the first MOX
channel INFO lists, whatever its INFO name; :func:`mox_prefixes` gives the
mapping). Then breath-level ``breath.*`` and ``baseline.*`` features.
Response sign: ΔR/R0 is negative when R falls (reducing VOCs); the transient
and slope features use the response magnitude ``u = -ΔR/R0`` that *rises* on
exposure, as in Vergara et al. 2012.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import signal as sps

from enose.recording import ChannelLayout, Recording
from enose.signal._checks import as_float_array, check_option
from enose.signal._stats import nanmax, nanmedian, nanmin, nansum
from enose.signal.breath import breath_cycles
from enose.signal.calibration import DeviceCalibration, drift_gain
from enose.signal.compensation import CompensationCoefficients, compensate, fit_compensation
from enose.signal.config import DEFAULT_PROCESSING, ProcessingConfig
from enose.signal.errors import LayoutMismatchError, MissingChannelError, MissingPhaseError, ShapeError
from enose.signal.filters import _despike, _lowpass, design_lowpass
from enose.signal.grid import phase_grid, resample_uniform
from enose.signal.normalise import log_r_over_r0
from firmware_protocol.messages import ChannelKind

__all__ = [
    "PROCESSING_VERSION",
    "MOX_FEATURES",
    "BREATH_FEATURES",
    "SessionGrids",
    "session_grids",
    "stack_grids",
    "preprocess",
    "compute_features",
    "feature_names",
    "mox_prefixes",
    "batch_features",
]

#: Bump whenever a feature's value can change (the database caches features under it).
#: signal-1.1: MOX signals compensated with the unit's measured humidity sensitivity; load-ratio features.
PROCESSING_VERSION = "signal-1.1"


def _alpha_tag(alpha: float) -> str:
    return f"{alpha:g}".replace(".", "p")


def mox_feature_list(config: ProcessingConfig = DEFAULT_PROCESSING) -> tuple[str, ...]:
    """Per-MOX feature suffixes, in column order."""
    ema = tuple(f"ema_a{_alpha_tag(a)}_{side}" for a in config.ema_alphas for side in ("rise", "decay"))
    return (
        "dr_r0",
        "log_r_r0",
        "et_dr_r0",
        "auc_dr_r0_s",
        "max_rise_per_s",
        "purge_dr_r0",
        "purge_t63_s",
        *ema,
        "room_load",
        "load_ratio",
        "et_load_ratio",
    )


MOX_FEATURES: tuple[str, ...] = mox_feature_list()
BREATH_FEATURES: tuple[str, ...] = (
    "breath.cycles",
    "breath.rate_per_min",
    "breath.etco2_ppm",
    "breath.rh_pct",
    "baseline.rh_pct",
)


def mox_prefixes(layout: ChannelLayout) -> dict[str, str]:
    """``{"mox00": <INFO name of the first MOX channel>, ...}``: feature prefix -> device channel name."""
    return {f"mox{j:02d}": layout.names[i] for j, i in enumerate(layout.indices(ChannelKind.MOX))}


def feature_names(layout: ChannelLayout, config: ProcessingConfig = DEFAULT_PROCESSING) -> list[str]:
    """The feature names of a layout, in column order (MOX features grouped per channel, then breath level)."""
    suffixes = mox_feature_list(config)
    return [f"{prefix}.{s}" for prefix in mox_prefixes(layout) for s in suffixes] + list(BREATH_FEATURES)


@dataclass(frozen=True, eq=False)
class SessionGrids:
    """One session's windows on the common grid.

    Attributes:
        baseline, breath, purge: ``(n_channels, n_window)`` float64 in INFO channel order
            (NaN: hole, dead channel, or beyond the phase).
        period_s: grid period, s.
        breath_gap: ``(n_breath,)`` bool, grid points of the breath window with no data.
    """

    baseline: np.ndarray
    breath: np.ndarray
    purge: np.ndarray
    period_s: float
    breath_gap: np.ndarray


def _window(
    rec: Recording, name: str, window_s: float, from_end: bool, config: ProcessingConfig, required: bool
) -> tuple[np.ndarray, np.ndarray]:
    n = config.n_window(window_s)
    phase = rec.phase(name)
    n_ch = len(rec.layout)
    if phase is None:
        if required:
            raise MissingPhaseError(
                f"session {rec.session_id} has no {name!r} phase; only complete screening sessions have features "
                "(run the quality gate first: it reports missing_phase)"
            )
        return np.full((n_ch, n), np.nan), np.ones(n, bool)
    period = config.grid_period_s
    start = phase.end_s - n * period if from_end else phase.start_s
    grid = phase_grid(start + period / 2, n, period)
    lo, hi = config.baseline_window(phase.start_s, phase.end_s) if from_end else (phase.start_s, phase.end_s)
    inside = (grid >= lo) & (grid < hi)
    sel = (rec.t_s >= grid[0] - period) & (rec.t_s <= grid[-1] + period)
    max_gap_s = max(config.max_gap_periods * rec.period_ms / 1000.0, 1e-9)
    values, gap = resample_uniform(rec.t_s[sel], rec.values[sel].T, grid, period, max_gap_s=max_gap_s)
    values[:, ~inside] = np.nan
    return values, gap | ~inside


def session_grids(rec: Recording, config: ProcessingConfig = DEFAULT_PROCESSING) -> SessionGrids:
    """Resample one recording's baseline, breath and purge windows onto the common grid.

    Raises:
        MissingPhaseError: no baseline or breath phase (a missing purge gives NaN recovery features).
    """
    baseline, _ = _window(rec, "baseline", config.baseline_window_s, True, config, required=True)
    breath, breath_gap = _window(rec, "breath", config.breath_window_s, False, config, required=True)
    purge, _ = _window(rec, "purge", config.purge_window_s, False, config, required=False)
    return SessionGrids(baseline, breath, purge, config.grid_period_s, breath_gap)


def stack_grids(
    recs: Sequence[Recording],
    config: ProcessingConfig = DEFAULT_PROCESSING,
    grids: Sequence[SessionGrids] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(baseline, breath, purge)``, each ``(n_sessions, n_channels, n_window)``, for one layout.

    ``grids``: the recordings' :func:`session_grids` under ``config`` when already computed.

    Raises:
        LayoutMismatchError: the recordings do not share one channel layout.
    """
    if not recs:
        raise ShapeError("need at least one recording")
    layout = recs[0].layout
    for rec in recs[1:]:
        if rec.layout != layout:
            raise LayoutMismatchError(
                f"session {rec.session_id} has channels {rec.layout.names}, the batch has {layout.names}: "
                "compute features per device layout"
            )
    if grids is None:
        grids = [session_grids(rec, config) for rec in recs]
    elif len(grids) != len(recs):
        raise ShapeError(f"grids must give one entry per recording: {len(grids)} != {len(recs)}")
    return (
        np.stack([g.baseline for g in grids]),
        np.stack([g.breath for g in grids]),
        np.stack([g.purge for g in grids]),
    )


def preprocess(x: np.ndarray, config: ProcessingConfig = DEFAULT_PROCESSING) -> np.ndarray:
    """Despike (median) then zero-phase low-pass along the last axis.

    Args:
        x: ``(..., n_channels, n_samples)`` on the common grid (NaN kept).

    Returns:
        ``(..., n_channels, n_samples)`` float64.
    """
    sos = design_lowpass(config.lowpass_hz, 1.0 / config.grid_period_s, config.lowpass_order)
    despiked, finite = _despike(x, config.despike_samples)  # finite input: a median of finite values is finite
    return _lowpass(despiked, sos, finite=finite)


def _first_index(condition: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis as float, NaN when there is none."""
    hit = condition.any(axis=-1)
    return np.where(hit, np.argmax(condition, axis=-1).astype(np.float64), np.nan)


def _extent(x: np.ndarray) -> np.ndarray:
    """``(n_sessions,)`` samples up to the last one where any channel of ``x`` ``(S, C, n)`` has data."""
    any_data = np.isfinite(x).any(axis=1)  # (S, n)
    return np.where(any_data.any(axis=-1), x.shape[-1] - np.argmax(any_data[:, ::-1], axis=-1), 0)


def _tail_mask(length: np.ndarray, count: np.ndarray, n: int) -> np.ndarray:
    """``(S, 1, n)`` bool: the last ``count`` of the first ``length`` samples of each session."""
    k = np.arange(n)
    start = (length - np.maximum(count, 1))[:, None]
    return ((k >= start) & (k < length[:, None]))[:, None, :]


def _masked_median(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
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


def _log_load(zero_ohm: np.ndarray, level_ohm: np.ndarray, floor: float) -> np.ndarray:
    """``ln max(R_zero / R - 1, floor)``: the log surface load of a level against the clean-air resistance."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(np.maximum(zero_ohm / level_ohm - 1.0, floor))


# -- the batch's own reductions: one selection per window, shared by every quantity monotone in R ---------------


def _all_finite(x: np.ndarray) -> bool:
    """True when every value of ``x`` is finite: one sum (a NaN or an infinity makes it non-finite).

    A sum that overflows says False, which only sends the caller the general (exact) way.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf or an overflow: a verdict, not a warning
        return bool(np.isfinite(np.sum(x)))


def _order_pair(
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


def _median_of(pair: tuple[np.ndarray, np.ndarray, np.ndarray, float], f=None) -> np.ndarray:
    """The median of ``f(x)`` from :func:`_order_pair` of ``x`` (``f``: see there; None = identity)."""
    lower, upper, has, _ = pair
    if f is not None:
        lower, upper = f(lower), f(upper)
    return np.where(has, 0.5 * (lower + upper), np.nan)


def _mask_pair(
    x: np.ndarray, mask: np.ndarray, *, finite: bool = False, smallest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`_order_pair` of the samples of ``x`` ``(S, M, n)`` where the session's ``mask`` ``(S, n)`` is True.

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
    return _order_pair(gathered, own=True, count=counts[:, None] if finite else None, smallest=smallest)


def _window_pair(
    x: np.ndarray, length: np.ndarray, count: np.ndarray, *, finite: bool = False, smallest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`_order_pair` over the window of :func:`_tail_mask` (the last ``count`` of ``length`` samples).

    When every session has the same window (the phases fill the grid windows), it is a slice.
    """
    start = np.maximum(np.ceil(length - np.maximum(count, 1)), 0).astype(np.intp)
    if length.size and (start == start[0]).all() and (length == length[0]).all():
        return _order_pair(x[..., int(start[0]) : int(length[0])], finite=finite, smallest=smallest)
    return _mask_pair(x, _tail_mask(length, count, x.shape[-1])[:, 0], finite=finite, smallest=smallest)


def _ema_extreme(du: np.ndarray, missing: np.ndarray | None, alpha: float, reduce) -> np.ndarray:
    """``reduce`` (nanmax or nanmin) over the last axis of the EMA derivative of a response ``u``.

    ``y[k] = (1-α) y[k-1] + α du[k]`` with ``du = diff(u)`` (scipy lfilter), NaN kept as NaN: a
    missing derivative counts as no change (so one hole does not blank the rest of the window).
    ``missing``: the NaN mask of ``du``, None when it has none (the masking is then the identity).
    """
    if missing is None:
        return reduce(sps.lfilter([alpha], [1.0, alpha - 1.0], du, axis=-1))
    y = sps.lfilter([alpha], [1.0, alpha - 1.0], np.where(missing, 0.0, du), axis=-1)
    return reduce(np.where(missing, np.nan, y))


def _relative(x: np.ndarray, r0: np.ndarray, gain: np.ndarray | None) -> np.ndarray:
    """``delta_r_over_r0(x, r0)``, then divided by ``gain`` when given: the same operations, in one buffer.

    ``r0`` ``(S, M)`` is already NaN where it is not > 0 (as :func:`baseline_r0` gives it).
    """
    r = r0[..., None]
    out = np.subtract(x, r, dtype=np.float64)
    np.divide(out, r, out=out)
    if gain is not None:
        np.divide(out, gain[..., None], out=out)
    return out


def _derivative(x: np.ndarray, finite: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """``np.diff(-x)`` along the last axis as ``x[:-1] - x[1:]`` (the same IEEE values, one pass) and its NaN mask.

    ``finite``: every value of ``x`` is finite, so no difference is NaN (mask None).
    """
    n = x.shape[-1]
    if x.flags.c_contiguous and n > 1:  # over the flat samples (one contiguous pass), then the rows' own part
        flat = x.reshape(-1)
        diff = np.empty(flat.size, dtype=np.result_type(x.dtype, np.float64))
        np.subtract(flat[:-1], flat[1:], out=diff[:-1])
        du = np.ascontiguousarray(diff.reshape(x.shape)[..., : n - 1])
    else:
        du = x[..., :-1] - x[..., 1:]
    if finite:
        return du, None
    missing = np.isnan(du)
    return du, (missing if missing.any() else None)


def compute_features(
    baseline: np.ndarray,
    breath: np.ndarray,
    purge: np.ndarray,
    kinds: np.ndarray,
    config: ProcessingConfig = DEFAULT_PROCESSING,
    *,
    gain: np.ndarray | None = None,
    compensation: str | CompensationCoefficients = "none",
    humidity_sensitivity: np.ndarray | None = None,
) -> np.ndarray:
    """Every feature of every session from the stacked grids; the vectorised core.

    Args:
        baseline: ``(n_sessions, n_channels, n_baseline)`` on the grid (ohm, degC, %, Pa, ppm per kind).
        breath: ``(n_sessions, n_channels, n_breath)``.
        purge: ``(n_sessions, n_channels, n_purge)``.
        kinds: ``(n_channels,)`` :class:`ChannelKind` codes (INFO order).
        config: processing parameters (grid period, filters, windows, cycle criteria).
        gain: ``(n_sessions, n_mox)`` drift gain per MOX channel (from
            :func:`~enose.signal.calibration.drift_gain`), responses are divided by it;
            None = no drift correction.
        compensation: ``"none"``, ``"session"`` (fit the humidity/temperature model on the
            session's baseline and purge tail) or fitted :class:`CompensationCoefficients`
            with ``(n_mox,)`` or ``(n_sessions, n_mox)`` arrays.
        humidity_sensitivity: ``(n_sessions, n_mox)`` each unit's measured humidity sensitivity
            ``-d ln R / d RH`` per % RH (from its humidity calibration); NaN where not measured
            (that sensor is not compensated). Exclusive with ``compensation``.

    Returns:
        ``(n_sessions, n_features)`` float64, columns as :func:`feature_names`.
        A dead channel gives NaN features; missing AUX channels give NaN breath features.
    """
    b = as_float_array(baseline, "baseline", min_ndim=3)
    t = as_float_array(breath, "breath", min_ndim=3)
    p = as_float_array(purge, "purge", min_ndim=3)
    kinds = np.asarray(kinds)
    if b.ndim != 3 or t.ndim != 3 or p.ndim != 3:
        raise ShapeError("baseline, breath and purge must each be (n_sessions, n_channels, n_samples)")
    if not (b.shape[:2] == t.shape[:2] == p.shape[:2] == (b.shape[0], kinds.size)):
        raise ShapeError(
            f"baseline {b.shape}, breath {t.shape}, purge {p.shape} and kinds ({kinds.size},) must agree on "
            "n_sessions and n_channels"
        )
    if not isinstance(compensation, CompensationCoefficients):
        check_option(compensation, "compensation", ("none", "session"))
    period = config.grid_period_s
    n_s = b.shape[0]
    mox = np.flatnonzero(kinds == int(ChannelKind.MOX))
    if mox.size == 0:
        raise MissingChannelError("the layout has no MOX channel: there is nothing to compute features from")

    def first(kind: ChannelKind) -> int | None:
        found = np.flatnonzero(kinds == int(kind))
        return int(found[0]) if found.size else None

    i_co2, i_p, i_rh, i_t = (first(k) for k in (ChannelKind.CO2, ChannelKind.PRESSURE, ChannelKind.HUMIDITY,
                                                ChannelKind.TEMPERATURE))  # fmt: skip
    # preprocessed in C order: the filter's output is a view of its padded rows, slower to read by strides
    b, t, p = (np.ascontiguousarray(preprocess(x, config)) for x in (b, t, p))
    # the MOX channels as a view when they are adjacent (values identical, no copy)
    sel = slice(int(mox[0]), int(mox[-1]) + 1) if np.array_equal(mox, np.arange(mox[0], mox[-1] + 1)) else mox
    rb, rt, rp = b[:, sel], t[:, sel], p[:, sel]

    n_t = t.shape[-1]
    n_level = config.n_window(config.level_window_s)
    # windows relative to each session's own data extent (phases may be shorter than the grid window)
    len_p = np.full(n_s, p.shape[-1]) if _all_finite(p) else _extent(p)
    n_end_p = np.minimum(n_level, len_p // 2)
    purge_end = _tail_mask(len_p, n_end_p, p.shape[-1])

    if humidity_sensitivity is not None:
        if isinstance(compensation, CompensationCoefficients) or compensation != "none":
            raise ValueError("give either humidity_sensitivity (a calibration) or compensation, not both")
        s = np.asarray(humidity_sensitivity, dtype=np.float64)
        if s.shape != (n_s, mox.size):
            raise ShapeError(f"humidity_sensitivity must have shape (n_sessions, n_mox) = {(n_s, mox.size)}, got {s.shape}")
        s = np.nan_to_num(s, nan=0.0)
        compensation = CompensationCoefficients(-s, np.zeros_like(s))
    if isinstance(compensation, CompensationCoefficients) or compensation == "session":
        if i_rh is None:
            raise MissingChannelError("humidity compensation needs a HUMIDITY channel; use compensation='none'")
        temps = [None if i_t is None else x[:, i_t] for x in (b, t, p)]
        if isinstance(compensation, CompensationCoefficients):
            coeffs = compensation
        else:
            tail = purge_end[:, 0]  # (S, n_purge): the settled, dry end of the purge
            fit_y = np.log(np.concatenate([rb, np.where(tail[:, None], rp, np.nan)], axis=-1))
            fit_rh = np.concatenate([b[:, i_rh], np.where(tail, p[:, i_rh], np.nan)], axis=-1)
            fit_t = None if i_t is None else np.concatenate([b[:, i_t], np.where(tail, p[:, i_t], np.nan)], axis=-1)
            coeffs = fit_compensation(fit_y, fit_rh, fit_t)
        rb, rt, rp = (
            np.exp(compensate(np.log(r), x[:, i_rh], tc, coeffs))
            for r, x, tc in zip((rb, rt, rp), (b, t, p), temps, strict=True)
        )

    # One selection per window in R serves R, ΔR/R0 and ln(R/R0) there (see _order_pair): the
    # medians are those of the arrays, from the same samples with the same arithmetic.
    r0_median = _median_of(_order_pair(rb))
    r0 = np.where(r0_median > 0, r0_median, np.nan)  # (S, M), as baseline_r0
    g = None
    if gain is not None:
        g = np.asarray(gain, dtype=np.float64)
        if g.shape != (n_s, mox.size):
            raise ShapeError(f"gain must have shape (n_sessions, n_mox) = {(n_s, mox.size)}, got {g.shape}")
        g = np.where(g > 0, g, np.nan)
    dr = _relative(rt, r0, g)  # (S, M, n_breath) ΔR/R0 (divided by the gain)
    dp = _relative(rp, r0, g)
    auc = dr.sum(axis=-1)
    finite_dr = bool(np.isfinite(auc).all())  # a row sums finite only when all its values are
    # every ΔR/R0 finite: every MOX sample of the breath is, so every grid point has data (no _extent pass)
    len_t = np.full(n_s, n_t) if finite_dr else _extent(t)
    n_steady = np.round(config.steady_fraction * len_t)
    n_end_t = np.minimum(n_level, len_t // 2)

    finite_dp = _all_finite(dp)  # then every purge resistance is finite too
    steady_r = _window_pair(rt, len_t, n_steady, finite=finite_dr, smallest=True)
    breath_end_r = _window_pair(rt, len_t, n_end_t, finite=finite_dr)
    purge_end_r = _window_pair(rp, len_p, n_end_p, finite=finite_dp)
    zero_level = _median_of(purge_end_r)  # (S, M) clean-air resistance at the settled end of the purge
    r = r0  # already NaN where not > 0 (as delta_r_over_r0's check)

    def to_dr(level: np.ndarray) -> np.ndarray:  # ΔR/R0 of a resistance, as delta_r_over_r0 (then the gain)
        out = (level - r) / r
        return out if g is None else out / g

    def to_lr(level: np.ndarray) -> np.ndarray:  # ln(R/R0), as log_r_over_r0 (then the gain)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.log(np.ascontiguousarray(np.where(level > 0, level, np.nan) / r))
        return out if g is None else out / g

    # an infinite gain would turn an infinite R into NaN (not monotone): then the arrays' own medians
    shared = g is None or not np.isposinf(g).any()
    # ln(R/R0) is NaN for R <= 0: shared only when no resistance of the steady window is <= 0
    shared_log = shared and not steady_r[3] <= 0

    # breath cycles and the end-tidal samples (contiguous rows: the same values, read faster)
    if i_co2 is not None:
        pressure = None if i_p is None else np.ascontiguousarray(t[:, i_p])
        cycles = breath_cycles(np.ascontiguousarray(t[:, i_co2]), period, pressure, config)
        et_mask = cycles.end_tidal[:, None, :]
        breath_cols = [cycles.n_valid.astype(np.float64), cycles.rate_per_min, cycles.etco2_median_ppm]
    else:
        et_mask = np.zeros((n_s, 1, n_t), bool)
        breath_cols = [np.full(n_s, np.nan)] * 3
    breath_cols += [
        np.full(n_s, np.nan) if i_rh is None else _median_of(_order_pair(t[:, i_rh])),
        np.full(n_s, np.nan) if i_rh is None else _median_of(_order_pair(b[:, i_rh])),
    ]
    et_r = _mask_pair(rt, et_mask[:, 0], finite=finite_dr)

    if shared:
        steady_dr, et_dr = _median_of(steady_r, to_dr), _median_of(et_r, to_dr)
        start_level, end_level = _median_of(breath_end_r, to_dr), _median_of(purge_end_r, to_dr)
    else:
        steady = _tail_mask(len_t, n_steady, n_t)
        steady_dr, et_dr = _masked_median(dr, steady), _masked_median(dr, et_mask)
        start_level = _masked_median(dr, _tail_mask(len_t, n_end_t, n_t))
        end_level = _masked_median(dp, purge_end)
    if shared_log:
        steady_lr = _median_of(steady_r, to_lr)
    else:
        lr = log_r_over_r0(rt, r0)
        steady_lr = _masked_median(lr if g is None else lr / g[..., None], _tail_mask(len_t, n_steady, n_t))

    if not finite_dr:
        auc = nansum(dr)
    feats = [
        steady_dr,  # dr_r0: steady-state breath response
        steady_lr,  # log_r_r0
        et_dr,  # et_dr_r0: end-tidal (alveolar) response
        auc * period,  # auc_dr_r0_s
    ]
    # response magnitude u = -ΔR/R0 rises on exposure; its derivative diff(u) = dr[:-1] - dr[1:]
    du, du_missing = _derivative(dr, finite_dr)
    feats.append(nanmax(du) / period)  # max_rise_per_s
    feats.append(end_level)  # purge_dr_r0
    span = end_level - start_level
    with np.errstate(invalid="ignore", divide="ignore"):
        progress = (dp - start_level[..., None]) / span[..., None]
    t63 = _first_index(progress >= config.recovery_fraction) * period
    feats.append(np.where(np.abs(span) > 1e-6, t63, np.nan))  # purge_t63_s
    du_purge, du_purge_missing = _derivative(dp, finite_dp)
    for alpha in config.ema_alphas:
        feats.append(_ema_extreme(du, du_missing, alpha, nanmax))  # rise: exposure (breath)
        feats.append(_ema_extreme(du_purge, du_purge_missing, alpha, nanmin))  # decay: cleaning (purge)

    # load ratios (gain-free): the surface load x = R(zero air)/R - 1 is the sensor's gain times a power law
    # of the gas, so ln(x_breath / x_room) cancels the unit's gain and keeps the breath's excess over room air
    room_load = _log_load(zero_level, r0, config.load_floor)
    feats.append(room_load)  # room_load: ln x of the room air (carries the unit's gain and the site's air)
    feats.append(_log_load(zero_level, _median_of(steady_r), config.load_floor) - room_load)  # load_ratio
    feats.append(_log_load(zero_level, _median_of(et_r), config.load_floor) - room_load)  # et_load_ratio

    per_mox = np.stack(feats, axis=-1)  # (S, M, F)
    return np.concatenate([per_mox.reshape(n_s, -1), np.stack(breath_cols, axis=-1)], axis=-1)


def _gains(recs: Sequence[Recording], calibrations, layout: ChannelLayout) -> np.ndarray | None:
    if calibrations is None:
        return None
    if len(calibrations) != len(recs):
        raise ShapeError(
            f"calibrations must give one entry (or None) per recording: {len(calibrations)} != {len(recs)}"
        )
    names = [layout.names[i] for i in layout.indices(ChannelKind.MOX)]
    out = np.ones((len(recs), len(names)))
    for s, cal in enumerate(calibrations):
        if cal is not None:
            out[s] = drift_gain(cal, names)
    return out


def humidity_matrix(
    calibrations: Sequence[DeviceCalibration | None], layout: ChannelLayout
) -> np.ndarray:
    """``(len(calibrations), n_mox)`` humidity sensitivity per recording and MOX channel, aligned by name.

    NaN where a calibration is None, did not measure the humidity response, or lacks the channel.
    """
    names = [layout.names[i] for i in layout.indices(ChannelKind.MOX)]
    out = np.full((len(calibrations), len(names)), np.nan)
    for s, cal in enumerate(calibrations):
        if cal is None or cal.humidity_sensitivity_per_pct is None:
            continue
        by_name = dict(zip(cal.channels, np.asarray(cal.humidity_sensitivity_per_pct, dtype=float), strict=True))
        out[s] = [by_name.get(name, np.nan) for name in names]
    return out


def batch_features(
    recs: Sequence[Recording],
    *,
    calibrations: Sequence[DeviceCalibration | None] | None = None,
    humidity_calibrations: Sequence[DeviceCalibration | None] | None = None,
    compensation: str | CompensationCoefficients = "none",
    config: ProcessingConfig = DEFAULT_PROCESSING,
    grids: Sequence[SessionGrids] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Features of a batch of sessions: ``(X, names)`` with ``X`` ``(n_sessions, n_features)`` float64.

    One call resamples every session onto the common per-phase grid, stacks them
    into ``(n_sessions, n_channels, n_samples)`` and computes everything with array
    operations; a session's row is the same (to float rounding) alone or in any batch.
    Run the quality gate first: features of a blocked session are not meaningful.

    Args:
        recs: recordings sharing one channel layout.
        calibrations: per recording, its device's latest :class:`DeviceCalibration`
            (or None): responses are divided by the drift gain. None = no correction.
        humidity_calibrations: per recording, its unit's calibration in force when it was recorded
            (or None): the MOX signals are compensated with its measured humidity sensitivity (the
            features of ``PROCESSING_VERSION``); a recording without one is left uncompensated.
        compensation: ``"none"`` (default), ``"session"`` or coefficients of a humidity fit;
            see :mod:`~enose.signal.compensation` (exclusive with ``humidity_calibrations``).
        config: processing parameters (defaults = ``PROCESSING_VERSION``).
        grids: the recordings' :func:`session_grids` under ``config`` when the caller already has
            them (e.g. from the quality gate): not resampled twice.

    Raises:
        LayoutMismatchError, MissingPhaseError, MissingChannelError.
    """
    if len(recs) == 0:
        return np.empty((0, 0)), []
    baseline, breath, purge = stack_grids(recs, config, grids)
    layout = recs[0].layout
    X = compute_features(  # noqa: N806 (the scikit-learn name)
        baseline,
        breath,
        purge,
        layout.kinds,
        config,
        gain=_gains(recs, calibrations, layout),
        compensation=compensation,
        humidity_sensitivity=None if humidity_calibrations is None else humidity_matrix(humidity_calibrations, layout),
    )
    return X, feature_names(layout, config)
