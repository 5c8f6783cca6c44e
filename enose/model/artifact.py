# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""The persisted risk model: a skops file, its SHA-256, and a model card.

Layout of ``models/NAME/``::

    model.skops     the fitted pipelines and metadata (skops: no code runs on load)
    model.sha256    "<hex>  model.skops"
    card.json       the model card as data (intended use, data, metrics, thresholds, layout, versions)
    card.md         the same for people

Loading is refused (:class:`~enose.model.errors.ModelIntegrityError`) when the
file does not match its SHA-256, or when it holds any type outside
:data:`TRUSTED_TYPES`, an explicit allow-list checked with
``skops.io.get_untrusted_types`` before anything is built. Scoring is refused
(:class:`~enose.model.errors.ModelMismatchError`) for a device whose channel
layout, or a feature vector whose names, differ from the model's.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
import skops
import skops.io as sio

from enose import __version__
from enose.model.errors import ModelIntegrityError, ModelMismatchError
from enose.model.overlap import fingerprint_summary
from enose.model.training import CANDIDATES, TrainedModel
from enose.model.zones import ZoneThresholds

__all__ = ["TRUSTED_TYPES", "RiskModel", "save_model", "load_model", "sha256_file", "FORMAT_VERSION"]

FORMAT_VERSION = 1
MODEL_FILE = "model.skops"
HASH_FILE = "model.sha256"

#: Types a model file may contain beyond skops' default-trusted ones. Anything else is refused.
TRUSTED_TYPES: tuple[str, ...] = (
    "enose.model.estimators.MahalanobisOOD",
    "enose.model.estimators.PLSDAClassifier",
    "enose.model.estimators.PositiveLog",
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.model_selection._split.GroupKFold",
)

