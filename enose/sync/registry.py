"""The central site registry: which database role is which site, and the public key it signs with.

Why a registry: before it, a site was whatever UUID its client claimed, so any site's
credentials could write in another site's name. Now each site logs in with its own
role (a member of ``enose_site``), enrolled here by an administrator with the site's
Ed25519 public key; row-level security derives the site from the role
(``enose.current_site()``), and audit anchors and bundles verify against the key.
Revoking keeps the row (and the history it explains) but removes every right.

Everything here except :func:`site_public_key` and :func:`site_for_current_role`
runs as the owner role (``enose central``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import uuid
from dataclasses import dataclass

import psycopg
from psycopg import sql

__all__ = [
    "RegistryError",
    "SiteIdentity",
    "enrol_site",
    "parse_public_key",
    "revoke_site",
    "scram_sha256_verifier",
    "site_for_current_role",
    "site_identity",
    "site_public_key",
]

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RegistryError(RuntimeError):
    """An enrolment or revocation was refused; nothing was changed."""


@dataclass(frozen=True)
class SiteIdentity:
    """What the registry says about the connected role."""

    site_uuid: str
    db_role: str
    revoked: bool


def parse_public_key(text: str) -> bytes:
    """32 raw bytes from ``ed25519 <64 hex>`` or bare 64 hex digits (a ``site-signing.pub`` line).

    Also checks that the bytes are a valid Ed25519 point, so a typo is refused at enrolment
    rather than found when the first signature fails.
    """
    from enose.security.site_keys import parse_public_key as parse

    try:
        return parse(text)
    except ValueError as error:
        raise RegistryError(str(error)) from error


def scram_sha256_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677).

    Why: ``CREATE ROLE ... PASSWORD`` with this string never puts the password itself
    into the server's statement log or ``pg_stat_statements``.
    """
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731 - four uses on one line
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _role(conn: psycopg.Connection, name: str) -> dict | None:
    row = conn.execute(
        """SELECT rolsuper, rolbypassrls, rolcanlogin,
                  array(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                        WHERE m.member = r.oid)
           FROM pg_roles r WHERE rolname = %s""",
        (name,),
    ).fetchone()
    if row is None:
        return None
    return {"super": row[0], "bypassrls": row[1], "login": row[2], "member_of": set(row[3])}


def _check_site_role(conn: psycopg.Connection, name: str, existing: dict) -> None:
    """A site role must have no power beyond enose_site: refuse one that could bypass the policies."""
    owner = conn.execute("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'enose'").fetchone()
    other = existing["member_of"] - {"enose_site"}
    if existing["super"] or existing["bypassrls"] or (owner and owner[0] == name) or other:
        why = ("a superuser" if existing["super"] else "BYPASSRLS" if existing["bypassrls"]
               else "the owner of schema enose" if owner and owner[0] == name
               else f"a member of {', '.join(sorted(other))}")  # fmt: skip
        raise RegistryError(
            f"role {name} is {why}: a site logs in with a role of its own that has no other rights; "
            "choose another --db-role"
        )


