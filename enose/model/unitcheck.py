# ruff: noqa: N806  (X: the scikit-learn naming convention for data matrices)
"""How a model's zones behave on units it never saw: the same people breathing into every new unit.

Why the same people: the between-unit spread of a model's output has to be told
apart from the spread between people. A cohort where each unit sees other subjects
mixes both (30 controls per unit already move a unit's median log-odds by about
0.3 by chance). Here one simulated cohort (:func:`~enose.model.cohort.make_world`)
is recorded on each of ``n_units`` new units (:func:`~enose.model.cohort.world_on_unit`),
each calibrated first as a technician would (zero air, dry then humidified), so
whatever differs between the units' outputs is the units (and, with
``separate_sites``, the site air each one stands in).

Reported per unit and pooled: the median log-odds of the control subjects, the
sensitivity and specificity at the refer threshold, the zones, and the green
zone's NPV at the model's stated prevalence; and the between-unit standard
deviation of the control medians.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enose.model.artifact import RiskModel
from enose.model.cohort import CohortParams, draw_site_air, make_world, simulate_world, world_on_unit
from enose.model.features import dataset_from_store
from enose.model.metrics import metrics_at_threshold
from enose.model.zones import assign_zone
from enose.security.signin import installation_owner  # a simulated cohort's database has no accounts
from enose.storage.store import Store

__all__ = ["UnitCheck", "unit_transfer_check"]


@dataclass
class UnitCheck:
    """The result of :func:`unit_transfer_check` (``as_dict`` for JSON and the model card)."""

    design: dict
    units: list[dict]
    pooled: dict
    between_unit_sd: float

    def as_dict(self) -> dict:
        return {"design": self.design, "units": self.units, "pooled": self.pooled,
                "between_unit_sd_control_log_odds": self.between_unit_sd}  # fmt: skip


def _zone_counts(p: np.ndarray, inconclusive: np.ndarray, model: RiskModel) -> dict[str, int]:
    zones = np.where(inconclusive, "inconclusive", assign_zone(p, model.thresholds))
    return {z: int((zones == z).sum()) for z in ("green", "orange", "red", "inconclusive")}


def _npv_green(y: np.ndarray, p: np.ndarray, model: RiskModel) -> float | None:
    """NPV of the green zone at the model's stated prevalence (Bayes' rule), None when no one is green."""
    m = metrics_at_threshold(y, p, model.thresholds.rule_out)
    return None if m.tn + m.fn == 0 else float(m.npv_at_prevalence(model.thresholds.prevalence))


def unit_transfer_check(
    model: RiskModel,
    *,
    n_units: int = 8,
    n_subjects: int = 240,
    seed: int = 4242,
    separate_sites: bool = False,
    work_dir: str | Path | None = None,
    cohort: CohortParams | None = None,
) -> UnitCheck:
    """Record one simulated cohort on ``n_units`` new units and score it with ``model``.

    Args:
        n_units: new units (serials ``UNITCHK-<seed>-NN``, never used in training).
        n_subjects: subjects of the cohort (each recorded on every unit).
        seed: the cohort's seed (its people, and the site air with ``separate_sites``).
        separate_sites: each unit stands at its own new site (its own room air), as units
            spread over a multi-site study do; default: all at one new site, which isolates the units.
        work_dir: where the per-unit databases go (default: a temporary directory).
        cohort: the cohort's other parameters (default: the simulator's defaults, one site).
    """
    params = cohort or CohortParams(n_subjects=n_subjects, n_sites=1, n_devices=1, seed=seed, site_prefix="UNITCHK")
    world = make_world(params)
    rng = np.random.default_rng([seed, 0x517E])
    folder = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="enose-unitcheck-"))
    folder.mkdir(parents=True, exist_ok=True)
    units, ys, ps, oods = [], [], [], []
    for k in range(n_units):
        serial = f"UNITCHK-{seed % 1000:03d}-{k + 1:02d}"
        environment = draw_site_air(rng, params) if separate_sites else None
        db = folder / f"{serial}.db"
        db.unlink(missing_ok=True)
        simulate_world(db, world_on_unit(world, serial, environment))
        with Store.open(db) as store:
            ds, _ = dataset_from_store(store, user=installation_owner(store), clinical=list(model.clinical_names))
        ds = ds.select_features(ds.feature_names[i] for i in model.check_features(ds.feature_names,
                                                                                   ds.processing_version))  # fmt: skip
        p = model.predict_proba(ds.X)
        ood = np.any(model.ood_ratios(ds.X) > 1.0, axis=1)
        controls = ds.y == 0
        with np.errstate(divide="ignore"):
            log_odds = np.log(p / (1 - p))
        at_refer = metrics_at_threshold(ds.y, p, model.thresholds.refer)
        units.append({
            "serial": serial,
            "n": int(ds.y.size),
            "n_cancer": int(ds.y.sum()),
            "median_control_log_odds": float(np.median(log_odds[controls])),
            "sensitivity_at_refer": at_refer.sensitivity,
            "specificity_at_refer": at_refer.specificity,
            "zones": _zone_counts(p, ood, model),
            "room_rh_pct": None if environment is None else round(environment.room_rh_pct, 1),
        })  # fmt: skip
        ys.append(ds.y)
        ps.append(p)
        oods.append(ood)
    y, p, ood = np.concatenate(ys), np.concatenate(ps), np.concatenate(oods)
    at_refer = metrics_at_threshold(y, p, model.thresholds.refer)
    medians = np.array([u["median_control_log_odds"] for u in units])
    pooled = {
        "n": int(y.size),
        "n_cancer": int(y.sum()),
        "sensitivity_at_refer": at_refer.sensitivity,
        "sensitivity_ci": list(at_refer.sensitivity_ci),
        "specificity_at_refer": at_refer.specificity,
        "specificity_ci": list(at_refer.specificity_ci),
        "npv_green_at_prevalence": _npv_green(y, p, model),
        "prevalence": model.thresholds.prevalence,
        "zones": _zone_counts(p, ood, model),
        "note": "the same subjects on every unit: pooled counts are not independent people; CIs treat them as such",
    }
    design = {"n_units": n_units, "n_subjects": params.n_subjects, "seed": seed, "separate_sites": separate_sites,
              "calibration": "zero air, dry then humidified (ICD revision 1.1), measured per unit"}  # fmt: skip
    sd = float(np.std(medians, ddof=1)) if n_units > 1 else float("nan")
    return UnitCheck(design, units, pooled, sd)
