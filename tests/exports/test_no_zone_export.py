"""A score kept for the record only (``scores.no_zone``) in the study export, its dictionary and FHIR."""

from __future__ import annotations

import csv
import json

from enose.exports import export_study
from enose.exports.dictionary import DICTIONARY, columns
from enose.exports.fhir import CODE_SYSTEM, study_bundle
from enose.exports.study import study_tables
from enose.security import User
from enose.storage import Store
from enose.storage.store import utc_now
from tests.sync.conftest import write_sessions

RESEARCHER = User("res1", "researcher")
CODES = '["humidity_not_measured"]'


def _scored(tmp_path):
    """Session 1: a probability kept for the record only; session 2: a sample unlike the training data."""
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    with Store.open(db) as store, store.conn:
        for session_id, ood, no_zone in ((1, 0, CODES), (2, 1, "[]")):
            store.conn.execute(
                "INSERT INTO scores (session_id, created_at, operator, model_id, model_sha256, software_version,"
                " processing_version, probability, interval_low, interval_high, zone, ood, no_zone)"
                " VALUES (?, ?, 'Dr Martin', 'demo-1', 'abc123', '0.1.0', 'p1', 0.31, 0.2, 0.4, 'inconclusive', ?, ?)",
                (session_id, utc_now(), ood, no_zone),
            )
    return db


def test_the_dictionary_describes_no_zone_and_the_export_writes_it(tmp_path):
    db = _scored(tmp_path)
    described = {name: (kind, text) for name, kind, _, text in DICTIONARY["scores"]}
    assert described["no_zone"][0] == "json" and "no zone" in described["no_zone"][1]
    with Store.open(db) as store:
        tables = study_tables(store)
        export_study(store, tmp_path / "out", "csv", RESEARCHER)
    assert [(s["zone"], s["no_zone"]) for s in tables["scores"]] == [("inconclusive", CODES), ("inconclusive", "[]")]
    with open(tmp_path / "out" / "scores.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == columns("scores")
    assert [json.loads(r["no_zone"]) for r in rows] == [["humidity_not_measured"], []]


def test_fhir_interprets_a_score_without_a_zone_as_no_zone(tmp_path):
    db = _scored(tmp_path)
    with Store.open(db) as store:
        bundle = study_bundle(store, study_tables(store))
    codes = [e["resource"]["interpretation"][0]["coding"][0] for e in bundle["entry"]
             if e["resource"]["resourceType"] == "Observation"]  # fmt: skip
    assert [c["code"] for c in codes] == ["no_zone", "inconclusive"]
    assert {c["system"] for c in codes} == {CODE_SYSTEM}
