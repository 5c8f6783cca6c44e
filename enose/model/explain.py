# ruff: noqa: N803, N806  (X: the scikit-learn naming convention for data matrices)
"""Why a score is what it is, in words a clinician understands.

Contribution of each input: how much the log-odds of the prediction change
when that one input is replaced by its typical (training median) value. It is
model-agnostic (works the same for the logistic model and for boosting), costs
one batch prediction of ``n_columns + 1`` rows, and is exact for a linear model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from enose.model.dataset import CLINICAL_WORDS

__all__ = [
    "FeatureParts",
    "contributions",
    "group_contributions",
    "feature_groups",
    "feature_parts",
    "explain",
    "describe_feature",
]

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


@dataclass(frozen=True)
class FeatureParts:
    """What an :mod:`enose.signal` feature name says, as codes a reader's words are chosen from.

    Attributes:
        sensor: MOX position (``mox03`` -> 3), None for a breath-level feature.
        measure: the suffix (``et_dr_r0``, ``purge_t63_s``...), ``ema_rise`` / ``ema_decay`` for the
            transients, or the whole name for a breath-level feature (``breath.cycles``).
        speed: ``fast`` / ``medium`` / ``slow`` for the transients (alpha 0.1 / 0.01 / 0.001), else None.
    """

    sensor: int | None
    measure: str
    speed: str | None = None


#: Breath-level features of :mod:`enose.signal`, and their words.
_BREATH_WORDS = {
    "breath.cycles": "number of valid breaths",
    "breath.rate_per_min": "breathing rate",
    "breath.etco2_ppm": "end-tidal CO2",
    "breath.rh_pct": "breath humidity",
    "baseline.rh_pct": "room humidity",
}
#: Per-sensor measures (``FeatureParts.measure``) and their words.
_MEASURE_WORDS = {
    "dr_r0": "breath response",
    "log_r_r0": "breath response (log scale)",
    "et_dr_r0": "end-of-exhalation (alveolar) response",
    "auc_dr_r0_s": "total response over the breath phase",
    "max_rise_per_s": "fastest rise",
    "purge_dr_r0": "level after the clean-air purge",
    "purge_t63_s": "recovery time in clean air",
    "ema_rise": "onset speed",
    "ema_decay": "clearing speed",
    "room_load": "room-air level",
    "load_ratio": "breath level against room air",
    "et_load_ratio": "end-of-exhalation level against room air",
}
_EMA_SPEED = {"0p1": "fast", "0p01": "medium", "0p001": "slow"}


def feature_parts(name: str) -> FeatureParts | None:
    """The parts of an :mod:`enose.signal` feature name (``mox03.ema_a0p001_decay``), or None for another name.

    Why codes and not a sentence: the GUI words them in the reader's language, the core in
    English (:func:`describe_feature`); both read the name the same way.
    """
    if name in _BREATH_WORDS:
        return FeatureParts(None, name)
    match = re.match(r"^mox(\d+)\.(.+)$", name)
    if not match:
        return None
    sensor, suffix = int(match.group(1)), match.group(2)
    ema = re.match(r"^ema_a(\w+?)_(rise|decay)$", suffix)
    if ema and ema.group(1) in _EMA_SPEED:
        return FeatureParts(sensor, f"ema_{ema.group(2)}", _EMA_SPEED[ema.group(1)])
    return FeatureParts(sensor, suffix)


def _sensor_group(name: str) -> str | None:
    """``mox03`` for any feature of that gas sensor, None for the others."""
    parts = feature_parts(name)
    return name.split(".", 1)[0] if parts is not None and parts.sensor is not None else None


def _signal_feature_words(name: str) -> str | None:
    """English words for an ``enose.signal`` feature name, or None when the name is not one of ours."""
    parts = feature_parts(name)
    if parts is None:
        return None
    if parts.sensor is None:
        return _BREATH_WORDS[parts.measure]
    if parts.measure not in _MEASURE_WORDS:
        return None
    what = _MEASURE_WORDS[parts.measure]
    return f"gas sensor {parts.sensor} {what}" + (f" ({parts.speed} window)" if parts.speed else "")


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
        groups.setdefault(_sensor_group(name) or f"#{j}", []).append(j)
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
                "group": _sensor_group(name) or name,
                "kind": kind,
                "value": None if np.isnan(x[j]) else float(x[j]),
                "typical": float(reference[j]),
                "contribution": float(grouped[g]),
                "effect": effect,
                "text": f"{what}: {effect} the estimated risk",
            }
        )
    return out
