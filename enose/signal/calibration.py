"""Calibration maths: zero-air baseline, reference-gas check, EWMA drift chart, drift correction.

Pure functions; storing calibration records and the ``enose calibrate`` command
live in :mod:`enose.storage` and the CLI.

Quantities
----------
zero-air baseline
    per channel, the median resistance (ohm; other kinds in their unit) over the
    settled part of a recording on ZERO_AIR: the sensor's "no VOC" reference.
reference response
    per MOX channel, ``R(reference gas) / R(zero air)`` from a recording with a
    ``zero_air`` then a ``reference`` phase: the sensor's sensitivity fingerprint
    (< 1 for the reducing reference gas).
drift gain
    ``ln(latest reference response) / ln(nominal reference response)``: how much
    the sensor's sensitivity changed since it was commissioned. Responses
    divided by it are comparable across the sensor's life (first-order: a MOX
    log-response is about proportional to the sensitivity for small loads).

EWMA control chart (one per channel, on ln of the value)
--------------------------------------------------------
``z_i = λ x_i + (1 - λ) z_{i-1}``, ``z_0 = μ``; ``μ`` and ``σ`` (sample SD,
floored at ``min_sigma_log``) from the first ``n_in_control`` calibrations
(phase I); limits ``μ ± L σ sqrt(λ / (2 - λ) (1 - (1 - λ)^(2i)))`` (Montgomery,
*Introduction to Statistical Quality Control*, EWMA chart with exact
variance). A missing value (dead channel at one calibration) repeats the
previous value, so it neither moves nor resets the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import signal as sps

from enose.recording import Recording
from enose.signal._checks import as_float_array, check_positive
from enose.signal._stats import nanmedian
from enose.signal.compensation import fit_compensation
from enose.signal.config import DEFAULT_DRIFT, DEFAULT_HUMIDITY, DriftConfig, HumidityConfig
from enose.signal.errors import MissingPhaseError, ShapeError, SignalError
from firmware_protocol.messages import ChannelKind, Inlet

__all__ = [
    "DeviceCalibration",
    "ReferenceCheck",
    "EwmaChart",
    "DriftStatus",
    "zero_air_baseline",
    "zero_air_from_recording",
    "reference_response_from_recording",
    "HumidityResponse",
    "humidity_response_from_recording",
    "judge_humidity",
    "reference_check",
    "ewma_chart",
    "drift_status",
    "drift_gain",
    "drift_correct",
]


@dataclass(frozen=True, eq=False)
class DeviceCalibration:
    """A device's calibration state as the signal code needs it.

    Attributes:
        channels: channel names (INFO names) the arrays refer to.
        zero_air_ohm: ``(n_channels,)`` latest zero-air baseline, ohm.
        reference_response: ``(n_channels,)`` latest R(ref)/R(zero), or None.
        nominal_reference_response: ``(n_channels,)`` R(ref)/R(zero) when commissioned, or None.
        humidity_sensitivity_per_pct: ``(n_channels,)`` measured ``-d ln R / d RH`` per % RH
            (dry and humidified zero air), or None when the humidity response was not measured.
    """

    channels: tuple[str, ...]
    zero_air_ohm: np.ndarray
    reference_response: np.ndarray | None = None
    nominal_reference_response: np.ndarray | None = None
    humidity_sensitivity_per_pct: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.channels)
        for name in ("zero_air_ohm", "reference_response", "nominal_reference_response",
                     "humidity_sensitivity_per_pct"):  # fmt: skip
            value = getattr(self, name)
            if value is not None and np.shape(value) != (n,):
                raise ShapeError(
                    f"DeviceCalibration.{name} must have shape ({n},) like channels, got {np.shape(value)}"
                )


def zero_air_baseline(x: np.ndarray, settle_fraction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Level and noise of each channel over the settled end of a zero-air recording.

    Args:
        x: ``(..., n_channels, n_samples)`` samples on zero air (ohm for MOX).
        settle_fraction: the last this-fraction of the samples is used (the start is settling).

    Returns:
        ``(level, noise)``: ``(..., n_channels)`` median level, and the robust SD of the
        sample-to-sample relative change (``1.4826 MAD(diff ln x) / sqrt 2``, dimensionless).
    """
    x = as_float_array(x, "x", min_ndim=2)
    if not 0 < settle_fraction <= 1:
        raise SignalError(f"settle_fraction must be within (0, 1], got {settle_fraction}")
    n = max(2, int(round(settle_fraction * x.shape[-1])))
    tail = x[..., -n:]
    level = nanmedian(tail)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.diff(np.log(np.where(tail > 0, tail, np.nan)), axis=-1)
    noise = 1.4826 * nanmedian(np.abs(d - nanmedian(d)[..., None])) / np.sqrt(2)
    return level, noise


