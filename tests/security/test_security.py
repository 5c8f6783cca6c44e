"""Accounts, roles enforced in the core, the hash-chained audit trail and pseudonyms."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner

from enose.cli import cli
from enose.security import (
    AccountError,
    AuthenticationFailed,
    Permission,
    PermissionDenied,
    SecretKeyError,
    User,
    authenticate,
    create_user,
    enrol,
    has_any_admin,
    list_users,
    read_results,
    record,
    reidentify,
    require,
    verify,
)
from enose.security.audit import AuditError
from enose.security.pseudonyms import load_site_secret, site_secret, site_secret_path
from enose.storage import Store
from tests.sync.conftest import write_sessions

PW = "amber-cactus-violin-42"


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    monkeypatch.setattr("enose.security.accounts.THROTTLE_BASE_S", 0.0)


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as opened:
        yield opened


def test_first_account_must_be_admin_then_only_admins_create_accounts(store):
    assert not has_any_admin(store)
    with pytest.raises(AccountError, match="first account"):
        create_user(store, "tech", PW, "technician", "first-start")
    create_user(store, "root", PW, "admin", "first-start")
    with pytest.raises(PermissionDenied):
        create_user(store, "eve", PW, "admin", "nobody")
    with pytest.raises(PermissionDenied):  # a declared name is not a signed-in administrator
        create_user(store, "eve", PW, "admin", "root")
    root = authenticate(store, "root", PW)
    create_user(store, "tech", PW, "technician", root)
    with pytest.raises(AccountError) as taken:
        create_user(store, "tech", PW + "x", "technician", root)
    assert taken.value.code == "exists"
    with pytest.raises(AccountError, match="12 characters"):
        create_user(store, "short", "pw", "clinician", root)
    assert [(u.username, u.role) for u in list_users(store)] == [("root", "admin"), ("tech", "technician")]
    hashes = [r[0] for r in store.conn.execute("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2id$") and PW not in h for h in hashes)


def test_sign_in_success_and_failure_are_audited_without_saying_which_part_was_wrong(store):
    create_user(store, "root", PW, "admin", "first-start")
    assert authenticate(store, "root", PW) == User("root", "admin")
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        authenticate(store, "root", "nope-nope")
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        authenticate(store, "ghost", PW)
    actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["user_created", "sign_in", "sign_in_failed", "sign_in_failed"]


def test_technician_cannot_read_results_and_researcher_cannot_reidentify(db_path):
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        with pytest.raises(PermissionDenied, match="technician"):
            read_results(store, User("t", "technician"), 1)
        assert read_results(store, User("c", "clinician"), 1)["scores"] == []
        code = enrol(store, User("t", "technician"), "12 345 678", "LIL")
        with pytest.raises(PermissionDenied, match="researcher"):
            reidentify(store, User("r", "researcher"), code)
        with pytest.raises(PermissionDenied):
            reidentify(store, User("t", "technician"), code)
        assert reidentify(store, User("c", "clinician"), code) == "12345678"
    for role in ("technician", "researcher"):
        with pytest.raises(PermissionDenied):
            require(User("x", role), Permission.REIDENTIFY)
    require(User("x", "admin"), Permission.MANAGE_USERS)


def test_enrolment_gives_a_valid_random_code_once_per_number_and_the_secret_is_owner_only(store):
    from enose.subjects import validate_subject_code

    clinician = User("c", "clinician")
    code = enrol(store, clinician, "A-123 456", "LIL")
    assert enrol(store, clinician, "a-123456", "LIL") == code  # the same person, however typed
    assert enrol(store, clinician, "B-999", "LIL") != code
    assert validate_subject_code(code) == code
    assert code.startswith("LIL-") and len(code) == len("LIL-000000")
    path = site_secret_path()
    assert not path.exists()  # enrolment needs no secret
    secret = site_secret(store)  # created on first use...
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and site_secret(store) == secret
    os.chmod(path, 0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_site_secret()


def test_hospital_numbers_never_reach_logs_audit_or_sessions(db_path, caplog):
    caplog.set_level(logging.DEBUG)
    with Store.open(db_path) as store:
        code = enrol(store, User("c", "clinician"), "HN-77441", "LIL")
        audit_text = json.dumps(store.conn.execute("SELECT * FROM audit_log").fetchall())
        with pytest.raises(AuditError):
            record(store, "c", "note", "subject", code, hospital_number="HN-77441")
    assert "77441" not in caplog.text and "77441" not in audit_text


def test_audit_chain_verifies_and_names_the_first_edited_row(store):
    for i in range(5):
        record(store, "tech1", "create", "session", i, kind="screening")
    assert verify(store).ok and verify(store).n_rows == 5
    store.conn.execute("DROP TRIGGER audit_log_never_updated")
    with store.conn:
        store.conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
    report = verify(store)
    assert not report.ok and report.first_bad_id == 3
    assert any("row 3 was edited" in p for p in report.problems)
    assert any("trigger" in p for p in report.problems)


def test_audit_rows_cannot_be_changed_through_sql_and_deletions_are_detected(store):
    for i in range(4):
        record(store, "tech1", "create", "session", i)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with store.conn:
            store.conn.execute("UPDATE audit_log SET actor = 'x'")
    store.conn.execute("DROP TRIGGER audit_log_never_deleted")
    with store.conn:
        store.conn.execute("DELETE FROM audit_log WHERE id = 4")
    tail = verify(store)
    assert not tail.ok and tail.first_bad_id == 4
    with store.conn:
        store.conn.execute("DELETE FROM audit_log WHERE id = 2")
    middle = verify(store)
    assert middle.first_bad_id == 2


def test_cli_audit_verify_reports_a_row_edited_directly_in_sqlite(db_path):
    with Store.open(db_path) as store:
        for i in range(3):
            record(store, "tech1", "label", "subject", f"LIL-000{i}")
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--db", str(db_path), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["ok"] is True
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_log_never_updated")
    raw.execute("""UPDATE audit_log SET detail = '{"kind":"forged"}' WHERE id = 2""")
    raw.commit()
    raw.close()
    bad = runner.invoke(cli, ["audit", "verify", "--db", str(db_path)])
    assert bad.exit_code == 1
    assert "first bad entry 2" in bad.output and "row 2 was edited" in bad.output


def test_cli_requires_sign_in_once_accounts_exist_and_enforces_roles(db_path, monkeypatch):
    write_sessions(db_path, 1)
    runner = CliRunner()
    monkeypatch.setenv("ENOSE_NEW_PASSWORD", PW)
    assert runner.invoke(cli, ["users", "add", "root", "--role", "admin", "--db", str(db_path)]).exit_code == 0
    monkeypatch.setenv("ENOSE_PASSWORD", PW)
    added = runner.invoke(cli, ["users", "add", "tech", "--role", "technician", "--user", "root", "--db", str(db_path)])
    assert added.exit_code == 0, added.output
    out = str(db_path.parent / "export")
    anonymous = runner.invoke(cli, ["export", "study", "--out", out, "--db", str(db_path)])
    assert anonymous.exit_code == 2 and "--user" in anonymous.output
    denied = runner.invoke(cli, ["export", "study", "--out", out, "--db", str(db_path), "--user", "tech"])
    assert denied.exit_code == 3 and "technician" in denied.output
    monkeypatch.setenv("ENOSE_PASSWORD", "wrong password")
    wrong = runner.invoke(cli, ["audit", "list", "--db", str(db_path), "--user", "root"])
    assert wrong.exit_code == 2 and "wrong user name or password" in wrong.output
