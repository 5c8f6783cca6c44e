# ruff: noqa: N803, N806  (X, Y: the scikit-learn naming convention for data matrices)
"""The custom steps honour the scikit-learn estimator contract, and do what they say."""

from __future__ import annotations

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from enose.model.estimators import MahalanobisOOD, PLSDAClassifier, PositiveLog


@parametrize_with_checks([PositiveLog(), PLSDAClassifier(n_components=2), MahalanobisOOD()])
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_positive_log_logs_only_positive_columns():
    X = np.array([[1.0, -1.0, 0.0], [100.0, 2.0, 1.0], [10.0, 3.0, 1.0]])
    out = PositiveLog().fit(X).transform(X)
    np.testing.assert_allclose(out[:, 0], [0.0, 2.0, 1.0])
    np.testing.assert_array_equal(out[:, 1:], X[:, 1:])


def test_positive_log_keeps_new_zeros_finite():
    step = PositiveLog(floor_fraction=0.1).fit(np.array([[1.0], [10.0]]))
    assert np.isfinite(step.transform(np.array([[0.0], [-5.0]]))).all()


def test_positive_log_passes_missing_values_through():
    # a subject with unknown age must be imputed later, not read as an age of floor_fraction x the youngest
    step = PositiveLog().fit(np.array([[45.0], [85.0]]))
    assert np.isnan(step.transform(np.array([[np.nan]]))).all()


def test_plsda_separates_two_clouds():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (50, 4)), rng.normal(2, 1, (50, 4))])
    y = np.repeat([0, 1], 50)
    model = PLSDAClassifier(n_components=2).fit(X, y)
    assert (model.predict(X) == y).mean() > 0.85
    assert model.decision_function(X).shape == (100,)


def test_mahalanobis_flags_shifted_and_off_plane_samples():
    rng = np.random.default_rng(1)
    latent = rng.normal(size=(300, 2))
    X = latent @ rng.normal(size=(2, 6)) + 0.05 * rng.normal(size=(300, 6))
    ood = MahalanobisOOD(variance=0.9).fit(X)
    assert ood.is_outlier(X).mean() < 0.02
    far = X[:5] + 20 * X.std(axis=0)
    assert ood.is_outlier(far).all()
    off_plane = X[:5].copy()
    off_plane[:, 0] += 3 * X[:, 0].std()  # a broken sensor: breaks the correlation structure
    assert ood.transform(off_plane)[:, 1].min() > 1.0
