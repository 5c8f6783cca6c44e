# ruff: noqa: N806  (X: the scikit-learn naming convention for data matrices)
"""The central study database as a research data source: the pooled data of every site, read-only.

Why: sites sync their sessions, QC, features, scores, labels and calibrations to the
central PostgreSQL database, and a multi-site study trains and validates its model on the
pooled data, with sites as the blocking unit. :class:`CentralSource` gives the research
commands (``sessions list``, ``qc``, ``features``, ``train``, ``evaluate``, ``export study``
with ``--central``) and the researcher's workspace the same answers from the centre as
:mod:`enose.browse`, :mod:`enose.model.features` and :mod:`enose.exports.study` give from a
site's SQLite file.

What it reads, and how:

* Only the researcher role's views (``enose.research_*``, :mod:`enose.sync.central` v4):
  subjects appear as study-level pseudonyms (``subj-`` + 12 hex digits of an HMAC keyed by the
  centre's secret over the site and the site's code: stable across sites and syncs, never the
  site's own code), staff as ``staff-`` pseudonyms. The connection is read-only
  (``default_transaction_read_only``), and opened with the TLS rule of
  :mod:`enose.sync.connection`.
* The work runs in PostgreSQL: filters, counts and key-set paging on the browser's per-session
  state (``enose.session_browse``, kept by triggers, indexed on every filter), the feature
  table joined there from the current features, QC verdicts, the label in force and the
  subject's risk factors (a newest score kept for the record only shows the zone ``no_zone``,
  v5, as at a site); only the rows asked for leave the database. Raw samples are read only
  for :meth:`CentralSource.load_recording` (an export with raw files, a detail view).
* The centre's identities: a session's site is its *enrolled* site (the registry's site code,
  else the site UUID), whatever the clinic typed; a device is its serial. Training blocks its
  cross-validation and chooses its locked site on these.
* The centre never computes: features and QC verdicts are the sites' own (``enose features``,
  ``enose qc`` or training at the site, then ``enose sync``), for the processing version of this
  software; a session whose site has not sent them is counted and left out, and said so.

Paging order is newest first by ``started_at`` with the centre's session number
(``browse_id``, order of arrival) as tie-breaker; :attr:`CentralSessionRow.id` is that number,
so a page of either source is continued with the last row's ``id``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg import IsolationLevel

from enose.browse import LABEL_CHOICES, QC_CHOICES, ZONE_CHOICES, SessionFilter, SessionRow
from enose.recording import ChannelLayout, Phase, Recording
from enose.sync import central
from enose.sync.connection import SyncError, central_dsn, open_central, redact_dsn

__all__ = ["CentralResearchError", "CentralSessionRow", "CentralSource", "FLOW_NOT_ANALYSED"]

log = logging.getLogger(__name__)

#: The filter that lets every session through (the default of the browsing methods).
ANY_SESSION = SessionFilter()

#: The flow key of labelled sessions whose site sent no QC verdict or no features of this processing version.
FLOW_NOT_ANALYSED = "not_analysed_at_site"


class CentralResearchError(RuntimeError):
    """The central database cannot serve this research request (not reachable, not a researcher, nothing there)."""


@dataclass(frozen=True)
class CentralSessionRow(SessionRow):
    """A browser row from the centre: a :class:`~enose.browse.SessionRow` whose ``id`` is the centre's session
    number, ``subject_code`` the study pseudonym and ``site`` the enrolled site's code."""

    session_uuid: str = ""
    site_uuid: str = ""


def _iso(value: datetime | None) -> str | None:
    """A timestamp as the sites write them (``YYYY-MM-DDTHH:MM:SS.mmm+00:00``, UTC)."""
    return None if value is None else value.astimezone(UTC).isoformat(timespec="milliseconds")


def _check_date(text: str | None) -> str | None:
    if text:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return text


def _blocks_of(chunks: list[tuple], session: str) -> tuple[list, list[dict]]:
    """Decode stored sample blocks (as :meth:`enose.storage.Store.iter_blocks`); a damaged one is skipped and described."""
    from enose.storage.chunks import CODEC, SampleBlock, unpack_column

    blocks, damaged = [], []
    for chunk_index, first_sample, n, n_channels, codec, t_s, seq, t_ms, flags, values in chunks:
        if codec != CODEC:
            raise CentralResearchError(f"session {session} uses sample codec {codec!r}, unknown to this version")
        try:
            blocks.append(SampleBlock(unpack_column(bytes(t_s), "<f8", (n,)), unpack_column(bytes(seq), "<u2", (n,)),
                                      unpack_column(bytes(t_ms), "<u4", (n,)), unpack_column(bytes(flags), "<u2", (n,)),
                                      unpack_column(bytes(values), "<f4", (n, n_channels))))  # fmt: skip
        except (zlib.error, ValueError, TypeError) as error:
            damaged.append({"chunk_index": int(chunk_index), "first_sample": int(first_sample), "n_samples": int(n),
                            "error": f"{type(error).__name__}: {error}"})  # fmt: skip
    return blocks, damaged


