"""Local staff accounts: argon2id password hashes, one role each, every change and sign-in audited.

The first account of an installation must be an administrator and may be created
by anyone who can open the database (whoever holds the owner-only file already
has all of it); from then on accounts are enforced for good (see
:mod:`enose.security.signin`) and only an administrator manages them.

Why every account change writes the row's fingerprint into the audit trail: the
users table is an ordinary SQLite table, so ``UPDATE users SET role='admin'``
in the file would otherwise make anyone an administrator. Sign-in compares the
row with the newest fingerprint the hash-chained trail holds for it and refuses
an account that was changed outside this code; :func:`enose.security.audit.verify`
reports it too.

Repeated failures lock an account (:data:`MAX_FAILED_ATTEMPTS`) for
:data:`LOCK_MINUTES` (an administrator may unlock it sooner), each failure after
the first waits a little longer (throttling), and a failed sign-in under a name
that has no account is recorded only as a keyed hash of that name: people type
their password into the user-name field.

Why a lock that ends by itself: a clinic often has one administrator, and whoever
types five wrong passwords under that name would otherwise lock the installation
for good (nobody left to unlock it). Five guesses every quarter of an hour, each
against a password zxcvbn rates "safely unguessable", keeps guessing hopeless.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from enose.security.keys import KeyFileError, create_key_file, read_key_file
from enose.security.permissions import ROLES, Permission, PermissionDenied, require
from enose.storage import audit_log as audit  # the writer only: enose.security.audit checks accounts
from enose.storage.paths import default_data_dir
from enose.storage.store import Store, utc_now

__all__ = [
    "User",
    "AccountError",
    "AuthenticationFailed",
    "AccountLocked",
    "AccountTampered",
    "MIN_PASSWORD_LENGTH",
    "MAX_FAILED_ATTEMPTS",
    "LOCK_MINUTES",
    "check_password",
    "create_user",
    "authenticate",
    "change_password",
    "set_disabled",
    "unlock",
    "accounts_enforced",
    "has_any_admin",
    "list_users",
    "list_accounts",
    "get_user",
    "account_fingerprint",
    "user_fingerprint_problems",
]

MIN_PASSWORD_LENGTH = 12
#: zxcvbn's scale 0-4: 3 is "safely unguessable: moderate protection from offline slow-hash scenario".
MIN_PASSWORD_SCORE = 3
MAX_FAILED_ATTEMPTS = 5
#: How long a lock lasts; the next sign-in after it starts a fresh count (audited ``account_lock_expired``).
LOCK_MINUTES = 15
#: Wait after the n-th consecutive failure: base * 2**(n-1) seconds, at most THROTTLE_MAX_S.
THROTTLE_BASE_S = 0.25
THROTTLE_MAX_S = 4.0
NAME_KEY_FILE = "audit-names.key"
_hasher = PasswordHasher()
_ACCOUNT_ACTIONS = ("user_created", "password_changed", "password_rehashed", "account_locked", "account_unlocked",
                    "account_disabled", "account_enabled", "account_fingerprint_adopted")  # fmt: skip


@dataclass(frozen=True)
class User:
    """A signed-in (or looked-up) account; pass it to :func:`enose.security.require`.

    ``authenticated`` is False only for the single-user installation's owner
    (a database without any account): records it makes say so.
    """

    username: str
    role: str
    authenticated: bool = True


class AccountError(ValueError):
    """The account cannot be created or changed as asked.

    ``code`` is one of user_name, role, password_short, password_weak, exists, unknown.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class AuthenticationFailed(Exception):
    """Wrong user name or password, or a disabled account (the message never says which)."""


class AccountLocked(AuthenticationFailed):
    """Too many failed sign-ins: an administrator unlocks the account."""


class AccountTampered(AuthenticationFailed):
    """The account's row no longer matches what the audit trail recorded for it."""


