"""Schema of the local SQLite database, as an ordered list of migrations.

Each migration runs once, in a transaction, and is recorded in
``schema_version`` (and ``PRAGMA user_version``), so an older database is
brought forward on open and a newer one is refused rather than misread.
Later features (calibration, scores, audit, sync outbox) append migrations;
never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["Migration", "MIGRATIONS", "SchemaTooNew", "apply_migrations", "register_migration"]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of this software."""


MIGRATIONS: list[Migration] = []


def register_migration(version: int, description: str, sql: str) -> None:
    """Append a migration (an SQL script); versions must be consecutive."""
    expected = len(MIGRATIONS) + 1
    if version != expected:
        raise ValueError(f"migration {version} registered out of order (expected {expected})")
    MIGRATIONS.append(Migration(version, description, sql))


register_migration(
    1,
    "devices, subjects, sessions, sample chunks, events, phases",
    """
        CREATE TABLE devices (
            serial TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            firmware TEXT NOT NULL,
            min_period_ms INTEGER NOT NULL,
            channels TEXT NOT NULL,            -- JSON [{kind, name, unit}] in INFO order
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        CREATE TABLE subjects (
            code TEXT PRIMARY KEY,             -- pseudonymous study code, never a name
            created_at TEXT NOT NULL,
            site TEXT,
            age_years INTEGER,
            sex TEXT CHECK (sex IN ('F', 'M', 'X') OR sex IS NULL),
            smoking TEXT CHECK (smoking IN ('never', 'former', 'current') OR smoking IS NULL),
            pack_years REAL,
            copd INTEGER,
            previous_cancer INTEGER
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL DEFAULT 'screening',
            subject_code TEXT REFERENCES subjects(code),
            device_serial TEXT REFERENCES devices(serial),
            firmware TEXT,
            operator TEXT NOT NULL,
            site TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            heartbeat_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'aborted', 'interrupted')),
            software_version TEXT NOT NULL,
            protocol TEXT NOT NULL,            -- JSON protocol parameters
            channels TEXT NOT NULL,            -- JSON channel layout at start
            period_ms INTEGER NOT NULL,
            n_samples INTEGER NOT NULL DEFAULT 0,
            lost_samples INTEGER NOT NULL DEFAULT 0,
            interruptions INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX sessions_subject ON sessions(subject_code);
        CREATE INDEX sessions_device ON sessions(device_serial);
        CREATE TABLE sample_chunks (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            chunk_index INTEGER NOT NULL,
            first_sample INTEGER NOT NULL,
            n_samples INTEGER NOT NULL,
            n_channels INTEGER NOT NULL,
            codec TEXT NOT NULL,
            t_s BLOB NOT NULL,
            device_seq BLOB NOT NULL,
            device_t_ms BLOB NOT NULL,
            flags BLOB NOT NULL,
            "values" BLOB NOT NULL,
            PRIMARY KEY (session_id, chunk_index)
        );
        CREATE TRIGGER sample_chunks_never_updated BEFORE UPDATE ON sample_chunks
        BEGIN SELECT RAISE(ABORT, 'raw samples are never updated'); END;
        CREATE TRIGGER sample_chunks_never_deleted BEFORE DELETE ON sample_chunks
        BEGIN SELECT RAISE(ABORT, 'raw samples are never deleted'); END;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id),
            t_s REAL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}', -- JSON
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_session ON events(session_id);
        CREATE TABLE phases (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            name TEXT NOT NULL,
            inlet INTEGER NOT NULL,
            start_s REAL NOT NULL,
            end_s REAL NOT NULL,
            PRIMARY KEY (session_id, name)
        );
    """,
)


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
