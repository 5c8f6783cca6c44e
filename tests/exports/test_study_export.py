"""Whole-study exports: every table (even empty), raw signals, the dictionary, FHIR, permissions."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from enose.cli import cli
from enose.exports import ExportError, export_study
from enose.exports.dictionary import DICTIONARY, columns
from enose.exports.fhir import validate
from enose.security import PermissionDenied, User, enrol
from enose.storage import Store
from enose.storage.store import utc_now
from tests.sync.conftest import LAYOUT, write_sessions

RESEARCHER = User("res1", "researcher")


def _add_results(db: Path) -> None:
    with Store.open(db) as store, store.conn:
        now = utc_now()
        store.conn.execute(
            "INSERT INTO scores (session_id, created_at, operator, model_id, model_sha256, software_version,"
            " processing_version, probability, interval_low, interval_high, zone)"
            " VALUES (1, ?, 'Dr Martin', 'demo-1', 'abc123', '0.1.0', 'p1', 0.31, 0.2, 0.4, 'orange')",
            (now,),
        )
        store.conn.execute(
            "INSERT INTO scores (session_id, created_at, software_version, processing_version, zone, qc_reasons)"
            " VALUES (2, ?, '0.1.0', 'p1', 'blocked', ?)",
            (now, json.dumps([{"code": "flow", "severity": "block", "message": "no breath flow"}])),
        )
        store.conn.execute(
            "INSERT INTO labels (subject_code, cancer, source, entered_by, entered_at) VALUES ('LIL-0000', 1, 'MDT', 'Dr Martin', ?)",
            (now,),
        )
        store.conn.execute(
            "INSERT INTO feature_cache (session_id, processing_version, names, \"values\", computed_at) VALUES (1, 'p1', ?, ?, ?)",
            (json.dumps(["a", "b"]), np.array([1.5, -2.0], "<f8").tobytes(), now),
        )
        store.conn.execute(
            "INSERT INTO qc_results (session_id, processing_version, passed, reasons, computed_at) VALUES (1, 'p1', 1, '[]', ?)",
            (now,),
        )


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_csv_export_with_empty_result_tables_has_every_table_and_column(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 3)
    out = tmp_path / "export"
    with Store.open(db) as store:
        summary = export_study(store, out, "csv", RESEARCHER)
    assert summary["rows"] == {"subjects": 3, "sessions": 3, "qc_results": 0, "features": 0, "scores": 0, "labels": 0}
    for table in DICTIONARY:
        header, rows = _read_csv(out / f"{table}.csv")
        assert header == columns(table)
        assert len(rows) == summary["rows"][table]
    _, dictionary = _read_csv(out / "data_dictionary.csv")
    described = {(r["table"], r["column"]) for r in dictionary}
    assert all((t, c) in described for t in DICTIONARY for c in columns(t))
    assert all(r["description"] for r in dictionary)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in out.rglob("*") if p.is_file())


def test_raw_signals_round_trip_exactly_and_staff_names_are_pseudonyms(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    _add_results(db)
    out = tmp_path / "export"
    with Store.open(db) as store:
        export_study(store, out, "csv", RESEARCHER)
        recording = store.load_recording(1)
    _, sessions = _read_csv(out / "sessions.csv")
    header, raw = _read_csv(out / sessions[0]["raw_file"])
    assert header == ["t", "device_seq", "device_t_ms", "flags", *LAYOUT.names]
    values = np.array([[float(r[n]) for n in LAYOUT.names] for r in raw], dtype=np.float32)
    assert values.tobytes() == recording.values.tobytes()
    text = "".join(p.read_text() for p in out.rglob("*.csv"))
    assert "Dr Martin" not in text and "tech1" not in text
    _, scores = _read_csv(out / "scores.csv")
    assert scores[0]["operator"].startswith("staff-")
    _, labels = _read_csv(out / "labels.csv")
    assert labels[0]["entered_by"] == scores[0]["operator"] and labels[0]["current"] == "1"
    _, features = _read_csv(out / "features.csv")
    assert [(f["feature"], float(f["value"])) for f in features] == [("a", 1.5), ("b", -2.0)]


def test_parquet_export_has_typed_tables_even_when_empty(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    out = tmp_path / "export"
    with Store.open(db) as store:
        export_study(store, out, "parquet", RESEARCHER)
        recording = store.load_recording(2)
    scores = pq.read_table(out / "scores.parquet")
    assert scores.num_rows == 0 and scores.column_names == columns("scores")
    assert str(scores.schema.field("probability").type) == "double"
    sessions = pq.read_table(out / "sessions.parquet").to_pylist()
    raw = pq.read_table(out / sessions[1]["raw_file"])
    assert raw.column("mox1").to_numpy().tobytes() == recording.values[:, 2].tobytes()


def test_fhir_bundle_has_an_observation_per_score_with_device_and_model(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    _add_results(db)
    out = tmp_path / "fhir"
    with Store.open(db) as store:
        summary = export_study(store, out, "fhir", RESEARCHER)
    bundle = json.loads((out / "bundle.json").read_text())
    validate(bundle)
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert summary["observations"] == len(observations) == 2
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    given = next(o for o in observations if o["status"] == "final")
    assert given["valueQuantity"]["value"] == 0.31
    assert urls[given["device"]["reference"]]["serialNumber"] == "EN-0007"
    assert urls[given["extension"][0]["valueReference"]["reference"]]["deviceName"][0]["name"] == "demo-1"
    blocked = next(o for o in observations if o["status"] == "cancelled")
    assert "no breath flow" in blocked["dataAbsentReason"]["text"]
    assert given["subject"]["identifier"]["value"].startswith("subj-")  # a keyed pseudonym, not the clinic code


def test_an_invalid_fhir_resource_is_refused_by_the_validator():
    with pytest.raises(ValueError):
        validate({"resourceType": "Bundle", "type": "collection",
                  "entry": [{"resource": {"resourceType": "Observation", "status": "final", "valueQuantity": "high"}}]})  # fmt: skip


def test_roles_and_reidentification_keys_never_exported(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store:
        enrol(store, User("c1", "clinician"), "HOSP-998877", "LIL")
        with pytest.raises(PermissionDenied):
            export_study(store, tmp_path / "t", "csv", User("t1", "technician"))
        with pytest.raises(PermissionDenied, match="export identified"):
            export_study(store, tmp_path / "r", "csv", RESEARCHER, pseudonymous=False)
        export_study(store, tmp_path / "ok", "csv", RESEARCHER)
        audited = store.conn.execute("SELECT actor FROM audit_log WHERE action = 'export'").fetchall()
    assert not (tmp_path / "t").exists()
    assert "998877" not in "".join(p.read_text() for p in (tmp_path / "ok").rglob("*.csv"))
    assert audited == [("res1",)]


def test_missing_pyarrow_gives_a_clear_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    db = tmp_path / "site.db"
    write_sessions(db, 1)
    with Store.open(db) as store, pytest.raises(ExportError, match=r"enose\[parquet\]"):
        export_study(store, tmp_path / "out", "parquet", RESEARCHER)
    assert not (tmp_path / "out").exists()


def test_cli_study_export_and_the_single_session_export_both_work(tmp_path):
    db = tmp_path / "site.db"
    write_sessions(db, 2)
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "study", "--out", str(tmp_path / "e"), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"]["sessions"] == 2
    single = runner.invoke(cli, ["export", "--session", "1", "--format", "npz", "--out", str(tmp_path / "s.npz"),
                                 "--db", str(db), "--json"])  # fmt: skip
    assert single.exit_code == 0, single.output
    assert json.loads(single.output)["samples"] == 200
    missing = runner.invoke(cli, ["export", "--db", str(db)])
    assert missing.exit_code == 2 and "--session" in missing.output
    helped = runner.invoke(cli, ["export", "--help"])
    assert "--session" in helped.output and "export study" in helped.output
