"""Training fingerprint and overlap: is the data a model is evaluated on independent of what trained it?

A figure computed on rows the model was trained on is not a validation, yet
nothing in an external table (no site, no device) shows it. So a saved model
records a *fingerprint* of its training data, in the hashed artifact
(``TrainedModel.scope["training_fingerprint"]``):

* a keyed hash (HMAC-SHA-256) of every subject identifier, when the training
  data name subjects (database subject codes, a table's ``--group`` column);
* a keyed hash of every row's input values (the model's features, then its
  clinical variables, in the model's order), each value written with
  :data:`ROW_SIGNIFICANT_DIGITS` significant digits (``format(v, '.9g')``,
  missing values as ``nan``), so that re-reading the same CSV, or recomputing the
  same features, gives the same hash while last-bit float noise does not matter.

Only hashes are kept, never subject codes or feature values, and never in the
card (which holds counts only). The key (salt) is the model's own: derived from
the SHA-256 of the training data itself, so hashes of two models trained on
different data cannot be linked, and training twice on the same data with the
same seed still gives byte-identical artifacts (the model's identity is its
content; see :func:`enose.model.artifact.reproducible_zip`).

:func:`training_overlap` compares a data set with a fingerprint and returns the
verdict ``independent`` (``True``, ``False`` or ``"unknown"``), the counts, and a
sentence saying how it knows.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np

from enose.model.dataset import Dataset

__all__ = [
    "ROW_SIGNIFICANT_DIGITS",
    "FINGERPRINT_VERSION",
    "training_fingerprint",
    "fingerprint_summary",
    "training_overlap",
    "row_texts",
]

#: Significant digits of each value in a row hash. 9 keeps distinct measurements apart (sensor features
#: differ long before the 9th digit) and absorbs the last bits that a CSV round trip or another BLAS may change.
ROW_SIGNIFICANT_DIGITS = 9
FINGERPRINT_VERSION = 1
_DIGEST_HEX = 32  # 128 bits of each HMAC: collisions between a few million rows stay negligible


def row_texts(x: np.ndarray) -> list[str]:
    """Each row of ``x`` as canonical text: values with :data:`ROW_SIGNIFICANT_DIGITS` significant digits.

    ``-0`` is written as ``0`` and every NaN as ``nan``, so equal measurements give equal text.
    """
    out = []
    for row in np.asarray(x, dtype=np.float64):
        cells = []
        for value in row:
            if np.isnan(value):
                cells.append("nan")
            else:
                text = format(float(value) + 0.0, f".{ROW_SIGNIFICANT_DIGITS}g")
                cells.append("0" if text == "-0" else text)
        out.append(",".join(cells))
    return out


def _keyed(salt: bytes, kind: str, texts) -> list[str]:
    return [hmac.new(salt, f"{kind}:{t}".encode(), hashlib.sha256).hexdigest()[:_DIGEST_HEX] for t in texts]


def training_fingerprint(ds: Dataset, seed: int = 0) -> dict:
    """The fingerprint of a training data set (``ds``: the rows the model was fitted on, in model column order).

    Returns a dict of plain types (safe for skops' default loader): ``version``, ``salt``
    (hex), ``row_digits``, ``columns`` (names, to check a later comparison uses the same
    inputs), ``n_rows``, ``rows`` (space-joined hashes, sorted: order reveals nothing),
    ``subject_ids`` (bool), ``n_subjects`` and ``subjects`` (space-joined hashes, empty
    when the data name no subjects).
    """
    rows = row_texts(ds.X)
    subjects = sorted({str(s) for s in ds.subject}) if ds.subject_known else []
    # the salt: a digest of the data itself (reproducible, unique to this training data), never the data
    material = hashlib.sha256()
    material.update(f"enose-training-fingerprint/{FINGERPRINT_VERSION}/{seed}\n".encode())
    for text in sorted(rows):
        material.update(text.encode() + b"\n")
    for subject in subjects:
        material.update(b"s:" + subject.encode() + b"\n")
    salt = material.digest()
    return {
        "version": FINGERPRINT_VERSION,
        "salt": salt.hex(),
        "row_digits": ROW_SIGNIFICANT_DIGITS,
        "columns": list(ds.columns),
        "n_rows": len(rows),
        "rows": " ".join(sorted(set(_keyed(salt, "row", rows)))),
        "subject_ids": bool(ds.subject_known),
        "n_subjects": len(subjects),
        "subjects": " ".join(sorted(_keyed(salt, "subject", subjects))),
    }


def fingerprint_summary(fingerprint: dict | None) -> dict | None:
    """What the card may say about a fingerprint: counts and method, no hashes."""
    if not fingerprint:
        return None
    return {
        "n_rows": fingerprint["n_rows"],
        "n_subjects": fingerprint["n_subjects"] if fingerprint["subject_ids"] else None,
        "method": "HMAC-SHA-256 (model's own salt) of each subject id and of each row's input values "
        f"at {fingerprint['row_digits']} significant digits; only hashes are stored, in model.skops",
    }


def training_overlap(fingerprint: dict | None, ds: Dataset) -> dict:
    """How much of ``ds`` (in the model's column order) the model was trained on, and what follows.

    Returns ``independent`` (``False`` when any subject or row is shared; ``True`` only when
    the model has a fingerprint and none is shared; ``"unknown"`` when it cannot be shown),
    ``shared_subjects`` (distinct subjects, ``None`` when not comparable), ``rows_of_shared_subjects``,
    ``shared_rows`` (rows whose input values equal a training row's), ``n_rows``, ``n_subjects``,
    ``basis`` (what was compared: ``"subjects and rows"``, ``"rows"`` or ``"none"``) and ``how``
    (one sentence saying how it knows).
    """
    n_rows = len(ds)
    n_subjects = int(np.unique(ds.subject.astype(str)).size) if ds.subject_known else None
    out = {
        "independent": "unknown",
        "shared_subjects": None,
        "rows_of_shared_subjects": None,
        "shared_rows": None,
        "n_rows": n_rows,
        "n_subjects": n_subjects,
        "basis": "none",
    }
    if not fingerprint:
        out["how"] = (
            "the model was saved without a fingerprint of its training data (before fingerprints were recorded), "
            "so whether these rows or subjects trained it cannot be shown; retrain it to record one"
        )
        return out
    salt = bytes.fromhex(fingerprint["salt"])
    rows_comparable = (
        list(fingerprint.get("columns") or []) == list(ds.columns)
        and fingerprint.get("row_digits") == ROW_SIGNIFICANT_DIGITS
    )
    subjects_comparable = bool(fingerprint.get("subject_ids")) and bool(ds.subject_known)
    if rows_comparable:
        trained_rows = set(fingerprint["rows"].split())
        out["shared_rows"] = int(sum(h in trained_rows for h in _keyed(salt, "row", row_texts(ds.X))))
    if subjects_comparable:
        trained_subjects = set(fingerprint["subjects"].split())
        codes = ds.subject.astype(str)
        unique = sorted(set(codes))
        shared = {c for c, h in zip(unique, _keyed(salt, "subject", unique), strict=True) if h in trained_subjects}
        out["shared_subjects"] = len(shared)
        out["rows_of_shared_subjects"] = int(sum(c in shared for c in codes))
    out["basis"] = (
        "subjects and rows"
        if rows_comparable and subjects_comparable
        else "rows"
        if rows_comparable
        else "subjects"
        if subjects_comparable
        else "none"
    )
    if (out["shared_rows"] or 0) > 0 or (out["shared_subjects"] or 0) > 0:
        parts = []
        if out["shared_subjects"]:
            parts.append(
                f"{out['shared_subjects']} of {n_subjects} subjects ({out['rows_of_shared_subjects']} rows) "
                "are among the model's training subjects"
            )
        if out["shared_rows"]:
            parts.append(f"{out['shared_rows']} of {n_rows} rows have the input values of a training row")
        out["independent"] = False
        out["how"] = "; ".join(parts) + " (compared with the model's training fingerprint)"
        return out
    if out["basis"] == "none":
        out["how"] = (
            "neither subject ids nor rows can be compared with the model's training fingerprint (the inputs "
            f"differ: model {len(fingerprint.get('columns') or [])} columns, data {len(ds.columns)}), "
            "so independence cannot be shown"
        )
        return out
    out["independent"] = True
    if not rows_comparable:
        out["how"] = (
            f"none of {n_subjects} subjects is among the model's {fingerprint['n_subjects']} training subjects "
            "(compared by keyed hash); rows were not compared (the inputs differ from the model's)"
        )
        return out
    compared = f"none of {n_rows} rows has the input values of any of the {fingerprint['n_rows']} training rows"
    if subjects_comparable:
        out["how"] = (
            f"none of {n_subjects} subjects is among the model's {fingerprint['n_subjects']} training subjects and "
            + compared
            + " (compared by keyed hash with the model's training fingerprint)"
        )
    else:
        missing = "these data" if fingerprint.get("subject_ids") else "the training data"
        out["how"] = (
            compared
            + f" (compared by keyed hash, values to {ROW_SIGNIFICANT_DIGITS} significant digits); subjects were not "
            f"compared because {missing} name none (--group), so another session of a training subject would "
            "not be detected"
        )
    return out
