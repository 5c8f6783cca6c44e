"""Browsing recorded sessions: filters, paging and one status rule, for the app, the CLI and scripts.

Why here and not in the GUI: the researcher browser, ``enose sessions list``
and any script must show the same status for the same session (a recording
whose process died is ``interrupted``, not ``running``: :meth:`Store._present`),
the same QC verdict (the newest one) and the same zone (the newest score's, or
``no_zone`` when it gave none), and the permission to read them is checked where
they are read. Paging is by key (``id <`` the last id shown), so a page costs the
same at row 10 and at row 10,000; only the rows asked for leave the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from enose.security.permissions import HasRole, Permission, has_permission, require
from enose.storage.store import Store

__all__ = ["SessionFilter", "SessionRow", "browse_sessions", "count_sessions", "filter_values", "device_serials",
           "QC_CHOICES", "ZONE_CHOICES", "LABEL_CHOICES"]  # fmt: skip

QC_CHOICES = ("passed", "failed", "none")
#: ``no_zone``: the newest score's probability is kept for the record only (``scores.no_zone`` has reason codes;
#: its stored zone is ``inconclusive``); ``inconclusive`` is then left for a sample unlike the training data.
ZONE_CHOICES = ("green", "orange", "red", "inconclusive", "no_zone", "blocked", "none")
LABEL_CHOICES = ("cancer", "no_cancer", "none")

#: The newest QC verdict, the newest score's zone and the label in force: one rule everywhere.
QC_EXPR = "(SELECT q.passed FROM qc_results q WHERE q.session_id = s.id ORDER BY q.computed_at DESC LIMIT 1)"
ZONE_EXPR = (
    "(SELECT CASE WHEN sc.no_zone != '[]' THEN 'no_zone' ELSE sc.zone END FROM scores sc"
    " WHERE sc.session_id = s.id ORDER BY sc.id DESC LIMIT 1)"
)
LABEL_EXPR = "(SELECT l.cancer FROM current_labels l WHERE l.subject_code = s.subject_code)"


@dataclass(frozen=True)
class SessionFilter:
    """Every field None means 'any'. Dates are ISO ``YYYY-MM-DD`` (inclusive)."""

    date_from: str | None = None
    date_to: str | None = None
    device: str | None = None
    site: str | None = None
    qc: str | None = None  # passed / failed / none
    zone: str | None = None  # green / orange / red / inconclusive / no_zone / blocked / none
    label: str | None = None  # cancer / no_cancer / none
    kind: str | None = None  # screening / calibration

    def needs_results(self) -> bool:
        """Whether filtering needs :attr:`Permission.READ_RESULTS` (it reveals verdicts, zones or diagnoses)."""
        return bool(self.qc or self.zone or self.label)

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition on ``sessions s`` and its parameters (every value is a parameter)."""
        for value, choices in ((self.qc, QC_CHOICES), (self.zone, ZONE_CHOICES), (self.label, LABEL_CHOICES)):
            if value and value not in choices:
                raise ValueError(f"unknown filter value {value!r}; choose one of {', '.join(choices)}")
        clauses: list[str] = []
        params: list[Any] = []
        if self.date_from:
            clauses.append("s.started_at >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("s.started_at < date(?, '+1 day')")
            params.append(self.date_to)
        for column, value in (("s.device_serial", self.device), ("s.site", self.site), ("s.kind", self.kind)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.qc:
            clauses.append({"passed": f"{QC_EXPR} = 1", "failed": f"{QC_EXPR} = 0", "none": f"{QC_EXPR} IS NULL"}[self.qc])
        if self.zone == "none":
            clauses.append(f"{ZONE_EXPR} IS NULL")
        elif self.zone:
            clauses.append(f"{ZONE_EXPR} = ?")
            params.append(self.zone)
        if self.label:
            clauses.append({"cancer": f"{LABEL_EXPR} = 1", "no_cancer": f"{LABEL_EXPR} = 0",
                            "none": f"{LABEL_EXPR} IS NULL"}[self.label])  # fmt: skip
        return (" AND ".join(clauses) or "1"), params


@dataclass(frozen=True)
class SessionRow:
    """One line of the browser. ``qc``, ``zone`` and ``label`` are None for a role that may not read results."""

    id: int
    started_at: str
    subject_code: str | None
    device_serial: str | None
    site: str | None
    kind: str
    status: str
    qc: bool | None
    zone: str | None
    label: int | None


def _check(user: HasRole, session_filter: SessionFilter) -> bool:
    require(user, Permission.READ_SESSIONS)
    results = has_permission(user, Permission.READ_RESULTS)
    if session_filter.needs_results() and not results:
        require(user, Permission.READ_RESULTS)  # raises with the role and the permission named
    return results


def browse_sessions(store: Store, user: HasRole, session_filter: SessionFilter = SessionFilter(), *,
                    after_id: int | None = None, limit: int = 200) -> list[SessionRow]:  # fmt: skip
    """Sessions matching the filter, newest first, at most ``limit`` of them after ``after_id``.

    Needs :attr:`Permission.READ_SESSIONS`; QC, zone and diagnosis need :attr:`Permission.READ_RESULTS`
    too (a technician sees them blank and may not filter on them).
    """
    results = _check(user, session_filter)
    where, params = session_filter.where()
    if after_id is not None:
        where += " AND s.id < ?"
        params = [*params, int(after_id)]
    extra = f"{QC_EXPR}, {ZONE_EXPR}, {LABEL_EXPR}" if results else "NULL, NULL, NULL"
    sql = (
        "SELECT s.id, s.started_at, s.subject_code, s.device_serial, s.site, s.kind, s.status, s.heartbeat_at, "
        f"s.writer_host, s.writer_pid, {extra} FROM sessions s WHERE {where} ORDER BY s.id DESC LIMIT ?"
    )
    rows = []
    for r in store.conn.execute(sql, [*params, int(limit)]):
        shown = store._present({"status": r[6], "heartbeat_at": r[7], "writer_host": r[8], "writer_pid": r[9]})
        rows.append(SessionRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], shown["status"],
                               None if r[10] is None else bool(r[10]), r[11], r[12]))  # fmt: skip
    return rows


def count_sessions(store: Store, user: HasRole, session_filter: SessionFilter = SessionFilter()) -> int:
    """How many sessions match the filter (all of them, not only a page)."""
    _check(user, session_filter)
    where, params = session_filter.where()
    return int(store.conn.execute(f"SELECT COUNT(*) FROM sessions s WHERE {where}", params).fetchone()[0])


def filter_values(store: Store, user: HasRole, column: str) -> list[str]:
    """The values present in ``device_serial``, ``site`` or ``kind`` (for the filter menus)."""
    require(user, Permission.READ_SESSIONS)
    if column not in {"device_serial", "site", "kind"}:
        raise ValueError(column)
    sql = f"SELECT DISTINCT {column} FROM sessions WHERE {column} IS NOT NULL ORDER BY {column}"
    return [row[0] for row in store.conn.execute(sql)]


def device_serials(store: Store, user: HasRole) -> list[str]:
    """Every device this site has seen, most recently used first."""
    require(user, Permission.READ_SESSIONS)
    return [row[0] for row in store.conn.execute("SELECT serial FROM devices ORDER BY last_seen DESC")]
