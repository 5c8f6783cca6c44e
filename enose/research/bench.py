"""Scale check of the central research workspace, for ``scripts/bench.py`` (section ``central``).

A study of ``n_sessions`` screening sessions (default 20,000) from ``n_sites`` sites (default 10,
two units each) is written twice: into a central PostgreSQL database (a throwaway cluster, loaded
with COPY as the owner, the browse state kept by the migration's triggers as a sync would) and
into one merged SQLite file, with the same rows: subjects, sessions, labels, QC verdicts,
features, three phases per session, scores for a third of them, and raw samples for a subset
(``n_raw``). The features are real ones, those of a small simulated cohort (the layout and names
of the emulated device), varied per session with a diagnosis signal, so training has something
to find. Then, as a researcher's role and as the merged file's owner:

* the browser's first page (200 rows, newest first), a filtered first page and the count;
* ``enose features --central`` against ``enose features --db merged.db``, for every session;
* ``enose train --central`` against ``enose train --db merged.db`` (same seed, same options,
  which are given in the result), and whether they agree on the out-of-fold AUC.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

__all__ = ["run_central_benchmark"]

#: ``train`` options of the benchmark (the SVM and gradient boosting are left out: minutes on 20,000 rows).
TRAIN_OPTIONS = ["--candidates", "logreg,plsda", "--bootstrap", "5", "--ci-rounds", "200", "--permutations", "0",
                 "--clinical", "age_years,pack_years,copd", "--seed", "0", "--no-progress", "--json"]  # fmt: skip


def _template(tmp: Path) -> dict:
    """Layout, feature names, real feature vectors, phases and one session's stored blocks of a small cohort."""
    from enose.model import CohortParams, dataset_from_store, simulate_cohort
    from enose.security.signin import installation_owner
    from enose.storage import Store

    db = tmp / "template.db"
    simulate_cohort(db, CohortParams(seed=5, n_subjects=24, n_sites=2, n_devices=2, breath_s=60.0, baseline_s=30.0,
                                     purge_s=20.0, period_ms=200))  # fmt: skip
    with Store.open(db) as store:
        ds, _ = dataset_from_store(store, user=installation_owner(store))
        first = int(ds.session_id[0])
        row = store.conn.execute("SELECT channels, protocol, period_ms, n_samples FROM sessions WHERE id = ?",
                                 (first,)).fetchone()  # fmt: skip
        chunks = store.conn.execute('SELECT chunk_index, first_sample, n_samples, n_channels, codec, t_s, device_seq,'
                                    ' device_t_ms, flags, "values" FROM sample_chunks WHERE session_id = ?'
                                    " ORDER BY chunk_index", (first,)).fetchall()  # fmt: skip
        phases = store.conn.execute("SELECT name, inlet, start_s, end_s FROM phases WHERE session_id = ?",
                                    (first,)).fetchall()  # fmt: skip
    return {"channels": row[0], "protocol": row[1], "period_ms": row[2], "n_samples": row[3], "names": ds.feature_names,
            "X": ds.X, "chunks": chunks, "phases": phases, "version": ds.processing_version}  # fmt: skip


