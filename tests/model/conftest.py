"""Small simulated cohorts and a trained model shared by the model tests (built once per session)."""

from __future__ import annotations

import pytest

from enose.model import CohortParams, dataset_from_store, save_model, simulate_cohort, train_model
from enose.security.signin import installation_owner  # a simulated cohort's database has no accounts
from enose.storage import Store

CLINICAL = ["age_years", "pack_years", "copd"]
SMALL = dict(n_subjects=140, n_sites=4, n_devices=5, breath_s=60.0, baseline_s=30.0, purge_s=20.0, period_ms=200)


@pytest.fixture(scope="session")
def cohort_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cohort") / "cohort.db"
    summary = simulate_cohort(path, CohortParams(seed=11, **SMALL))
    return path, summary


@pytest.fixture(scope="session")
def dataset(cohort_db):
    with Store.open(cohort_db[0]) as store:
        return dataset_from_store(store, user=installation_owner(store), clinical=CLINICAL)


@pytest.fixture(scope="session")
def trained(dataset):
    ds, _ = dataset
    return train_model(ds, candidates=("logreg", "plsda"), n_bootstrap=4, n_boot_ci=100, seed=0)


@pytest.fixture(scope="session")
def model_dir(trained, tmp_path_factory):
    model, report = trained
    out = tmp_path_factory.mktemp("models") / "tiny"
    save_model(model, out, report=report)
    return out
