"""Calibration transfer between twin e-nose units on real data: MS2.2 mapped onto MS2.1.

Data: ``../shared/data/breath_analysis/MS_2.1_-_2.2._Samples_indidual_VOCs.csv``
(Kononov, Saint Petersburg State University; public, no licence stated: read
where it lies, never copied into the repository). 21 gas samples (propan-1-ol,
n-heptane, o-xylene at 7 concentrations each) measured on two twin units, 2
parallels each; 18 responses = 6 MOX sensors x 3 heater temperatures.

Which unit is which: ``EN_set`` 1 is MS2.1 (the master), 2 is MS2.2 (the
slave). The file itself does not say; the thesis' own notebook
(``camberbatch/Breath_analysis``, Chapter 4, calibration transfer) takes
``EN_set == 1`` as master and labels it "MS 2.1" in its PCA legend, and the
file name lists the units in that order.

Pairing and draws: the unit drawn at random is the *gas sample*. A draw takes
k of the 21 samples as transfer samples and fits the map on their parallels
averaged per unit (geometric mean: transfer standards are measured in
replicate, as they were here). It is evaluated on the 21 - k other samples
only, parallel by parallel: parallel p on MS2.2 against parallel p on MS2.1,
so each evaluation pair carries the noise of one real measurement per unit,
as a patient's breath would (the parallels of one unit differ by a median
0.012 decades). ``--fit-parallels one`` fits on one randomly chosen parallel
of each transfer sample instead (stricter: k single measurements).

Metric: per draw, median over held-out pairs and the 18 responses of
``|log10(MS2.1 / transferred MS2.2)|``; reported: the median over draws
(with quartiles, and the Monte-Carlo standard error of that median from a
bootstrap over draws). Targets for the default method (fixed in code):
<= 0.05 at k = 5 and <= 0.036 at k = 10. Exit code 0 when met (or when the data
is absent: skipped), 1 when not.

Run: ``.venv/bin/python scripts/validate_transfer.py [--json] [--data DIR] [--draws 200] [--seed 0]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enose.signal.transfer import (  # noqa: E402
    DEFAULT_METHOD,
    LOG_METHODS,
    NonPositiveResponseError,
    apply_log_map,
    apply_raw_map,
    fit_ds_raw,
    fit_log_map,
    transfer_distance,
)

VOC_FILE = Path("breath_analysis") / "MS_2.1_-_2.2._Samples_indidual_VOCs.csv"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MASTER_SET, SLAVE_SET = "1", "2"  # EN_set: MS2.1, MS2.2 (see the module docstring)
KS = (3, 5, 10)
TARGETS = {5: 0.05, 10: 0.036}
METHODS = ("none", *LOG_METHODS, "ds_raw")
N_BOOT = 500


@dataclass(frozen=True)
class PairedData:
    """Parallel-by-parallel pairs and per-sample means of the two units.

    Attributes:
        master, slave: ``(n_pairs, n_responses)`` one parallel of one gas sample on MS2.1 / MS2.2.
        sample: ``(n_pairs,)`` gas-sample index of each pair, 0 .. n_samples - 1.
        master_mean, slave_mean: ``(n_samples, n_responses)`` geometric mean of each sample's parallels.
    """

    master: np.ndarray
    slave: np.ndarray
    sample: np.ndarray
    master_mean: np.ndarray
    slave_mean: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.master_mean.shape[0]


def read_rows(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The ``;``-separated file's rows and its response columns (``*_Int``)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    return rows, [c for c in rows[0] if c.endswith("_Int")]


def geometric_means(x: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """``(n_groups, n_responses)`` geometric mean of the rows of ``x`` per group (no loop over rows)."""
    acc = np.zeros((n_groups, x.shape[1]))
    np.add.at(acc, groups, np.log(x))
    return np.exp(acc / np.bincount(groups, minlength=n_groups)[:, None])


def read_pairs(path: Path) -> PairedData:
    """Pair each (Compound, Conc_ppm, Parallel) row of MS2.2 with the same row of MS2.1."""
    rows, cols = read_rows(path)
    by_unit: dict[str, dict[tuple[str, float, str], list[float]]] = {MASTER_SET: {}, SLAVE_SET: {}}
    for r in rows:
        key = (r["Compound"], float(r["Conc_ppm"]), r["Parallel"])
        if r["EN_set"] not in by_unit or key in by_unit[r["EN_set"]]:
            raise SystemExit(f"unexpected row in {path.name}: EN_set {r['EN_set']!r}, {key} (unknown set or duplicate)")
        by_unit[r["EN_set"]][key] = [float(r[c]) for c in cols]
    keys = sorted(by_unit[MASTER_SET])
    if keys != sorted(by_unit[SLAVE_SET]):
        raise SystemExit(f"{path.name}: the two units were not measured on the same samples")
    names = sorted({k[:2] for k in keys})
    sample = np.array([names.index(k[:2]) for k in keys])
    master = np.array([by_unit[MASTER_SET][k] for k in keys])
    slave = np.array([by_unit[SLAVE_SET][k] for k in keys])
    n = len(names)
    return PairedData(master, slave, sample, geometric_means(master, sample, n), geometric_means(slave, sample, n))


def fit_apply(method: str, slave_fit, master_fit, slave_eval) -> np.ndarray:
    """Fit ``method`` on the transfer pairs and map ``slave_eval`` (ds_raw may raise NonPositiveResponseError)."""
    if method == "none":
        return slave_eval
    if method == "ds_raw":
        return apply_raw_map(slave_eval, *fit_ds_raw(slave_fit, master_fit))
    return apply_log_map(slave_eval, *fit_log_map(slave_fit, master_fit, method))


def draw_split(
    rng: np.random.Generator, data: PairedData, k: int, fit_parallels: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One random draw: ``(slave_fit, master_fit)`` of k transfer samples, and the held-out pair rows."""
    chosen = rng.choice(data.n_samples, size=k, replace=False)
    candidates = data.sample[None, :] == chosen[:, None]  # (k, n_pairs)
    pick = rng.integers(0, candidates.sum(axis=1))  # drawn in both modes, so both see the same transfer sets
    held_out = np.flatnonzero(~candidates.any(axis=0))
    if fit_parallels == "mean":
        return data.slave_mean[chosen], data.master_mean[chosen], held_out
    rows = np.flatnonzero(candidates.ravel())  # per chosen sample, its pair rows in order
    first = np.concatenate([[0], np.cumsum(candidates.sum(axis=1))[:-1]])
    one = rows[first + pick] % data.sample.size
    return data.slave[one], data.master[one], held_out


