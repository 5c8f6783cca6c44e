"""Validation report: metrics with CIs, plots and a self-contained markdown/HTML report.

It follows the STARD 2015 / TRIPOD+AI items that apply to a simulated cohort:
flow of sessions (scored, blocked by the quality gate, out of distribution),
the cross-validation design and the locked site, ROC with a bootstrap 95 % CI,
sensitivity / specificity / PPV / NPV at the pre-specified thresholds with
Wilson CIs, calibration (curve, slope, intercept), a decision curve, and
results per site and per device.

The report is built from plain data (``metrics.json``) and PNG plots drawn
with matplotlib's Agg backend, so it needs no display.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np

from enose.model.metrics import (
    auc_interval,
    auc_with_ci,
    brier_score,
    calibration_curve_points,
    calibration_slope_intercept,
    metrics_at_threshold,
    net_benefit_curve,
    roc_points,
    small_sample_warnings,
)
from enose.model.overlap import training_overlap
from enose.model.zones import ZoneThresholds, assign_zone

__all__ = ["headline_metrics", "write_report", "subgroup_table", "evaluate_model"]


def headline_metrics(
    y: np.ndarray,
    p: np.ndarray,
    thresholds: ZoneThresholds,
    *,
    groups: np.ndarray | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ood: np.ndarray | None = None,
) -> dict:
    """AUC with CI, calibration, and accuracy at both zone thresholds, as one JSON-able dict.

    Accuracy is of the probabilities of every session; ``ood`` (``(n,)`` bool),
    when given, adds the zones as the clinic would see them, with the
    out-of-distribution sessions 'inconclusive' (repeat) instead of green/orange/red.

    ``auc_ci_method`` says how the AUC interval was made (``bootstrap``, or ``score`` at small
    n, see :func:`~enose.model.metrics.auc_interval`) and ``warnings`` holds a sentence when a
    class has fewer than 10 subjects: the reader is told, not left to guess from the interval.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    out: dict = {"n": int(y.size), "n_cancer": int(y.sum()), "n_control": int((1 - y).sum())}
    if y.min() == y.max():
        out.update({"auc": None, "auc_ci": [None, None], "auc_ci_method": None})
    else:
        auc, ci, method = auc_interval(y, p, groups=groups, n_boot=n_boot, seed=seed)
        slope, intercept = calibration_slope_intercept(y, p)
        out.update({"auc": auc, "auc_ci": list(ci), "auc_ci_method": method, "calibration_slope": slope,
                    "calibration_intercept": intercept})  # fmt: skip
    out["warnings"] = small_sample_warnings(y, groups)
    out["brier"] = brier_score(y, p)
    refer = metrics_at_threshold(y, p, thresholds.refer)
    rule_out = metrics_at_threshold(y, p, thresholds.rule_out)
    out["thresholds"] = {
        "refer": {**refer.as_dict(), "meaning": "red zone: p >= threshold (sensitivity target)"},
        "rule_out": {**rule_out.as_dict(), "meaning": "green zone: p < threshold; NPV is of the green zone"},
    }
    zones = assign_zone(p, thresholds)
    names = ["green", "orange", "red"]
    if ood is not None:
        zones = np.where(np.asarray(ood, bool), "inconclusive", zones)
        names.append("inconclusive")
        out["n_out_of_distribution"] = int(np.sum(ood))
    out["zones"] = {z: {"n": int(np.sum(zones == z)), "n_cancer": int(np.sum((zones == z) & (y == 1)))} for z in names}
    return out


