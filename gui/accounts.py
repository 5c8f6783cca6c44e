"""Accounts, roles and the audit trail for the app: a thin layer over :mod:`enose.security`.

The core keeps the accounts (salted argon2 hashes), decides what each role may
do, locks an account after repeated failed sign-ins and writes the hash-chained
audit trail; the GUI only opens a short-lived :class:`~enose.storage.Store` per
call (SQLite connections belong to their thread), turns the core's refusals into
short codes the screens word in the reader's language, and hides what the
signed-in role may not do. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from enose import security
from enose.security import Permission
from enose.security import accounts as core_accounts

__all__ = [
    "ROLES",
    "WORKSPACES",
    "Account",
    "AccountLocked",
    "AccountTampered",
    "AuthenticationFailed",
    "AccountError",
    "Permission",
    "has_any_admin",
    "create_user",
    "authenticate",
    "sign_in_refusal",
    "change_password",
    "set_disabled",
    "unlock",
    "list_accounts",
    "list_users",
    "may_work_as",
    "can",
    "audit",
    "record_account_event",
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
AccountLocked = core_accounts.AccountLocked
#: Minutes a lock lasts before the account may try again (an administrator can unlock it sooner).
LOCK_MINUTES = core_accounts.LOCK_MINUTES
AccountTampered = core_accounts.AccountTampered
T = TypeVar("T")


class AccountError(ValueError):
    """The core refused an account change; ``str(error)`` is a code the screens put in words.

    Codes: user_name, role, password_short, password_weak, exists, permission, unknown
    (no such account), wrong_password (the current password), locked, last_admin.
    """


#: The signed-in account is the core's own :class:`enose.security.User`, so the core checks it as it is.
Account = security.User


def _with_store(db_path: Path, fn: Callable[[Any], T]) -> T:
    from enose.storage import Store

    store = Store.open(db_path)
    try:
        return fn(store)
    finally:
        store.close()


def _guarded(db_path: Path, fn: Callable[[Any], T], role_code: str = "role") -> T:
    """Run ``fn`` on a fresh store and turn the core's refusals into :class:`AccountError` codes.

    ``role_code`` renames the core's ``role`` code where it means something narrower
    (refusing to disable the last administrator is a ``role`` refusal in the core).
    """
    try:
        return _with_store(db_path, fn)
    except security.AccountError as error:
        raise AccountError(role_code if error.code == "role" else error.code) from error
    except security.PermissionDenied as error:
        raise AccountError("permission") from error
    except AccountLocked as error:
        raise AccountError("locked") from error
    except AuthenticationFailed as error:
        raise AccountError("wrong_password") from error


def can(account: Account | None, permission: Permission) -> bool:
    return account is not None and security.has_permission(account, permission)


def may_work_as(account: Account, workspace: str) -> bool:
    """Whether ``account``'s role has every permission the workspace needs."""
    needs = WORKSPACE_NEEDS.get(workspace)
    return needs is not None and all(can(account, p) for p in needs)


def has_any_admin(db_path: Path) -> bool:
    return bool(_with_store(db_path, security.has_any_admin))


def create_user(db_path: Path, username: str, password: str, role: str, actor: Account | str) -> Account:
    """Create an account as ``actor`` (the signed-in administrator, or 'first-start' for the first admin)."""
    user = _guarded(db_path, lambda store: security.create_user(store, username, password, role, actor))
    return Account(user.username, user.role)


def authenticate(db_path: Path, username: str, password: str) -> Account:
    """Check the password (the core records the sign-in or its failure in the audit trail).

    Raises:
        AuthenticationFailed: wrong name or password, or a disabled account (never says which);
            its subclasses :data:`AccountLocked` and :data:`AccountTampered` say why else;
            :func:`sign_in_refusal` gives the code to show.
    """
    user = _with_store(db_path, lambda store: security.authenticate(store, username, password))
    return Account(user.username, user.role)


def sign_in_refusal(error: AuthenticationFailed) -> str:
    """The code of a refused sign-in: ``locked``, ``tampered`` or ``sign_in`` (wrong name or password)."""
    if isinstance(error, AccountLocked):
        return "locked"
    if isinstance(error, AccountTampered):
        return "tampered"
    return "sign_in"


def change_password(db_path: Path, actor: Account, username: str, old_password: str | None, new: str) -> None:
    """Set ``username``'s password: one's own with the current one, anyone's as an administrator.

    The core checks the current password, the new one's strength and the actor's rights;
    a wrong current password counts as a failed sign-in there (so guessing it locks the account).
    """
    _guarded(db_path, lambda store: core_accounts.change_password(store, actor, username, old_password, new))


def set_disabled(db_path: Path, actor: Account, username: str, disabled: bool) -> None:
    """Disable (or enable again) an account; the core refuses to disable the last administrator."""
    _guarded(db_path, lambda store: core_accounts.set_disabled(store, actor, username, disabled), "last_admin")


def unlock(db_path: Path, actor: Account, username: str) -> None:
    """Unlock an account the core locked after repeated failed sign-ins."""
    _guarded(db_path, lambda store: core_accounts.unlock(store, actor, username))


def list_accounts(db_path: Path, actor: Account) -> list[dict]:
    """Every account with ``username, role, disabled, locked, failed_attempts`` (administrators only)."""
    return _guarded(db_path, lambda store: core_accounts.list_accounts(store, actor))


def list_users(db_path: Path) -> list[Account]:
    return [Account(u.username, u.role) for u in _with_store(db_path, security.list_users)]


def audit(store, account: Account | None, action: str, object_type: str, object_id: Any = None, **detail: Any) -> int:
    """Append an entry to the core's audit trail (no identifiers in ``detail``)."""
    actor = account.username if account is not None else "?"
    return security.record(store, actor, action, object_type, object_id, **detail)


def record_account_event(db_path: Path, account: Account, action: str) -> int:
    """Audit something that happened to the signed-in account's session (e.g. ``screen_locked``)."""
    return _with_store(db_path, lambda store: audit(store, account, action, "user", account.username))
