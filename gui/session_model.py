"""A Qt table model over the sessions in SQLite, paged: rows are fetched as the view scrolls.

Why not QtSql: the model needs the core's view ``current_labels`` and a few
correlated sub-queries (latest QC verdict, latest score) with filters that are
easiest to write as SQL; a plain read-only :mod:`sqlite3` connection
(``mode=ro``, so the browser can never write) behind a
:class:`QAbstractTableModel` with ``canFetchMore``/``fetchMore`` does that and
keeps only the rows seen so far in memory. Paging is by key (``id <`` the last
id shown), so a page costs the same at row 10 and at row 10,000.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

__all__ = ["SessionFilter", "SessionTableModel", "COLUMNS", "status_text", "zone_text"]

COLUMNS = ("id", "started_at", "subject_code", "device_serial", "site", "kind", "status", "qc", "zone", "label")

QC_EXPR = "(SELECT q.passed FROM qc_results q WHERE q.session_id = s.id ORDER BY q.computed_at DESC LIMIT 1)"
ZONE_EXPR = "(SELECT sc.zone FROM scores sc WHERE sc.session_id = s.id ORDER BY sc.id DESC LIMIT 1)"
LABEL_EXPR = "(SELECT l.cancer FROM current_labels l WHERE l.subject_code = s.subject_code)"


@dataclass(frozen=True)
class SessionFilter:
    """Every field None means 'any'. Dates are ISO ``YYYY-MM-DD`` (inclusive)."""

    date_from: str | None = None
    date_to: str | None = None
    device: str | None = None
    site: str | None = None
    qc: str | None = None  # passed / failed / none
    zone: str | None = None  # green / orange / red / inconclusive / blocked / none
    label: str | None = None  # cancer / no_cancer / none
    kind: str | None = None  # screening / calibration

    def where(self) -> tuple[str, list[Any]]:
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
        if self.qc == "passed":
            clauses.append(f"{QC_EXPR} = 1")
        elif self.qc == "failed":
            clauses.append(f"{QC_EXPR} = 0")
        elif self.qc == "none":
            clauses.append(f"{QC_EXPR} IS NULL")
        if self.zone == "none":
            clauses.append(f"{ZONE_EXPR} IS NULL")
        elif self.zone:
            clauses.append(f"{ZONE_EXPR} = ?")
            params.append(self.zone)
        if self.label == "cancer":
            clauses.append(f"{LABEL_EXPR} = 1")
        elif self.label == "no_cancer":
            clauses.append(f"{LABEL_EXPR} = 0")
        elif self.label == "none":
            clauses.append(f"{LABEL_EXPR} IS NULL")
        return (" AND ".join(clauses) or "1"), params


def status_text(status: str | None) -> str:
    texts = {
        "running": QCoreApplication.translate("Sessions", "recording"),
        "complete": QCoreApplication.translate("Sessions", "complete"),
        "aborted": QCoreApplication.translate("Sessions", "aborted"),
        "interrupted": QCoreApplication.translate("Sessions", "interrupted"),
        "screening": QCoreApplication.translate("Sessions", "screening"),
        "calibration": QCoreApplication.translate("Sessions", "calibration"),
    }
    return texts.get(status or "", status or "")


def zone_text(zone: str | None) -> str:
    texts = {
        "green": QCoreApplication.translate("Sessions", "green"),
        "orange": QCoreApplication.translate("Sessions", "orange"),
        "red": QCoreApplication.translate("Sessions", "red"),
        "inconclusive": QCoreApplication.translate("Sessions", "inconclusive"),
        "blocked": QCoreApplication.translate("Sessions", "blocked"),
    }
    return texts.get(zone or "", "")


class SessionTableModel(QAbstractTableModel):
    """Sessions, newest first, matching a :class:`SessionFilter`; fetched ``page_size`` rows at a time."""

    def __init__(self, db_path: Path, page_size: int = 200, parent=None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.page_size = page_size
        self.filter = SessionFilter()
        self._rows: list[tuple] = []
        self._exhausted = False
        self._conn: sqlite3.Connection | None = None

    # -- connection ------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None:
            if not self.db_path.exists():
                return None
            self._conn = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def distinct(self, column: str) -> list[str]:
        """Values present in ``sessions.column`` (for the filter menus)."""
        if column not in {"device_serial", "site", "kind"}:
            raise ValueError(column)
        db = self._db()
        if db is None:
            return []
        sql = f"SELECT DISTINCT {column} FROM sessions WHERE {column} IS NOT NULL ORDER BY {column}"
        return [row[0] for row in db.execute(sql)]

    # -- paging ------------------------------------------------------------------------------

    def _query(self, after_id: int | None, limit: int) -> list[tuple]:
        db = self._db()
        if db is None:
            return []
        where, params = self.filter.where()
        if after_id is not None:
            where += " AND s.id < ?"
            params = [*params, after_id]
        sql = (
            "SELECT s.id, s.started_at, s.subject_code, s.device_serial, s.site, s.kind, s.status, "
            f"{QC_EXPR}, {ZONE_EXPR}, {LABEL_EXPR} FROM sessions s WHERE {where} ORDER BY s.id DESC LIMIT ?"
        )
        return db.execute(sql, [*params, limit]).fetchall()

    def count(self) -> int:
        """How many sessions match the filter (all of them, not just the rows fetched)."""
        db = self._db()
        if db is None:
            return 0
        where, params = self.filter.where()
        return int(db.execute(f"SELECT COUNT(*) FROM sessions s WHERE {where}", params).fetchone()[0])

    def set_filter(self, session_filter: SessionFilter) -> None:
        self.beginResetModel()
        self.filter = session_filter
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        self.close()
        self.set_filter(self.filter)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802, B008 - Qt API
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802, B008 - Qt API
        if parent.isValid() or self._exhausted:
            return
        after = self._rows[-1][0] if self._rows else None
        rows = self._query(after, self.page_size)
        if len(rows) < self.page_size:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    # -- model -------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def session_id(self, row: int) -> int:
        return int(self._rows[row][0])

    def row_dict(self, row: int) -> dict:
        return dict(zip(COLUMNS, self._rows[row], strict=True))

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = [
            QCoreApplication.translate("Sessions", "Session"),
            QCoreApplication.translate("Sessions", "Date"),
            QCoreApplication.translate("Sessions", "Subject"),
            QCoreApplication.translate("Sessions", "Device"),
            QCoreApplication.translate("Sessions", "Site"),
            QCoreApplication.translate("Sessions", "Type"),
            QCoreApplication.translate("Sessions", "Status"),
            QCoreApplication.translate("Sessions", "QC"),
            QCoreApplication.translate("Sessions", "Zone"),
            QCoreApplication.translate("Sessions", "Diagnosis"),
        ]
        return names[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        value = row[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "started_at":
                return str(value or "")[:16].replace("T", " ")
            if column in ("status", "kind"):
                return status_text(value)
            if column == "qc":
                if value is None:
                    return ""
                return (
                    QCoreApplication.translate("Sessions", "passed")
                    if value
                    else QCoreApplication.translate("Sessions", "failed")
                )
            if column == "zone":
                return zone_text(value)
            if column == "label":
                if value is None:
                    return ""
                return (
                    QCoreApplication.translate("Sessions", "cancer")
                    if value
                    else QCoreApplication.translate("Sessions", "no cancer")
                )
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and column == "zone" and value:
            from gui.widgets import ZONE_COLOURS

            return QColor(ZONE_COLOURS.get(value, "#5f6368"))
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def retranslate(self) -> None:
        """Language changed: headers and cells are re-read."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
