"""Opening the central database: one place for the TLS rule, used by sync, audit verify and ``enose central``.

Why: libpq's default ``sslmode=prefer`` falls back to plain text without a word and
never checks whose certificate it got, so anyone on the path could read the
study's data or pose as the server and collect a site's password. A remote host
therefore gets ``sslmode=verify-full`` (encrypted, certificate signed by a trusted
CA *and* naming that host; give the CA with ``sslrootcert=...`` if it is not in
``~/.postgresql/root.crt``). A weaker explicit mode (from the DSN or ``PGSSLMODE``)
is refused unless the caller passes ``insecure=True`` (``--insecure``), which the
caller logs and records in the local audit trail. Loopback hosts (``localhost``,
127.0.0.0/8, ``::1``) and Unix sockets stay on the local machine and are exempt.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

__all__ = ["CentralDsn", "SyncError", "central_dsn", "is_local_host", "open_central", "redact_dsn"]

REQUIRED_SSLMODE = "verify-full"


class SyncError(RuntimeError):
    """The central database cannot be reached or used; nothing local was changed."""


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, for messages and the audit trail."""
    try:
        info = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparsable DSN>"
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in sorted(info.items()))


def is_local_host(host: str) -> bool:
    """True for a Unix socket directory (``/...``, ``@abstract``), an empty host, ``localhost`` or a loopback IP."""
    host = host.strip()
    if not host or host.startswith(("/", "@")) or host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class CentralDsn:
    """The DSN to connect with, and why it is weaker than the rule (None when it is not)."""

    dsn: str
    insecure_reason: str | None = None
    sslmode: str | None = None


def central_dsn(dsn: str, *, insecure: bool = False) -> CentralDsn:
    """Apply the TLS rule to ``dsn`` (no network). Raises :class:`SyncError` for a weak mode without ``insecure``.

    The hosts that count are ``hostaddr`` if given (that is where libpq connects), else
    ``host``, else ``PGHOST``; a missing host means libpq's Unix socket.
    """
    try:
        info = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as error:
        raise SyncError(f"the central database address is not a valid DSN: {error}") from error
    hosts = info.get("hostaddr") or info.get("host") or os.environ.get("PGHOSTADDR") or os.environ.get("PGHOST") or ""
    remote = [h for h in str(hosts).split(",") if not is_local_host(h)]
    if not remote:
        return CentralDsn(dsn)
    explicit = info.get("sslmode") or os.environ.get("PGSSLMODE")
    if explicit is None:
        return CentralDsn(make_conninfo(dsn, sslmode=REQUIRED_SSLMODE), sslmode=REQUIRED_SSLMODE)
    if explicit == REQUIRED_SSLMODE:
        return CentralDsn(dsn, sslmode=explicit)
    reason = f"sslmode={explicit} to remote host {', '.join(remote)} (the rule is sslmode={REQUIRED_SSLMODE})"
    if not insecure:
        raise SyncError(
            f"refusing to connect with {reason}: the connection could be read or redirected. Use "
            f"sslmode={REQUIRED_SSLMODE} (with sslrootcert=<CA file> if needed), or pass --insecure, "
            "which is logged and recorded in the audit trail"
        )
    return CentralDsn(dsn, insecure_reason=reason, sslmode=explicit)


def open_central(target: CentralDsn, *, application_name: str = "enose-sync") -> psycopg.Connection:
    """Open the central database (not in autocommit; every write is an explicit transaction)."""
    try:
        return psycopg.connect(target.dsn, connect_timeout=15, application_name=application_name)
    except psycopg.Error as error:
        raise SyncError(
            f"cannot connect to the central database ({redact_dsn(target.dsn)}): {error}".strip()
        ) from error