def _phase_samples(rec: Recording, names: Sequence[str], inlet: int | None) -> np.ndarray:
    """Boolean mask of the samples of the last phase called one of ``names`` (else with ``inlet``)."""
    found = [p for p in rec.phases if p.name in names]
    if not found and inlet is not None:
        found = [p for p in rec.phases if p.inlet == inlet]
    if not found:
        raise MissingPhaseError(
            f"the recording has no {' or '.join(names)} phase (phases: {[p.name for p in rec.phases]}); "
            "record a calibration with the calibration protocol"
        )
    return found[-1].mask(rec.t_s)


def zero_air_from_recording(rec: Recording, settle_fraction: float = 0.5) -> tuple[tuple[str, ...], np.ndarray]:
    """Zero-air baseline of every channel from a calibration recording.

    Uses the last ``zero_air`` phase (else the last phase on the ZERO_AIR inlet, e.g. a purge).

    Returns:
        ``(channel names, level)`` with level ``(n_channels,)`` in each channel's unit.
    """
    mask = _phase_samples(rec, ("zero_air",), int(Inlet.ZERO_AIR))
    if mask.sum() < 2:
        raise MissingPhaseError("the zero-air phase holds fewer than two samples; record it again")
    level, _ = zero_air_baseline(rec.values[mask].T, settle_fraction)
    return rec.layout.names, level


def reference_response_from_recording(
    rec: Recording, settle_fraction: float = 0.5
) -> tuple[tuple[str, ...], np.ndarray]:
    """Reference response ``R(reference) / R(zero air)`` of every MOX channel.

    Needs a ``zero_air`` phase (the first one is the zero level) and a ``reference`` phase.

    Returns:
        ``(MOX channel names, response)`` with response ``(n_mox,)``, dimensionless.
    """
    mox = rec.layout.indices(ChannelKind.MOX)
    zero_phase = next((p for p in rec.phases if p.name == "zero_air"), None)
    ref_phase = next((p for p in rec.phases if p.name == "reference"), None)
    if zero_phase is None or ref_phase is None:
        raise MissingPhaseError(
            f"a reference check needs a 'zero_air' and a 'reference' phase, the recording has "
            f"{[p.name for p in rec.phases]}; record it with the reference calibration protocol"
        )
    zero, _ = zero_air_baseline(rec.values[zero_phase.mask(rec.t_s)][:, mox].T, settle_fraction)
    ref, _ = zero_air_baseline(rec.values[ref_phase.mask(rec.t_s)][:, mox].T, settle_fraction)
    with np.errstate(invalid="ignore", divide="ignore"):
        response = ref / np.where(zero > 0, zero, np.nan)
    return tuple(rec.layout.names[i] for i in mox), response


@dataclass(frozen=True, eq=False)
class HumidityResponse:
    """Each MOX sensor's humidity sensitivity from dry then humidified zero air.

    Attributes:
        channels: MOX channel names (INFO order).
        sensitivity_per_pct: ``(n_mox,)`` ``-d ln R / d RH`` per % RH (positive: R falls with humidity);
            NaN for a dead channel.
        rh_dry_pct, rh_humid_pct: median cell humidity over the settled dry and humidified steps, %.
    """

    channels: tuple[str, ...]
    sensitivity_per_pct: np.ndarray
    rh_dry_pct: float
    rh_humid_pct: float


