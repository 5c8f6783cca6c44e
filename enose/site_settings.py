"""Settings an administrator chooses for a site, kept in its database and audited (e.g. the subject-code pattern)."""

from __future__ import annotations

from enose.security import audit
from enose.security.permissions import HasRole, Permission, require
from enose.storage.store import Store, utc_now
from enose.subjects import DEFAULT_CODE_PATTERN, check_code_pattern

__all__ = ["subject_code_pattern", "set_subject_code_pattern"]


def subject_code_pattern(store: Store) -> str:
    """The regular expression a new subject code must match in full at this site."""
    return store.site_setting("subject_code_pattern") or DEFAULT_CODE_PATTERN


def set_subject_code_pattern(store: Store, user: HasRole, pattern: str) -> str:
    """Choose the site's subject-code pattern (administrators; audited); return it.

    Codes already recorded stay as they are; the pattern applies to new subjects.

    Raises:
        ValueError: the pattern is not a regular expression or accepts a name, a date or a number.
    """
    require(user, Permission.MANAGE_USERS)
    check_code_pattern(pattern)
    with store.conn:
        store.conn.execute(
            "INSERT INTO site_settings (key, value, set_at, set_by) VALUES ('subject_code_pattern', ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value, set_at = excluded.set_at, set_by = excluded.set_by",
            (pattern, utc_now(), user.username),
        )
        audit.record(store, user.username, "site_setting_changed", "site", "subject_code_pattern", value=pattern)
    return pattern
