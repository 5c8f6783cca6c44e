"""Grid, filters, normalisation and compensation: shapes, NaN behaviour, gaps, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from enose.signal import (
    CompensationCoefficients,
    ShapeError,
    SignalError,
    baseline_r0,
    compensate,
    delta_r_over_r0,
    design_lowpass,
    despike,
    fit_compensation,
    log_r_over_r0,
    lost_sample_count,
    lowpass,
    phase_grid,
    resample_uniform,
)
from enose.signal.filters import check_sos, fill_nan_linear


def test_resample_uniform_recovers_a_line_and_marks_a_long_gap():
    t = np.arange(0, 10, 0.01)
    keep = ~((t > 4.0) & (t < 5.0))  # a 1 s hole
    t = t[keep]
    x = np.stack([2 * t + 1, -t])  # (n_channels, n_samples)
    grid = phase_grid(0.5, 9, 1.0)
    out, gap = resample_uniform(t, x, grid, 1.0, max_gap_s=0.03)
    assert out.shape == (2, 9) and gap.shape == (9,)
    hole = (grid > 3.9) & (grid < 5.1)
    np.testing.assert_allclose(out[0, ~hole], 2 * grid[~hole] + 1, atol=0.02)
    assert not gap[~hole].any()
    # the bin centred at 4.5 s lies entirely in the hole: NaN, never interpolated
    assert gap[4] and np.isnan(out[:, 4]).all()


def test_resample_uniform_bridges_short_holes_and_skips_nan_samples():
    t = np.arange(0, 5, 0.05)
    t = np.delete(t, [20, 21])  # two lost samples: 3 periods, bridged
    x = np.ones((3, t.size))
    x[1, 30:40] = np.nan  # 0.5 s of NaN on one channel
    x[2] = np.nan  # dead channel
    out, gap = resample_uniform(t, x, phase_grid(0.25, 18, 0.25), 0.25, max_gap_s=0.16)
    assert not gap.any()
    np.testing.assert_allclose(out[0], 1.0)
    assert np.isnan(out[1]).sum() >= 1 and np.isfinite(out[1]).sum() >= 15
    assert np.isnan(out[2]).all()


def test_resample_uniform_vectorises_over_leading_axes():
    t = np.sort(np.random.default_rng(0).uniform(0, 10, 400))
    x = np.random.default_rng(1).standard_normal((2, 3, t.size))
    grid = phase_grid(1, 8, 1.0)
    out, _ = resample_uniform(t, x, grid, 1.0, max_gap_s=1.0)
    single, _ = resample_uniform(t, x[1, 2], grid, 1.0, max_gap_s=1.0)
    assert out.shape == (2, 3, 8)
    np.testing.assert_allclose(out[1, 2], single)


@pytest.mark.parametrize(
    "t, message",
    [(np.array([0.0, 2.0, 1.0]), "strictly increasing"), (np.array([[0.0, 1.0]]), "1-D")],
)
def test_resample_uniform_refuses_bad_times(t, message):
    with pytest.raises(ShapeError, match=message):
        resample_uniform(t, np.zeros(t.shape[-1]), np.array([0.5]), 1.0, max_gap_s=1.0)


def test_resample_uniform_refuses_mismatched_lengths():
    with pytest.raises(ShapeError, match="samples on its last axis"):
        resample_uniform(np.arange(5.0), np.zeros((2, 4)), np.array([0.5]), 1.0, max_gap_s=1.0)


def test_lost_sample_count_from_spacing():
    t = np.delete(np.arange(100) * 0.01, [10, 11, 50])
    assert lost_sample_count(t, 0.01) == 3


def test_fill_nan_linear_bridges_and_reports():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [np.nan] * 4])
    filled, missing = fill_nan_linear(x)
    np.testing.assert_allclose(filled[0], [1, 2, 3, 3])
    np.testing.assert_allclose(filled[1], 0)
    assert missing.sum() == 6


def test_despike_removes_single_sample_spikes_and_keeps_nan():
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.standard_normal((2, 3, 200)) * 0.01, axis=-1) + 10
    spiked = x.copy()
    spiked[..., 50] += 100
    spiked[0, 1, 120:125] = np.nan
    out = despike(spiked, 5)
    assert out.shape == x.shape
    assert np.nanmax(np.abs(out - x)) < 0.1
    assert np.isnan(out[0, 1, 120:125]).all() and np.isfinite(out[1]).all()


@pytest.mark.parametrize("k", [3, 5, 7])
@pytest.mark.parametrize("shape", [(40, 3), (5, 7, 9), (2, 3000)])
def test_despike_equals_scipy_median_filter_exactly(k, shape):
    """The min/max network (k = 3, 5) is a selection: the very same values as ndimage's median filter."""
    from scipy import ndimage

    rng = np.random.default_rng(k)
    x = np.round(rng.standard_normal(shape) * 3)  # many ties
    if x.shape[-1] < k:
        x = np.concatenate([x] * k, axis=-1)
    expected = ndimage.median_filter(x, size=(1,) * (x.ndim - 1) + (k,), mode="nearest")
    np.testing.assert_array_equal(despike(x, k), expected)


