"""Where the database lives by default: the platform's per-user data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["default_data_dir", "default_db_path"]

APP_NAME = "enose"


def default_data_dir() -> Path:
    """Per-user data directory (``ENOSE_DATA_DIR`` overrides it, for kiosks and tests)."""
    override = os.environ.get("ENOSE_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The embedded SQLite database used when no ``--db`` is given."""
    return default_data_dir() / "enose.db"
