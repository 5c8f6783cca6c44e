"""Accounts, roles and the audit trail for the app: a thin layer over :mod:`enose.security`.

The core keeps the accounts (salted argon2 hashes), decides what each role may
do and writes the hash-chained audit trail; the GUI only opens a short-lived
:class:`~enose.storage.Store` per call (SQLite connections belong to their
thread) and hides what the signed-in role may not do. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from enose import security
from enose.security import Permission

__all__ = [
    "ROLES",
    "WORKSPACES",
    "Account",
    "AuthenticationFailed",
    "AccountError",
    "Permission",
    "has_any_admin",
    "create_user",
    "authenticate",
    "list_users",
    "may_work_as",
    "can",
    "audit",
]

ROLES = security.ROLES
#: Workspaces of the main window.
WORKSPACES = ("clinician", "technician", "researcher")
#: What a role needs to open a workspace (the core's permissions decide, not the role's name).
WORKSPACE_NEEDS = {
    "clinician": (Permission.RECORD_SESSION, Permission.READ_RESULTS),
    "technician": (Permission.CALIBRATE,),
    "researcher": (Permission.READ_SESSIONS, Permission.READ_RESULTS),
}
AuthenticationFailed = security.AuthenticationFailed
T = TypeVar("T")


class AccountError(ValueError):
    """The account cannot be created; ``str(error)`` is a code: user_name, role, password_short, exists, permission."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str


def _with_store(db_path: Path, fn: Callable[[Any], T]) -> T:
    from enose.storage import Store

    store = Store.open(db_path)
    try:
        return fn(store)
    finally:
        store.close()


def can(account: Account | None, permission: Permission) -> bool:
    return account is not None and security.has_permission(account, permission)


def may_work_as(account: Account, workspace: str) -> bool:
    """Whether ``account``'s role has every permission the workspace needs."""
    needs = WORKSPACE_NEEDS.get(workspace)
    return needs is not None and all(can(account, p) for p in needs)


def has_any_admin(db_path: Path) -> bool:
    return bool(_with_store(db_path, security.has_any_admin))


def create_user(db_path: Path, username: str, password: str, role: str, actor: str) -> Account:
    """Create an account as ``actor`` (an administrator, or 'first-start' for the first admin)."""
    try:
        user = _with_store(db_path, lambda store: security.create_user(store, username, password, role, actor))
    except security.AccountError as error:
        raise AccountError(error.code) from error
    except security.PermissionDenied as error:
        raise AccountError("permission") from error
    return Account(user.username, user.role)


def authenticate(db_path: Path, username: str, password: str) -> Account:
    """Check the password (the core records the sign-in or its failure in the audit trail)."""
    user = _with_store(db_path, lambda store: security.authenticate(store, username, password))
    return Account(user.username, user.role)


def list_users(db_path: Path) -> list[Account]:
    return [Account(u.username, u.role) for u in _with_store(db_path, security.list_users)]


def audit(store, account: Account | None, action: str, object_type: str, object_id: Any = None, **detail: Any) -> int:
    """Append an entry to the core's audit trail (no identifiers in ``detail``)."""
    actor = account.username if account is not None else "?"
    return security.record(store, actor, action, object_type, object_id, **detail)
