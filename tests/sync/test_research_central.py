"""The centre as a research workspace (issue 16): browse, train, evaluate and export from the central database.

One simulated cohort of four sites is written as one merged SQLite file (what a single
site holding everything would have) and as four site databases, each synced by its own
enrolled role; a researcher's role then reads the pooled data through the research views
only. Four sites rather than three so that training also locks a site away.

* ``train --central`` gives exactly the out-of-fold AUC, thresholds and locked site of
  ``train --db merged.db`` (same seed), and its card names the sites, units and audit anchors;
* ``export study --central`` is the union of the four site exports, up to the pseudonyms;
* ``sessions list --central`` pages and filters as the site's browser does;
* no path a researcher has returns a staff name or a site's own subject code.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import sqlite3
import uuid
from pathlib import Path

import numpy as np
import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from enose.browse import SessionFilter, SessionRow, browse_sessions
from enose.cli import cli
from enose.labels import add_label
from enose.model import CohortParams, dataset_from_store, simulate_cohort
from enose.research import CentralResearchError, CentralSource
from enose.security import User, audit
from enose.security.pseudonyms import keyed_pseudonym, load_site_secret
from enose.security.signin import installation_owner
from enose.storage import Store
from enose.sync import central, outbox, registry, sync_to_central
from tests.sync.conftest import _database_of, _group_member_dsn, _new_database, random_public_key, role_dsn

ADMIN = User("admin1", "admin")
CLINICAL = ["age_years", "pack_years", "copd"]
COHORT = CohortParams(seed=11, n_subjects=100, n_sites=4, n_devices=5, breath_s=60.0, baseline_s=30.0, purge_s=20.0,
                      period_ms=200)  # fmt: skip
FAST = ["--candidates", "logreg,plsda", "--bootstrap", "2", "--ci-rounds", "50", "--permutations", "0", "--no-progress",
        "--clinical", ",".join(CLINICAL), "--json"]  # fmt: skip
STAFF = ("Dr Secret", "Nurse Hidden", "simulator")

#: What a site database holds of its own site, copied from the merged cohort with the local ids kept.
SITE_ROWS = {
    "subjects": "site = :site",
    "sessions": "site = :site",
    "devices": "serial IN (SELECT device_serial FROM src.sessions WHERE site = :site)",
    "sample_chunks": "session_id IN (SELECT id FROM src.sessions WHERE site = :site)",
    "events": "session_id IN (SELECT id FROM src.sessions WHERE site = :site)",
    "phases": "session_id IN (SELECT id FROM src.sessions WHERE site = :site)",
    "labels": "subject_code IN (SELECT code FROM src.subjects WHERE site = :site)",
    "calibrations": "device_serial IN (SELECT device_serial FROM src.sessions WHERE site = :site)",
    "qc_results": "session_id IN (SELECT id FROM src.sessions WHERE site = :site)",
    "feature_cache": "session_id IN (SELECT id FROM src.sessions WHERE site = :site)",
}


def split_site(merged: Path, site: str, target: Path) -> Path:
    """A new site database holding ``site``'s rows of the merged cohort (same ids, uuids, times, bytes)."""
    Store.open(target).close()
    conn = sqlite3.connect(target)
    conn.execute("ATTACH DATABASE ? AS src", (str(merged),))
    with conn:
        for table, where in SITE_ROWS.items():
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table} WHERE {where}", {"site": site})
    conn.execute("DETACH DATABASE src")
    conn.close()
    with Store.open(target) as store:
        audit.record(store, "tests", "import", "cohort", site, how="split from the simulated cohort")
    return target


