"""Accounts, roles, the audit trail and pseudonyms: data protection enforced in the core.

See ``README.md`` beside this file for the small API other parts use.
"""

from enose.security.access import read_results, read_session
from enose.security.accounts import (
    AccountError,
    AccountLocked,
    AccountTampered,
    AuthenticationFailed,
    User,
    authenticate,
    change_password,
    create_user,
    get_user,
    has_any_admin,
    list_users,
    set_disabled,
    unlock,
)
from enose.security.audit import AuditError, VerifyReport, record, verify
from enose.security.permissions import ROLE_PERMISSIONS, ROLES, Permission, PermissionDenied, has_permission, require
from enose.security.pseudonyms import SecretKeyError, enrol, keyed_pseudonym, reidentify

__all__ = [
    "AccountError",
    "AccountLocked",
    "AccountTampered",
    "change_password",
    "set_disabled",
    "unlock",
    "AuditError",
    "AuthenticationFailed",
    "Permission",
    "PermissionDenied",
    "ROLES",
    "ROLE_PERMISSIONS",
    "SecretKeyError",
    "User",
    "VerifyReport",
    "authenticate",
    "create_user",
    "enrol",
    "get_user",
    "has_any_admin",
    "has_permission",
    "list_users",
    "keyed_pseudonym",
    "read_results",
    "read_session",
    "record",
    "reidentify",
    "require",
    "verify",
]