def evaluate_k(data: PairedData, k: int, draws: int, seed: int, fit_parallels: str) -> dict[str, dict[str, float]]:
    """Each method's held-out distance over ``draws`` random transfer sets, summarised."""
    rng = np.random.default_rng((seed, k))
    dist = {m: np.full(draws, np.nan) for m in METHODS}
    for i in range(draws):
        slave_fit, master_fit, held = draw_split(rng, data, k, fit_parallels)
        for method in METHODS:
            try:
                mapped = fit_apply(method, slave_fit, master_fit, data.slave[held])
            except NonPositiveResponseError:
                continue  # a refused draw: counted in "refused"
            dist[method][i] = transfer_distance(data.master[held], mapped)
    boot = np.random.default_rng((seed, k, 1)).integers(0, draws, (N_BOOT, draws))
    return {m: summarise(d, boot) for m, d in dist.items()}


def summarise(d: np.ndarray, boot: np.ndarray) -> dict[str, float | None]:
    """Median, quartiles over draws, bootstrap SE of the median (None if a draw was refused); share refused.

    None rather than NaN where there is no number, so ``--json`` stays strict JSON.
    """
    ok = np.isfinite(d)
    if not ok.any():
        return {"median": None, "q25": None, "q75": None, "se": None, "refused": 1.0}
    q25, med, q75 = np.quantile(d[ok], [0.25, 0.5, 0.75])
    se = float(np.std(np.median(d[boot], axis=1))) if ok.all() else None
    return {"median": float(med), "q25": float(q25), "q75": float(q75), "se": se, "refused": float(1 - ok.mean())}


