"""Several processes opening one new database at once all succeed, and the schema is built exactly once.

Issue 13, case 3: without one write transaction around the migrations, two first opens both saw
version 0 and both ran script 001 (``table devices already exists``, ``UNIQUE constraint failed:
schema_version.version``), 4 times in 8.
"""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from enose.storage import Store
from enose.storage.migrations import MIGRATIONS, split_statements

OPENERS = 4
ROUNDS = 6


def _open_at_once(path: str, barrier, results) -> None:
    """One opener: wait until every opener is ready (a real barrier, not a delay), then open."""
    barrier.wait(timeout=30)
    try:
        with Store.open(path) as store:
            store.ensure_subject("CON-0001")
        results.put("ok")
    except Exception as error:  # reported to the test, which fails with the message
        results.put(f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_first_opens_all_succeed_and_the_schema_is_intact(tmp_path, round_):
    context = multiprocessing.get_context("fork")
    path = tmp_path / f"new-{round_}.db"
    barrier = context.Barrier(OPENERS)
    results = context.Queue()
    processes = [context.Process(target=_open_at_once, args=(str(path), barrier, results)) for _ in range(OPENERS)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert outcomes == ["ok"] * OPENERS
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        versions = [row[0] for row in connection.execute("SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT COUNT(*) FROM subjects").fetchone()[0] == 1
    finally:
        connection.close()


def test_the_statement_splitter_keeps_trigger_bodies_and_comments_whole():
    script = (
        "-- a comment; with a semicolon\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER t_no_update BEFORE UPDATE ON t\nBEGIN SELECT RAISE(ABORT, 'never; ever'); END;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2 and statements[1].endswith("END;")
    connection = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS:  # every shipped script runs statement by statement
            for statement in split_statements(migration.sql):
                connection.execute(statement)
    finally:
        connection.close()


def test_a_failing_migration_leaves_the_previous_schema(tmp_path, monkeypatch):
    from enose.storage import migrations

    path = tmp_path / "old.db"
    with Store.open(path):
        pass
    broken = migrations.Migration(len(MIGRATIONS) + 1, "broken", "CREATE TABLE extra (x INTEGER);\nNOT SQL;")
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, broken])
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.Error):
        migrations.apply_migrations(connection)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None
    connection.close()
