"""Train the bundled demo model, reproducibly: simulate a cohort -> train -> models/demo/ -> check on a new site.

Run: ``.venv/bin/python scripts/train_demo_model.py`` (about 2 minutes on 2 cores).

1. Simulate 900 subjects at 12 sites on 24 devices (seed 2026) from the
   emulator's physics, in the emulator's default channel layout (what ``enose
   demo`` records), 100 ms sampling; every unit gets its technician's zero-air
   calibration with the humidified step first, and every session is compensated
   with that measured humidity sensitivity (processing signal-1.1). Many units
   and sites rather than few: units differ in gain and sites in room air, and a
   model that has seen more of both transports better to a unit it has never
   seen (measured: 6 sites/10 units gave a locked-site AUC of 0.83, 12/24 0.91).
2. Train with ``enose.model.train_model`` on the **gain-free load ratios**
   (``moxNN.load_ratio``, ``moxNN.et_load_ratio``: the breath's surface load over
   the room air's, which cancels each sensor's gain), the end-tidal CO2 (how much
   room air the mask let in) and the clinical variables age, pack-years and COPD: four candidates compared by leave-one-site-out CV,
   the last site and its devices locked away; write ``models/demo`` (skops +
   SHA-256 + card). Why these features: chosen by measurement on units never
   seen in training (``scripts/validate_units.py``); the other features carry the
   sensors' gain, which a zero-air calibration cannot measure.
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

from enose.security.signin import installation_owner  # a simulated cohort's database has no accounts

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
from enose.model.artifact import card_markdown  # noqa: E402
from enose.model.permutation import permutation_test  # noqa: E402
from enose.model.training import split_locked  # noqa: E402
from enose.model.unitcheck import unit_transfer_check  # noqa: E402
from enose.storage import Store  # noqa: E402

SEED = 2026
CLINICAL = ["age_years", "pack_years", "copd"]
#: New units in each of the card's unit checks (the between-unit SD from 8 units varies by about a quarter).
UNIT_CHECK_UNITS = 12
#: Candidate feature sets, all of them gain-free (see the module docstring): each MOX sensor's load ratio of the
#: steady breath, of the end-tidal breath, or both, with the end-tidal CO2, which measures how much room air the
#: mask let into the breath (a unit-independent channel). The training keeps the set whose chosen model has the
#: best out-of-fold AUC over held-out sites (the rule that also chooses the classifier), never a check's result.
FEATURE_SETS = {
    "steady+end-tidal load ratios": (".load_ratio", ".et_load_ratio"),
    "steady load ratios": (".load_ratio",),
    "end-tidal load ratios": (".et_load_ratio",),
}
BREATH_FEATURES = ("breath.etco2_ppm",)


def transferable(ds, suffixes: tuple[str, ...]):
    """The data set restricted to one set of features that transfer between units."""
    return ds.select_features([n for n in ds.feature_names if n.endswith(suffixes) or n in BREATH_FEATURES])


def train_best_feature_set(ds, bootstrap: int, permutations: int):
    """Train on each candidate feature set; keep the one whose chosen model has the best out-of-fold AUC.

    The permutation test then runs the whole model choice on the chosen set's training rows. It does not
    repeat the choice among the three feature sets (that would triple its hour); the card says so.
    """
    trained = {name: train_model(transferable(ds, suffixes), n_bootstrap=bootstrap, seed=SEED, progress=True)
               for name, suffixes in FEATURE_SETS.items()}  # fmt: skip
    best = max(trained, key=lambda name: round(trained[name][1]["chosen_oof_auc"], 3))
    model, report = trained[best]
    report["feature_sets"] = {name: {"oof_auc": r["chosen_oof_auc"], "candidate": m.candidate, "chosen": name == best}
                              for name, (m, r) in trained.items()}  # fmt: skip
    if permutations > 0:
        chosen = transferable(ds, FEATURE_SETS[best])
        train_rows, _, _ = split_locked(chosen)
        result = permutation_test(chosen.subset(train_rows), n_permutations=permutations, seed=SEED,
                                  observed_auc=report["chosen_oof_auc"], progress=True).as_dict()  # fmt: skip
        result["design"] += f"; within the chosen feature set ({best}), not repeating the choice among the three sets"
        report["permutation"] = result
    model.training = report
    return model, report


def _site_range(report: dict) -> list[float] | None:
    """Lowest and highest AUC of the chosen model on the cross-validation's held-out sites."""
    aucs = [f["chosen_auc"] for f in report["cv"]["folds"] if f.get("chosen_auc") is not None]
    return [min(aucs), max(aucs)] if aucs else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "demo")
    parser.add_argument("--subjects", type=int, default=900)
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--devices", type=int, default=24, help="simulated units, spread over the sites")
    parser.add_argument("--bootstrap", type=int, default=20, help="bootstrap models for the interval")
    parser.add_argument("--permutations", type=int, default=100, help="label shuffles for the permutation p")
    parser.add_argument("--work", type=Path, default=None, help="keep the simulated databases here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="enose-demo-"))
    work.mkdir(parents=True, exist_ok=True)

    train_db = work / "demo-cohort.db"
    params = CohortParams(n_subjects=args.subjects, n_sites=args.sites, n_devices=args.devices, seed=SEED)
    if not train_db.exists():
        simulate_cohort(train_db, params, progress=True)
    with Store.open(train_db) as store:
        ds, flow = dataset_from_store(store, user=installation_owner(store), clinical=CLINICAL, progress=True)
    model, report = train_best_feature_set(ds, args.bootstrap, args.permutations)
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
        fresh, fresh_flow = dataset_from_store(store, user=installation_owner(store), clinical=CLINICAL)
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
    check["text"] = [
        f"A new cohort (seed {SEED + 1}, a site and device never seen): AUC {auc:.3f} (95 % CI "
        f"{check['auc_ci'][0]:.3f}-{check['auc_ci'][1]:.3f}), n = {check['n']}; "
        f"{'within' if check['within_card_ci'] else 'OUTSIDE'} the locked-site CI {low:.3f}-{high:.3f}."
    ]
    units = {name: unit_transfer_check(loaded, n_units=UNIT_CHECK_UNITS, seed=SEED + 2, separate_sites=separate,
                                       work_dir=work / f"units-{name}").as_dict()
             for name, separate in (("one_site", False), ("own_sites", True))}  # fmt: skip
    # the checks go into the card; the model file (and its hash) is unchanged
    card_path = args.out / "card.json"
    card = json.loads(card_path.read_text())
    card["fresh_site_check"] = check
    card["unit_check"] = {**units, "text": [_unit_text(name, result) for name, result in units.items()]}
    sets = "; ".join(f"{name} {v['oof_auc']:.3f}{' (chosen)' if v['chosen'] else ''}"
                     for name, v in report["feature_sets"].items())  # fmt: skip
    card["transfer"] = [*TRANSFER_TEXT, f"Feature sets compared by the chosen model's out-of-fold AUC: {sets}."]
    card["limitations"] = LIMITATIONS
    card_path.write_text(json.dumps(card, indent=2, default=float))
    (args.out / "card.md").write_text(card_markdown(card), encoding="utf-8")
    print(json.dumps({"model_id": saved.model_id, "size_mb": round(size_mb, 2), "fresh_site_check": check,
                      "unit_check": {k: {"pooled": v["pooled"], "sd": v["between_unit_sd_control_log_odds"]}
                                     for k, v in units.items()}}, default=float))  # fmt: skip
    return 0 if check["within_card_ci"] else 1


def _unit_text(name: str, result: dict) -> str:
    p, d = result["pooled"], result["design"]
    where = "all at one new site" if name == "one_site" else "each in its own new site's room air"
    npv = "-" if p["npv_green_at_prevalence"] is None else f"{p['npv_green_at_prevalence']:.3f}"
    zones = ", ".join(f"{z} {n}" for z, n in p["zones"].items())
    return (f"{d['n_units']} new units {where}, each calibrated (zero air, dry then humidified), the same "
            f"{d['n_subjects']} simulated subjects on every unit (seed {d['seed']}): between-unit SD of the controls' "
            f"median log-odds {result['between_unit_sd_control_log_odds']:.2f}; at the refer threshold sensitivity "
            f"{p['sensitivity_at_refer']:.3f} ({p['sensitivity_ci'][0]:.3f}-{p['sensitivity_ci'][1]:.3f}), specificity "
            f"{p['specificity_at_refer']:.3f} ({p['specificity_ci'][0]:.3f}-{p['specificity_ci'][1]:.3f}); green NPV "
            f"{npv} at prevalence {p['prevalence']:.3f}; zones {zones} (n = {p['n']} sessions, not independent "
            "people: the same subjects on every unit).")  # fmt: skip


TRANSFER_TEXT = [
    "Humidity: every unit's zero-air calibration measures each gas sensor's humidity sensitivity (dry, then "
    "humidified zero air, ICD revision 1.1); each session is compensated with the calibration in force when it was "
    "recorded (ln R + s x RH, sample by sample, with the cell humidity the device records). A score from a unit "
    "with no humidity calibration in force gets no zone (probability for the record only), with the reason.",
    "Gain: the model's e-nose inputs are gain-free: the ratio of each sensor's surface load (R(zero air)/R - 1) in "
    "the breath to that in the room air (and the end-tidal CO2, a unit-independent channel): a unit's sensor gain (log-SD 0.3 between units) cancels in the ratio, so "
    "no reference-gas transfer is needed. Chosen by measurement on units never seen in training against the full "
    "feature set compensated the same way and zero-air-referenced loads: those carry the gain, and their zones "
    "moved several times further between units.",
    "What does not cancel: the site's room air. The ratio is taken against the room air the person breathes, so "
    "a site whose background of the cancer-related VOC classes (aldehydes, alkanes) is unusually high or low "
    "moves every score at that site. See the unit checks below: units at one site against units at their own sites.",
]

LIMITATIONS = [
    "Zones were checked on simulated units never seen in training (above). Units at one site agree with each "
    "other; units at different sites differ by the sites' room air, which no unit calibration can measure. Read "
    "the locked-site and own-site figures before relying on a zone at a new site.",
    "Trained and validated on the emulator's physics only: the humidity compensation and the gain-free features "
    "are exact for that physics (multiplicative humidity, power-law gain); a real sensor's humidity response may "
    "also change its VOC sensitivity, which this model does not correct.",
]


if __name__ == "__main__":
    sys.exit(main())
