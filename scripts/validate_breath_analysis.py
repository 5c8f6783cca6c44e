"""Cross-validated AUC of our training pipeline on a real e-nose lung-cancer table (118 participants).

Data: ``../shared/data/breath_analysis/medical_study_data.csv`` (Kononov,
Saint Petersburg State University; 6 MOX sensors x 3 heater temperatures,
integral responses). The file is not ours: it is read where it lies and never
copied into the repository. Run: ``.venv/bin/python scripts/validate_breath_analysis.py [--json]``.

What is used: the 18 sensor features ``S*_T*`` (optionally ``Age`` and
``Smoking`` as clinical variables), label ``Group``. Left out on purpose:
``LC_stage``, ``LC_type`` and ``Group_name`` (they are the diagnosis), and
``lscm``, which separates the groups perfectly (1-2 in healthy, 3-4 in cancer:
derived from the diagnosis). Every row is its own participant, so the CV is a
stratified 5-fold over participants, repeated with 5 seeds; the AUC's 95 % CI
is a subject-level bootstrap of the pooled out-of-fold predictions of the
first seed. The thesis reports near-perfect separation on repeated 60/40
splits; expect less here.

Beside the AUCs it prints what could explain them instead: a permutation test of
the whole model choice on the sensors (``--permutations``, 100 by default:
labels shuffled, every candidate refit, best AUC kept), the clinical variables'
own AUC (age and smoking without the sensors), the sensors' AUC within age and
smoking strata, and the confounding audit (:mod:`enose.model.confounding`): the
file's rows are sorted by group, so if row order is acquisition order, sensor
drift is a competing explanation for the whole result.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enose.model import read_feature_table  # noqa: E402
from enose.model.confounding import confounding_audit  # noqa: E402
from enose.model.metrics import auc_with_ci  # noqa: E402
from enose.model.permutation import permutation_test  # noqa: E402
from enose.model.training import CANDIDATES, out_of_fold, outer_folds  # noqa: E402

THESIS_CLAIM = "near-perfect separation (regularised logistic regression, repeated 60/40 splits, internal validation)"

CANDIDATE_PATHS = [
    ROOT.parent / "shared" / "data" / "breath_analysis" / "medical_study_data.csv",
    ROOT / ".." / "shared" / "data" / "breath_analysis" / "medical_study_data.csv",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--permutations", type=int, default=100, help="label shuffles of the whole model choice")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = args.file or next((p for p in CANDIDATE_PATHS if p.is_file()), None)
    if path is None or not path.is_file():
        print(
            "breath_analysis data not found (expected ../shared/data/breath_analysis/medical_study_data.csv); "
            "nothing to validate. It is public data we do not ship: see ../shared/data/README.md.",
            file=sys.stderr,
        )
        return 0
    results = {}
    tables = (("sensors", None, "S*_T*"), ("clinical only (age, smoking)", None, "Age,Smoking"),
              ("sensors+age+smoking", "Age,Smoking", "S*_T*"))  # fmt: skip
    oof_sensors = None
    for label, clinical, columns in tables:
        ds = read_feature_table(path, label="Group", clinical=clinical, feature_columns=columns, sep=";")
        per_candidate = {}
        for name in CANDIDATES:
            aucs, first = [], None
            for seed in range(args.seeds):
                folds, design = outer_folds(ds, n_splits=5, seed=seed)
                p = out_of_fold(name, ds, folds, seed=seed)
                auc, ci = auc_with_ci(ds.y, p, groups=ds.subject, n_boot=2000, seed=seed)
                aucs.append(auc)
                if first is None:
                    first = (auc, ci)
                    if label == "sensors" and name == "logreg":
                        oof_sensors = p
            per_candidate[name] = {
                "auc_mean_over_seeds": float(np.mean(aucs)),
                "auc_range_over_seeds": [float(np.min(aucs)), float(np.max(aucs))],
                "auc_seed0": first[0],
                "auc_ci_seed0": list(first[1]),
            }
        results[label] = {"design": design, "n": len(ds), "n_cancer": int(ds.y.sum()), "candidates": per_candidate}
    sensors = read_feature_table(path, label="Group", clinical="Age,Smoking", feature_columns="S*_T*", sep=";")
    headline = results["sensors"]["candidates"]["logreg"]["auc_seed0"]
    findings = confounding_audit(sensors, breath_scores=oof_sensors, headline_auc=headline)
    results["confounding"] = [f.as_dict() for f in findings]
    if args.permutations > 0:
        only_sensors = read_feature_table(path, label="Group", feature_columns="S*_T*", sep=";")
        results["permutation"] = permutation_test(only_sensors, n_permutations=args.permutations,
                                                  progress=not args.json).as_dict()  # fmt: skip
    results["thesis_claim"] = THESIS_CLAIM
    lscm = read_feature_table(path, label="Group", feature_columns="lscm", sep=";")
    from sklearn.metrics import roc_auc_score

    results["leak_check_lscm_auc"] = float(roc_auc_score(lscm.y, lscm.X[:, 0]))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{path.name}: {results['sensors']['n']} participants ({results['sensors']['n_cancer']} lung cancer)")
    print(f"CV: {results['sensors']['design']}, {args.seeds} seeds; CI: subject bootstrap (seed 0)")
    print(f"source thesis: {THESIS_CLAIM}")
    for label, _, _ in tables:
        print(f"\n{label}")
        for name, r in results[label]["candidates"].items():
            print(
                f"  {name:7s} AUC {r['auc_seed0']:.3f} (95% CI {r['auc_ci_seed0'][0]:.3f}-{r['auc_ci_seed0'][1]:.3f}); "
                f"mean over seeds {r['auc_mean_over_seeds']:.3f} [{r['auc_range_over_seeds'][0]:.3f}-{r['auc_range_over_seeds'][1]:.3f}]"
            )
    if "permutation" in results:
        perm = results["permutation"]
        print(f"\npermutation test (sensors, whole model choice, {perm['n_permutations']} shuffles): best AUC "
              f"{perm['observed_auc']:.3f}, p = {perm['permutation_p']:.3f}; null AUC mean {perm['null_auc_mean']:.3f}, "
              f"95th percentile {perm['null_auc_p95']:.3f}")  # fmt: skip
    print("\nconfounding audit (could something else explain the label?)")
    for f in findings:
        interval = "" if f.auc_ci is None else f" ({f.auc_ci[0]:.2f}-{f.auc_ci[1]:.2f})"
        print(f"  [{f.severity}] {f.code}: AUC {f.auc:.2f}{interval}: {f.message}")
        for stratum, value in (f.detail.get("strata") or {}).items():
            print(f"      sensors' AUC within {stratum}: {value['auc']:.3f} (n = {value['n']})")
    print(f"\n(left out: lscm alone has AUC {results['leak_check_lscm_auc']:.3f} - derived from the diagnosis)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