def _settled(mask: np.ndarray, fraction: float) -> np.ndarray:
    """The last ``fraction`` of the samples selected by ``mask``."""
    index = np.flatnonzero(mask)
    keep = np.zeros_like(mask)
    keep[index[index.size - max(2, int(round(fraction * index.size))) :]] = True
    return keep & mask


def humidity_response_from_recording(rec: Recording, config: HumidityConfig = DEFAULT_HUMIDITY) -> HumidityResponse:
    """Humidity sensitivity of every MOX sensor from a zero-air calibration with a humidified step.

    Needs a ``zero_air`` phase and a ``humid_zero_air`` phase after it (ICD revision 1.1). The
    slope of ln R against the cell humidity the HUMIDITY channel reports is fitted by least
    squares over the settled end of both steps (:func:`~enose.signal.compensation.fit_compensation`):
    the gas is the same zero air, so only humidity moves the resistance.

    Raises:
        MissingPhaseError: no humidified step (e.g. firmware before revision 1.1), or too few samples.
        MissingChannelError: the layout has no HUMIDITY channel.
    """
    from enose.signal.errors import MissingChannelError

    humid_phase = next((p for p in reversed(rec.phases) if p.name == "humid_zero_air"), None)
    dry_phase = None if humid_phase is None else next(
        (p for p in reversed(rec.phases) if p.name == "zero_air" and p.start_s < humid_phase.start_s), None
    )
    if humid_phase is None or dry_phase is None:
        raise MissingPhaseError(
            f"a humidity calibration needs a 'zero_air' then a 'humid_zero_air' phase, the recording has "
            f"{[p.name for p in rec.phases]}"
        )
    rh_index = rec.layout.indices(ChannelKind.HUMIDITY)
    if len(rh_index) == 0:
        raise MissingChannelError("the device has no HUMIDITY channel: its humidity response cannot be measured")
    mox = rec.layout.indices(ChannelKind.MOX)
    dry = _settled(dry_phase.mask(rec.t_s), config.settle_fraction)
    humid = _settled(humid_phase.mask(rec.t_s), config.settle_fraction)
    if dry.sum() < 2 or humid.sum() < 2:
        raise MissingPhaseError("the dry or humidified zero-air step holds fewer than two samples; record it again")
    use = dry | humid
    rh = rec.values[use, rh_index[0]].astype(np.float64)
    r = rec.values[use][:, mox].astype(np.float64).T
    with np.errstate(invalid="ignore", divide="ignore"):
        log_r = np.log(np.where(r > 0, r, np.nan))
    # the span rule of the fit is judged by judge_humidity, with its own reason: fit any span here
    coefficients = fit_compensation(log_r, rh, min_rh_span_pct=1e-9)
    rh_dry, rh_humid = (float(np.nanmedian(rec.values[m, rh_index[0]])) for m in (dry, humid))
    names = tuple(rec.layout.names[i] for i in mox)
    return HumidityResponse(names, -np.asarray(coefficients.humidity_per_pct, dtype=float), rh_dry, rh_humid)


