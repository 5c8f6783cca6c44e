"""A role the core refuses gets the same one line from every command: ``error: <why>; nothing was done``, exit 3.

The commands no longer word a refusal themselves; the root group does (``enose.cli._Cli``).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from enose.cli import cli
from tests.sync.conftest import write_sessions

PW = "amber-cactus-violin-42"


@pytest.fixture
def technician_db(tmp_path, monkeypatch):
    """A site database with one session, an administrator, a technician (who may not read results) and a
    researcher (who may not sync, export bundles or manage accounts)."""
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    runner = CliRunner()
    monkeypatch.setenv("ENOSE_NEW_PASSWORD", PW)
    assert runner.invoke(cli, ["users", "add", "root", "--role", "admin", "--db", str(db)]).exit_code == 0
    monkeypatch.setenv("ENOSE_PASSWORD", PW)
    added = runner.invoke(cli, ["users", "add", "tech", "--role", "technician", "--user", "root", "--db", str(db)])
    assert added.exit_code == 0, added.output
    added = runner.invoke(cli, ["users", "add", "res", "--role", "researcher", "--user", "root", "--db", str(db)])
    assert added.exit_code == 0, added.output
    return db


@pytest.mark.parametrize(
    ("login", "role", "args"),
    [
        ("tech", "technician", ["users", "list"]),
        ("tech", "technician", ["users", "disable", "root"]),
        ("tech", "technician", ["users", "add", "someone", "--role", "clinician"]),
        ("tech", "technician", ["audit", "list"]),
        ("tech", "technician", ["export", "study", "--out", "{tmp}/export"]),
        ("tech", "technician", ["qc", "--session", "1"]),
        ("res", "researcher", ["bundle", "export", "--out", "{tmp}/site.enose"]),
        ("res", "researcher", ["sync", "--status"]),
        ("res", "researcher", ["sync", "--to", "postgresql://nowhere.invalid/enose"]),
    ],
    ids=lambda v: " ".join(v[:2]) if isinstance(v, list) else v,
)
def test_every_command_words_a_refusal_the_same_way(technician_db, tmp_path, login, role, args):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--db", str(technician_db), "--user", login]
    result = CliRunner().invoke(cli, argv)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 3, result.output
    assert len(lines) == 1 and lines[0].startswith("error: ") and lines[0].endswith("; nothing was done"), lines
    assert role in lines[0]  # the role, from the account that signed in
    assert not (tmp_path / "export").exists() and not (tmp_path / "site.enose").exists()
