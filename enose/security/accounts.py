"""Local staff accounts: argon2id password hashes, one role each, every sign-in audited.

The first account of an installation must be an administrator and may be created
by anyone who can open the database (whoever holds the owner-only file already
has all of it); after that only an administrator creates accounts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from enose.security import audit
from enose.security.permissions import ROLES, Permission, PermissionDenied, has_permission
from enose.storage.store import Store, utc_now

__all__ = [
    "User",
    "AccountError",
    "AuthenticationFailed",
    "MIN_PASSWORD_LENGTH",
    "create_user",
    "authenticate",
    "has_any_admin",
    "list_users",
    "get_user",
]

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A signed-in (or looked-up) account; pass it to :func:`enose.security.require`."""

    username: str
    role: str


class AccountError(ValueError):
    """The account cannot be created as asked; ``code`` is one of user_name, role, password_short, exists."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class AuthenticationFailed(Exception):
    """Wrong user name or password, or a disabled account (the message never says which)."""


def _check(username: str, password: str, role: str) -> str:
    username = username.strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise AccountError("user_name", "a user name is 1-64 characters without spaces")
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return username


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
    return [
        User(u, r)
        for u, r in store.conn.execute("SELECT username, role FROM users WHERE disabled = 0 ORDER BY username")
    ]


def create_user(store: Store, username: str, password: str, role: str, actor: str) -> User:
    """Create an account (audited as ``user_created``) and return it.

    ``actor`` is the administrator creating it; for the very first account, which must be
    an admin, it is free text such as ``"first-start"``.

    Raises:
        AccountError: invalid name, role or password, or the name is taken.
        PermissionDenied: an administrator exists and ``actor`` is not one.
    """
    username = _check(username, password, role)
    if has_any_admin(store):
        acting = get_user(store, actor)
        if acting is None or not has_permission(acting, Permission.MANAGE_USERS):
            raise PermissionDenied(f"only an administrator may create accounts ({actor!r} is not one)")
    elif role != "admin":
        raise AccountError("role", "the first account must be an administrator (role admin)")
    digest = _hasher.hash(password)
    conn = store.conn
    try:
        with conn:
            conn.execute(
                "INSERT INTO users (username, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                (username, role, digest, utc_now(), actor),
            )
            audit.record(store, actor, "user_created", "user", username, role=role)
    except sqlite3.IntegrityError as error:
        raise AccountError("exists", f"an account named {username!r} already exists") from error
    return User(username, role)


def authenticate(store: Store, username: str, password: str) -> User:
    """Check the password; record ``sign_in`` or ``sign_in_failed`` in the audit trail.

    Raises:
        AuthenticationFailed: "wrong user name or password", whichever was wrong.
    """
    username = username.strip()
    row = store.conn.execute(
        "SELECT username, role, password_hash FROM users WHERE username = ? AND disabled = 0", (username,)
    ).fetchone()
    try:
        if row is None:
            _hasher.hash(password)  # same cost whether or not the account exists
            raise AuthenticationFailed("wrong user name or password")
        try:
            _hasher.verify(row[2], password)
        except (VerificationError, InvalidHashError) as error:
            raise AuthenticationFailed("wrong user name or password") from error
    except AuthenticationFailed:
        audit.record(store, username[:64] or "?", "sign_in_failed", "user", username[:64])
        raise
    if _hasher.check_needs_rehash(row[2]):
        with store.conn:
            store.conn.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?", (_hasher.hash(password), username)
            )
    audit.record(store, username, "sign_in", "user", username)
    return User(row[0], row[1])
