"""Calibration maths: zero air, reference check, EWMA drift chart, recalibration flag, drift correction."""

from __future__ import annotations

import numpy as np
import pytest

from enose.recording import Phase
from enose.signal import (
    DeviceCalibration,
    DriftConfig,
    ShapeError,
    SignalError,
    drift_correct,
    drift_gain,
    drift_status,
    ewma_chart,
    reference_check,
    reference_response_from_recording,
    zero_air_baseline,
    zero_air_from_recording,
)
from enose.signal.errors import MissingPhaseError
from firmware_protocol.messages import ChannelKind, Inlet


def test_zero_air_baseline_uses_the_settled_end():
    n = 1000
    settle = 1 + np.exp(-np.arange(n) / 50.0)  # starts 2x high, settles to 1
    x = np.stack([1e5 * settle, 2e4 * settle, np.full(n, np.nan)])
    x[:2] *= 1 + 0.001 * np.random.default_rng(0).standard_normal((2, n))
    level, noise = zero_air_baseline(x, settle_fraction=0.5)
    np.testing.assert_allclose(level[:2], [1e5, 2e4], rtol=2e-3)
    np.testing.assert_allclose(noise[:2], 0.001, rtol=0.25)
    assert np.isnan(level[2]) and np.isnan(noise[2])
    with pytest.raises(SignalError, match="settle_fraction"):
        zero_air_baseline(x, settle_fraction=0)


def test_zero_air_and_reference_from_a_calibration_recording(make_recording):
    rec = make_recording(seed=3)
    # the purge doubles as a zero-air phase when there is no 'zero_air' phase
    names, level = zero_air_from_recording(rec)
    assert names == rec.layout.names and level.shape == (len(rec.layout),)
    mox = rec.layout.indices(ChannelKind.MOX)
    purge = rec.phase("purge")
    tail = rec.values[(rec.t_s >= purge.end_s - 60) & (rec.t_s < purge.end_s)][:, mox]
    np.testing.assert_allclose(level[mox], np.median(tail, axis=0), rtol=1e-3)
    with pytest.raises(MissingPhaseError, match="reference"):
        reference_response_from_recording(rec)
    # relabel: warm-up/baseline as zero_air, breath as reference -> response = R(breath)/R(zero) < 1 on MOX
    rec.phases = [Phase("zero_air", int(Inlet.ZERO_AIR), 10.0, 70.0), Phase("reference", 3, 70.0, 370.0)]
    mox_names, response = reference_response_from_recording(rec)
    assert mox_names == tuple(rec.layout.names[i] for i in mox)
    assert np.all((response > 0.3) & (response < 1.0))


def test_reference_check_pass_fail_per_channel():
    measured = np.array([[0.50, 0.62, np.nan, 0.40], [0.51, 0.50, 0.70, 0.40]])
    expected = np.array([0.50, 0.50, 0.70, np.nan])
    check = reference_check(measured, expected, 0.2)
    np.testing.assert_array_equal(check.passed, [[True, False, False, True], [True, True, True, True]])
    np.testing.assert_array_equal(check.checked[0], [True, True, True, False])
    np.testing.assert_array_equal(check.all_passed, [False, True])
    np.testing.assert_allclose(check.deviation[0, :2], [0.0, 0.24])
    per_channel = reference_check(measured[1], expected, np.array([0.01, 0.01, 0.01, 0.01]))
    np.testing.assert_array_equal(per_channel.passed, [False, True, True, True])
    with pytest.raises(SignalError, match="tolerance"):
        reference_check(measured, expected, -0.1)
    with pytest.raises(ShapeError):
        reference_check(measured, np.ones(3), 0.1)


def test_ewma_chart_stays_in_control_then_catches_a_drift():
    rng = np.random.default_rng(0)
    n = 30
    stable = 0.01 * rng.standard_normal((n, 2))
    drifting = stable.copy()
    drifting[15:, 1] += np.linspace(0.0, 0.15, n - 15)  # channel 1 drifts after point 15
    config = DriftConfig(n_in_control=8)
    quiet = ewma_chart(stable, config)
    assert not quiet.out_of_control.any()
    chart = ewma_chart(drifting, config)
    assert not chart.out_of_control[:, 0].any()
    first = int(np.argmax(chart.out_of_control[:, 1]))
    assert chart.out_of_control[-1, 1] and 16 <= first < n
    # limits widen with i towards the asymptote L sigma sqrt(lambda / (2 - lambda))
    width = chart.upper - chart.center
    assert np.all(np.diff(width[:, 0]) >= 0)
    lam = config.ewma_lambda
    np.testing.assert_allclose(width[-1], config.limit_sigmas * chart.sigma * np.sqrt(lam / (2 - lam)), rtol=1e-3)


def test_ewma_chart_carries_missing_points_and_needs_phase_one():
    x = np.zeros((10, 1))
    x[4] = np.nan
    chart = ewma_chart(x)
    assert np.isfinite(chart.ewma).all() and not chart.out_of_control.any()
    with pytest.raises(ShapeError, match="at least 5"):
        ewma_chart(np.zeros((3, 2)))


def test_drift_status_reasons():
    base = np.full((10, 3), 1e5) * (1 + 0.002 * np.random.default_rng(1).standard_normal((10, 3)))
    resp = np.full((10, 3), 0.5)
    fine = drift_status(base, resp, age_days=3)
    assert not fine.recalibration_due and fine.reasons == ()
    assert drift_status(base, resp, age_days=45).reasons == ("calibration_too_old",)
    shifted = base.copy()
    shifted[-3:, 2] *= 1.3  # channel 2's zero-air baseline jumped 30 %
    status = drift_status(shifted, resp, age_days=3)
    assert status.recalibration_due and status.reasons == ("baseline_out_of_control",)
    np.testing.assert_array_equal(status.channels_out, [False, False, True])
    dead = resp.copy()
    dead[-1, 0] = np.nan
    assert "channel_missing" in drift_status(base, dead, age_days=3).reasons
    young = drift_status(base[:2], None, age_days=1)  # too few points for limits: only age rules apply
    assert young.baseline_chart is None and not young.recalibration_due
    assert drift_status(np.empty((0, 3)), None, age_days=0).reasons == ("calibration_too_old",)
    assert fine.as_dict()["baseline_chart"]["center"]


def test_drift_gain_and_correction():
    cal = DeviceCalibration(("a", "b", "c"), np.array([1e5, 2e5, 3e5]), np.array([0.25, 0.5, np.nan]),
                            np.array([0.5, 0.5, 0.5]))  # fmt: skip
    np.testing.assert_allclose(drift_gain(cal, ["b", "a", "c", "zzz"]), [1.0, 2.0, 1.0, 1.0])
    x = np.array([[1e5, 5e4], [4e5, 2e5]])  # (2 channels, 2 samples)
    out = drift_correct(x, np.array([1e5, 2e5]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(out, [[0.0, np.log(0.5)], [np.log(2) / 2, 0.0]])
    with pytest.raises(ShapeError):
        drift_correct(x, np.ones(3))
    with pytest.raises(ShapeError, match="like channels"):
        DeviceCalibration(("a",), np.ones(2))