def subgroup_table(y: np.ndarray, p: np.ndarray, keys: np.ndarray, thresholds: ZoneThresholds, n_boot: int) -> list:
    """Per-site or per-device rows: n, AUC with CI, sensitivity at the refer threshold, specificity."""
    rows = []
    for key in sorted({str(k) for k in keys}):
        sel = np.asarray(keys).astype(str) == key
        yy, pp = y[sel], p[sel]
        m = metrics_at_threshold(yy, pp, thresholds.refer)
        row = {"group": key or "(unknown)", "n": int(sel.sum()), "n_cancer": int(yy.sum())}
        if 0 < yy.sum() < yy.size:
            auc, ci = auc_with_ci(yy, pp, n_boot=n_boot)
            row.update({"auc": auc, "auc_ci": list(ci)})
        else:
            row.update({"auc": None, "auc_ci": [None, None]})
        row.update({"sensitivity_refer": m.sensitivity, "specificity_refer": m.specificity})
        rows.append(row)
    return rows


def _plots(out_dir: Path, y: np.ndarray, p: np.ndarray, metrics: dict, thresholds: ZoneThresholds) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    paths = []
    fpr, tpr = roc_points(y, p)
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    ax.plot(
        fpr, tpr, lw=2, label=f"AUC {metrics['auc']:.3f} (95% CI {metrics['auc_ci'][0]:.3f}-{metrics['auc_ci'][1]:.3f})"
    )
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    for key, marker in (("refer", "o"), ("rule_out", "s")):
        m = metrics["thresholds"][key]
        ax.plot(1 - m["specificity"], m["sensitivity"], marker, ms=8, label=f"{key} threshold {m['threshold']:.3f}")
    ax.set(xlabel="1 - specificity", ylabel="sensitivity", title="ROC")
    ax.legend(loc="lower right", fontsize=7)
    paths.append(out_dir / "roc.png")
    fig.tight_layout()
    fig.savefig(paths[-1])
    plt.close(fig)

    curve = calibration_curve_points(y, p)
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    err = np.clip(
        np.array([np.subtract(curve["observed"], curve["low"]), np.subtract(curve["high"], curve["observed"])]), 0, 1
    )
    ax.errorbar(curve["predicted"], curve["observed"], yerr=err, fmt="o-", capsize=3, label="observed (Wilson 95% CI)")
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1, label="ideal")
    ax.set(
        xlabel="predicted probability",
        ylabel="observed fraction with cancer",
        title=f"Calibration: slope {metrics['calibration_slope']:.2f}, intercept {metrics['calibration_intercept']:.2f}",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax.title.set_fontsize(9)
    ax.legend(loc="upper left", fontsize=7)
    paths.append(out_dir / "calibration.png")
    fig.tight_layout()
    fig.savefig(paths[-1])
    plt.close(fig)

    dca = net_benefit_curve(y, p)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.plot(dca["threshold"], dca["model"], lw=2, label="model")
    ax.plot(dca["threshold"], dca["refer_all"], lw=1, label="refer all")
    ax.axhline(0, c="k", lw=1, label="refer none")
    for value in (thresholds.rule_out, thresholds.refer):
        ax.axvline(value, c="grey", ls=":", lw=1)
    ax.set(xlabel="threshold probability", ylabel="net benefit", title="Decision curve")
    ax.set_ylim(-0.05, max(0.05, float(np.max(dca["model"])) * 1.2))
    ax.legend(fontsize=7)
    paths.append(out_dir / "decision_curve.png")
    fig.tight_layout()
    fig.savefig(paths[-1])
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    bins = np.linspace(0, 1, 26)
    ax.hist(p[y == 0], bins=bins, alpha=0.6, label="control")
    ax.hist(p[y == 1], bins=bins, alpha=0.6, label="cancer")
    for value, name in ((thresholds.rule_out, "rule-out"), (thresholds.refer, "refer")):
        ax.axvline(value, c="k", ls="--", lw=1)
        ax.text(value, ax.get_ylim()[1] * 0.95, f" {name}", fontsize=7, va="top")
    ax.set(xlabel="predicted probability", ylabel="sessions", title="Predicted risk by diagnosis")
    ax.legend(fontsize=7)
    paths.append(out_dir / "risk_histogram.png")
    fig.tight_layout()
    fig.savefig(paths[-1])
    plt.close(fig)
    return paths


def _fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}"


