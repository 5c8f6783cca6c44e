"""The local attacks of the security review, each refused or detected (issue 12).

Every test plays what an attacker with a local account, or with the SQLite file
itself, tried, and asserts the refusal (a clear message, a non-zero exit) or the
detection by ``audit verify``, and that nothing recorded was lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner

from enose.cli import cli
from enose.labels import add_label
from enose.security import AuthenticationFailed, PermissionDenied, User, authenticate, create_user, verify
from enose.security.accounts import (
    MAX_FAILED_ATTEMPTS,
    AccountError,
    AccountLocked,
    AccountTampered,
    change_password,
    check_password,
    set_disabled,
    unlock,
)
from enose.security.signin import AccountsRemoved, accounts_enforced, issue_token, sign_in, user_from_token
from enose.storage import Store
from enose.storage.analysis import add_calibration
from tests.sync.conftest import write_sessions

ADMIN_PW = "amber-cactus-violin-42"
CLIN_PW = "quiet-harbour-lantern-87"
TECH_PW = "orbit-pepper-glacier-19"
RES_PW = "meadow-tunnel-cobalt-33"


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    monkeypatch.setattr("enose.security.accounts.THROTTLE_BASE_S", 0.0)


@pytest.fixture
def clinic(db_path):
    """Two recorded sessions and four accounts, one per role."""
    write_sessions(db_path, 2)
    with Store.open(db_path) as store:
        create_user(store, "admin1", ADMIN_PW, "admin", "first-start")
        admin = authenticate(store, "admin1", ADMIN_PW)
        for name, pw, role in (("clin1", CLIN_PW, "clinician"), ("tech1", TECH_PW, "technician"),
                               ("res1", RES_PW, "researcher")):  # fmt: skip
            create_user(store, name, pw, role, admin)
    return db_path


def _raw(db_path) -> sqlite3.Connection:
    """The file opened as an attacker would: plain sqlite3, triggers dropped at will."""
    return sqlite3.connect(db_path, isolation_level=None)


def _run(db_path, *args, user=None, password=None, monkeypatch=None):
    env = {"ENOSE_PASSWORD": password} if password else {}
    full = [*args, "--db", str(db_path)] + (["--user", user] if user else [])
    return CliRunner().invoke(cli, full, env=env)


# -- roles in the core --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["sessions", "list"],
        ["qc", "--session", "1"],
        ["export", "--session", "1", "--out", "EXPORT"],
        ["users", "list"],
        ["drift", "--device", "EN-0007"],
        ["audit", "verify"],
        ["sync", "--status"],
        ["site", "show"],
        ["features", "--out", "EXPORT"],
    ],
)
def test_every_command_needs_a_sign_in_once_accounts_exist(clinic, args, tmp_path):
    args = [str(tmp_path / "x.csv") if a == "EXPORT" else a for a in args]
    result = _run(clinic, *args)
    assert result.exit_code == 2, result.output
    assert "sign in" in result.output and "nothing was done" in result.output


def test_a_declared_operator_is_not_an_identity(clinic):
    """`enose score --operator clin1` used to write a score logged as clin1 without a password."""
    result = CliRunner().invoke(cli, ["score", "--model", "models", "--session", "2", "--operator", "clin1",
                                      "--db", str(clinic)])  # fmt: skip
    assert result.exit_code == 2 and "No such option" in result.output
    with Store.open(clinic) as store:
        assert store.conn.execute("SELECT count(*) FROM scores").fetchone()[0] == 0


def test_a_researcher_may_not_record_a_screening(clinic):
    """`enose demo --operator res1` used to let a researcher record; now the role is checked first."""
    result = _run(clinic, "demo", "--no-progress", "--baseline-s", "1", "--breath-s", "1", "--purge-s", "1",
                  user="res1", password=RES_PW)  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "researcher" in result.output and "record session" in result.output
    with Store.open(clinic) as store:
        assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2


def test_the_core_refuses_whatever_the_caller(clinic):
    """Scripts get the same answer as the CLI: permission checks live in the core functions."""
    from enose.model.scoring import score_session
    from enose.pipeline import calibrate_session, session_qc
    from enose.security.access import export_session, list_sessions

    with Store.open(clinic) as store:
        technician, researcher = User("tech1", "technician"), User("res1", "researcher")
        with pytest.raises(PermissionDenied, match="write scores"):
            score_session(store, 1, model=None, user=technician)
        with pytest.raises(PermissionDenied, match="read results"):
            session_qc(store, 1, technician)
        with pytest.raises(PermissionDenied, match="calibrate"):
            calibrate_session(store, 1, "zero", researcher)
        with pytest.raises(PermissionDenied, match="write labels"):
            add_label(store, researcher, subject_code="LIL-0000", cancer=True, histology=None, stage=None,
                      diagnosis_date=None, source="forged")  # fmt: skip
        with pytest.raises(PermissionDenied, match="read sessions"):
            list_sessions(store, User("x", "nobody"))
        with pytest.raises(PermissionDenied):
            export_session(store, User("x", "nobody"), 1, "csv", clinic.parent / "leak.csv")
        assert not (clinic.parent / "leak.csv").exists()
        assert store.conn.execute("SELECT count(*) FROM labels").fetchone()[0] == 0


def test_the_audit_actor_is_the_signed_in_account(clinic, tmp_path):
    out = tmp_path / "s1.csv"
    result = _run(clinic, "export", "--session", "1", "--out", str(out), user="clin1", password=CLIN_PW)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with Store.open(clinic) as store:
        actor, detail = store.conn.execute(
            "SELECT actor, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC"
        ).fetchone()
    assert actor == "clin1" and json.loads(detail)["authenticated"] is True


def test_a_database_without_accounts_runs_unauthenticated_and_says_so(db_path):
    write_sessions(db_path, 1)
    result = _run(db_path, "sessions", "list", "--json")
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        owner = sign_in(store, None, None)
    assert owner.username.startswith("unauthenticated:") and not owner.authenticated


# -- accounts ------------------------------------------------------------------------------------


def test_editing_the_users_table_does_not_make_an_admin(clinic):
    raw = _raw(clinic)
    raw.execute("UPDATE users SET role = 'admin' WHERE username = 'tech1'")
    raw.close()
    with Store.open(clinic) as store:
        with pytest.raises(AccountTampered, match="changed outside the software"):
            authenticate(store, "tech1", TECH_PW)
        report = verify(store)
    assert not report.ok and any("tech1" in p and "changed outside" in p for p in report.problems)


def test_deleting_or_disabling_every_account_does_not_bring_back_the_unauthenticated_mode(clinic):
    raw = _raw(clinic)
    raw.execute("DELETE FROM users")
    raw.close()
    with Store.open(clinic) as store:
        assert accounts_enforced(store)
        with pytest.raises(AccountsRemoved, match="restore the database"):
            sign_in(store, None, None)
        assert any("deleted" in p for p in verify(store).problems)
    result = _run(clinic, "sessions", "list")
    assert result.exit_code == 2 and "removed outside the software" in result.output


def test_repeated_failures_lock_the_account_until_an_admin_unlocks_it(clinic):
    with Store.open(clinic) as store:
        for _ in range(MAX_FAILED_ATTEMPTS):
            with pytest.raises(AuthenticationFailed):
                authenticate(store, "clin1", "not-the-password-at-all")
        with pytest.raises(AccountLocked, match="unlock it sooner"):
            authenticate(store, "clin1", CLIN_PW)  # the right password no longer opens it
        admin = authenticate(store, "admin1", ADMIN_PW)
        with pytest.raises(PermissionDenied):
            unlock(store, User("clin1", "clinician"), "clin1")
        unlock(store, admin, "clin1")
        assert authenticate(store, "clin1", CLIN_PW).role == "clinician"
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log WHERE object_id = 'clin1'")]
        assert "account_locked" in actions and "account_unlocked" in actions
        assert verify(store).ok


def test_failures_are_throttled_more_and_more(clinic, monkeypatch):
    waits = []
    monkeypatch.setattr("enose.security.accounts.THROTTLE_BASE_S", 0.25)
    monkeypatch.setattr("enose.security.accounts.time.sleep", waits.append)
    with Store.open(clinic) as store:
        for _ in range(4):
            with pytest.raises(AuthenticationFailed):
                authenticate(store, "res1", "wrong-wrong-wrong")
    assert waits == [0.25, 0.5, 1.0]


@pytest.mark.parametrize("password, code", [("password", "password_short"), ("password1234", "password_weak"),
                                            ("qwertyuiop123", "password_weak"), ("adminadmin12", "password_weak")])  # fmt: skip
def test_common_or_short_passwords_are_refused(password, code):
    with pytest.raises(AccountError) as refused:
        check_password(password, "admin")
    assert refused.value.code == code


def test_an_unknown_user_name_is_audited_only_as_a_keyed_hash(clinic):
    typed = "quiet-harbour-lantern-87"  # a password typed into the user-name field
    with Store.open(clinic) as store:
        for _ in range(2):
            with pytest.raises(AuthenticationFailed):
                authenticate(store, typed, "whatever")
        rows = store.conn.execute(
            "SELECT actor, object_id, detail FROM audit_log WHERE action = 'sign_in_failed'"
        ).fetchall()
    text = json.dumps(rows)
    assert typed not in text and "quiet" not in text
    assert rows[0][0] == rows[1][0] and rows[0][0].startswith("unknown:") and len(rows[0][0]) == len("unknown:") + 16


def test_password_change_and_disable_are_audited_and_take_effect(clinic):
    with Store.open(clinic) as store:
        clin = authenticate(store, "clin1", CLIN_PW)
        with pytest.raises(AuthenticationFailed, match="current password is wrong"):
            change_password(store, clin, "clin1", "not-it", "fresh-canyon-pillow-61")
        change_password(store, clin, "clin1", CLIN_PW, "fresh-canyon-pillow-61")
        with pytest.raises(AuthenticationFailed):
            authenticate(store, "clin1", CLIN_PW)
        clin = authenticate(store, "clin1", "fresh-canyon-pillow-61")
        with pytest.raises(PermissionDenied):
            set_disabled(store, clin, "tech1", True)
        admin = authenticate(store, "admin1", ADMIN_PW)
        token, _ = issue_token(store, authenticate(store, "tech1", TECH_PW))
        set_disabled(store, admin, "tech1", True)
        with pytest.raises(AuthenticationFailed):
            authenticate(store, "tech1", TECH_PW)
        with pytest.raises(AuthenticationFailed):
            user_from_token(store, token)  # disabling revokes its sign-in tokens
        with pytest.raises(AccountError, match="last enabled administrator"):
            set_disabled(store, admin, "admin1", True)
        assert verify(store).ok


def test_login_token_is_owner_only_expires_and_logout_revokes_it(clinic):
    runner = CliRunner()
    login = runner.invoke(cli, ["login", "--db", str(clinic), "--user", "clin1"], env={"ENOSE_PASSWORD": CLIN_PW})
    assert login.exit_code == 0 and "signed in as clin1" in login.output
    from enose.cli.auth import token_path

    with Store.open(clinic) as store:
        path = token_path(store)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    listed = runner.invoke(cli, ["sessions", "list", "--json", "--db", str(clinic)])
    assert listed.exit_code == 0 and len(json.loads(listed.output)["sessions"]) == 2
    with Store.open(clinic) as store:  # the clock moves on: the token's expiry passes
        with store.conn:
            store.conn.execute("UPDATE auth_tokens SET expires_at = '2000-01-01T00:00:00+00:00'")
    expired = runner.invoke(cli, ["sessions", "list", "--db", str(clinic)])
    assert expired.exit_code == 2 and "expired" in expired.output
    runner.invoke(cli, ["login", "--db", str(clinic), "--user", "clin1"], env={"ENOSE_PASSWORD": CLIN_PW})
    assert runner.invoke(cli, ["logout", "--db", str(clinic)]).exit_code == 0
    assert not path.exists()
    with Store.open(clinic) as store:
        live = "SELECT count(*) FROM auth_tokens WHERE revoked_at IS NULL AND expires_at > '2001'"
        assert store.conn.execute(live).fetchone()[0] == 0


# -- the audit chain vouches for the records -------------------------------------------------------


def _scored_clinic(db_path):
    """A clinic with a label and a calibration as well (scores need a model; labels and calibrations do not)."""
    write_sessions(db_path, 2)
    with Store.open(db_path) as store:
        add_label(store, User("clin1", "clinician"), subject_code="LIL-0000", cancer=False, histology=None,
                  stage=None, diagnosis_date=None, source="pathology")  # fmt: skip
        add_calibration(store, device_serial="EN-0007", kind="zero", operator="tech1", channels=["mox0"],
                        values=[1000.0], passed=True)  # fmt: skip
        assert verify(store).ok
    return db_path


@pytest.mark.parametrize(
    "attack, expected",
    [
        (["UPDATE sessions SET subject_code = 'LIL-0001' WHERE id = 1"], "session 1 was changed"),
        (["DROP TRIGGER sample_chunks_never_updated",
          "UPDATE sample_chunks SET session_id = -1 WHERE session_id = 1",
          "UPDATE sample_chunks SET session_id = 1 WHERE session_id = 2",
          "UPDATE sample_chunks SET session_id = 2 WHERE session_id = -1"], "session 1 was changed"),
        (["DELETE FROM calibrations"], "calibration 1 recorded in the audit trail has been deleted"),
        (["DROP TRIGGER labels_never_updated", "UPDATE labels SET cancer = 1"], "label 1 was changed"),
        (["INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at) "
          "VALUES ('LIL-0001', 1, 'forged', 'clin1', '2026-01-01')"], "label 2 is not in the audit trail"),
        (["DROP TRIGGER labels_never_updated",
          "CREATE TRIGGER labels_never_updated BEFORE UPDATE ON labels BEGIN SELECT 1; END"],
         "trigger labels_never_updated differs"),
        (["DROP TRIGGER audit_log_never_deleted",
          "CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log BEGIN SELECT 1; END"],
         "trigger audit_log_never_deleted differs"),
    ],
    ids=["edit-session", "swap-samples", "delete-calibrations", "edit-label", "insert-label", "noop-trigger",
         "noop-audit-trigger"],
)  # fmt: skip
def test_tampering_with_the_file_is_detected(db_path, attack, expected):
    _scored_clinic(db_path)
    raw = _raw(db_path)
    for statement in attack:
        raw.execute(statement)
    raw.close()
    with Store.open(db_path) as store:
        report = verify(store)
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems


def test_deleting_the_last_entries_and_resetting_the_sequence_is_detected(db_path):
    _scored_clinic(db_path)
    raw = _raw(db_path)
    last = raw.execute("SELECT max(id) FROM audit_log WHERE action = 'finish'").fetchone()[0]
    raw.execute("DROP TRIGGER audit_log_never_deleted")
    raw.execute("DELETE FROM audit_log WHERE id >= ?", (last,))
    raw.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", (last - 1,))
    raw.execute("CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")  # fmt: skip
    raw.close()
    with Store.open(db_path) as store:
        report = verify(store)
    assert not report.ok and any("lost the audit entry that sealed" in p for p in report.problems), report.problems


def test_a_rehashed_chain_verifies_locally_but_not_against_an_anchor(db_path):
    """What only a copy elsewhere can show: the whole chain rewritten from the edit onwards."""
    from enose.security.audit import GENESIS_HASH, row_hash

    _scored_clinic(db_path)
    with Store.open(db_path) as store:
        anchor = store.conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    raw = _raw(db_path)
    raw.execute("DROP TRIGGER audit_log_never_updated")
    rows = raw.execute("SELECT id, at, actor, action, object_type, object_id, detail FROM audit_log ORDER BY id")
    prev = GENESIS_HASH
    for row_id, at, actor, action, object_type, object_id, detail in rows.fetchall():
        actor = "mallory" if row_id == 1 else actor
        body = {"id": row_id, "at": at, "actor": actor, "action": action, "object_type": object_type,
                "object_id": object_id, "detail": json.loads(detail)}  # fmt: skip
        new = row_hash(prev, body)
        raw.execute("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?", (actor, prev, new, row_id))
        prev = new
    raw.execute("CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")  # fmt: skip
    raw.close()
    with Store.open(db_path) as store:
        assert verify(store).ok  # a local rewrite of every hash is consistent...
        anchored = verify(store, anchors=[tuple(anchor)])
    assert not anchored.ok and any("anchored in the central database" in p for p in anchored.problems)


# -- pseudonymity ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["DUPONT-1", "SMITH-JOHN-1985", "1985-03-12", "12345678", "NHS-943-476-5919"])
def test_names_dates_and_numbers_are_not_subject_codes(db_path, code):
    from enose.subjects import InvalidSubjectCode

    with Store.open(db_path) as store:
        with pytest.raises(InvalidSubjectCode) as refused:
            store.ensure_subject(code)
        assert store.conn.execute("SELECT count(*) FROM subjects").fetchone()[0] == 0
    assert code not in str(refused.value)  # the message never echoes what may be a name


def test_a_site_pattern_that_accepts_identifiers_is_refused(clinic):
    from enose.site_settings import set_subject_code_pattern, subject_code_pattern

    with Store.open(clinic) as store:
        admin = authenticate(store, "admin1", ADMIN_PW)
        with pytest.raises(ValueError, match="looks like a name"):
            set_subject_code_pattern(store, admin, r"[A-Z0-9-]+")
        with pytest.raises(PermissionDenied):
            set_subject_code_pattern(store, User("clin1", "clinician"), r"BRU[0-9]{4}")
        set_subject_code_pattern(store, admin, r"BRU[0-9]{4}")
        assert subject_code_pattern(store) == r"BRU[0-9]{4}"
        store.ensure_subject("BRU0042")
        from enose.subjects import InvalidSubjectCode

        with pytest.raises(InvalidSubjectCode, match="this site's pattern"):
            store.ensure_subject("LIL-0042")


def test_study_exports_carry_keyed_pseudonyms_and_days_only(clinic, tmp_path):
    import csv

    out = tmp_path / "study"
    result = _run(clinic, "export", "study", "--out", str(out), "--no-raw", user="res1", password=RES_PW)
    assert result.exit_code == 0, result.output
    sessions = list(csv.DictReader(open(out / "sessions.csv")))
    assert sessions and all(s["subject_code"].startswith("subj-") for s in sessions)
    assert all(len(s["started_at"]) == 10 for s in sessions)
    text = "".join(p.read_text() for p in out.glob("*.csv"))
    assert "LIL-0000" not in text and "tech1" not in text
    precise = _run(clinic, "export", "study", "--out", str(tmp_path / "p"), "--no-raw", "--precise-times",
                   user="res1", password=RES_PW)  # fmt: skip
    assert precise.exit_code == 0
    rows = list(csv.DictReader(open(tmp_path / "p" / "sessions.csv")))
    assert len(rows[0]["started_at"]) > 10 and rows[0]["subject_code"] == sessions[0]["subject_code"]


def test_a_missing_site_secret_is_an_error_never_a_new_key(clinic, tmp_path):
    from enose.security.pseudonyms import site_secret_path

    first = _run(clinic, "export", "study", "--out", str(tmp_path / "a"), "--no-raw", user="res1", password=RES_PW)
    assert first.exit_code == 0
    site_secret_path().unlink()
    again = _run(clinic, "export", "study", "--out", str(tmp_path / "b"), "--no-raw", user="res1", password=RES_PW)
    assert again.exit_code == 2 and "restore site-secret.key" in again.output
    assert not site_secret_path().exists()


# -- files ------------------------------------------------------------------------------------------


def test_a_database_others_can_read_is_made_owner_only_on_open(db_path, caplog):
    write_sessions(db_path, 1)
    os.chmod(db_path, 0o644)
    with Store.open(db_path, create=False):
        pass
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert "readable by other users" in caplog.text


def test_an_overwritten_export_becomes_owner_only(tmp_path):
    from enose.storage.private_files import write_private

    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    write_private(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new" and stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_simulated_cohort_never_goes_into_a_database_with_accounts(clinic):
    result = CliRunner().invoke(cli, ["cohort", "--subjects", "20", "--sites", "2", "--devices", "2", "--db",
                                      str(clinic), "--no-progress"])  # fmt: skip
    assert result.exit_code == 2 and "has staff accounts" in result.output
    with Store.open(clinic) as store:
        assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 2


def test_a_technician_may_list_the_sync_status_but_a_researcher_may_not(clinic):
    assert _run(clinic, "sync", "--status", user="tech1", password=TECH_PW).exit_code == 0
    refused = _run(clinic, "sync", "--status", user="res1", password=RES_PW)
    assert refused.exit_code == 3 and "researcher" in refused.output
