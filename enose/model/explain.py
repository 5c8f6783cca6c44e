# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""Why a score is what it is, in words a clinician understands.

Contribution of each input: how much the log-odds of the prediction change
when that one input is replaced by its typical (training median) value. It is
model-agnostic (works the same for the logistic model and for boosting), costs
one batch prediction of ``n_columns + 1`` rows, and is exact for a linear model.
"""

from __future__ import annotations

import re

import numpy as np

from enose.model.dataset import CLINICAL_WORDS

__all__ = ["contributions", "group_contributions", "feature_groups", "explain", "describe_feature"]

_EPS = 1e-6

_STAT_WORDS = {
    "rel": "relative change",
    "ratio": "change",
    "delta": "change",
    "log": "response",
    "auc": "area under the breath response",
    "area": "area under the breath response",
    "slope": "rise speed",
    "tau": "response time",
    "peak": "peak response",
    "amp": "amplitude",
    "mean": "level",
    "std": "variability",
    "recovery": "recovery in the purge",
}


#: Words for the stable feature names of :mod:`enose.signal` (``moxNN.<suffix>``, ``breath.*``, ``baseline.*``).
_SIGNAL_WORDS = {
    "dr_r0": "breath response",
    "log_r_r0": "breath response (log scale)",
    "et_dr_r0": "end-of-exhalation (alveolar) response",
    "auc_dr_r0_s": "total response over the breath phase",
    "max_rise_per_s": "fastest rise",
    "purge_dr_r0": "level after the clean-air purge",
    "purge_t63_s": "recovery time in clean air",
}
_EMA_SPEED = {"0p1": "fast", "0p01": "medium", "0p001": "slow"}
_BREATH_WORDS = {
    "breath.cycles": "number of valid breaths",
    "breath.rate_per_min": "breathing rate",
    "breath.etco2_ppm": "end-tidal CO2",
    "breath.rh_pct": "breath humidity",
    "baseline.rh_pct": "room humidity",
}


def _signal_feature_words(name: str) -> str | None:
    """Words for an ``enose.signal`` feature name, or None when the name is not one of ours."""
    if name in _BREATH_WORDS:
        return _BREATH_WORDS[name]
    match = re.match(r"^mox(\d+)\.(.+)$", name)
    if not match:
        return None
    sensor, suffix = int(match.group(1)), match.group(2)
    ema = re.match(r"^ema_a(\w+?)_(rise|decay)$", suffix)
    if ema and ema.group(1) in _EMA_SPEED:
        what = "onset speed" if ema.group(2) == "rise" else "clearing speed"
        return f"gas sensor {sensor} {what} ({_EMA_SPEED[ema.group(1)]} window)"
    if suffix in _SIGNAL_WORDS:
        return f"gas sensor {sensor} {_SIGNAL_WORDS[suffix]}"
    return None


def describe_feature(name: str) -> str:
    """A readable phrase for a feature name: ours (``mox03.et_dr_r0``) or a table's (``mox3_breath_rel``, ``S2_T1``)."""
    ours = _signal_feature_words(name)
    if ours is not None:
        return ours
    lowered = name.lower()
    match = re.match(r"^s(\d+)_t(\d+)$", lowered)
    if match:
        return f"gas sensor {match.group(1)} response at heater temperature {match.group(2)}"
    parts = re.split(r"[_.\- ]+", name)
    sensor = next((p for p in parts if re.match(r"(?i)^(mox|s|sensor)\d+$", p)), None)
    words = [_STAT_WORDS[p.lower()] for p in parts if p.lower() in _STAT_WORDS]
    rest = [p for p in parts if p != sensor and p.lower() not in _STAT_WORDS]
    if sensor:
        number = re.sub(r"\D", "", sensor)
        text = f"gas sensor {number}"
        if words:
            text += " " + words[0]
        if rest:
            text += " (" + " ".join(rest) + ")"
        return text
    return "breath feature " + name.replace("_", " ")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def contributions(predict_proba, x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``(n_columns,)`` log-odds contribution of each column of one row ``x`` (NaN inputs count 0)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    reference = np.asarray(reference, dtype=float).reshape(-1)
    rows = np.repeat(x[None, :], x.size + 1, axis=0)
    idx = np.arange(x.size)
    rows[idx + 1, idx] = reference
    logits = _logit(predict_proba(rows))
    out = logits[0] - logits[1:]
    out[np.isnan(x)] = 0.0
    return out


def _value_text(name: str, value: float, reference: float) -> str:
    label, unit = CLINICAL_WORDS.get(name, (name.replace("_", " "), ""))
    if np.isnan(value):
        return f"{label} not recorded (a typical value was used)"
    if name in {"copd", "smoking_current", "sex_male", "previous_cancer"}:
        return f"{label}: {'yes' if value >= 0.5 else 'no'}"
    return f"{label} {value:g}{(' ' + unit) if unit else ''} (typical: {reference:g})"


def feature_groups(names: list[str]) -> list[list[int]]:
    """Column indices grouped by what a clinician would name: one group per gas sensor, others alone.

    Why: a sensor gives a dozen strongly correlated features (levels, slopes,
    transients); credited one at a time they split the sensor's effect and can
    even point in opposite directions. Replaced together they tell how much the
    sensor as a whole moved the estimate.
    """
    groups: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        match = re.match(r"^(mox\d+)\.", name)
        groups.setdefault(match.group(1) if match else f"#{j}", []).append(j)
    return list(groups.values())


def group_contributions(predict_proba, x: np.ndarray, reference: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """``(n_groups,)`` log-odds contribution of each group of columns, replaced together by the reference."""
    x = np.asarray(x, dtype=float).reshape(-1)
    reference = np.asarray(reference, dtype=float).reshape(-1)
    rows = np.repeat(x[None, :], len(groups) + 1, axis=0)
    for g, columns in enumerate(groups):
        rows[g + 1, columns] = reference[columns]
    logits = _logit(predict_proba(rows))
    out = logits[0] - logits[1:]
    for g, columns in enumerate(groups):
        if np.all(np.isnan(x[columns])):
            out[g] = 0.0
    return out


def explain(
    predict_proba,
    x: np.ndarray,
    reference: np.ndarray,
    feature_names: list[str],
    clinical_names: list[str],
    top: int = 4,
) -> list[dict]:
    """The ``top`` inputs that moved this prediction most, each with a sentence.

    Gas sensors count as one input each (:func:`feature_groups`); the sentence
    names the sensor's measure that moved the estimate most in the same
    direction. Each item: ``factor`` (that column's name), ``group`` (``mox03``,
    or the column name), ``kind`` ('breath' or 'clinical'), ``contribution``
    (log-odds), ``effect`` ('raises' / 'lowers') and ``text``.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    names = [*feature_names, *clinical_names]
    single = contributions(predict_proba, x, reference)
    groups = feature_groups(names)
    grouped = group_contributions(predict_proba, x, reference, groups)
    out = []
    for g in np.argsort(-np.abs(grouped))[:top]:
        if abs(grouped[g]) < 1e-3:
            break
        columns = groups[g]
        same_way = [j for j in columns if np.sign(single[j]) == np.sign(grouped[g])] or columns
        j = max(same_way, key=lambda k: abs(single[k]))
        effect = "raises" if grouped[g] > 0 else "lowers"
        name = names[j]
        if j >= len(feature_names):
            kind = "clinical"
            what = _value_text(name, x[j], float(reference[j]))
        else:
            kind = "breath"
            direction = "higher" if x[j] > reference[j] else "lower"
            what = f"{describe_feature(name)} {direction} than typical"
            if len(columns) > 1:
                what += " (with this sensor's other measures)"
        out.append(
            {
                "factor": name,
                "group": name.split(".")[0] if re.match(r"^mox\d+\.", name) else name,
                "kind": kind,
                "value": None if np.isnan(x[j]) else float(x[j]),
                "typical": float(reference[j]),
                "contribution": float(grouped[g]),
                "effect": effect,
                "text": f"{what}: {effect} the estimated risk",
            }
        )
    return out