def _ci(pair) -> str:
    return f"{_fmt(pair[0])}-{_fmt(pair[1])}"


def _ci_method_text(method: str | None, n_boot: int) -> str:
    if method == "score":
        return "Newcombe score interval: too few subjects, or too clean a separation, for a bootstrap"
    return f"subject-level bootstrap, {n_boot} replicates"


def _markdown(report: dict, images: list[Path]) -> str:
    m = report["metrics"]
    lines = [
        f"# Validation report: {report['model_id']}",
        "",
        "**Simulated data and a research prototype: not for clinical use.**" if report.get("simulated") else "",
        "",
        f"Data: {report['data']['source']}; {report['data']['n_sessions']} sessions of "
        f"{report['data']['n_subjects']} subjects ({report['data']['n_cancer']} cancer, {report['data']['n_control']} control).",
        "",
    ]
    if report.get("warnings"):
        lines += ["## Warnings", ""] + [f"- **{text}**" for text in report["warnings"]] + [""]
    lines += [
        "## Flow of sessions (STARD)",
        "",
        "| | sessions |",
        "|---|---|",
    ]
    for key, value in report["flow"].items():
        lines.append(f"| {key.replace('_', ' ')} | {value} |")
    lines += ["", "## Validation design", ""]
    for item in report["design"]:
        lines.append(f"- {item}")
    lines += [
        "",
        "## Discrimination and calibration",
        "",
        f"- AUC **{_fmt(m['auc'])}** (95 % CI {_ci(m['auc_ci'])}, {_ci_method_text(m.get('auc_ci_method'), report['n_boot'])})",
        f"- calibration slope {_fmt(m.get('calibration_slope'), 2)}, intercept {_fmt(m.get('calibration_intercept'), 2)}; Brier score {_fmt(m['brier'])}",
        "",
        "## Accuracy at the pre-specified thresholds",
        "",
        "| threshold | p | sensitivity (95 % CI) | specificity (95 % CI) | PPV (95 % CI) | NPV (95 % CI) | TP/FP/TN/FN |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, m2 in m["thresholds"].items():
        lines.append(
            f"| {key} | {_fmt(m2['threshold'])} | {_fmt(m2['sensitivity'])} ({_ci(m2['sensitivity_ci'])}) | "
            f"{_fmt(m2['specificity'])} ({_ci(m2['specificity_ci'])}) | {_fmt(m2['ppv'])} ({_ci(m2['ppv_ci'])}) | "
            f"{_fmt(m2['npv'])} ({_ci(m2['npv_ci'])}) | {m2['tp']}/{m2['fp']}/{m2['tn']}/{m2['fn']} |"
        )
    lines += ["", "Zones: " + ", ".join(f"{z} {v['n']} ({v['n_cancer']} cancer)" for z, v in m["zones"].items()), ""]
    lines += [
        "PPV and NPV are those of this cohort's prevalence "
        f"({m['n_cancer']}/{m['n']}); they do not transfer to a screening population.",
        "",
    ]
    for title, key in (("Per site", "per_site"), ("Per device", "per_device")):
        lines += [
            f"## {title}",
            "",
            "| group | n | cancer | AUC (95 % CI) | sensitivity (refer) | specificity (refer) |",
        ]
        lines.append("|---|---|---|---|---|---|")
        for row in report[key]:
            lines.append(
                f"| {row['group']} | {row['n']} | {row['n_cancer']} | {_fmt(row['auc'])} ({_ci(row['auc_ci'])}) | "
                f"{_fmt(row['sensitivity_refer'])} | {_fmt(row['specificity_refer'])} |"
            )
        lines.append("")
    lines += ["## Plots", ""]
    for image in images:
        lines.append(f"![{image.stem}]({image.name})")
    lines.append("")
    return "\n".join(lines)


def _html(markdown_text: str, images: list[Path]) -> str:
    """A self-contained HTML page: the markdown as preformatted text blocks, tables as tables, images inlined."""
    body: list[str] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if not table:
            return
        rows = [r for r in table if not set("".join(r)) <= set("-: ")]
        body.append("<table>")
        for i, row in enumerate(rows):
            tag = "th" if i == 0 else "td"
            body.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row) + "</tr>")
        body.append("</table>")
        table.clear()

    by_name = {p.name: p for p in images}
    for line in markdown_text.splitlines():
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush_table()
        if line.startswith("!["):
            name = line[line.index("(") + 1 : -1]
            data = base64.b64encode(by_name[name].read_bytes()).decode()
            body.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:]).replace('**', '')}</li>")
        elif line.strip():
            body.append(f"<p>{html.escape(line).replace('**', '')}</p>")
    flush_table()
    style = "body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}img{max-width:32em}"
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Validation report</title><style>{style}</style></head><body>{''.join(body)}</body></html>"


