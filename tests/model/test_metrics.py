"""Metrics against values known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from enose.model.metrics import (
    auc_with_ci,
    calibration_slope_intercept,
    metrics_at_threshold,
    net_benefit_curve,
    wilson_interval,
)


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0) and wilson_interval(0, 10)[0] == pytest.approx(0.0)


def test_calibration_slope_and_intercept_recover_a_known_miscalibration():
    rng = np.random.default_rng(0)
    lp = rng.normal(size=20_000)
    y = (rng.random(lp.size) < 1 / (1 + np.exp(-lp))).astype(int)
    slope, intercept = calibration_slope_intercept(y, 1 / (1 + np.exp(-2 * lp)))  # predictions twice too extreme
    assert slope == pytest.approx(0.5, abs=0.03) and abs(intercept) < 0.05
    slope, intercept = calibration_slope_intercept(y, 1 / (1 + np.exp(-(lp - 1))))  # risk under-predicted
    assert slope == pytest.approx(1.0, abs=0.05) and intercept == pytest.approx(1.0, abs=0.05)
    assert np.isfinite(calibration_slope_intercept(y, np.full(y.size, 1e-9))[1])  # far off stays finite


def test_counts_and_predictive_values_at_a_threshold():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.6, 0.2, 0.7, 0.3, 0.2, 0.1, 0.1])
    m = metrics_at_threshold(y, p, 0.5)
    assert (m.tp, m.fn, m.fp, m.tn) == (2, 1, 1, 4)
    assert m.sensitivity == pytest.approx(2 / 3) and m.npv == pytest.approx(0.8)
    assert m.npv_at_prevalence(0.01) > m.npv  # rarer disease, safer rule-out


def test_cluster_bootstrap_is_wider_than_row_bootstrap_for_repeated_subjects():
    rng = np.random.default_rng(1)
    y0 = np.repeat(rng.random(60) < 0.5, 5).astype(int)
    p = np.repeat(rng.random(60), 5) + 0.4 * y0
    _, rows = auc_with_ci(y0, p, n_boot=300)
    _, clusters = auc_with_ci(y0, p, groups=np.repeat(np.arange(60), 5), n_boot=300)
    assert clusters[1] - clusters[0] > rows[1] - rows[0]


def test_decision_curve_refer_none_and_all():
    y = np.array([1, 0, 0, 0])
    curve = net_benefit_curve(y, np.array([0.9, 0.1, 0.1, 0.1]), thresholds=np.array([0.5]))
    assert curve["model"][0] == pytest.approx(0.25) and curve["refer_all"][0] == pytest.approx(0.25 - 0.75)
