"""The core's session browser: one status rule, paging by key, results only for roles that may read them."""

from __future__ import annotations

import pytest

from enose.browse import SessionFilter, browse_sessions, count_sessions, device_serials, filter_values
from enose.labels import add_label
from enose.security import PermissionDenied, User
from enose.storage import Store
from tests.sync.conftest import write_sessions

RESEARCHER, TECHNICIAN = User("r", "researcher"), User("t", "technician")


@pytest.fixture
def store(db_path):
    write_sessions(db_path, 5)
    with Store.open(db_path) as opened:
        add_label(opened, User("c", "clinician"), subject_code="LIL-0001", cancer=True, histology=None, stage=None,
                  diagnosis_date=None, source="pathology")  # fmt: skip
        yield opened


def test_pages_by_key_newest_first(store):
    first = browse_sessions(store, RESEARCHER, limit=2)
    rest = browse_sessions(store, RESEARCHER, after_id=first[-1].id, limit=10)
    assert [r.id for r in first + rest] == [5, 4, 3, 2, 1]
    assert count_sessions(store, RESEARCHER) == 5


def test_results_are_blank_and_unfilterable_for_a_technician(store):
    assert [r.label for r in browse_sessions(store, RESEARCHER)] == [None, None, None, 1, None]
    assert all(r.label is None and r.qc is None and r.zone is None for r in browse_sessions(store, TECHNICIAN))
    with pytest.raises(PermissionDenied, match="read results"):
        browse_sessions(store, TECHNICIAN, SessionFilter(label="cancer"))
    assert [r.id for r in browse_sessions(store, RESEARCHER, SessionFilter(label="cancer"))] == [2]
    with pytest.raises(PermissionDenied):
        browse_sessions(store, User("x", "nobody"))


def test_filter_values_are_parameters_and_checked(store):
    assert filter_values(store, RESEARCHER, "site") == ["LIL"]
    assert device_serials(store, TECHNICIAN) == ["EN-0007"]
    with pytest.raises(ValueError):
        filter_values(store, RESEARCHER, "subject_code; DROP TABLE sessions")
    with pytest.raises(ValueError, match="unknown filter value"):
        browse_sessions(store, RESEARCHER, SessionFilter(zone="purple"))
    assert browse_sessions(store, RESEARCHER, SessionFilter(site="LIL' OR '1'='1")) == []


def test_the_label_in_force_is_found_by_index_not_by_scanning_every_label(store):
    """The browser's diagnosis column asks the view current_labels, per session shown, whether a label is
    superseded: without an index on labels.supersedes that scanned every label (2.0 s for a first page of
    100,000 sessions; 1.6 ms with it, ``scripts/bench.py central``)."""
    from enose.browse import LABEL_EXPR

    plan = [row[3] for row in store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT s.id, {LABEL_EXPR} FROM sessions s ORDER BY s.id DESC LIMIT 200")]  # fmt: skip
    assert not [step for step in plan if step.startswith("SCAN") and step != "SCAN s"], plan
    assert any("labels_supersedes" in step for step in plan), plan