def _draw(n_sessions: int, n_sites: int, template: dict, seed: int = 0) -> dict:
    """Every row of the study, as plain lists (the same for both databases)."""
    rng = np.random.default_rng(seed)
    sites = [{"code": f"SITE{i + 1:02d}", "uuid": str(uuid.UUID(int=int(rng.integers(2**62)) << 64 | i + 1))}
             for i in range(n_sites)]  # fmt: skip
    devices = [(f"BENCH-{s + 1:02d}-{d + 1}", s) for s in range(n_sites) for d in range(2)]
    n_subjects = max(n_sites, int(n_sessions / 1.2))
    subject_site = rng.integers(0, n_sites, n_subjects)
    cancer = (rng.random(n_subjects) < 0.35).astype(int)
    subjects = [{"code": f"{sites[s]['code']}-{i + 1:06d}", "site": int(s), "age_years": int(rng.integers(45, 85)),
                 "sex": "M" if rng.random() < 0.55 else "F", "smoking": str(rng.choice(["never", "former", "current"])),
                 "pack_years": float(round(rng.gamma(3.0, 10.0), 1)), "copd": int(rng.random() < 0.2),
                 "previous_cancer": int(rng.random() < 0.05)} for i, s in enumerate(subject_site)]  # fmt: skip
    session_subject = np.concatenate([np.arange(n_subjects), rng.integers(0, n_subjects, n_sessions - n_subjects)])
    rng.shuffle(session_subject)
    base = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    offsets = np.sort(rng.uniform(0, 365 * 24 * 3600, n_sessions))
    x0 = template["X"][:, : len(template["names"])]
    scale = np.nanstd(x0, axis=0) + 1e-9
    signal = np.zeros(x0.shape[1])
    signal[rng.choice(x0.shape[1], 12, replace=False)] = 0.25
    site_shift = rng.normal(0, 0.3, (n_sites, x0.shape[1]))
    sessions = []
    for i, s in enumerate(session_subject):
        site = int(subject_site[s])
        x = x0[rng.integers(x0.shape[0])] + scale * (rng.normal(0, 1.0, x0.shape[1]) + signal * cancer[s]
                                                      + 0.3 * site_shift[site])  # fmt: skip
        started = base + timedelta(seconds=float(offsets[i]))
        zone = str(rng.choice(["green", "orange", "red", "inconclusive"])) if rng.random() < 0.33 else None
        sessions.append({
            "id": i + 1, "uuid": str(uuid.UUID(int=int(rng.integers(2**62)) << 64 | i + 1)), "subject": int(s),
            "site": site, "device": devices[2 * site + int(rng.integers(2))][0],
            "started_at": started.isoformat(timespec="milliseconds"),
            "ended_at": (started + timedelta(seconds=110)).isoformat(timespec="milliseconds"),
            "passed": int(rng.random() > 0.05), "features": np.asarray(x, dtype="<f8").tobytes(), "zone": zone,
            "probability": float(rng.random()), "raw": i % max(1, n_sessions // max(1, template["n_raw"])) == 0,
        })  # fmt: skip
    return {"sites": sites, "devices": devices, "subjects": subjects, "cancer": cancer, "sessions": sessions}


def _write_sqlite(db: Path, world: dict, template: dict) -> None:
    """The merged SQLite file: one site holding every site's rows."""
    from enose.storage import Store

    now = "2026-01-01T00:00:00.000+00:00"
    version, names = template["version"], json.dumps(template["names"])
    reasons = {1: "[]", 0: json.dumps([{"code": "bench", "severity": "block", "message": "simulated"}])}
    with Store.open(db) as store, store.conn:
        c = store.conn
        c.executemany("INSERT INTO devices VALUES (?, 'ENOSE-EMU', 'emu-1.1.0', ?, ?, ?, ?)",
                      [(serial, template["period_ms"], template["channels"], now, now) for serial, _ in world["devices"]])  # fmt: skip
        site_code = [s["code"] for s in world["sites"]]
        c.executemany("INSERT INTO subjects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [(s["code"], now, site_code[s["site"]], s["age_years"], s["sex"], s["smoking"], s["pack_years"],
                        s["copd"], s["previous_cancer"]) for s in world["subjects"]])  # fmt: skip
        c.executemany("INSERT INTO labels (id, subject_code, cancer, source, entered_by, entered_at) VALUES"
                      " (?, ?, ?, 'simulated', 'bench', ?)",
                      [(i + 1, s["code"], int(world["cancer"][i]), now) for i, s in enumerate(world["subjects"])])  # fmt: skip
        rows = world["sessions"]
        c.executemany(
            "INSERT INTO sessions (id, uuid, kind, subject_code, device_serial, firmware, operator, site, started_at,"
            " ended_at, status, software_version, protocol, channels, period_ms, n_samples) VALUES"
            " (?, ?, 'screening', ?, ?, 'emu-1.1.0', 'bench', ?, ?, ?, 'complete', '0.1.0', ?, ?, ?, ?)",
            [(r["id"], r["uuid"], world["subjects"][r["subject"]]["code"], r["device"], site_code[r["site"]],
              r["started_at"], r["ended_at"], template["protocol"], template["channels"], template["period_ms"],
              template["n_samples"] if r["raw"] else 0) for r in rows],
        )  # fmt: skip
        c.executemany("INSERT INTO qc_results VALUES (?, ?, ?, ?, ?)",
                      [(r["id"], version, r["passed"], reasons[r["passed"]], now) for r in rows])  # fmt: skip
        c.executemany('INSERT INTO feature_cache VALUES (?, ?, ?, ?, ?)',
                      [(r["id"], version, names, r["features"], now) for r in rows])  # fmt: skip
        c.executemany("INSERT INTO phases VALUES (?, ?, ?, ?, ?)",
                      [(r["id"], *p) for r in rows for p in template["phases"]])  # fmt: skip
        c.executemany("INSERT INTO scores (session_id, created_at, operator, software_version, processing_version,"
                      " probability, zone) VALUES (?, ?, 'bench', '0.1.0', ?, ?, ?)",
                      [(r["id"], now, version, r["probability"], r["zone"]) for r in rows if r["zone"]])  # fmt: skip
        c.executemany('INSERT INTO sample_chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                      [(r["id"], *chunk) for r in rows if r["raw"] for chunk in template["chunks"]])  # fmt: skip


def _sha(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _write_central(dsn: str, world: dict, template: dict) -> None:
    """The same rows in the central database, as the sites' syncs would leave them (owner role, COPY)."""
    import psycopg

    from enose.sync import central

    now = datetime(2026, 1, 1, tzinfo=UTC)
    version, names = template["version"], json.dumps(template["names"])
    reasons = {1: "[]", 0: json.dumps([{"code": "bench", "severity": "block", "message": "simulated"}])}
    sites, subjects, rows = world["sites"], world["subjects"], world["sessions"]
    with psycopg.connect(dsn) as conn:
        central.migrate(conn)
        with conn.cursor() as cur:
            def copy(table: str, columns: str, values) -> None:
                with cur.copy(f"COPY enose.{table} ({columns}) FROM STDIN") as pipe:
                    for value in values:
                        pipe.write_row(value)

            copy("sites", "site_uuid, first_seen", [(s["uuid"], now) for s in sites])
            copy("site_registry", "site_uuid, site_code, public_key, enrolled_by",
                 [(s["uuid"], s["code"], bytes(32), "bench") for s in sites])
            copy("devices", "serial, model, firmware, min_period_ms, channels, first_seen, last_seen",
                 [(serial, "ENOSE-EMU", "emu-1.1.0", template["period_ms"], template["channels"], now, now)
                  for serial, _ in world["devices"]])  # fmt: skip
            copy("subjects", "site_uuid, code, created_at, site, age_years, sex, smoking, pack_years, copd,"
                 " previous_cancer", [(sites[s["site"]]["uuid"], s["code"], now, sites[s["site"]]["code"],
                                       s["age_years"], s["sex"], s["smoking"], s["pack_years"], s["copd"],
                                       s["previous_cancer"]) for s in subjects])  # fmt: skip
            copy("sessions", "uuid, site_uuid, local_id, content_sha256, kind, subject_code, device_serial, firmware,"
                 " operator, site, started_at, ended_at, status, software_version, protocol, channels, period_ms,"
                 " n_samples, lost_samples, interruptions",
                 [(r["uuid"], sites[r["site"]]["uuid"], r["id"], _sha(r["uuid"]), "screening",
                   subjects[r["subject"]]["code"], r["device"], "emu-1.1.0", "staff-bench", sites[r["site"]]["code"],
                   r["started_at"], r["ended_at"], "complete", "0.1.0", template["protocol"], template["channels"],
                   template["period_ms"], template["n_samples"] if r["raw"] else 0, 0, 0) for r in rows])  # fmt: skip
            copy("labels", "site_uuid, local_id, content_sha256, subject_code, cancer, source, entered_by, entered_at",
                 [(sites[s["site"]]["uuid"], i + 1, _sha("label", i), s["code"], int(world["cancer"][i]), "simulated",
                   "staff-bench", now) for i, s in enumerate(subjects)])  # fmt: skip
            copy("qc_results", "session_uuid, processing_version, content_sha256, passed, reasons, computed_at",
                 [(r["uuid"], version, _sha("qc", r["uuid"]), r["passed"], reasons[r["passed"]], now) for r in rows])
            copy("features", 'session_uuid, processing_version, content_sha256, names, "values", computed_at',
                 [(r["uuid"], version, _sha("f", r["uuid"]), names, r["features"], now) for r in rows])
            copy("phases", "session_uuid, name, inlet, start_s, end_s",
                 [(r["uuid"], *p) for r in rows for p in template["phases"]])
            copy("scores", "site_uuid, local_id, content_sha256, session_uuid, created_at, operator, software_version,"
                 " processing_version, probability, zone, ood, explanation, qc_reasons",
                 [(sites[r["site"]]["uuid"], r["id"], _sha("s", r["uuid"]), r["uuid"], now, "staff-bench", "0.1.0",
                   version, r["probability"], r["zone"], 0, "[]", "[]") for r in rows if r["zone"]])  # fmt: skip
            copy("sample_chunks", 'session_uuid, chunk_index, first_sample, n_samples, n_channels, codec, t_s,'
                 ' device_seq, device_t_ms, flags, "values"',
                 [(r["uuid"], *chunk) for r in rows if r["raw"] for chunk in template["chunks"]])  # fmt: skip
            copy("audit_anchors", "site_uuid, audit_id, hash, entry_at",
                 [(s["uuid"], 1000, _sha("anchor", s["uuid"]), "2026-01-01T00:00:00.000+00:00") for s in sites])
        conn.execute("CREATE ROLE bench_researcher LOGIN IN ROLE enose_researcher")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def _best(fn, repeat: int = 5) -> tuple[float, float]:
    """``(first, best)`` seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times)


def _timed_cli(*args: str) -> tuple[float, str]:
    from click.testing import CliRunner

    from enose.cli import cli

    t0 = time.perf_counter()
    result = CliRunner().invoke(cli, list(args))
    if result.exit_code != 0:
        raise RuntimeError(f"enose {' '.join(args[:2])} failed: {result.output[-2000:]}")
    return time.perf_counter() - t0, result.output


def run_central_benchmark(n_sessions: int = 20_000, n_sites: int = 10, n_raw: int = 200, *, train: bool = True) -> dict:
    """Browser, ``features`` and ``train`` from the centre against one merged SQLite file (see the module docs)."""
    from psycopg.conninfo import make_conninfo

    import enose.model.training  # noqa: F401 - imported before any timing: neither side pays for the imports
    import enose.signal  # noqa: F401
    from enose.browse import SessionFilter, browse_sessions, count_sessions
    from enose.research import CentralSource
    from enose.security.signin import installation_owner
    from enose.storage import Store
    from enose.sync.bench import throwaway_data_dir, throwaway_postgres

    with throwaway_data_dir("enose-bench-central-") as tmp:
        t0 = time.perf_counter()
        template = {**_template(tmp), "n_raw": n_raw}
        world = _draw(n_sessions, n_sites, template)
        merged = tmp / "merged.db"
        _write_sqlite(merged, world, template)
        out: dict = {"n_sessions": n_sessions, "n_sites": n_sites, "n_units": len(world["devices"]),
                     "n_subjects": len(world["subjects"]), "n_raw": sum(r["raw"] for r in world["sessions"]),
                     "n_features": len(template["names"]), "cores": os.cpu_count()}  # fmt: skip
        with throwaway_postgres() as dsn:
            t1 = time.perf_counter()
            _write_central(dsn, world, template)
            out["prepare_and_write_sqlite_s"] = round(t1 - t0, 1)
            out["load_central_s"] = round(time.perf_counter() - t1, 1)
            researcher = make_conninfo(dsn, user="bench_researcher")
            narrow = SessionFilter(site="SITE03", qc="passed", label="cancer")
            t0 = time.perf_counter()
            with CentralSource.open(researcher) as source:
                out["central_open_s"] = round(time.perf_counter() - t0, 3)
                first, best = _best(lambda: source.browse_sessions(limit=200))
                out["central_first_page_s"], out["central_page_best_s"] = round(first, 4), round(best, 4)
                out["central_filtered_page_s"] = round(_best(lambda: source.browse_sessions(narrow, limit=200))[1], 4)
                deep = source.browse_sessions(limit=n_sessions // 2)[-1]  # half-way down the list
                out["central_deep_page_s"] = round(_best(lambda: source.browse_sessions(after=deep, limit=200))[1], 4)
                out["central_count_s"] = round(_best(lambda: source.count_sessions())[1], 4)
                raw = next(r["uuid"] for r in world["sessions"] if r["raw"])
                out["central_load_recording_s"] = round(_best(lambda: source.load_recording(raw), 3)[1], 4)
            with Store.open_read_only(merged) as store:
                user = installation_owner(store)
                first, best = _best(lambda: browse_sessions(store, user, limit=200))
                out["sqlite_first_page_s"], out["sqlite_page_best_s"] = round(first, 4), round(best, 4)
                out["sqlite_filtered_page_s"] = round(_best(lambda: browse_sessions(store, user, narrow,
                                                                                    limit=200))[1], 4)  # fmt: skip
                out["sqlite_count_s"] = round(_best(lambda: count_sessions(store, user))[1], 4)
            seconds, _ = _timed_cli("features", "--central", researcher, "--out", str(tmp / "c.csv"), "--no-progress")
            out["central_features_s"] = round(seconds, 2)
            seconds, _ = _timed_cli("features", "--db", str(merged), "--out", str(tmp / "l.csv"), "--no-progress")
            out["sqlite_features_s"] = round(seconds, 2)
            if train:
                seconds, text = _timed_cli("train", "--central", researcher, "--out", str(tmp / "mc"), *TRAIN_OPTIONS)
                central_run = json.loads(text)
                out["central_train_s"] = round(seconds, 1)
                seconds, text = _timed_cli("train", "--db", str(merged), "--out", str(tmp / "ml"), *TRAIN_OPTIONS)
                local_run = json.loads(text)
                out["sqlite_train_s"] = round(seconds, 1)
                out["train_options"] = " ".join(TRAIN_OPTIONS[:-2])
                out["oof_auc"] = round(central_run["oof_auc"], 4)
                out["same_oof_auc_and_thresholds"] = (central_run["oof_auc"] == local_run["oof_auc"]
                                                      and central_run["thresholds"] == local_run["thresholds"])  # fmt: skip
        out["load_average"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
        return out


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(json.dumps(run_central_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)))