def check_password(password: str, username: str = "") -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD_LENGTH` or one zxcvbn finds guessable.

    Raises:
        AccountError: ``password_short`` or ``password_weak`` with zxcvbn's advice.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    from zxcvbn import zxcvbn

    verdict = zxcvbn(password[:128], user_inputs=[username, "enose", "alcove", "breath", "screening"])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        advice = verdict["feedback"].get("warning") or "it is a common word, name or pattern"
        raise AccountError("password_weak", f"this password is too easy to guess ({advice.rstrip('.')}); "
                                            "use a longer passphrase of unrelated words")  # fmt: skip


def _check_name_and_role(username: str, role: str) -> str:
    username = username.strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise AccountError("user_name", "a user name is 1-64 characters without spaces")
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return username


def account_fingerprint(row: dict | sqlite3.Row | tuple) -> str:
    """SHA-256 of what decides who may do what: name, role, password hash, disabled and locked state."""
    username, role, password_hash, disabled, locked_at = (row[k] for k in
                                                          ("username", "role", "password_hash", "disabled",
                                                           "locked_at"))  # fmt: skip
    body = json.dumps([username, role, password_hash, int(disabled), locked_at], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _row(store: Store, username: str) -> dict | None:
    rows = list(store.db.query(
        "SELECT username, role, password_hash, disabled, locked_at, failed_attempts FROM users WHERE username = ?",
        [username]))  # fmt: skip
    return rows[0] if rows else None


def _audited_fingerprint(store: Store, username: str) -> str | None:
    """The newest fingerprint the audit trail holds for ``username`` (None for a legacy account)."""
    for (detail,) in store.conn.execute(
        "SELECT detail FROM audit_log WHERE object_type = 'user' AND object_id = ? ORDER BY id DESC", (username,)
    ):
        fingerprint = json.loads(detail).get("fingerprint")
        if fingerprint:
            return str(fingerprint)
    return None


def _audit_account(store: Store, actor: str, action: str, username: str, **detail) -> None:
    """Record an account change with the row's new fingerprint (call inside the change's transaction)."""
    row = _row(store, username)
    assert row is not None
    audit.record(store, actor, action, "user", username, fingerprint=account_fingerprint(row), **detail)


def user_fingerprint_problems(store: Store) -> list[str]:
    """Accounts whose row differs from the audit trail, and audited accounts that were deleted."""
    problems = []
    present = {row["username"]: row for row in store.db.query(
        "SELECT username, role, password_hash, disabled, locked_at FROM users")}  # fmt: skip
    audited = {r[0] for r in store.conn.execute(
        "SELECT DISTINCT object_id FROM audit_log WHERE object_type = 'user' AND action = 'user_created'")}  # fmt: skip
    for username, row in present.items():
        expected = _audited_fingerprint(store, username)
        if expected is None:
            if username in audited:
                continue  # created by a release before fingerprints; adopted at its next sign-in
            problems.append(f"account {username!r} is not in the audit trail: it was inserted outside the software")
        elif expected != account_fingerprint(row):
            problems.append(f"account {username!r} was changed outside the software (role, password or state "
                            "differs from the audit trail)")  # fmt: skip
    for username in sorted(audited - set(present)):
        problems.append(f"account {username!r} was deleted from the database outside the software")
    return problems


def accounts_enforced(store: Store) -> bool:
    """Whether this database needs a sign-in: it has, or ever had, an account.

    Why the audit trail too: deleting every account in the file must not bring back the
    unauthenticated single-user mode (:mod:`enose.security.signin`).
    """
    if store.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone():
        return True
    return store.conn.execute("SELECT 1 FROM audit_log WHERE action = 'user_created' LIMIT 1").fetchone() is not None


def has_any_admin(store: Store) -> bool:
    return (
        store.conn.execute("SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0 LIMIT 1").fetchone() is not None
    )


def get_user(store: Store, username: str) -> User | None:
    row = store.conn.execute(
        "SELECT username, role FROM users WHERE username = ? AND disabled = 0", (username,)
    ).fetchone()
    return User(row[0], row[1]) if row else None


def list_users(store: Store) -> list[User]:
    """Enabled accounts (used to decide whether sign-in is needed; :func:`list_accounts` is the guarded listing)."""
    return [
        User(u, r)
        for u, r in store.conn.execute("SELECT username, role FROM users WHERE disabled = 0 ORDER BY username")
    ]


def list_accounts(store: Store, user) -> list[dict]:
    """Every account with its state (needs :attr:`Permission.MANAGE_USERS`)."""
    require(user, Permission.MANAGE_USERS)
    return [
        {"username": r["username"], "role": r["role"], "disabled": bool(r["disabled"]),
         "locked": r["locked_at"] is not None, "failed_attempts": r["failed_attempts"]}
        for r in store.db.query("SELECT * FROM users ORDER BY username")
    ]  # fmt: skip


def create_user(store: Store, username: str, password: str, role: str, actor) -> User:
    """Create an account (audited as ``user_created`` with its fingerprint) and return it.

    ``actor`` is the signed-in administrator (a :class:`User`); for the very first account,
    which must be an admin, it may be free text such as ``"first-start"``.

    Raises:
        AccountError: invalid name, role or password, or the name is taken.
        PermissionDenied: accounts exist and ``actor`` is not a signed-in administrator.
    """
    username = _check_name_and_role(username, role)
    check_password(password, username)
    if accounts_enforced(store):
        if not isinstance(actor, User) or not actor.authenticated:
            raise PermissionDenied("accounts exist: only a signed-in administrator may create accounts")
        require(actor, Permission.MANAGE_USERS)
        actor_name = actor.username
    elif role != "admin":
        raise AccountError("role", "the first account must be an administrator (role admin)")
    else:
        actor_name = actor.username if isinstance(actor, User) else str(actor)
    digest = _hasher.hash(password)
    conn = store.conn
    try:
        with conn:
            now = utc_now()
            conn.execute(
                "INSERT INTO users (username, role, password_hash, created_at, created_by, password_changed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (username, role, digest, now, actor_name, now),
            )
            _audit_account(store, actor_name, "user_created", username, role=role)
    except sqlite3.IntegrityError as error:
        raise AccountError("exists", f"an account named {username!r} already exists") from error
    return User(username, role)


def _name_key() -> bytes:
    path = Path(default_data_dir()) / NAME_KEY_FILE
    create_key_file(path)
    try:
        return read_key_file(path)
    except KeyFileError:
        return b""


def _unknown_name_token(username: str) -> str:
    """A keyed hash of a name that has no account (never the typed text: it may be a password)."""
    key = _name_key()
    if not key:
        return "unknown"
    return "unknown:" + hmac.new(key, username.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]


def _throttle(failures: int) -> None:
    if failures > 1:
        time.sleep(min(THROTTLE_MAX_S, THROTTLE_BASE_S * 2 ** (failures - 2)))


def _fail(store: Store, row: dict) -> None:
    """Count a failed sign-in for an existing account, lock it at the limit (both audited)."""
    username = row["username"]
    failures = int(row["failed_attempts"]) + 1
    with store.conn:
        store.conn.execute("UPDATE users SET failed_attempts = ? WHERE username = ?", (failures, username))
        audit.record(store, username, "sign_in_failed", "user", username, attempt=failures)
        if failures >= MAX_FAILED_ATTEMPTS and row["locked_at"] is None:
            store.conn.execute("UPDATE users SET locked_at = ? WHERE username = ?", (utc_now(), username))
            _audit_account(store, "system", "account_locked", username, attempts=failures)
    _throttle(failures)


def _check_untampered(store: Store, row: dict) -> None:
    expected = _audited_fingerprint(store, row["username"])
    if expected is None:
        with store.conn:
            _audit_account(store, row["username"], "account_fingerprint_adopted", row["username"])
        return
    if expected != account_fingerprint(row):
        audit.record(store, "system", "account_tampered", "user", row["username"])
        raise AccountTampered(
            f"the account {row['username']!r} was changed outside the software (its role, password or state "
            "differs from the audit trail): sign-in refused; an administrator restores the database from a backup"
        )


def _lock_ends(locked_at: str) -> datetime:
    """When a lock set at ``locked_at`` (ISO 8601, UTC) ends; an unreadable time locks for a full period from now."""
    try:
        start = datetime.fromisoformat(locked_at)
    except (TypeError, ValueError):
        start = datetime.fromisoformat(utc_now())
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start + timedelta(minutes=LOCK_MINUTES)


def _end_lock(store: Store, row: dict) -> dict:
    """Lift a lock whose time is over (audited, with the row's new fingerprint); the row as it is now.

    The row is first checked against the audit trail: a lifted lock must not adopt a role or a
    password written into the file while the account was locked.
    """
    _check_untampered(store, row)
    username = row["username"]
    with store.conn:
        store.conn.execute("UPDATE users SET locked_at = NULL, failed_attempts = 0 WHERE username = ?", (username,))
        _audit_account(store, "system", "account_lock_expired", username, locked_at=row["locked_at"])
    return _row(store, username)


def authenticate(store: Store, username: str, password: str) -> User:
    """Check the password; record ``sign_in`` or ``sign_in_failed`` in the audit trail.

    Raises:
        AuthenticationFailed: "wrong user name or password", whichever was wrong.
        AccountLocked: the account is locked after repeated failures (for :data:`LOCK_MINUTES`).
        AccountTampered: the account row was edited outside the software.
    """
    username = username.strip()
    row = _row(store, username)
    if row is None or row["disabled"]:
        _hasher.hash(password)  # same cost whether or not the account exists
        actor = username[:64] if row is not None else _unknown_name_token(username)
        audit.record(store, actor, "sign_in_failed", "user", actor, reason="disabled" if row else "unknown")
        raise AuthenticationFailed("wrong user name or password")
    if row["locked_at"] is not None:
        until = _lock_ends(row["locked_at"])
        if datetime.fromisoformat(utc_now()) < until:  # the clock that stamped the lock
            audit.record(store, username, "sign_in_refused", "user", username, reason="locked")
            raise AccountLocked(f"the account {username!r} is locked after {MAX_FAILED_ATTEMPTS} failed sign-ins "
                                f"until {until:%H:%M} UTC; an administrator can unlock it sooner "
                                f"(`enose users unlock {username}`)")  # fmt: skip
        row = _end_lock(store, row)
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError) as error:
        _fail(store, row)
        raise AuthenticationFailed("wrong user name or password") from error
    _check_untampered(store, row)
    with store.conn:
        if row["failed_attempts"]:
            store.conn.execute("UPDATE users SET failed_attempts = 0 WHERE username = ?", (username,))
        if _hasher.check_needs_rehash(row["password_hash"]):
            store.conn.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?", (_hasher.hash(password), username)
            )
            _audit_account(store, username, "password_rehashed", username)
        audit.record(store, username, "sign_in", "user", username)
    return User(row["username"], row["role"])


def change_password(store: Store, user: User, username: str, old_password: str | None, new_password: str) -> None:
    """Set a new password: one's own (always with the current one) or another's as an administrator."""
    own = user.username == username
    if not own:
        require(user, Permission.MANAGE_USERS)
    row = _row(store, username)
    if row is None:
        raise AccountError("unknown", f"no account named {username!r}")
    if own:  # one's own password, administrators included: whoever finds a session open cannot take it over
        try:
            _hasher.verify(row["password_hash"], old_password or "")
        except (VerificationError, InvalidHashError) as error:
            _fail(store, row)
            raise AuthenticationFailed("the current password is wrong; nothing was changed") from error
    check_password(new_password, username)
    with store.conn:
        store.conn.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?",
            (_hasher.hash(new_password), utc_now(), username),
        )
        _audit_account(store, user.username, "password_changed", username)


def set_disabled(store: Store, user: User, username: str, disabled: bool) -> None:
    """Disable (or enable again) an account; an administrator may not disable the last enabled admin."""
    require(user, Permission.MANAGE_USERS)
    row = _row(store, username)
    if row is None:
        raise AccountError("unknown", f"no account named {username!r}")
    if disabled and row["role"] == "admin":
        others = store.conn.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND username != ?", (username,)
        ).fetchone()[0]
        if not others:
            raise AccountError("role", "this is the last enabled administrator: create another one first")
    with store.conn:
        store.conn.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))
        store.conn.execute("UPDATE auth_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                           (utc_now(), username))  # fmt: skip
        _audit_account(store, user.username, "account_disabled" if disabled else "account_enabled", username)


def unlock(store: Store, user: User, username: str) -> None:
    """Unlock an account locked by failed sign-ins (administrators only)."""
    require(user, Permission.MANAGE_USERS)
    row = _row(store, username)
    if row is None:
        raise AccountError("unknown", f"no account named {username!r}")
    with store.conn:
        store.conn.execute("UPDATE users SET locked_at = NULL, failed_attempts = 0 WHERE username = ?", (username,))
        _audit_account(store, user.username, "account_unlocked", username)
