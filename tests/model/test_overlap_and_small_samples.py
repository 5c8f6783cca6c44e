"""Training fingerprint and overlap (issue 11, item 1) and honest intervals at small n (item 2), as functions."""

from __future__ import annotations

import numpy as np
import pytest

from enose.model import Dataset, evaluate_model, load_model
from enose.model.metrics import MIN_PER_CLASS, auc_interval, auc_score_interval, small_sample_warnings
from enose.model.overlap import row_texts, training_fingerprint, training_overlap


def _ds(x, y, subject=None) -> Dataset:
    x = np.asarray(x, dtype=float)
    return Dataset(X=x, y=np.asarray(y), feature_names=[f"f{i}" for i in range(x.shape[1])], subject=subject)


def test_row_text_is_canonical_at_the_documented_precision():
    a, b, c = row_texts(np.array([[0.1 + 0.2, -0.0, np.nan], [0.3, 0.0, np.nan], [0.3001, 0.0, np.nan]]))
    assert a == b == "0.3,0,nan"  # last-bit noise, -0 and NaN give the same text
    assert c != a


def test_fingerprint_keeps_hashes_only_and_needs_real_ids_to_compare_subjects():
    ds = _ds([[1, 2], [3, 4], [5, 6], [7, 8]], [0, 1, 0, 1], subject=np.array(["ALICE", "BOB", "CAROL", "DAVE"]))
    fp = training_fingerprint(ds)
    assert "ALICE" not in str(fp) and "1,2" not in str(fp)
    assert fp["n_subjects"] == 4 and fp["n_rows"] == 4 and fp["subject_ids"] is True
    assert training_fingerprint(ds) == fp  # reproducible: the artifact's hash stays a function of its content
    other = _ds([[1, 2], [3, 4], [5, 6], [7, 8]], [0, 1, 0, 1], subject=np.array(["E", "F", "G", "H"]))
    assert training_fingerprint(other)["salt"] != fp["salt"]  # another data set, another key
    # no --group: row numbers are not subject ids, so they are neither recorded nor compared
    anonymous = _ds(ds.X, ds.y)
    assert anonymous.subject_known is False and anonymous.subset(np.array([0, 1])).subject_known is False
    assert training_fingerprint(anonymous)["n_subjects"] == 0


def test_overlap_verdicts():
    ds = _ds(np.arange(20.0).reshape(10, 2), [0, 1] * 5, subject=np.array([f"S{i}" for i in range(10)]))
    fp = training_fingerprint(ds)
    same = training_overlap(fp, ds)
    assert same["independent"] is False and same["shared_rows"] == 10 and same["shared_subjects"] == 10
    new = _ds(np.arange(20.0).reshape(10, 2) + 0.5, [0, 1] * 5, subject=np.array([f"T{i}" for i in range(10)]))
    assert training_overlap(fp, new)["independent"] is True
    half = _ds(new.X[:4], [0, 1, 0, 1], subject=np.array(["S0", "S1", "T2", "T3"]))  # same people, new sessions
    verdict = training_overlap(fp, half)
    assert verdict["independent"] is False and verdict["shared_subjects"] == 2 and verdict["shared_rows"] == 0
    unknown = training_overlap(None, new)
    assert unknown["independent"] == "unknown" and "without a fingerprint" in unknown["how"]
    other_inputs = Dataset(X=new.X, y=new.y, feature_names=["a", "b"])  # other columns, no ids: nothing comparable
    verdict = training_overlap(fp, other_inputs)
    assert verdict["independent"] == "unknown" and verdict["basis"] == "none" and "cannot be shown" in verdict["how"]


def test_the_database_model_knows_its_training_sessions_from_its_locked_site(model_dir, dataset, tmp_path):
    ds, _ = dataset
    model = load_model(model_dir)
    assert model.training_fingerprint["subject_ids"] is True
    locked_site = model.card["training"]["locked"]["site"]
    locked = ds.site.astype(str) == locked_site
    report = evaluate_model(model, ds.subset(~locked), tmp_path / "train", n_boot=50)
    assert report["independent"] is False and report["independence"]["shared_rows"] == int((~locked).sum())
    report = evaluate_model(model, ds.subset(locked), tmp_path / "locked", n_boot=50)
    assert report["independent"] is True and report["independence"]["basis"] == "subjects and rows"
    assert "not a validation" not in " ".join(report["warnings"])


def test_score_interval_never_collapses_and_narrows_with_n():
    low, high = auc_score_interval(1.0, 3, 2)
    assert high == 1.0 and 0.3 < low < 0.8
    assert auc_score_interval(0.0, 3, 2)[0] == 0.0 and auc_score_interval(0.0, 3, 2)[1] > 0.2
    wide = auc_score_interval(0.8, 10, 10)
    narrow = auc_score_interval(0.8, 200, 200)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]
    assert narrow[1] - narrow[0] == pytest.approx(2 * 1.96 * 0.0212, rel=0.15)  # near Hanley-McNeil at large n


def test_auc_interval_uses_the_score_interval_when_a_bootstrap_would_lie():
    y = np.array([0, 0, 1, 1, 1])
    auc, (low, high), method = auc_interval(y, np.array([0.1, 0.2, 0.7, 0.8, 0.9]), n_boot=200)
    assert auc == 1.0 and method == "score" and high - low > 0.3
    # perfect separation with plenty of cases: the bootstrap is a point, so the score interval replaces it
    y = np.repeat([0, 1], 40)
    auc, (low, high), method = auc_interval(y, y + np.linspace(0, 0.5, 80), n_boot=200)
    assert method == "score" and low < 1.0
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 60)
    _, (low, high), method = auc_interval(y, y + rng.normal(size=120), n_boot=200)
    assert method == "bootstrap" and low < high


def test_small_sample_warning_counts_subjects():
    y = np.array([0, 1] * 9)
    assert "9 cancer and 9 control" in small_sample_warnings(y)[0]
    assert small_sample_warnings(np.array([0, 1] * MIN_PER_CLASS)) == []
    subjects = np.repeat(np.arange(10), 4)  # 40 sessions of 10 people: still too few
    assert small_sample_warnings(np.repeat([0, 1], 20), subjects)
