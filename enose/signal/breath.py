"""Breath cycles from the capnogram (mask CO2) and the mask pressure.

Why the capnogram: CO2 is the one unambiguous marker of alveolar gas. An
exhalation is where CO2 is high; the end of each exhalation holds the
alveolar (end-tidal) fraction, which is where breath VOCs are richest.

Method (vectorised over every leading axis, no loop over samples or cycles):

1. Hysteresis thresholds per session from the CO2 range of the window:
   ``high = p5 + co2_high_fraction * (p95 - p5)``, ``low = p5 + co2_low_fraction * (p95 - p5)``.
   A sample above ``high`` sets "exhaling", below ``low`` clears it; in between the
   state holds (forward fill of the last event), so noise cannot split a breath.
2. A cycle runs from one exhalation onset to the next (the last, unfinished
   one is dropped). Per-cycle statistics come from ``np.bincount`` and
   ``ufunc.reduceat`` over the flattened cycle ids.
3. A cycle is *valid* when its duration, exhalation share, end-tidal CO2
   (its maximum) and missing-sample share are within the limits of
   :class:`~enose.signal.config.ProcessingConfig`, and (when a pressure
   channel is given and alive) the mean mask pressure while exhaling exceeds
   the mean while inhaling (ICD: exhalation > 0).
4. End-tidal samples: the last ``end_tidal_fraction`` of each valid
   exhalation, shifted by ``line_delay_s`` (mask-to-cell transport) so they
   can index the MOX channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enose.signal._checks import as_float_array, check_positive, check_times
from enose.signal._stats import nanmedian, nanquantile_pair
from enose.signal.config import DEFAULT_PROCESSING, ProcessingConfig
from enose.signal.errors import ShapeError
from enose.signal.grid import phase_grid, resample_uniform

__all__ = ["BreathCycles", "breath_cycles", "count_breath_cycles"]


@dataclass(frozen=True, eq=False)
class BreathCycles:
    """Breath cycles of one or more sessions; ``...`` is the leading shape of the input.

    Attributes:
        exhaling: ``(..., n_samples)`` bool, the hysteresis state.
        cycle: ``(..., n_samples)`` int, index of the complete cycle each sample
            belongs to, -1 outside complete cycles.
        start: ``(..., n_cycles_max)`` int, sample index of each cycle's exhalation onset (-1 padding).
        duration_s: ``(..., n_cycles_max)`` float, s (NaN padding).
        exhale_fraction: ``(..., n_cycles_max)`` float, share of the cycle spent exhaling.
        etco2_ppm: ``(..., n_cycles_max)`` float, maximum CO2 of each cycle, ppm.
        valid: ``(..., n_cycles_max)`` bool.
        n_valid: ``(...)`` int, number of valid cycles.
        rate_per_min: ``(...)`` float, 60 / median valid cycle duration (NaN without valid cycles).
        etco2_median_ppm: ``(...)`` float, median end-tidal CO2 of the valid cycles.
        end_tidal: ``(..., n_samples)`` bool, end-exhalation samples of valid cycles, delayed to the MOX cell.
    """

    exhaling: np.ndarray
    cycle: np.ndarray
    start: np.ndarray
    duration_s: np.ndarray
    exhale_fraction: np.ndarray
    etco2_ppm: np.ndarray
    valid: np.ndarray
    n_valid: np.ndarray
    rate_per_min: np.ndarray
    etco2_median_ppm: np.ndarray
    end_tidal: np.ndarray


def breath_cycles(
    co2_ppm: np.ndarray,
    period_s: float,
    pressure_pa: np.ndarray | None = None,
    config: ProcessingConfig = DEFAULT_PROCESSING,
) -> BreathCycles:
    """Segment exhalations and inhalations and judge each cycle (the four steps of the module docs).

    Args:
        co2_ppm: ``(..., n_samples)`` capnogram on a uniform grid (NaN = gap), ppm;
            e.g. ``(n_samples,)`` for one session or ``(n_sessions, n_samples)``.
        period_s: grid period, s.
        pressure_pa: ``(..., n_samples)`` mask differential pressure, Pa, or None.
        config: thresholds ``co2_*``, ``cycle_*``, ``end_tidal_fraction``, ``line_delay_s``.

    Returns:
        :class:`BreathCycles` with the same leading shape as ``co2_ppm``.
    """
    co2 = as_float_array(co2_ppm, "co2_ppm")
    period = check_positive(period_s, "period_s")
    lead, n = co2.shape[:-1], co2.shape[-1]
    pres = None
    if pressure_pa is not None:
        pres = as_float_array(pressure_pa, "pressure_pa")
        if pres.shape != co2.shape:
            raise ShapeError(f"pressure_pa must have the shape of co2_ppm {co2.shape}, got {pres.shape}")
    x = co2.reshape(-1, n)
    p = None if pres is None else pres.reshape(-1, n)

    state = _hysteresis_state(x, config)
    cycles = _Cycles.of(state, x)
    duration, exhale_fraction, valid = _judge_cycles(cycles, x, p, state, period, config)
    n_valid = valid.sum(axis=-1)
    rate = 60.0 / nanmedian(np.where(valid, duration, np.nan))
    et_median = nanmedian(np.where(valid, cycles.etco2, np.nan))
    end_tidal = _end_tidal_samples(cycles, valid, x.shape, period, config)

    def back(a: np.ndarray) -> np.ndarray:
        return a.reshape(*lead, *a.shape[1:])

    return BreathCycles(
        exhaling=back(state),
        cycle=back(cycles.cyc),
        start=back(cycles.start),
        duration_s=back(duration),
        exhale_fraction=back(exhale_fraction),
        etco2_ppm=back(cycles.etco2),
        valid=back(valid),
        n_valid=n_valid.reshape(lead),
        rate_per_min=rate.reshape(lead),
        etco2_median_ppm=et_median.reshape(lead),
        end_tidal=back(end_tidal),
    )


def _hysteresis_state(x: np.ndarray, config: ProcessingConfig) -> np.ndarray:
    """Step 1: ``(rows, n)`` bool "exhaling": set above ``high``, cleared below ``low``, held in between."""
    k = np.arange(x.shape[-1])
    p_lo, p_hi = nanquantile_pair(x, 0.05, 0.95)
    high = (p_lo + config.co2_high_fraction * (p_hi - p_lo))[:, None]
    low = (p_lo + config.co2_low_fraction * (p_hi - p_lo))[:, None]
    with np.errstate(invalid="ignore"):
        event = np.where(x > high, 1, np.where(x < low, -1, 0)).astype(np.int8)
    last = np.maximum.accumulate(np.where(event != 0, k, -1), axis=-1)
    return (np.take_along_axis(event, np.clip(last, 0, None), axis=-1) > 0) & (last >= 0)


@dataclass(frozen=True, eq=False)
class _Cycles:
    """Step 2: complete cycles (onset to next onset) and their per-cycle sums, ``(rows, n_max)`` each."""

    cyc: np.ndarray  # (rows, n) cycle index of each sample, -1 outside complete cycles
    in_cycle: np.ndarray  # (rows, n) bool
    flat: np.ndarray  # flattened (row, cycle) id of every in-cycle sample, non-decreasing
    n_max: int
    length: np.ndarray
    exhale: np.ndarray
    missing: np.ndarray
    start: np.ndarray
    etco2: np.ndarray

    def sum(self, weights: np.ndarray) -> np.ndarray:
        """Per-cycle sum of ``weights`` (``(rows, n)``): one ``np.bincount`` over every session at once."""
        rows = self.cyc.shape[0]
        size = rows * self.n_max
        values = weights[self.in_cycle].astype(np.float64)
        return np.bincount(self.flat, weights=values, minlength=size).reshape(rows, self.n_max)

    @classmethod
    def of(cls, state: np.ndarray, x: np.ndarray) -> _Cycles:
        rows, n = x.shape
        onset = np.zeros_like(state)
        onset[:, 1:] = state[:, 1:] & ~state[:, :-1]
        n_onsets = onset.sum(axis=-1)
        cyc = np.cumsum(onset, axis=-1) - 1
        cyc = np.where((cyc >= 0) & (cyc < (n_onsets - 1)[:, None]), cyc, -1)  # the last, unfinished one goes
        n_max = max(int(n_onsets.max(initial=0)) - 1, 0)
        in_cycle = cyc >= 0
        flat = (np.arange(rows)[:, None] * n_max + cyc)[in_cycle]
        empty = np.empty((rows, n_max))
        partial = cls(cyc, in_cycle, flat, n_max, empty, empty, empty, empty, empty)
        start = np.full(rows * n_max, -1, dtype=np.intp)
        etco2 = np.full(rows * n_max, np.nan)
        if flat.size:
            first = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
            start[flat[first]] = np.broadcast_to(np.arange(n), x.shape)[in_cycle][first]
            etco2[flat[first]] = np.fmax.reduceat(x[in_cycle], first)
        return cls(cyc, in_cycle, flat, n_max, partial.sum(np.ones_like(x)), partial.sum(state),
                   partial.sum(np.isnan(x)), start.reshape(rows, n_max), etco2.reshape(rows, n_max))  # fmt: skip


def _judge_cycles(cycles: _Cycles, x: np.ndarray, p: np.ndarray | None, state: np.ndarray, period: float,
                  config: ProcessingConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Step 3: ``(duration_s, exhale_fraction, valid)`` of every cycle against the config's limits."""
    exists = cycles.length > 0
    duration = np.where(exists, cycles.length * period, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        exhale_fraction = np.where(exists, cycles.exhale / cycles.length, np.nan)
        missing_fraction = cycles.missing / cycles.length
        valid = (
            exists
            & (duration >= config.cycle_min_s)
            & (duration <= config.cycle_max_s)
            & (exhale_fraction >= config.cycle_min_exhale_fraction)
            & (exhale_fraction <= config.cycle_max_exhale_fraction)
            & (missing_fraction <= config.cycle_max_missing_fraction)
            & (cycles.etco2 >= config.cycle_min_etco2_ppm)
        )
        if p is not None:  # ICD: the mask pressure is higher while exhaling than while inhaling
            p_ok = np.isfinite(p)
            p0 = np.where(p_ok, p, 0.0)
            exh_sum, exh_n = cycles.sum(p0 * state), cycles.sum(p_ok & state)
            inh_sum, inh_n = cycles.sum(p0 * ~state), cycles.sum(p_ok & ~state)
            known = (exh_n > 0) & (inh_n > 0)
            valid &= ~known | (exh_sum / np.maximum(exh_n, 1) > inh_sum / np.maximum(inh_n, 1))
    return duration, exhale_fraction, valid


def _end_tidal_samples(cycles: _Cycles, valid: np.ndarray, shape: tuple[int, int], period: float,
                       config: ProcessingConfig) -> np.ndarray:  # fmt: skip
    """Step 4: the last ``end_tidal_fraction`` of each valid exhalation, delayed to the MOX cell."""
    n = shape[-1]
    cyc_c = np.clip(cycles.cyc, 0, None)
    if cycles.n_max:
        exh_len = np.take_along_axis(cycles.exhale, cyc_c, axis=-1)
        cyc_start = np.take_along_axis(cycles.start, cyc_c, axis=-1)
        cyc_valid = np.take_along_axis(valid, cyc_c, axis=-1)
    else:
        exh_len, cyc_start, cyc_valid = np.zeros(shape), np.zeros(shape, np.intp), np.zeros(shape, bool)
    pos = np.arange(n) - cyc_start
    tail = np.ceil(config.end_tidal_fraction * exh_len)
    end_tidal = cycles.in_cycle & cyc_valid & (pos < exh_len) & (pos >= exh_len - tail)
    delay = min(int(round(config.line_delay_s / period)), n)  # a stretch shorter than the line delay: none
    if delay:
        shifted = np.zeros_like(end_tidal)
        shifted[:, delay:] = end_tidal[:, : n - delay]
        end_tidal = shifted
    return end_tidal


def count_breath_cycles(
    co2_ppm: np.ndarray,
    t_s: np.ndarray,
    pressure_pa: np.ndarray | None = None,
    config: ProcessingConfig = DEFAULT_PROCESSING,
) -> int:
    """Valid breath cycles in a raw capnogram (the live counter and the quality gate agree on it).

    Args:
        co2_ppm: ``(n_samples,)`` mask CO2 as recorded, ppm.
        t_s: ``(n_samples,)`` session seconds (irregular, with gaps, is fine).
        pressure_pa: ``(n_samples,)`` mask pressure, Pa, or None.
        config: grid period and cycle criteria.

    Returns:
        The number of valid cycles (0 for fewer than two samples).
    """
    t = check_times(t_s)
    co2 = as_float_array(co2_ppm, "co2_ppm")
    if co2.shape != t.shape:
        raise ShapeError(f"co2_ppm must have the shape of t_s {t.shape}, got {co2.shape}")
    if t.size < 2:
        return 0
    period = config.grid_period_s
    raw_period = float(np.median(np.diff(t)))
    grid = phase_grid(t[0], int((t[-1] - t[0]) // period) + 1, period)
    series = co2[None, :] if pressure_pa is None else np.stack([co2, as_float_array(pressure_pa, "pressure_pa")])
    if series.shape[-1] != t.size:
        raise ShapeError(f"pressure_pa must have the shape of t_s {t.shape}")
    on_grid, _ = resample_uniform(t, series, grid, period, max_gap_s=max(config.max_gap_periods * raw_period, period))
    pressure = None if pressure_pa is None else on_grid[1]
    return int(breath_cycles(on_grid[0], period, pressure, config).n_valid)