@pytest.fixture(scope="module")
def pooled(pg_server, pg_owner, tmp_path_factory):
    """The merged cohort, its four site databases synced by their own roles, and a researcher's DSN."""
    work = tmp_path_factory.mktemp("pooled")
    merged = work / "merged.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENOSE_DATA_DIR", str(work / "data-merged"))
        cohort = simulate_cohort(merged, COHORT)
        with Store.open(merged) as store:  # QC verdicts and features, as each site has them before it syncs
            dataset_from_store(store, user=installation_owner(store), clinical=CLINICAL)
        result = CliRunner().invoke(cli, ["features", "--db", str(merged), "--out", str(work / "f.csv"), "--no-progress"])
        assert result.exit_code == 0, result.output
        owner_dsn = role_dsn(pg_server, pg_owner, _new_database(pg_server, pg_owner))
        with psycopg.connect(owner_dsn) as conn:
            central.migrate(conn)
        sites = {}
        for site in cohort["sites"]:
            data_dir = work / f"data-{site}"
            mp.setenv("ENOSE_DATA_DIR", str(data_dir))
            db = split_site(merged, site, work / f"{site}.db")
            with Store.open(db) as store:
                site_uuid = outbox.site_uuid(store)
                if site == "SITE1":  # named staff, a score and a corrected label (same diagnosis): none may leak
                    code = store.conn.execute("SELECT code FROM subjects ORDER BY code LIMIT 1").fetchone()[0]
                    cancer = store.conn.execute("SELECT cancer FROM current_labels WHERE subject_code = ?",
                                                (code,)).fetchone()[0]  # fmt: skip
                    first = store.conn.execute("SELECT id FROM current_labels WHERE subject_code = ?", (code,)).fetchone()[0]
                    add_label(store, User("Dr Secret", "clinician"), subject_code=code, cancer=bool(cancer),
                              histology=None, stage=None, diagnosis_date="2025-01-02", source="MDT", supersedes=first)  # fmt: skip
                    session = store.conn.execute("SELECT id FROM sessions WHERE subject_code = ?", (code,)).fetchone()[0]
                    with store.conn:
                        store.conn.execute("INSERT INTO scores (session_id, created_at, operator, software_version,"
                                           " processing_version, probability, zone) VALUES (?, '2025-01-03T10:00:00.000"
                                           "+00:00', 'Nurse Hidden', '0.1.0', 'p1', 0.7, 'red')", (session,))  # fmt: skip
            role = f"site_{site.lower()}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(owner_dsn) as conn:
                registry.enrol_site(conn, site_uuid, random_public_key(), site_code=site, db_role=role,
                                    enrolled_by="tests")  # fmt: skip
            site_dsn = role_dsn(pg_server, role, _database_of(owner_dsn))
            with Store.open(db) as store:
                report = sync_to_central(store, site_dsn, ADMIN)
            assert report.failed == 0 and report.uploaded > 0
            sites[site] = {"db": db, "data_dir": data_dir, "uuid": site_uuid, "dsn": site_dsn}
    researcher = _group_member_dsn(pg_server, owner_dsn, "researcher", "enose_researcher")
    superuser = f"{pg_server}/{_database_of(owner_dsn)}"
    return {"work": work, "merged": merged, "merged_data": work / "data-merged", "sites": sites,
            "owner": owner_dsn, "superuser": superuser, "researcher": researcher, "cohort": cohort}  # fmt: skip


def _run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _study_pseudonym(key: bytes, site_uuid: str, code: str) -> str:
    """The documented study pseudonym: HMAC-SHA-256(pseudonym key, site uuid bytes || code), 12 hex digits."""
    return "subj-" + hmac.new(key, uuid.UUID(site_uuid).bytes + code.encode(), hashlib.sha256).hexdigest()[:12]


def _pseudonym_key(pooled) -> bytes:
    with psycopg.connect(pooled["superuser"]) as conn:
        return bytes(conn.execute("SELECT key FROM enose.pseudonym_key").fetchone()[0])


# -- training ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(pooled, tmp_path_factory):
    """``(local summary, central summary, directory)``: ``train --db merged.db`` and ``train --central``, same seed."""
    out = tmp_path_factory.mktemp("trained")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENOSE_DATA_DIR", str(pooled["merged_data"]))
        local = json.loads(_run("train", "--db", str(pooled["merged"]), "--out", str(out / "local"), *FAST).output)
        pooled_run = json.loads(_run("train", "--central", pooled["researcher"], "--out", str(out / "central"),
                                     *FAST).output)  # fmt: skip
    return local, pooled_run, out


