"""Issue 11, items 1, 2 and 6, as a user would meet them: the real CLI in a subprocess on small CSV tables.

* train then evaluate on the same table: not independent, every row shared;
* on a disjoint split: independent; on a table without subject ids: independent by rows, and it says so;
* evaluate on 5 rows: a small-sample warning and an interval that is not a point;
* ``train --json``: the promised fields, the not-yet-computed ones null with a note;
* the bundled demo model (saved before fingerprints): loads, and independence is "unknown".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
FAST = ["--candidates", "logreg", "--bootstrap", "2", "--ci-rounds", "50", "--permutations", "19", "--no-progress"]


def _enose(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enose.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=REPO)  # fmt: skip


def _write_table(path: Path, n: int, *, seed: int, first_id: int = 0, with_id: bool = True) -> Path:
    """A table with a real class signal in s1: ``id`` (optional), sensors s1-s3, ``y`` (alternating classes)."""
    rng = np.random.default_rng(seed)
    header = (["id"] if with_id else []) + ["s1", "s2", "s3", "y"]
    lines = [",".join(header)]
    for i in range(n):
        y = i % 2
        values = [rng.lognormal(y * 1.0), rng.lognormal(), rng.lognormal()]
        cells = ([f"P{first_id + i}"] if with_id else []) + [f"{v:.6g}" for v in values] + [str(y)]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def _train(table: Path, out: Path, *extra: str) -> dict:
    result = _enose("train", "--features", str(table), "--label", "y", *extra, "--out", str(out), *FAST, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _evaluate(model: Path, table: Path, out: Path, *extra: str, as_json: bool = True) -> subprocess.CompletedProcess:
    args = ["evaluate", "--model", str(model), "--features", str(table), "--label", "y", *extra, "--out", str(out),
            "--ci-rounds", "50", "--no-progress"]  # fmt: skip
    result = _enose(*args, *(["--json"] if as_json else []))
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    """A model trained on 60 rows with subject ids, the table it was trained on, and a disjoint table."""
    base = tmp_path_factory.mktemp("overlap")
    train_table = _write_table(base / "train.csv", 60, seed=1)
    other_table = _write_table(base / "other.csv", 40, seed=2, first_id=1000)
    summary = _train(train_table, base / "model", "--group", "id")
    return base, train_table, other_table, summary


def test_train_json_has_the_promised_fields(grouped):
    _, _, _, summary = grouped
    assert {"model_id", "oof_auc", "oof_auc_ci", "n", "n_cancer"} <= set(summary)
    assert summary["n"] == 60 and summary["n_cancer"] == 30
    # fixed seeds: exact figures (726 of the 900 cancer-control pairs ranked right), inside their bootstrap interval
    assert summary["oof_auc"] == pytest.approx(726 / 900, abs=1e-12)
    low, high = summary["oof_auc_ci"]
    # (the interval since the calibration folds and the bootstrap follow the subjects' first appearance, not their
    # spelling: issue 16; 50 bootstrap rounds, so its ends move with the draws)
    assert (low, high) == pytest.approx((0.67222, 0.90522), abs=1e-5) and low < summary["oof_auc"] < high
    # a real signal: no shuffle of the whole model choice reaches it, so p is the smallest 19 shuffles allow
    assert summary["permutation_p"] == pytest.approx(1 / 20)
    assert summary["null_auc_mean"] < summary["oof_auc"] and summary["permutation"]["n_permutations"] == 19
    codes = {f["code"]: f["severity"] for f in summary["confounding"]}
    assert codes["label_vs_order"] == "info" and "drift_within_class" in codes  # the rows alternate classes
    assert summary["warnings"] == []  # 30 per class: enough


def test_evaluate_on_the_training_table_is_not_independent(grouped):
    base, train_table, _, summary = grouped
    result = _evaluate(base / "model", train_table, base / "same", "--group", "id")
    headline = json.loads(result.stdout)
    assert headline["independent_of_training"] is False
    overlap = headline["training_overlap"]
    assert overlap["shared_rows"] == 60 and overlap["shared_subjects"] == 60 and overlap["n_rows"] == 60
    assert any("not a validation" in w for w in headline["warnings"])
    report = (base / "same" / "report.md").read_text()
    assert "not a validation" in report and "independent of the training subjects and rows: NO" in report
    text = _evaluate(base / "model", train_table, base / "same-text", "--group", "id", as_json=False).stdout
    assert "independent of training: NO" in text and "WARNING: training overlap" in text


def test_evaluate_on_the_same_table_without_group_still_finds_every_row(grouped):
    base, train_table, _, _ = grouped
    headline = json.loads(_evaluate(base / "model", train_table, base / "nogroup", "--exclude", "id").stdout)
    assert headline["independent_of_training"] is False
    assert headline["training_overlap"]["shared_rows"] == 60
    assert headline["training_overlap"]["shared_subjects"] is None  # no ids to compare: rows tell


def test_evaluate_on_a_disjoint_table_is_independent(grouped):
    base, _, other_table, _ = grouped
    headline = json.loads(_evaluate(base / "model", other_table, base / "other", "--group", "id").stdout)
    assert headline["independent_of_training"] is True
    overlap = headline["training_overlap"]
    assert overlap["shared_rows"] == 0 and overlap["shared_subjects"] == 0 and overlap["basis"] == "subjects and rows"
    assert "none of 40 subjects" in overlap["how"]
    assert not any("not a validation" in w for w in headline["warnings"])


def test_a_shared_subject_with_new_rows_is_caught(grouped, tmp_path):
    base, _, _, _ = grouped
    table = _write_table(tmp_path / "repeat.csv", 20, seed=3, first_id=50)  # P50-P59 trained, P60-P69 new
    headline = json.loads(_evaluate(base / "model", table, tmp_path / "r", "--group", "id").stdout)
    overlap = headline["training_overlap"]
    assert headline["independent_of_training"] is False
    assert overlap["shared_rows"] == 0 and overlap["shared_subjects"] == 10 and overlap["rows_of_shared_subjects"] == 10


def test_tables_without_subject_ids_say_how_independence_is_known(tmp_path):
    train_table = _write_table(tmp_path / "train.csv", 60, seed=4, with_id=False)
    other_table = _write_table(tmp_path / "other.csv", 30, seed=5, with_id=False)
    _train(train_table, tmp_path / "model")
    headline = json.loads(_evaluate(tmp_path / "model", other_table, tmp_path / "r").stdout)
    overlap = headline["training_overlap"]
    assert headline["independent_of_training"] is True and overlap["basis"] == "rows"
    assert overlap["shared_rows"] == 0 and overlap["shared_subjects"] is None
    assert "none of 30 rows" in overlap["how"] and "subjects were not compared" in overlap["how"]
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["training_fingerprint"]["n_rows"] == 60 and card["training_fingerprint"]["n_subjects"] is None


def test_evaluate_on_five_rows_warns_and_keeps_an_honest_interval(grouped, tmp_path):
    base, train_table, _, _ = grouped
    lines = train_table.read_text().splitlines()
    # five new rows, perfectly separated on s1: a bootstrap would print 1.000 (1.000-1.000)
    rows = ["Q1,0.1,1,1,0", "Q2,0.2,1,1,0", "Q3,50,1,1,1", "Q4,60,1,1,1", "Q5,70,1,1,1"]
    table = tmp_path / "five.csv"
    table.write_text("\n".join([lines[0], *rows]) + "\n")
    headline = json.loads(_evaluate(base / "model", table, tmp_path / "r", "--group", "id").stdout)
    assert headline["n"] == 5 and headline["auc"] == pytest.approx(1.0)
    low, high = headline["auc_ci"]
    assert low is not None and high - low > 0.2 and headline["auc_ci_method"] == "score"
    assert any("small sample" in w and "fewer than 10 per class" in w for w in headline["warnings"])
    text = _evaluate(base / "model", table, tmp_path / "r2", "--group", "id", as_json=False).stdout
    assert "1.000 (1.000-1.000)" not in text and "WARNING: small sample" in text


def test_train_on_a_small_table_says_so(tmp_path):
    table = _write_table(tmp_path / "small.csv", 16, seed=6)
    result = _enose("train", "--features", str(table), "--label", "y", "--group", "id", "--out",
                    str(tmp_path / "m"), *FAST)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "WARNING: small sample" in result.stdout and "8 cancer and 8 control" in result.stdout
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert any("small sample" in w for w in card["training"]["warnings"])
    assert "## Warnings" in (tmp_path / "m" / "card.md").read_text()


def test_the_bundled_demo_model_carries_a_fingerprint_without_raw_codes_and_an_old_model_is_unknown(tmp_path):
    """models/demo records what it was trained on as keyed hashes; a model without a fingerprint cannot show independence."""
    from enose.model import load_model
    from enose.model.dataset import Dataset
    from enose.model.overlap import training_overlap

    model = load_model(REPO / "models" / "demo")
    fingerprint = model.training_fingerprint
    assert fingerprint is not None and fingerprint["columns"][: len(model.feature_names)] == list(model.feature_names)
    assert "SIM026" not in json.dumps(fingerprint, default=str)  # the simulated subject codes never appear raw
    ds = Dataset(X=np.ones((3, len(model.feature_names) + len(model.clinical_names))), y=np.array([0, 1, 0]),
                 feature_names=list(model.feature_names), clinical_names=list(model.clinical_names),
                 subject=np.array(["a", "b", "c"], dtype=object))  # fmt: skip
    overlap = training_overlap(None, ds)  # a model saved before fingerprints existed
    assert overlap["independent"] == "unknown" and "without a fingerprint" in overlap["how"]


def test_a_time_column_that_tells_the_classes_apart_is_warned_about(tmp_path):
    """Rows in random order, but every cancer recorded in the last month: train --time finds it, row order would not."""
    rng = np.random.default_rng(5)
    n = 80
    y = rng.permutation(np.repeat([0, 1], n // 2))
    lines = ["s1,s2,s3,when,y"]
    for i in range(n):
        day = 1 + (int(rng.integers(0, 28)) if y[i] == 0 else 0)
        month = 3 if y[i] == 1 else int(rng.integers(1, 3))
        values = [rng.lognormal(0.3 * y[i]), rng.lognormal(), rng.lognormal()]
        lines.append(",".join([*(f"{v:.6g}" for v in values), f"2026-{month:02d}-{day:02d}", str(y[i])]))
    table = tmp_path / "timed.csv"
    table.write_text("\n".join(lines) + "\n")
    summary = _train(table, tmp_path / "model", "--time", "when", "--no-locked")
    order = next(f for f in summary["confounding"] if f["code"] == "label_vs_order")
    assert order["severity"] == "warn" and "column 'when'" in order["message"]
    plain = _train(table, tmp_path / "model2", "--no-locked", "--exclude", "when")  # judged on its random row order
    assert next(f for f in plain["confounding"] if f["code"] == "label_vs_order")["severity"] == "info"
