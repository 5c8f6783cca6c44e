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
from enose.signal._selection import (
    all_finite,
    extent,
    first_index,
    mask_pair,
    masked_median,
    median_of,
    order_pair,
    tail_mask,
    window_pair,
)
from enose.signal._stats import nanmax, nanmin, nansum
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


def _log_load(zero_ohm: np.ndarray, level_ohm: np.ndarray, floor: float) -> np.ndarray:
    """``ln max(R_zero / R - 1, floor)``: the log surface load of a level against the clean-air resistance."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(np.maximum(zero_ohm / level_ohm - 1.0, floor))


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


@dataclass(frozen=True)
class _Channels:
    """Where each kind of channel sits in the layout: the MOX rows and the first channel of each AUX kind."""

    mox: np.ndarray  # indices of the MOX channels
    mox_rows: slice | np.ndarray  # a slice when they are adjacent: the arrays' rows as views, no copy
    co2: int | None
    pressure: int | None
    humidity: int | None
    temperature: int | None

    @classmethod
    def of(cls, kinds: np.ndarray) -> _Channels:
        mox = np.flatnonzero(kinds == int(ChannelKind.MOX))
        if mox.size == 0:
            raise MissingChannelError("the layout has no MOX channel: there is nothing to compute features from")

        def first(kind: ChannelKind) -> int | None:
            found = np.flatnonzero(kinds == int(kind))
            return int(found[0]) if found.size else None

        adjacent = np.array_equal(mox, np.arange(mox[0], mox[-1] + 1))
        rows = slice(int(mox[0]), int(mox[-1]) + 1) if adjacent else mox
        return cls(mox, rows, first(ChannelKind.CO2), first(ChannelKind.PRESSURE), first(ChannelKind.HUMIDITY),
                   first(ChannelKind.TEMPERATURE))  # fmt: skip


@dataclass(frozen=True)
class _Responses:
    """The MOX responses of a batch against each session's room air, and the windows every MOX feature reads.

    ``*_r`` are :func:`~enose.signal._selection.order_pair` selections of R in a window: each
    serves the medians of R, ΔR/R0 and ln(R/R0) there.
    """

    r0: np.ndarray  # (S, M) room-air resistance, NaN where not > 0
    gain: np.ndarray | None  # (S, M) drift gain, NaN where not > 0
    rt: np.ndarray  # (S, M, n_breath) breath resistance
    dr: np.ndarray  # (S, M, n_breath) ΔR/R0 of the breath (divided by the gain)
    dp: np.ndarray  # (S, M, n_purge) ΔR/R0 of the purge
    auc: np.ndarray  # (S, M) sum of the breath's ΔR/R0 (NaN samples left out)
    finite_dr: bool  # every breath ΔR/R0 is finite (the fast paths)
    finite_dp: bool
    len_t: np.ndarray  # (S,) samples of breath data
    n_steady: np.ndarray  # (S,) samples of the steady (final) part of the breath
    n_end_t: np.ndarray  # (S,) samples of the breath's end level
    purge_end: np.ndarray  # (S, 1, n_purge) the settled end of the purge
    steady_r: tuple  # selection of R over the steady window (with its smallest value)
    breath_end_r: tuple
    purge_end_r: tuple
    et_r: tuple  # selection of R over the end-tidal samples

    def to_dr(self, level: np.ndarray) -> np.ndarray:
        """ΔR/R0 of a resistance, as ``delta_r_over_r0`` (then divided by the gain)."""
        out = (level - self.r0) / self.r0
        return out if self.gain is None else out / self.gain

    def to_lr(self, level: np.ndarray) -> np.ndarray:
        """ln(R/R0) of a resistance, as ``log_r_over_r0`` (then divided by the gain)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.log(np.ascontiguousarray(np.where(level > 0, level, np.nan) / self.r0))
        return out if self.gain is None else out / self.gain

    @property
    def shared(self) -> bool:
        """Whether the selections of R give the medians of ΔR/R0 (an infinite gain is not monotone)."""
        return self.gain is None or not np.isposinf(self.gain).any()