def write_report(
    out_dir: str | Path,
    *,
    model_id: str,
    y: np.ndarray,
    p: np.ndarray,
    thresholds: ZoneThresholds,
    subject: np.ndarray,
    site: np.ndarray,
    device: np.ndarray,
    data_summary: dict,
    flow: dict,
    design: list[str],
    n_boot: int = 1000,
    simulated: bool = True,
    ood: np.ndarray | None = None,
    independence: dict | None = None,
    warnings: list[str] | None = None,
    extra: dict | None = None,
) -> dict:
    """Compute every metric, draw the plots, write ``report.md``, ``report.html`` and ``metrics.json``.

    ``independence`` (from :func:`~enose.model.overlap.training_overlap`) and ``warnings``
    (sentences shown first in the report) are added by :func:`evaluate_model`. Returns the
    report dictionary (``metrics`` holds the headline numbers, ``warnings`` every warning).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    metrics = headline_metrics(y, p, thresholds, groups=subject, n_boot=n_boot, ood=ood)
    report = {
        "model_id": model_id,
        "simulated": simulated,
        "data": data_summary,
        "flow": flow,
        "design": design,
        "n_boot": n_boot,
        "metrics": metrics,
        "independence": independence,
        "warnings": [*(warnings or []), *metrics["warnings"]],
        "per_site": subgroup_table(y, p, site, thresholds, n_boot=min(n_boot, 300)),
        "per_device": subgroup_table(y, p, device, thresholds, n_boot=min(n_boot, 300)),
        "calibration_curve": calibration_curve_points(y, p),
        "decision_curve": net_benefit_curve(y, p),
        **(extra or {}),
    }
    images = _plots(out_dir, y, p, metrics, thresholds) if metrics["auc"] is not None else []
    text = _markdown(report, images)
    (out_dir / "report.md").write_text(text, encoding="utf-8")
    (out_dir / "report.html").write_text(_html(text, images), encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
    return report


def _confounding_of(ds, p: np.ndarray) -> list[dict]:
    """The confounding audit of an evaluation's input, with the model's scores for the within-strata check."""
    from enose.model.confounding import confounding_audit, recording_order

    order, name = recording_order(ds)
    findings = confounding_audit(ds, order=order, order_name=name, breath_scores=p)
    return [f.as_dict() for f in findings]


def evaluate_model(model, ds, out_dir: str | Path, *, flow: dict | None = None, n_boot: int = 1000) -> dict:
    """Score a :class:`~enose.model.dataset.Dataset` with a loaded model and write the validation report.

    The report states the model's own validation design (blocked CV, locked
    site), whether this data set's sites and devices were seen in training, and
    whether its subjects or rows trained the model (``report["independent"]``:
    True, False or "unknown", from the model's training fingerprint, see
    :mod:`enose.model.overlap`). Site and device names alone cannot show
    independence: an external table has none, and the same table re-read has
    the same (empty) ones.
    """
    if ds.layout is not None:
        model.check_layout(ds.layout)
    ds = ds.select_features(ds.feature_names[i] for i in model.check_features(ds.feature_names, ds.processing_version))
    if list(ds.clinical_names) != list(model.clinical_names):
        raise ValueError(
            f"the model uses clinical variables {model.clinical_names}; the data provide {ds.clinical_names}"
        )
    p = model.predict_proba(ds.X)
    ood = np.any(model.ood_ratios(ds.X) > 1.0, axis=1)
    training = model.card.get("training", {})
    trained_on = training.get("training_data", {})
    seen_sites = sorted(set(trained_on.get("sites", [])) & {str(s) for s in ds.site if s})
    seen_devices = sorted(set(trained_on.get("devices", [])) & {str(d) for d in ds.device if d})
    overlap = training_overlap(model.training_fingerprint, ds)
    overlap.update({"seen_sites": seen_sites, "seen_devices": seen_devices})
    warnings = []
    if overlap["independent"] is False:
        warnings.append(
            f"training overlap: {overlap['how']}. These figures are not a validation: they measure, in part, "
            "how well the model remembers its training data"
        )
    elif overlap["independent"] == "unknown":
        warnings.append(f"independence of the training data unknown: {overlap['how']}")
    locked = training.get("locked", {})
    design = [
        f"model {model.model_id} ({model.trained.candidate}); thresholds fixed before this evaluation "
        f"(rule-out {model.thresholds.rule_out:.4f}, refer {model.thresholds.refer:.4f}, from out-of-fold training predictions)",
        f"model development: {training.get('cv', {}).get('design', 'unknown cross-validation')}; "
        f"calibration {training.get('cv', {}).get('inner_calibration_cv', '-')}",
        f"locked validation at training time: site {locked.get('site') or 'none'}, devices "
        f"{', '.join(locked.get('devices', [])) or '-'}, AUC {_fmt(locked.get('auc'))} (95 % CI {_ci(locked.get('auc_ci', [None, None]))})",
        "this data set: sites "
        + (", ".join(sorted({str(s) for s in ds.site if s})) or "-")
        + "; devices "
        + (", ".join(sorted({str(d) for d in ds.device if d})) or "-"),
        (
            "sites and devices independent of the training data"
            if not seen_sites and not seen_devices
            else f"WARNING: seen in training - sites {', '.join(seen_sites) or '-'}, devices {', '.join(seen_devices) or '-'}"
        ),
        f"independent of the training subjects and rows: {_independence_word(overlap['independent'])} - {overlap['how']}",
        f"{int(ood.sum())} sessions flagged out of distribution ('inconclusive, repeat' in the clinic); "
        "accuracy metrics include them, the zone counts show them as inconclusive",
    ]
    permutation = training.get("permutation") or {"permutation_p": None,
                                                  "note": "the model's card has no permutation test"}  # fmt: skip
    design.append("permutation test at training: " + (
        f"p = {permutation['permutation_p']:.4f} ({permutation['n_permutations']} shuffles of the whole model "
        f"choice; null AUC mean {permutation['null_auc_mean']:.3f})" if permutation.get("permutation_p") is not None
        else permutation.get("note", "not run")))  # fmt: skip
    confounding = _confounding_of(ds, p)
    warnings += [f"confounding ({f['code']}): {f['message']}" for f in confounding if f["severity"] == "warn"]
    flow = dict(flow or {"analysed": len(ds)})
    flow["out_of_distribution"] = int(ood.sum())
    report = write_report(
        out_dir,
        model_id=model.model_id,
        y=ds.y,
        p=p,
        thresholds=model.thresholds,
        subject=ds.subject,
        site=ds.site,
        device=ds.device,
        data_summary=ds.summary(),
        flow=flow,
        design=design,
        n_boot=n_boot,
        simulated=bool(model.card.get("not_for_clinical_use")),
        ood=ood,
        independence=overlap,
        warnings=warnings,
        extra={"confounding": confounding, "training_permutation": permutation},
    )
    report["independent"] = overlap["independent"]
    return report


def _independence_word(value) -> str:
    return {True: "yes", False: "NO"}.get(value, "unknown") if isinstance(value, bool) else "unknown"
