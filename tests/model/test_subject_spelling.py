"""Resampling walks subjects in order of first appearance: renaming them (a site's codes, the centre's
pseudonyms) gives the same bootstrap intervals, ensemble draws and permuted labels, same seed.

Before, these sorted subjects by name: the same people spelled otherwise got other draws.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from enose.model.groups import first_seen_order, subject_rows
from enose.model.metrics import auc_interval
from enose.model.permutation import permuted_labels
from enose.model.training import _subject_bootstrap


@pytest.fixture
def renamed(dataset):
    """The training dataset and a copy whose subject codes sort in the opposite order (same people, same rows)."""
    ds, _ = dataset
    codes = np.asarray(ds.subject).astype(str)
    names = sorted(set(codes))
    rename = {code: f"subj-{len(names) - i:05d}" for i, code in enumerate(names)}  # reverses the sorted order
    other = replace(ds, subject=np.array([rename[c] for c in codes], dtype=object))
    assert sorted(set(other.subject), key=lambda s: rename_back(rename, s)) != sorted(set(other.subject))
    return ds, other


def rename_back(rename: dict, name: str) -> str:
    return next(code for code, new in rename.items() if new == name)


def test_subjects_are_numbered_by_first_appearance():
    assert first_seen_order(["b", "a", "b", "c", "a"]).tolist() == [0, 1, 0, 2, 1]
    inverse, first = subject_rows(np.array(["z", "y", "z", "x"]))
    assert inverse.tolist() == [0, 1, 0, 2] and first.tolist() == [0, 1, 3]


def test_auc_interval_is_the_same_for_the_same_people_spelled_otherwise(renamed):
    ds, other = renamed
    p = np.linspace(0.05, 0.95, ds.y.size)[np.argsort(np.argsort(ds.y + np.sin(np.arange(ds.y.size))))]
    a = auc_interval(ds.y, p, groups=ds.subject, n_boot=200, seed=3)
    b = auc_interval(other.y, p, groups=other.subject, n_boot=200, seed=3)
    assert a[2] == b[2] == "bootstrap" and a == b


def test_bootstrap_draws_and_permuted_labels_do_not_depend_on_the_spelling(renamed):
    ds, other = renamed
    rows_a, _ = _subject_bootstrap(ds, np.random.default_rng(7))
    rows_b, _ = _subject_bootstrap(other, np.random.default_rng(7))
    np.testing.assert_array_equal(rows_a, rows_b)
    np.testing.assert_array_equal(permuted_labels(ds, np.random.default_rng(7)),
                                  permuted_labels(other, np.random.default_rng(7)))  # fmt: skip