def judge_humidity(
    response: HumidityResponse, config: HumidityConfig = DEFAULT_HUMIDITY
) -> tuple[np.ndarray, list[str | None]]:
    """Pass/fail of each sensor's humidity sensitivity: ``(passed (n_mox,) bool, reason per sensor)``.

    Reasons (stable codes, ``None`` for a pass): ``humidity_step_too_small`` (every sensor:
    the humidifier did not reach :attr:`HumidityConfig.min_humid_rh_pct` or the step was
    under :attr:`HumidityConfig.min_step_rh_pct`, so nothing can be judged), ``no_signal``
    (dead channel), ``humidity_response_too_low`` / ``humidity_response_too_high`` (outside
    the plausible range of :class:`HumidityConfig`).
    """
    s = np.asarray(response.sensitivity_per_pct, dtype=float)
    step = response.rh_humid_pct - response.rh_dry_pct
    if not (response.rh_humid_pct >= config.min_humid_rh_pct and step >= config.min_step_rh_pct):
        return np.zeros(s.shape, bool), ["humidity_step_too_small"] * s.size
    reasons: list[str | None] = []
    for value in s:
        if not np.isfinite(value):
            reasons.append("no_signal")
        elif value < config.min_sensitivity_per_pct:
            reasons.append("humidity_response_too_low")
        elif value > config.max_sensitivity_per_pct:
            reasons.append("humidity_response_too_high")
        else:
            reasons.append(None)
    return np.array([r is None for r in reasons], bool), reasons


@dataclass(frozen=True, eq=False)
class ReferenceCheck:
    """Per-channel outcome of a reference-gas check.

    Attributes:
        passed: ``(..., n_channels)`` bool; a channel with no expected value passes (not checked),
            a channel with no measurement fails.
        checked: ``(..., n_channels)`` bool, an expected value was given.
        deviation: ``(..., n_channels)`` relative deviation ``(measured - expected) / expected``.
        all_passed: ``(...)`` bool.
    """

    passed: np.ndarray
    checked: np.ndarray
    deviation: np.ndarray
    all_passed: np.ndarray


def reference_check(measured: np.ndarray, expected: np.ndarray, tolerance: float | np.ndarray) -> ReferenceCheck:
    """Pass/fail of each channel's reference response against its expected value.

    Args:
        measured: ``(..., n_channels)`` measured response (e.g. R(ref)/R(zero)).
        expected: ``(n_channels,)`` or ``(..., n_channels)`` expected response (NaN = not checked).
        tolerance: relative tolerance, scalar or ``(n_channels,)`` (0.2 = within ±20 %).
    """
    m = as_float_array(measured, "measured")
    e = as_float_array(expected, "expected")
    tol = as_float_array(tolerance, "tolerance", min_ndim=0)
    if np.any(~np.isfinite(tol)) or np.any(tol < 0):
        raise SignalError("tolerance must be finite and >= 0")
    try:
        shape = np.broadcast_shapes(m.shape, e.shape, tol.shape)
    except ValueError as error:
        raise ShapeError(f"measured {m.shape}, expected {e.shape} and tolerance {tol.shape} do not match") from error
    if shape != m.shape:
        raise ShapeError(f"expected {e.shape} and tolerance {tol.shape} must broadcast to measured {m.shape}")
    checked = np.broadcast_to(np.isfinite(e) & (e != 0), shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        deviation = np.where(checked, (m - e) / e, np.nan)
    passed = ~checked | (np.isfinite(deviation) & (np.abs(deviation) <= tol))
    return ReferenceCheck(passed, checked.copy(), deviation, passed.all(axis=-1))


@dataclass(frozen=True, eq=False)
class EwmaChart:
    """EWMA control chart, one column per channel.

    Attributes:
        values: ``(n_points, n_channels)`` the charted values (missing ones carried forward).
        ewma: ``(n_points, n_channels)`` ``z_i``.
        center, sigma: ``(n_channels,)`` phase-I mean and SD (floored).
        lower, upper: ``(n_points, n_channels)`` control limits.
        out_of_control: ``(n_points, n_channels)`` bool, ``z_i`` outside its limits.
    """

    values: np.ndarray
    ewma: np.ndarray
    center: np.ndarray
    sigma: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    out_of_control: np.ndarray


def ewma_chart(series: np.ndarray, config: DriftConfig = DEFAULT_DRIFT) -> EwmaChart:
    """EWMA chart of a per-channel time series (see the module docstring).

    Args:
        series: ``(n_points, n_channels)`` in time order (e.g. ln baseline); NaN = missing.
        config: λ, phase-I length, limit width, sigma floor.

    Raises:
        ShapeError: fewer points than ``config.n_in_control`` (the chart has no limits yet).
    """
    x = as_float_array(series, "series", min_ndim=2)
    if x.ndim != 2:
        raise ShapeError(f"series must be (n_points, n_channels), got {x.shape}")
    n_pts = x.shape[0]
    if n_pts < config.n_in_control:
        raise ShapeError(f"the chart needs at least {config.n_in_control} calibrations to set its limits, got {n_pts}")
    k = np.arange(n_pts)[:, None]
    last = np.maximum.accumulate(np.where(np.isnan(x), -1, k), axis=0)
    filled = np.where(last >= 0, np.take_along_axis(x, np.clip(last, 0, None), axis=0), np.nan)
    phase1 = filled[: config.n_in_control]
    with np.errstate(invalid="ignore", divide="ignore"):
        n1 = np.isfinite(phase1).sum(axis=0)
        center = np.where(n1 > 0, np.nansum(phase1, axis=0) / np.maximum(n1, 1), np.nan)
        var = np.nansum((phase1 - center) ** 2, axis=0) / np.maximum(n1 - 1, 1)
    sigma = np.maximum(np.sqrt(var), config.min_sigma_log)
    lam = config.ewma_lambda
    start = np.where(np.isnan(filled), center, filled)  # before the first value: the centre (no move)
    zi = ((1 - lam) * center)[None, :]
    ewma = sps.lfilter([lam], [1.0, lam - 1.0], np.nan_to_num(start), axis=0, zi=np.nan_to_num(zi))[0]
    ewma = np.where(np.isfinite(center), ewma, np.nan)
    i = np.arange(1, n_pts + 1)[:, None]
    width = config.limit_sigmas * sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * i)))
    lower, upper = center - width, center + width
    out = ~((ewma >= lower) & (ewma <= upper))
    return EwmaChart(filled, ewma, center, sigma, lower, upper, out)


