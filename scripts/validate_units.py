"""Zones on units never seen in training: the same simulated people breathing into new units.

Run: ``.venv/bin/python scripts/validate_units.py [--model models/demo] [--units 8] [--separate-sites]``
(about 1-2 minutes on 2 cores).

Each new unit is first calibrated as a technician would (zero air, dry then humidified,
ICD revision 1.1); one simulated cohort is then recorded on every unit and scored with
the model (:func:`enose.model.unitcheck.unit_transfer_check`). Prints, per unit and
pooled: the control subjects' median log-odds, sensitivity and specificity at the refer
threshold, the zones, and the between-unit SD of the control medians; ``--json`` prints
one JSON object. With ``--separate-sites`` each unit also stands in its own new site's
room air, as units of a multi-site study do.

Simulated data: the figures describe the software on the emulator's physics, not a clinical test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enose.model import load_model  # noqa: E402
from enose.model.unitcheck import unit_transfer_check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "demo")
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--subjects", type=int, default=240)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--separate-sites", action="store_true", help="each unit in its own new site's room air")
    parser.add_argument("--work", type=Path, default=None, help="keep the per-unit databases here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check = unit_transfer_check(load_model(args.model), n_units=args.units, n_subjects=args.subjects, seed=args.seed,
                                separate_sites=args.separate_sites, work_dir=args.work)  # fmt: skip
    if args.json:
        print(json.dumps(check.as_dict(), default=float))
        return 0
    print(f"{args.units} new units, {args.subjects} subjects each ({'own site each' if args.separate_sites else 'one site'})")
    print(f"{'unit':<18}{'ctrl log-odds':>14}{'sens':>7}{'spec':>7}   zones (green/orange/red/inconclusive)")
    for u in check.units:
        z = u["zones"]
        print(f"{u['serial']:<18}{u['median_control_log_odds']:>14.2f}{u['sensitivity_at_refer']:>7.2f}"
              f"{u['specificity_at_refer']:>7.2f}   {z['green']}/{z['orange']}/{z['red']}/{z['inconclusive']}")  # fmt: skip
    p = check.pooled
    npv = "-" if p["npv_green_at_prevalence"] is None else f"{p['npv_green_at_prevalence']:.3f}"
    print(f"pooled: sensitivity {p['sensitivity_at_refer']:.3f} ({p['sensitivity_ci'][0]:.3f}-{p['sensitivity_ci'][1]:.3f}), "
          f"specificity {p['specificity_at_refer']:.3f} ({p['specificity_ci'][0]:.3f}-{p['specificity_ci'][1]:.3f}), "
          f"green NPV {npv} at prevalence {p['prevalence']:.3f}")  # fmt: skip
    print(f"between-unit SD of the control subjects' median log-odds: {check.between_unit_sd:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
