"""Persistence (skops + SHA-256 + allow-list), refusal of other layouts, and stored scores."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import skops.io as sio

from enose.model import ModelIntegrityError, ModelMismatchError, load_model, score_features, score_session
from enose.model.artifact import TRUSTED_TYPES
from enose.recording import ChannelLayout
from enose.security import User
from enose.storage import SampleBlock, Store

STAFF = User("clinician1", "clinician")  # an account the core accepts for scoring

def test_round_trip_predicts_the_same(model_dir, trained, dataset):
    model, _ = trained
    ds, _ = dataset
    loaded = load_model(model_dir)
    np.testing.assert_allclose(loaded.predict_proba(ds.X[:10]), model.pipeline.predict_proba(ds.X[:10])[:, 1])
    assert loaded.model_id.startswith("tiny-") and len(loaded.sha256) == 64
    card = json.loads((model_dir / "card.json").read_text())
    assert card["sha256"] == loaded.sha256 and "NOT FOR CLINICAL USE" in card["not_for_clinical_use"]
    assert "NOT FOR CLINICAL USE" in (model_dir / "card.md").read_text()


def test_a_modified_file_fails_its_hash(model_dir, tmp_path):
    copy = tmp_path / "tampered"
    shutil.copytree(model_dir, copy)
    data = bytearray((copy / "model.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "model.skops").write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        load_model(copy)


def test_a_missing_hash_file_is_refused(model_dir, tmp_path):
    copy = tmp_path / "nohash"
    shutil.copytree(model_dir, copy)
    (copy / "model.sha256").unlink()
    with pytest.raises(ModelIntegrityError, match="integrity"):
        load_model(copy)


class Gadget:
    """Stands for any class a crafted model file could name (it would be built on load)."""

    def __init__(self) -> None:
        self.armed = True


def test_types_outside_the_allow_list_are_refused(tmp_path):
    import hashlib

    out = tmp_path / "evil"
    out.mkdir()
    data = sio.dumps({"format_version": 1, "thing": Gadget()})
    (out / "model.skops").write_bytes(data)
    (out / "model.sha256").write_text(hashlib.sha256(data).hexdigest() + "  model.skops\n")
    untrusted = set(sio.get_untrusted_types(data=data))
    assert untrusted - set(TRUSTED_TYPES)  # the file does hold something not on our list
    with pytest.raises(ModelIntegrityError, match="allow-list"):
        load_model(out)


def test_features_and_layout_mismatch_are_refused(model_dir, dataset):
    ds, _ = dataset
    model = load_model(model_dir)
    other = [dict(c) for c in model.layout]
    other[0]["name"] = "mox99"
    with pytest.raises(ModelMismatchError, match="channels"):
        score_features(model, ds.X[0, : len(ds.feature_names)], ds.feature_names, layout=other)
    with pytest.raises(ModelMismatchError, match="expects"):
        score_features(model, ds.X[0, :3], ds.feature_names[:3], layout=model.layout)


def test_score_features_gives_probability_interval_zone_and_words(model_dir, dataset):
    ds, _ = dataset
    model = load_model(model_dir)
    k = len(ds.feature_names)
    result = score_features(model, ds.X[0, :k], ds.feature_names, ds.X[0, k:], layout=model.layout)
    assert 0 <= result["interval"][0] <= result["interval"][1] <= 1
    assert result["zone"] in {"green", "orange", "red", "inconclusive"}
    assert result["explanation"] and all(
        ("raises" in e["text"]) or ("lowers" in e["text"]) for e in result["explanation"]
    )
    far = ds.X[0].copy()
    far[:k] = far[:k] * 50  # a breath nothing like the training data
    assert score_features(model, far[:k], ds.feature_names, far[k:], layout=model.layout)["zone"] == "inconclusive"


def test_score_session_stores_the_score_with_versions(model_dir, cohort_db, dataset):
    path, _ = cohort_db
    ds, _ = dataset
    model = load_model(model_dir)
    with Store.open(path) as store:
        result = score_session(store, int(ds.session_id[0]), model, user=User("test", "admin"))
        row = dict(next(iter(store.db.query("SELECT * FROM scores WHERE id = ?", [result["score_id"]]))))
    assert row["model_id"] == model.model_id and row["model_sha256"] == model.sha256
    assert row["software_version"] and row["processing_version"] == model.processing_version
    assert row["zone"] == result["zone"] and row["probability"] == pytest.approx(result["probability"])
    assert json.loads(row["explanation"]) == result["explanation"]


def test_blocked_session_is_stored_without_a_probability(model_dir, cohort_db):
    path, summary = cohort_db
    model = load_model(model_dir)
    with Store.open(path) as store:
        failed = store.db.execute("SELECT session_id FROM qc_results WHERE passed = 0 LIMIT 1").fetchone()
        assert failed is not None and summary["n_failed"] > 0
        result = score_session(store, failed[0], model, user=STAFF)
        row = dict(next(iter(store.db.query("SELECT * FROM scores WHERE id = ?", [result["score_id"]]))))
    assert result["zone"] == "blocked" and result["probability"] is None and result["reason"]
    assert row["probability"] is None and row["model_id"] is None and json.loads(row["qc_reasons"])


def test_a_session_from_another_layout_is_refused_not_scored(model_dir, tmp_path):
    from firmware_protocol.messages import ChannelInfo, ChannelKind

    model = load_model(model_dir)
    layout = ChannelLayout(tuple(ChannelInfo(int(ChannelKind.MOX), f"s{i}", "ohm") for i in range(4)))
    with Store.open(tmp_path / "other.db") as store:
        writer = store.create_session(operator="t", layout=layout, period_ms=100, protocol={})
        n = 50
        writer.append(SampleBlock(np.arange(n) * 0.1, np.arange(n, dtype=np.uint16), np.arange(n, dtype=np.uint32),
                                  np.zeros(n, np.uint16), np.ones((n, 4), np.float32)))  # fmt: skip
        writer.finish("complete")
        with pytest.raises(ModelMismatchError, match="4 \\(s0"):
            score_session(store, writer.session_id, model, user=STAFF)
        assert store.db.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 0


def test_a_score_from_a_unit_outside_training_carries_a_caution(model_dir, cohort_db, dataset, trained):
    """The locked site's units were never seen in training: their scores say so; a training unit's do not."""
    path, _ = cohort_db
    ds, _ = dataset
    _, report = trained
    model = load_model(model_dir)
    locked_units = set(report["locked"]["devices"])
    assert locked_units and not locked_units & set(model.training_units)
    seen = next(i for i, d in enumerate(ds.device) if d in model.training_units)
    unseen = next(i for i, d in enumerate(ds.device) if d in locked_units)
    with Store.open(path) as store:
        known = score_session(store, int(ds.session_id[seen]), model, user=STAFF)
        new = score_session(store, int(ds.session_id[unseen]), model, user=STAFF)
    assert known["unit_in_training"] is True and known["caution"] is None
    assert new["unit_in_training"] is False and ds.device[unseen] in new["caution"]


def test_a_recording_shorter_than_the_training_protocol_gets_no_zone(model_dir, tmp_path):
    """The tiny model was trained on 20-s purges; after a 12-s one the score is kept for the record but not zoned."""
    from enose.model import CohortParams, simulate_cohort
    from tests.model.conftest import SMALL

    model = load_model(model_dir)
    assert model.training_phase_durations["purge"] == pytest.approx(SMALL["purge_s"], rel=0.05)
    short = {**SMALL, "purge_s": 12.0, "n_subjects": 4, "n_sites": 1, "n_devices": 1, "p_failed": 0.0}
    summary = simulate_cohort(tmp_path / "short.db", CohortParams(seed=12, **short))
    with Store.open(tmp_path / "short.db") as store:
        result = score_session(store, summary["session_ids"][0], model, user=STAFF)
        stored = store.db.execute("SELECT zone FROM scores WHERE id = ?", [result["score_id"]]).fetchone()[0]
    assert result["zone"] == stored == "inconclusive"
    assert result["protocol_mismatch"]["phase"] == "purge" and result["protocol_mismatch"]["seconds"] == 12.0
    assert result["probability"] is not None


def test_a_recording_with_the_training_protocol_has_no_mismatch(model_dir, cohort_db, dataset):
    path, _ = cohort_db
    ds, _ = dataset
    with Store.open(path) as store:
        result = score_session(store, int(ds.session_id[0]), load_model(model_dir), user=STAFF)
    assert result["protocol_mismatch"] is None
