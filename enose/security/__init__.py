"""Accounts, roles, the audit trail and pseudonyms: data protection enforced in the core.

See ``README.md`` beside this file for the small API other parts use.
"""

from enose.security.access import read_results, read_session
from enose.security.accounts import (
    AccountError,
    AuthenticationFailed,
    User,
    authenticate,
    create_user,
    get_user,
    has_any_admin,
    list_users,
)
from enose.security.audit import AuditError, VerifyReport, record, verify
from enose.security.permissions import ROLE_PERMISSIONS, ROLES, Permission, PermissionDenied, has_permission, require
from enose.security.pseudonyms import SecretKeyError, enrol, pseudonymise, reidentify

__all__ = [
    "AccountError",
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
    "pseudonymise",
    "read_results",
    "read_session",
    "record",
    "reidentify",
    "require",
    "verify",
]
