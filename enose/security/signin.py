"""Who is acting: a signed-in account, a short-lived sign-in token, or a single-user installation's owner.

A database with no account is a single-user demo or research installation: it
runs as :func:`installation_owner`, whose name (``unauthenticated:<login>``)
marks every record and export it makes as unauthenticated. Creating the first
account switches enforcement on for good: :func:`accounts_enforced` also looks
at the hash-chained audit trail, so deleting or disabling every account in the
file never brings the unauthenticated mode back.

Tokens (``enose login``) spare a prompt for every command: 32 random bytes, of
which the database keeps only the SHA-256, with an expiry; ``enose logout``
(or disabling the account) revokes them.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from enose.security import audit
from enose.security.accounts import (
    AuthenticationFailed,
    User,
    _check_untampered,
    _row,
    accounts_enforced,
    authenticate,
)
from enose.storage.store import Store, utc_now

__all__ = [
    "UNAUTHENTICATED_PREFIX",
    "AccountsRemoved",
    "accounts_enforced",
    "installation_owner",
    "sign_in",
    "issue_token",
    "user_from_token",
    "revoke_token",
    "TOKEN_HOURS",
]

UNAUTHENTICATED_PREFIX = "unauthenticated:"
TOKEN_HOURS = 8.0


class AccountsRemoved(AuthenticationFailed):
    """The audit trail records accounts, but none is left enabled in the database."""


def installation_owner(store: Store) -> User:
    """The acting user of a database without accounts.

    Raises:
        AccountsRemoved: the database has (or had) accounts; a sign-in is needed.
    """
    if accounts_enforced(store):
        if not store.conn.execute("SELECT 1 FROM users WHERE disabled = 0 LIMIT 1").fetchone():
            raise AccountsRemoved("the audit trail records accounts on this database but none is left enabled: "
                                  "they were removed outside the software; restore the database from a backup")  # fmt: skip
        raise AuthenticationFailed("this installation has accounts: sign in (--user NAME, ENOSE_USER, or `enose login`)")
    return User(UNAUTHENTICATED_PREFIX + getpass.getuser(), "admin", authenticated=False)


def sign_in(store: Store, username: str | None, password: str | None) -> User:
    """The acting user: the installation owner while no account exists, else the authenticated account."""
    if not accounts_enforced(store):
        if username:
            raise AuthenticationFailed(f"there are no accounts yet; create the first administrator with "
                                       f"`enose users add {username} --role admin`")  # fmt: skip
        return installation_owner(store)
    if not username:
        installation_owner(store)  # raises the right message (accounts removed, or sign in)
    return authenticate(store, username or "", password or "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(store: Store, user: User, hours: float = TOKEN_HOURS) -> tuple[str, str]:
    """A new token for an authenticated ``user``; returns ``(token, expires_at)``. Audited."""
    if not user.authenticated:
        raise AuthenticationFailed("a sign-in token needs an account (this installation has none)")
    if not 0 < hours <= 24:
        raise ValueError("a sign-in token lasts between a minute and 24 hours")
    token = secrets.token_urlsafe(32)
    expires = (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")
    with store.conn:
        store.conn.execute(
            "INSERT INTO auth_tokens (token_sha256, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (_digest(token), user.username, utc_now(), expires),
        )
        audit.record(store, user.username, "token_issued", "user", user.username, expires_at=expires)
    return token, expires


def user_from_token(store: Store, token: str) -> User:
    """The account a valid token belongs to.

    Raises:
        AuthenticationFailed: unknown, expired or revoked token, or a disabled, locked or altered account.
    """
    row = store.conn.execute(
        "SELECT username, expires_at, revoked_at FROM auth_tokens WHERE token_sha256 = ?", (_digest(token),)
    ).fetchone()
    if row is None or row[2] is not None:
        raise AuthenticationFailed("the sign-in token is unknown or was revoked: sign in again (`enose login`)")
    if datetime.fromisoformat(row[1]) <= datetime.now(UTC):
        raise AuthenticationFailed("the sign-in token has expired: sign in again (`enose login`)")
    account = _row(store, row[0])
    if account is None or account["disabled"] or account["locked_at"] is not None:
        raise AuthenticationFailed("the account of this sign-in token is disabled or locked")
    _check_untampered(store, account)
    return User(account["username"], account["role"])


def revoke_token(store: Store, token: str) -> bool:
    """Revoke a token (``enose logout``); True if it was valid."""
    with store.conn:
        cursor = store.conn.execute(
            "UPDATE auth_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
            (utc_now(), _digest(token)),
        )
        if cursor.rowcount:
            username = store.conn.execute(
                "SELECT username FROM auth_tokens WHERE token_sha256 = ?", (_digest(token),)
            ).fetchone()[0]
            audit.record(store, username, "token_revoked", "user", username)
    return bool(cursor.rowcount)
