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
from enose.signal.filters import design_lowpass, despike, lowpass
from enose.signal.grid import phase_grid, resample_uniform
from enose.signal.normalise import baseline_r0, delta_r_over_r0, log_r_over_r0
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
    return lowpass(despike(x, config.despike_samples), sos)


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


def _ema_derivative(u: np.ndarray, alpha: float) -> np.ndarray:
    """``y[k] = (1-α) y[k-1] + α (u[k] - u[k-1])`` along the last axis (scipy lfilter), NaN kept as NaN.

    A missing derivative counts as no change (so one hole does not blank the rest of the window).
    """
    du = np.diff(u, axis=-1)
    missing = np.isnan(du)
    y = sps.lfilter([alpha], [1.0, alpha - 1.0], np.where(missing, 0.0, du), axis=-1)
    return np.where(missing, np.nan, y)


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
    mox = np.flatnonzero(kinds == ChannelKind.MOX)
    if mox.size == 0:
        raise MissingChannelError("the layout has no MOX channel: there is nothing to compute features from")

    def first(kind: ChannelKind) -> int | None:
        found = np.flatnonzero(kinds == kind)
        return int(found[0]) if found.size else None

    i_co2, i_p, i_rh, i_t = (first(k) for k in (ChannelKind.CO2, ChannelKind.PRESSURE, ChannelKind.HUMIDITY,
                                                ChannelKind.TEMPERATURE))  # fmt: skip
    b, t, p = preprocess(b, config), preprocess(t, config), preprocess(p, config)
    rb, rt, rp = b[:, mox], t[:, mox], p[:, mox]

    n_t = t.shape[-1]
    n_level = config.n_window(config.level_window_s)
    # windows relative to each session's own data extent (phases may be shorter than the grid window)
    len_t, len_p = _extent(t), _extent(p)
    steady = _tail_mask(len_t, np.round(config.steady_fraction * len_t), n_t)
    breath_end = _tail_mask(len_t, np.minimum(n_level, len_t // 2), n_t)
    purge_end = _tail_mask(len_p, np.minimum(n_level, len_p // 2), p.shape[-1])

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

    r0 = baseline_r0(rb)  # (S, M)
    zero_level = _masked_median(rp, purge_end)  # (S, M) clean-air resistance at the settled end of the purge
    dr = delta_r_over_r0(rt, r0)  # (S, M, n_breath)
    lr = log_r_over_r0(rt, r0)
    dp = delta_r_over_r0(rp, r0)
    if gain is not None:
        g = np.asarray(gain, dtype=np.float64)
        if g.shape != (n_s, mox.size):
            raise ShapeError(f"gain must have shape (n_sessions, n_mox) = {(n_s, mox.size)}, got {g.shape}")
        g = np.where(g > 0, g, np.nan)[..., None]
        dr, lr, dp = dr / g, lr / g, dp / g

    # breath cycles and the end-tidal samples
    if i_co2 is not None:
        cycles = breath_cycles(t[:, i_co2], period, None if i_p is None else t[:, i_p], config)
        et_mask = cycles.end_tidal[:, None, :]
        breath_cols = [cycles.n_valid.astype(np.float64), cycles.rate_per_min, cycles.etco2_median_ppm]
    else:
        et_mask = np.zeros((n_s, 1, n_t), bool)
        breath_cols = [np.full(n_s, np.nan)] * 3
    breath_cols += [
        np.full(n_s, np.nan) if i_rh is None else nanmedian(t[:, i_rh]),
        np.full(n_s, np.nan) if i_rh is None else nanmedian(b[:, i_rh]),
    ]

    feats = [
        _masked_median(dr, steady),  # dr_r0: steady-state breath response
        _masked_median(lr, steady),  # log_r_r0
        _masked_median(dr, et_mask),  # et_dr_r0: end-tidal (alveolar) response
        nansum(dr) * period,  # auc_dr_r0_s
    ]
    u = -dr  # response magnitude, rises on exposure
    feats.append(nanmax(np.diff(u, axis=-1)) / period)  # max_rise_per_s
    start_level = _masked_median(dr, breath_end)
    end_level = _masked_median(dp, purge_end)
    feats.append(end_level)  # purge_dr_r0
    span = end_level - start_level
    with np.errstate(invalid="ignore", divide="ignore"):
        progress = (dp - start_level[..., None]) / span[..., None]
    t63 = _first_index(progress >= config.recovery_fraction) * period
    feats.append(np.where(np.abs(span) > 1e-6, t63, np.nan))  # purge_t63_s
    u_purge = -dp
    for alpha in config.ema_alphas:
        feats.append(nanmax(_ema_derivative(u, alpha)))  # rise: exposure (breath)
        feats.append(nanmin(_ema_derivative(u_purge, alpha)))  # decay: cleaning (purge)

    # load ratios (gain-free): the surface load x = R(zero air)/R - 1 is the sensor's gain times a power law
    # of the gas, so ln(x_breath / x_room) cancels the unit's gain and keeps the breath's excess over room air
    room_load = _log_load(zero_level, r0, config.load_floor)
    feats.append(room_load)  # room_load: ln x of the room air (carries the unit's gain and the site's air)
    feats.append(_log_load(zero_level, _masked_median(rt, steady), config.load_floor) - room_load)  # load_ratio
    feats.append(_log_load(zero_level, _masked_median(rt, et_mask), config.load_floor) - room_load)  # et_load_ratio

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
