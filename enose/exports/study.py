"""Whole-study research export: tables as CSV or Parquet, raw signals, a data dictionary, or FHIR.

Pseudonymous by default: subject codes and staff names are replaced by stable
keyed pseudonyms (``subj-`` / ``staff-`` + keyed hash with the site secret),
timestamps keep only the day (``precise_times`` keeps them, and says so in the
audit trail), machine details are dropped, and the re-identification table is
never read. Every file is created owner-only inside an owner-only directory.
Tables that are still empty are written with their header, so a researcher's
script sees the same files from the first day.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from enose.exports.dictionary import DICTIONARY, columns, dictionary_rows
from enose.recording import Recording
from enose.security import audit
from enose.security.permissions import Permission, require
from enose.security.pseudonyms import pseudonymiser, site_secret
from enose.storage.export import export_recording
from enose.storage.private_files import open_private
from enose.storage.store import Store
from enose.sync.outbox import site_uuid

__all__ = ["EXPORT_FORMATS", "ExportError", "export_study", "prepare_export", "study_tables", "write_study"]

EXPORT_FORMATS = ("csv", "parquet", "fhir")


class ExportError(RuntimeError):
    """The export cannot be written (missing optional package, unwritable directory...)."""


#: Timestamp columns of each table, coarsened to the day in a pseudonymous export unless asked otherwise.
_TIMES = {"subjects": ("created_at",), "sessions": ("started_at", "ended_at"), "qc_results": ("computed_at",),
          "features": ("computed_at",), "scores": ("created_at",), "labels": ("entered_at",)}  # fmt: skip


def _to_day(value):
    return value[:10] if isinstance(value, str) and len(value) >= 10 else value


def study_tables(store: Store, *, pseudonymous: bool = True, precise_times: bool = False) -> dict[str, list[dict]]:
    """Every table of the study export as rows with exactly the dictionary's columns.

    Pseudonymous (the default): subject codes become ``subj-`` and staff names ``staff-``
    keyed pseudonyms (:func:`enose.security.keyed_pseudonym` with the site secret), and
    timestamps keep only the day unless ``precise_times``: a recording's minute, joined with
    a clinic's agenda, would point at the person.
    """
    pseudo = pseudonymiser(site_secret(store)) if pseudonymous else (lambda kind, value: value)

    def staff(name):
        return pseudo("staff", name)

    def subject(code):
        return pseudo("subject", code)

    site = site_uuid(store)
    q = store.db.query
    tables: dict[str, list[dict]] = {}
    tables["subjects"] = [{**row, "subject_code": subject(row.pop("code"))} for row in q(
        "SELECT code, site, created_at, age_years, sex, smoking, pack_years, copd, previous_cancer FROM subjects"
        " ORDER BY code")]  # fmt: skip
    tables["sessions"] = [
        {**row, "session_uuid": row.pop("uuid"), "site_uuid": site, "operator": staff(row["operator"]), "raw_file": "",
         "subject_code": subject(row["subject_code"])}
        for row in q("SELECT uuid, kind, subject_code, device_serial, firmware, operator, site, started_at, ended_at,"
                     " status, software_version, period_ms, n_samples, lost_samples, interruptions, protocol, channels"
                     " FROM sessions WHERE status != 'running' ORDER BY id")
    ]  # fmt: skip
    tables["qc_results"] = list(q(
        "SELECT s.uuid AS session_uuid, r.processing_version, r.passed, r.reasons, r.computed_at"
        " FROM qc_results r JOIN sessions s ON s.id = r.session_id ORDER BY s.id, r.processing_version"))  # fmt: skip
    features = []
    for row in q("SELECT s.uuid AS session_uuid, f.processing_version, f.names, f.\"values\" AS v, f.computed_at"
                 " FROM feature_cache f JOIN sessions s ON s.id = f.session_id ORDER BY s.id, f.processing_version"):  # fmt: skip
        names = json.loads(row["names"])
        values = np.frombuffer(row["v"], dtype="<f8")
        for name, value in zip(names, values, strict=False):
            features.append({"session_uuid": row["session_uuid"], "processing_version": row["processing_version"],
                             "feature": name, "value": float(value), "computed_at": row["computed_at"]})  # fmt: skip
    tables["features"] = features
    tables["scores"] = [
        {**row, "site_uuid": site, "operator": staff(row["operator"])}
        for row in q("SELECT c.id AS score_id, s.uuid AS session_uuid, c.created_at, c.operator, c.model_id,"
                     " c.model_sha256, c.software_version, c.processing_version, c.calibration_id, c.probability,"
                     " c.interval_low, c.interval_high, c.zone, c.ood, c.explanation, c.qc_reasons, c.no_zone"
                     " FROM scores c JOIN sessions s ON s.id = c.session_id ORDER BY c.id")
    ]  # fmt: skip
    current = {r[0] for r in store.conn.execute("SELECT id FROM current_labels")}
    tables["labels"] = [
        {**row, "site_uuid": site, "entered_by": staff(row["entered_by"]), "current": int(row["label_id"] in current),
         "subject_code": subject(row["subject_code"])}
        for row in q("SELECT id AS label_id, subject_code, cancer, histology, stage, diagnosis_date, source,"
                     " entered_by, entered_at, supersedes FROM labels ORDER BY id")
    ]  # fmt: skip
    if pseudonymous and not precise_times:
        for name, times in _TIMES.items():
            for row in tables[name]:
                for column in times:
                    row[column] = _to_day(row.get(column))
    return {name: [{c: row.get(c) for c in columns(name)} for row in rows] for name, rows in tables.items()}




def _write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with open_private(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise ExportError(
            "Parquet export needs pyarrow, an optional extra: pip install 'enose[parquet]' (or use --format csv)"
        ) from error
    return pyarrow, pyarrow.parquet


_ARROW_TYPES = {"text": "string", "json": "string", "timestamp": "string", "integer": "int64", "real": "float64"}


def _write_parquet(path: Path, table: str, rows: list[dict]) -> None:
    pa, pq = _pyarrow()
    schema = pa.schema([(name, getattr(pa, _ARROW_TYPES[kind])()) for name, kind, _, _ in DICTIONARY[table]])
    arrow = pa.Table.from_pylist(rows, schema=schema)
    with open_private(path) as handle:
        pq.write_table(arrow, handle)


def _write_raw_parquet(path: Path, recording) -> None:
    pa, pq = _pyarrow()
    data = {"t": recording.t_s, "device_seq": recording.device_seq, "device_t_ms": recording.device_t_ms,
            "flags": recording.flags}  # fmt: skip
    arrays = [pa.array(v) for v in data.values()]
    names = list(data)
    for index, name in enumerate(recording.layout.names):
        arrays.append(pa.array(np.ascontiguousarray(recording.values[:, index])))
        names.append(name)
    with open_private(path) as handle:
        pq.write_table(pa.Table.from_arrays(arrays, names=names), handle)


def export_study(store: Store, out: str | os.PathLike, fmt: str, user, *, raw: bool = True,
                 pseudonymous: bool = True, precise_times: bool = False, progress: bool = False) -> dict:  # fmt: skip
    """Write the whole study to directory ``out``; return a summary (path, format, rows per table, seconds).

    Needs :attr:`Permission.EXPORT_RESEARCH` (and :attr:`Permission.EXPORT_IDENTIFIED` when
    ``pseudonymous`` is False). ``fmt``: ``csv`` or ``parquet`` (tables + raw signals + data
    dictionary) or ``fhir`` (``bundle.json``, FHIR R4, one Observation per score).
    """
    require(user, Permission.EXPORT_RESEARCH)
    if not pseudonymous:
        require(user, Permission.EXPORT_IDENTIFIED)
    started = time.perf_counter()
    target = prepare_export(out, fmt)
    tables = study_tables(store, pseudonymous=pseudonymous, precise_times=precise_times)
    summary = {"path": str(target), "format": fmt, "pseudonymous": pseudonymous, "precise_times": precise_times,
               "authenticated": getattr(user, "authenticated", True),
               "rows": {name: len(rows) for name, rows in tables.items()}}  # fmt: skip
    ids = dict(store.conn.execute("SELECT uuid, id FROM sessions")) if raw and fmt != "fhir" else {}
    devices = {r["serial"]: r for r in store.db.query("SELECT serial, model, firmware FROM devices")}
    summary.update(write_study(target, fmt, tables, devices=devices, progress=progress,
                               recording=(lambda uuid: store.load_recording(ids[uuid])) if raw else None))  # fmt: skip
    summary["seconds"] = round(time.perf_counter() - started, 3)
    audit.record(store, user.username, "export", "study", fmt, format=fmt, pseudonymous=pseudonymous, raw=raw,
                 precise_times=precise_times, rows=summary["rows"])  # fmt: skip
    return summary


def prepare_export(out: str | os.PathLike, fmt: str) -> Path:
    """Check the format (and pyarrow for Parquet) and create the owner-only directory ``out``, before any reading."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        _pyarrow()  # fail before writing anything
    target = Path(out)
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(target, 0o700)
    except OSError as error:
        raise ExportError(f"cannot create the export directory {target}: {error}") from error
    return target