def test_nanmedian_and_quantiles_match_numpy_with_uneven_nan_counts():
    """Partition-based order statistics, with few distinct ranks and with more than the partition limit."""
    from enose.signal._stats import nanmedian, nanquantile_pair

    rng = np.random.default_rng(1)
    for rows in (4, 200):
        x = rng.standard_normal((rows, 301))
        x[rng.random(x.shape) < rng.random((rows, 1))] = np.nan
        x[0] = np.nan
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
            expected = np.nanmedian(x, axis=-1)
        np.testing.assert_array_equal(nanmedian(x), expected)
        lo, hi = nanquantile_pair(x, 0.1, 0.9)
        s = np.sort(x, axis=-1)
        count = np.isfinite(x).sum(axis=-1)
        k_hi = np.clip(np.round(0.9 * (count - 1)).astype(int), 0, None)
        np.testing.assert_array_equal(hi[1:], s[np.arange(1, rows), k_hi[1:]])
        assert np.isnan(lo[0]) and np.isnan(hi[0])


@pytest.mark.parametrize("k", [2, 4, 1])
def test_despike_refuses_even_or_tiny_kernels(k):
    with pytest.raises(SignalError, match="odd"):
        despike(np.zeros(20), k)


def test_lowpass_is_zero_phase_and_attenuates_noise():
    fs = 10.0
    t = np.arange(0, 60, 1 / fs)
    slow = np.sin(2 * np.pi * 0.2 * t)
    fast = 0.5 * np.sin(2 * np.pi * 4.0 * t)
    x = np.stack([slow + fast, slow])
    out = lowpass(x, design_lowpass(1.5, fs))
    mid = slice(50, -50)
    np.testing.assert_allclose(out[0, mid], slow[mid], atol=0.02)  # no phase shift, fast part gone
    np.testing.assert_allclose(out[1, mid], slow[mid], atol=0.01)


def test_lowpass_keeps_gaps_and_dead_channels_nan():
    x = np.ones((3, 300))
    x[0, 100:110] = np.nan
    x[1] = np.nan
    out = lowpass(x, design_lowpass(1.0, 10.0))
    assert np.isnan(out[0, 100:110]).all() and np.isfinite(out[0, :100]).all()
    assert np.isnan(out[1]).all()
    np.testing.assert_allclose(out[2], 1.0, atol=1e-9)


def test_filter_design_and_sos_checks():
    with pytest.raises(SignalError, match="Nyquist"):
        design_lowpass(6.0, 10.0)
    with pytest.raises(SignalError, match="unstable"):
        check_sos(np.array([[1.0, 0, 0, 1.0, -2.5, 1.0]]))
    with pytest.raises(SignalError, match="non-finite"):
        check_sos(np.array([[np.nan, 0, 0, 1.0, 0, 0]]))
    with pytest.raises(SignalError, match="n_sections, 6"):
        check_sos(np.zeros((2, 5)))
    with pytest.raises(ShapeError, match="at least"):
        lowpass(np.zeros(10), design_lowpass(1.0, 10.0))


def test_normalisation_r0_and_responses():
    base = np.array([[[100.0, 100.0, 102.0, 98.0]], [[np.nan] * 4]])  # (2 sessions, 1 channel, 4)
    r0 = baseline_r0(base)
    assert r0.shape == (2, 1) and r0[0, 0] == 100.0 and np.isnan(r0[1, 0])
    x = np.array([[[50.0, 100.0]], [[1.0, 2.0]]])
    np.testing.assert_allclose(delta_r_over_r0(x, r0)[0, 0], [-0.5, 0.0])
    np.testing.assert_allclose(log_r_over_r0(x, r0)[0, 0], [np.log(0.5), 0.0])
    assert np.isnan(delta_r_over_r0(x, r0)[1]).all()
    with pytest.raises(ShapeError, match="r0 must have shape"):
        delta_r_over_r0(x, np.ones(3))


def test_compensation_fit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    n_s, n_ch, n = 3, 4, 500
    rh = np.concatenate([np.full((n_s, n // 2), 40.0), np.full((n_s, n // 2), 3.0)], axis=-1)
    rh += rng.normal(0, 0.5, rh.shape)
    temp = 37 + rng.normal(0, 1.0, (n_s, n))
    a = -rng.uniform(0.002, 0.006, (n_s, n_ch))
    b = -rng.uniform(0.01, 0.05, (n_s, n_ch))
    log_r = 11 + a[..., None] * rh[:, None] + b[..., None] * temp[:, None] + rng.normal(0, 1e-4, (n_s, n_ch, n))
    log_r[1, 2] = np.nan  # dead channel
    coeffs = fit_compensation(log_r, rh, temp, min_temp_span_c=1.0)
    ok = np.isfinite(coeffs.humidity_per_pct)
    assert not ok[1, 2] and ok.sum() == n_s * n_ch - 1
    np.testing.assert_allclose(coeffs.humidity_per_pct[ok], a[ok], rtol=0.02)
    np.testing.assert_allclose(coeffs.temperature_per_degc[ok], b[ok], rtol=0.02)
    flat = compensate(log_r, rh, temp, coeffs)
    assert np.nanstd(flat[0], axis=-1).max() < 1e-3  # humidity and temperature removed
    assert np.nanstd(log_r[0], axis=-1).min() > 0.05


def test_compensation_does_not_invent_an_unidentifiable_slope():
    rh = np.full((1, 100), 40.0)
    log_r = np.random.default_rng(0).normal(0, 0.01, (1, 2, 100))
    coeffs = fit_compensation(log_r, rh)
    np.testing.assert_array_equal(coeffs.humidity_per_pct, 0.0)
    np.testing.assert_array_equal(coeffs.temperature_per_degc, 0.0)


def test_compensate_checks_shapes():
    coeffs = CompensationCoefficients(np.zeros(3), np.zeros(3))
    with pytest.raises(ShapeError):
        compensate(np.zeros((2, 100)), np.zeros(100), None, coeffs)