def test_train_central_equals_training_on_the_merged_database(pooled, trained, tmp_path):
    local, pooled_run, out = trained
    assert pooled_run["oof_auc"] == local["oof_auc"] and pooled_run["chosen"] == local["chosen"]
    # the intervals too: the bootstrap walks subjects by first appearance, not by their codes' spelling
    assert pooled_run["oof_auc_ci"] == local["oof_auc_ci"]
    assert pooled_run["thresholds"] == local["thresholds"]
    assert pooled_run["cv_design"] == local["cv_design"] and "leave-one-site-out" in local["cv_design"]
    for key in ("site", "devices", "n", "auc", "auc_ci"):  # the same site locked away, its units, the same figures
        assert pooled_run["locked"][key] == local["locked"][key]
    assert pooled_run["locked"]["site"] == "SITE4" and (pooled_run["n"], pooled_run["n_cancer"]) == (local["n"],
                                                                                                      local["n_cancer"])  # fmt: skip
    card = json.loads((out / "central" / "card.json").read_text())
    provenance = card["central"]
    assert [s["site_code"] for s in provenance["sites"]] == ["SITE1", "SITE2", "SITE3", "SITE4"]
    assert card["training"]["training_data"]["sites"] == ["SITE1", "SITE2", "SITE3"]  # the fourth is locked away
    assert {u["serial"] for u in provenance["units"]} == set(pooled["cohort"]["devices"])
    assert sum(s["n_sessions"] for s in provenance["sites"]) == provenance["n_sessions"] == local["n"] + local["locked"]["n"]
    with psycopg.connect(pooled["superuser"]) as conn:  # each site's newest anchor, as the centre holds it
        anchors = dict(conn.execute("SELECT DISTINCT ON (site_uuid) site_uuid::text, hash FROM enose.audit_anchors"
                                    " ORDER BY site_uuid, audit_id DESC").fetchall())  # fmt: skip
    assert {s["site_uuid"]: s["audit_anchor"]["hash"] for s in provenance["sites"]} == anchors
    assert provenance["instance_uuid"] and len(provenance["rows_sha256"]) == 64 and provenance["all_simulated"]
    text = (out / "central" / "card.md").read_text()
    assert "## Central study database" in text and anchors[pooled["sites"]["SITE2"]["uuid"]][:16] in text
    # evaluation reads the same pooled data and knows it is the training data
    report = json.loads(_run("evaluate", "--model", str(out / "central"), "--central", pooled["researcher"],
                             "--out", str(tmp_path / "report"), "--ci-rounds", "50", "--no-progress", "--json").output)  # fmt: skip
    assert report["independent_of_training"] is False and report["n"] == provenance["n_sessions"]


def test_the_central_dataset_is_the_merged_one_with_centre_identities(pooled):
    with Store.open(pooled["merged"]) as store:
        local, local_flow = dataset_from_store(store, user=installation_owner(store), clinical=CLINICAL)
        codes = dict(store.conn.execute("SELECT uuid, subject_code FROM sessions"))
    with CentralSource.open(pooled["researcher"]) as source:
        ds, flow = source.dataset(clinical=CLINICAL)
        uuids = {r["id"]: r["uuid"] for r in source.list_sessions()}
    assert flow == local_flow
    assert np.array_equal(ds.X, local.X, equal_nan=True) and np.array_equal(ds.y, local.y)
    assert list(ds.site) == list(local.site) and list(ds.device) == list(local.device)
    assert ds.feature_names == local.feature_names and ds.phase_durations_s == local.phase_durations_s
    key = _pseudonym_key(pooled)
    site_of = {s["uuid"]: s for s in pooled["sites"].values()}
    assert all(subject.startswith("subj-") for subject in ds.subject)
    with psycopg.connect(pooled["superuser"]) as conn:
        site_uuid = dict(conn.execute("SELECT uuid::text, site_uuid::text FROM enose.sessions").fetchall())
    expected = [_study_pseudonym(key, site_uuid[uuids[i]], codes[uuids[i]]) for i in ds.session_id]
    assert list(ds.subject) == expected and set(site_uuid.values()) == set(site_of)


# -- export -----------------------------------------------------------------------------------------

