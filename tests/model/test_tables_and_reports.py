"""External feature tables (clear errors), the validation report, and the CLI commands."""

from __future__ import annotations

import json

import click
import numpy as np
import pytest
from click.testing import CliRunner

from enose.cli.model import cohort, evaluate, register, score, train
from enose.model import TableError, read_feature_table
from enose.model.explain import describe_feature


def _write(tmp_path, text: str, name: str = "t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _table(n: int = 40, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    rows = ["id;s1;s2;age;group"]
    for i in range(n):
        y = i % 2
        rows.append(f"P{i};{rng.lognormal(y * 0.8):.4g};{rng.lognormal():.4g};{60 + i % 9};{y}")
    return "\n".join(rows) + "\n"


def test_table_is_read_with_features_clinical_and_groups(tmp_path):
    ds = read_feature_table(_write(tmp_path, _table()), label="group", group="id", clinical="age", sep=";")
    assert ds.feature_names == ["s1", "s2"] and ds.clinical_names == ["age"]
    assert ds.X.shape == (40, 3) and ds.y.sum() == 20 and ds.subject[0] == "P0"


def test_decimal_comma_and_globs(tmp_path):
    path = _write(tmp_path, "S1_T1;S2_T1;x;y\n1,5;2;a;1\n2,5;3;b;0\n")
    ds = read_feature_table(path, label="y", feature_columns="S*_T*", sep=";")
    np.testing.assert_allclose(ds.X[:, 0], [1.5, 2.5])


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("a,b\n1,0\n2,1\n", {"label": "cancer"}, "label column 'cancer' is not in"),
        ("a,y\n1,0\nx7,1\n", {"label": "y"}, "row 2, column 'a': 'x7' is not a number"),
        ("a,y\n1,1\n2,1\n", {"label": "y"}, "one class only"),
        ("a,y\n1,0\n2,maybe\n", {"label": "y"}, "row 2: label 'maybe'"),
        ("a,y\n1,0\n2,\n", {"label": "y"}, "row 2: the label column 'y' is empty"),
        ("a,y\n1,0\n2,1,3\n", {"label": "y"}, "row 2 has 3 cells"),
        ("a,y\n1,0\n2,1\n", {"label": "y", "clinical": "age"}, "clinical column 'age'"),
    ],
)
def test_bad_tables_name_the_column_or_row(tmp_path, text, kwargs, message):
    with pytest.raises(TableError, match=message):
        read_feature_table(_write(tmp_path, text), **kwargs)


def test_too_few_rows_for_the_folds_is_a_clear_cli_error(tmp_path):
    path = _write(tmp_path, "a,y\n1,0\n2,1\n3,0\n4,1\n")
    result = CliRunner().invoke(train, ["--features", str(path), "--label", "y", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "too few" in result.output


def test_train_and_evaluate_an_external_table(tmp_path):
    path = _write(tmp_path, _table(80))
    args = ["--features", str(path), "--label", "group", "--group", "id", "--sep", ";"]
    runner = CliRunner()
    result = runner.invoke(train, [*args, "--out", str(tmp_path / "m"), "--bootstrap", "2", "--ci-rounds", "50",
                                   "--candidates", "logreg", "--json", "--no-progress"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert "grouped by subject" in summary["cv_design"] and summary["locked"]["site"] is None
    assert 0.6 < summary["cv_auc"] <= 1
    result = runner.invoke(evaluate, ["--model", str(tmp_path / "m"), *args, "--out", str(tmp_path / "r"),
                                      "--ci-rounds", "50", "--json", "--no-progress"])  # fmt: skip
    assert result.exit_code == 0, result.output
    headline = json.loads(result.output)
    assert {"auc", "auc_ci"} <= set(headline) and set(headline["thresholds"]) == {"refer", "rule_out"}
    assert "sensitivity" in headline["thresholds"]["refer"]


def test_evaluate_report_on_a_new_site_shows_the_design(model_dir, tmp_path):
    from enose.model import CohortParams, simulate_cohort
    from tests.model.conftest import SMALL

    db = tmp_path / "new.db"
    simulate_cohort(
        db, CohortParams(seed=99, site_prefix="NEW", **{**SMALL, "n_subjects": 80, "n_sites": 1, "n_devices": 1})
    )
    out = tmp_path / "report"
    result = CliRunner().invoke(evaluate, ["--model", str(model_dir), "--db", str(db), "--out", str(out),
                                           "--ci-rounds", "100", "--json", "--no-progress"])  # fmt: skip
    assert result.exit_code == 0, result.output
    headline = json.loads(result.output)
    assert headline["independent_of_training"] is True and 0.5 < headline["auc"] <= 1
    text = (out / "report.md").read_text()
    assert "leave-one-site-out" in text and "locked validation at training time: site" in text
    assert "## Per site" in text and "## Per device" in text
    for png in ("roc.png", "calibration.png", "decision_curve.png"):
        assert (out / png).stat().st_size > 1000
    assert "data:image/png;base64" in (out / "report.html").read_text()


def test_every_command_has_an_example_and_registers():
    group = click.Group("enose")
    register(group)
    assert set(group.commands) == {"cohort", "train", "evaluate", "score"}
    for command in (cohort, train, evaluate, score):
        assert "Example:" in command.get_help(click.Context(command))


def test_feature_names_become_words():
    assert describe_feature("S3_T2") == "gas sensor 3 response at heater temperature 2"
    assert describe_feature("mox4_breath_logratio").startswith("gas sensor 4")
    # the signal features' own names read as clinicians' words, not as code
    assert describe_feature("mox03.et_dr_r0") == "gas sensor 3 end-of-exhalation (alveolar) response"
    assert describe_feature("mox00.ema_a0p001_decay") == "gas sensor 0 clearing speed (slow window)"
    assert describe_feature("breath.cycles") == "number of valid breaths"
    assert describe_feature("baseline.rh_pct") == "room humidity"


def test_a_gas_sensor_is_explained_as_one_input_not_as_its_correlated_features():
    """Two measures of one sensor pulling against each other: credited one at a time they would be
    the top two factors with opposite effects; together the sensor's net effect is small and the
    clinical factor that really moved the estimate comes first."""
    from enose.model.explain import explain, feature_groups

    names = ["mox00.dr_r0", "mox00.et_dr_r0", "mox01.dr_r0"]
    clinical = ["age_years"]

    def predict_proba(rows):
        logit = 4.0 * rows[:, 0] - 3.8 * rows[:, 1] + 0.1 * rows[:, 2] + 1.0 * rows[:, 3]
        return 1 / (1 + np.exp(-logit))

    x = np.array([1.0, 1.0, 1.0, 1.0])
    reference = np.zeros(4)
    assert feature_groups([*names, *clinical]) == [[0, 1], [2], [3]]
    items = explain(predict_proba, x, reference, names, clinical, top=3)
    assert [item["group"] for item in items] == ["age_years", "mox00", "mox01"]
    assert items[1]["contribution"] == pytest.approx(0.2, abs=1e-6)
    assert items[1]["factor"] == "mox00.dr_r0" and items[1]["effect"] == "raises"
    assert "with this sensor's other measures" in items[1]["text"]