def _checked_windows(baseline, breath, purge, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    b = as_float_array(baseline, "baseline", min_ndim=3)
    t = as_float_array(breath, "breath", min_ndim=3)
    p = as_float_array(purge, "purge", min_ndim=3)
    if b.ndim != 3 or t.ndim != 3 or p.ndim != 3:
        raise ShapeError("baseline, breath and purge must each be (n_sessions, n_channels, n_samples)")
    if not (b.shape[:2] == t.shape[:2] == p.shape[:2] == (b.shape[0], kinds.size)):
        raise ShapeError(
            f"baseline {b.shape}, breath {t.shape}, purge {p.shape} and kinds ({kinds.size},) must agree on "
            "n_sessions and n_channels"
        )
    return b, t, p


def _per_mox(values, name: str, shape: tuple[int, int]) -> np.ndarray:
    """A ``(n_sessions, n_mox)`` argument as float64, or a clear error naming it."""
    out = np.asarray(values, dtype=np.float64)
    if out.shape != shape:
        raise ShapeError(f"{name} must have shape (n_sessions, n_mox) = {shape}, got {out.shape}")
    return out


def _compensation_model(
    compensation: str | CompensationCoefficients, humidity_sensitivity: np.ndarray | None, shape: tuple[int, int]
) -> str | CompensationCoefficients:
    """The humidity compensation to apply: ``"none"``, ``"session"`` or coefficients (a calibration's, negated)."""
    if humidity_sensitivity is None:
        return compensation
    if isinstance(compensation, CompensationCoefficients) or compensation != "none":
        raise ValueError("give either humidity_sensitivity (a calibration) or compensation, not both")
    s = np.nan_to_num(_per_mox(humidity_sensitivity, "humidity_sensitivity", shape), nan=0.0)  # NaN: not compensated
    return CompensationCoefficients(-s, np.zeros_like(s))


def _compensated_mox(
    windows: tuple[np.ndarray, np.ndarray, np.ndarray],
    ch: _Channels,
    compensation: str | CompensationCoefficients,
    purge_end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The MOX resistances of baseline, breath and purge, compensated for humidity (and temperature) if asked."""
    b, t, p = windows
    rb, rt, rp = (x[:, ch.mox_rows] for x in windows)
    if not isinstance(compensation, CompensationCoefficients) and compensation == "none":
        return rb, rt, rp
    if ch.humidity is None:
        raise MissingChannelError("humidity compensation needs a HUMIDITY channel; use compensation='none'")
    i_rh, i_t = ch.humidity, ch.temperature
    if isinstance(compensation, CompensationCoefficients):
        coeffs = compensation
    else:  # "session": fitted on the session's own room air and the settled, dry end of its purge
        tail = purge_end[:, 0]
        fit_y = np.log(np.concatenate([rb, np.where(tail[:, None], rp, np.nan)], axis=-1))
        fit_rh = np.concatenate([b[:, i_rh], np.where(tail, p[:, i_rh], np.nan)], axis=-1)
        fit_t = None if i_t is None else np.concatenate([b[:, i_t], np.where(tail, p[:, i_t], np.nan)], axis=-1)
        coeffs = fit_compensation(fit_y, fit_rh, fit_t)
    temps = [None if i_t is None else x[:, i_t] for x in windows]
    return tuple(
        np.exp(compensate(np.log(r), x[:, i_rh], tc, coeffs))
        for r, x, tc in zip((rb, rt, rp), windows, temps, strict=True)
    )


def _breath_features(
    b: np.ndarray, t: np.ndarray, ch: _Channels, config: ProcessingConfig
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The end-tidal mask ``(S, 1, n_breath)`` and the breath-level columns (cycles, rate, EtCO2, humidity)."""
    n_s, n_t = t.shape[0], t.shape[-1]
    if ch.co2 is not None:  # contiguous rows: the same values, read faster
        pressure = None if ch.pressure is None else np.ascontiguousarray(t[:, ch.pressure])
        cycles = breath_cycles(np.ascontiguousarray(t[:, ch.co2]), config.grid_period_s, pressure, config)
        et_mask = cycles.end_tidal[:, None, :]
        columns = [cycles.n_valid.astype(np.float64), cycles.rate_per_min, cycles.etco2_median_ppm]
    else:
        et_mask = np.zeros((n_s, 1, n_t), bool)
        columns = [np.full(n_s, np.nan)] * 3
    columns += [
        np.full(n_s, np.nan) if ch.humidity is None else median_of(order_pair(t[:, ch.humidity])),
        np.full(n_s, np.nan) if ch.humidity is None else median_of(order_pair(b[:, ch.humidity])),
    ]
    return et_mask, columns


def _responses(
    mox_r: tuple[np.ndarray, np.ndarray, np.ndarray],
    breath: np.ndarray,
    gain: np.ndarray | None,
    et_mask: np.ndarray,
    purge: tuple[np.ndarray, np.ndarray, np.ndarray],
    config: ProcessingConfig,
) -> _Responses:
    """R0 from the room air, ΔR/R0 of breath and purge, and one selection of R per window.

    ``breath`` is every channel of the breath window (its data extent bounds the MOX windows);
    ``purge`` is ``(len_p, n_end_p, purge_end)``: the purge's data extent, its end window and mask.
    """
    rb, rt, rp = mox_r
    len_p, n_end_p, purge_end = purge
    n_s, n_t = rt.shape[0], rt.shape[-1]
    r0_median = median_of(order_pair(rb))
    r0 = np.where(r0_median > 0, r0_median, np.nan)  # (S, M), as baseline_r0
    g = None if gain is None else np.where(gain > 0, gain, np.nan)
    dr = _relative(rt, r0, g)
    dp = _relative(rp, r0, g)
    auc = dr.sum(axis=-1)
    finite_dr = bool(np.isfinite(auc).all())  # a row sums finite only when all its values are
    # every ΔR/R0 finite: every MOX sample of the breath is, so every grid point has data (no extent pass)
    len_t = np.full(n_s, n_t) if finite_dr else extent(breath)
    n_level = config.n_window(config.level_window_s)
    n_steady = np.round(config.steady_fraction * len_t)
    n_end_t = np.minimum(n_level, len_t // 2)
    finite_dp = all_finite(dp)  # then every purge resistance is finite too
    return _Responses(
        r0, g, rt, dr, dp, auc, finite_dr, finite_dp, len_t, n_steady, n_end_t, purge_end,
        steady_r=window_pair(rt, len_t, n_steady, finite=finite_dr, smallest=True),
        breath_end_r=window_pair(rt, len_t, n_end_t, finite=finite_dr),
        purge_end_r=window_pair(rp, len_p, n_end_p, finite=finite_dp),
        et_r=mask_pair(rt, et_mask[:, 0], finite=finite_dr),
    )  # fmt: skip


def _level_features(
    resp: _Responses, et_mask: np.ndarray, period: float
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Steady, log, end-tidal and area responses; with the breath's end level and the purge's end level."""
    n_t = resp.dr.shape[-1]
    if resp.shared:
        steady_dr, et_dr = median_of(resp.steady_r, resp.to_dr), median_of(resp.et_r, resp.to_dr)
        start_level, end_level = median_of(resp.breath_end_r, resp.to_dr), median_of(resp.purge_end_r, resp.to_dr)
    else:
        steady_dr = masked_median(resp.dr, tail_mask(resp.len_t, resp.n_steady, n_t))
        et_dr = masked_median(resp.dr, et_mask)
        start_level = masked_median(resp.dr, tail_mask(resp.len_t, resp.n_end_t, n_t))
        end_level = masked_median(resp.dp, resp.purge_end)
    # ln(R/R0) is NaN for R <= 0: the selection serves it only when no resistance of the steady window is <= 0
    if resp.shared and not resp.steady_r[3] <= 0:
        steady_lr = median_of(resp.steady_r, resp.to_lr)
    else:
        lr = log_r_over_r0(resp.rt, resp.r0)
        lr = lr if resp.gain is None else lr / resp.gain[..., None]
        steady_lr = masked_median(lr, tail_mask(resp.len_t, resp.n_steady, n_t))
    auc = resp.auc if resp.finite_dr else nansum(resp.dr)
    return [steady_dr, steady_lr, et_dr, auc * period], start_level, end_level


def _transient_features(
    resp: _Responses, start_level: np.ndarray, end_level: np.ndarray, config: ProcessingConfig
) -> list[np.ndarray]:
    """Fastest rise, purge level, purge recovery time and the EMA rise/decay extremes per smoothing."""
    period = config.grid_period_s
    # response magnitude u = -ΔR/R0 rises on exposure; its derivative diff(u) = dr[:-1] - dr[1:]
    du, du_missing = _derivative(resp.dr, resp.finite_dr)
    feats = [nanmax(du) / period, end_level]  # max_rise_per_s, purge_dr_r0
    span = end_level - start_level
    with np.errstate(invalid="ignore", divide="ignore"):
        progress = (resp.dp - start_level[..., None]) / span[..., None]
    t63 = first_index(progress >= config.recovery_fraction) * period
    feats.append(np.where(np.abs(span) > 1e-6, t63, np.nan))  # purge_t63_s
    du_purge, du_purge_missing = _derivative(resp.dp, resp.finite_dp)
    for alpha in config.ema_alphas:
        feats.append(_ema_extreme(du, du_missing, alpha, nanmax))  # rise: exposure (breath)
        feats.append(_ema_extreme(du_purge, du_purge_missing, alpha, nanmin))  # decay: cleaning (purge)
    return feats


def _load_features(resp: _Responses, floor: float) -> list[np.ndarray]:
    """Room load and the gain-free load ratios of the steady and the end-tidal breath.

    The surface load x = R(zero air)/R - 1 is the sensor's gain times a power law of the gas, so
    ln(x_breath / x_room) cancels the unit's gain and keeps the breath's excess over room air.
    """
    zero_level = median_of(resp.purge_end_r)  # clean-air resistance at the settled end of the purge
    room_load = _log_load(zero_level, resp.r0, floor)  # carries the unit's gain and the site's air
    return [
        room_load,
        _log_load(zero_level, median_of(resp.steady_r), floor) - room_load,  # load_ratio
        _log_load(zero_level, median_of(resp.et_r), floor) - room_load,  # et_load_ratio
    ]


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

    Steps: check the windows; despike and low-pass them; compensate the MOX resistances for
    humidity; find the breath cycles; relate the MOX responses to each session's room air
    (one selection of R per window); then the level, transient and load features per MOX
    channel, and the breath-level columns.

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
    kinds = np.asarray(kinds)
    b, t, p = _checked_windows(baseline, breath, purge, kinds)
    if not isinstance(compensation, CompensationCoefficients):
        check_option(compensation, "compensation", ("none", "session"))
    ch = _Channels.of(kinds)
    n_s, shape = b.shape[0], (b.shape[0], ch.mox.size)
    # preprocessed in C order: the filter's output is a view of its padded rows, slower to read by strides
    b, t, p = (np.ascontiguousarray(preprocess(x, config)) for x in (b, t, p))
    # the purge's windows relative to each session's own data extent (phases may be shorter than the grid window)
    len_p = np.full(n_s, p.shape[-1]) if all_finite(p) else extent(p)
    n_end_p = np.minimum(config.n_window(config.level_window_s), len_p // 2)
    purge_end = tail_mask(len_p, n_end_p, p.shape[-1])
    compensation = _compensation_model(compensation, humidity_sensitivity, shape)
    mox_r = _compensated_mox((b, t, p), ch, compensation, purge_end)
    g = None if gain is None else _per_mox(gain, "gain", shape)

    et_mask, breath_cols = _breath_features(b, t, ch, config)
    resp = _responses(mox_r, t, g, et_mask, (len_p, n_end_p, purge_end), config)
    levels, start_level, end_level = _level_features(resp, et_mask, config.grid_period_s)
    feats = levels + _transient_features(resp, start_level, end_level, config) + _load_features(resp, config.load_floor)
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


def humidity_matrix(calibrations: Sequence[DeviceCalibration | None], layout: ChannelLayout) -> np.ndarray:
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
