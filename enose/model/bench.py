"""Benchmark: time from the end of the manoeuvre to the stored score (goal: under 1 s).

Measured per session: load the recording from SQLite, quality gate, features,
model (probability, bootstrap interval, OOD distances, explanation) and the
``scores`` insert, i.e. :func:`~enose.model.scoring.score_session` on a fresh,
uncached session recorded at the clinic's sampling rate (10 ms, full protocol).
Called by ``scripts/bench.py``; no timing assertions live in the tests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from enose.model.artifact import RiskModel, load_model
from enose.model.cohort import CohortParams, simulate_cohort
from enose.model.scoring import score_session
from enose.security.signin import installation_owner  # a simulated cohort's database has no accounts
from enose.storage.store import Store

__all__ = ["run_scoring_benchmark", "GOAL_S", "DEMO_MODEL_DIR"]

GOAL_S = 1.0
DEMO_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "demo"


def _tiny_model(work: Path) -> RiskModel:
    """A small model trained on the spot when the demo model is absent (same code path)."""
    from enose.model.artifact import save_model
    from enose.model.features import dataset_from_store
    from enose.model.training import train_model

    db = work / "train.db"
    simulate_cohort(db, CohortParams(n_subjects=120, n_sites=4, n_devices=4, seed=5, breath_s=60, purge_s=30))
    with Store.open(db) as store:
        ds, _ = dataset_from_store(store, user=installation_owner(store), clinical=["age_years", "pack_years", "copd"])
    model, report = train_model(ds, candidates=("logreg",), n_bootstrap=20, n_boot_ci=100)
    return save_model(model, work / "bench-model", report=report)


def run_scoring_benchmark(n_sessions: int = 5, period_ms: int = 10, model_dir: str | Path | None = None) -> dict:
    """Score ``n_sessions`` fresh simulated sessions and return the latency figures (seconds)."""
    with tempfile.TemporaryDirectory(prefix="enose-bench-") as tmp:
        work = Path(tmp)
        path = Path(model_dir) if model_dir else DEMO_MODEL_DIR
        model = load_model(path) if (path / "model.skops").is_file() else _tiny_model(work)
        db = work / "bench.db"
        summary = simulate_cohort(
            db,
            CohortParams(
                n_subjects=n_sessions,
                n_sites=1,
                n_devices=1,
                seed=77,
                period_ms=period_ms,
                p_failed=0.0,
                repeat_fraction=0.0,
                site_prefix="BENCH",
            ),  # fmt: skip
        )
        times, zones, n_samples = [], [], 0
        with Store.open(db) as store:
            for sid in summary["session_ids"]:
                n_samples = store.session(sid)["n_samples"]
                start = time.perf_counter()
                result = score_session(store, sid, model, user=installation_owner(store))
                times.append(time.perf_counter() - start)
                zones.append(result["zone"])
        return {
            "what": "end of manoeuvre -> stored score (load, quality gate, features, model, DB write)",
            "model_id": model.model_id,
            "n_sessions": len(times),
            "samples_per_session": int(n_samples),
            "period_ms": period_ms,
            "median_s": float(np.median(times)),
            "max_s": float(np.max(times)),
            "goal_s": GOAL_S,
            "meets_goal": bool(np.max(times) < GOAL_S),
            "zones": zones,
        }