NOT_FOR_CLINICAL_USE = (
    "NOT FOR CLINICAL USE. Trained and validated on simulated data only; it has no clinical validity "
    "and must not inform any decision about a real person."
)


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class RiskModel:
    """A loaded (or freshly trained) model, ready to score feature vectors.

    Attributes mirror :class:`~enose.model.training.TrainedModel`; ``model_id``
    is ``NAME-<first 12 hex of the SHA-256>``, ``sha256`` the file's hash.
    """

    trained: TrainedModel
    name: str
    sha256: str
    card: dict
    path: Path | None = None

    @property
    def model_id(self) -> str:
        return f"{self.name}-{self.sha256[:12]}"

    @property
    def thresholds(self) -> ZoneThresholds:
        return self.trained.thresholds

    @property
    def feature_names(self) -> list[str]:
        return self.trained.feature_names

    @property
    def clinical_names(self) -> list[str]:
        return self.trained.clinical_names

    @property
    def layout(self) -> list[dict] | None:
        return self.trained.layout

    @property
    def processing_version(self) -> str | None:
        return self.trained.processing_version

    @property
    def training_phase_durations(self) -> dict[str, float]:
        """Median phase durations (s) of the training sessions (from the hashed artifact); empty for an
        external table or a model saved before they were recorded."""
        return dict((self.trained.scope or {}).get("phase_durations_s") or {})

    @property
    def training_units(self) -> list[str]:
        """Serial numbers of the devices whose sessions trained the model (from the hashed artifact);
        empty for an external table or a model saved before they were recorded."""
        return list((self.trained.scope or {}).get("units") or [])

    @property
    def training_fingerprint(self) -> dict | None:
        """Keyed hashes of the training subjects and rows (from the hashed artifact; see
        :mod:`enose.model.overlap`); None for a model saved before they were recorded."""
        return (self.trained.scope or {}).get("training_fingerprint") or None

    # -- compatibility checks --------------------------------------------------------

    def check_layout(self, layout: list[dict] | None) -> None:
        """Refuse a device whose channels (kind, name, unit, INFO order) differ from the model's."""
        if self.layout is None:
            return  # a model from an external table has no device layout
        if layout is None:
            raise ModelMismatchError(f"model {self.model_id} needs the device's channel layout, none was given")
        mine = [(int(c["kind"]), str(c["name"]), str(c["unit"])) for c in self.layout]
        theirs = [(int(c["kind"]), str(c["name"]), str(c["unit"])) for c in layout]
        if mine != theirs:
            names = ", ".join(n for _, n, _ in mine)
            got = ", ".join(n for _, n, _ in theirs)
            raise ModelMismatchError(
                f"model {self.model_id} was trained for a device with {len(mine)} channels ({names}); "
                f"this device reports {len(theirs)} ({got}). Use a model trained for this device's layout."
            )

    def check_features(self, names: list[str], processing_version: str | None = None) -> np.ndarray:
        """Refuse features that lack one of the model's (or come from another processing version).

        A model may use a subset of the computed features (e.g. those that transfer between
        units); returns the column index of each of the model's features in ``names``, in the
        model's order.
        """
        names = list(names)
        missing = [n for n in self.feature_names if n not in names]
        if missing or len(set(names)) != len(names):
            detail = (f"missing {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}" if missing
                      else "repeated feature names")  # fmt: skip
            raise ModelMismatchError(
                f"model {self.model_id} expects {len(self.feature_names)} features; got {len(names)} ({detail})"
            )
        if processing_version and self.processing_version and processing_version != self.processing_version:
            raise ModelMismatchError(
                f"model {self.model_id} was trained on features of processing version {self.processing_version}; "
                f"these are version {processing_version}. Retrain the model or use the matching software."
            )
        position = {name: i for i, name in enumerate(names)}
        return np.array([position[n] for n in self.feature_names], dtype=np.intp)

    # -- prediction --------------------------------------------------------------------

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """``(n,)`` probability of cancer for ``(n, n_columns)`` rows (features then clinical)."""
        return self.trained.pipeline.predict_proba(np.atleast_2d(X))[:, 1]

    def predict_interval(self, X: np.ndarray, coverage: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Bootstrap-ensemble percentile interval of the probability, each ``(n,)``.

        It shows how much the estimate depends on which subjects were in the
        training set (model uncertainty), not the chance that this person has cancer.
        """
        X = np.atleast_2d(X)
        if not self.trained.bootstrap:
            p = self.predict_proba(X)
            return p, p
        draws = np.stack([m.predict_proba(X)[:, 1] for m in self.trained.bootstrap])
        alpha = (1 - coverage) / 2
        return np.quantile(draws, alpha, axis=0), np.quantile(draws, 1 - alpha, axis=0)

    def ood_ratios(self, X: np.ndarray) -> np.ndarray:
        """``(n, 2)`` [T², Q] distances over their limits for the feature part; > 1 is out of distribution."""
        k = len(self.feature_names)
        return self.trained.ood.transform(np.atleast_2d(X)[:, :k])


def _ood_text(limits: dict | None) -> str:
    text = "Hotelling T² and Q residual of the log features in the training PCA space; either over its limit -> inconclusive"
    if limits:
        text += (
            f"; limits widened x{limits['t2_factor']:.2f} (T²) and x{limits['q_factor']:.2f} (Q) so that "
            f"{limits['held_out_quantile']:.0%} of the cross-validation's held-out sites (new site air, new units) "
            "fall within them"
        )
    return text


def _card(model: TrainedModel, name: str, sha: str, report: dict, simulated: bool, extra: dict | None) -> dict:
    locked = report.get("locked", {})
    return {
        "model_id": f"{name}-{sha[:12]}",
        "name": name,
        "sha256": sha,
        "format_version": FORMAT_VERSION,
        "not_for_clinical_use": NOT_FOR_CLINICAL_USE if simulated else None,
        "intended_use": (
            "Research prototype. Estimates, from one exhaled-breath recording of an adult at risk of lung "
            "cancer, the probability that a lung cancer is present, to support a conversation about CT "
            "referral. It is not a diagnosis and does not replace CT or a clinician's judgement."
        ),
        "out_of_scope": [
            "people under 18, or outside the age and smoking ranges of the training data",
            "devices with another channel layout, or features from another processing version (refused)",
            "recordings that fail the quality gate (blocked) or look unlike the training data (inconclusive)",
        ],
        "candidate": model.candidate,
        "candidate_description": CANDIDATES.get(model.candidate, model.candidate),
        "training": report,
        "thresholds": model.thresholds.as_dict(),
        "zones": {
            "red": f"p >= {model.thresholds.refer:.4f}: refer for CT",
            "orange": f"{model.thresholds.rule_out:.4f} <= p < {model.thresholds.refer:.4f}: discuss / repeat",
            "green": f"p < {model.thresholds.rule_out:.4f}: no breath signal of cancer now",
        },
        "limitations": [
            "The ranking (AUC) is checked on a new site and unit (locked site); the absolute probability, and so "
            "the zone, holds on a new unit only as far as the model's inputs are free of what differs between "
            "units (sensor gain, humidity response: compensated with each unit's humidity calibration) and "
            "between sites (room air). Read the locked-site zones before relying on a zone from a unit or a site "
            "the model has not seen.",
        ],
        "training_fingerprint": fingerprint_summary((model.scope or {}).get("training_fingerprint")),
        "uncertainty": f"90% percentile interval of a {len(model.bootstrap)}-model subject-bootstrap ensemble",
        "ood": _ood_text(report.get("ood_limits")),
        "features": list(model.feature_names),
        "clinical": list(model.clinical_names),
        "channel_layout": model.layout,
        "processing_version": model.processing_version,
        "headline": {
            "cv_auc": report.get("chosen_oof_auc"),
            "cv_auc_ci": report.get("chosen_oof_auc_ci"),
            "locked_auc": locked.get("auc"),
            "locked_auc_ci": locked.get("auc_ci"),
        },
        "versions": {
            "enose": __version__,
            "scikit-learn": sklearn.__version__,
            "skops": skops.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        **(extra or {}),
    }


def _fmt(x, d=3) -> str:
    return "-" if x is None else f"{x:.{d}f}"


def _validation_sections(tr: dict) -> list[str]:
    """Site-level intervals, the permutation test and the confounding audit of a training report, as card lines."""
    lines: list[str] = []
    site = tr.get("site_level")
    if site:
        def ci(pair) -> str:
            return "-" if not pair else f"{pair[0]:.3f}-{pair[1]:.3f}"

        lines += ["", "## Uncertainty a new site would see (out-of-fold, training sites)", "",
                  f"- {site['method']}, {site['n_sites']} sites: AUC {ci(site['auc_ci'])}; at the refer threshold "
                  f"sensitivity {ci(site['sensitivity_ci'])}, specificity {ci(site['specificity_ci'])} (the subject "
                  "bootstrap's intervals are in the comparison table above)",
                  "- calibration-in-the-large per site (mean predicted risk minus observed rate): "
                  + ", ".join(f"{name} {v['calibration_in_the_large']:+.3f} (n = {v['n']})"
                              for name, v in site["per_site"].items())]  # fmt: skip
    perm = tr.get("permutation")
    if perm:
        lines += ["", "## Permutation test (is the AUC more than chance?)", ""]
        if perm.get("permutation_p") is None:
            lines.append(f"- {perm.get('note', 'not run')}")
        else:
            lines.append(f"- {perm['n_permutations']} label shuffles of the whole model choice ({perm['design']}): "
                         f"p = {perm['permutation_p']:.4f}; null AUC mean {perm['null_auc_mean']:.3f}, 95th "
                         f"percentile {perm['null_auc_p95']:.3f}, highest {perm['null_auc_max']:.3f}; observed "
                         f"{perm['observed_auc']:.3f}")  # fmt: skip
    findings = tr.get("confounding")
    if findings is not None:
        lines += ["", "## Confounding audit (could something else explain the label?)", ""]
        warned = [f for f in findings if f["severity"] == "warn"]
        lines.append("- **Warning: " + "; ".join(f["message"] for f in warned) + ".**" if warned else
                     "- no finding could explain a material part of the AUC")  # fmt: skip
        for f in findings:
            auc = "-" if f["auc"] is None else f"{f['auc']:.3f}"
            interval = "" if not f.get("auc_ci") else f" ({f['auc_ci'][0]:.3f}-{f['auc_ci'][1]:.3f})"
            lines.append(f"- [{f['severity']}] {f['code']}: AUC {auc}{interval}: {f['message']}")
    return lines


def _central_lines(central: dict) -> list[str]:
    """The pooled data a model was trained on (:meth:`enose.research.CentralSource.training_data`), as card lines."""
    lines = [
        "",
        "## Central study database (pooled data)",
        "",
        f"- database {central['instance_uuid']} (schema v{central['schema_version']}), read {central['read_at']}; "
        f"processing version {central['processing_version']}",
        f"- {central['n_sessions']} sessions; SHA-256 of the rows used: `{central['rows_sha256']}` "
        f"({central['rows_recipe']})",
    ]
    for site in central["sites"]:
        anchor = site.get("audit_anchor")
        state = ("no audit anchor" if anchor is None else
                 f"audit chain anchored at entry {anchor['audit_id']} (`{anchor['hash'][:16]}...`, "
                 f"{anchor['anchored_at']}, {'signed' if anchor['signed'] else 'unsigned'})")  # fmt: skip
        lines.append(f"- site {site['site_code']} ({site['site_uuid']}): {site['n_sessions']} sessions of "
                     f"{site['n_subjects']} subjects; last sync {site['last_sync'] or '-'}; {state}")  # fmt: skip
    units = ", ".join(f"{u['serial']} ({', '.join(u['sites'])}, {u['n_sessions']})" for u in central["units"])
    lines.append(f"- units: {units or '-'}")
    return lines


def card_markdown(card: dict) -> str:
    t = card["thresholds"]
    tr = card["training"]
    locked = tr.get("locked", {})
    lines = [f"# Model card: {card['model_id']}", ""]
    if card.get("not_for_clinical_use"):
        lines += [f"**{card['not_for_clinical_use']}**", ""]
    lines += [
        "## Intended use",
        "",
        card["intended_use"],
        "",
        "Out of scope: " + "; ".join(card["out_of_scope"]) + ".",
        "",
        "## Training data",
        "",
    ]
    data = tr["training_data"]
    lines += [
        f"- source: {data['source']}",
        f"- {data['n_sessions']} sessions, {data['n_subjects']} subjects ({data['n_cancer']} cancer, {data['n_control']} control)",
        f"- sites: {', '.join(data['sites']) or '-'}; devices: {', '.join(data['devices']) or '-'}",
        f"- {data['n_features']} e-nose features; clinical variables: {', '.join(data['clinical']) or 'none'}",
    ]
    if card.get("cohort"):
        lines.append(f"- simulated cohort parameters: `{json.dumps(card['cohort'], sort_keys=True)}`")
    if card.get("central"):
        lines += _central_lines(card["central"])
    lines += [
        "",
        "## Validation design",
        "",
        f"- cross-validation: {tr['cv']['design']}; calibration inside each training fold: {tr['cv']['inner_calibration_cv']}",
        f"- locked validation: site {locked.get('site') or 'none'} with devices {', '.join(locked.get('devices', [])) or '-'} "
        "(never seen by training, model choice, calibration or thresholds)",
    ]
    per_block = [(", ".join(f["test_sites"]) or "block", f.get("chosen_auc")) for f in tr["cv"].get("folds", [])]
    per_block = [(name, auc) for name, auc in per_block if auc is not None]
    if per_block:
        aucs = [auc for _, auc in per_block]
        lines.append(
            f"- chosen model's AUC on each held-out block, {min(aucs):.3f}-{max(aucs):.3f} (the spread between sites "
            "that a single site's CI does not show): " + ", ".join(f"{name} {auc:.3f}" for name, auc in per_block)
        )
    lines += [
        "",
        "## Model comparison (out-of-fold, training sites)",
        "",
        "| model | columns | AUC (95 % CI) | Brier | calibration slope |",
        "|---|---|---|---|---|",
    ]
    for row in tr["comparison"]:
        lines.append(
            f"| {row['name']}{' (chosen)' if row['name'] == tr['chosen'] and row['selectable'] else ''} | {row['columns']} | "
            f"{row['auc']:.3f} ({row['auc_ci'][0]:.3f}-{row['auc_ci'][1]:.3f}) | {row['brier']:.3f} | {row['calibration_slope']:.2f} |"
        )
    lines += _validation_sections(tr)
    lines += [
        "",
        "## Thresholds and zones",
        "",
        f"- red (refer for CT): p >= {t['refer']:.4f}; out-of-fold sensitivity {t['achieved_sensitivity']:.3f} (target {t['target_sensitivity']:.2f})",
        f"- green (rule out): p < {t['rule_out']:.4f}; out-of-fold NPV {_fmt(t['achieved_npv'])} at prevalence {t['prevalence']:.3f} (target {t['target_npv']:.2f})",
        "- orange: in between (discuss / repeat). See `enose.model.zones` for what the two thresholds mean together.",
        "",
    ]
    if locked.get("auc") is not None:
        lines += [
            "## Locked-site validation",
            "",
            f"- AUC {locked['auc']:.3f} (95 % CI {locked['auc_ci'][0]:.3f}-{locked['auc_ci'][1]:.3f}), n = {locked['n']} ({locked['n_cancer']} cancer)",
        ]
        for key, m in locked["thresholds"].items():
            lines.append(
                f"- at {key} threshold: sensitivity {_fmt(m['sensitivity'])} ({_fmt(m['sensitivity_ci'][0])}-{_fmt(m['sensitivity_ci'][1])}), "
                f"specificity {_fmt(m['specificity'])} ({_fmt(m['specificity_ci'][0])}-{_fmt(m['specificity_ci'][1])}), "
                f"PPV {_fmt(m['ppv'])}, NPV {_fmt(m['npv'])}"
            )
        lines.append(
            f"- calibration slope {_fmt(locked.get('calibration_slope'), 2)}, intercept {_fmt(locked.get('calibration_intercept'), 2)}"
        )
        zones = locked.get("zones", {})
        lines.append(
            "- zones as the clinic would see them: "
            + ", ".join(f"{z} {v['n']} ({v['n_cancer']} cancer)" for z, v in zones.items())
        )
        if locked.get("n_out_of_distribution"):
            lines.append(
                f"- {locked['n_out_of_distribution']} of {locked['n']} locked-site sessions are out of the training "
                "distribution (new site air and device): they are 'inconclusive, repeat', not scored into a zone. "
                "The ranking (AUC) transports; the absolute risk and thresholds do not, without calibration "
                "transfer of the new device and site."
            )
        lines.append("")
    if card.get("transfer"):
        lines += ["## Calibration transfer between units", ""] + [f"- {text}" for text in card["transfer"]] + [""]
    for key, title in (("unit_check", "Zones on units never seen in training"),
                       ("fresh_site_check", "Check on a fresh simulated site")):  # fmt: skip
        if card.get(key, {}).get("text"):
            lines += [f"## {title}", ""] + [f"- {text}" for text in card[key]["text"]] + [""]
    if card.get("limitations"):
        lines += ["## Known limitations", ""] + [f"- {text}" for text in card["limitations"]] + [""]
    if tr.get("warnings"):
        lines += ["## Warnings", ""] + [f"- {text}" for text in tr["warnings"]] + [""]
    lines += ["## Uncertainty and out-of-distribution", "", f"- {card['uncertainty']}", f"- {card['ood']}", ""]
    fingerprint = card.get("training_fingerprint")
    if fingerprint:
        subjects = "no subject ids" if fingerprint["n_subjects"] is None else f"{fingerprint['n_subjects']} subject ids"
        lines += [
            f"- training fingerprint: {subjects} and {fingerprint['n_rows']} rows ({fingerprint['method']}); "
            "`enose evaluate` uses it to report whether its data overlap the training data",
            "",
        ]
    lines += ["## Inputs", ""]
    if card["channel_layout"]:
        lines.append(
            "Channel layout (INFO order): " + ", ".join(f"{c['name']} ({c['unit']})" for c in card["channel_layout"])
        )
    lines.append(f"Processing version: {card['processing_version'] or '-'}")
    lines.append("Features: " + ", ".join(card["features"]))
    lines += ["", "## Versions", ""]
    lines += [f"- {k}: {v}" for k, v in card["versions"].items()]
    lines += ["", f"SHA-256 of model.skops: `{card['sha256']}`", ""]
    return "\n".join(lines)


def _payload(model: TrainedModel) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "pipeline": model.pipeline,
        "bootstrap": list(model.bootstrap),
        "ood": model.ood,
        "reference": np.asarray(model.reference, dtype=np.float64),
        "feature_names": list(model.feature_names),
        "clinical_names": list(model.clinical_names),
        "thresholds": model.thresholds.as_dict(),
        "candidate": model.candidate,
        "layout": model.layout,
        "processing_version": model.processing_version,
        "scope": model.scope,
    }


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a skops archive so that the same content always gives the same bytes.

    skops numbers objects with Python's ``id()`` (memory addresses, in
    ``__id__`` fields and in the ``<id>.npy`` member names) and stamps members
    with the current time, so one model saved twice would get two SHA-256
    digests. Ids are renumbered in order of first appearance (the loader only
    uses them to match references to the same object), members are sorted and
    dated 1980-01-01. A model's identity then depends on its content only.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    schema = json.loads(source.read("schema.json"))
    mapping: dict[str, str] = {}

    def renumber(raw: str) -> str:
        return mapping.setdefault(raw, str(len(mapping) + 1))

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "__id__" and isinstance(value, int):
                    node[key] = int(renumber(str(value)))
                elif key == "file" and isinstance(value, str) and value.endswith(".npy"):
                    node[key] = renumber(value[: -len(".npy")]) + ".npy"
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    members = {"schema.json": json.dumps(schema, indent=2).encode()}
    for info in source.infolist():
        if info.filename != "schema.json":
            stem = info.filename[: -len(".npy")] if info.filename.endswith(".npy") else None
            name = f"{mapping[stem]}.npy" if stem in mapping else info.filename
            members[name] = source.read(info.filename)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(members):
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, members[name], compresslevel=9)
    return out.getvalue()


def save_model(
    model: TrainedModel,
    out_dir: str | Path,
    *,
    report: dict | None = None,
    simulated: bool = True,
    extra_card: dict | None = None,
) -> RiskModel:
    """Write ``model.skops``, ``model.sha256``, ``card.json`` and ``card.md`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = reproducible_zip(sio.dumps(_payload(model), compression=zipfile.ZIP_DEFLATED, compresslevel=9))
    (out / MODEL_FILE).write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    (out / HASH_FILE).write_text(f"{sha}  {MODEL_FILE}\n", encoding="ascii")
    name = out.name
    card = _card(model, name, sha, report or model.training, simulated, extra_card)
    (out / "card.json").write_text(json.dumps(card, indent=2, default=float), encoding="utf-8")
    (out / "card.md").write_text(card_markdown(card), encoding="utf-8")
    return RiskModel(model, name, sha, card, out)


def load_model(path: str | Path, *, expected_sha256: str | None = None) -> RiskModel:
    """Load ``models/NAME`` (or its ``model.skops``), refusing a file that fails its hash or holds untrusted types.

    ``expected_sha256`` defaults to the one in ``model.sha256``; ``card.json``,
    when present, must agree with it.
    """
    path = Path(path)
    directory = path.parent if path.suffix == ".skops" else path
    file = directory / MODEL_FILE
    if not file.is_file():
        raise ModelIntegrityError(f"no model file {file} (train one with `enose train`)")
    data = file.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if expected_sha256 is None:
        hash_file = directory / HASH_FILE
        if not hash_file.is_file():
            raise ModelIntegrityError(f"{hash_file} is missing: the model's integrity cannot be checked")
        expected_sha256 = hash_file.read_text(encoding="ascii").split()[0]
    card_file = directory / "card.json"
    card = json.loads(card_file.read_text(encoding="utf-8")) if card_file.is_file() else {}
    if actual != expected_sha256.lower() or (card and card.get("sha256") != actual):
        raise ModelIntegrityError(
            f"{file} fails its SHA-256 check (expected {expected_sha256[:12]}..., file is {actual[:12]}...): "
            "it was modified or corrupted; restore it or retrain"
        )
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as error:  # a file that is not a skops archive
        raise ModelIntegrityError(f"{file} is not a readable skops model: {error}") from error
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelIntegrityError(f"{file} holds types outside the allow-list, refused: {', '.join(refused)}")
    payload = sio.loads(data, trusted=sorted(set(untrusted)))
    if payload.get("format_version") != FORMAT_VERSION:
        raise ModelIntegrityError(
            f"{file} has format {payload.get('format_version')}, this software reads {FORMAT_VERSION}"
        )
    trained = TrainedModel(
        pipeline=payload["pipeline"],
        bootstrap=list(payload["bootstrap"]),
        ood=payload["ood"],
        reference=np.asarray(payload["reference"]),
        feature_names=list(payload["feature_names"]),
        clinical_names=list(payload["clinical_names"]),
        thresholds=ZoneThresholds(**payload["thresholds"]),
        candidate=payload["candidate"],
        training=card.get("training", {}),
        layout=payload["layout"],
        processing_version=payload["processing_version"],
        scope=payload.get("scope"),
    )
    return RiskModel(trained, directory.name, actual, card, directory)


def default_model_dir() -> Path | None:
    """The model used when none is named: ``ENOSE_MODEL``, else the demo model beside the sources.

    One rule for the CLI and the GUI (both call this), so they always score with the same model.
    """
    import os

    named = os.environ.get("ENOSE_MODEL")
    if named:
        return Path(named)
    bundled = Path(__file__).resolve().parents[2] / "models" / "demo"
    return bundled if (bundled / "model.skops").is_file() else None
