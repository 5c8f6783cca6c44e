"""Calibration transfer slave -> master (enose.signal.transfer), on synthetic twin units and the real MS2.1/MS2.2 data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from enose.signal.errors import ShapeError, SignalError
from enose.signal.transfer import (
    DEFAULT_METHOD,
    LOG_METHODS,
    LogTransfer,
    NonPositiveResponseError,
    TransferError,
    TransferNotFittedError,
    apply_log_map,
    apply_raw_map,
    fit_ds,
    fit_loglinear,
    fit_offset,
    transfer_distance,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "validate_transfer.py"
SHARED_VOCS = ROOT.parent / "shared" / "data" / "breath_analysis" / "MS_2.1_-_2.2._Samples_indidual_VOCs.csv"

NOISE_LN = 0.01  # per-unit measurement noise, ln units (1 %)


def twin_units(n: int = 40, n_sensors: int = 6, *, seed: int = 0, noise_ln: float = NOISE_LN):
    """``(master, slave, gain, exponent)``: ``slave = gain * master**exponent`` per sensor, times lognormal noise.

    The master responds to 1-150 ppm of a gas with a per-sensor power law, so responses span ~2 decades.
    """
    rng = np.random.default_rng(seed)
    conc = np.exp(rng.uniform(np.log(1.0), np.log(150.0), n))
    c0 = np.exp(rng.uniform(np.log(1e-6), np.log(1e-3), n_sensors))
    n_pow = rng.uniform(0.4, 0.8, n_sensors)
    master = c0 * conc[:, None] ** n_pow
    gain = np.exp(rng.uniform(np.log(0.5), np.log(2.0), n_sensors))
    exponent = rng.uniform(0.85, 1.2, n_sensors)
    slave = gain * master**exponent
    master = master * np.exp(noise_ln * rng.standard_normal(master.shape))
    slave = slave * np.exp(noise_ln * rng.standard_normal(slave.shape))
    return master, slave, gain, exponent


# ------------------------------------------------------------------ recovering a known unit difference


@pytest.mark.parametrize("method", ["loglinear", "ds_identity"])
def test_known_gains_and_exponents_are_mapped_back_to_within_noise(method):
    master, slave, _, _ = twin_units()
    k = 10
    t = LogTransfer(method=method).fit(slave[:k], master[:k])
    held = transfer_distance(master[k:], t.transform(slave[k:]))
    assert transfer_distance(master[k:], slave[k:]) > 0.1  # the units really differ
    # two 1 % noises: |log10 ratio| has a median ~0.0043; a wrong sign, intercept or slope gives >> 0.01
    assert held < 0.01


def test_loglinear_recovers_the_exponent_and_gain_per_sensor():
    master, slave, gain, exponent = twin_units(noise_ln=0.0)
    intercept, coef = fit_loglinear(slave[:10], master[:10])
    # ln m = (ln s - ln gain) / exponent: slope 1/exponent, intercept -ln(gain)/exponent, up to the small shrinkage
    assert np.allclose(np.diag(coef), 1 / exponent, atol=0.01)
    assert np.allclose(coef - np.diag(np.diag(coef)), 0)
    # the intercept sits at ln y ~ -11, far from the data's centre: it carries the slope's shrinkage x 11
    assert np.allclose(intercept, -np.log(gain) / exponent, atol=0.08)
    assert transfer_distance(master[10:], apply_log_map(slave[10:], intercept, coef)) < 0.005


def test_offset_follows_gains_but_not_exponents():
    master, slave, _, _ = twin_units()
    pure_gain = master * 1.7 * np.exp(NOISE_LN * np.random.default_rng(1).standard_normal(master.shape))
    assert transfer_distance(master[5:], apply_log_map(pure_gain[5:], *fit_offset(pure_gain[:5], master[:5]))) < 0.01
    offset = transfer_distance(master[10:], apply_log_map(slave[10:], *fit_offset(slave[:10], master[:10])))
    loglinear = transfer_distance(master[10:], apply_log_map(slave[10:], *fit_loglinear(slave[:10], master[:10])))
    assert loglinear < offset / 3


def test_ds_dual_solution_equals_the_primal_ridge():
    master, slave, _, _ = twin_units(n=8)
    ls, lm = np.log(slave), np.log(master)
    xc, yc = ls - ls.mean(0), lm - lm.mean(0)
    alpha, eye = 0.3, np.eye(ls.shape[1])
    primal_zero = np.linalg.solve(xc.T @ xc + alpha * eye, xc.T @ yc)
    primal_identity = eye + np.linalg.solve(xc.T @ xc + alpha * eye, xc.T @ (yc - xc))
    assert np.allclose(fit_ds(slave, master, alpha, shrink_to="zero")[1], primal_zero)
    assert np.allclose(fit_ds(slave, master, alpha, shrink_to="identity")[1], primal_identity)


# ------------------------------------------------------------------ few transfer samples


def test_k3_with_an_outlier_does_not_blow_up_the_regularised_slope():
    master, slave, _, _ = twin_units(n=40)
    # three transfer samples at nearly one concentration: the ln-slave spread is ~0, a plain LS slope divides by it
    order = np.argsort(master[:, 0])
    transfer, held = order[20:23], np.concatenate([order[:20], order[23:]])
    m_t, s_t = master[transfer].copy(), slave[transfer].copy()
    m_t[1, 2] *= 10.0  # one sensor of one transfer sample reads a decade high on the master
    _, coef = fit_loglinear(s_t, m_t)
    x = np.log(s_t) - np.log(s_t).mean(0)
    z = np.log(m_t / s_t) - np.log(m_t / s_t).mean(0)
    bound = np.sqrt((z * z).sum(0)) / (2 * np.sqrt(0.25))
    assert np.all(np.abs(np.diag(coef) - 1) <= bound + 1e-12)  # the documented Cauchy-Schwarz bound
    assert np.all(np.abs(np.diag(coef) - 1) < 0.5)
    plain = 1 + (x * z).sum(0) / (x * x).sum(0)  # what least squares without the ridge would give
    assert np.abs(plain[2] - 1) > 10 * np.abs(coef[2, 2] - 1)
    mapped = apply_log_map(slave[held], *fit_loglinear(s_t, m_t))
    assert np.all(np.isfinite(mapped)) and transfer_distance(master[held], mapped) < 0.15


@pytest.mark.parametrize("shrink_to", ["zero", "identity"])
def test_ds_with_tiny_k_gives_finite_positive_output(shrink_to):
    master, slave, _, _ = twin_units(n=30, n_sensors=18)
    for k in (2, 3):
        out = apply_log_map(slave[k:], *fit_ds(slave[:k], master[:k], shrink_to=shrink_to))
        assert out.shape == (30 - k, 18) and np.all(np.isfinite(out)) and np.all(out > 0)


def test_fewer_than_two_transfer_samples_is_refused():
    master, slave, _, _ = twin_units()
    for method in LOG_METHODS:
        with pytest.raises(TransferError, match="at least 2 transfer samples"):
            LogTransfer(method=method).fit(slave[:1], master[:1])


# ------------------------------------------------------------------ guards


@pytest.mark.parametrize("bad", [0.0, -1e-5, np.nan, np.inf])
def test_non_positive_or_non_finite_input_is_refused(bad):
    master, slave, _, _ = twin_units()
    broken = slave.copy()
    broken[3, 2] = bad
    with pytest.raises(NonPositiveResponseError, match=r"first at \(sample, sensor\) \(3, 2\)"):
        LogTransfer().fit(broken[:10], master[:10])
    t = LogTransfer().fit(slave[:10], master[:10])
    with pytest.raises(NonPositiveResponseError):
        t.transform(broken)
    with pytest.raises(NonPositiveResponseError):
        transfer_distance(master, broken)
    assert issubclass(NonPositiveResponseError, SignalError) and issubclass(NonPositiveResponseError, ValueError)


def test_outputs_that_are_not_positive_are_refused():
    slave = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(NonPositiveResponseError, match="raw-domain"):
        apply_raw_map(slave, np.array([-10.0, 0.0]), np.eye(2))  # a raw map can go negative
    with pytest.raises(NonPositiveResponseError, match="log-domain"):
        apply_log_map(slave * 1e10, np.zeros(2), 100 * np.eye(2))  # exp overflows to inf


def test_shape_mismatches_are_refused():
    master, slave, _, _ = twin_units()
    with pytest.raises(ShapeError):
        LogTransfer().fit(slave[:10], master[:9])
    with pytest.raises(ShapeError):
        LogTransfer().fit(slave[:10, 0], master[:10, 0])
    with pytest.raises(ShapeError, match="fitted on 6"):
        LogTransfer().fit(slave[:10], master[:10]).transform(slave[:, :5])


def test_transform_before_fit_is_refused():
    with pytest.raises(TransferNotFittedError, match="not fitted"):
        LogTransfer().transform(np.ones((2, 3)))
    assert issubclass(TransferNotFittedError, AttributeError)


def test_unknown_method_is_refused():
    master, slave, _, _ = twin_units()
    with pytest.raises(SignalError, match="invalid method"):
        LogTransfer(method="pds").fit(slave[:5], master[:5])


# ------------------------------------------------------------------ metric, estimator conventions


def test_transfer_distance_on_known_values():
    master = np.array([[100.0, 10.0], [1.0, 1.0]])
    transferred = np.array([[10.0, 10.0], [1.0, 0.01]])  # |log10 ratios| 1, 0, 0, 2 -> median 0.5
    assert transfer_distance(master, transferred) == pytest.approx(0.5, abs=1e-12)
    assert transfer_distance(transferred, master) == pytest.approx(0.5, abs=1e-12)  # symmetric
    assert transfer_distance(master, master) == 0.0


def test_log_transfer_is_a_scikit_learn_transformer():
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline

    master, slave, _, _ = twin_units()
    est = LogTransfer(method="loglinear", slope_ridge=1.0)
    assert clone(est).get_params() == {"method": "loglinear", "slope_ridge": 1.0, "ds_alpha": est.ds_alpha}
    assert LogTransfer().method == DEFAULT_METHOD
    pipe = make_pipeline(LogTransfer()).fit(slave[:10], master[:10])
    direct = LogTransfer().fit(slave[:10], master[:10])
    assert np.allclose(pipe.transform(slave[10:]), direct.transform(slave[10:]))
    assert direct.coef_.shape == (6, 6) and direct.n_transfer_samples_ == 10 and direct.n_features_in_ == 6
    assert np.allclose(LogTransfer().fit_transform(slave[:10], master[:10]), direct.transform(slave[:10]))


# ------------------------------------------------------------------ the real-data check


def _run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--json", *args], capture_output=True, text=True, timeout=240, cwd=ROOT
    )


def test_validation_script_skips_cleanly_without_data(tmp_path):
    result = _run_script("--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped"].startswith("skipped:")


@pytest.mark.skipif(not SHARED_VOCS.is_file(), reason=f"public twin-unit data not present at {SHARED_VOCS}")
def test_default_method_meets_the_targets_on_the_real_twin_units():
    result = _run_script()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    res = json.loads(result.stdout)
    assert res["default_method"] == DEFAULT_METHOD and res["meets_targets"]
    assert res["default_distance"]["5"] <= 0.05 and res["default_distance"]["10"] <= 0.036
    assert res["results"]["5"]["none"]["median"] > 0.1  # the units do differ: the check is not vacuous