def enrol_site(conn: psycopg.Connection, site_uuid: str, public_key: bytes, *, site_code: str | None, db_role: str,
               enrolled_by: str, password: str | None = None) -> dict:  # fmt: skip
    """Enrol a site: its LOGIN role (created if needed, made a member of ``enose_site``) and its registry row.

    Runs as the owner (needs CREATEROLE to create the role). Repeating an identical enrolment
    changes nothing; enrolling a UUID or role already enrolled differently, or a revoked site,
    is refused (:class:`RegistryError`). Commits. Returns the registry row as a dict with
    ``created_role`` and ``already_enrolled``.
    """
    site_uuid = str(uuid.UUID(str(site_uuid)))
    public_key = bytes(public_key)
    if len(public_key) != 32:
        raise RegistryError(f"an Ed25519 public key is 32 bytes, not {len(public_key)}")
    if not _ROLE_NAME.match(db_role) or db_role.startswith(("pg_", "enose_site", "enose_importer", "enose_researcher")):
        raise RegistryError(
            f"{db_role!r} is not a usable site role name: lower-case letters, digits and _, not starting with pg_ "
            "and not one of the enose group roles"
        )
    with conn.transaction():
        known = conn.execute(
            "SELECT site_uuid::text, db_role, public_key, revoked_at, site_code FROM enose.site_registry"
            " WHERE site_uuid = %s OR db_role = %s",
            (site_uuid, db_role),
        ).fetchall()
        for uuid_there, role_there, key_there, revoked_at, code_there in known:
            if (uuid_there, role_there, bytes(key_there)) == (site_uuid, db_role, public_key) and revoked_at is None:
                return {"site_uuid": site_uuid, "db_role": db_role, "site_code": code_there,
                        "created_role": False, "already_enrolled": True}  # fmt: skip
            if revoked_at is not None:
                raise RegistryError(f"site {uuid_there} (role {role_there}) was revoked on {revoked_at:%Y-%m-%d}: "
                                    "a revoked site or role is never enrolled again; use a new role and site UUID")  # fmt: skip
            raise RegistryError(
                f"site {uuid_there} is already enrolled with role {role_there} and another key or role: refused; "
                "revoke it first if the key was lost or leaked (`enose central revoke-site`)"
            )
        existing = _role(conn, db_role)
        ident = sql.Identifier(db_role)
        if existing is None:
            secret = (
                sql.SQL(" PASSWORD {}").format(sql.Literal(scram_sha256_verifier(password)))
                if password
                else sql.SQL("")
            )
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN{}").format(ident, secret))
        else:
            _check_site_role(conn, db_role, existing)
            if password:
                conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(ident, sql.Literal(scram_sha256_verifier(password)))
                )
        conn.execute(sql.SQL("GRANT enose_site TO {}").format(ident))
        conn.execute(
            "INSERT INTO enose.site_registry (site_uuid, site_code, db_role, public_key, enrolled_by)"
            " VALUES (%s, %s, %s, %s, %s)",
            (site_uuid, site_code, db_role, public_key, enrolled_by),
        )
    return {"site_uuid": site_uuid, "db_role": db_role, "site_code": site_code, "created_role": existing is None,
            "already_enrolled": False}  # fmt: skip


def revoke_site(conn: psycopg.Connection, site_uuid: str) -> dict:
    """Revoke a site: stamp ``revoked_at`` and take its role out of ``enose_site``. Commits.

    The row stays, so anchors and imports signed earlier can still be explained; the role
    keeps no right on any enose table (row-level security also ignores revoked rows).
    """
    site_uuid = str(uuid.UUID(str(site_uuid)))
    with conn.transaction():
        row = conn.execute(
            "UPDATE enose.site_registry SET revoked_at = coalesce(revoked_at, now()) WHERE site_uuid = %s"
            " RETURNING db_role, revoked_at",
            (site_uuid,),
        ).fetchone()
        if row is None:
            raise RegistryError(f"site {site_uuid} is not enrolled: nothing to revoke")
        db_role, revoked_at = row
        if db_role and _role(conn, db_role) is not None:
            conn.execute(sql.SQL("REVOKE enose_site FROM {}").format(sql.Identifier(db_role)))
    return {"site_uuid": site_uuid, "db_role": db_role, "revoked_at": revoked_at.isoformat()}


def site_public_key(conn: psycopg.Connection, site_uuid: str) -> bytes | None:
    """The enrolled public key of ``site_uuid``; None if unknown, revoked or not visible to this role."""
    with conn.transaction():
        row = conn.execute(
            "SELECT public_key FROM enose.site_registry WHERE site_uuid = %s AND revoked_at IS NULL", (site_uuid,)
        ).fetchone()
    return bytes(row[0]) if row else None


def site_identity(conn: psycopg.Connection) -> SiteIdentity | None:
    """The registry row of the connected role (``current_user``), revoked or not; None if it is not a site role."""
    with conn.transaction():
        row = conn.execute(
            "SELECT site_uuid::text, db_role, revoked_at IS NOT NULL FROM enose.site_registry WHERE db_role = current_user"
        ).fetchone()
    return SiteIdentity(*row) if row else None


def site_for_current_role(conn: psycopg.Connection) -> str | None:
    """The site UUID enrolled for ``current_user``; None if the role is not an enrolled, unrevoked site."""
    identity = site_identity(conn)
    return identity.site_uuid if identity and not identity.revoked else None


def is_site_group_member(conn: psycopg.Connection) -> bool:
    """True if ``current_user`` is (directly) a member of ``enose_site``: a site role, enrolled or not."""
    with conn.transaction():
        return bool(conn.execute(
            """SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                              JOIN pg_roles u ON u.oid = m.member
                              WHERE u.rolname = current_user AND g.rolname = 'enose_site')"""
        ).fetchone()[0])  # fmt: skip
