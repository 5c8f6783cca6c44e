"""Calibration transfer: map a "slave" e-nose unit's responses onto a "master" unit's.

Why: a risk model is trained on one unit (the master). Twin units built from the
same sensor types still differ per sensor by a gain (a factor of 0.5-2 is usual
for MOX cells) and, less, by the exponent of their power-law response to
concentration. Measuring k *transfer samples* (the same gas samples) on both
units lets us fit a map slave -> master, so the master's model can be used on
the slave's responses without retraining.

Why in the log domain: responses here are positive numbers (integral responses,
resistance ratios) spanning decades, and a MOX response is about a power law,
``y = c * conc**n``. Between two units of one sensor type that gives
``ln y_master = a + b ln y_slave`` per sensor: an offset ``a`` (the gain) and a
slope ``b`` (the exponent ratio, near 1). A map fitted in the log domain is
therefore the right shape, treats 1 ppm and 100 ppm samples alike (relative
errors), and its output ``exp(...)`` is positive by construction. A map fitted
on raw values (classic direct standardisation) is dominated by the largest
responses and can return negative responses for small ones: it is here for
comparison only, and its output is checked.

Methods (all fitted on ``(k, n_sensors)`` paired responses, k >= 2):

``offset``
    per-sensor gain only: ``b_j = 1``, ``a_j`` = median over the transfer
    samples of ``ln y_master - ln y_slave``. One number per sensor, robust to
    one outlying transfer sample; cannot follow an exponent change.
``loglinear``
    per sensor ``ln y_master = a_j + b_j ln y_slave``, least squares with a
    ridge penalty ``slope_ridge * (b_j - 1)**2`` that shrinks the slope
    towards 1 (no exponent change). With ``x`` the centred ``ln y_slave`` and
    ``z`` the centred log difference, ``b_j - 1 = sum(x z) / (sum(x x) + slope_ridge)``.
    By Cauchy-Schwarz ``|b_j - 1| <= sqrt(sum(z z)) / (2 sqrt(slope_ridge))``:
    three transfer samples at nearly the same concentration cannot produce a
    wild slope (unregularised least squares would divide by ~0). The penalty is
    fixed, so its effect fades as k and the concentration spread grow. It is a
    Gaussian prior on ``b - 1`` with variance ``sigma**2 / slope_ridge``:
    the default 0.25 (ln units squared) says "unit-to-unit scatter of
    ``ln y`` about sigma = 0.1 (10 %), exponent ratios within about +-0.2".
``ds`` and ``ds_identity`` (default)
    direct standardisation (DS) in the log domain: a full
    ``(n_sensors, n_sensors)`` matrix ``F`` with
    ``ln y_master - mean = (ln y_slave - mean) @ F``, ridge penalty
    ``ds_alpha * ||F - F0||**2``, ``F0 = 0`` for ``ds`` (classic regularised
    DS) or ``F0 = I`` for ``ds_identity`` ("no change" unless the transfer
    samples show one; its diagonal alone is ``loglinear`` with the same prior,
    so ``ds_alpha`` defaults to the same 0.25). Each master sensor may borrow
    from every slave sensor. With k < n_sensors the system is underdetermined
    and only the ridge keeps it defined; it is solved in its k x k dual form
    (kernel ridge) for that reason. Every output depends on every input sensor:
    a dead slave channel spoils all outputs (it is refused as non-positive).

Which method, measured (``scripts/validate_transfer.py``: twin units MS2.1 /
MS2.2, 21 gas samples, 200 random transfer sets per k, held-out median
``|log10|`` distance, uncorrected 0.122): the unit-to-unit difference is not
only per sensor but *depends on the gas* (S3 at 2.6 V reads 0.26 decades
higher on MS2.1 for propan-1-ol, but 0.16-0.18 decades lower for n-heptane
and o-xylene). A per-sensor map cannot follow that: ``offset`` plateaus near
0.08 and ``loglinear`` near 0.065 whatever k. A cross-sensor map learns the gas from the response pattern:
``ds_identity`` reaches 0.047-0.050 at k = 5 and 0.031-0.033 at k = 10 (the
lower figures when each transfer sample's two replicates are averaged), and
equals ``loglinear`` at k = 3 (0.07). Its ``ds_alpha`` was set a priori, not
tuned on these data (a sweep of 0.05-0.5 moves the figures by <= 0.001; 1 and
more are worse at k = 10). Classic ``ds`` (shrunk towards 0) pulls every
output towards the transfer samples' mean and is worse at every k.
``loglinear`` beats ``offset`` at every k (the exponents do differ).

Every function validates its inputs (2-D, finite, > 0) and its outputs (finite,
> 0) and raises :class:`NonPositiveResponseError` (a :class:`SignalError`)
instead of returning NaN or negative responses.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from enose.signal._checks import check_option, check_positive
from enose.signal.errors import ShapeError, SignalError

__all__ = [
    "LOG_METHODS",
    "DEFAULT_METHOD",
    "DEFAULT_SLOPE_RIDGE",
    "DEFAULT_DS_ALPHA",
    "MIN_TRANSFER_SAMPLES",
    "TransferError",
    "NonPositiveResponseError",
    "TransferNotFittedError",
    "check_responses",
    "fit_offset",
    "fit_loglinear",
    "fit_ds",
    "fit_ds_raw",
    "apply_log_map",
    "apply_raw_map",
    "fit_log_map",
    "transfer_distance",
    "LogTransfer",
]

#: Log-domain methods of :func:`fit_log_map` / :class:`LogTransfer`.
LOG_METHODS = ("offset", "loglinear", "ds", "ds_identity")
#: Log-domain DS shrunk towards the identity: the best measured on real twin units (see the module docstring).
DEFAULT_METHOD = "ds_identity"
#: Ridge strength on ``b - 1`` of ``loglinear``, ln units squared: prior ``sigma**2 / tau**2`` = 0.1**2 / 0.2**2.
DEFAULT_SLOPE_RIDGE = 0.25
#: Ridge strength of the log-domain DS matrix, ln units squared (same prior as :data:`DEFAULT_SLOPE_RIDGE`).
DEFAULT_DS_ALPHA = 0.25
#: Fewest transfer samples any method accepts: one sample cannot tell a gain from noise, nor fix a slope.
MIN_TRANSFER_SAMPLES = 2


class TransferError(SignalError):
    """A calibration transfer cannot be fitted or applied as asked (too few transfer samples, ...)."""


class NonPositiveResponseError(TransferError):
    """A response (input, or the output of a map) is not a finite number > 0.

    Responses are ratios or integrals of a positive signal: zero, negative, NaN
    or infinite values mean a broken channel upstream or a map used outside its
    range, and must not flow on silently into a model.
    """


class TransferNotFittedError(TransferError, AttributeError):
    """``transform`` was called before ``fit`` (an ``AttributeError`` too, like scikit-learn's ``NotFittedError``)."""


# ---------------------------------------------------------------- input checks


def check_responses(y, name: str, *, n_sensors: int | None = None) -> np.ndarray:
    """``y`` as a float64 ``(n_samples, n_sensors)`` array of finite responses > 0.

    Raises:
        ShapeError: not 2-D, not numeric, or the wrong number of sensors.
        NonPositiveResponseError: any value is <= 0, NaN or infinite (the count and first position are given).
    """
    arr = np.asarray(y)
    if arr.dtype.kind not in "fiub":
        raise ShapeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 2:
        raise ShapeError(f"{name} must be 2-D (n_samples, n_sensors), got shape {arr.shape}")
    if n_sensors is not None and arr.shape[1] != n_sensors:
        raise ShapeError(f"{name} has {arr.shape[1]} sensors, the transfer map was fitted on {n_sensors}")
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise NonPositiveResponseError(
            f"{name} holds {int(bad.sum())} value(s) that are not finite and > 0 (first at (sample, sensor) "
            f"{first}: {arr[first]!r}); responses must be positive: drop or repair those samples first"
        )
    return arr


def _paired(slave, master) -> tuple[np.ndarray, np.ndarray]:
    """Validated, same-shape ``(k, n_sensors)`` transfer pairs with k >= 2."""
    s = check_responses(slave, "slave")
    m = check_responses(master, "master")
    if s.shape != m.shape:
        raise ShapeError(
            f"slave {s.shape} and master {m.shape} must have the same shape: row i of both is the same transfer sample"
        )
    if s.shape[0] < MIN_TRANSFER_SAMPLES:
        raise TransferError(
            f"calibration transfer needs at least {MIN_TRANSFER_SAMPLES} transfer samples measured on both units, "
            f"got {s.shape[0]}; measure more transfer samples (5-10 recommended)"
        )
    return s, m


def _paired_logs(slave, master) -> tuple[np.ndarray, np.ndarray]:
    """``ln`` of :func:`_paired`."""
    s, m = _paired(slave, master)
    return np.log(s), np.log(m)


# ---------------------------------------------------------------- fitting: each returns (intercept, coef)
# The map is ``ln y_master ≈ intercept + ln y_slave @ coef`` with ``intercept`` (n_sensors,) and
# ``coef`` (n_sensors, n_sensors); per-sensor methods give a diagonal ``coef``.


def fit_offset(slave, master) -> tuple[np.ndarray, np.ndarray]:
    """Per-sensor gain: ``ln y_master = a_j + ln y_slave``, ``a_j`` the median log difference.

    Args:
        slave, master: ``(k, n_sensors)`` responses > 0 of the same k transfer samples.

    Returns:
        ``(intercept, coef)``: ``(n_sensors,)`` and the ``(n_sensors, n_sensors)`` identity.
    """
    ls, lm = _paired_logs(slave, master)
    return np.median(lm - ls, axis=0), np.eye(ls.shape[1])


def fit_loglinear(slave, master, slope_ridge: float = DEFAULT_SLOPE_RIDGE) -> tuple[np.ndarray, np.ndarray]:
    """Per-sensor ``ln y_master = a_j + b_j ln y_slave``, slope ridge-shrunk towards 1.

    ``b_j = 1 + sum(x z) / (sum(x x) + slope_ridge)`` with ``x`` the centred
    ``ln y_slave`` and ``z`` the centred ``ln y_master - ln y_slave`` of sensor j;
    ``a_j`` makes the fit pass through the means (the intercept is not penalised).

    Args:
        slave, master: ``(k, n_sensors)`` responses > 0 of the same k transfer samples.
        slope_ridge: penalty on ``(b_j - 1)**2``, ln units squared, > 0.

    Returns:
        ``(intercept, coef)``: ``(n_sensors,)`` and a diagonal ``(n_sensors, n_sensors)``.
    """
    lam = check_positive(slope_ridge, "slope_ridge")
    ls, lm = _paired_logs(slave, master)
    x = ls - ls.mean(axis=0)
    diff = lm - ls
    z = diff - diff.mean(axis=0)
    slope = 1.0 + (x * z).sum(axis=0) / ((x * x).sum(axis=0) + lam)
    intercept = lm.mean(axis=0) - slope * ls.mean(axis=0)
    return intercept, np.diag(slope)


def fit_ds(slave, master, alpha: float = DEFAULT_DS_ALPHA, *, shrink_to: str = "zero") -> tuple[np.ndarray, np.ndarray]:
    """Regularised direct standardisation in the log domain.

    Minimises ``||Mc - Sc F||**2 + alpha ||F - F0||**2`` with ``Sc``, ``Mc`` the
    column-centred ``ln`` responses and ``F0`` = 0 or I. Solved in the dual,
    ``F = F0 + Sc.T (Sc Sc.T + alpha I_k)^-1 (Mc - Sc F0)``: a k x k system, well
    posed for any k >= 2 because ``alpha > 0`` (the primal n_sensors x n_sensors
    normal matrix has rank k - 1 < n_sensors for few transfer samples).

    Args:
        slave, master: ``(k, n_sensors)`` responses > 0 of the same k transfer samples.
        alpha: ridge strength, ln units squared, > 0.
        shrink_to: ``"zero"`` (classic ridge DS) or ``"identity"``.

    Returns:
        ``(intercept, coef)``: ``(n_sensors,)`` and the full ``(n_sensors, n_sensors)`` matrix F.
    """
    a = check_positive(alpha, "alpha")
    check_option(shrink_to, "shrink_to", ("zero", "identity"))
    ls, lm = _paired_logs(slave, master)
    coef = _ridge_dual(ls, lm, a, identity_prior=shrink_to == "identity")
    return lm.mean(axis=0) - ls.mean(axis=0) @ coef, coef


def fit_ds_raw(slave, master, alpha: float = DEFAULT_DS_ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Classic ridge DS on the raw responses (for comparison): ``y_master ≈ intercept + y_slave @ F``.

    The responses are divided by the master's per-sensor median first, so that
    ``alpha`` (dimensionless here) acts alike on sensors whose responses differ
    by decades, then the fitted map is expressed back in raw units. Its output
    may be negative for responses smaller than the transfer samples':
    :func:`apply_raw_map` refuses such outputs.

    Args:
        slave, master: ``(k, n_sensors)`` responses > 0 of the same k transfer samples.
        alpha: ridge strength on the scaled problem, > 0.

    Returns:
        ``(intercept, coef)`` in raw units: ``(n_sensors,)`` and ``(n_sensors, n_sensors)``.
    """
    a = check_positive(alpha, "alpha")
    s, m = _paired(slave, master)
    scale = np.median(m, axis=0)
    f_scaled = _ridge_dual(s / scale, m / scale, a, identity_prior=False)
    coef = f_scaled * scale[None, :] / scale[:, None]  # (s / scale) @ Fs * scale == s @ coef
    return m.mean(axis=0) - s.mean(axis=0) @ coef, coef


def _ridge_dual(x: np.ndarray, y: np.ndarray, alpha: float, *, identity_prior: bool) -> np.ndarray:
    """``argmin_F ||Yc - Xc F||**2 + alpha ||F - F0||**2`` for ``(k, p)`` x, y (centred here), in its k x k dual."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    target = yc - xc if identity_prior else yc
    gram = xc @ xc.T + alpha * np.eye(xc.shape[0])
    coef = xc.T @ np.linalg.solve(gram, target)
    return coef + np.eye(x.shape[1]) if identity_prior else coef


def fit_log_map(
    slave,
    master,
    method: str = DEFAULT_METHOD,
    *,
    slope_ridge: float = DEFAULT_SLOPE_RIDGE,
    ds_alpha: float = DEFAULT_DS_ALPHA,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit one of :data:`LOG_METHODS`; returns ``(intercept (n_sensors,), coef (n_sensors, n_sensors))``."""
    check_option(method, "method", LOG_METHODS)
    if method == "offset":
        return fit_offset(slave, master)
    if method == "loglinear":
        return fit_loglinear(slave, master, slope_ridge)
    return fit_ds(slave, master, ds_alpha, shrink_to="identity" if method == "ds_identity" else "zero")


# ---------------------------------------------------------------- applying


def apply_log_map(slave, intercept: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``exp(intercept + ln y_slave @ coef)``: slave responses expressed on the master's scale.

    Args:
        slave: ``(n_samples, n_sensors)`` responses > 0.
        intercept: ``(n_sensors,)``; coef: ``(n_sensors, n_sensors)`` (from a ``fit_*`` function).

    Returns:
        ``(n_samples, n_sensors)`` responses > 0.

    Raises:
        NonPositiveResponseError: an input is not > 0, or an output overflows (a map applied far outside its range).
    """
    s = check_responses(slave, "slave", n_sensors=np.shape(intercept)[0])
    with np.errstate(over="ignore", under="ignore"):
        out = np.exp(intercept + np.log(s) @ coef)
    return _check_output(out, "log-domain")


def apply_raw_map(slave, intercept: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``intercept + y_slave @ coef`` (raw domain, from :func:`fit_ds_raw`), refused if any output is not > 0.

    Args:
        slave: ``(n_samples, n_sensors)`` responses > 0.

    Returns:
        ``(n_samples, n_sensors)`` responses > 0.

    Raises:
        NonPositiveResponseError: an input or an output is not finite and > 0.
    """
    s = check_responses(slave, "slave", n_sensors=np.shape(intercept)[0])
    return _check_output(intercept + s @ coef, "raw-domain")


def _check_output(out: np.ndarray, kind: str) -> np.ndarray:
    bad = ~(np.isfinite(out) & (out > 0))
    if bad.any():
        raise NonPositiveResponseError(
            f"the {kind} transfer map produced {int(bad.sum())} of {out.size} responses that are not finite and > 0 "
            "(samples far outside the transfer samples' range?); use a log-domain method or more transfer samples"
        )
    return out


# ---------------------------------------------------------------- evaluation


def transfer_distance(master, transferred) -> float:
    """Median over samples and sensors of ``|log10(master / transferred)|``.

    Why this metric: it is symmetric in the two units, unit-free, treats a 10 %
    error on a 1 ppm and a 100 ppm sample alike, and the median is not ruled by
    one dead-low channel. 0.05 means the typical response is within a factor
    10**0.05 = 1.12 of the master's.

    Args:
        master: ``(n_samples, n_sensors)`` responses > 0 of the master unit.
        transferred: the same samples measured on the slave and mapped (same shape, > 0).

    Returns:
        The median, in decades (log10 units).
    """
    m = check_responses(master, "master")
    t = check_responses(transferred, "transferred")
    if m.shape != t.shape:
        raise ShapeError(f"master {m.shape} and transferred {t.shape} must have the same shape")
    if m.size == 0:
        raise ShapeError("transfer_distance needs at least one sample")
    return float(np.median(np.abs(np.log10(m) - np.log10(t))))


# ---------------------------------------------------------------- scikit-learn style


class LogTransfer(TransformerMixin, BaseEstimator):
    """Log-domain calibration transfer slave -> master as a scikit-learn transformer.

    ``fit(slave, master)`` learns the map from k transfer samples measured on
    both units; ``transform(slave)`` returns slave responses on the master's
    scale. A scikit-learn estimator (hyper-parameters stored as given in
    ``__init__``, learned state ending in ``_``), so ``clone``, ``get_params``
    and a ``Pipeline`` step work: there ``X`` is the slave's and ``y`` the
    master's ``(k, n_sensors)`` responses at fit time.

    Args:
        method: one of :data:`LOG_METHODS`.
        slope_ridge: ``loglinear`` penalty on ``(b - 1)**2``, ln units squared.
        ds_alpha: ``ds`` / ``ds_identity`` ridge strength, ln units squared.

    Attributes:
        intercept_: ``(n_sensors,)`` log-domain intercept.
        coef_: ``(n_sensors, n_sensors)`` log-domain matrix (diagonal for ``offset`` / ``loglinear``):
            ``ln y_master ≈ intercept_ + ln y_slave @ coef_``.
        n_transfer_samples_: k.
        n_features_in_: n_sensors.
    """

    def __init__(
        self, method: str = DEFAULT_METHOD, slope_ridge: float = DEFAULT_SLOPE_RIDGE, ds_alpha: float = DEFAULT_DS_ALPHA
    ) -> None:
        self.method = method
        self.slope_ridge = slope_ridge
        self.ds_alpha = ds_alpha

    def fit(self, slave, master) -> LogTransfer:
        """Learn the map from ``(k, n_sensors)`` slave and master responses of the same k >= 2 transfer samples."""
        self.intercept_, self.coef_ = fit_log_map(
            slave, master, self.method, slope_ridge=self.slope_ridge, ds_alpha=self.ds_alpha
        )
        self.n_transfer_samples_, self.n_features_in_ = np.shape(slave)
        return self

    def transform(self, slave) -> np.ndarray:
        """``(n_samples, n_sensors)`` slave responses -> the same on the master's scale (> 0)."""
        if not hasattr(self, "coef_"):
            raise TransferNotFittedError("this LogTransfer is not fitted yet: call fit(slave, master) first")
        return apply_log_map(slave, self.intercept_, self.coef_)
