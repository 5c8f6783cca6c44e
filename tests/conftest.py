"""Shared test set-up: offscreen Qt, no user data directory touched, paths to fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Never write into the real per-user data directory from a test."""
    monkeypatch.setenv("ENOSE_DATA_DIR", str(tmp_path_factory.mktemp("enose-data")))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "enose.db"


def pytest_collection_modifyitems(config, items):
    """Mark the fault-injection suite (:mod:`tests.fault_cases`) so ``pytest -m faults`` runs it alone."""
    from tests.fault_cases import FAULT_TESTS

    for item in items:
        path, _, name = item.nodeid.partition("::")
        if f"{path}::{name.split('[')[0]}" in FAULT_TESTS:
            item.add_marker(pytest.mark.faults)