def run(data_dir: Path, draws: int, seed: int, fit_parallels: str) -> dict:
    data = read_pairs(data_dir / VOC_FILE)
    results = {str(k): evaluate_k(data, k, draws, seed, fit_parallels) for k in KS}
    default = {str(k): results[str(k)][DEFAULT_METHOD]["median"] for k in TARGETS}  # log-domain: never refused
    fit_text = "the geometric mean of its 2 parallels per unit" if fit_parallels == "mean" else "one random parallel"
    return {
        "data": str(data_dir / VOC_FILE),
        "master": "MS2.1 (EN_set 1)",
        "slave": "MS2.2 (EN_set 2)",
        "design": f"k random gas samples, each fitted on {fit_text}; evaluated parallel by parallel on the "
        "other samples",
        "fit_parallels": fit_parallels,
        "n_samples": data.n_samples,
        "n_pairs": int(data.sample.size),
        "n_responses": int(data.master.shape[1]),
        "draws": draws,
        "seed": seed,
        "uncorrected_all_pairs": transfer_distance(data.master, data.slave),
        "default_method": DEFAULT_METHOD,
        "targets": {str(k): t for k, t in TARGETS.items()},
        "default_distance": default,
        "meets_targets": all(default[str(k)] <= t for k, t in TARGETS.items()),
        "results": results,
    }


def cell(r: dict[str, float | None]) -> str:
    if r["median"] is None:
        return "refused 100%"
    text = f"{r['median']:.3f} [{r['q25']:.3f}-{r['q75']:.3f}]"
    return text + (f" refused {r['refused']:.0%}" if r["refused"] else "")


def print_table(res: dict) -> None:
    print(f"{res['data']}\n{res['slave']} -> {res['master']}: {res['n_samples']} gas samples, {res['n_pairs']} pairs")
    print(f"design: {res['design']}")
    print(f"{res['draws']} random transfer sets per k (seed {res['seed']}); per draw the held-out median")
    print("|log10(MS2.1 / transferred MS2.2)| (decades); shown: median over draws [quartiles over draws]\n")
    width = 34
    print(f"{'method':16s}" + "".join(f"{'k = ' + k:>{width}s}" for k in res["results"]))
    for method in METHODS:
        tag = " *" if method == DEFAULT_METHOD else ""
        print(f"{method + tag:16s}" + "".join(f"{cell(res['results'][k][method]):>{width}s}" for k in res["results"]))
    print(f"\n* default method. Uncorrected over all {res['n_pairs']} pairs: {res['uncorrected_all_pairs']:.3f}.")
    print("ds_raw (raw-domain DS, for comparison): a draw is refused when it maps a held-out response to <= 0;")
    print("its figure is over the accepted draws only (the easier ones).")
    verdict = "meets" if res["meets_targets"] else "MISSES"
    figures = ", ".join(
        f"k = {k}: {d:.4f} +- {res['results'][k][res['default_method']]['se']:.4f} (target <= {res['targets'][k]})"
        for k, d in res["default_distance"].items()
    )
    print(f"\ndefault method {res['default_method']!r} {verdict} the targets: {figures} (+- Monte-Carlo SE)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (holds breath_analysis/)"
    )
    parser.add_argument("--draws", type=int, default=200, help="random transfer sets per k")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fit-parallels", choices=("mean", "one"), default="mean", help="see the docstring")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    if not (args.data / VOC_FILE).is_file():
        msg = f"skipped: {args.data / VOC_FILE} not found (public data we do not ship; see ../shared/data/README.md)"
        print(json.dumps({"skipped": msg}) if args.json else msg)
        return 0
    if args.draws < 1:
        parser.error("--draws must be >= 1")
    res = run(args.data, args.draws, args.seed, args.fit_parallels)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print_table(res)
    return 0 if res["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