def write_study(target: Path, fmt: str, tables: dict[str, list[dict]], *, devices: dict[str, dict],
                recording: Callable[[str], Recording] | None = None, progress: bool = False) -> dict:  # fmt: skip
    """Write ``tables`` (:func:`study_tables`) into the directory of :func:`prepare_export`; return summary additions.

    One writer for the site's database and the central one (:mod:`enose.research.central`):
    ``recording(session_uuid)`` gives a session's raw signals (None: no raw files); ``devices``
    maps serial to ``{model, firmware}`` for the FHIR Device resources.
    """
    from tqdm import tqdm

    extra: dict = {}
    try:
        if fmt == "fhir":
            from enose.exports.fhir import study_bundle

            bundle = study_bundle(None, tables, devices=devices)
            with open_private(target / "bundle.json") as handle:
                handle.write(json.dumps(bundle, indent=1).encode())
            extra["observations"] = sum(1 for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
        else:
            if recording is not None:
                raw_dir = target / "raw"
                raw_dir.mkdir(exist_ok=True, mode=0o700)
                for row in tqdm(tables["sessions"], unit="session", desc="export", file=sys.stderr,
                                disable=not progress, leave=False):  # fmt: skip
                    name = f"raw/{row['session_uuid']}.{fmt}"
                    if fmt == "csv":
                        export_recording(recording(row["session_uuid"]), "csv", target / name)
                    else:
                        _write_raw_parquet(target / name, recording(row["session_uuid"]))
                    row["raw_file"] = name
            for name, rows in tables.items():
                if fmt == "csv":
                    _write_csv(target / f"{name}.csv", columns(name), rows)
                else:
                    _write_parquet(target / f"{name}.parquet", name, rows)
            _write_csv(target / "data_dictionary.csv", ["table", "column", "type", "unit", "description"],
                       dictionary_rows())  # fmt: skip
    except OSError as error:
        raise ExportError(f"could not write the export into {target}: {error}") from error
    return extra
