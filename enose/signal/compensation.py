"""Humidity and temperature compensation of MOX resistance.

The model (documented in ``README.md``)
---------------------------------------
Water vapour and cell temperature change a MOX sensor's resistance
multiplicatively, independently of the VOC load, so in log space they add::

    ln R(t) = g(t) + a * (RH(t) - rh_ref_pct) + b * (T(t) - temp_ref_c)

``g`` is the gas term (what we want), ``a`` (per %RH) and ``b`` (per degC) are
per-channel coefficients. Compensation removes the last two terms::

    ln R_comp = ln R - a * (RH - rh_ref_pct) - b * (T - temp_ref_c)

Fitting ``a`` and ``b`` needs samples where the gas term is constant while RH or T
changes. Two sources:

* **calibration data** (preferred): a humidity step on zero air recorded by a
  technician; fit with :func:`fit_compensation` on that recording.
* **the session itself**: the settled baseline (room air, room RH) and the tail
  of the purge (zero air, dry) give two RH levels. This assumes the room's VOC
  background is negligible against the breath: room VOCs bias ``a`` (they lower
  R at the same time as the higher room RH). Use it only as a fallback.

A coefficient is set to 0 (no compensation for that term) when its regressor
spans less than ``min_rh_span_pct`` / ``min_temp_span_c`` in the fit samples:
an unidentifiable slope must not be invented.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from enose.signal._checks import as_float_array, check_positive
from enose.signal.errors import ShapeError

__all__ = ["CompensationCoefficients", "fit_compensation", "compensate"]


@dataclass(frozen=True, eq=False)
class CompensationCoefficients:
    """Per-channel coefficients of the compensation model.

    Attributes:
        humidity_per_pct: ``(..., n_channels)`` d ln R / d RH, per % RH (typically negative).
        temperature_per_degc: ``(..., n_channels)`` d ln R / d T, per degC.
        rh_ref_pct: reference humidity the output is referred to, %.
        temp_ref_c: reference cell temperature, degC.
    """

    humidity_per_pct: np.ndarray
    temperature_per_degc: np.ndarray
    rh_ref_pct: float = 0.0
    temp_ref_c: float = 0.0


def _masked_centre(v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = np.maximum(w.sum(axis=-1, keepdims=True), 1)
    mean = np.where(w, v, 0.0).sum(axis=-1, keepdims=True) / n
    return np.where(w, v - mean, 0.0), mean


def fit_compensation(
    log_r: np.ndarray,
    rh_pct: np.ndarray,
    temp_c: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    *,
    rh_ref_pct: float = 0.0,
    temp_ref_c: float = 0.0,
    min_rh_span_pct: float = 10.0,
    min_temp_span_c: float = 1.0,
) -> CompensationCoefficients:
    """Least-squares fit of the compensation model on samples where the gas term is constant.

    Args:
        log_r: ``(..., n_channels, n_samples)`` ln of MOX resistance (any reference).
        rh_pct: ``(..., n_samples)`` cell relative humidity, %.
        temp_c: ``(..., n_samples)`` cell temperature, degC, or None (no temperature term).
        mask: ``(..., n_samples)`` bool, the samples to fit on (default: all finite ones).
        rh_ref_pct, temp_ref_c: reference conditions stored with the coefficients.
        min_rh_span_pct, min_temp_span_c: minimum 5-95 % range of a regressor to fit its slope.

    Returns:
        :class:`CompensationCoefficients` with ``(..., n_channels)`` arrays; NaN for
        a channel without finite samples.
    """
    y = as_float_array(log_r, "log_r", min_ndim=2)
    rh = as_float_array(rh_pct, "rh_pct")
    if rh.shape != y.shape[:-2] + y.shape[-1:]:
        raise ShapeError(f"rh_pct must have shape {y.shape[:-2] + y.shape[-1:]}, got {rh.shape}")
    t = np.zeros_like(rh) if temp_c is None else as_float_array(temp_c, "temp_c")
    if t.shape != rh.shape:
        raise ShapeError(f"temp_c must have shape {rh.shape}, got {t.shape}")
    m = np.ones(rh.shape, bool) if mask is None else np.asarray(mask, bool)
    if m.shape != rh.shape:
        raise ShapeError(f"mask must have shape {rh.shape}, got {m.shape}")
    check_positive(min_rh_span_pct, "min_rh_span_pct")
    check_positive(min_temp_span_c, "min_temp_span_c")

    m = m & np.isfinite(rh) & np.isfinite(t)
    w = m[..., None, :] & np.isfinite(y)  # (..., n_channels, n_samples)

    def span(v: np.ndarray) -> np.ndarray:
        vv = np.where(m, v, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no sample -> NaN span -> not fitted
            lo, hi = np.nanpercentile(vv, [5, 95], axis=-1)
        return np.nan_to_num(hi - lo)

    use_rh = (span(rh) >= min_rh_span_pct)[..., None]
    use_t = (span(t) >= min_temp_span_c)[..., None] & (temp_c is not None)
    xr, _ = _masked_centre(np.broadcast_to(rh[..., None, :], w.shape), w)
    xt, _ = _masked_centre(np.broadcast_to(t[..., None, :], w.shape), w)
    yc, _ = _masked_centre(np.where(w, y, 0.0), w)
    srr, stt, srt = (xr * xr).sum(-1), (xt * xt).sum(-1), (xr * xt).sum(-1)
    sry, sty = (xr * yc).sum(-1), (xt * yc).sum(-1)
    srr = np.where(use_rh, srr, 0.0)
    stt = np.where(use_t, stt, 0.0)
    srt = np.where(use_rh & use_t, srt, 0.0)
    det = srr * stt - srt**2
    with np.errstate(invalid="ignore", divide="ignore"):
        both_a = (stt * sry - srt * sty) / det
        both_b = (srr * sty - srt * sry) / det
        only_a = sry / srr
        only_b = sty / stt
    a = np.where(use_rh & use_t, both_a, np.where(use_rh, only_a, 0.0))
    b = np.where(use_rh & use_t, both_b, np.where(use_t, only_b, 0.0))
    dead = ~w.any(axis=-1)
    a = np.where(dead, np.nan, a)
    b = np.where(dead, np.nan, b)
    return CompensationCoefficients(a, b, float(rh_ref_pct), float(temp_ref_c))


def compensate(
    log_r: np.ndarray, rh_pct: np.ndarray, temp_c: np.ndarray | None, coefficients: CompensationCoefficients
) -> np.ndarray:
    """Remove the humidity and temperature terms: ``ln R - a (RH - rh_ref) - b (T - T_ref)``.

    Args:
        log_r: ``(..., n_channels, n_samples)`` ln resistance (or ln R/R0).
        rh_pct: ``(..., n_samples)`` %; temp_c: ``(..., n_samples)`` degC or None.
        coefficients: from :func:`fit_compensation`, arrays ``(..., n_channels)``
            (or broadcastable, e.g. ``(n_channels,)`` from a calibration).

    Returns:
        ``(..., n_channels, n_samples)`` compensated ln resistance.
    """
    y = as_float_array(log_r, "log_r", min_ndim=2)
    rh = as_float_array(rh_pct, "rh_pct")
    a = np.asarray(coefficients.humidity_per_pct, dtype=np.float64)
    b = np.asarray(coefficients.temperature_per_degc, dtype=np.float64)
    try:
        np.broadcast_shapes(a.shape, y.shape[:-1])
        np.broadcast_shapes(b.shape, y.shape[:-1])
        np.broadcast_shapes(rh.shape, y.shape[:-2] + y.shape[-1:])
    except ValueError as error:
        raise ShapeError(
            f"coefficients {a.shape}/{b.shape} and rh_pct {rh.shape} do not fit log_r {y.shape}"
        ) from error
    out = y - a[..., None] * (rh[..., None, :] - coefficients.rh_ref_pct)
    if temp_c is not None:
        t = as_float_array(temp_c, "temp_c")
        out = out - b[..., None] * (t[..., None, :] - coefficients.temp_ref_c)
    return out
