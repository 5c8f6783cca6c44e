"""A researcher browses sessions (paged Qt model over SQLite), enters diagnoses and exports."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex

from enose.recording import ChannelLayout
from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer
from firmware_protocol.emulator.config import channel_layout
from gui import accounts
from gui.session_model import SessionFilter, SessionTableModel
from gui.workers import ScreeningJob

from .conftest import PASSWORD, open_workspace


@pytest.fixture
def recorded(users):
    """Two screenings of two subjects recorded on the emulator, long enough for the quality gate (about 6 s)."""
    from enose.acquisition import ScreeningProtocol

    config = EmulatorConfig(speed=40.0)
    protocol = ScreeningProtocol(baseline_s=30.0, breath_s=60.0, purge_s=10.0)
    with EmulatorServer(config) as server:
        for code in ("LIL-0001", "LIL-0002"):
            claire = accounts.Account("claire", "clinician")
            job = ScreeningJob(users.db_path, server.path, protocol, claire, subject_code=code,
                               risk_factors={"age_years": 60}, site="LILLE")  # fmt: skip
            outcome = job(lambda event: None)
            assert outcome.status == "complete"
    return users


def select_row(view, row: int) -> None:
    index = view.model.index(row, 0)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectionModel().select(index, flags)


def test_browse_label_and_export(qtbot, recorded, tmp_path):
    context = recorded
    admin = accounts.authenticate(context.db_path, "admin", PASSWORD)
    accounts.create_user(context.db_path, "marie", PASSWORD, "clinician", admin)
    # A clinician may open the researcher workspace and enter diagnoses, but not export.
    window = open_workspace(qtbot, context, "marie", "researcher")
    view = window.screens["sessions"]
    assert view.model.rowCount() == 2 and view.count.text() == "Matching sessions: 2"
    assert not view.export_button.isVisible()
    view.site.setCurrentIndex(view.site.findData("LILLE"))
    view.zone.setCurrentIndex(view.zone.findData("green"))
    view.reset_filter()
    assert view.model.rowCount() == 2
    row = next(r for r in range(2) if view.model.row_dict(r)["subject_code"] == "LIL-0001")
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        select_row(view, row)
    detail = view.detail
    assert detail.data["recording"].n_samples > 0
    assert detail.features.rowCount() > 0 and detail.label_button.isEnabled()
    values = {"cancer": True, "histology": "adenocarcinoma", "stage": "IA", "diagnosis_date": "2025-01-15",
              "source": "pathology report", "supersedes": None}  # fmt: skip
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        first = view.enter_label(values)
    # A correction supersedes; the first label stays in the history.
    current = next(label for label in detail.data["labels"] if label["current"])
    assert current["id"] == first
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        second = view.enter_label({**values, "cancer": False, "histology": None, "stage": None,
                                   "source": "MDT", "supersedes": current["id"]})  # fmt: skip
    with Store.open(context.db_path) as store:
        rows = list(store.db.query("SELECT id, cancer, supersedes FROM labels ORDER BY id"))
        in_force = list(store.db.query("SELECT id, cancer FROM current_labels"))
        audit_actions = [r["action"] for r in store.db.query("SELECT action FROM audit_log")]
    assert rows == [{"id": first, "cancer": 1, "supersedes": None}, {"id": second, "cancer": 0, "supersedes": first}]
    assert in_force == [{"id": second, "cancer": 0}]
    assert audit_actions.count("label_added") == 2
    assert [label["current"] for label in detail.data["labels"]] == [True, False]
    view.label.setCurrentIndex(view.label.findData("no_cancer"))
    assert view.model.rowCount() == 1 and view.model.row_dict(0)["subject_code"] == "LIL-0001"
    window.close()

    # The researcher exports the selected sessions with the features table.
    window = open_workspace(qtbot, context, "rosa", "researcher")
    view = window.screens["sessions"]
    assert view.export_button.isVisible() and not view.detail.label_button.isEnabled()
    select_row(view, 0)
    select_row(view, 1)
    assert len(view.selected_ids()) == 2
    with qtbot.waitSignal(view.export_finished, timeout=30_000) as done:
        view.export_selected("npz", str(tmp_path / "out"), features=True)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    ids = sorted(view.selected_ids())
    assert written == sorted([f"session-{i}.npz" for i in ids] + ["features.csv"])
    assert done.args[0]["cancelled"] is False
    table = (tmp_path / "out" / "features.csv").read_text().splitlines()
    assert table[0].startswith("session_id,") and len(table) == 3
    with np.load(tmp_path / "out" / f"session-{ids[0]}.npz") as npz:
        assert npz["values"].shape[0] > 0
    window.close()


def test_session_model_pages_through_many_sessions(gui_context):
    config = EmulatorConfig()
    layout = ChannelLayout(channel_layout(config)[0])
    with Store.open(gui_context.db_path) as store:
        for i in range(450):
            writer = store.create_session(operator="t", layout=layout, period_ms=10, protocol={},
                                          device_serial=None, site="S1" if i % 3 else "S2")  # fmt: skip
            writer.finish("complete" if i % 5 else "aborted")
    model = SessionTableModel(gui_context.db_path, accounts.Account("rosa", "researcher"), page_size=200)
    model.set_filter(SessionFilter())
    assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450 and not model.canFetchMore(QModelIndex())
    ids = [model.session_id(r) for r in range(450)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 450
    model.set_filter(SessionFilter(site="S2"))
    assert model.count() == 150 and model.rowCount() == 150
    model.close()


def test_the_browser_and_the_cli_show_a_crashed_recording_the_same_way(gui_context):
    """One status rule (the core's): a 'running' session whose recording process died is interrupted everywhere."""
    import json
    import subprocess
    import sys

    from click.testing import CliRunner

    from enose.cli import cli

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    config = EmulatorConfig()
    layout = ChannelLayout(channel_layout(config)[0])
    with Store.open(gui_context.db_path) as store:
        writer = store.create_session(operator="t", layout=layout, period_ms=10, protocol={}, site="S1")
        store.conn.execute("UPDATE sessions SET writer_pid = ? WHERE id = ?", (dead.pid, writer.session_id))
        store.conn.commit()
    model = SessionTableModel(gui_context.db_path, accounts.Account("rosa", "researcher"))
    model.set_filter(SessionFilter())
    shown = model.row_dict(0)["status"]
    model.close()
    listed = CliRunner().invoke(cli, ["sessions", "list", "--json", "--db", str(gui_context.db_path)])
    assert listed.exit_code == 0, listed.output
    assert shown == json.loads(listed.output)["sessions"][0]["status"] == "interrupted"
