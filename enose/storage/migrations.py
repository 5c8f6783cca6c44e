"""Schema of the local SQLite database, as numbered SQL scripts in ``sql/``.

Each script ``NNN_description.sql`` runs once, in one transaction, and is
recorded in ``schema_version`` and ``PRAGMA user_version``; an older database
is brought forward on open and a newer one is refused rather than misread.
Never edit a script that has shipped: add the next number. Numbers are
reserved per area so parallel work does not collide: 002 signal and
calibration, 003 risk model, 004 security, audit and sync, 005 calibrations in the
sync outbox.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

__all__ = ["Migration", "MIGRATIONS", "SchemaTooNew", "apply_migrations", "load_migrations"]

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of this software."""


def load_migrations() -> list[Migration]:
    """Read the shipped SQL scripts; their numbers must run 1, 2, 3... without a hole."""
    found = []
    for entry in resources.files("enose.storage").joinpath("sql").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2].replace("_", " "), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"schema scripts must be numbered 1..N without gaps, found {numbers}")
    return found


MIGRATIONS: list[Migration] = load_migrations()


def apply_migrations(db: sqlite3.Connection) -> int:
    """Bring ``db`` to the newest schema; return the version it is at.

    Raises:
        SchemaTooNew: the file was written by a newer release; it is left untouched.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT)"
    )
    current = db.execute("PRAGMA user_version").fetchone()[0]
    newest = len(MIGRATIONS)
    if current > newest:
        raise SchemaTooNew(
            f"database schema version {current} is newer than this software supports ({newest}); "
            "update the software rather than opening this file with it"
        )
    for migration in MIGRATIONS[current:]:
        applied_at = datetime.now(UTC).isoformat()
        description = migration.description.replace("'", "''")
        try:
            # One script, one transaction: a failing migration leaves the previous schema intact.
            db.executescript(
                f"BEGIN;\n{migration.sql}\n;"
                f"INSERT INTO schema_version VALUES ({migration.version}, '{description}', '{applied_at}');"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return newest
