# ruff: noqa: N806  (X: the scikit-learn naming convention for data matrices)
"""The permutation test repeats training's model choice on shuffled labels: real signal -> small p, none -> not."""

from __future__ import annotations

import numpy as np
import pytest

from enose.model.dataset import Dataset
from enose.model.permutation import permutation_test, permuted_labels


def _table(signal: float, seed: int, n: int = 80) -> Dataset:
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat([0, 1], n // 2))
    X = np.exp(0.3 * rng.standard_normal((n, 5)) + signal * y[:, None] * np.array([1, 1, 0, 0, 0]))
    return Dataset(X=X, y=y, feature_names=[f"f{i}" for i in range(5)])


def test_real_signal_gives_the_smallest_possible_p_and_a_null_near_one_half():
    result = permutation_test(_table(0.5, 1), candidates=("logreg",), n_permutations=19, n_jobs=2)
    assert result.observed_auc > 0.8
    assert result.p_value == pytest.approx(1 / 20)  # no shuffle reached it: (1 + 0) / (1 + 19)
    d = result.as_dict()
    assert 0.35 < d["null_auc_mean"] < 0.7 and d["null_auc_p95"] < result.observed_auc
    assert d["n_permutations"] == 19 and d["permutation_p"] == result.p_value


def test_no_signal_gives_a_large_p():
    result = permutation_test(_table(0.0, 2), candidates=("logreg",), n_permutations=19, n_jobs=2)
    assert result.p_value > 0.2


def test_a_subjects_sessions_keep_one_label_under_permutation():
    ds = _table(0.0, 3, n=40)
    subjects = np.repeat(np.arange(20), 2).astype(str).astype(object)
    ds = Dataset(X=ds.X, y=np.repeat(np.arange(20) % 2, 2), feature_names=ds.feature_names, subject=subjects)
    shuffled = permuted_labels(ds, np.random.default_rng(0))
    assert np.all(shuffled[0::2] == shuffled[1::2]) and shuffled.sum() == ds.y.sum()


def test_the_same_seed_gives_the_same_null():
    ds = _table(0.3, 4)
    a, b = (permutation_test(ds, candidates=("logreg",), n_permutations=5, n_jobs=1, seed=9) for _ in range(2))
    np.testing.assert_array_equal(a.null_aucs, b.null_aucs)


def test_zero_permutations_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        permutation_test(_table(0.3, 5), n_permutations=0)
