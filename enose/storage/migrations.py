"""Schema of the local SQLite database, as numbered SQL scripts in ``sql/``.

Each script ``NNN_description.sql`` runs once, in one transaction, and is
recorded in ``schema_version`` and ``PRAGMA user_version``; an older database
is brought forward on open and a newer one is refused rather than misread.
Never edit a script that has shipped: add the next number. Numbers are
reserved per area so parallel work does not collide: 002 signal and
calibration, 003 risk model, 004 security, audit and sync, 005 calibrations in the
sync outbox, 006 account protection, 007 the reasons a score got no zone, 008 an index for the label in force.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

__all__ = ["Migration", "MIGRATIONS", "SchemaTooNew", "apply_migrations", "load_migrations", "split_statements"]

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


def split_statements(script: str) -> list[str]:
    """The statements of an SQL script, in order (triggers' ``BEGIN ... END;`` bodies kept whole).

    Why not ``executescript``: it commits any open transaction first, and the migrations must run
    inside the caller's one write transaction. ``sqlite3.complete_statement`` decides where a
    statement ends, so a ``;`` in a comment, a string or a trigger body does not split it.
    """
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.rstrip().rstrip(";").strip():  # the ";" added after the last piece is no statement
                statements.append(pending.strip())
            pending = ""
    return statements


def apply_migrations(db: sqlite3.Connection) -> int:
    """Bring ``db`` to the newest schema; return the version it is at.

    All pending scripts run in one ``BEGIN IMMEDIATE`` transaction and the version is read again
    once it holds the write lock. Why: two processes opening a new file at once (the GUI and a CLI
    command, two CLI commands) would otherwise both see version 0 and both run script 001
    (``table devices already exists``, ``UNIQUE constraint failed: schema_version.version``). With
    the lock, the second waits (the connection's busy timeout), then finds the schema current.
    A failing script rolls everything back: the file keeps its previous schema.

    Raises:
        SchemaTooNew: the file was written by a newer release; it is left untouched.
    """
    newest = len(MIGRATIONS)
    if _version(db) == newest:
        return newest  # the common case: no write lock taken
    if db.in_transaction:
        db.commit()
    db.execute("BEGIN IMMEDIATE")
    try:
        current = _version(db)  # again, under the write lock: another process may have migrated meanwhile
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT)"
        )
        for migration in MIGRATIONS[current:]:
            for statement in split_statements(migration.sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                (migration.version, migration.description, datetime.now(UTC).isoformat()),
            )
            db.execute(f"PRAGMA user_version = {int(migration.version)}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return newest


def _version(db: sqlite3.Connection) -> int:
    """The schema version of ``db``; a newer one than this software knows is refused."""
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > len(MIGRATIONS):
        raise SchemaTooNew(
            f"database schema version {current} is newer than this software supports ({len(MIGRATIONS)}); "
            "update the software rather than opening this file with it"
        )
    return current
