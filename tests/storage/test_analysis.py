"""Calibration records, QC verdicts and the feature cache."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from enose.recording import ChannelLayout
from enose.storage import Store
from enose.storage.analysis import (
    add_calibration,
    calibrations,
    latest_calibration,
    load_features,
    load_qc,
    save_features,
    save_qc,
)
from firmware_protocol.messages import ChannelInfo

LAYOUT = ChannelLayout((ChannelInfo(1, "mox0", "ohm"), ChannelInfo(1, "mox1", "ohm")))


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as opened:
        opened.upsert_device("SN1", "M", "1.0", 10, LAYOUT)
        yield opened


def test_calibrations_are_append_only_and_latest_passing_is_found(store):
    first = add_calibration(store, device_serial="SN1", kind="zero", operator="tech", channels=["mox0", "mox1"],
                            values=[1e4, float("nan")], passed=True)  # fmt: skip
    add_calibration(store, device_serial="SN1", kind="zero", operator="tech", channels=["mox0", "mox1"],
                    values=[2e4, 3e4], passed=False)  # fmt: skip
    records = calibrations(store, "SN1", "zero")
    assert [r.passed for r in records] == [True, False]
    assert records[0].values == (1e4, None)  # a dead channel is stored as null, not NaN text
    assert latest_calibration(store, "SN1", "zero").id == first
    assert latest_calibration(store, "SN1", "zero", passed_only=False).passed is False
    assert latest_calibration(store, "SN1", "reference") is None
    with pytest.raises(sqlite3.IntegrityError, match="never updated"):
        store.conn.execute("UPDATE calibrations SET passed = 1")


def test_qc_and_features_are_keyed_by_processing_version(store):
    ids = []
    for _ in range(3):
        writer = store.create_session(operator="op", layout=LAYOUT, period_ms=10, protocol={})
        ids.append(writer.session_id)
    save_qc(store, ids[0], "v1", False, [{"code": "few_breaths", "severity": "block"}])
    assert load_qc(store, ids[0], "v1") == {"passed": False, "reasons": [{"code": "few_breaths", "severity": "block"}]}
    assert load_qc(store, ids[0], "v2") is None
    matrix = np.arange(6, dtype=float).reshape(3, 2)
    save_features(store, ids, "v1", ["a", "b"], matrix)
    names, rows = load_features(store, ids, "v1")
    assert names == ["a", "b"] and np.array_equal(np.stack([rows[i] for i in ids]), matrix)
    assert load_features(store, ids, "v2") == (None, {})
    with pytest.raises(ValueError, match="expected"):
        save_features(store, ids, "v1", ["a"], matrix)