JSON_COLUMNS = {"protocol", "channels", "reasons", "explanation", "qc_reasons"}
TABLES = ("subjects", "sessions", "qc_results", "features", "scores", "labels")


def _table(directory: Path, name: str) -> list[dict]:
    with open(directory / f"{name}.csv", newline="") as handle:
        # JSON is compared as values: PostgreSQL's jsonb keeps them, not the key order or spacing
        return [{k: json.loads(v) if k in JSON_COLUMNS and v else v for k, v in row.items()}
                for row in csv.DictReader(handle)]  # fmt: skip


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_export_study_central_is_the_union_of_the_site_exports(pooled, tmp_path, monkeypatch):
    summary = json.loads(_run("export", "study", "--central", pooled["researcher"], "--out", str(tmp_path / "central"),
                              "--no-progress", "--json").output)  # fmt: skip
    key = _pseudonym_key(pooled)
    union: dict[str, list[dict]] = {name: [] for name in TABLES}
    raw = {}
    for site, info in pooled["sites"].items():
        monkeypatch.setenv("ENOSE_DATA_DIR", str(info["data_dir"]))
        _run("export", "study", "--db", str(info["db"]), "--out", str(tmp_path / site), "--no-progress")
        secret = load_site_secret()
        with Store.open(info["db"]) as store:
            codes = [r[0] for r in store.conn.execute("SELECT code FROM subjects")]
            names = {r[0] for r in store.conn.execute("SELECT operator FROM sessions UNION SELECT entered_by FROM labels"
                                                      " UNION SELECT operator FROM scores")}  # fmt: skip
        # the site's pseudonyms (keyed by its own secret) -> the study's (keyed by the centre's)
        subjects = {keyed_pseudonym(secret, "subject", c, "subj-"): _study_pseudonym(key, info["uuid"], c) for c in codes}
        staff = {}
        for name in names - {None}:
            at_site = keyed_pseudonym(secret, "staff", name, "staff-")
            staff[at_site] = "staff-" + hashlib.sha256(key + at_site.encode()).hexdigest()[:12]
        for name in TABLES:
            for row in _table(tmp_path / site, name):
                if row.get("subject_code"):
                    row["subject_code"] = subjects[row["subject_code"]]
                for column in ("operator", "entered_by"):
                    if row.get(column):
                        row[column] = staff[row[column]]
                union[name].append(row)
        raw.update({f.name: f.read_bytes() for f in (tmp_path / site / "raw").iterdir()})
    for name in TABLES:
        pooled_rows = _table(tmp_path / "central", name)
        assert len(pooled_rows) == summary["rows"][name] == len(union[name]), name
        assert _canonical(pooled_rows) == _canonical(union[name]), name
    assert summary["rows"]["scores"] == 1 and sum(r["current"] == "0" for r in union["labels"]) == 1
    central_raw = {f.name: f.read_bytes() for f in (tmp_path / "central" / "raw").iterdir()}
    assert central_raw == raw and len(raw) == summary["rows"]["sessions"]  # byte for byte
    assert (tmp_path / "central" / "data_dictionary.csv").read_bytes() == (tmp_path / "SITE1" / "data_dictionary.csv").read_bytes()


