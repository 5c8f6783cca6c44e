"""Train the bundled demo model, reproducibly: simulate a cohort -> train -> models/demo/ -> check on a new site.

Run: ``.venv/bin/python scripts/train_demo_model.py`` (about 35 s on 2 cores).

1. Simulate 500 subjects at 6 sites on 10 devices (seed 2026) from the
   emulator's physics, in the emulator's default channel layout (what ``enose
   demo`` records), 100 ms sampling. Ten units rather than six: the physics'
   unit-to-unit variation is large, and a model that has seen more units
   transports better to a unit it has never seen (the demo's EMU-000001).
2. Train with ``enose.model.train_model``: four candidates compared by
   leave-one-site-out CV, the last site and its devices locked away, clinical
   variables age, pack-years and COPD; write ``models/demo`` (skops + SHA-256 + card).
3. Acceptance check: simulate a fresh cohort (new seed, a new site and device
   never seen) and evaluate the shipped model on it; the AUC must fall within
   the 95 % CI of the locked-site AUC stated on the card. The check's numbers are
   added to the card as ``fresh_site_check``.

Simulated data: the model is NOT for clinical use.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enose.model import (  # noqa: E402
    CohortParams,
    dataset_from_store,
    evaluate_model,
    load_model,
    save_model,
    simulate_cohort,
    train_model,
)
from enose.storage import Store  # noqa: E402

SEED = 2026
CLINICAL = ["age_years", "pack_years", "copd"]


def _site_range(report: dict) -> list[float] | None:
    """Lowest and highest AUC of the chosen model on the cross-validation's held-out sites."""
    aucs = [f["chosen_auc"] for f in report["cv"]["folds"] if f.get("chosen_auc") is not None]
    return [min(aucs), max(aucs)] if aucs else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "demo")
    parser.add_argument("--subjects", type=int, default=500)
    parser.add_argument("--devices", type=int, default=10, help="simulated units, spread over 6 sites")
    parser.add_argument("--bootstrap", type=int, default=20, help="bootstrap models for the interval")
    parser.add_argument("--work", type=Path, default=None, help="keep the simulated databases here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="enose-demo-"))
    work.mkdir(parents=True, exist_ok=True)

    train_db = work / "demo-cohort.db"
    params = CohortParams(n_subjects=args.subjects, n_sites=6, n_devices=args.devices, seed=SEED)
    if not train_db.exists():
        simulate_cohort(train_db, params, progress=True)
    with Store.open(train_db) as store:
        ds, flow = dataset_from_store(store, clinical=CLINICAL, progress=True)
    model, report = train_model(ds, n_bootstrap=args.bootstrap, seed=SEED, progress=True)
    report["flow"] = flow
    saved = save_model(model, args.out, report=report, extra_card={"cohort": params.as_dict()})
    size_mb = (args.out / "model.skops").stat().st_size / 1e6
    print(f"wrote {saved.model_id} to {args.out} ({size_mb:.2f} MB)")

    # acceptance: a fresh cohort from a new site and a new device
    fresh_db = work / "fresh-site.db"
    if not fresh_db.exists():
        simulate_cohort(
            fresh_db, CohortParams(n_subjects=250, n_sites=1, n_devices=1, seed=SEED + 1, site_prefix="NEWSITE")
        )
    loaded = load_model(args.out)
    with Store.open(fresh_db) as store:
        fresh, fresh_flow = dataset_from_store(store, clinical=CLINICAL)
    fresh_report = evaluate_model(loaded, fresh, work / "fresh-report", flow=fresh_flow)
    auc = fresh_report["metrics"]["auc"]
    low, high = report["locked"]["auc_ci"]
    check = {
        "cohort_seed": SEED + 1,
        "n": fresh_report["metrics"]["n"],
        "auc": auc,
        "auc_ci": fresh_report["metrics"]["auc_ci"],
        "card_locked_auc_ci": [low, high],
        "within_card_ci": bool(low <= auc <= high),
        "cv_site_auc_range": _site_range(report),
        "independent_of_training": fresh_report["independent"],
    }
    # the check goes into the card; the model file (and its hash) is unchanged
    card_path = args.out / "card.json"
    card = json.loads(card_path.read_text())
    card["fresh_site_check"] = check
    card_path.write_text(json.dumps(card, indent=2, default=float))
    with (args.out / "card.md").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n## Check on a fresh simulated site\n\n"
            f"A new cohort (seed {SEED + 1}, a site and device never seen): AUC {auc:.3f} "
            f"(95 % CI {check['auc_ci'][0]:.3f}-{check['auc_ci'][1]:.3f}), n = {check['n']}; "
            f"{'within' if check['within_card_ci'] else 'OUTSIDE'} the locked-site CI {low:.3f}-{high:.3f}.\n"
        )
    print(json.dumps({"model_id": saved.model_id, "size_mb": round(size_mb, 2), "fresh_site_check": check}))
    return 0 if check["within_card_ci"] else 1


if __name__ == "__main__":
    sys.exit(main())