class CentralSource:
    """The central study database, opened read-only with a researcher's DSN (see the module documentation).

    Use as a context manager, or call :meth:`close`. Every method reads one consistent snapshot.
    """

    def __init__(self, conn: psycopg.Connection, dsn: str, instance_uuid: str) -> None:
        self.conn = conn
        self.dsn = dsn
        self.instance_uuid = instance_uuid

    # -- connection ------------------------------------------------------------------------------

    @classmethod
    def open(cls, dsn: str, *, insecure: bool = False, application_name: str = "enose-research") -> CentralSource:
        """Connect (TLS ``verify-full`` to a remote host unless ``insecure``), check the schema and the role.

        Raises:
            CentralResearchError: unreachable, a weak TLS mode without ``insecure``, an older or newer
                schema, or a role that may not read the research views.
        """
        try:
            target = central_dsn(dsn, insecure=insecure)
            if target.insecure_reason:
                log.warning("reading the central database insecurely: %s", target.insecure_reason)
            conn = open_central(target, application_name=application_name)
        except SyncError as error:
            raise CentralResearchError(str(error)) from error
        try:
            conn.autocommit = True
            conn.execute("SET default_transaction_read_only = on")
            conn.execute("SET TIME ZONE 'UTC'")
            # the feature table of 20,000 sessions is ~25 MB: sorted in memory, not in temporary files
            conn.execute("SET work_mem = '64MB'")
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            instance = central.require_current(conn)
            allowed = conn.execute("SELECT has_table_privilege('enose.research_browse', 'SELECT')").fetchone()[0]
            if not allowed:
                role = conn.execute("SELECT current_user").fetchone()[0]
                raise CentralResearchError(
                    f"database role {role} may not read the research views of the central database: research reads "
                    "it as a member of enose_researcher (the centre's administrator grants it)"
                )
        except (central.CentralSchemaMissing, central.CentralSchemaTooNew) as error:
            conn.close()
            raise CentralResearchError(str(error)) from error
        except BaseException:
            conn.close()
            raise
        return cls(conn, target.dsn, instance)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> CentralSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """What the data came from, for a card or a report (no password)."""
        return f"central study database {self.instance_uuid}"

    def _rows(self, sql: str, params: Any = None, *, binary: bool = False) -> list[tuple]:
        try:
            with self.conn.cursor(binary=binary) as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        except psycopg.errors.InsufficientPrivilege as error:
            raise CentralResearchError(f"the central database refused a research read: {error}".strip()) from error

    # -- sites, filters --------------------------------------------------------------------------

    def sites(self) -> dict[str, str]:
        """``{site_uuid: site code}`` of every site with data (the code is the site UUID when none was enrolled)."""
        return dict(self._rows("SELECT site_uuid::text, coalesce(site_code, site_uuid::text) FROM enose.research_sites"
                               " ORDER BY 2"))  # fmt: skip

    def _where(self, session_filter: SessionFilter) -> tuple[str, list[Any]]:
        """The condition on ``enose.research_browse b`` of a :class:`SessionFilter`, with the site's browser's meaning."""
        for value, choices in ((session_filter.qc, QC_CHOICES), (session_filter.zone, ZONE_CHOICES),
                               (session_filter.label, LABEL_CHOICES)):  # fmt: skip
            if value and value not in choices:
                raise ValueError(f"unknown filter value {value!r}; choose one of {', '.join(choices)}")
        clauses: list[str] = []
        params: list[Any] = []
        if _check_date(session_filter.date_from):
            clauses.append("b.started_at >= (%s::date)::timestamp AT TIME ZONE 'UTC'")
            params.append(session_filter.date_from)
        if _check_date(session_filter.date_to):
            clauses.append("b.started_at < (%s::date + 1)::timestamp AT TIME ZONE 'UTC'")
            params.append(session_filter.date_to)
        if session_filter.device:
            clauses.append("b.device_serial = %s")
            params.append(session_filter.device)
        if session_filter.site:
            clauses.append("b.site_uuid = ANY(%s::uuid[])")
            params.append([u for u, code in self.sites().items() if session_filter.site in (code, u)])
        if session_filter.kind:
            clauses.append("b.kind = %s")
            params.append(session_filter.kind)
        if session_filter.qc:
            clauses.append({"passed": "b.qc_passed = 1", "failed": "b.qc_passed = 0",
                            "none": "b.qc_passed IS NULL"}[session_filter.qc])  # fmt: skip
        if session_filter.zone == "none":
            clauses.append("b.zone IS NULL")
        elif session_filter.zone:
            clauses.append("b.zone = %s")
            params.append(session_filter.zone)
        if session_filter.label:
            clauses.append({"cancer": "b.cancer = 1", "no_cancer": "b.cancer = 0",
                            "none": "b.cancer IS NULL"}[session_filter.label])  # fmt: skip
        return (" AND ".join(clauses) or "true"), params

    def _after(self, after: int | SessionRow | None) -> tuple[str, list[Any]]:
        if after is None:
            return "", []
        browse_id = after.id if isinstance(after, SessionRow) else int(after)
        return (" AND (b.started_at, b.browse_id) < (SELECT a.started_at, a.browse_id FROM enose.research_browse a"
                " WHERE a.browse_id = %s)"), [browse_id]  # fmt: skip

    # -- browsing --------------------------------------------------------------------------------

    def browse_sessions(self, session_filter: SessionFilter = ANY_SESSION, *, after: int | SessionRow | None = None,
                        limit: int = 200) -> list[CentralSessionRow]:  # fmt: skip
        """Sessions matching the filter, newest first, at most ``limit`` of them after the row ``after`` (its ``id``).

        The same filters, in the same meaning, as :func:`enose.browse.browse_sessions`; one
        indexed query that returns only the page.
        """
        where, params = self._where(session_filter)
        more, extra = self._after(after)
        rows = self._rows(
            "SELECT b.browse_id, b.started_at, b.subject_pseudonym, b.device_serial, b.site_code, b.kind, b.status,"
            " b.qc_passed, b.zone, b.cancer, b.session_uuid::text, b.site_uuid::text FROM enose.research_browse b"
            f" WHERE {where}{more} ORDER BY b.started_at DESC, b.browse_id DESC LIMIT %s",
            [*params, *extra, int(limit)],
        )
        return [CentralSessionRow(int(r[0]), _iso(r[1]), r[2], r[3], r[4], r[5], r[6],
                                  None if r[7] is None else bool(r[7]), r[8], r[9], r[10], r[11])  # fmt: skip
                for r in rows]

    def count_sessions(self, session_filter: SessionFilter = ANY_SESSION) -> int:
        """How many sessions match the filter (all of them, not only a page)."""
        where, params = self._where(session_filter)
        return int(self._rows(f"SELECT count(*) FROM enose.research_browse b WHERE {where}", params)[0][0])

    def filter_values(self, column: str) -> list[str]:
        """The values present in ``device_serial``, ``site`` (enrolled site codes) or ``kind`` (for filter menus)."""
        if column == "site":
            return sorted(set(self.sites().values()))
        if column not in {"device_serial", "kind"}:
            raise ValueError(column)
        return [r[0] for r in self._rows(f"SELECT DISTINCT b.{column} FROM enose.research_browse b"
                                         f" WHERE b.{column} IS NOT NULL ORDER BY 1")]  # fmt: skip

    def device_serials(self) -> list[str]:
        """Every device the centre has seen, most recently used first."""
        return [r[0] for r in self._rows("SELECT serial FROM enose.research_devices ORDER BY last_seen DESC")]

    def list_sessions(self, session_filter: SessionFilter = ANY_SESSION, *, after: int | SessionRow | None = None,
                      limit: int | None = None) -> list[dict]:  # fmt: skip
        """Sessions with the columns of ``enose sessions list``, newest first (``id``: the centre's session number)."""
        where, params = self._where(session_filter)
        more, extra = self._after(after)
        rows = self._rows(
            "SELECT b.browse_id, b.session_uuid::text, b.kind, b.subject_pseudonym, b.device_serial,"
            " s.operator_pseudonym, b.started_at, b.status, s.n_samples, s.lost_samples, s.interruptions, b.site_code,"
            " b.site_uuid::text FROM enose.research_browse b JOIN enose.research_sessions s ON s.uuid = b.session_uuid"
            f" WHERE {where}{more} ORDER BY b.started_at DESC, b.browse_id DESC"
            + (" LIMIT %s" if limit else ""),
            [*params, *extra, *([int(limit)] if limit else [])],
        )
        keys = ("id", "uuid", "kind", "subject_code", "device_serial", "operator", "started_at", "status", "n_samples",
                "lost_samples", "interruptions", "site", "site_uuid")  # fmt: skip
        return [{**dict(zip(keys, r, strict=True)), "started_at": _iso(r[6])} for r in rows]

    def _session_ref(self, ref: int | str) -> tuple[int, str]:
        """``(browse id, session uuid)`` of a session named by its centre number or its UUID."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            rows = self._rows("SELECT browse_id, session_uuid::text FROM enose.research_browse WHERE browse_id = %s",
                              [int(ref)])  # fmt: skip
        else:
            rows = self._rows("SELECT browse_id, session_uuid::text FROM enose.research_browse"
                              " WHERE session_uuid = %s::uuid", [str(ref)])  # fmt: skip
        if not rows:
            raise CentralResearchError(f"no session {ref} in the central database (see `enose sessions list --central`)")
        return int(rows[0][0]), rows[0][1]

    def qc(self, session: int | str, processing_version: str | None = None) -> dict:
        """The site's newest QC verdict of ``session`` for ``processing_version`` (default: this software's).

        The keys of :func:`enose.pipeline.session_qc`, with ``session_id`` the centre's number.
        The centre does not run the gate (the verdict depends on the site's calibrations): a
        session without a synced verdict is an error saying so.
        """
        from enose.signal import PROCESSING_VERSION

        version = processing_version or PROCESSING_VERSION
        with self.conn.transaction():
            browse_id, uuid = self._session_ref(session)
            rows = self._rows("SELECT passed, reasons FROM enose.research_qc_results WHERE session_uuid = %s::uuid"
                              " AND processing_version = %s", [uuid, version])  # fmt: skip
        if not rows:
            raise CentralResearchError(
                f"session {browse_id} has no QC verdict of processing version {version} in the central database: its "
                "site has not computed or not yet synced one (the site runs `enose qc` or `enose features`, then "
                "`enose sync`)"
            )
        passed, reasons = rows[0]
        return {"session_id": browse_id, "passed": bool(passed), "reasons": reasons, "processing_version": version,
                "session_uuid": uuid}  # fmt: skip

    def session_analysis(self, session: int | str, processing_version: str | None = None) -> dict:
        """The site's QC verdict and features of one session, in the shape the researcher's detail view shows
        (``names``, ``values``, ``reasons``, ``blocked``, ``processing_version``); a verdict or features the site
        has not sent are said so in ``reasons`` (the centre computes nothing)."""
        from enose.signal import PROCESSING_VERSION

        version = processing_version or PROCESSING_VERSION
        with self.conn.transaction():
            _, uuid = self._session_ref(session)
            qc = self._rows("SELECT passed, reasons FROM enose.research_qc_results WHERE session_uuid = %s::uuid"
                            " AND processing_version = %s", [uuid, version])  # fmt: skip
            features = self._rows('SELECT names, "values" FROM enose.research_features WHERE session_uuid = %s::uuid'
                                  " AND processing_version = %s", [uuid, version], binary=True)  # fmt: skip
        reasons = list(qc[0][1]) if qc else [{"code": "not_synced", "severity": "info", "detail": {},
                                              "message": f"its site sent no QC verdict of {version}"}]  # fmt: skip
        names, values = (list(features[0][0]), np.frombuffer(bytes(features[0][1]), dtype="<f8").tolist()) if features \
            else ([], None)  # fmt: skip
        return {"names": names, "values": values, "reasons": reasons, "blocked": bool(qc) and not qc[0][0],
                "processing_version": version}  # fmt: skip

    def label_history(self, session: int | str) -> list[dict]:
        """Every diagnosis entered for the subject of ``session``, newest first, with ``current`` (as
        :func:`enose.labels.label_history`; ``subject_code`` and ``entered_by`` are pseudonyms)."""
        with self.conn.transaction():
            _, uuid = self._session_ref(session)
            rows = self._rows(
                "SELECT l.local_id, l.subject_pseudonym, l.cancer, l.histology, l.stage, l.diagnosis_date, l.source,"
                " l.entered_by_pseudonym, l.entered_at, l.supersedes_local_id, l.local_id = b.label_local_id"
                " FROM enose.research_browse b JOIN enose.research_labels l ON l.site_uuid = b.site_uuid"
                " AND l.subject_pseudonym = b.subject_pseudonym WHERE b.session_uuid = %s::uuid"
                " ORDER BY l.local_id DESC", [uuid])  # fmt: skip
        keys = ("id", "subject_code", "cancer", "histology", "stage", "diagnosis_date", "source", "entered_by",
                "entered_at", "supersedes", "current")  # fmt: skip
        return [{**dict(zip(keys, r, strict=True)), "entered_at": _iso(r[8]), "current": bool(r[10])} for r in rows]

    def session_detail(self, session: int | str) -> dict:
        """``{recording, analysis, labels}`` of one session: what the researcher's detail view shows."""
        return {"recording": self.load_recording(session), "analysis": self.session_analysis(session),
                "labels": self.label_history(session)}  # fmt: skip

    # -- raw samples -----------------------------------------------------------------------------

    def load_recording(self, session: int | str) -> Recording:
        """One session's raw samples, phases and metadata, read now (and only now) from the centre.

        The same :class:`~enose.recording.Recording` as :meth:`enose.storage.Store.load_recording`, with
        the centre's number as ``session_id`` and pseudonyms in ``meta``.
        """
        with self.conn.transaction():
            browse_id, uuid = self._session_ref(session)
            (row,) = self._rows(
                "SELECT channels, period_ms, status, subject_pseudonym, device_serial, operator_pseudonym, site,"
                " started_at, lost_samples, protocol, software_version FROM enose.research_sessions WHERE uuid = %s",
                [uuid],
            )
            chunks = self._rows(
                'SELECT chunk_index, first_sample, n_samples, n_channels, codec, t_s, device_seq, device_t_ms, flags,'
                ' "values" FROM enose.research_sample_chunks WHERE session_uuid = %s ORDER BY chunk_index',
                [uuid], binary=True,
            )  # fmt: skip
            phases = [Phase(r[0], int(r[1]), float(r[2]), float(r[3])) for r in self._rows(
                "SELECT name, inlet, start_s, end_s FROM enose.research_phases WHERE session_uuid = %s"
                " ORDER BY start_s", [uuid])]  # fmt: skip
            events = self._rows("SELECT kind, t_s FROM enose.research_events WHERE session_uuid = %s ORDER BY seq",
                                [uuid])  # fmt: skip
        channels, period_ms, status, subject, device, operator, site, started_at, lost, protocol, software = row
        layout = ChannelLayout.from_json(channels)
        blocks, damaged = _blocks_of(chunks, uuid)

        def cat(name: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
            if not blocks:
                return np.empty(shape, dtype=dtype)
            return np.concatenate([getattr(b, name) for b in blocks])

        meta = {"session_id": browse_id, "uuid": uuid, "status": status, "subject_code": subject,
                "device_serial": device, "operator": operator, "site": site, "started_at": _iso(started_at),
                "lost_samples": lost, "interruptions": [t for kind, t in events if kind == "interruption"],
                "event_kinds": sorted({kind for kind, _ in events}), "protocol": protocol,
                "software_version": software, "damaged_blocks": damaged}  # fmt: skip
        return Recording(layout=layout, t_s=cat("t_s", "<f8", (0,)), values=cat("values", "<f4", (0, len(layout))),
                         device_seq=cat("device_seq", "<u2", (0,)), device_t_ms=cat("device_t_ms", "<u4", (0,)),
                         flags=cat("flags", "<u2", (0,)), period_ms=int(period_ms), phases=phases,
                         session_id=browse_id, meta=meta)  # fmt: skip

    # -- the feature table -----------------------------------------------------------------------

    def _name_sets(self, version: str | None) -> dict[int, list[str]]:
        """``{jsonb_hash of the names: names}`` of the features of ``version`` (None: every version).

        Why a hash: every feature row repeats its list of names (a few kB); the rows carry only
        the list's hash, and the few distinct lists (one per channel layout) travel once.
        """
        where = "" if version is None else " WHERE processing_version = %s"
        rows = self._rows(f"SELECT DISTINCT jsonb_hash(names), names FROM enose.research_features{where}",
                          [] if version is None else [version])  # fmt: skip
        found: dict[int, list[str]] = {}
        for key, names in rows:
            if key in found:  # two different lists with one 32-bit hash: never seen, but never silently wrong
                raise CentralResearchError("two feature name lists of the central database share a hash; read them "
                                           "one processing version at a time")  # fmt: skip
            found[key] = list(names)
        return found

    def feature_table(self, processing_version: str | None = None, *, all_statuses: bool = False
                      ) -> tuple[list[tuple[dict, list[str], np.ndarray]], list[dict], dict[int, str]]:  # fmt: skip
        """The feature table of every screening session, assembled in SQL from the sites' features.

        Returns ``(table, sessions, skipped)``: ``table`` as ``enose features`` writes it (row, names,
        values; row ``id`` the centre's number, ``subject_code`` the pseudonym, ``site`` the enrolled
        site), every session considered (in order), and ``{id: reason}`` of those left out because
        their site sent no features of ``processing_version`` (default: this software's).
        """
        from enose.signal import PROCESSING_VERSION

        version = processing_version or PROCESSING_VERSION
        status = "" if all_statuses else " AND b.status = 'complete'"
        with self.conn.transaction():
            names = self._name_sets(version)
            rows = self._rows(
                "SELECT b.browse_id, b.session_uuid::text, b.subject_pseudonym, b.device_serial, b.site_code, b.status,"
                ' jsonb_hash(f.names), f."values" FROM enose.research_browse b LEFT JOIN enose.research_features f'
                " ON f.session_uuid = b.session_uuid AND f.processing_version = %s"
                f" WHERE b.kind = 'screening'{status} ORDER BY b.started_at, b.browse_id",
                [version], binary=True,
            )  # fmt: skip
        table, sessions, skipped = [], [], {}
        for browse_id, uuid, subject, device, site, state, key, values in rows:
            row = {"id": int(browse_id), "uuid": uuid, "subject_code": subject, "device_serial": device, "site": site,
                   "status": state}  # fmt: skip
            sessions.append(row)
            if key is None:
                skipped[row["id"]] = f"its site sent no features of processing version {version}"
                continue
            table.append((row, names[key], np.frombuffer(bytes(values), dtype="<f8")))
        return table, sessions, skipped

    # -- training data ---------------------------------------------------------------------------

    def dataset(self, *, clinical: list[str] | tuple[str, ...] = (), processing_version: str | None = None):
        """Every complete, labelled screening session of every site as a :class:`~enose.model.dataset.Dataset`,
        and the flow counts: what :func:`enose.model.features.dataset_from_store` gives for one site."""
        ds, flow, _ = self.training_data(clinical=clinical, processing_version=processing_version)
        return ds, flow

    def training_data(self, *, clinical: list[str] | tuple[str, ...] = (), processing_version: str | None = None):
        """``(dataset, flow, provenance)`` from one snapshot: the data and exactly which data it is.

        Rows are in recording order (``started_at``, then the centre's number), the order of a
        site's session ids; ``site`` is the enrolled site's code and ``device`` the serial, which
        the blocked cross-validation and the locked site use. Sessions blocked by their site's
        QC verdict are counted in the flow (``blocked_by_quality_gate``), those whose site sent no
        verdict or no features of the processing version too (``not_analysed_at_site``, only when
        there are any). ``provenance`` (:meth:`provenance`) is for the model card.
        """
        from enose.model.clinical import clinical_vector
        from enose.model.dataset import Dataset
        from enose.signal import PROCESSING_VERSION

        version = processing_version or PROCESSING_VERSION
        with self.conn.transaction():
            names_of = self._name_sets(version)
            rows = self._rows(
                "SELECT b.browse_id, b.session_uuid::text, b.site_uuid::text, b.site_code, b.subject_pseudonym,"
                " b.device_serial, b.cancer, b.started_at, b.age_years, b.sex, b.smoking, b.pack_years, b.copd,"
                " b.previous_cancer, s.channels::text, s.content_sha256, s.protocol ? 'simulated', q.passed,"
                ' q.content_sha256, jsonb_hash(f.names), f."values", f.content_sha256, b.label_local_id,'
                " l.content_sha256 FROM enose.research_browse b"
                " JOIN enose.research_sessions s ON s.uuid = b.session_uuid"
                " LEFT JOIN enose.research_qc_results q ON q.session_uuid = b.session_uuid AND q.processing_version = %s"
                " LEFT JOIN enose.research_features f ON f.session_uuid = b.session_uuid AND f.processing_version = %s"
                " LEFT JOIN enose.research_labels l ON l.site_uuid = b.site_uuid AND l.local_id = b.label_local_id"
                " WHERE b.kind = 'screening' AND b.status = 'complete' AND b.cancer IS NOT NULL"
                " ORDER BY b.started_at, b.browse_id",
                [version, version], binary=True,
            )  # fmt: skip
            n_all = self._rows("SELECT count(*) FROM enose.research_browse WHERE kind = 'screening'")[0][0]
            if not rows:
                raise ValueError(f"the {self.name} holds no complete screening session with a label")
            layouts = {r[14] for r in rows}
            if len(layouts) > 1:
                raise ValueError(f"the {self.name} mixes {len(layouts)} channel layouts; a model is trained for one "
                                 "device layout at a time")  # fmt: skip
            blocked = sum(1 for r in rows if r[17] is not None and not r[17])
            good = [r for r in rows if r[17] and r[19] is not None]
            if not good:
                raise ValueError("no labelled session has a passed QC verdict and features of processing version "
                                 f"{version} in the {self.name} (the sites compute them, then sync)")  # fmt: skip
            keys = {r[19] for r in good}
            if len(keys) > 1:
                raise ValueError(f"the sites' features of {version} have {len(keys)} different name lists")
            durations = self._rows(
                "SELECT name, end_s - start_s FROM enose.research_phases WHERE session_uuid = ANY(%s::uuid[])"
                " AND name IN ('baseline', 'breath', 'purge')", [[r[1] for r in good]])  # fmt: skip
            provenance = self._provenance(good, version)
        names = names_of[good[0][19]]
        factors = ("age_years", "sex", "smoking", "pack_years", "copd", "previous_cancer")
        X = np.stack([np.concatenate([np.frombuffer(bytes(r[20]), dtype="<f8"),
                                      clinical_vector(dict(zip(factors, r[8:14], strict=True)), list(clinical))])
                      for r in good])  # fmt: skip
        by_phase: dict[str, list[float]] = {}
        for name, seconds in durations:
            by_phase.setdefault(name, []).append(float(seconds))
        ds = Dataset(
            phase_durations_s={name: float(np.median(v)) for name, v in sorted(by_phase.items())},
            X=X,
            y=np.array([int(r[6]) for r in good]),
            feature_names=list(names),
            clinical_names=list(clinical),
            subject=np.array([r[4] for r in good], dtype=object),
            site=np.array([r[3] or "" for r in good], dtype=object),
            device=np.array([r[5] or "" for r in good], dtype=object),
            session_id=np.array([int(r[0]) for r in good]),
            source=self.name,
            layout=json.loads(rows[0][14]),
            processing_version=version,
            acquisition_order=np.array([r[7].timestamp() for r in good]),
            order_name="recording time (started_at)",
        )
        flow = {
            "screening_sessions": int(n_all),
            "complete_with_label": len(rows),
            "blocked_by_quality_gate": blocked,
            "analysed": len(good),
        }
        if len(rows) - blocked - len(good):
            flow[FLOW_NOT_ANALYSED] = len(rows) - blocked - len(good)
        return ds, flow, provenance

    def _provenance(self, good: list[tuple], version: str) -> dict:
        """Which sites, units and sync state the rows ``good`` of :meth:`training_data` are (same snapshot)."""
        lines = sorted(f"{r[1]} {r[15]} {r[18]} {r[21]} {r[2]}/{r[22]}/{r[23]}\n" for r in good)
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
        per_site = Counter(r[2] for r in good)
        subjects_per_site = {site: len({r[4] for r in good if r[2] == site}) for site in per_site}
        per_unit = Counter(r[5] for r in good if r[5])
        unit_sites: dict[str, set[str]] = {}
        for r in good:
            if r[5]:
                unit_sites.setdefault(r[5], set()).add(r[3])
        anchors = {r[0]: r[1:] for r in self._rows(
            "SELECT DISTINCT ON (site_uuid) site_uuid::text, audit_id, hash, entry_at, anchored_at, signed"
            " FROM enose.research_audit_anchors WHERE site_uuid = ANY(%s::uuid[])"
            " ORDER BY site_uuid, audit_id DESC", [list(per_site)])}  # fmt: skip
        registry = {r[0]: r[1:] for r in self._rows(
            "SELECT site_uuid::text, coalesce(site_code, site_uuid::text), last_sync FROM enose.research_sites"
            " WHERE site_uuid = ANY(%s::uuid[])", [list(per_site)])}  # fmt: skip
        devices = {r[0]: r[1:] for r in self._rows(
            "SELECT serial, model, firmware FROM enose.research_devices WHERE serial = ANY(%s)", [list(per_unit)])}  # fmt: skip
        read_at, schema = self._rows("SELECT now(), (SELECT max(version) FROM enose.schema_version)")[0]
        sites = []
        for site in sorted(per_site, key=lambda s: (registry.get(s, (s,))[0], s)):
            code, last_sync = registry.get(site, (site, None))
            anchor = anchors.get(site)
            sites.append({
                "site_uuid": site, "site_code": code, "n_sessions": per_site[site],
                "n_subjects": subjects_per_site[site], "last_sync": _iso(last_sync),
                "audit_anchor": None if anchor is None else {
                    "audit_id": int(anchor[0]), "hash": anchor[1], "entry_at": anchor[2],
                    "anchored_at": _iso(anchor[3]), "signed": bool(anchor[4])},
            })  # fmt: skip
        units = [{"serial": serial, "model": devices.get(serial, (None, None))[0],
                  "firmware": devices.get(serial, (None, None))[1], "sites": sorted(unit_sites[serial]),
                  "n_sessions": per_unit[serial]} for serial in sorted(per_unit)]  # fmt: skip
        return {
            "source": "central study database",
            "instance_uuid": self.instance_uuid,
            "schema_version": int(schema),
            "database": redact_dsn(self.dsn),
            "read_at": _iso(read_at),
            "processing_version": version,
            "n_sessions": len(good),
            "all_simulated": all(bool(r[16]) for r in good),
            "sites": sites,
            "units": units,
            "rows_sha256": digest,
            "rows_recipe": "SHA-256 of one line per session used, sorted: session uuid, session content hash, QC "
                           "content hash, features content hash, site uuid/label local id/label content hash "
                           "(space-separated, newline-terminated)",
        }  # fmt: skip

    # -- the study export ------------------------------------------------------------------------

    def study_tables(self, *, precise_times: bool = False) -> dict[str, list[dict]]:
        """Every table of the study export (:func:`enose.exports.study_tables`), pooled over the sites.

        Always pseudonymous: subjects are study pseudonyms and staff ``staff-`` pseudonyms (the
        centre holds nothing else for a researcher); timestamps keep only the day unless
        ``precise_times``. JSON columns hold the same values as the site's, in PostgreSQL's
        canonical spelling (key order, spacing).
        """
        from enose.exports.dictionary import columns
        from enose.exports.study import _TIMES, _to_day

        tables: dict[str, list[dict]] = {}
        with self.conn.transaction():
            tables["subjects"] = [dict(zip(("subject_code", "site", "created_at", "age_years", "sex", "smoking",
                                            "pack_years", "copd", "previous_cancer"), r, strict=True))
                                  for r in self._rows(
                "SELECT subject_pseudonym, site, created_at, age_years, sex, smoking, pack_years, copd, previous_cancer"
                " FROM enose.research_subjects ORDER BY site_uuid, subject_pseudonym")]  # fmt: skip
            session_keys = ("session_uuid", "site_uuid", "kind", "subject_code", "device_serial", "firmware",
                            "operator", "site", "started_at", "ended_at", "status", "software_version", "period_ms",
                            "n_samples", "lost_samples", "interruptions", "protocol", "channels")  # fmt: skip
            tables["sessions"] = [{**dict(zip(session_keys, r, strict=True)), "raw_file": ""} for r in self._rows(
                "SELECT uuid::text, site_uuid::text, kind, subject_pseudonym, device_serial, firmware, operator_pseudonym,"
                " site, started_at, ended_at, status, software_version, period_ms, n_samples, lost_samples,"
                " interruptions, protocol::text, channels::text FROM enose.research_sessions"
                " WHERE status != 'running' ORDER BY started_at, uuid")]  # fmt: skip
            tables["qc_results"] = [dict(zip(("session_uuid", "processing_version", "passed", "reasons", "computed_at"),
                                             r, strict=True)) for r in self._rows(
                "SELECT q.session_uuid::text, q.processing_version, q.passed, q.reasons::text, q.computed_at"
                " FROM enose.research_qc_results q JOIN enose.research_browse b ON b.session_uuid = q.session_uuid"
                " ORDER BY b.started_at, b.browse_id, q.processing_version")]  # fmt: skip
            names_of = self._name_sets(None)
            features = self._rows(
                'SELECT f.session_uuid::text, f.processing_version, jsonb_hash(f.names), f."values", f.computed_at'
                " FROM enose.research_features f JOIN enose.research_browse b ON b.session_uuid = f.session_uuid"
                " ORDER BY b.started_at, b.browse_id, f.processing_version", binary=True)  # fmt: skip
            tables["features"] = [
                {"session_uuid": uuid, "processing_version": version, "feature": name, "value": float(value),
                 "computed_at": computed}
                for uuid, version, key, values, computed in features
                for name, value in zip(names_of[key], np.frombuffer(bytes(values), dtype="<f8"), strict=False)
            ]  # fmt: skip
            tables["scores"] = [dict(zip(("score_id", "site_uuid", "session_uuid", "created_at", "operator", "model_id",
                                          "model_sha256", "software_version", "processing_version", "calibration_id",
                                          "probability", "interval_low", "interval_high", "zone", "ood", "explanation",
                                          "qc_reasons", "no_zone"), r, strict=True)) for r in self._rows(
                "SELECT local_id, site_uuid::text, session_uuid::text, created_at, operator_pseudonym, model_id,"
                " model_sha256, software_version, processing_version, calibration_local_id, probability, interval_low,"
                " interval_high, zone, ood, explanation::text, qc_reasons::text, no_zone::text FROM enose.research_scores"
                " ORDER BY site_uuid, local_id")]  # fmt: skip
            current = {(r[0], int(r[1])) for r in self._rows(
                "SELECT site_uuid::text, local_id FROM enose.research_current_labels")}  # fmt: skip
            tables["labels"] = [
                {**dict(zip(("label_id", "site_uuid", "subject_code", "cancer", "histology", "stage", "diagnosis_date",
                             "source", "entered_by", "entered_at", "supersedes"), r, strict=True)),
                 "current": int((r[1], int(r[0])) in current)}
                for r in self._rows(
                    "SELECT local_id, site_uuid::text, subject_pseudonym, cancer, histology, stage, diagnosis_date,"
                    " source, entered_by_pseudonym, entered_at, supersedes_local_id FROM enose.research_labels"
                    " ORDER BY site_uuid, local_id")
            ]  # fmt: skip
        for name, times in _TIMES.items():
            for row in tables[name]:
                for column in times:
                    row[column] = _iso(row.get(column)) if isinstance(row.get(column), datetime) else row.get(column)
                    if not precise_times:
                        row[column] = _to_day(row[column])
        return {name: [{c: row.get(c) for c in columns(name)} for row in rows] for name, rows in tables.items()}

    def devices(self) -> dict[str, dict]:
        """``{serial: {serial, model, firmware}}`` of every device (for the FHIR Device resources)."""
        return {r[0]: {"serial": r[0], "model": r[1], "firmware": r[2]}
                for r in self._rows("SELECT serial, model, firmware FROM enose.research_devices")}  # fmt: skip

    def export_study(self, out: str | Path, fmt: str, *, raw: bool = True, precise_times: bool = False,
                     progress: bool = False) -> dict:  # fmt: skip
        """Write the pooled study to directory ``out`` as ``enose export study`` writes a site's (same files, columns,
        data dictionary; raw signals read from the centre one session at a time); return the same summary."""
        from enose.exports.study import prepare_export, write_study

        started = time.perf_counter()
        target = prepare_export(out, fmt)
        tables = self.study_tables(precise_times=precise_times)
        summary = {"path": str(target), "format": fmt, "pseudonymous": True, "precise_times": precise_times,
                   "authenticated": True, "rows": {name: len(rows) for name, rows in tables.items()}}  # fmt: skip
        summary.update(write_study(target, fmt, tables, devices=self.devices(), progress=progress,
                                   recording=self.load_recording if raw else None))  # fmt: skip
        summary["seconds"] = round(time.perf_counter() - started, 3)
        summary["source"] = self.name
        log.info("study export (%s) of the %s to %s: %s", fmt, self.name, target, summary["rows"])
        return summary