def test_export_study_central_as_parquet_and_fhir(pooled, tmp_path):
    pyarrow = pytest.importorskip("pyarrow.parquet")
    _run("export", "study", "--central", pooled["researcher"], "--out", str(tmp_path / "csv"), "--no-raw",
         "--no-progress")  # fmt: skip
    _run("export", "study", "--central", pooled["researcher"], "--out", str(tmp_path / "pq"), "--format", "parquet",
         "--no-raw", "--no-progress")  # fmt: skip
    labels = pyarrow.read_table(tmp_path / "pq" / "labels.parquet").to_pylist()
    assert len(labels) == len(_table(tmp_path / "csv", "labels"))
    assert {r["subject_code"] for r in labels} == {r["subject_code"] for r in _table(tmp_path / "csv", "labels")}
    fhir = json.loads(_run("export", "study", "--central", pooled["researcher"], "--out", str(tmp_path / "fhir"),
                           "--format", "fhir", "--json").output)  # fmt: skip
    assert fhir["observations"] == 1
    bundle = json.loads((tmp_path / "fhir" / "bundle.json").read_text())
    (observation,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert observation["subject"]["identifier"]["value"].startswith("subj-")
    refused = CliRunner().invoke(cli, ["export", "study", "--central", pooled["researcher"], "--identified",
                                       "--out", str(tmp_path / "x")])  # fmt: skip
    assert refused.exit_code == 2 and "--identified" in refused.output


# -- browsing ---------------------------------------------------------------------------------------


def _uuids(rows) -> list[str]:
    return [r["uuid"] for r in rows]


def test_sessions_list_central_pages_and_filters_as_the_sites_browser(pooled, monkeypatch):
    env = {"ENOSE_CENTRAL_DSN": pooled["researcher"]}
    everything = json.loads(_run("sessions", "list", "--central", "--json", env=env).output)["sessions"]
    assert len(everything) == pooled["cohort"]["n_sessions"] + len(pooled["cohort"]["devices"])  # + calibrations
    assert [r["started_at"] for r in everything] == sorted((r["started_at"] for r in everything), reverse=True)
    pages, after = [], None
    while True:
        args = ["sessions", "list", "--central", "--limit", "17", "--json"] + (["--after", str(after)] if after else [])
        page = json.loads(_run(*args, env=env).output)
        pages += page["sessions"]
        after = page["next_after"]
        if after is None:
            break
    assert _uuids(pages) == _uuids(everything)
    monkeypatch.setenv("ENOSE_DATA_DIR", str(pooled["merged_data"]))
    for extra in (["--site", "SITE2"], ["--qc", "failed"], ["--qc", "passed", "--label", "cancer"],
                  ["--device", pooled["cohort"]["devices"][0]], ["--kind", "calibration"], ["--label", "none"],
                  ["--site", "SITE3", "--label", "no_cancer"]):  # fmt: skip
        pooled_rows = json.loads(_run("sessions", "list", "--central", *extra, "--json", env=env).output)["sessions"]
        local = json.loads(_run("sessions", "list", "--db", str(pooled["merged"]), *extra, "--json").output)["sessions"]
        assert sorted(_uuids(pooled_rows)) == sorted(_uuids(local)) and pooled_rows, extra
    first, last = everything[-1]["started_at"][:10], everything[0]["started_at"][:10]
    assert len(json.loads(_run("sessions", "list", "--central", "--from", first, "--until", last, "--json",
                               env=env).output)["sessions"]) == len(everything)  # fmt: skip
    assert json.loads(_run("sessions", "list", "--central", "--until", "2001-01-01", "--json", env=env).output) == {
        "sessions": []}  # fmt: skip
    red = json.loads(_run("sessions", "list", "--central", "--zone", "red", "--json", env=env).output)["sessions"]
    assert len(red) == 1 and red[0]["operator"].startswith("staff-")
    text = _run("sessions", "list", "--central", "--limit", "2", env=env).output
    assert len(text.splitlines()) == 2 and "subj-" in text


def test_the_core_api_pages_either_source_alike(pooled):
    with CentralSource.open(pooled["researcher"]) as source:
        first = source.browse_sessions(SessionFilter(kind="screening"), limit=10)
        second = source.browse_sessions(SessionFilter(kind="screening"), after=first[-1], limit=10)
        assert all(isinstance(row, SessionRow) for row in first) and len(first) == len(second) == 10
        assert first[-1].started_at >= second[0].started_at and {r.id for r in first}.isdisjoint(r.id for r in second)
        assert second == source.browse_sessions(SessionFilter(kind="screening"), after=first[-1].id, limit=10)
        assert source.count_sessions(SessionFilter(qc="failed")) == len(source.browse_sessions(SessionFilter(qc="failed"),
                                                                                              limit=1000))  # fmt: skip
        assert source.filter_values("site") == ["SITE1", "SITE2", "SITE3", "SITE4"]
        assert set(source.filter_values("device_serial")) == set(pooled["cohort"]["devices"])
        with pytest.raises(ValueError, match="unknown filter value"):
            source.browse_sessions(SessionFilter(qc="maybe"))
        with pytest.raises(ValueError, match="not a date"):
            source.count_sessions(SessionFilter(date_from="yesterday"))
        recording = source.load_recording(first[0].id)
        verdict = source.qc(first[0].session_uuid)
    with Store.open(pooled["merged"]) as store:
        local_id = store.conn.execute("SELECT id FROM sessions WHERE uuid = ?", (first[0].session_uuid,)).fetchone()[0]
        local = store.load_recording(local_id)
        local_rows = browse_sessions(store, installation_owner(store), SessionFilter(kind="screening"), limit=10)
        local_qc = store.conn.execute("SELECT passed FROM qc_results WHERE session_id = ?", (local_id,)).fetchone()[0]
    assert np.array_equal(recording.values, local.values) and np.array_equal(recording.t_s, local.t_s)
    assert recording.phases == local.phases and recording.layout == local.layout
    assert recording.meta["subject_code"].startswith("subj-") and recording.meta["operator"].startswith("staff-")
    assert verdict["passed"] == bool(local_qc) and verdict["session_id"] == first[0].id
    assert [r.qc for r in first] == [r.qc for r in local_rows] and [r.label for r in first] == [r.label for r in local_rows]


def test_qc_and_features_central_are_the_sites_own(pooled, tmp_path, monkeypatch):
    env = {"ENOSE_CENTRAL_DSN": pooled["researcher"]}
    rows = json.loads(_run("sessions", "list", "--central", "--kind", "screening", "--json", env=env).output)["sessions"]
    verdict = json.loads(_run("qc", "--central", "--session", str(rows[0]["id"]), "--json", env=env).output)
    assert verdict["session_id"] == rows[0]["id"] and verdict["session_uuid"] == rows[0]["uuid"]
    calibration = json.loads(_run("sessions", "list", "--central", "--kind", "calibration", "--json",
                                  env=env).output)["sessions"][0]  # fmt: skip
    missing = CliRunner().invoke(cli, ["qc", "--central", "--session", str(calibration["id"])], env=env)
    assert missing.exit_code == 2 and "no QC verdict" in missing.output
    _run("features", "--central", "--out", str(tmp_path / "pooled.csv"), "--no-progress", env=env)
    monkeypatch.setenv("ENOSE_DATA_DIR", str(pooled["merged_data"]))
    _run("features", "--db", str(pooled["merged"]), "--out", str(tmp_path / "local.csv"), "--no-progress")
    with Store.open(pooled["merged"]) as store:
        local_uuid = {str(k): v for k, v in store.conn.execute("SELECT id, uuid FROM sessions")}
    central_uuid = {str(r["id"]): r["uuid"] for r in rows}

    def by_uuid(path: Path, uuids: dict) -> dict[str, dict]:
        with open(path, newline="") as handle:
            return {uuids[r.pop("session_id")]: {k: v for k, v in r.items() if k != "subject_code"}
                    for r in csv.DictReader(handle)}  # fmt: skip

    assert by_uuid(tmp_path / "pooled.csv", central_uuid) == by_uuid(tmp_path / "local.csv", local_uuid)


# -- privacy ----------------------------------------------------------------------------------------


def test_a_researcher_never_reads_staff_names_or_site_subject_codes(pooled, trained, tmp_path):
    with Store.open(pooled["merged"]) as store:
        codes = [r[0] for r in store.conn.execute("SELECT code FROM subjects")]
    secrets = [*codes, *STAFF]
    env = {"ENOSE_CENTRAL_DSN": pooled["researcher"]}
    seen: list[str] = []
    for args in (["sessions", "list", "--central", "--json"], ["sessions", "list", "--central"],
                 ["features", "--central", "--out", str(tmp_path / "f.csv"), "--no-progress"],
                 ["export", "study", "--central", "--out", str(tmp_path / "export"), "--no-progress", "--json"],
                 ["export", "study", "--central", "--out", str(tmp_path / "fhir"), "--format", "fhir"]):  # fmt: skip
        seen.append(_run(*args, env=env).output)
    seen.append(json.dumps(trained[1]))  # what `train --central --json` printed
    files = [p for p in [*tmp_path.rglob("*"), *(trained[2] / "central").rglob("*")]
             if p.is_file() and p.suffix in (".csv", ".json", ".md")]  # fmt: skip
    seen += [p.read_text(errors="replace") for p in files] + [str(p) for p in files]
    with CentralSource.open(pooled["researcher"]) as source:
        ds, flow, provenance = source.training_data(clinical=CLINICAL)
        rows = source.browse_sessions(limit=1000)
        seen += [repr(rows), repr(list(ds.subject)), json.dumps(provenance), json.dumps(flow)]
        seen += [repr(source.load_recording(rows[0].id).meta), repr(source.list_sessions())]
    everything = "\n".join(seen)
    assert len(everything) > 100_000 and "subj-" in everything and "staff-" in everything
    leaked = [secret for secret in secrets if secret in everything]
    assert leaked == []
    # and in SQL: no table, no column with a site's code, and no row of any view it may read holds one
    with psycopg.connect(pooled["researcher"], autocommit=True) as conn:
        for sql in ("SELECT subject_code FROM enose.sessions", "SELECT * FROM enose.session_browse",
                    "SELECT code FROM enose.subjects", "SELECT * FROM enose.current_labels",
                    "SELECT * FROM enose.pseudonym_key", "SELECT * FROM enose.audit_anchors"):  # fmt: skip
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
        views = [r[0] for r in conn.execute(
            "SELECT DISTINCT table_name FROM information_schema.role_table_grants WHERE grantee = 'enose_researcher'"
            " AND table_schema = 'enose' AND privilege_type = 'SELECT'")]  # fmt: skip
        kinds = dict(conn.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid ="
                                  " c.relnamespace WHERE n.nspname = 'enose'").fetchall())  # fmt: skip
        assert {v for v in views if kinds[v] != "v"} == {"schema_version", "instance"}  # metadata: no study data
        dump = []
        for view in views:
            cursor = conn.execute(f"SELECT * FROM enose.{view}")
            columns = [d.name for d in cursor.description]
            assert not {"subject_code", "code", "operator", "entered_by"} & set(columns), view
            dump += [repr([v for v in row if not isinstance(v, bytes)]) for row in cursor.fetchall()]
    table_dump = "\n".join(dump)
    assert "research_browse" in views and "subj-" in table_dump
    assert [secret for secret in secrets if secret in table_dump] == []


