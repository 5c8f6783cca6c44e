"""Subjects (or any groups) numbered by their first appearance in the rows, never by how they are spelled.

Why a module of its own: every resampling that walks the subjects (the calibration's inner folds,
the bootstrap of intervals and ensembles, the permutation test) must give the same draws for the
same people in the same row order, whether they are written as a site's subject codes or as the
central database's study pseudonyms. Sorting by name would not.
"""

from __future__ import annotations

import numpy as np

__all__ = ["first_seen_order", "subject_rows"]


def first_seen_order(groups) -> np.ndarray:
    """Each row's group as the rank of its first appearance (0 for the first row's group, ...).

    Why: :class:`~sklearn.model_selection.GroupKFold` deals groups to folds in the sorted order of
    their labels, so the calibration folds, and with them every out-of-fold probability, changed
    with how subjects are *spelled*: a site's codes and the central database's study pseudonyms of
    the same people gave different models (measured: out-of-fold AUC 0.788 against 0.752 on one
    pooled cohort). Ranked by first appearance, the folds depend only on the row order and on which
    rows share a subject.
    """
    _, first, inverse = np.unique(np.asarray(groups), return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.reshape(-1)]


def subject_rows(groups) -> tuple[np.ndarray, np.ndarray]:
    """``(inverse, first)``: each row's subject as its rank of first appearance, and each subject's first row.

    ``first[k]`` is the first row of the ``k``-th subject to appear (increasing).
    """
    inverse = first_seen_order(groups)
    _, first = np.unique(inverse, return_index=True)  # ranks 0..n-1 in order: their first rows
    return inverse, first