@dataclass(frozen=True, eq=False)
class DriftStatus:
    """Whether a device needs recalibrating, and why.

    Attributes:
        baseline_chart: EWMA chart of ln(zero-air baseline), or None (too few calibrations).
        response_chart: EWMA chart of ln(reference response), or None.
        recalibration_due: True when any reason applies.
        reasons: stable codes: ``baseline_out_of_control``, ``response_out_of_control``,
            ``humidity_out_of_control``, ``calibration_too_old``, ``channel_missing`` (no value
            at the latest calibration).
        channels_out: ``(n_channels,)`` bool, channels out of control at the latest point.
        humidity_chart: EWMA chart of ln(humidity sensitivity), or None.
    """

    baseline_chart: EwmaChart | None
    response_chart: EwmaChart | None
    recalibration_due: bool
    reasons: tuple[str, ...]
    channels_out: np.ndarray
    humidity_chart: EwmaChart | None = None

    def as_dict(self) -> dict:
        def chart(c: EwmaChart | None) -> dict | None:
            if c is None:
                return None
            return {k: np.asarray(getattr(c, k)).tolist() for k in ("ewma", "center", "sigma", "lower", "upper")}

        return {
            "recalibration_due": self.recalibration_due,
            "reasons": list(self.reasons),
            "channels_out": self.channels_out.tolist(),
            "baseline_chart": chart(self.baseline_chart),
            "response_chart": chart(self.response_chart),
            "humidity_chart": chart(self.humidity_chart),
        }