def test_only_a_researcher_reads_the_centre_and_never_with_db(pooled, tmp_path):
    with pytest.raises(CentralResearchError, match="enose_researcher"):
        CentralSource.open(pooled["sites"]["SITE1"]["dsn"])
    denied = CliRunner().invoke(cli, ["sessions", "list", "--central", pooled["sites"]["SITE1"]["dsn"]])
    assert denied.exit_code == 1 and "enose_researcher" in denied.output
    both = CliRunner().invoke(cli, ["sessions", "list", "--central", pooled["researcher"], "--db", str(tmp_path / "x.db")])
    assert both.exit_code == 2 and "not both" in both.output
    bare = CliRunner().invoke(cli, ["sessions", "list", "--central"], env={"ENOSE_CENTRAL_DSN": ""})
    assert bare.exit_code == 2 and "ENOSE_CENTRAL_DSN" in bare.output
    # the variable alone (a site sets it for `enose sync`) leaves the command on the site's own database
    local = CliRunner().invoke(cli, ["sessions", "list", "--db", str(tmp_path / "missing.db")],
                               env={"ENOSE_CENTRAL_DSN": pooled["researcher"]})  # fmt: skip
    assert local.exit_code == 2 and "missing.db" in local.output
    with CentralSource.open(pooled["researcher"]) as source, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        source.conn.execute("CREATE TEMP TABLE x (y int)")


