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