def drift_status(
    baselines_ohm: np.ndarray,
    responses: np.ndarray | None,
    age_days: float,
    config: DriftConfig = DEFAULT_DRIFT,
    humidity: np.ndarray | None = None,
) -> DriftStatus:
    """EWMA charts of a device's calibrations and the "recalibration due" flag.

    Args:
        baselines_ohm: ``(n_calibrations, n_channels)`` zero-air baselines in time order, ohm.
        responses: ``(n_reference_checks, n_channels)`` reference responses in time order, or None.
        age_days: days since the newest calibration.
        config: chart and age parameters.
        humidity: ``(n_humidity_calibrations, n_channels)`` humidity sensitivities in time order, or None.

    Returns:
        :class:`DriftStatus`; a chart with fewer than ``n_in_control`` points is None (no limits yet),
        and then only the age and missing-channel rules apply.
    """
    base = as_float_array(baselines_ohm, "baselines_ohm", min_ndim=2)
    age = check_positive(age_days, "age_days", allow_zero=True)
    reasons: list[str] = []
    charts: list[EwmaChart | None] = []
    out = np.zeros(base.shape[-1], bool)
    for name, series in (("baseline", base), ("response", responses), ("humidity", humidity)):
        if series is None:
            charts.append(None)
            continue
        s = as_float_array(series, name, min_ndim=2)
        if s.shape[-1] != base.shape[-1]:
            raise ShapeError(f"{name} must have {base.shape[-1]} channels like baselines_ohm, got {s.shape}")
        if s.shape[0] and np.any(np.isnan(s[-1])) and "channel_missing" not in reasons:
            reasons.append("channel_missing")
        if s.shape[0] < config.n_in_control:
            charts.append(None)
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            chart = ewma_chart(np.log(np.where(s > 0, s, np.nan)), config)
        charts.append(chart)
        latest = chart.out_of_control[-1] & np.isfinite(chart.center)
        if latest.any():
            reasons.append(f"{name}_out_of_control")
            out |= latest
    if base.shape[0] == 0 or age > config.max_age_days:
        reasons.append("calibration_too_old")
    return DriftStatus(charts[0], charts[1], bool(reasons), tuple(reasons), out, charts[2])


def drift_gain(calibration: DeviceCalibration, channels: Sequence[str]) -> np.ndarray:
    """Sensitivity drift factor per named channel: ``ln(latest response) / ln(nominal response)``.

    Returns ``(len(channels),)``; 1.0 (no correction) for a channel the calibration does
    not cover, or whose responses are missing or too close to 1 to divide by.
    """
    out = np.ones(len(channels))
    if calibration.reference_response is None or calibration.nominal_reference_response is None:
        return out
    index = {name: i for i, name in enumerate(calibration.channels)}
    for j, name in enumerate(channels):
        i = index.get(name)
        if i is None:
            continue
        latest = float(calibration.reference_response[i])
        nominal = float(calibration.nominal_reference_response[i])
        if latest > 0 and nominal > 0 and abs(np.log(nominal)) > 1e-3:
            out[j] = np.log(latest) / np.log(nominal)
    return out


def drift_correct(x: np.ndarray, zero_air_ohm: np.ndarray, gain: np.ndarray | None = None) -> np.ndarray:
    """Resistance referred to the device's latest zero-air baseline, sensitivity drift removed.

    ``ln(R / R_zero) / gain`` per channel: dividing by the zero-air baseline removes
    the slow baseline drift, dividing by the gain (:func:`drift_gain`) the
    sensitivity drift.

    Args:
        x: ``(..., n_channels, n_samples)`` resistance, ohm.
        zero_air_ohm: ``(..., n_channels)`` latest zero-air baseline, ohm.
        gain: ``(..., n_channels)`` or None (no sensitivity correction).

    Returns:
        ``(..., n_channels, n_samples)`` dimensionless log ratio (NaN where undefined).
    """
    r = as_float_array(x, "x", min_ndim=2)
    z = as_float_array(zero_air_ohm, "zero_air_ohm")
    if z.shape != r.shape[:-1]:
        raise ShapeError(f"zero_air_ohm must have shape {r.shape[:-1]}, got {z.shape}")
    g = np.ones(z.shape) if gain is None else as_float_array(gain, "gain")
    if g.shape != z.shape:
        raise ShapeError(f"gain must have shape {z.shape}, got {g.shape}")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(r > 0, r, np.nan) / np.where(z > 0, z, np.nan)[..., None]
        return np.log(ratio) / np.where(g > 0, g, np.nan)[..., None]