def test_migrating_a_database_with_data_fills_the_browse_state(pg_server, pg_owner):
    """A v3 database that already holds sessions gets its browse state from the v4 migration (then from triggers)."""
    owner = role_dsn(pg_server, pg_owner, _new_database(pg_server, pg_owner))
    site, first, second = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    with psycopg.connect(owner) as conn:
        conn.execute("CREATE SCHEMA enose")
        conn.execute("CREATE TABLE enose.schema_version (version int PRIMARY KEY, description text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        for version, description, sql in central.CENTRAL_MIGRATIONS[:3]:
            conn.execute(sql)
            conn.execute("INSERT INTO enose.schema_version VALUES (%s, %s)", (version, description))
        conn.execute("INSERT INTO enose.instance (id, instance_uuid) VALUES (1, gen_random_uuid())")
        conn.execute("INSERT INTO enose.sites (site_uuid) VALUES (%s)", (site,))
        conn.execute("INSERT INTO enose.subjects (site_uuid, code, created_at) VALUES (%s, 'LIL-1', now())", (site,))
        for session, day in ((first, "2025-01-01"), (second, "2025-01-02")):
            conn.execute("INSERT INTO enose.sessions (uuid, site_uuid, local_id, content_sha256, kind, subject_code,"
                         " operator, started_at, status, software_version, protocol, channels, period_ms, n_samples,"
                         " lost_samples, interruptions) VALUES (%s, %s, 1, 'x', 'screening', 'LIL-1', 'staff-x', %s,"
                         " 'complete', '0.1', '{}', '[]', 10, 0, 0, 0)", (session, site, day))  # fmt: skip
        for local_id, cancer, supersedes in ((1, 1, None), (2, 0, 1)):  # a correction: no cancer after all
            conn.execute("INSERT INTO enose.labels (site_uuid, local_id, content_sha256, subject_code, cancer, source,"
                         " entered_by, entered_at, supersedes_local_id) VALUES (%s, %s, 'x', 'LIL-1', %s, 'MDT',"
                         " 'staff-y', now(), %s)", (site, local_id, cancer, supersedes))  # fmt: skip
        for passed, at in ((0, "2025-01-01 10:00"), (1, "2025-01-01 11:00")):
            conn.execute("INSERT INTO enose.qc_results (session_uuid, processing_version, content_sha256, passed,"
                         " reasons, computed_at) VALUES (%s, 'p1', %s, %s, '[]', %s)", (first, str(passed), passed, at))  # fmt: skip
        for local_id, zone in ((1, "red"), (2, "green")):
            conn.execute("INSERT INTO enose.scores (site_uuid, local_id, content_sha256, session_uuid, created_at,"
                         " software_version, processing_version, zone, ood, explanation, qc_reasons) VALUES"
                         " (%s, %s, 'x', %s, now(), '0.1', 'p1', %s, 0, '{}', '[]')", (site, local_id, first, zone))  # fmt: skip
        conn.commit()
        central.migrate(conn)
        state = conn.execute("SELECT session_uuid::text, qc_passed, zone, cancer, label_local_id FROM"
                             " enose.session_browse ORDER BY started_at").fetchall()  # fmt: skip
        assert state == [(first, 1, "green", 0, 2), (second, None, None, 0, 2)]
        conn.execute("INSERT INTO enose.labels (site_uuid, local_id, content_sha256, subject_code, cancer, source,"
                     " entered_by, entered_at, supersedes_local_id) VALUES (%s, 3, 'x', 'LIL-1', 1, 'MDT', 'staff-y',"
                     " now(), 2)", (site,))  # fmt: skip
        conn.execute("INSERT INTO enose.qc_results (session_uuid, processing_version, content_sha256, passed, reasons,"
                     " computed_at) VALUES (%s, 'p2', 'z', 0, '[]', '2024-12-31')", (first,))  # an older verdict: kept out
        assert conn.execute("SELECT qc_passed, cancer, label_local_id FROM enose.session_browse WHERE session_uuid = %s",
                            (first,)).fetchone() == (1, 1, 3)  # fmt: skip
        key = bytes(conn.execute("SELECT key FROM enose.pseudonym_key").fetchone()[0])
        pseudonyms = {r[0] for r in conn.execute("SELECT subject_pseudonym FROM enose.session_overview")}
    assert pseudonyms == {_study_pseudonym(key, site, "LIL-1")}
