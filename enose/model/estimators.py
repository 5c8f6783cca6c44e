# ruff: noqa: N803, N806  (X, Y: the scikit-learn naming convention for data matrices)
"""Custom scikit-learn steps of the risk model.

Each one follows the estimator contract (hyper-parameters in ``__init__``, never
changed by ``fit``; learned state ends in ``_``), so the whole model stays one
:class:`~sklearn.pipeline.Pipeline` that can be cross-validated and saved as a unit.
They are checked with ``parametrize_with_checks`` in ``tests/model``.

* :class:`PositiveLog` - log10 of the columns that were strictly positive in
  training (sensor responses span decades; clinical columns pass through).
* :class:`PLSDAClassifier` - partial-least-squares discriminant analysis, the
  chemometrics classic for e-nose data.
* :class:`MahalanobisOOD` - distance of a feature vector from the training
  cloud in the model's reduced (PCA) space, plus the residual off that space,
  for the out-of-distribution flag.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.covariance import LedoitWolf
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["PositiveLog", "PLSDAClassifier", "MahalanobisOOD"]


class PositiveLog(TransformerMixin, BaseEstimator):
    """``log10(x + offset)`` on the columns whose training values were all > 0.

    Why: MOX responses (resistance ratios, integrals in S·s) are log-normal and
    span several decades across sensors and units; a multiplicative unit-to-unit
    gain becomes an additive offset after the log. Columns with zeros or
    negatives in training (deltas, binary clinical flags) are passed through.

    Parameters:
        floor_fraction: new values below ``floor_fraction`` x the training
            minimum of a log column are clipped to it before the log, so a
            zero or negative at inference stays finite (and is flagged as
            out-of-distribution elsewhere).

    Shapes: ``X`` is ``(n_samples, n_features)``; output has the same shape.
    NaN passes through (imputation is a separate step).
    """

    def __init__(self, floor_fraction: float = 0.1) -> None:
        self.floor_fraction = floor_fraction

    def fit(self, X, y=None):
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        with np.errstate(invalid="ignore"):
            positive = np.all((X > 0) | np.isnan(X), axis=0) & np.any(X > 0, axis=0)
        self.log_columns_ = np.flatnonzero(positive)
        self.floor_ = np.nanmin(np.where(X > 0, X, np.nan)[:, self.log_columns_], axis=0) * self.floor_fraction
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64, copy=True)
        cols = self.log_columns_
        if cols.size:
            with np.errstate(invalid="ignore"):
                # np.maximum, not np.fmax: fmax would turn a missing value into the floor
                X[:, cols] = np.log10(np.maximum(X[:, cols], self.floor_))
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class PLSDAClassifier(ClassifierMixin, BaseEstimator):
    """PLS discriminant analysis: PLS regression on the one-hot class matrix.

    ``decision_function`` is the regression output (binary: centred at 0.5 and
    shifted to 0), so :class:`~sklearn.calibration.CalibratedClassifierCV`
    turns it into a probability.

    Parameters:
        n_components: latent variables (clipped to what the data allow).
        scale: whether PLS scales X and Y to unit variance.
    """

    def __init__(self, n_components: int = 3, scale: bool = True) -> None:
        self.n_components = n_components
        self.scale = scale

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self._binarizer = LabelBinarizer().fit(y)
        self.classes_ = self._binarizer.classes_
        if self.classes_.size < 2:
            raise ValueError(f"PLS-DA needs at least two classes, got {self.classes_.size} class")
        Y = self._binarizer.transform(y).astype(np.float64)
        self.n_components_ = int(max(1, min(self.n_components, X.shape[1], X.shape[0] - 1)))
        self.pls_ = PLSRegression(n_components=self.n_components_, scale=self.scale).fit(X, Y)
        return self

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        out = self.pls_.predict(X)
        if self.classes_.size == 2:
            return np.asarray(out).reshape(-1) - 0.5
        return out

    def predict(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


class MahalanobisOOD(TransformerMixin, BaseEstimator):
    """Distance of samples from the training distribution, for the OOD flag.

    The features are standardised, projected on the principal components that
    explain ``variance`` of the training variance (at most ``max_components``),
    and two statistics are computed per sample:

    * ``t2``: squared Mahalanobis distance in that reduced space (Hotelling T²,
      shrunk covariance by Ledoit-Wolf so a small training set stays stable);
    * ``q``: squared residual off the reduced space (the SPE/Q statistic), which
      catches a vector that is odd in a direction the training set never varied in
      (a dead sensor, a new ambient contaminant).

    Limits (``t2_limit_``, ``q_limit_``) are the larger of a parametric quantile
    (chi² for T²; a scaled chi² fit for Q) and the empirical ``1 - alpha`` quantile
    of the training values, times ``margin``. ``transform`` returns
    ``(n_samples, 2)`` ratios ``[t2 / t2_limit_, q / q_limit_]``: a sample is
    out of distribution when either exceeds 1 (:meth:`is_outlier`).
    """

    def __init__(self, variance: float = 0.95, max_components: int = 10, alpha: float = 0.005, margin: float = 1.5):
        self.variance = variance
        self.max_components = max_components
        self.alpha = alpha
        self.margin = margin

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64)
        self.scaler_ = StandardScaler().fit(X)
        Z = self.scaler_.transform(X)
        n_max = max(1, min(self.max_components, X.shape[1], X.shape[0] - 1))
        probe = PCA(n_components=n_max, svd_solver="full").fit(Z)
        cumulative = np.cumsum(probe.explained_variance_ratio_)
        k = int(min(n_max, np.searchsorted(cumulative, self.variance) + 1))
        self.n_components_ = max(1, k)
        self.pca_ = PCA(n_components=self.n_components_, svd_solver="full").fit(Z)
        scores = self.pca_.transform(Z)
        self.covariance_ = LedoitWolf().fit(scores)
        t2, q = self._statistics(Z)
        t2_param = stats.chi2.ppf(1 - self.alpha, self.n_components_)
        self.t2_limit_ = float(self.margin * max(t2_param, np.quantile(t2, 1 - self.alpha)))
        q_mean, q_var = float(np.mean(q)), float(np.var(q))
        if q_mean > 1e-12 and q_var > 0:  # Box's scaled chi-square approximation of Q
            g, h = q_var / (2 * q_mean), 2 * q_mean**2 / q_var
            q_param = g * stats.chi2.ppf(1 - self.alpha, h)
        else:
            q_param = 0.0
        q_empirical = float(np.quantile(q, 1 - self.alpha))
        self.q_limit_ = float(self.margin * max(q_param, q_empirical, 1e-9 * X.shape[1]))
        return self

    def _statistics(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = self.pca_.transform(Z)
        centred = scores - self.covariance_.location_
        t2 = np.einsum("ij,jk,ik->i", centred, self.covariance_.precision_, centred)
        residual = Z - self.pca_.inverse_transform(scores)
        q = np.einsum("ij,ij->i", residual, residual)
        return t2, q

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        t2, q = self._statistics(self.scaler_.transform(X))
        return np.column_stack([t2 / self.t2_limit_, q / self.q_limit_])

    def widen(self, t2_factor: float, q_factor: float) -> MahalanobisOOD:
        """Multiply the limits by factors >= 1 (from held-out sites: see ``training.held_out_ood_factors``)."""
        check_is_fitted(self)
        self.t2_limit_ = float(self.t2_limit_ * max(1.0, t2_factor))
        self.q_limit_ = float(self.q_limit_ * max(1.0, q_factor))
        return self

    def is_outlier(self, X) -> np.ndarray:
        """``(n_samples,)`` bool: True when a sample lies outside the training distribution."""
        return np.any(self.transform(X) > 1.0, axis=1)
