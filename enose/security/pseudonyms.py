"""Pseudonymous subject codes from hospital numbers, and the keyed pseudonyms that leave the site.

Enrolment gives a hospital number a study code that follows the site's
subject-code pattern (default ``LIL-042137``: the site prefix and six random
digits, so a code tells nothing about the person or the order of enrolment).
The mapping back is kept in the local ``reidentification`` table: it is never
synced, bundled or exported, and only roles with :attr:`Permission.REIDENTIFY`
may read it. Nothing here logs the hospital number.

What leaves the site carries *keyed pseudonyms*: staff names in study exports,
sync and bundles, and subject codes in study exports (sync and bundles carry the
site's subject codes to the central database, whose researcher views pseudonymise
them again); both are HMAC-SHA256 with
the per-site secret ``site-secret.key`` in the data directory (``ENOSE_DATA_DIR``
overrides it), created owner-only the first time it is needed and refused if
others can read it. Once anything was pseudonymised with it, a missing secret
is an error that says how to restore it: a silently new key would give every
subject and staff member new pseudonyms and break every link with earlier exports.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

from enose.security import audit
from enose.security.keys import KeyFileError, create_key_file, read_key_file
from enose.security.permissions import Permission, require
from enose.storage.paths import default_data_dir
from enose.storage.store import Store, utc_now

__all__ = [
    "SecretKeyError",
    "site_secret_path",
    "load_site_secret",
    "site_secret",
    "keyed_pseudonym",
    "pseudonymiser",
    "enrol",
    "reidentify",
]

SECRET_FILE = "site-secret.key"
_SITE = re.compile(r"^[A-Z]{2,5}$")


class SecretKeyError(RuntimeError):
    """The per-site secret key is missing, malformed or readable by others."""


def site_secret_path(data_dir: Path | None = None) -> Path:
    return Path(data_dir or default_data_dir()) / SECRET_FILE


def load_site_secret(data_dir: Path | None = None, create: bool = False) -> bytes:
    """The site's 32-byte secret; created (owner-only) only when absent and ``create``.

    Raises:
        SecretKeyError: missing (and not ``create``), malformed, or readable by others.
    """
    path = site_secret_path(data_dir)
    if not path.exists():
        if not create:
            raise SecretKeyError(
                f"the site secret {path} is missing: restore site-secret.key from the site's backup into "
                f"{path.parent} (a new key would give every subject and staff member new pseudonyms)"
            )
        create_key_file(path)
    try:
        return read_key_file(path)
    except KeyFileError as error:
        raise SecretKeyError(str(error)) from error


def site_secret(store: Store) -> bytes:
    """The secret for ``store``'s site: created on first use, an error once its pseudonyms exist anywhere."""
    used = store.conn.execute(
        "SELECT 1 FROM audit_log WHERE (action = 'export' AND object_type = 'study') OR action IN ('sync',"
        " 'bundle_export') LIMIT 1"
    ).fetchone()
    return load_site_secret(create=used is None)


def keyed_pseudonym(secret: bytes, kind: str, value: str | None, prefix: str) -> str | None:
    """``prefix`` + 12 hex digits of HMAC-SHA256(secret, kind, value): stable per site, unguessable without it."""
    if value is None:
        return None
    digest = hmac.new(secret, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:12]}"


#: Prefix of each kind of keyed pseudonym.
PSEUDONYM_PREFIXES = {"staff": "staff-", "subject": "subj-"}


def pseudonymiser(secret: bytes):
    """``(kind, value) -> pseudonym`` for ``kind`` in :data:`PSEUDONYM_PREFIXES`, cached per distinct value
    (a study export or a sync asks for the same few names thousands of times). None stays None."""
    cache: dict[tuple[str, str], str | None] = {}

    def pseudonym(kind: str, value: str | None) -> str | None:
        if value is None:
            return None
        key = (kind, str(value))
        if key not in cache:
            cache[key] = keyed_pseudonym(secret, kind, key[1], PSEUDONYM_PREFIXES[kind])
        return cache[key]

    return pseudonym


def _normalise(hospital_number: str) -> str:
    return "".join(hospital_number.split()).upper()


def enrol(store: Store, user, hospital_number: str, site: str) -> str:
    """Find or create the subject for ``hospital_number``, keep the mapping locally, return the code.

    Raises:
        ValueError: an empty number or a site prefix that is not 2-5 capital letters.
        InvalidSubjectCode: the site's own code pattern refuses the codes enrolment makes.
    """
    from enose.subjects import validate_subject_code

    require(user, Permission.ENROL_SUBJECT)
    if not _SITE.match(site):
        raise ValueError("a site prefix is 2-5 capital letters (e.g. LIL)")
    number = _normalise(hospital_number)
    if not number:
        raise ValueError("the hospital number is empty")
    conn = store.conn
    with conn:
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")  # two enrolments of one number never get two codes
        row = conn.execute("SELECT subject_code FROM reidentification WHERE hospital_number = ?", (number,)).fetchone()
        if row is not None:
            code = str(row[0])
        else:
            pattern = store.site_setting("subject_code_pattern")
            while True:
                code = validate_subject_code(f"{site}-{secrets.randbelow(10**6):06d}", pattern)
                if conn.execute("SELECT 1 FROM subjects WHERE code = ?", (code,)).fetchone() is None:
                    break
            conn.execute("INSERT INTO subjects (code, created_at, site) VALUES (?, ?, ?)", (code, utc_now(), site))
            conn.execute(
                "INSERT INTO reidentification (subject_code, hospital_number, created_at, created_by)"
                " VALUES (?, ?, ?, ?)",
                (code, number, utc_now(), user.username),
            )
        audit.record(store, user.username, "enrol", "subject", code, new=row is None)
    return code


def reidentify(store: Store, user, subject_code: str) -> str | None:
    """The hospital number behind ``subject_code`` (audited), or None if it was not enrolled here."""
    require(user, Permission.REIDENTIFY)
    row = store.conn.execute(
        "SELECT hospital_number FROM reidentification WHERE subject_code = ?", (subject_code,)
    ).fetchone()
    audit.record(store, user.username, "reidentify", "subject", subject_code, found=row is not None)
    return row[0] if row else None
