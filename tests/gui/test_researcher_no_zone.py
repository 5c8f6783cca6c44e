"""The researcher's session list tells "no zone" (a probability kept for the record only) from "inconclusive"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from enose.recording import ChannelLayout
from enose.storage import Store
from enose.storage.store import utc_now
from firmware_protocol.emulator import EmulatorConfig
from firmware_protocol.emulator.config import channel_layout
from gui import accounts
from gui.report import NO_ZONE
from gui.session_model import COLUMNS, SessionFilter, SessionTableModel, zone_text

from .conftest import open_workspace


def _scored_sessions(db_path) -> None:
    """Session 1: a sample unlike the training data (inconclusive); session 2: no zone (humidity not measured)."""
    layout = ChannelLayout(channel_layout(EmulatorConfig())[0])
    with Store.open(db_path) as store:
        for no_zone in ("[]", '["humidity_not_measured"]'):
            writer = store.create_session(operator="t", layout=layout, period_ms=10, protocol={}, site="S1")
            writer.finish("complete")
            store.conn.execute(
                "INSERT INTO scores (session_id, created_at, software_version, processing_version, probability, zone,"
                " ood, no_zone) VALUES (?, ?, '0.1.0', 'p1', 0.3, 'inconclusive', ?, ?)",
                (writer.session_id, utc_now(), int(no_zone == "[]"), no_zone),
            )
            store.conn.commit()


def test_the_session_list_words_no_zone_as_the_report_does(gui_context):
    _scored_sessions(gui_context.db_path)
    model = SessionTableModel(gui_context.db_path, accounts.Account("rosa", "researcher"))
    model.set_filter(SessionFilter())
    column = COLUMNS.index("zone")
    shown = {model.session_id(r): model.data(model.index(r, column), Qt.ItemDataRole.DisplayRole) for r in range(2)}
    stored = {model.session_id(r): model.data(model.index(r, column), Qt.ItemDataRole.UserRole) for r in range(2)}
    model.set_filter(SessionFilter(zone="no_zone"))
    filtered = [model.session_id(r) for r in range(model.rowCount())]
    model.close()
    assert stored == {1: "inconclusive", 2: NO_ZONE} and filtered == [2]
    assert shown == {1: "inconclusive", 2: "no zone"}  # a short word in a column; the result page says why
    assert zone_text(NO_ZONE) != zone_text("inconclusive")


def test_the_zone_filter_offers_no_zone_in_the_readers_language(qtbot, users):
    _scored_sessions(users.db_path)
    window = open_workspace(qtbot, users, "rosa", "researcher")
    view = window.screens["sessions"]
    index = view.zone.findData(NO_ZONE)
    assert index == view.zone.findData("inconclusive") + 1
    assert view.zone.itemText(index) == "no zone"
    view.zone.setCurrentIndex(index)
    view.apply_filter()
    assert view.model.rowCount() == 1 and view.model.row_dict(0)["zone"] == NO_ZONE
    window.language_actions["fr"].trigger()
    expected = "pas de zone"
    qtbot.waitUntil(lambda: view.zone.itemText(index) == expected, timeout=5000)
    window.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: view.zone.itemText(index) == "no zone", timeout=5000)
    window.close()
