"""The vectorised feature batch computes exactly what the straightforward array formulation computes.

``straightforward_features`` below is that formulation, written as the batch was before it
was made fast: NaN-aware medians of masked copies (``_stats.nanmedian``), ``np.diff`` of the
response, the EMA of every derivative with its NaN mask, ``baseline_r0`` / ``delta_r_over_r0`` /
``log_r_over_r0`` on whole arrays, and a despike by ``ndimage.median_filter`` with the NaN
runs bridged for each filter. The batch must give the same bits (``assert_array_equal``:
NaN where NaN, every other value identical), on clean data (its fast paths) and on data with
holes, dead channels, shorter phases, R <= 0, gains and humidity compensation (its general
paths); and a session alone must give the same row as in any batch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import ndimage
from scipy import signal as sps

from enose.signal import filters
from enose.signal._stats import nanmax, nanmedian, nanmin, nansum
from enose.signal.bench import bench_config, synthetic_grids
from enose.signal.breath import breath_cycles
from enose.signal.compensation import CompensationCoefficients, compensate, fit_compensation
from enose.signal.features import compute_features, preprocess
from enose.signal.filters import design_lowpass, fill_nan_linear
from enose.signal.normalise import baseline_r0, delta_r_over_r0, log_r_over_r0
from firmware_protocol.messages import ChannelKind


def _reference_preprocess(x: np.ndarray, config) -> np.ndarray:
    """Bridge NaN, median of ``despike_samples`` (ndimage), restore NaN; bridge, sosfiltfilt, restore."""
    sos = design_lowpass(config.lowpass_hz, 1.0 / config.grid_period_s, config.lowpass_order)
    x = np.asarray(x, dtype=np.float64) if np.asarray(x).dtype != np.float32 else np.asarray(x)
    filled, missing = fill_nan_linear(x)
    k = config.despike_samples
    out = ndimage.median_filter(filled, size=(1,) * (x.ndim - 1) + (k,), mode="nearest")
    out[missing] = np.nan
    filled, missing = fill_nan_linear(out)
    out = sps.sosfiltfilt(sos, filled, axis=-1, padlen=3 * (2 * sos.shape[0] + 1))
    out[missing] = np.nan
    return out


def _extent(x):
    any_data = np.isfinite(x).any(axis=1)
    return np.where(any_data.any(axis=-1), x.shape[-1] - np.argmax(any_data[:, ::-1], axis=-1), 0)


def _tail(length, count, n):
    k = np.arange(n)
    start = (length - np.maximum(count, 1))[:, None]
    return ((k >= start) & (k < length[:, None]))[:, None, :]


def _masked_median(x, mask):
    return nanmedian(np.where(mask, x, np.nan))


def _ema(u, alpha):
    du = np.diff(u, axis=-1)
    missing = np.isnan(du)
    y = sps.lfilter([alpha], [1.0, alpha - 1.0], np.where(missing, 0.0, du), axis=-1)
    return np.where(missing, np.nan, y)


def _log_load(zero, level, floor):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(np.maximum(zero / level - 1.0, floor))


def straightforward_features(b, t, p, kinds, config, gain=None, compensation="none"):
    """The batch's features, one whole-array step after another (no shared selection, no fast path)."""
    period = config.grid_period_s
    mox = np.flatnonzero(kinds == ChannelKind.MOX)
    i_co2, i_p, i_rh, i_t = (int(np.flatnonzero(kinds == k)[0]) for k in (ChannelKind.CO2, ChannelKind.PRESSURE,
                                                                           ChannelKind.HUMIDITY, ChannelKind.TEMPERATURE))  # fmt: skip
    b, t, p = (_reference_preprocess(x, config) for x in (b, t, p))
    rb, rt, rp = b[:, mox], t[:, mox], p[:, mox]
    n_t, n_level = t.shape[-1], config.n_window(config.level_window_s)
    len_t, len_p = _extent(t), _extent(p)
    steady = _tail(len_t, np.round(config.steady_fraction * len_t), n_t)
    breath_end = _tail(len_t, np.minimum(n_level, len_t // 2), n_t)
    purge_end = _tail(len_p, np.minimum(n_level, len_p // 2), p.shape[-1])
    if compensation == "session":
        tail = purge_end[:, 0]
        coeffs = fit_compensation(np.log(np.concatenate([rb, np.where(tail[:, None], rp, np.nan)], axis=-1)),
                                  np.concatenate([b[:, i_rh], np.where(tail, p[:, i_rh], np.nan)], axis=-1),
                                  np.concatenate([b[:, i_t], np.where(tail, p[:, i_t], np.nan)], axis=-1))  # fmt: skip
        rb, rt, rp = (np.exp(compensate(np.log(r), x[:, i_rh], x[:, i_t], coeffs))
                      for r, x in zip((rb, rt, rp), (b, t, p), strict=True))  # fmt: skip
    elif isinstance(compensation, CompensationCoefficients):
        rb, rt, rp = (np.exp(compensate(np.log(r), x[:, i_rh], x[:, i_t], compensation))
                      for r, x in zip((rb, rt, rp), (b, t, p), strict=True))  # fmt: skip
    r0 = baseline_r0(rb)
    zero = _masked_median(rp, purge_end)
    dr, lr, dp = delta_r_over_r0(rt, r0), log_r_over_r0(rt, r0), delta_r_over_r0(rp, r0)
    if gain is not None:
        g = np.where(gain > 0, gain, np.nan)[..., None]
        dr, lr, dp = dr / g, lr / g, dp / g
    cycles = breath_cycles(t[:, i_co2], period, t[:, i_p], config)
    et = cycles.end_tidal[:, None, :]
    breath_cols = [cycles.n_valid.astype(np.float64), cycles.rate_per_min, cycles.etco2_median_ppm,
                   nanmedian(t[:, i_rh]), nanmedian(b[:, i_rh])]  # fmt: skip
    feats = [_masked_median(dr, steady), _masked_median(lr, steady), _masked_median(dr, et), nansum(dr) * period]
    u = -dr
    feats.append(nanmax(np.diff(u, axis=-1)) / period)
    start_level, end_level = _masked_median(dr, breath_end), _masked_median(dp, purge_end)
    feats.append(end_level)
    span = end_level - start_level
    with np.errstate(invalid="ignore", divide="ignore"):
        progress = (dp - start_level[..., None]) / span[..., None]
    hit = progress >= config.recovery_fraction
    t63 = np.where(hit.any(axis=-1), np.argmax(hit, axis=-1).astype(np.float64), np.nan) * period
    feats.append(np.where(np.abs(span) > 1e-6, t63, np.nan))
    for alpha in config.ema_alphas:
        feats.append(nanmax(_ema(u, alpha)))
        feats.append(nanmin(_ema(-dp, alpha)))
    room = _log_load(zero, r0, config.load_floor)
    feats += [room, _log_load(zero, _masked_median(rt, steady), config.load_floor) - room,
              _log_load(zero, _masked_median(rt, et), config.load_floor) - room]  # fmt: skip
    per_mox = np.stack(feats, axis=-1)
    return np.concatenate([per_mox.reshape(b.shape[0], -1), np.stack(breath_cols, axis=-1)], axis=-1)


def _grids(seed, n_sessions=5, n_channels=10, n_samples=1200, shuffle=False):
    config = bench_config(n_samples)
    b, t, p, kinds = synthetic_grids(n_sessions, n_channels, n_samples, seed=seed, config=config)
    if shuffle:  # MOX channels not adjacent: the fancy-index path
        order = np.random.default_rng(seed).permutation(n_channels)
        b, t, p, kinds = b[:, order], t[:, order], p[:, order], kinds[order]
    return b, t, p, kinds, config


def _damage(b, t, p, kinds, case):
    mox = np.flatnonzero(kinds == ChannelKind.MOX)
    if case == "dead_channel":
        for a in (b, t, p):
            a[1, mox[1]] = np.nan
    elif case == "holes":
        t[0, :, 200:260] = np.nan
        t[2, mox[0], 50:55] = np.nan
        p[3, mox[-1], 10:30] = np.nan
    elif case == "shorter_phases":  # each session's own extent: no common window
        for s in range(t.shape[0]):
            t[s, :, t.shape[-1] - 40 * (s + 1) :] = np.nan
            if s:
                p[s, :, p.shape[-1] - 13 * s :] = np.nan
    elif case == "non_positive_resistance":  # ln(R/R0) is NaN there: its median is not shared
        t[0, mox[0], 300:320] = -5.0
        t[1, mox[1], 400] = 0.0
    elif case == "infinite":
        t[2, mox[2], 500] = np.inf
        b[0, mox[0], 10] = -np.inf
    elif case == "ties":
        for a in (b, t, p):
            a[:] = np.round(a, -3)


CASES = ["clean", "dead_channel", "holes", "shorter_phases", "non_positive_resistance", "infinite", "ties"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("shuffle", [False, True])
def test_batch_is_bit_identical_to_the_straightforward_formulation(case, shuffle):
    b, t, p, kinds, config = _grids(11, shuffle=shuffle)
    _damage(b, t, p, kinds, case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = straightforward_features(b, t, p, kinds, config)
        got = compute_features(b, t, p, kinds, config)
    np.testing.assert_array_equal(got, want)
    if case == "clean":
        assert np.isfinite(got).all()


@pytest.mark.parametrize("gain_case", ["plain", "zero_and_nan", "infinite"])
def test_gains_give_the_same_bits(gain_case):
    b, t, p, kinds, config = _grids(12)
    n_mox = int((kinds == ChannelKind.MOX).sum())
    gain = np.random.default_rng(3).uniform(0.5, 1.5, (b.shape[0], n_mox))
    if gain_case == "zero_and_nan":
        gain[0, 0], gain[1, 2] = 0.0, np.nan
    elif gain_case == "infinite":  # not monotone for an infinite R: the general path
        gain[2, 1] = np.inf
        t[2, np.flatnonzero(kinds == ChannelKind.MOX)[1], 100] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        np.testing.assert_array_equal(compute_features(b, t, p, kinds, config, gain=gain),
                                      straightforward_features(b, t, p, kinds, config, gain=gain))  # fmt: skip


def test_compensation_gives_the_same_bits():
    b, t, p, kinds, config = _grids(13)
    n_mox = int((kinds == ChannelKind.MOX).sum())
    coeffs = CompensationCoefficients(np.full(n_mox, 0.004), np.full(n_mox, -0.01))
    for compensation in ("session", coeffs):
        np.testing.assert_array_equal(
            compute_features(b, t, p, kinds, config, compensation=compensation),
            straightforward_features(b, t, p, kinds, config, compensation=compensation),
        )


@pytest.mark.parametrize("case", ["clean", "holes", "shorter_phases"])
def test_a_session_alone_gives_its_row_of_the_batch_bit_for_bit(case):
    b, t, p, kinds, config = _grids(14, n_sessions=6)
    _damage(b, t, p, kinds, case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        batch = compute_features(b, t, p, kinds, config)
        for s in range(b.shape[0]):
            alone = compute_features(b[s : s + 1], t[s : s + 1], p[s : s + 1], kinds, config)
            np.testing.assert_array_equal(alone[0], batch[s])


def test_preprocess_is_bit_identical_to_ndimage_median_and_sosfiltfilt(monkeypatch):
    rng = np.random.default_rng(5)
    x = np.round(rng.standard_normal((3, 7, 257)), 1)  # ties
    x[x == 0.1] = -0.0  # signed zeros
    x[0, 1, 40:47] = np.nan
    x[1, 2] = np.nan
    x[2, 3, 100] = np.inf
    config = bench_config(300)
    monkeypatch.setattr(filters, "_BLOCK_ELEMENTS", 100)  # many blocks, rows across blocks
    only_inf = np.where(np.isnan(x), 0.0, x)  # an infinity and no NaN: bridged too
    for data in (x, only_inf, np.nan_to_num(x, nan=1.0, posinf=2.0), x.astype(np.float32)):
        got, want = preprocess(data, config), _reference_preprocess(data, config)
        np.testing.assert_array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("block", [7, 64, 1 << 14])
def test_running_median_network_is_ndimage_bit_for_bit(k, block, monkeypatch):
    monkeypatch.setattr(filters, "_BLOCK_ELEMENTS", block)
    rng = np.random.default_rng(k * block)
    for n in (k, k + 1, 50, 301):
        x = np.round(rng.standard_normal((9, n)), 1)
        x[rng.random(x.shape) < 0.2] = -0.0
        x[rng.random(x.shape) < 0.2] = 0.0
        got = filters._small_running_median(x, k)
        direct = filters._median_network(x, k)
        assert got.tobytes() == direct.tobytes()  # the same bits, signed zeros included
        np.testing.assert_array_equal(got, ndimage.median_filter(x, size=(1, k), mode="nearest"))
