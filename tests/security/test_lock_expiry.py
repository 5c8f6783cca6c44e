"""A lock ends by itself after LOCK_MINUTES: five wrong passwords cannot lock a clinic's only administrator for good."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

import enose.security.accounts as accounts
from enose.security import AuthenticationFailed, authenticate, create_user, verify
from enose.security.accounts import LOCK_MINUTES, MAX_FAILED_ATTEMPTS, AccountLocked, AccountTampered
from enose.storage import Store

ADMIN_PW = "amber-cactus-violin-42"
CLIN_PW = "quiet-harbour-lantern-87"


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    monkeypatch.setattr("enose.security.accounts.THROTTLE_BASE_S", 0.0)


@pytest.fixture
def clock(monkeypatch):
    """The accounts module's clock, ``utc_now`` (the lock's start and the time it is compared with), moved by
    ``clock.minutes``."""

    class Clock(datetime):
        minutes = 0.0

        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=Clock.minutes)

    monkeypatch.setattr(accounts, "utc_now", lambda: Clock.now(UTC).isoformat(timespec="milliseconds"))
    return Clock


@pytest.fixture
def one_admin(db_path):
    with Store.open(db_path) as store:
        create_user(store, "admin1", ADMIN_PW, "admin", "first-start")
        create_user(store, "clin1", CLIN_PW, "clinician", authenticate(store, "admin1", ADMIN_PW))
    return db_path


def _lock(store, username):
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            authenticate(store, username, "not-the-password-at-all")


def _actions(store, username):
    return [
        r[0] for r in store.conn.execute("SELECT action FROM audit_log WHERE object_id = ? ORDER BY id", (username,))
    ]


def test_the_only_administrator_is_locked_for_a_while_then_signs_in_again(one_admin, clock):
    with Store.open(one_admin) as store:
        _lock(store, "admin1")
        clock.minutes = LOCK_MINUTES - 1
        with pytest.raises(AccountLocked, match=r"until \d\d:\d\d UTC"):
            authenticate(store, "admin1", ADMIN_PW)  # the right password, still inside the lock
        clock.minutes = LOCK_MINUTES + 0.1
        assert authenticate(store, "admin1", ADMIN_PW).role == "admin"
        actions = _actions(store, "admin1")
        assert actions.index("account_locked") < actions.index("account_lock_expired") < len(actions) - 1
        assert actions[-1] == "sign_in"
        assert verify(store).ok  # the lifted lock carries the row's new fingerprint


def test_after_a_lock_the_count_starts_again(one_admin, clock):
    with Store.open(one_admin) as store:
        _lock(store, "clin1")
        clock.minutes = LOCK_MINUTES + 1
        for _ in range(MAX_FAILED_ATTEMPTS - 1):  # four more wrong guesses: not locked yet
            with pytest.raises(AuthenticationFailed) as refused:
                authenticate(store, "clin1", "still-not-the-password")
            assert not isinstance(refused.value, AccountLocked)
        assert authenticate(store, "clin1", CLIN_PW).role == "clinician"
        _lock(store, "clin1")  # five in a row lock it again, for a new period
        with pytest.raises(AccountLocked):
            authenticate(store, "clin1", CLIN_PW)


def test_a_lock_ending_does_not_adopt_a_row_edited_in_the_file(one_admin, clock):
    with Store.open(one_admin) as store:
        _lock(store, "clin1")
    raw = sqlite3.connect(one_admin, isolation_level=None)
    raw.execute("UPDATE users SET role = 'admin' WHERE username = 'clin1'")
    raw.close()
    clock.minutes = LOCK_MINUTES + 1
    with Store.open(one_admin) as store:
        with pytest.raises(AccountTampered):
            authenticate(store, "clin1", CLIN_PW)
        assert store.conn.execute("SELECT locked_at FROM users WHERE username = 'clin1'").fetchone()[0] is not None
        assert "account_lock_expired" not in _actions(store, "clin1")


def test_the_lock_period_is_a_quarter_of_an_hour():
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert accounts._lock_ends(start.isoformat()) == start + timedelta(minutes=15)
    assert accounts._lock_ends("2026-12-01T10:00:00") == start + timedelta(minutes=15)  # a naive stored time: UTC
