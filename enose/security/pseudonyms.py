"""Pseudonymous subject codes from hospital numbers, with a per-site secret key.

``code = SITE-<12 digits>`` where the digits come from HMAC-SHA256(site secret,
normalised hospital number): the same patient always gets the same code at a
site, and without the secret nobody can go from a hospital number to the code
(or test a guess). The secret is a file ``site-secret.key`` in the data
directory (``ENOSE_DATA_DIR`` overrides it), created owner-only on first use
and refused if others can read it. The mapping back to the hospital number is
kept in the local ``reidentification`` table: it is never synced, bundled or
exported, and only roles with :attr:`Permission.REIDENTIFY` may read it.
Nothing here logs the hospital number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
from pathlib import Path

from enose.security import audit
from enose.security.keys import KeyFileError, create_key_file, read_key_file
from enose.security.permissions import Permission, require
from enose.storage.paths import default_data_dir
from enose.storage.store import Store, utc_now

__all__ = ["SecretKeyError", "site_secret_path", "load_site_secret", "pseudonymise", "enrol", "reidentify"]

SECRET_FILE = "site-secret.key"
_SITE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


class SecretKeyError(RuntimeError):
    """The per-site secret key is missing, malformed or readable by others."""


def site_secret_path(data_dir: Path | None = None) -> Path:
    return Path(data_dir or default_data_dir()) / SECRET_FILE


def load_site_secret(data_dir: Path | None = None, create: bool = True) -> bytes:
    """The site's 32-byte secret, created (owner-only) if absent and ``create``."""
    path = site_secret_path(data_dir)
    if not path.exists() and not (create and create_key_file(path) or path.exists()):
        raise SecretKeyError(f"no site secret at {path}")
    try:
        return read_key_file(path)
    except KeyFileError as error:
        raise SecretKeyError(str(error)) from error


def _normalise(hospital_number: str) -> str:
    return "".join(hospital_number.split()).upper()


def pseudonymise(hospital_number: str, site: str, secret: bytes | None = None) -> str:
    """The study code for ``hospital_number`` at ``site`` (e.g. ``LIL-048213579012``)."""
    if not _SITE.match(site):
        raise ValueError("a site prefix is 2-8 capital letters or digits, starting with a letter (e.g. LIL)")
    number = _normalise(hospital_number)
    if not number:
        raise ValueError("the hospital number is empty")
    key = secret if secret is not None else load_site_secret()
    digest = hmac.new(key, f"{site}\x00{number}".encode(), hashlib.sha256).digest()
    return f"{site}-{int.from_bytes(digest[:8], 'big') % 10**12:012d}"


def enrol(store: Store, user, hospital_number: str, site: str) -> str:
    """Create (or find) the subject for ``hospital_number``, keep the mapping locally, return the code."""
    require(user, Permission.ENROL_SUBJECT)
    code = pseudonymise(hospital_number, site)
    conn = store.conn
    with conn:
        conn.execute(
            "INSERT INTO subjects (code, created_at, site) VALUES (?, ?, ?) ON CONFLICT(code) DO NOTHING",
            (code, utc_now(), site),
        )
        try:
            conn.execute(
                "INSERT INTO reidentification (subject_code, hospital_number, created_at, created_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(subject_code) DO NOTHING",
                (code, _normalise(hospital_number), utc_now(), user.username),
            )
        except sqlite3.IntegrityError as error:  # same number already mapped to another code (other secret)
            raise SecretKeyError(
                "this hospital number is already enrolled under another code: the site secret has changed; "
                "restore the original site-secret.key"
            ) from error
        audit.record(store, user.username, "enrol", "subject", code)
    return code


def reidentify(store: Store, user, subject_code: str) -> str | None:
    """The hospital number behind ``subject_code`` (audited), or None if it was not enrolled here."""
    require(user, Permission.REIDENTIFY)
    row = store.conn.execute(
        "SELECT hospital_number FROM reidentification WHERE subject_code = ?", (subject_code,)
    ).fetchone()
    audit.record(store, user.username, "reidentify", "subject", subject_code, found=row is not None)
    return row[0] if row else None
