"""The researcher workspace on the central study database (issue 16, part 2): the same table, filters, detail and
export, read-only, with study pseudonyms; and back to the site's own database."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex

from enose.browse import SessionFilter
from enose.research import CentralSource
from enose.security import User
from enose.storage import Store
from enose.storage.analysis import save_qc
from enose.sync import central, outbox, registry, sync_to_central
from gui import accounts
from gui.session_model import SessionTableModel
from tests.sync.conftest import (  # noqa: F401 - the throwaway PostgreSQL server's fixtures
    _database_of,
    _group_member_dsn,
    _new_database,
    pg_owner,
    pg_server,
    random_public_key,
    role_dsn,
    write_sessions,
)

from .conftest import open_workspace


@pytest.fixture
def researcher_dsn(pg_server, pg_owner, tmp_path):  # noqa: F811 - fixtures imported above
    """Two sites (LIL, BRS) of two sessions each, synced by their own roles; a researcher's DSN."""
    owner = role_dsn(pg_server, pg_owner, _new_database(pg_server, pg_owner))
    with psycopg.connect(owner) as conn:
        central.migrate(conn)
    for prefix, seed in (("LIL", 0), ("BRS", 1)):
        db = tmp_path / f"{prefix}.db"
        write_sessions(db, 2, seed=seed, subject_prefix=prefix)
        with Store.open(db) as store:
            save_qc(store, 1, "p1", False, [{"code": "drift", "severity": "block", "message": "seeded"}])
            role = f"site_{prefix.lower()}_{seed}"
            with psycopg.connect(owner) as conn:
                registry.enrol_site(conn, outbox.site_uuid(store), random_public_key(), site_code=prefix, db_role=role,
                                    enrolled_by="tests")  # fmt: skip
            report = sync_to_central(store, role_dsn(pg_server, role, _database_of(owner)), User("admin1", "admin"))
            assert report.failed == 0
    return _group_member_dsn(pg_server, owner, "researcher", "enose_researcher")


def _select(view, row: int) -> None:
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectionModel().select(view.model.index(row, 0), flags)


def test_the_workspace_browses_and_exports_the_central_database(qtbot, users, researcher_dsn, tmp_path):
    window = open_workspace(qtbot, users, "rosa", "researcher")
    view = window.screens["sessions"]
    assert view.model.rowCount() == 0 and not view.model.is_central  # the site has recorded nothing
    assert view.open_central(researcher_dsn)
    assert view.model.is_central and view.model.rowCount() == 4 and view.count.text() == "Matching sessions: 4"
    assert view.title.text() == "Sessions of the central study database"
    assert {view.site.itemData(i) for i in range(view.site.count())} == {None, "LIL", "BRS"}
    view.site.setCurrentIndex(view.site.findData("BRS"))
    assert view.model.rowCount() == 2
    assert all(view.model.row_dict(r)["subject_code"].startswith("subj-") for r in range(2))
    view.qc.setCurrentIndex(view.qc.findData("failed"))
    assert view.model.rowCount() == 1 and view.model.row_dict(0)["qc"] is False
    view.reset_filter()
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        _select(view, 0)
    detail = view.detail
    assert detail.data["recording"].n_samples == 200 and detail.data["recording"].meta["subject_code"].startswith("subj-")
    assert not detail.label_button.isEnabled() and view.enter_label({"cancer": True}) is None  # entered at the sites
    _select(view, 1)
    with qtbot.waitSignal(view.export_finished, timeout=30_000) as done:
        view.export_selected("csv", str(tmp_path / "out"), features=True)
    ids = sorted(view.selected_ids())
    assert done.args[0]["cancelled"] is False
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [f"session-{i}.csv" for i in ids] + ["features.csv"])  # fmt: skip
    view.use_site()
    assert not view.model.is_central and view.model.rowCount() == 0 and view.central is None
    assert not view.open_central("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert view.count.text().startswith("Cannot open the central database")
    window.close()


def test_the_table_model_pages_the_centre_like_a_site(researcher_dsn):
    with CentralSource.open(researcher_dsn) as source:
        # the site's database path is never opened when a source is given
        model = SessionTableModel(Path("no-such.db"), accounts.Account("rosa", "researcher"), page_size=3, source=source)
        model.set_filter(SessionFilter())
        assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 4 and not model.canFetchMore(QModelIndex()) and model.count() == 4
        started = [model.row_dict(r)["started_at"] for r in range(4)]
        assert started == sorted(started, reverse=True) and len({model.session_id(r) for r in range(4)}) == 4
        assert sorted(model.distinct("site")) == ["BRS", "LIL"] and not Path("no-such.db").exists()
        model.close()
