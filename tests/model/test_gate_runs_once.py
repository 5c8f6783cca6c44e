"""A screening runs the quality gate once: scoring reuses the verdict ``session_qc`` just stored."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import enose.signal
from enose.model.features import analyse_recordings, processing_version, session_features_and_qc
from enose.screening import score_summary
from enose.security import User
from enose.storage import Store
from enose.storage.analysis import load_features

STAFF = User("clinician1", "clinician")


@pytest.fixture
def gate_calls(monkeypatch):
    """Counts the quality gate's runs (the core imports it from ``enose.signal`` at call time)."""
    calls = []
    real = enose.signal.quality_gate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(enose.signal, "quality_gate", counting)
    return calls


def _fresh_copy(cohort_db, dataset, tmp_path):
    """A copy of the cohort whose first passing session has neither QC verdict nor features cached."""
    path = tmp_path / "copy.db"
    shutil.copy(cohort_db[0], path)
    sid = int(dataset[0].session_id[0])
    with Store.open(path) as store, store.conn:
        store.conn.execute("DELETE FROM qc_results WHERE session_id = ?", (sid,))
        store.conn.execute("DELETE FROM feature_cache WHERE session_id = ?", (sid,))
    return path, sid


def test_a_screening_scores_with_one_run_of_the_gate(cohort_db, dataset, model_dir, tmp_path, gate_calls):
    path, sid = _fresh_copy(cohort_db, dataset, tmp_path)
    with Store.open(path) as store:
        summary = score_summary(store, sid, "complete", model_dir, STAFF)
        names, rows = load_features(store, [sid], processing_version())
    assert summary["score"]["given"] and summary["qc"]["passed"]
    assert len(gate_calls) == 1  # session_qc ran it; scoring reused the stored verdict
    assert sid in rows and names  # the features were still computed and cached


def test_features_from_a_stored_verdict_equal_the_full_analysis(cohort_db, dataset, tmp_path, gate_calls):
    path, sid = _fresh_copy(cohort_db, dataset, tmp_path)
    with Store.open(path) as store:
        rec = store.load_recording(sid)
        (full,) = analyse_recordings([rec], store)
        assert len(gate_calls) == 1
        (reused,) = analyse_recordings([rec], store, known_reasons=[full.reasons])
        assert len(gate_calls) == 1  # not run again
        cached = session_features_and_qc(store, rec)  # no verdict stored yet: gate runs, both are stored
        assert len(gate_calls) == 2
    assert reused.names == full.names and reused.reasons == full.reasons and not reused.blocked
    np.testing.assert_array_equal(reused.features, full.features)
    np.testing.assert_array_equal(cached.features, full.features)


def test_a_stored_blocking_verdict_is_not_recomputed(cohort_db, tmp_path, gate_calls):
    path = tmp_path / "copy.db"
    shutil.copy(cohort_db[0], path)
    with Store.open(path) as store:
        failed = store.conn.execute("SELECT session_id FROM qc_results WHERE passed = 0 LIMIT 1").fetchone()[0]
        result = session_features_and_qc(store, store.load_recording(failed))
    assert result.blocked and result.features is None and result.reasons
    assert gate_calls == []


def test_known_reasons_must_match_the_recordings(cohort_db, dataset):
    with Store.open(cohort_db[0]) as store:
        rec = store.load_recording(int(dataset[0].session_id[0]))
        with pytest.raises(ValueError, match="known reasons"):
            analyse_recordings([rec], store, known_reasons=[[], []])
