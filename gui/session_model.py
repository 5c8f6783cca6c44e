"""A Qt table model over the recorded sessions, paged: rows are fetched as the view scrolls.

The rows, their filters, the status rule and the permission check are the core's
(:mod:`enose.browse`); this module only holds the rows seen so far and words
them. The database is opened read-only (SQLite ``mode=ro``): the browser can
never write. With a ``source`` (:class:`enose.research.CentralSource`), the same
table pages the central study database instead: the same filters and rows, run
in PostgreSQL, read-only, with study pseudonyms and the centre's session numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from enose.browse import SessionFilter, SessionRow, browse_sessions, count_sessions, filter_values
from gui.report import NO_ZONE, session_status_text

__all__ = ["SessionFilter", "SessionTableModel", "COLUMNS", "status_text", "zone_text"]

COLUMNS = ("id", "started_at", "subject_code", "device_serial", "site", "kind", "status", "qc", "zone", "label")


def status_text(status: str | None) -> str:
    """A session's status (the report's words for it: one wording of a status) or kind, in the reader's language."""
    kinds = {
        "screening": QCoreApplication.translate("Sessions", "screening"),
        "calibration": QCoreApplication.translate("Sessions", "calibration"),
    }
    if not status:
        return ""
    return kinds.get(status) or session_status_text(status, QCoreApplication.translate)


def zone_text(zone: str | None) -> str:
    """The newest score's zone in words; ``no_zone``: a probability kept for the record only (a short word for a
    column; the result page and the report say why)."""
    texts = {
        NO_ZONE: QCoreApplication.translate("Sessions", "no zone"),
        "green": QCoreApplication.translate("Sessions", "green"),
        "orange": QCoreApplication.translate("Sessions", "orange"),
        "red": QCoreApplication.translate("Sessions", "red"),
        "inconclusive": QCoreApplication.translate("Sessions", "inconclusive"),
        "blocked": QCoreApplication.translate("Sessions", "blocked"),
    }
    return texts.get(zone or "", "")


class SessionTableModel(QAbstractTableModel):
    """Sessions, newest first, matching a :class:`SessionFilter`; fetched ``page_size`` rows at a time."""

    def __init__(self, db_path: Path, user: Any, page_size: int = 200, parent=None, source: Any = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.user = user  # the signed-in account: the core decides what it may read
        self.page_size = page_size
        self.source = source  # the central study database (its own role decides what it may read), or None
        self.filter = SessionFilter()
        self._rows: list[SessionRow] = []
        self._exhausted = False
        self._store = None

    # -- connection ------------------------------------------------------------------------

    def _db(self):
        if self._store is None:
            from enose.storage import DatabaseMissing, Store

            try:
                self._store = Store.open_read_only(self.db_path)
            except DatabaseMissing:
                return None
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def is_central(self) -> bool:
        return self.source is not None

    def distinct(self, column: str) -> list[str]:
        """Values present in ``sessions.column`` (for the filter menus)."""
        if self.source is not None:
            return self.source.filter_values(column)
        store = self._db()
        return [] if store is None else filter_values(store, self.user, column)

    # -- paging ------------------------------------------------------------------------------

    def _query(self, after_id: int | None, limit: int) -> list[SessionRow]:
        if self.source is not None:
            return self.source.browse_sessions(self.filter, after=after_id, limit=limit)
        store = self._db()
        return [] if store is None else browse_sessions(store, self.user, self.filter, after_id=after_id, limit=limit)

    def count(self) -> int:
        """How many sessions match the filter (all of them, not just the rows fetched)."""
        if self.source is not None:
            return self.source.count_sessions(self.filter)
        store = self._db()
        return 0 if store is None else count_sessions(store, self.user, self.filter)

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
        after = self._rows[-1].id if self._rows else None
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
        return self._rows[row].id

    def row_dict(self, row: int) -> dict:
        return {column: getattr(self._rows[row], column) for column in COLUMNS}

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
        column = COLUMNS[index.column()]
        value = getattr(self._rows[index.row()], column)
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
