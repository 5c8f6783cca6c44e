"""Roles and what each may do, enforced by the core (the GUI only hides what it cannot do).

Four roles share one site installation:

* ``admin`` - manages accounts, the audit trail, sync and keys; may do everything.
* ``clinician`` - records and reads sessions, reads results, enters labels, may
  re-identify a subject to talk to the patient.
* ``technician`` - records sessions and calibrates devices, runs sync; never sees
  results (scores, labels, QC verdicts) nor re-identification keys.
* ``researcher`` - reads pseudonymous sessions and results and exports them;
  never sees re-identification keys.
"""

from __future__ import annotations

import enum
from typing import Protocol

__all__ = ["Permission", "ROLES", "ROLE_PERMISSIONS", "PermissionDenied", "has_permission", "require"]


class Permission(enum.Enum):
    RECORD_SESSION = "record_session"
    READ_SESSIONS = "read_sessions"  # session metadata and raw signals
    READ_RESULTS = "read_results"  # scores, labels, QC verdicts, features
    WRITE_LABELS = "write_labels"
    WRITE_SCORES = "write_scores"
    CALIBRATE = "calibrate"
    ENROL_SUBJECT = "enrol_subject"  # turn a hospital number into a pseudonymous code
    REIDENTIFY = "reidentify"  # read the hospital number behind a code
    EXPORT_RESEARCH = "export_research"  # pseudonymous study exports
    EXPORT_IDENTIFIED = "export_identified"  # exports that keep staff names
    SYNC = "sync"  # central database and bundles
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"


ROLES = ("admin", "clinician", "technician", "researcher")

P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "clinician": frozenset(
        {
            P.RECORD_SESSION,
            P.READ_SESSIONS,
            P.READ_RESULTS,
            P.WRITE_LABELS,
            P.WRITE_SCORES,
            P.ENROL_SUBJECT,
            P.REIDENTIFY,
        }
    ),  # fmt: skip
    "technician": frozenset({P.RECORD_SESSION, P.READ_SESSIONS, P.CALIBRATE, P.ENROL_SUBJECT, P.SYNC}),
    "researcher": frozenset({P.READ_SESSIONS, P.READ_RESULTS, P.EXPORT_RESEARCH}),
}


class HasRole(Protocol):
    username: str
    role: str


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this; the message names the role and the permission."""


def has_permission(user: HasRole, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user: HasRole, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``user``'s role grants ``permission``."""
    if not has_permission(user, permission):
        allowed = sorted(role for role, perms in ROLE_PERMISSIONS.items() if permission in perms)
        raise PermissionDenied(
            f"user {user.username!r} ({user.role}) may not {permission.value.replace('_', ' ')}; "
            f"roles allowed: {', '.join(allowed)}"
        )
